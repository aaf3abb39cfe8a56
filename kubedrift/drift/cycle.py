"""What one cycle's collection results say, sorted for reconcile's questions.

Which clusters were collected, which could not be, which sources ran and whether their
discovery succeeded, and which known clusters a successful discovery no longer lists.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from kubedrift.model.events import DriftState
from kubedrift.model.inventory import ClusterInventory, ClusterRef, Collected, CollectionFailed
from kubedrift.model.reconcile import VersionSnapshot


@dataclass
class CycleView:
    """The results of one cycle, indexed.

    `collected` maps cluster key to inventory; `failed` holds per-cluster failures of
    clusters not also collected; `source_failures` the source-wide (discovery) failures;
    `discovered` the cluster keys each source's discovery listed (collected or failed).
    """

    ran: frozenset[str]
    collected: dict[str, ClusterInventory] = field(default_factory=dict)
    failed: dict[str, CollectionFailed] = field(default_factory=dict)
    source_failures: dict[str, CollectionFailed] = field(default_factory=dict)
    discovered: dict[str, set[str]] = field(default_factory=dict)

    def discovery_succeeded(self, source: str) -> bool:
        return source in self.ran and source not in self.source_failures

    def source_failed(self, source: str) -> CollectionFailed | None:
        """The failure that makes this cycle a failed one for the source, if any.

        Discovery failing is one; discovery listing clusters none of which could be collected
        is the other (revoked cluster credentials look like that, and would otherwise only
        show as stale findings that nobody is told about).
        """
        if source in self.source_failures:
            return self.source_failures[source]
        listed = self.discovered.get(source, set())
        if listed and not any(key in self.collected for key in listed):
            return min((self.failed[key] for key in listed), key=lambda f: f.message)
        return None


def view_of(results: Iterable[Collected | CollectionFailed], sources: Collection[str]) -> CycleView:
    """Index `results`; `sources` names the sources whose discovery ran this cycle."""
    view = CycleView(ran=frozenset(sources))
    failures: list[tuple[ClusterRef, CollectionFailed]] = []
    for result in results:
        if isinstance(result, Collected):
            inventory = result.inventory
            known = view.collected.get(inventory.key)
            # Two inventories of one cluster (a watch re-collected it mid-cycle): the newer wins.
            if known is None or inventory.collected_at >= known.collected_at:
                view.collected[inventory.key] = inventory
            view.discovered.setdefault(inventory.source, set()).add(inventory.key)
        elif result.cluster is None:
            if result.source not in view.ran:
                raise ValueError(
                    f"source {result.source!r} failed its discovery but is not among the "
                    f"sources that ran this cycle ({', '.join(sorted(view.ran)) or 'none'})"
                )
            view.source_failures[result.source] = result
        else:
            failures.append((result.cluster, result))
    # Second pass, once every inventory is known: collected evidence beats a failure.
    for ref, failure in failures:
        key = ref.key
        view.discovered.setdefault(ref.source, set()).add(key)
        if key not in view.collected:
            view.failed[key] = failure
    return view


def owners(
    view: CycleView,
    states: Iterable[DriftState],
    snapshots: Mapping[str, VersionSnapshot],
) -> dict[str, str]:
    """The source each known cluster belongs to: this cycle's results first, then the last
    snapshot, then what the stored states remember."""
    owner: dict[str, str] = {}
    for state in states:
        if state.source is not None:
            owner[state.key.cluster] = state.source
    for key, snapshot in snapshots.items():
        owner[key] = snapshot.source
    for source, keys in view.discovered.items():
        for key in keys:
            owner[key] = source
    return owner


def removed_clusters(view: CycleView, owner: Mapping[str, str]) -> set[str]:
    """Known clusters whose source's discovery succeeded this cycle without listing them."""
    seen = view.collected.keys() | view.failed.keys()
    return {
        key for key, source in owner.items() if view.discovery_succeeded(source) and key not in seen
    }


def uncollected(view: CycleView, owner: Mapping[str, str]) -> set[str]:
    """Known clusters that could not be collected this cycle: their own collection failed,
    or their source's discovery did."""
    stale = set(view.failed)
    stale.update(
        key
        for key, source in owner.items()
        if source in view.source_failures and key not in view.collected
    )
    return stale
