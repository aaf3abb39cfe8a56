"""A cluster's add-ons as the composed planner (`upgrade_compose`) classes them at each step.

Each add-on is a row kept in the run's memo once per field values, provider, table and plan
targets (what its class reads), and classed once per minor; a cluster's add-ons are the
tuple of their rows, kept once too. A cluster's add-ons are so looked up once, not at every
step, and the classed steps are kept by the set's identity: a fleet runs the same few
versions of each add-on (the benchmark's 80,000 add-ons are some 50 rows), while the
combination of them differs from cluster to cluster.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from kubedrift.model.inventory import Addon
from kubedrift.model.plan import AddonTarget
from kubedrift.model.upgrade_parts import AddonDecision
from kubedrift.policies.addon_compat import AddonCompat
from kubedrift.policies.upgrade_addons import classify_other, is_kube_proxy
from kubedrift.versions import MinorVersion


class AddonRow:
    """One add-on (as its field values) on one provider's clusters; hashed by identity."""

    __slots__ = ("_addon", "_how")

    def __init__(self, addon: Addon, how: dict[str, Any]) -> None:
        self._addon, self._how = addon, how

    def classify(self, minor: MinorVersion, *, at_target: bool) -> AddonDecision:
        return classify_other(self._addon, minor, at_target=at_target, **self._how)


class AddonSet:
    """A cluster's add-ons but kube-proxy (the planner classes it from the pools), in
    inventory order, as rows; hashed and compared by identity."""

    __slots__ = ("rows",)

    def __init__(self, rows: tuple[AddonRow, ...]) -> None:
        self.rows = rows

    def at(
        self, minor: MinorVersion, *, at_target: bool, memo: MutableMapping[Any, Any]
    ) -> tuple[AddonDecision, ...]:
        """Every add-on classed at `minor`, as `upgrade_addons.classify_step` classes them.

        Each row's class is kept in one table per minor (and whether it is the target) for
        every set: a step looks its rows up in one go.
        """
        key = ("addon-classes", minor.major, minor.minor, at_target)
        table: dict[AddonRow, AddonDecision] | None = memo.get(key)
        if table is None:
            table = memo[key] = {}
        try:
            return tuple(map(table.__getitem__, self.rows))
        except KeyError:
            for row in self.rows:
                if row not in table:
                    table[row] = row.classify(minor, at_target=at_target)
            return tuple(map(table.__getitem__, self.rows))


# kube-proxy's rows: the planner classes it from the pools, so it is in no set.
_KUBE_PROXY = AddonRow(Addon(name="kube-proxy"), {})


def addon_set(
    addons: Sequence[Addon],
    *,
    provider: str,
    compat: AddonCompat,
    addon_targets: Mapping[str, AddonTarget],
    memo: MutableMapping[Any, Any],
) -> AddonSet:
    """The cluster's add-ons as kept in `memo` (as long-lived as `compat` and the targets)."""
    # An empty mapping may be a temporary: its identity could be reused by another one.
    shared = (provider, id(compat), id(addon_targets) if addon_targets else None)
    rows: list[AddonRow] = []
    for addon in addons:
        # The add-on's field values, not the model: hashing a model goes through pydantic.
        key = ("addon-row", tuple(addon.__dict__.values()), shared)
        row: AddonRow | None = memo.get(key)
        if row is None:
            how = {"compat": compat, "addon_targets": addon_targets, "provider": provider}
            row = memo[key] = _KUBE_PROXY if is_kube_proxy(addon, compat) else AddonRow(addon, how)
        if row is not _KUBE_PROXY:
            rows.append(row)
    found: AddonSet | None = memo.get(("addon-set", *rows))
    if found is None:
        found = memo[("addon-set", *rows)] = AddonSet(tuple(rows))
    return found
