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
from kubedrift.notifiers.templates import en, zh_cn, zh_cn_engine, zh_cn_summaries


@dataclass(frozen=True)
class Catalog:
    """The phrases of one locale."""

    locale: Locale
    strings: Mapping[str, str]
    rules: Mapping[str, str]
    # The engine's English remedy sentences and expected phrases in this language.
    remedy_text: Callable[[str], str] = str
    expected_text: Callable[[str], str] = str
    # The engine's English finding summaries in this language; None when a form is missing.
    summary_text: Callable[[str], str | None] = lambda english: None

    def t(self, key: str, /, **values: object) -> str:
        return self.strings[key].format(**values)

    def plural(self, key: str, n: int, /, **values: object) -> str:
        one = f"{key}.one"
        chosen = one if n == 1 and one in self.strings else f"{key}.other"
        return self.strings[chosen].format(n=n, **values)

    def rule(self, rule_id: str) -> str | None:
        """The rule's title in this language, when the catalog has one."""
        return self.rules.get(rule_id)

    def said(self, text: str, observed: str | None, expected: str | None) -> str | None:
        """The summary `text` in this language, followed by the observed and expected values
        it does not state itself; None when this language has no form for it.

        An expected phrase (a minor supported for more than 90 days, one kubelet version per
        pool) says in words what the rule wants, which the sentence says already; an expected
        value (a version, a constraint) is shown unless the sentence names it."""
        sentence = self.summary_text(text)
        if sentence is None:
            return None
        unsaid = (
            observed is not None and not _states(text, observed),
            expected is not None
            and not _states(text, expected)
            and self.expected_text(expected) == expected,
        )
        return self.t(
            f"said.{_FORMS[unsaid]}",
            said=sentence,
            observed=observed,
            expected=None if expected is None else self.expected_text(expected),
        )

    def finding(
        self,
        text: str,
        *,
        rule: str,
        component: str,
        observed: str | None,
        expected: str | None,
    ) -> str:
        """A finding in one line: the engine's summary (English, or a Chinese sentence),
        else the rule's title with the observed and expected values."""
        title = self.rule(rule) or rule
        said = self.said(text, observed, expected)
        if said is not None:
            return self.t("summary.said", text=text, rule=title, component=component, said=said)
        return self.t(
            f"summary.{_FORMS[(observed is not None, expected is not None)]}",
            text=text,
            rule=title,
            component=component,
            observed=observed,
            expected=None if expected is None else self.expected_text(expected),
        )


def _states(text: str, value: str) -> bool:
    """Whether the summary `text` names `value`, or the value an explanation in parentheses
    follows (`1.31 (target '1.31', allowed lag 1)`)."""
    return value in text or value.partition(" (")[0] in text


# Which values a line shows: (observed, expected) -> the phrase's key suffix.
_FORMS = {
    (True, True): "both",
    (True, False): "observed",
    (False, True): "expected",
    (False, False): "none",
}


CATALOGS: dict[Locale, Catalog] = {
    "en": Catalog("en", en.STRINGS, en.RULES),
    "zh-CN": Catalog(
        "zh-CN",
        zh_cn.STRINGS,
        zh_cn.RULES,
        remedy_text=zh_cn_engine.remedy,
        expected_text=zh_cn_engine.expected,
        summary_text=zh_cn_summaries.summary,
    ),
}


def catalog(locale: Locale) -> Catalog:
    return CATALOGS[locale]
