"""The comments enforcers leave when they close a proposal, in every supported language.

A pull request or ticket kubedrift closes says why on the record, so whoever watched it sees
the reason: the cluster reached its target (`resolved`), or the next step moved to another
component and a newer proposal replaces this one (`superseded`).
"""

from __future__ import annotations

from kubedrift.notifiers.base import Locale

_STRINGS: dict[Locale, dict[str, str]] = {
    "en": {
        "resolved": (
            "kubedrift: {name} (`{key}`) no longer drifts from its target {target}: "
            "closing this {what}."
        ),
        "superseded": (
            "kubedrift: the next upgrade step of {name} (`{key}`) is now {component}, "
            "proposed in {url}: closing this {what}."
        ),
        "pull_request": "pull request",
        "ticket": "ticket",
    },
    "zh-CN": {
        "resolved": "kubedrift：{name}（`{key}`）已达到目标版本 {target}，不再漂移：关闭此{what}。",
        "superseded": (
            "kubedrift：{name}（`{key}`）的下一步升级已变为 {component}，见 {url}：关闭此{what}。"
        ),
        "pull_request": "合并请求",
        "ticket": "工单",
    },
}


def resolved_note(locale: Locale, what: str, *, name: str, key: str, target: str) -> str:
    words = _STRINGS[locale]
    return words["resolved"].format(name=name, key=key, target=target, what=words[what])


def superseded_note(
    locale: Locale, what: str, *, name: str, key: str, component: str, url: str
) -> str:
    words = _STRINGS[locale]
    return words["superseded"].format(
        name=name, key=key, component=component, url=url, what=words[what]
    )
