"""Docker Swarm and Apache Mesos: versions against the plan, the order of roles, support.

Swarm managers and Mesos masters are the control plane (their oldest version is the
cluster's), workers and agents the node pools. The plan gives their target in
`target.docker_engine` / `target.mesos`; the lag counts release lines of the platform's
calendar (`kubedrift/calendar/data/docker_engine.yaml`, `mesos.yaml`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import ClassVar

from kubedrift.calendar.platforms import OlderThan, platform_calendar
from kubedrift.model.findings import Finding, Severity
from kubedrift.model.inventory import ClusterInventory, NodePool
from kubedrift.model.plan import Target
from kubedrift.policies.platform_lag import ahead, lines_behind
from kubedrift.policies.platform_upgrade import platform_path
from kubedrift.policies.rules.base import ContextRule, RuleInfo, make_finding, make_remedy
from kubedrift.versions import InvalidVersion, KubeVersion, admits, parse_version

_FAMILY = "platforms"
PLATFORMS = ("swarm", "mesos")
_NAMES = {
    "swarm": ("Docker Engine", "manager", "worker"),
    "mesos": ("Mesos", "master", "agent"),
}


def _highest_seen(pool: NodePool) -> KubeVersion | None:
    found = []
    for raw in pool.versions_seen:
        try:
            found.append(parse_version(raw))
        except InvalidVersion:
            continue
    return max(found) if found else None


class PlatformVersionBehind(ContextRule):
    info: ClassVar[RuleInfo] = RuleInfo(
        id="platform-version-behind",
        title="Swarm managers / Mesos masters not at the plan's version",
        severity=Severity.HIGH,
        rationale=(
            "The oldest Swarm manager Engine (or Mesos master) is the cluster's version. When "
            "the group's `docker_engine` / `mesos` target does not admit it, the cluster is "
            "behind by the release lines of the platform's calendar between the two: within "
            "`allowed_lag.minors` lines it is in plan; beyond, high, or medium while "
            "`allowed_lag.days` after `target.since` have not passed. Newer than every line "
            "the target admits is reported low. Patch lag is not checked for these platforms."
        ),
        family=_FAMILY,
        platforms=PLATFORMS,
    )

    def evaluate(
        self, cluster: ClusterInventory, target: Target, now: datetime
    ) -> Iterator[Finding]:
        wanted = target.version_for(cluster.platform)
        current = cluster.control_plane.version
        if wanted is None or current is None or admits(wanted, current):
            return
        platform = str(cluster.platform)
        product, leader, _ = _NAMES[platform]
        constraint = target.platform_constraint(platform)
        if constraint is None:
            return
        path = platform_path(cluster, wanted, constraint)
        remedy = make_remedy(
            summary=f"upgrade the {leader}s one at a time (quorum kept), then the rest, "
            f"to {path.to_version}",
            steps=path.steps if self.context.plan_paths else (),
        )
        if ahead(platform, current, wanted):
            yield make_finding(
                self.info, cluster, "control-plane",
                f"{product} {current.raw} on the {leader}s is newer than the target {wanted!r}",
                severity=Severity.LOW, observed=current.raw, expected=wanted,
                remedy=make_remedy(summary="raise the group's target, or check the cluster"),
            )  # fmt: skip
            return
        behind = lines_behind(platform, current, wanted)
        if behind <= target.allowed_lag.minors:
            return
        severity = self.info.severity
        if target.since is not None and now.date() < target.since + timedelta(
            days=target.allowed_lag.days
        ):
            severity = Severity.MEDIUM
        yield make_finding(
            self.info, cluster, "control-plane",
            f"{product} {current.raw} on the {leader}s is {behind} release line(s) behind the "
            f"target {wanted!r} (allowed lag {target.allowed_lag.minors})",
            severity=severity, observed=current.raw, expected=wanted, remedy=remedy,
        )  # fmt: skip


class PlatformWorkersBehind(ContextRule):
    info: ClassVar[RuleInfo] = RuleInfo(
        id="platform-workers-behind",
        title="Swarm workers / Mesos agents not at the plan's version",
        severity=Severity.MEDIUM,
        rationale=(
            "A pool of Swarm workers or Mesos agents whose oldest version the group's "
            "`docker_engine` / `mesos` target does not admit, and which is older than the "
            "target. They are upgraded after the managers / masters."
        ),
        family=_FAMILY,
        platforms=PLATFORMS,
    )

    def evaluate(
        self, cluster: ClusterInventory, target: Target, now: datetime
    ) -> Iterator[Finding]:
        wanted = target.version_for(cluster.platform)
        if wanted is None:
            return
        platform = str(cluster.platform)
        product, leader, worker = _NAMES[platform]
        for pool in cluster.node_pools:
            version = pool.kubelet_version
            if pool.role == "manager" or version is None or admits(wanted, version):
                continue
            if ahead(platform, version, wanted):
                continue
            yield make_finding(
                self.info, cluster, f"node-pool/{pool.id}",
                f"{worker}s in pool {pool.name} run {product} {version.raw}, not admitted by the "
                f"target {wanted!r}",
                observed=version.raw, expected=wanted,
                remedy=make_remedy(
                    summary=f"upgrade the {worker}s in pool {pool.name} after the {leader}s"
                ),
            )  # fmt: skip


class PlatformWorkersNewer(ContextRule):
    info: ClassVar[RuleInfo] = RuleInfo(
        id="platform-workers-newer",
        title="Swarm workers / Mesos agents newer than the managers / masters",
        severity=Severity.HIGH,
        rationale=(
            "Both platforms are upgraded managers / masters first (Mesos' upgrade guide: new "
            "master binaries, restart the masters, then the agents); an agent or worker newer "
            "than the oldest master or manager runs against a control plane that may not "
            "know its version. Reported per pool whose newest node is newer than the oldest "
            "manager / master."
        ),
        family=_FAMILY,
        needs_target=False,
        platforms=PLATFORMS,
    )

    def evaluate(
        self, cluster: ClusterInventory, target: Target, now: datetime
    ) -> Iterator[Finding]:
        control = cluster.control_plane.version
        if control is None:
            return
        product, leader, worker = _NAMES[str(cluster.platform)]
        for pool in cluster.node_pools:
            if pool.role == "manager":
                continue
            newest = _highest_seen(pool)
            if newest is None or (newest.major, newest.minor, newest.patch) <= (
                control.major,
                control.minor,
                control.patch,
            ):
                continue
            yield make_finding(
                self.info, cluster, f"node-pool/{pool.id}",
                f"{worker}s in pool {pool.name} run {product} {newest.raw}, newer than the oldest "
                f"{leader} ({control.raw})",
                observed=newest.raw, expected=f"<= {control.raw}",
                remedy=make_remedy(
                    summary=f"upgrade the {leader}s first, one at a time, to at least "
                    f"{newest.raw}; do not upgrade more {worker}s until then"
                ),
            )  # fmt: skip


class PlatformEndOfSupport(ContextRule):
    info: ClassVar[RuleInfo] = RuleInfo(
        id="platform-end-of-support",
        title="Docker Engine / Mesos release line out of maintenance",
        severity=Severity.HIGH,
        rationale=(
            "From the packaged calendars (sources in the data files): a Docker Engine line "
            "the Moby branch table lists as unmaintained, or any Mesos version (the project "
            "retired to the Apache Attic), is high; a line maintained for security fixes only "
            "is low; a maintained line whose published end of maintenance is within "
            "`end_of_support.warn_days` is medium, within `critical_days` high. A version "
            "newer than every listed line is reported as undetermined (medium), not as "
            "supported. Checked for the managers / masters and for each other pool."
        ),
        family=_FAMILY,
        needs_target=False,
        platforms=PLATFORMS,
    )

    def evaluate(
        self, cluster: ClusterInventory, target: Target, now: datetime
    ) -> Iterator[Finding]:
        platform = str(cluster.platform)
        calendar = platform_calendar(platform)
        if calendar is None:
            return
        product, leader, worker = _NAMES[platform]
        checked: list[tuple[str, str, KubeVersion]] = []
        if cluster.control_plane.version is not None:
            checked.append(("control-plane", f"the {leader}s", cluster.control_plane.version))
        for pool in cluster.node_pools:
            if pool.role != "manager" and pool.kubelet_version is not None:
                checked.append(
                    (f"node-pool/{pool.id}", f"{worker}s in pool {pool.name}", pool.kubelet_version)
                )
        warn = timedelta(days=target.end_of_support.warn_days)
        critical = timedelta(days=target.end_of_support.critical_days)
        for component, who, version in checked:
            line = calendar.line_of(version)
            if line is None:
                yield make_finding(
                    self.info, cluster, component,
                    f"could not determine support of {product} {version.raw} ({who}): newer "
                    "than the packaged calendar",
                    severity=Severity.MEDIUM, observed=version.raw,
                    remedy=make_remedy(summary="update kubedrift's calendar data"),
                )  # fmt: skip
                continue
            label = f"{product} {line.line}" + (" and older" if isinstance(line, OlderThan) else "")
            end = None if isinstance(line, OlderThan) else line.end_of_maintenance
            severity: Severity | None = None
            if line.status in ("unmaintained", "retired"):
                severity = Severity.HIGH
                detail = "retired with the project" if line.status == "retired" else "unmaintained"
            elif line.status == "security":
                severity, detail = Severity.LOW, "maintained for security fixes only"
            elif end is not None and now.date() + critical >= end:
                severity, detail = Severity.HIGH, f"maintenance ends {end.isoformat()}"
            elif end is not None and now.date() + warn >= end:
                severity, detail = Severity.MEDIUM, f"maintenance ends {end.isoformat()}"
            else:
                continue
            if end is not None and line.status in ("unmaintained", "retired"):
                detail += f" since {end.isoformat()}"
            yield make_finding(
                self.info, cluster, component,
                f"{label} ({who}, {version.raw}) is {detail}",
                severity=severity, observed=version.raw,
                expected="a maintained release line",
                remedy=make_remedy(
                    summary=f"plan the move of {who} to a maintained {product} line",
                    docs="docs/calendar.md",
                ),
            )  # fmt: skip
