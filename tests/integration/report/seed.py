"""A store with a known history for the weekly report: two ACK and two TKE clusters over two
weeks, cycles run through the real `reconcile` and `save_cycle` (as the daemon does).

The week the tests report on is [2026-03-09, 2026-03-16). What happens:

| cycle | when (UTC) | collected | findings |
| --- | --- | --- | --- |
| 1 | Mon 03-02 09:00 | all | pay behind (medium), legacy end-of-support (high) |
| 2 | Tue 03-10 09:00 | all | as 1, + web behind (low, waived by w-web) |
| 3 | Wed 03-11 15:00 | all; pay upgraded to 1.30.7 | legacy, web (waived), data add-on (medium) |
| 4 | Fri 03-13 09:00 | all | legacy, web (waived) |
| 5 | Sat 03-14 09:00 | ack only: tke-prod fails | web (waived); legacy stays open, stale |
| 6 | Sun 03-15 09:00 | all | legacy, web (waived) |
"""

from __future__ import annotations

from datetime import UTC, datetime

from kubedrift.drift import reconcile
from kubedrift.model.findings import Finding, FindingKey, Severity
from kubedrift.model.inventory import (
    ClusterInventory,
    Collected,
    CollectionFailed,
    ControlPlane,
    FailureReason,
    NodePool,
)
from kubedrift.model.plan import VersionPlan
from kubedrift.store import Store
from kubedrift.versions import parse_version

SINCE = datetime(2026, 3, 9, tzinfo=UTC)
UNTIL = datetime(2026, 3, 16, tzinfo=UTC)
NOW = datetime(2026, 3, 16, 8, 0, tzinfo=UTC)

PAY = "ack/cn-hangzhou/c-pay"
WEB = "ack/cn-hangzhou/c-web"
DATA = "tke/ap-shanghai/cls-data"
LEGACY = "tke/ap-shanghai/cls-old"
# key -> (source, name, control plane version)
CLUSTERS = {
    PAY: ("ack-prod", "pay-prod", "1.30.1-aliyun.1"),
    WEB: ("ack-prod", "web-prod", "1.33.1-aliyun.1"),
    DATA: ("tke-prod", "data-prod", "1.30.0-tke.8"),
    LEGACY: ("tke-prod", "data-legacy", "1.28.3-tke.5"),
}

PLAN = VersionPlan.model_validate(
    {
        "version": 1,
        "groups": [
            {
                "name": "payments",
                "owner": "支付团队",
                "selector": {"name": ["pay-*"]},
                "target": {"kubernetes": "1.30"},
            },
            {
                "name": "web",
                "owner": "web-team",
                "selector": {"name": ["web-*"]},
                "target": {"kubernetes": "1.33"},
            },
            {
                "name": "data",
                "owner": "数据平台组",
                "selector": {"provider": ["tke"]},
                "target": {"kubernetes": "1.30"},
            },
        ],
        "waivers": [
            {
                "id": "w-web",
                "rule": "control-plane-behind",
                "selector": {"group": ["web"]},
                "reason": "frozen for the spring sale",
                "owner": "web-team",
                "expires": "2026-03-31",
            },
            {
                "id": "w-old",
                "rule": "addon-*",
                "selector": {"group": ["data"]},
                "reason": "vendor add-on",
                "owner": "数据平台组",
                "expires": "2026-03-01",
            },
            {
                "id": "w-later",
                "rule": "end-of-support",
                "selector": {"group": ["payments"]},
                "reason": "migration planned",
                "owner": "支付团队",
                "expires": "2026-06-30",
            },
        ],
    }
)


def collected(key: str, now: datetime, version: str | None = None) -> Collected:
    source, name, initial = CLUSTERS[key]
    provider, region, cid = key.split("/")
    v = parse_version(version or initial)
    return Collected(
        inventory=ClusterInventory(
            provider=provider,
            source=source,
            id=cid,
            name=name,
            region=region,
            collected_at=now,
            control_plane=ControlPlane(version=v),
            node_pools=(NodePool(id="np-1", name="np-1", kubelet_version=v),),
        )
    )


def finding(cluster: str, rule: str, severity: Severity, waived: str | None = None) -> Finding:
    component = "addon/vendor" if rule.startswith("addon") else "control-plane"
    return Finding(
        key=FindingKey(cluster=cluster, rule=rule, component=component),
        severity=severity,
        summary=f"{rule} on {cluster.rsplit('/', 1)[-1]}",
        waived_by=waived,
    )


def _cycle(
    store: Store,
    now: datetime,
    findings: list[Finding],
    results: list[Collected | CollectionFailed],
) -> None:
    result = reconcile(
        store.open_states(),
        findings,
        results,
        now,
        sources=("ack-prod", "tke-prod"),
        snapshots=store.snapshots(),
        source_states=store.source_states(),
    )
    inventories = [r.inventory for r in results if isinstance(r, Collected)]
    store.save_cycle(result, inventories, ("chat",), now)


def seed(store: Store) -> None:
    pay_behind = finding(PAY, "control-plane-behind", Severity.MEDIUM)
    legacy_eos = finding(LEGACY, "end-of-support", Severity.HIGH)
    web_behind = finding(WEB, "control-plane-behind", Severity.LOW, waived="w-web")
    data_addon = finding(DATA, "addon-version", Severity.MEDIUM)

    def every(now: datetime, pay: str | None = None) -> list[Collected | CollectionFailed]:
        return [collected(k, now, pay if k == PAY else None) for k in CLUSTERS]

    t = [
        datetime(2026, 3, 2, 9, tzinfo=UTC),
        datetime(2026, 3, 10, 9, tzinfo=UTC),
        datetime(2026, 3, 11, 15, tzinfo=UTC),
        datetime(2026, 3, 13, 9, tzinfo=UTC),
        datetime(2026, 3, 14, 9, tzinfo=UTC),
        datetime(2026, 3, 15, 9, tzinfo=UTC),
    ]
    upgraded = "1.30.7-aliyun.1"
    _cycle(store, t[0], [pay_behind, legacy_eos], every(t[0]))
    _cycle(store, t[1], [pay_behind, legacy_eos, web_behind], every(t[1]))
    _cycle(store, t[2], [legacy_eos, web_behind, data_addon], every(t[2], upgraded))
    _cycle(store, t[3], [legacy_eos, web_behind], every(t[3], upgraded))
    failed = CollectionFailed(
        source="tke-prod", cluster=None, reason=FailureReason.AUTH, message="denied", at=t[4]
    )
    acks: list[Collected | CollectionFailed] = [
        collected(PAY, t[4], upgraded),
        collected(WEB, t[4]),
        failed,
    ]
    _cycle(store, t[4], [web_behind], acks)
    _cycle(store, t[5], [legacy_eos, web_behind], every(t[5], upgraded))
