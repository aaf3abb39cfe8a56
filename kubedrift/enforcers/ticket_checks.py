"""The automatic pre-upgrade checks of a ticket: what kubedrift can answer from one cluster's
inventory, its upgrade path and its findings.

Each check fails on evidence (a finding, or the planner's sentence when no finding carries
it), is `to_check` when the data it needs was not collected, and passes only when the data
was there and showed nothing wrong: "could not look" is never "fine" (design.md, rule 6).
Node readiness is not in the inventory, so that check always says so and stays for a person.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kubedrift.enforcers.ticket_model import Check, CheckId, Evidence
from kubedrift.model.findings import Finding, Severity
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.upgrade_parts import AddonNeed
from kubedrift.model.upgrades import UpgradePath

_SKEW_RULES = frozenset(
    {"skew-kubelet", "skew-kube-proxy", "skew-apiserver-ha", "skew-control-plane-components"}
)
_ADDON_RULES = frozenset(
    {"addon-incompatible", "addon-missing", "addon-not-running", "addon-behind-plan"}
)
# The planner's warning prefixes (upgrade_planner.py): a skew problem before any step, and
# ones a step would introduce (after it, or while the control plane rolls).
_BEFORE = "before the path: "
_DURING = ("after ", "while the control plane rolls")


def evidence_of(finding: Finding) -> Evidence:
    """A finding as a ticket states it (its rule's title is worded per language)."""
    return Evidence(
        rule=finding.key.rule,
        severity=finding.severity,
        component=finding.key.component,
        observed=finding.observed,
        expected=finding.expected,
        text=finding.summary,
    )


def _texts(texts: Iterable[str]) -> tuple[Evidence, ...]:
    return tuple(Evidence(text=t) for t in dict.fromkeys(texts))


def _result(check: CheckId, failed: Sequence[Evidence], unknown: Sequence[Evidence]) -> Check:
    if failed:
        return Check(id=check, status="fail", automatic=True, evidence=(*failed, *unknown))
    if unknown:
        return Check(id=check, status="to_check", automatic=True, evidence=tuple(unknown))
    return Check(id=check, status="pass", automatic=True)


def _split(findings: Iterable[Finding], rules: frozenset[str]) -> tuple[list[Evidence], ...]:
    """(failing, undetermined) evidence of the findings of `rules`; info means "unknown"."""
    hits = [f for f in findings if f.key.rule in rules]
    failed = [evidence_of(f) for f in hits if f.severity is not Severity.INFO]
    unknown = [evidence_of(f) for f in hits if f.severity is Severity.INFO]
    return failed, unknown


def target_offered(path: UpgradePath, findings: Sequence[Finding]) -> Check:
    failed, unknown = _split(findings, frozenset({"target-not-offered"}))
    blocks = [b for s in path.steps for b in s.blocked_by]
    notes = [w for s in path.steps if s.action == "upgrade_control_plane" for w in s.warnings]
    if not path.steps and path.blocked_by:
        notes += path.blocked_by  # no step was planned, so no offer was checked
    return _result("target_offered", [*failed, *_texts(blocks)], [*unknown, *_texts(notes)])


def skew_now(inventory: ClusterInventory, path: UpgradePath, findings: Sequence[Finding]) -> Check:
    failed, unknown = _split(findings, _SKEW_RULES)
    if not failed:
        failed = list(
            _texts(w.removeprefix(_BEFORE) for w in path.warnings if w.startswith(_BEFORE))
        )
    if inventory.control_plane.version is None:
        unknown.append(Evidence(component="control-plane", text="control plane version unknown"))
    for pool in inventory.node_pools:
        if pool.kubelet_version is None:
            unknown.append(Evidence(component=f"node-pool/{pool.id}", text="kubelet unknown"))
    return _result("skew_now", failed, unknown)


def skew_path(path: UpgradePath) -> Check:
    failed = _texts(w for w in path.warnings if w.startswith(_DURING))
    unknown = [*_texts(w for w in path.warnings if "kubelet version unknown" in w)]
    if not path.steps and path.blocked_by:
        unknown += _texts(path.blocked_by)
    return _result("skew_path", failed, unknown)


def addons_compatible(
    inventory: ClusterInventory, path: UpgradePath, findings: Sequence[Finding]
) -> Check:
    failed, unknown = _split(findings, _ADDON_RULES)
    decisions = [d for s in path.steps for d in s.addons] + list(path.addons)
    seen: set[str] = set()
    for d in decisions:
        if d.need is not AddonNeed.NOT_NEEDED and d.to_version is None and d.name not in seen:
            seen.add(d.name)
            unknown.append(Evidence(component=d.name, observed=d.from_version, text=d.reason))
    if "addons" in inventory.unknown:
        unknown.append(Evidence(component="addons", text="add-ons could not be read"))
    return _result("addons_compatible", failed, unknown)


def removed_apis(inventory: ClusterInventory, findings: Sequence[Finding]) -> Check:
    failed, unknown = _split(findings, frozenset({"removed-api-in-use"}))
    if inventory.deprecated_apis is None and not unknown:
        unknown.append(Evidence(component="apis", text="deprecated API usage was not collected"))
    return _result("removed_apis", failed, unknown)


def pool_versions(inventory: ClusterInventory, findings: Sequence[Finding]) -> Check:
    failed, unknown = _split(findings, frozenset({"node-pool-mixed-versions"}))
    named = {e.component for e in failed}
    for pool in inventory.node_pools:
        component = f"node-pool/{pool.id}"
        if pool.mixed_versions and component not in named:
            seen = ", ".join(f"{v} x{n}" for v, n in sorted(pool.versions_seen.items()))
            failed.append(Evidence(component=component, observed=seen))
        elif not pool.versions_seen:
            unknown.append(Evidence(component=component, text="per-node versions not collected"))
    if not inventory.node_pools or "node_pools" in inventory.unknown:
        unknown.append(Evidence(component="node-pools", text="node pools could not be read"))
    return _result("pool_versions", failed, unknown)


def automatic_checks(
    inventory: ClusterInventory, path: UpgradePath, findings: Sequence[Finding]
) -> tuple[Check, ...]:
    """Every automatic check, in the order a ticket lists them."""
    return (
        target_offered(path, findings),
        skew_now(inventory, path, findings),
        skew_path(path),
        addons_compatible(inventory, path, findings),
        removed_apis(inventory, findings),
        pool_versions(inventory, findings),
        # The inventory has no node conditions: said, not guessed.
        Check(id="nodes_ready", status="to_check", automatic=True),
    )
