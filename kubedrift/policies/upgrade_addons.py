"""Every add-on classed at one control-plane step of an upgrade path.

Owns kube-proxy's class (it follows the control plane, bounded by the skew policy: required
only when the policy or the end of the path needs it, optional while the policy lets it
stay) and the matching of the plan's add-on targets to the add-ons a cluster runs; every
other add-on is classed by `addon_classify.classify_addon` from the packaged facts.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from kubedrift.model.inventory import Addon, ClusterInventory
from kubedrift.model.plan import AddonTarget
from kubedrift.model.upgrade_parts import AddonDecision, AddonNeed
from kubedrift.policies.addon_classify import classify_addon
from kubedrift.policies.addon_compat import AddonCompat
from kubedrift.policies.upgrade_state import KUBE_PROXY, ClusterState
from kubedrift.versions import KubeVersion, MinorVersion


def kube_proxy_decision(
    need: AddonNeed, current: KubeVersion, to_version: str, reason: str
) -> AddonDecision:
    """kube-proxy's class at a step; the planner decides it from the skew policy."""
    return AddonDecision(
        name=KUBE_PROXY,
        kind="proxy",
        need=need,
        from_version=current.raw,
        to_version=current.raw if need is AddonNeed.NOT_NEEDED else to_version,
        reason=reason,
        source="kube-proxy follows the control plane; limits: the skew policy",
    )


def plan_target(
    addon: Addon, addon_targets: Mapping[str, AddonTarget], compat: AddonCompat
) -> AddonTarget | None:
    """The plan's target for `addon`: by name, by the target's aliases, or by the table's name."""
    canonical = compat.canonical(addon.name)
    for name, wanted in addon_targets.items():
        if addon.name in (name, *wanted.aliases) or canonical == name:
            return wanted
    return None


def classify_step(
    addons: Sequence[Addon],
    minor: MinorVersion,
    *,
    after: ClusterState,
    at_target: bool,
    compat: AddonCompat,
    addon_targets: Mapping[str, AddonTarget],
    memo: MutableMapping[Any, Any] | None = None,
    provider: str | None = None,
) -> tuple[AddonDecision, ...]:
    """kube-proxy (when any pool reports it) first, then every other add-on in inventory order.

    `after` is the state once the control plane is at `minor`; the plan's add-on targets
    apply only `at_target` (the plan speaks of the target, not of the minors on the way).
    `memo` (the caller's, as long-lived as `compat` and the targets) keeps each add-on's
    class per minor and provider: a fleet runs the same add-on versions on many clusters.
    `provider` is the cluster's: it decides what a provider-packaged add-on's version means.
    """
    proxies = [p.kube_proxy for p in after.pools if p.kube_proxy is not None]
    out = (
        (kube_proxy_class(min(proxies), minor, at_target, after.oldest.raw, memo),)
        if proxies
        else ()
    )
    found = _each(
        addons,
        minor,
        at_target=at_target,
        compat=compat,
        addon_targets=addon_targets,
        memo=memo,
        provider=provider,
    )
    return (*out, *found)


def classify_cluster_step(
    inventory: ClusterInventory,
    minor: MinorVersion,
    *,
    target: MinorVersion,
    after: ClusterState,
    compat: AddonCompat,
    addon_targets: Mapping[str, AddonTarget],
    memo: MutableMapping[Any, Any] | None,
) -> tuple[AddonDecision, ...]:
    """`classify_step` for a cluster's add-ons at `minor` of a path to `target`."""
    return classify_step(
        inventory.addons,
        minor,
        after=after,
        at_target=minor == target,
        compat=compat,
        addon_targets=addon_targets,
        memo=memo,
        provider=inventory.provider,
    )


def kube_proxy_class(
    current: KubeVersion,
    minor: MinorVersion,
    at_target: bool,
    to_version: str,
    memo: MutableMapping[Any, Any] | None,
) -> AddonDecision:
    """kube-proxy's class once the control plane is at `minor` (its version `to_version`),
    from the oldest kube-proxy of the pools (`current`); one object per distinct class in
    `memo`."""
    at = minor.major, minor.minor
    key = ("kube-proxy-class", current.raw, at, at_target, to_version)
    found: AddonDecision | None = None if memo is None else memo.get(key)
    if found is not None:
        return found
    if current.minor_version >= minor:
        need, why = AddonNeed.NOT_NEEDED, f"already at {minor}"
    elif at_target:
        need, why = AddonNeed.REQUIRED, "the path ends with every component at the target"
    else:
        need, why = (
            AddonNeed.OPTIONAL,
            f"follows the control plane (kubeadm moves it to {minor}); the skew policy "
            f"lets {current} stay, so it moves only when the policy requires it or "
            "after the node pools at the end",
        )
    found = kube_proxy_decision(need, current, to_version, why)
    if memo is not None:
        memo[key] = found
    return found


def _each(
    addons: Sequence[Addon],
    minor: MinorVersion,
    *,
    at_target: bool,
    compat: AddonCompat,
    addon_targets: Mapping[str, AddonTarget],
    memo: MutableMapping[Any, Any] | None,
    provider: str | None,
) -> tuple[AddonDecision, ...]:
    """Every add-on but kube-proxy classed at `minor`, each kept in `memo` on its own."""
    out: list[AddonDecision] = []
    how: dict[str, Any] = {
        "at_target": at_target,
        "compat": compat,
        "addon_targets": addon_targets,
        "provider": provider,
    }
    # An empty mapping may be a temporary: its identity could be reused by another one.
    targets = id(addon_targets) if addon_targets else None
    for addon in addons:
        if memo is None:
            found = classify_one(addon, minor, **how)
        else:
            # The add-on's field values, not the model: hashing a model goes through pydantic.
            fields = tuple(addon.__dict__.values())
            key = ("addon-class", fields, minor, at_target, provider, id(compat), targets)
            found = memo.get(key, _MISSING)
            if found is _MISSING:
                found = memo[key] = classify_one(addon, minor, **how)
        if found is not None:
            out.append(found)
    return tuple(out)


_MISSING: Any = object()


def classify_one(
    addon: Addon,
    minor: MinorVersion,
    *,
    at_target: bool,
    compat: AddonCompat,
    addon_targets: Mapping[str, AddonTarget],
    provider: str | None,
) -> AddonDecision | None:
    """`addon`'s class at `minor`; None for kube-proxy (the planner classes it itself)."""
    if is_kube_proxy(addon, compat):
        return None
    return classify_other(
        addon,
        minor,
        at_target=at_target,
        compat=compat,
        addon_targets=addon_targets,
        provider=provider,
    )


def is_kube_proxy(addon: Addon, compat: AddonCompat) -> bool:
    return compat.canonical(addon.name) == KUBE_PROXY


def classify_other(
    addon: Addon,
    minor: MinorVersion,
    *,
    at_target: bool,
    compat: AddonCompat,
    addon_targets: Mapping[str, AddonTarget],
    provider: str | None,
) -> AddonDecision:
    """The class at `minor` of an add-on other than kube-proxy."""
    wanted = plan_target(addon, addon_targets, compat) if at_target else None
    return classify_addon(addon, minor, compat=compat, plan_target=wanted, provider=provider)
