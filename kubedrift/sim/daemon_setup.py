"""A `kubedrift daemon` on the simulated fleet, telling a fake Slack by bot token: its settings
file and plan, the fleet change that gives each scan events to tell, and what reached the
fake Slack. The crash harness (`sim/crash.py`) and the daemon's HA, once and reliability
tests run their daemons this way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kubedrift.sim.fleet import Fleet
from kubedrift.sim.harness import SimulatedFleet
from kubedrift.sim.slack import SlackFakeServer

PLAN = Path(__file__).resolve().parent / "data" / "plan.yaml"
SINK = "slack-ops"
TOKEN_ENV, TOKEN = "SLACK_BOT_TOKEN", "xoxb-test"
PAYMENTS = "ack/cn-hangzhou/c8f3e2a1b9d7c4e5f6a7b8c9d0e1f2a3b"
GPU_POOL = "np7a6b5c4d3e2f"


def write_settings(
    directory: Path,
    sim: SimulatedFleet,
    slack: SlackFakeServer,
    store_url: str,
    *,
    kinds: tuple[str, ...] = ("ack", "tke", "kubeconfig"),
    max_rps: float | None = None,
    send_timeout: float = 2,
    **extra: Any,
) -> Path:
    """`kubedrift.yaml` in `directory`: one source per fake kind (`max_rps` raising their
    rate limits), the example plan beside it, the fake Slack by bot token, and `extra`
    top-level sections (schedule, dispatch, http, ...)."""
    directory.mkdir(parents=True, exist_ok=True)
    sources = []
    for kind in kinds:
        config = next(c for c in sim.configs(kind) if c.type == kind)
        if max_rps is not None:
            config = config.model_copy(update={"max_rps": max_rps})
        sources.append(config.model_dump(mode="json", exclude_none=True))
    (directory / "plan.yaml").write_text(PLAN.read_text())
    settings = {
        "sources": sources,
        "plan": "plan.yaml",
        "store": {"url": store_url},
        "notifiers": [
            {
                "name": SINK,
                "type": "slack",
                "token_env": TOKEN_ENV,
                "channel": "#k8s-upgrades",
                "base_url": f"{slack.url}/api/",
                "timeout": send_timeout,
            }
        ],
        **extra,
    }
    path = directory / "kubedrift.yaml"
    path.write_text(yaml.safe_dump(settings))
    return path


def toggled_gpu_pool(fleet: Fleet, version: str) -> Fleet:
    """The fleet with prod-hz-payments' GPU pool running `version` (events every toggle)."""
    clusters = []
    for cluster in fleet.clusters:
        if cluster.key != PAYMENTS:
            clusters.append(cluster)
            continue
        pools = tuple(
            pool.model_copy(update={"kubelet_versions": {version: 2}})
            if pool.id == GPU_POOL
            else pool
            for pool in cluster.node_pools
        )
        clusters.append(cluster.model_copy(update={"node_pools": pools}))
    # A new Fleet, not `model_copy`: that would copy the fleet's cached cluster index.
    return Fleet(accounts=fleet.accounts, clusters=tuple(clusters), catalog=fleet.catalog)


def received(slack: SlackFakeServer) -> list[dict[str, Any]]:
    """The metadata payloads ({key, events}) of the messages the fake Slack accepted."""
    payloads = []
    for body in list(slack.messages):
        metadata = body.get("metadata") or {}
        payloads.append(dict(metadata.get("event_payload") or {}))
    return payloads
