"""`render_path_table`: an upgrade path as text for a 100-column terminal.

One block per step (order, action, component, from -> to, reason), then the step's node
strategy and its add-on classification, one line each, wrapped under the step. The JSON
form is `path.model_dump(mode="json")`; this table shows the same facts in words.
"""

from __future__ import annotations

import textwrap

from kubedrift.model.findings import UpgradeStep
from kubedrift.model.upgrade_parts import AddonDecision
from kubedrift.model.upgrades import UpgradePath

WIDTH = 100
_ACTIONS = {
    "upgrade_control_plane": "control plane",
    "upgrade_node_pool": "node pool",
    "replace_node_pool": "node pool",
    "upgrade_addon": "add-on",
    "manual": "manual",
}
_NEED = {"required": "REQUIRED", "optional": "optional", "not_needed": "not needed"}


def _wrap(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_on_hyphens=False,
        break_long_words=True,
    )


def _addon_line(decision: AddonDecision) -> list[str]:
    move = decision.from_version or "?"
    if decision.to_version and decision.to_version != decision.from_version:
        move += f" -> {decision.to_version}"
    head = f"{_NEED[decision.need.value]:<10} {decision.name} {move}: "
    return _wrap(head + decision.reason, "     addon ", " " * 17)


def _step_lines(step: UpgradeStep) -> list[str]:
    start = step.from_version or "unknown"
    head = f"{step.order:>3}. {_ACTIONS[step.action]:<13} {step.component}  {start} -> "
    head += step.to_version
    lines = _wrap(head, "", " " * 19)
    lines += _wrap(step.reason, " " * 5, " " * 5)
    if step.strategy is not None:
        label = step.strategy.strategy.value.replace("_", "-")
        lines += _wrap(f"{label}: {step.strategy.reason}", "     how   ", " " * 11)
    if step.action != "upgrade_addon":
        for decision in step.addons:
            lines += _addon_line(decision)
    for blocked in step.blocked_by:
        lines += _wrap(blocked, "     BLOCKED ", " " * 13)
    for warning in step.warnings:
        lines += _wrap(warning, "     warning ", " " * 13)
    return lines


def render_path_table(path: UpgradePath) -> str:
    """The path as text, every line at most 100 columns."""
    current = ", ".join(path.current) or "unknown"
    lines = _wrap(f"{path.cluster}: {current} -> {path.target}", "", "    ")
    summary = f"{len(path.steps)} steps, {path.node_upgrades} node-pool upgrades"
    if path.blocked:
        summary += ", BLOCKED"
    lines.append(summary)
    for blocked in path.blocked_by:
        lines += _wrap(blocked, "BLOCKED ", " " * 8)
    for step in path.steps:
        lines.append("")
        lines += _step_lines(step)
    if path.addons:
        lines.append("")
        lines.append(f"add-ons at {path.target}:")
        for decision in path.addons:
            lines += _addon_line(decision)
    if path.warnings:
        lines.append("")
        for warning in path.warnings:
            lines += _wrap(warning, "warning: ", " " * 9)
    return "\n".join(lines) + "\n"
