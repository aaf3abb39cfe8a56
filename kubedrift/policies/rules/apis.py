"""Removed APIs still in use: requests the API server saw for API versions that the next
upgrade step (or the target) no longer serves.

The collector reports deprecated APIs with the release that removes them when the API server
says so (`apiserver_requested_deprecated_apis`); otherwise the packaged table from the
deprecation guide is used. Unread (None) is its own finding, never "none in use".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import ClassVar

from kubedrift.model.findings import Finding, Severity
from kubedrift.model.inventory import ClusterInventory, DeprecatedApiUse
from kubedrift.model.plan import Target
from kubedrift.policies.rules.base import (
    ContextRule,
    Draft,
    RuleInfo,
    draft,
    make_remedy,
    stamp,
)
from kubedrift.policies.rules.facts import target_facts
from kubedrift.policies.rules.plane_part import plane_view
from kubedrift.versions import InvalidVersion, KubeVersion, MinorVersion


class RemovedApiInUse(ContextRule):
    info: ClassVar[RuleInfo] = RuleInfo(
        id="removed-api-in-use",
        title="API removed in the next upgrade step still in use",
        severity=Severity.HIGH,
        rationale=(
            "An upgrade to a release that stops serving an API breaks every client and "
            "manifest still using it. High when the next minor removes it, medium when a later "
            "step on the way to the target does. Unknown usage (not collected): info."
        ),
        family="apis",
        needs_target=False,
    )

    def evaluate(
        self, cluster: ClusterInventory, target: Target, now: datetime
    ) -> Iterable[Finding]:
        uses = cluster.deprecated_apis
        if uses == ():
            return ()
        current = plane_view(self.context, cluster, target).oldest
        if current is None:
            return ()
        key = ("removed-api", current.raw, id(target), uses)
        return stamp(cluster.key, self.context.drafts(key, self._drafts, current, target, uses))

    def _drafts(
        self, current: KubeVersion, target: Target, uses: tuple[DeprecatedApiUse, ...] | None
    ) -> Iterator[Draft]:
        if uses is None:
            yield draft(
                self.info,
                "apis",
                "could not determine whether removed APIs are in use: deprecated API usage "
                "was not collected",
                severity=Severity.INFO,
            )
            return
        following = current.minor_version.next()
        goal = target_facts(self.context, target).next_admitted(current.minor_version)
        for use in uses:
            removed, source = self._removed(use)
            if removed is None or removed <= current.minor_version:
                continue
            if removed == following:
                severity = self.info.severity
                when = f"the next minor, {removed}"
            elif goal is not None and removed <= goal:
                severity = Severity.MEDIUM
                when = f"{removed}, on the way to the target {goal}"
            else:
                continue
            api = f"{use.group}/{use.version}" if use.group else use.version
            yield draft(
                self.info,
                f"api/{api}/{use.resource}",
                f"{api} {use.resource} is still requested and is removed in {when} ({source})",
                severity=severity,
                observed=f"{api} {use.resource}",
                expected=f"no use before upgrading to {removed}",
                remedy=make_remedy(
                    summary=f"migrate clients and manifests off {api} {use.resource} before "
                    f"upgrading to {removed}"
                ),
            )

    def _removed(self, use: DeprecatedApiUse) -> tuple[MinorVersion | None, str]:
        if use.removed_release:
            try:
                return MinorVersion.parse(use.removed_release), "reported by the API server"
            except InvalidVersion:
                pass
        entry = self.context.compat.apis.lookup(use.group, use.version, use.resource)
        if entry is None:
            return None, ""
        return MinorVersion.parse(entry.release), f"deprecation guide ({entry.source})"
