"""The table's words in `en` and `zh-CN`, and line wrapping by display width.

English shows the engine's sentences as written. Chinese names a finding by its rule's Chinese
title and its summary's Chinese form (the title alone when a part of the summary has no form),
and shows remedies, step reasons, add-on and strategy reasons through the same Chinese forms as
chat alerts and tickets (`kubedrift.notifiers.templates.zh_cn_summaries`, `zh_cn_engine`,
`zh_cn_planner`); a sentence no form knows is shown as written. Chinese characters take two
terminal columns: wrapping counts columns, so a Chinese table also stays within its width.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from kubedrift.model.findings import Finding

LOCALES = ("en", "zh-CN")

_EN = {
    "observed": "observed {value}",
    "expected": "expected {value}",
    "titled": "{title}: {said}",
    "facts_sep": " | ",
    "waived": "waived",
    "waived_by": "waived by {waiver} ({severity})",
    "fix": "fix: {fix}",
    "steps_below": " (steps below)",
    "steps": "  upgrade steps (to {target}):",
    "how": "how ",
    "addon": "add-on ",
    "blocked": "BLOCKED ",
    "warning": "warning ",
    "group": "group {group}",
    "no_group": "no plan group",
    "clean": "no findings: {names}",
    "unknown": "unknown",
    "summary": "{clusters} clusters, {with_findings} with findings; {findings} findings "
    "({counts}), {waived} waived",
    "no_counts": "none",
    "count": "{n} {severity}",
    "counts_sep": ", ",
    "fail_on": "; --fail-on {severity}: {verdict} ({failing} at or above)",
    "verdict_fail": "FAIL",
    "verdict_ok": "pass",
    "upgrade_control_plane": "control plane",
    "upgrade_node_pool": "node pool",
    "replace_node_pool": "replace pool",
    "upgrade_addon": "add-on",
    "manual": "manual",
    "required": "REQUIRED",
    "optional": "optional",
    "not_needed": "not needed",
    "in_place": "in-place",
    "replacement": "replacement",
    "critical": "CRITICAL",
    "high": "HIGH",
    "medium": "medium",
    "low": "low",
    "info": "info",
}
_ZH = {
    "observed": "当前 {value}",
    "expected": "期望 {value}",
    "titled": "{title}：{said}",
    "facts_sep": "；",
    "waived": "已豁免",
    "waived_by": "由 {waiver} 豁免（{severity}）",
    "fix": "修复：{fix}",
    "steps_below": "（步骤见下）",
    "steps": "  升级步骤（到 {target}）：",
    "how": "方式 ",
    "addon": "组件 ",
    "blocked": "受阻 ",
    "warning": "提示 ",
    "group": "分组 {group}",
    "no_group": "未被计划分组选中",
    "clean": "无问题：{names}",
    "unknown": "未知",
    "summary": "{clusters} 个集群，{with_findings} 个有问题；{findings} 项问题（{counts}），"
    "{waived} 项已豁免",
    "no_counts": "无",
    "count": "{severity} {n}",
    "counts_sep": "，",
    "fail_on": "；--fail-on {severity}：{verdict}（{failing} 项达到或高于该级别）",
    "verdict_fail": "未通过",
    "verdict_ok": "通过",
    "upgrade_control_plane": "控制面",
    "upgrade_node_pool": "节点池",
    "replace_node_pool": "替换节点池",
    "upgrade_addon": "组件",
    "manual": "手动",
    "required": "必须",
    "optional": "可选",
    "not_needed": "无需",
    "in_place": "原地升级",
    "replacement": "替换升级",
    "critical": "严重",
    "high": "高",
    "medium": "中",
    "low": "低",
    "info": "提示",
}


@dataclass(frozen=True)
class Words:
    """One locale's words and the translations of the engine's and the planner's sentences."""

    locale: str
    strings: dict[str, str]
    finding_text: Callable[[Finding], str]
    remedy: Callable[[str], str]
    planner: Callable[[str], str]
    expected: Callable[[str], str]

    def t(self, key: str, /, **values: object) -> str:
        return self.strings[key].format(**values)


def words(locale: str) -> Words:
    """The table's words in `locale` (one of `LOCALES`)."""
    if locale == "en":
        return Words("en", _EN, lambda f: f.summary, str, str, str)
    if locale != "zh-CN":
        raise ValueError(f"unknown locale {locale!r}; expected one of: {', '.join(LOCALES)}")
    from kubedrift.notifiers.templates import CATALOGS
    from kubedrift.notifiers.templates.zh_cn_planner import planner

    catalog = CATALOGS["zh-CN"]

    def finding_text(finding: Finding) -> str:
        title = catalog.rule(finding.key.rule) or finding.key.rule
        # The observed and expected values have their own line in the table.
        said = catalog.summary_text(finding.summary)
        return title if said is None else _ZH["titled"].format(title=title, said=said)

    return Words("zh-CN", _ZH, finding_text, catalog.remedy_text, planner, catalog.expected_text)


_TOKENS = re.compile(r"\s+|[A-Za-z0-9_./:<>=~^*+\-'`\"(),?!|@#%&\[\]{}]+|.", re.DOTALL)


def columns(text: str) -> int:
    """Terminal columns `text` takes: wide (CJK) characters count two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# Chinese punctuation that never starts a line: it takes the character before it along.
_CLOSING = frozenset("，。；：、）》」』！？")


def wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """`textwrap.wrap`'s greedy fill by display columns: breaks between words, or between any
    two wide characters (never before closing Chinese punctuation); whitespace is kept as
    written except where a line breaks; a word longer than a line is cut."""
    lines: list[str] = []
    line, used = first, columns(first)
    fresh = True  # nothing of `text` on the current line yet
    placed: list[str] = []  # the words and characters placed since the last space
    for found in _TOKENS.findall(text):
        if found.isspace():
            if not fresh or not lines:  # leading indentation of the text is kept
                line, used = line + found, used + columns(found)
            placed = []
            continue
        token, size = found, columns(found)
        if used + size > width and not fresh:
            if token in _CLOSING:
                # Closing punctuation takes along the punctuation before it and the word
                # before that ("v1.29.4）：").
                along = _along(placed)
                if along and len(line) > len(rest) + len(along):
                    token, size = along + token, size + columns(along)
                    line = line[: -len(along)]
            lines.append(line.rstrip())
            line, used = rest, columns(rest)
            placed = []
        while used + size > width:  # longer than a whole line: cut it
            cut, taken = _prefix(token, width - used)
            lines.append(line + cut)
            line, used = rest, columns(rest)
            token, size = token[len(cut) :], size - taken
        line, used, fresh = line + token, used + size, False
        placed.append(token)
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _along(placed: list[str]) -> str:
    """The end of a line that closing punctuation takes to the next one: the closing
    punctuation already there and the word or character before it."""
    count = 0
    while count < len(placed) and placed[-1 - count] in _CLOSING:
        count += 1
    if count < len(placed):
        count += 1
    return "".join(placed[-count:]) if count else ""


def _prefix(token: str, room: int) -> tuple[str, int]:
    """The longest start of `token` within `room` columns (one character at least)."""
    cut, taken = "", 0
    for char in token:
        step = columns(char)
        if cut and taken + step > room:
            break
        cut, taken = cut + char, taken + step
    return cut, taken
