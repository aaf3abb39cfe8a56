"""The Prometheus text format of the store families, written once per store revision.

`generate_latest` formats every sample anew: at 10,000 clusters (~40,000 series) that is
most of a scrape, and all but one per-cluster family stay the same until a cycle is saved.
`FleetText` keeps the text of those families, and of the one that moves with the clock
(`kubedrift_cluster_support_remaining_seconds`) keeps each line's label part, so a scrape
formats only 10,000 numbers. Everything is written by `generate_latest` itself or in its
exact form (label values escaped as the text format requires, numbers by its
`floatToGoString`); `tests/unit/metrics` compares the two byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import cast

from prometheus_client import generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

# prometheus_client's own number format (`+Inf`, `1e+06`, ...); its function is untyped.
_go_float = cast("Callable[[float], str]", floatToGoString)
REMAINING = "kubedrift_cluster_support_remaining_seconds"
REMAINING_HELP = (
    "Seconds until the control plane's minor reaches end of standard support (negative "
    "once past); absent when neither provider metadata nor the calendar dates it."
)


class Families(Collector):
    """Fixed families, as a collector `generate_latest` can write."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self.families = tuple(families)

    def collect(self) -> Iterable[Metric]:
        return self.families


def render(families: Iterable[Metric]) -> bytes:
    return generate_latest(Families(families))


def remaining_family(ends: Sequence[tuple[str, float]], now: float) -> Metric:
    """Seconds left per cluster: `ends` are (cluster key, Unix time support ends)."""
    family = GaugeMetricFamily(REMAINING, REMAINING_HELP, labels=["cluster"])
    for key, ends_at in ends:
        family.add_metric([key], ends_at - now)
    return family


def _label_value(text: str) -> str:
    return text.replace("\\", r"\\").replace("\n", r"\n").replace('"', r"\"")


class FleetText:
    """The text of one revision's fixed families, and the remaining-seconds lines' labels."""

    def __init__(self, fixed: Sequence[Metric], ends: Sequence[tuple[str, float]]) -> None:
        self.fixed = render(fixed)
        self._header = render([GaugeMetricFamily(REMAINING, REMAINING_HELP, labels=["cluster"])])
        self._prefixes = [(f'{REMAINING}{{cluster="{_label_value(k)}"}} ', e) for k, e in ends]

    def remaining(self, now: float) -> bytes:
        lines = [f"{prefix}{_go_float(ends_at - now)}\n" for prefix, ends_at in self._prefixes]
        return self._header + "".join(lines).encode()
