"""The words of a Terraform pull request: the version as the resource takes it, the title,
the description (with the plan summary, when there is one) and the `Kubedrift-Key:` trailer
that ties a pull request to its proposal's key."""

from __future__ import annotations

import re

from kubedrift.enforcers.base import ChangeRequest
from kubedrift.enforcers.hcl_edit import Located

_MINOR = re.compile(r"^v?(\d+)\.(\d+)")
_KEY_TRAILER = re.compile(r"^Kubedrift-Key: (.+)$", re.MULTILINE)


def render_version(provider: str, component: str, version: str) -> str:
    """The version as the resource takes it: EKS pins `major.minor` only."""
    if provider == "eks" and (component == "control-plane" or component.startswith("node-pool/")):
        match = _MINOR.match(version)
        if match:
            return f"{match.group(1)}.{match.group(2)}"
    return version


def pr_text(
    change: ChangeRequest, located: Located, value: str, plan: str | None = None
) -> tuple[str, str]:
    step = change.step
    title = (
        f"kubedrift: {change.cluster.name} {change.component} "
        f"{located.site.value} -> {value} (towards {change.target_version})"
    )
    lines = [
        f"Cluster `{change.cluster.key}` ({change.cluster.name}): **{change.component}** "
        f"{located.site.value} -> {value}.",
        "",
        f"Why: {step.reason}",
        "",
        f"Edited: `{located.address}.{located.attribute}`, set at:",
        *(f"- `{hop}`" for hop in located.site.trail),
    ]
    if change.remaining:
        later = [f"- {s}" for s in change.remaining]
        lines += ["", "Later steps (proposed one at a time):", *later]
    if plan:
        lines += ["", plan]
    lines += ["", "Proposed by kubedrift; it never applies changes.", trailer(change)]
    return title, "\n".join(lines)


def trailer(change: ChangeRequest) -> str:
    return f"Kubedrift-Key: {change.key}"


def key_of(body: str) -> str | None:
    """The proposal key a pull request's description carries, if any."""
    found = _KEY_TRAILER.search(body)
    return found.group(1).strip() if found else None
