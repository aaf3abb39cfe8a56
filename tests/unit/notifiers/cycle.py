"""A realistic cycle's events and context, shared by the rendering and routing tests."""

from __future__ import annotations

from datetime import UTC, datetime

from kubedrift.model.events import DriftEvent, EventType, ResolveReason
from kubedrift.model.findings import FindingKey, Remedy, Severity, UpgradeStep
from kubedrift.notifiers.context import ClusterInfo, NotifyContext

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
PAY = "ack/cn-hangzhou/c8f3e2a1b9d7c4e5f6a7b8c9d0e1f2a3b"
SHOP = "tke/ap-shanghai/cls-7xk2p9ab"


def key(cluster: str, rule: str, component: str) -> FindingKey:
    return FindingKey(cluster=cluster, rule=rule, component=component)


def finding(
    kind: EventType,
    fk: FindingKey,
    severity: Severity,
    summary: str,
    *,
    observed: str | None = None,
    expected: str | None = None,
    previous: Severity | None = None,
) -> DriftEvent:
    detail = {"rule": fk.rule, "component": fk.component}
    if observed is not None:
        detail["observed"] = observed
    if expected is not None:
        detail["expected"] = expected
    return DriftEvent(
        id=f"{kind.value}|{fk}",
        type=kind,
        at=NOW,
        cluster=fk.cluster,
        finding=fk,
        severity=severity,
        previous_severity=previous,
        summary=summary,
        detail=detail,
    )


CP = key(PAY, "control-plane-minor-lag", "control-plane")
EOS = key(SHOP, "end-of-support", "control-plane")
COREDNS = key(PAY, "addon-behind-plan", "addon/coredns")
POOL = key(PAY, "node-pool-behind", "node-pool/np7a6b5c4d3e2f")

EVENTS = (
    finding(
        EventType.DRIFT_OPENED,
        CP,
        Severity.HIGH,
        "control plane 1.29.3-aliyun.1 is 2 minors behind the target 1.31 (allowed lag is 1 minor)",
        observed="1.29.3-aliyun.1",
        expected="1.31 (target '1.31', allowed lag 1)",
    ),
    finding(
        EventType.DRIFT_ESCALATED,
        COREDNS,
        Severity.MEDIUM,
        "coredns v1.9.3.10-7dfca203-aliyun (declared; running version not collected) is outside "
        "the plan's >=1.11.1 <1.13.0",
        observed="v1.9.3.10-7dfca203-aliyun",
        expected=">=1.11.1 <1.13.0",
        previous=Severity.LOW,
    ),
    DriftEvent(
        id=f"drift.resolved|{POOL}",
        type=EventType.DRIFT_RESOLVED,
        at=NOW,
        cluster=PAY,
        finding=POOL,
        severity=Severity.LOW,
        summary="pool gpu-a10 runs kubelet 1.28.9-aliyun.1, 2 minors behind the control plane "
        "1.30.1-aliyun.1 (skew policy decides)",
        detail={
            "rule": POOL.rule,
            "component": POOL.component,
            "opened_at": "2026-02-11T09:00:00+00:00",
        },
        resolved_reason=ResolveReason.GONE,
    ),
    DriftEvent(
        id=f"cluster.version_changed|{PAY}",
        type=EventType.VERSION_CHANGED,
        at=NOW,
        cluster=PAY,
        summary="versions changed",
        detail={"node-pool/np7a6b5c4d3e2f": "1.28.9-aliyun.1 -> 1.29.3-aliyun.1"},
    ),
    finding(
        EventType.DRIFT_OPENED,
        EOS,
        Severity.CRITICAL,
        # Without the source of the date: no Chinese form reads it, so Chinese shows the title
        # and the values.
        "1.28 reaches end of support in 19 days, on 2026-03-20",
        observed="1.28.3-tke.6",
        expected="a minor supported for more than 90 days",
    ),
    DriftEvent(
        id="source.failed|tke-prod",
        type=EventType.SOURCE_FAILED,
        at=NOW,
        source="tke-prod",
        summary="source tke-prod failing",
        detail={"reason": "auth", "message": "AuthFailure.SecretIdNotFound"},
    ),
)

STEP = "upgrade_control_plane"
CONTEXT = NotifyContext(
    clusters={
        PAY: ClusterInfo(
            key=PAY,
            name="pay-prod-hz",
            provider="ack",
            region="cn-hangzhou",
            source="ack-prod",
            group="payments-prod",
            owner="team-payments-sre",
            labels={"env": "prod", "team": "payments"},
        ),
        SHOP: ClusterInfo(
            key=SHOP,
            name="shop-prod-sh",
            provider="tke",
            region="ap-shanghai",
            source="tke-prod",
            group="shop-prod",
            owner="team-shop",
            labels={"env": "prod"},
        ),
    },
    remedies={
        str(CP): Remedy(
            summary="upgrade the control plane to 1.31, one minor per step",
            steps=(
                UpgradeStep(
                    order=1,
                    action=STEP,
                    component="control-plane",
                    from_version="1.29.3-aliyun.1",
                    to_version="1.30.1-aliyun.1",
                    reason="r",
                ),
                UpgradeStep(
                    order=2,
                    action=STEP,
                    component="control-plane",
                    from_version="1.30.1-aliyun.1",
                    to_version="1.31.1-aliyun.1",
                    reason="r",
                ),
                UpgradeStep(
                    order=3,
                    action="upgrade_node_pool",
                    component="node-pool/np7a6b5c4d3e2f",
                    from_version="1.29.3-aliyun.1",
                    to_version="1.31.1-aliyun.1",
                    reason="r",
                ),
            ),
        ),
        str(COREDNS): Remedy(summary="move coredns to v1.11.3.2-f57ea7ed6-aliyun"),
        str(EOS): Remedy(
            summary="upgrade off 1.28 before 2026-03-20",
            steps=(
                UpgradeStep(
                    order=1,
                    action=STEP,
                    component="control-plane",
                    from_version="1.28.3-tke.6",
                    to_version="1.29.3-tke.5",
                    reason="r",
                ),
            ),
        ),
    },
    cluster_link="https://kubedrift.example.com/clusters/{cluster}",
    fleet_link="https://kubedrift.example.com/fleet",
)


def fleet_drift(clusters: int) -> tuple[tuple[DriftEvent, ...], NotifyContext]:
    """`clusters` clusters all opening the same two findings in one cycle."""
    events: list[DriftEvent] = []
    infos: dict[str, ClusterInfo] = {}
    for i in range(clusters):
        cluster = f"ack/cn-hangzhou/c{i:04d}"
        owner = ("team-payments-sre", "team-shop", "team-data")[i % 3]
        infos[cluster] = ClusterInfo(
            key=cluster,
            name=f"prod-{i:04d}",
            provider="ack",
            region="cn-hangzhou",
            group="prod",
            owner=owner,
            labels={"env": "prod"},
        )
        events.append(
            finding(
                EventType.DRIFT_OPENED,
                key(cluster, "end-of-support", "control-plane"),
                Severity.CRITICAL if i % 10 == 0 else Severity.HIGH,
                "1.28 reaches end of support in 19 days, on 2026-03-20",
                observed="1.28.9-aliyun.1",
                expected="a minor supported for more than 90 days",
            )
        )
        events.append(
            finding(
                EventType.DRIFT_OPENED,
                key(cluster, "addon-behind-plan", "addon/coredns"),
                Severity.MEDIUM,
                "coredns v1.9.3 is outside the plan's >=1.11.1",
                observed="v1.9.3",
                expected=">=1.11.1",
            )
        )
    return tuple(events), NotifyContext(
        clusters=infos, fleet_link="https://kubedrift.example.com/fleet"
    )
