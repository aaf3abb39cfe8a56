from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubedrift.model.findings import Severity
from kubedrift.policies.rules.skew_rules import (
    SkewApiserverHa,
    SkewControlPlaneComponents,
    SkewKubelet,
    SkewKubeProxy,
)
from kubedrift.policies.skew import check
from kubedrift.versions import parse_version
from tests.unit.policies.rules.builders import cluster, run


def pools(*seen: str, proxy: str | None = None) -> tuple[dict[str, object], ...]:
    pool: dict[str, object] = {"versions_seen": dict.fromkeys(seen, 1)}
    if proxy:
        pool["kube_proxy_version"] = proxy
    return (pool,)


@pytest.mark.parametrize(
    ("servers", "kubelets", "violated"),
    [
        (("1.28.0",), ("1.25.3",), False),  # exactly three minors at 1.28: allowed
        (("1.28.0",), ("1.24.9",), True),  # four
        (("1.27.4",), ("1.24.9",), True),  # three, but a kubelet below 1.25 may trail two
        (("1.27.4",), ("1.25.0",), False),  # two
        (("1.28.2", "1.27.4"), ("1.24.9",), True),  # HA: four / three behind; below 1.25
        (("1.28.2", "1.27.4"), ("1.25.0",), False),  # HA: three behind the newest, allowed
        (("1.28.2", "1.27.4"), ("1.28.2",), True),  # newer than the oldest API server
        (("1.30.1",), ("1.30.9",), False),  # patches never matter
        (("1.30.1",), ("1.29.0", "1.31.0"), True),  # every version seen, not only the oldest
    ],
)
def test_kubelet_boundaries(
    servers: tuple[str, ...], kubelets: tuple[str, ...], violated: bool
) -> None:
    inventory = cluster(servers[0], apiservers=servers, pools=pools(*kubelets))
    found = run(SkewKubelet, inventory)
    assert [f.severity for f in found] == ([Severity.HIGH] if violated else [])
    if found:
        assert found[0].key.component == "node-pool/np-0"


def test_kubelet_without_api_server_is_undetermined_not_fine() -> None:
    [finding] = run(SkewKubelet, cluster(None, pools=pools("1.30.0")))
    assert finding.severity is Severity.LOW
    assert "cannot determine" in finding.summary


@pytest.mark.parametrize(
    ("server", "kubelet", "proxy", "violated"),
    [
        ("1.31.0", "1.31.0", "1.28.0", False),  # three older than its kubelet
        ("1.31.0", "1.28.0", "1.31.0", False),  # three newer than its kubelet
        ("1.32.0", "1.28.0", "1.32.0", True),  # four newer than its kubelet
        ("1.27.0", "1.26.0", "1.27.0", True),  # before 1.28: must match its kubelet
        ("1.27.0", "1.27.0", "1.27.0", False),
        ("1.31.0", "1.31.0", "1.32.0", True),  # newer than the API server
    ],
)
def test_kube_proxy_boundaries(server: str, kubelet: str, proxy: str, violated: bool) -> None:
    inventory = cluster(server, pools=pools(kubelet, proxy=proxy))
    found = run(SkewKubeProxy, inventory)
    assert [f.severity for f in found] == ([Severity.HIGH] if violated else [])


def test_kube_proxy_from_the_addon_when_pools_do_not_say() -> None:
    inventory = cluster(
        "1.32.0",
        pools=pools("1.28.0"),
        addons=({"name": "kube-proxy", "kind": "proxy", "version": "v1.32.0"},),
    )
    [finding] = run(SkewKubeProxy, inventory)
    assert "kube-proxy v1.32.0" in finding.summary


@pytest.mark.parametrize(
    ("servers", "component", "version", "violated"),
    [
        (("1.30.0",), "kube-scheduler", "1.29.5", False),
        (("1.30.0",), "kube-scheduler", "1.28.5", True),
        (("1.30.0", "1.29.0"), "kube-controller-manager", "1.30.0", True),
        (("1.30.0",), "cloud-controller-manager", "1.31.0", True),
    ],
)
def test_control_plane_components(
    servers: tuple[str, ...], component: str, version: str, violated: bool
) -> None:
    inventory = cluster(servers[0], apiservers=servers, components=((component, version),))
    found = run(SkewControlPlaneComponents, inventory)
    assert len(found) == int(violated)
    if found:
        assert found[0].key.component == f"control-plane/{component}"


@pytest.mark.parametrize(
    ("servers", "expected"),
    [
        (("1.30.0", "1.30.0"), None),
        (("1.30.0", "1.29.7"), Severity.LOW),
        (("1.30.0", "1.28.7"), Severity.HIGH),
    ],
)
def test_apiserver_ha(servers: tuple[str, ...], expected: Severity | None) -> None:
    found = run(SkewApiserverHa, cluster(servers[0], apiservers=servers))
    assert [f.severity for f in found] == ([] if expected is None else [expected])


minor = st.integers(min_value=20, max_value=34)


@given(servers=st.lists(minor, min_size=1, max_size=3), kubelet=minor)
def test_kubelet_rule_agrees_with_the_policy_table(servers: list[int], kubelet: int) -> None:
    versions = tuple(f"1.{m}.0" for m in servers)
    inventory = cluster(versions[0], apiservers=versions, pools=pools(f"1.{kubelet}.3"))
    verdict = check(
        "kubelet", parse_version(f"1.{kubelet}.3"), [parse_version(v) for v in versions]
    )
    assert bool(run(SkewKubelet, inventory)) == (not verdict.allowed)
