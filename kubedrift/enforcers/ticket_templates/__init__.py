"""Upgrade-ticket phrases per locale (`en`, `zh-CN`), as `str.format` templates.

Like the notifiers' catalogs (`kubedrift.notifiers.templates`): one flat table per language,
same keys and placeholders in each (a test checks), and the rule titles and finding phrases
are the notifiers' own, so a rule reads the same in chat and in a ticket.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from kubedrift.enforcers.ticket_templates import en, zh_cn
from kubedrift.notifiers.base import Locale

TICKET_STRINGS: dict[Locale, Mapping[str, str]] = {"en": en.STRINGS, "zh-CN": zh_cn.STRINGS}
# Provider product names for the cloud resources a person checks: load balancer, network,
# instances. Unknown providers get the generic words.
TERMS: dict[Locale, Mapping[str, Mapping[str, str]]] = {"en": en.TERMS, "zh-CN": zh_cn.TERMS}
# The planner's English sentences (step reasons, warnings, blocks) and the checks' notes
# in each language; a sentence no form knows is shown as written.
PLANNER_TEXT: dict[Locale, Callable[[str], str]] = {"en": str, "zh-CN": zh_cn.TEXTS.chinese}
