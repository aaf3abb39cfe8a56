"""Which of a list of selecting items (plan groups, waivers) select a cluster, fleet-wide.

A selector's conditions other than the name read a cluster's platform, provider, region and
a few labels, which a fleet repeats; its name conditions read what every cluster has of its
own. So the items whose other conditions hold are kept per distinct set of what they read,
and only their name conditions are checked per cluster. The answer is the items in order,
exactly as checking every item's whole selector would give.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from kubedrift.model.selector import ClusterIdentity, Selector, platform_of

T = TypeVar("T")


class SelectorIndex(Generic[T]):
    """`items` (in order) with their `selector`; `scope`, when given, is a further condition
    on a value the caller passes with the cluster (a waiver's plan groups), part of the key."""

    def __init__(
        self,
        items: Sequence[T],
        selector: Callable[[T], Selector],
        scope: Callable[[T, str | None], bool] | None = None,
    ) -> None:
        self.items = tuple(items)
        self.selector = selector
        self.scope = scope
        self.labels = tuple(sorted({key for item in items for key in selector(item).labels}))
        self._kept: dict[tuple[object, ...], tuple[T, ...]] = {}

    def matching(self, cluster: ClusterIdentity, scoped: str | None = None) -> list[T]:
        """The items that select `cluster` (with `scoped` for `scope`), in order."""
        name = cluster.name
        return [i for i in self._candidates(cluster, scoped) if self.selector(i).matches_name(name)]

    def first(self, cluster: ClusterIdentity) -> T | None:
        """The first item that selects `cluster`."""
        name = cluster.name
        candidates = self._candidates(cluster, None)
        return next((i for i in candidates if self.selector(i).matches_name(name)), None)

    def _candidates(self, cluster: ClusterIdentity, scoped: str | None) -> tuple[T, ...]:
        labels = cluster.labels
        key = (
            scoped,
            platform_of(cluster),
            cluster.provider,
            cluster.region,
            *[labels.get(label) for label in self.labels],
        )
        kept = self._kept.get(key)
        if kept is None:
            scope = self.scope
            kept = self._kept[key] = tuple(
                item
                for item in self.items
                if (scope is None or scope(item, scoped))
                and self.selector(item).matches_except_name(cluster)
            )
        return kept
