"""Rule metadata as text: the `kubedrift rules list` table, JSON, and docs/rules.md.

docs/rules.md is generated: `kubedrift rules list --format markdown > docs/rules.md`; a test
fails when the file and the metadata disagree.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence

from kubedrift.policies.rules.base import RuleInfo

_INTRO = """\
# Policy rules

Generated from the rule metadata by `kubedrift rules list --format markdown > docs/rules.md`;
do not edit by hand (a test compares this file with the metadata).

Every finding is keyed by cluster, rule id and component (`control-plane`,
`node-pool/<pool id>`, `addon/<name>`, `control-plane/<component>[/<instance>]`,
`api/<group>/<version>/<resource>`, `waiver/<id>`, `inventory/<part>`). Waivers name rule ids
(globs allowed: `addon-*`) and component globs. A rule reports at its default severity unless
its text says when it reports lower or higher; data it cannot read is reported as "could not
determine", never as compliant. Rules marked "no target needed" also run for clusters that no
plan group selects.

Packaged data the rules read, each fact with its source: `kubedrift/calendar/data/*.yaml`
(release calendars, see docs/calendar.md), `kubedrift/policies/data/addon_compat.yaml`
(add-on compatibility, and how ACK and TKE package upstream add-ons; the upgrade-path planner
reads the same table), `kubedrift/policies/data/removed_apis.yaml` (the Kubernetes deprecation
guide).
"""


def rules_markdown(infos: Sequence[RuleInfo]) -> str:
    lines = [_INTRO, "| id | default severity | title |", "| --- | --- | --- |"]
    lines += [f"| [`{i.id}`](#{i.anchor}) | {i.severity.value} | {i.title} |" for i in infos]
    for info in infos:
        scope = "no target needed" if not info.needs_target else "needs the group's target"
        if info.platforms != ("kubernetes",):
            scope += f" · platforms {', '.join(info.platforms)}"
        lines += [
            "",
            f"## {info.id}",
            "",
            f"**{info.title}** · default severity **{info.severity.value}** · "
            f"family `{info.family}` · {scope}",
            "",
            *textwrap.wrap(info.rationale, width=100, break_on_hyphens=False),
        ]
    return "\n".join(lines) + "\n"


def rules_table(infos: Sequence[RuleInfo]) -> str:
    width = max(len(i.id) for i in infos)
    lines = [f"{'RULE':<{width}}  {'SEVERITY':<8}  TITLE"]
    lines += [f"{i.id:<{width}}  {i.severity.value:<8}  {i.title}" for i in infos]
    lines.append("")
    lines.append("details: docs/rules.md (kubedrift rules list --format markdown)")
    return "\n".join(lines) + "\n"


def rules_json(infos: Sequence[RuleInfo]) -> str:
    items = [
        {
            "id": i.id,
            "title": i.title,
            "severity": i.severity.value,
            "rationale": i.rationale,
            "family": i.family,
            "needs_target": i.needs_target,
            "platforms": list(i.platforms),
            "docs": i.docs,
        }
        for i in infos
    ]
    return json.dumps(items, indent=2) + "\n"
