"""The add-ons of a cluster as the add-on rules see them: grouped by the name findings use.

Collectors report add-ons under their workload or provider names (`calico-node`,
`nginx-ingress-controller`, `terway-eniip`); the plan's names and aliases come first, then the
packaged data's names, so every finding is keyed `addon/<plan or canonical name>`. A group's
oldest member is judged, on what runs (`running_version`), else on what is declared.
"""

from __future__ import annotations

from collections.abc import Sequence

from kubedrift.model.inventory import Addon, ClusterInventory
from kubedrift.model.plan import Target
from kubedrift.model.upgrade_parts import AddonDecision
from kubedrift.policies.addon_classify import classify_addon
from kubedrift.policies.rules.base import RuleContext
from kubedrift.policies.rules.facts import addon_numbers
from kubedrift.versions import MinorVersion

# What the rules read of an add-on (and `classify_addon` of it): its memo key.
AddonKey = tuple[str, str, str | None, str | None, tuple[str, ...]]


def keyed_groups(
    context: RuleContext, cluster: ClusterInventory, target: Target
) -> dict[str, tuple[list[Addon], tuple[AddonKey, ...]]]:
    """The cluster's add-ons by the name findings use (plan name, else canonical name), each
    group with the memo key of its add-ons."""
    # One slot: the add-on rules of one cluster run back to back.
    key = ("addon-groups",)
    slot = context.cache.get(key)
    if slot is not None and slot[0] is cluster and slot[1] is target:
        return slot[2]  # type: ignore[no-any-return]
    plan_names, named_as = _naming(context, target)
    compat = context.compat.addons
    groups: dict[str, tuple[list[Addon], list[AddonKey]]] = {}
    for addon in cluster.addons:
        named = named_as.get(addon.name)
        if named is None:
            canonical = compat.canonical(addon.name)
            named = plan_names.get(addon.name) or plan_names.get(canonical) or canonical
            named_as[addon.name] = named
        members = groups.get(named)
        if members is None:
            members = groups[named] = ([], [])
        members[0].append(addon)
        members[1].append(
            (
                addon.name,
                addon.kind,  # a StrEnum: equal to its value, without the enum lookup
                addon.version,
                addon.running_version,
                addon.available_versions,
            )
        )
    found = {name: (addons, tuple(keys)) for name, (addons, keys) in groups.items()}
    context.cache[key] = (cluster, target, found)
    return found


def _naming(context: RuleContext, target: Target) -> tuple[dict[str, str], dict[str, str]]:
    """The plan's names by alias for `target`, and a memo of the name findings use per add-on
    name (the plan's name, else the canonical one)."""
    key = ("addon-naming", id(target))
    found: tuple[dict[str, str], dict[str, str]] | None = context.cache.get(key)
    if found is not None:
        return found
    compat = context.compat.addons
    plan_names: dict[str, str] = {}
    for name, wanted in target.addons.items():
        for alias in (name, *wanted.aliases):
            plan_names.setdefault(alias, name)
        plan_names.setdefault(compat.canonical(name), name)
    found = context.cache[key] = (plan_names, {})
    return found


def classified(
    context: RuleContext, addon: Addon, minor: MinorVersion, provider: str
) -> AddonDecision:
    """`classify_addon` memoised for the run on everything it reads of the add-on."""
    key = (
        "classify",
        addon.name,
        addon.kind,
        addon.version,
        addon.running_version,
        addon.available_versions,
        minor,
        provider,
    )
    found: AddonDecision | None = context.cache.get(key)
    if found is None:
        found = context.cache[key] = classify_addon(
            addon, minor, compat=context.compat.addons, provider=provider
        )
    return found


def shown_version(addon: Addon) -> tuple[str | None, str]:
    """The version judged and how it was read."""
    if addon.running_version is not None:
        return addon.running_version, "running"
    if addon.version is not None:
        return addon.version, "declared; running version not collected"
    return None, "unknown"


def oldest_addon(addons: Sequence[Addon]) -> Addon:
    def order(addon: Addon) -> tuple[int, int, int]:
        return addon_numbers(shown_version(addon)[0]) or (-1, 0, 0)

    return min(addons, key=order)
