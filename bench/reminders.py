"""Time one reminder pass at fleet scale: the pure scheduling and the store's side.

Usage: .venv/bin/python bench/reminders.py [--findings N] [--runs R]
Builds N open high findings on N clusters (three owners, a rule per owner plus a default,
all with repeat_interval 4h), then prints the median time of `notifiers.reminders.due` at a
moment when every finding owes a reminder, and, on a SQLite store holding those findings,
of `Store.open_states()`, of saving the N reminders with their outbox rows, and of saving
them again (the idempotent repeat a crash or a second replica causes: nothing is added).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kubedrift.drift import reconcile
from kubedrift.model.findings import Finding, FindingKey, Severity
from kubedrift.model.inventory import ClusterInventory, ClusterRef, Collected, ControlPlane
from kubedrift.notifiers.context import ClusterInfo, NotifyContext
from kubedrift.notifiers.reminders import due
from kubedrift.notifiers.routing import Routes
from kubedrift.store import Store
from kubedrift.versions import parse_version

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OWNERS = ("team-payments-sre", "team-shop", "team-data")


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--findings", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    refs = [
        ClusterRef(provider="ack", source="ack-prod", id=f"c{i:05d}", name=f"c{i:05d}")
        for i in range(args.findings)
    ]
    findings = [
        Finding(
            key=FindingKey(cluster=ref.key, rule="control-plane-behind", component="control-plane"),
            severity=Severity.HIGH,
            summary=f"{ref.name} is 2 minors behind",
        )
        for ref in refs
    ]
    context = NotifyContext(
        clusters={
            ref.key: ClusterInfo(
                key=ref.key, name=ref.name, provider="ack", owner=OWNERS[i % len(OWNERS)]
            )
            for i, ref in enumerate(refs)
        }
    )
    routes = Routes.model_validate(
        {
            "rules": [
                {"name": owner, "owners": owner, "sinks": f"chat-{owner}", "repeat_interval": "4h"}
                for owner in OWNERS
            ],
            "default": {"sinks": "chat", "repeat_interval": "4h"},
        }
    )
    results = [
        Collected(
            inventory=ClusterInventory(
                ref=ref,
                collected_at=T0,
                control_plane=ControlPlane(version=parse_version("1.29.3")),
            )
        )
        for ref in refs
    ]
    with (
        tempfile.TemporaryDirectory() as tmp,
        Store(f"sqlite:///{Path(tmp) / 'bench.sqlite'}", upgrade=True) as store,
    ):
        result = reconcile(store.open_states(), findings, results, T0, sources=("ack-prod",))
        store.save_cycle(result, [r.inventory for r in results], ("chat",), T0)
        states = store.open_states()
        now = T0 + timedelta(hours=4, minutes=1)
        reminders = due(states, context, routes, now)
        sinks = {r.event.id: r.sinks for r in reminders}
        print(f"open high findings: {len(states)}, reminders due: {len(reminders)}")
        print(f"due(): {median_ms(lambda: due(states, context, routes, now), args.runs):.0f} ms")
        print(f"Store.open_states(): {median_ms(store.open_states, args.runs):.0f} ms")
        events = [r.event for r in reminders]
        started = time.perf_counter()
        added = store.save_events(events, lambda e: sinks[e.id], now)
        first = (time.perf_counter() - started) * 1000
        print(f"save_events, first: {first:.0f} ms, added (events, outbox rows): {added}")
        again = median_ms(lambda: store.save_events(events, lambda e: sinks[e.id], now), args.runs)
        repeat = store.save_events(events, lambda e: sinks[e.id], now)
        print(f"save_events, repeated: {again:.0f} ms, added: {repeat}")


if __name__ == "__main__":
    main()
