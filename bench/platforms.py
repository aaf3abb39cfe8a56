"""Collect one large Docker Swarm and one large Mesos cluster through the real collectors.

Usage: .venv/bin/python bench/platforms.py [--nodes 2000] [--agents 2000] [--repeat 5]

The fake Engine API (one manager's daemon) answers `/nodes` for a Swarm of 5 managers and
`nodes` workers in 4 labelled pools; three fake Mesos masters answer for `agents` agents in 4
racks. Prints, per platform, the answer size, the median and worst wall time of one
collection (client, HTTP, JSON, parsing into the inventory) and the calls made.
"""

from __future__ import annotations

import argparse
import statistics
import time

from kubedrift.collectors.gate import Gate, RetryPolicy
from kubedrift.collectors.mesos import MesosCollector
from kubedrift.collectors.mesos_config import MesosConfig
from kubedrift.collectors.swarm import SwarmCollector
from kubedrift.collectors.swarm_config import SwarmConfig
from kubedrift.sim.docker_engine import EngineFakeServer, swarm_nodes
from kubedrift.sim.fleet_platforms import SimMesos, SimSwarm
from kubedrift.sim.mesos import MesosFakeCluster, agents


def _swarm(nodes: int) -> SimSwarm:
    pools = [
        {"role": "worker", "engine_version": f"{27 + i % 3}.{i}.1", "count": nodes // 4,
         "hostname_prefix": f"w{i}", "labels": {"pool": f"p{i}"}}
        for i in range(4)
    ]  # fmt: skip
    manager = {"role": "manager", "engine_version": "28.5.2", "count": 5, "hostname_prefix": "m"}
    return SimSwarm.model_validate(
        {"name": "bench", "cluster_id": "bench", "nodes": [manager, *pools]}
    )


def _mesos(count: int) -> SimMesos:
    return SimMesos.model_validate(
        {
            "name": "bench",
            "cluster_id": "bench",
            "masters": [
                {"hostname": f"m{i}", "version": "1.11.0", "leader": i == 0} for i in range(3)
            ],
            "agents": [
                {"version": "1.11.0", "count": count // 4, "hostname_prefix": f"a{i}",
                 "attributes": {"rack": f"r{i}"}}
                for i in range(4)
            ],
        }
    )  # fmt: skip


def _time(collect: object, repeat: int) -> list[float]:
    walls = []
    for _ in range(repeat):
        started = time.perf_counter()
        collect()  # type: ignore[operator]
        walls.append(time.perf_counter() - started)
    return walls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--agents", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    gate = Gate(1000, RetryPolicy(retries=0))

    swarm = _swarm(args.nodes)
    size = len(str(swarm_nodes(swarm)))
    with EngineFakeServer(swarm).running() as engine:
        config = SwarmConfig(name="bench", host=f"tcp://{engine.host}", group_by_label="pool")
        collector = SwarmCollector(config, gate, {})
        (ref,) = collector.discover()
        walls = _time(lambda: collector.collect(ref), args.repeat)
        calls = len(engine.requests)
        collector.close()
    print(
        f"swarm: {args.nodes + 5} nodes (/nodes ~{size // 1024} KiB): median "
        f"{statistics.median(walls) * 1000:.0f} ms, worst {max(walls) * 1000:.0f} ms per "
        f"collection; {calls} calls for {args.repeat} collections"
    )

    mesos = _mesos(args.agents)
    size = len(str(agents(mesos)))
    cluster = MesosFakeCluster(mesos)
    with cluster.running():
        config_m = MesosConfig(name="bench", masters=tuple(cluster.urls), group_by_attribute="rack")
        collector_m = MesosCollector(config_m, gate, {})
        (ref_m,) = collector_m.discover()
        walls = _time(lambda: collector_m.collect(ref_m), args.repeat)
        calls = sum(len(m.requests) for m in cluster.masters)
        collector_m.close()
    print(
        f"mesos: 3 masters, {args.agents} agents (/master/slaves ~{size // 1024} KiB): median "
        f"{statistics.median(walls) * 1000:.0f} ms, worst {max(walls) * 1000:.0f} ms per "
        f"collection; {calls} calls for {args.repeat} collections"
    )


if __name__ == "__main__":
    main()
