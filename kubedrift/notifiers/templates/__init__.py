"""Message phrases per locale, as `str.format` templates, and plural selection.

Why plain format strings rather than Jinja2: a `Message` is built from short phrases
(a title, one line per finding, a remedy line) that two chat services then lay out in their
own markup, so there is no document to template, only phrases to translate. One flat table
per language keeps a translator's work side by side and reviewable, costs no dependency, and
a test checks that every language has every phrase with the same placeholders.

A key ending in `.one` is used when the count is 1 and the language has a singular form;
otherwise `.other`. Chinese has no plural forms and defines only `.other`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from kubedrift.notifiers.base import Locale
from kubedrift.notifiers.templates import en, zh_cn, zh_cn_engine


@dataclass(frozen=True)
class Catalog:
    """The phrases of one locale."""

    locale: Locale
    strings: Mapping[str, str]
    rules: Mapping[str, str]
    # The engine's English remedy sentences and expected phrases in this language.
    remedy_text: Callable[[str], str] = str
    expected_text: Callable[[str], str] = str

    def t(self, key: str, /, **values: object) -> str:
        return self.strings[key].format(**values)

    def plural(self, key: str, n: int, /, **values: object) -> str:
        one = f"{key}.one"
        chosen = one if n == 1 and one in self.strings else f"{key}.other"
        return self.strings[chosen].format(n=n, **values)

    def rule(self, rule_id: str) -> str | None:
        """The rule's title in this language, when the catalog has one."""
        return self.rules.get(rule_id)


CATALOGS: dict[Locale, Catalog] = {
    "en": Catalog("en", en.STRINGS, en.RULES),
    "zh-CN": Catalog(
        "zh-CN",
        zh_cn.STRINGS,
        zh_cn.RULES,
        remedy_text=zh_cn_engine.remedy,
        expected_text=zh_cn_engine.expected,
    ),
}


def catalog(locale: Locale) -> Catalog:
    return CATALOGS[locale]
