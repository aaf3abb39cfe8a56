"""Small builders for rule tests: a cluster in a few keyword arguments, a rule context."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from kubedrift.calendar import load_calendar
from kubedrift.model.findings import Finding
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.plan import Target
from kubedrift.policies.compat import load_compat
from kubedrift.policies.rules.base import Rule, RuleContext

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def cluster(
    version: str | None = "1.30.2",
    *,
    provider: str = "kubeconfig",
    region: str | None = None,
    name: str = "c1",
    labels: dict[str, str] | None = None,
    apiservers: tuple[str, ...] = (),
    components: tuple[tuple[str, str | None], ...] = (),
    pools: tuple[dict[str, Any], ...] = (),
    addons: tuple[dict[str, Any], ...] = (),
    available: tuple[str, ...] = (),
    upgradable: tuple[str, ...] = (),
    deprecated: list[dict[str, Any]] | None = None,
    support: dict[str, Any] | None = None,
    unknown: tuple[str, ...] = (),
) -> ClusterInventory:
    """A cluster; `pools` items are NodePool fields (id/name default from `kubelet`)."""
    comps: list[dict[str, str | None]] = [
        {"component": "kube-apiserver", "version": v} for v in apiservers
    ]
    comps += [{"component": c, "version": v} for c, v in components]
    plane: dict[str, Any] = {
        "version": version,
        "components": comps,
        "available_versions": list(available),
        "upgradable_versions": list(upgradable),
    }
    if support is not None:
        plane["support"] = support
    node_pools = []
    for index, pool in enumerate(pools):
        item = {"id": f"np-{index}", "name": f"pool-{index}", **pool}
        if "kubelet_version" not in item and item.get("versions_seen"):
            item["kubelet_version"] = min(item["versions_seen"], key=_order)
        node_pools.append(item)
    return ClusterInventory.model_validate(
        {
            "provider": provider,
            "source": "test",
            "id": name,
            "name": name,
            "region": region,
            "labels": labels or {},
            "collected_at": NOW,
            "control_plane": plane,
            "node_pools": node_pools,
            "addons": list(addons),
            "deprecated_apis": deprecated,
            "unknown": list(unknown),
        }
    )


def _order(raw: str) -> tuple[int, ...]:
    from kubedrift.versions import parse_version

    v = parse_version(raw)
    return (v.major, v.minor, v.patch)


def target(kubernetes: str = "1.30", **fields: Any) -> Target:
    return Target.model_validate({"kubernetes": kubernetes, **fields})


def context(now: datetime = NOW) -> RuleContext:
    return RuleContext(calendar=load_calendar(), compat=load_compat(), now=now)


def run(
    rule: type[Rule], inventory: ClusterInventory, goal: Target | None = None, now: datetime = NOW
) -> list[Finding]:
    return list(rule(context(now)).evaluate(inventory, goal or target(), now))
