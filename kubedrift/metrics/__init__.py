"""Prometheus metrics read from the store at scrape time.

A custom `prometheus_client` collector (`StoreCollector`), not module-level Gauges: each
scrape reads the store and yields fresh families, so nothing goes stale when a cluster
disappears. Base units throughout (seconds, Unix timestamps, 0/1); series stay O(clusters).
`figures` computes the per-cluster values (pure), `collector` the families; the SQL is in
`kubedrift.store.metrics_read`. The daemon registers the collector in its registry, served
at `/metrics`; `docs/metrics.md` lists every metric.
"""

from __future__ import annotations

from kubedrift.metrics.collector import StoreCollector
from kubedrift.metrics.figures import COMPLIANCE_FLOOR, ClusterFigures, cluster_figures

__all__ = ["COMPLIANCE_FLOOR", "ClusterFigures", "StoreCollector", "cluster_figures"]
