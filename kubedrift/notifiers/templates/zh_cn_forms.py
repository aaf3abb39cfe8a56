"""Computed English sentences read in Chinese through tables of sentence forms.

The planner words its reasons and warnings in English (stored paths, JSON, the English ticket
keep that text). A table row is one sentence form: a regular expression that must match the
whole sentence, and its Chinese format string. Named groups are carried over as written
(versions, names), except where the group's name says otherwise:

- `text`, `text2`: the group is itself a sentence (a skew verdict inside a reason) and is read
  through the tables again, so nested sentences are Chinese too;
- a name listed in `WORDS`: the value is one of a closed set of English words, which the
  pattern spells out as alternatives; the table gives each its Chinese word;
- a name listed in `LISTS`: values joined by an English word ("1.29 or 1.31"), joined in
  Chinese instead;
- `component`: a component of the path (`control-plane`, `node-pool/<id>`) is named in
  Chinese; an add-on's name stays;
- anything else is a value.

A sentence no form matches is shown as written; `untranslated` lists those parts, which is
how the tests keep every form the planner writes covered.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# Closed sets of words inside the sentences, by group name; a value not listed is carried over
# as written.
WORDS: Mapping[str, Mapping[str, str]] = {
    "direction": {"older": "旧", "newer": "新"},
    "strategy": {"in-place": "原地升级", "replacement": "替换升级"},
    "role": {
        "manager": "管理节点",
        "managers": "管理节点",
        "master": "主节点",
        "masters": "主节点",
        "worker": "工作节点",
        "workers": "工作节点",
        "agent": "Agent 节点",
        "agents": "Agent 节点",
        "the leading manager": "作为 Leader 的管理节点",
        "the leading master": "作为 Leader 的主节点",
    },
    "listed": {"none": "无"},
    "seen": {"unreadable": "无法识别", "unknown": "未知"},
    # The engine's summaries (`zh_cn_summaries`).
    "cloud": {"ack": "ACK", "tke": "TKE", "upstream": "上游"},
    "how": {
        "running": "运行版本",
        "declared; running version not collected": "声明版本，未采集运行版本",
        "unknown": "版本未知",
    },
    "older": {" and older": " 及更早版本"},
    "platform": {"kubernetes": "Kubernetes", "swarm": "Swarm", "mesos": "Mesos"},
    "addon_kind": {"cni": "CNI 网络插件", "dns": "DNS", "ingress": "Ingress", "proxy": "代理"},
    "reason": {
        "auth": "认证失败",
        "throttled": "被限流",
        "timeout": "请求超时",
        "server": "服务端错误",
        "malformed": "响应无法解析",
        "not_found": "资源不存在",
        "config": "配置错误",
        "internal": "内部错误",
    },
    "part": {
        "addons": "组件列表",
        "node_pools": "节点池",
        "deprecated_apis": "已弃用 API 的调用情况",
        "control_plane.version": "控制面版本",
        "control_plane.components": "控制面组件",
        "control_plane.support": "支持周期信息",
        "control_plane.available_versions": "可用版本列表",
        "control_plane.upgradable_versions": "可升级版本列表",
    },
}
LISTS: Mapping[str, tuple[str, str]] = {"skipped": (" or ", "、"), "joined": (", ", "、")}
# Groups that take their words from another group's table (a pattern names a group once).
_SAME_WORDS = {
    "leader": "role",
    "leaders": "role",
    "worker": "role",
    "workers": "role",
    "cloud2": "cloud",
}


@dataclass(frozen=True)
class Form:
    pattern: re.Pattern[str]
    chinese: str


def forms(*rows: tuple[str, str]) -> tuple[Form, ...]:
    """Compiled rows of (English pattern matched in full, Chinese format string)."""
    return tuple(Form(re.compile(pattern, re.DOTALL), chinese) for pattern, chinese in rows)


def fixed(*rows: tuple[str, str]) -> tuple[Form, ...]:
    """Rows whose English is a plain sentence (no values), matched literally."""
    return forms(*((re.escape(english), chinese) for english, chinese in rows))


def _component(value: str) -> str:
    if value == "control-plane":
        return "控制面"
    if value.startswith("node-pool/"):
        return f"节点池 {value.removeprefix('node-pool/')}"
    return value


def _word(group: str, value: str) -> str:
    if group == "component":
        return _component(value)
    if group in LISTS:
        english, chinese = LISTS[group]
        return value.replace(english, chinese)
    table = WORDS.get(_SAME_WORDS.get(group, group), {})
    return table.get(value, value)


class Sentences:
    """Tables of forms tried in order; the first whose pattern matches the whole text wins."""

    def __init__(self, *tables: tuple[Form, ...]) -> None:
        self.forms = tuple(form for table in tables for form in table)

    def _read(self, english: str, missed: list[str]) -> str:
        for form in self.forms:
            found = form.pattern.fullmatch(english)
            if found is None:
                continue
            values = {}
            for group, value in found.groupdict(default="").items():
                if group.startswith("text"):
                    values[group] = self._read(value, missed)
                else:
                    values[group] = _word(group, value)
            return form.chinese.format(**values)
        missed.append(english)
        return english

    def chinese(self, english: str) -> str:
        """The Chinese form of `english`; the parts no form knows stay as written."""
        return self._read(english, [])

    def complete(self, english: str) -> str | None:
        """The Chinese form of `english` when forms know every part of it, else None."""
        missed: list[str] = []
        chinese = self._read(english, missed)
        return None if missed else chinese

    def untranslated(self, english: str) -> list[str]:
        """The parts of `english` (itself, or sentences inside it) no form knows."""
        missed: list[str] = []
        self._read(english, missed)
        return missed

    def match(self, english: str) -> Form | None:
        """The form that reads `english` (tests: every form has a case)."""
        return next((f for f in self.forms if f.pattern.fullmatch(english)), None)
