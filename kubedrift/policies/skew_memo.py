"""The skew policy's verdicts, memoised for callers that ask the same questions many times.

The upgrade-path planner re-checks every state a path passes through, hundreds of checks per
path, and a fleet repeats the same few versions. Whether a verdict is "allowed" is a function
of minor versions only (the component's, every API server's, kube-proxy's kubelet's: see
`skew`'s module docstring), so `allows` is memoised on those minors; the verdict itself names
the versions as written, so `verdict` is memoised on their raw texts. `problems` answers
like `skew.cluster_skew` and builds verdicts only for what is not allowed. Pure: the memo
tables only ever hold what `skew.check` answered for the same inputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from kubedrift.policies.skew import (
    Component,
    SkewSubject,
    SkewVerdict,
    check,
    cluster_skew,
    component_of,
)
from kubedrift.versions import KubeVersion

_MinorKey = tuple[int, int]
# Bounded: a fleet has a few hundred distinct questions; a pathological input cannot grow
# the tables without limit (they are cleared, not trimmed: refilling is cheap).
_LIMIT = 1 << 16
_allowed: dict[tuple[str, _MinorKey, tuple[_MinorKey, ...], _MinorKey | None], bool] = {}
_verdicts: dict[tuple[str, str, tuple[str, ...], str | None], SkewVerdict] = {}


def allows(
    component: Component | str,
    version: KubeVersion,
    apiserver_versions: Sequence[KubeVersion],
    *,
    kubelet_version: KubeVersion | None = None,
) -> bool:
    """`check(...).allowed`, memoised on minor versions."""
    key = (
        component if isinstance(component, str) else component.value,
        (version.major, version.minor),
        tuple(sorted({(s.major, s.minor) for s in apiserver_versions})),
        None if kubelet_version is None else (kubelet_version.major, kubelet_version.minor),
    )
    found = _allowed.get(key)
    if found is None:
        found = check(
            component, version, apiserver_versions, kubelet_version=kubelet_version
        ).allowed
        if len(_allowed) >= _LIMIT:
            _allowed.clear()
        _allowed[key] = found
    return found


def verdict(
    component: Component | str,
    version: KubeVersion,
    apiserver_versions: Sequence[KubeVersion],
    *,
    kubelet_version: KubeVersion | None = None,
) -> SkewVerdict:
    """`check(...)`, memoised on the versions' raw texts (the reasons quote them)."""
    key = (
        component_of(component).value,
        version.raw,
        tuple(s.raw for s in apiserver_versions),
        None if kubelet_version is None else kubelet_version.raw,
    )
    found = _verdicts.get(key)
    if found is None:
        found = check(component, version, apiserver_versions, kubelet_version=kubelet_version)
        if len(_verdicts) >= _LIMIT:
            _verdicts.clear()
        _verdicts[key] = found
    return found


def problems(
    apiserver_versions: Sequence[KubeVersion], subjects: Iterable[SkewSubject]
) -> tuple[SkewVerdict, ...]:
    """`cluster_skew(apiserver_versions, subjects)`, checking allowed subjects by minors only."""
    servers = tuple(apiserver_versions)
    spread_ok = len({(s.major, s.minor) for s in servers}) <= 1 or allows(
        Component.KUBE_APISERVER, max(servers), servers
    )
    failing = [
        s
        for s in subjects
        if not allows(s.component, s.version, servers, kubelet_version=s.kubelet_version)
    ]
    if spread_ok and not failing:
        return ()
    return cluster_skew(servers, failing)
