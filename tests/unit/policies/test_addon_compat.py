"""Add-on classes per step (`addon_compat`), the packaged data, and the node strategy table."""

from __future__ import annotations

import pytest

from kubedrift.model.inventory import Addon, AddonKind
from kubedrift.model.plan import AddonTarget
from kubedrift.model.upgrade_parts import AddonNeed, NodeStrategy
from kubedrift.policies.addon_classify import classify_addon
from kubedrift.policies.addon_compat import AddonCompat, load_addon_compat
from kubedrift.policies.addon_versions import numeric_version
from kubedrift.policies.node_strategy import choose_strategy
from kubedrift.versions import MinorVersion
from tests.unit.policies.upgrade_cases import coredns, pool

M = MinorVersion.parse


@pytest.mark.parametrize(
    ("addon", "minor", "plan", "need", "to", "says"),
    [
        (coredns("v1.10.1"), "1.29", None, AddonNeed.OPTIONAL, "1.11.1", "kubeadm installs"),
        (coredns("v1.11.3"), "1.29", None, AddonNeed.NOT_NEEDED, "v1.11.3", "at or above"),
        (
            coredns("v1.9.3.10-7dfca203-aliyun"),
            "1.25",
            None,
            AddonNeed.NOT_NEEDED,
            None,
            "at or above",
        ),
        (coredns(None), "1.29", None, AddonNeed.OPTIONAL, "1.11.1", "running version unknown"),
        (
            coredns("v1.10.1", "v1.11.1.1-aliyun"),
            "1.30",
            None,
            AddonNeed.OPTIONAL,
            "v1.11.1.1-aliyun",
            "kubeadm",
        ),
        (coredns("v1.11.3"), "1.40", None, AddonNeed.OPTIONAL, None, "no compatibility data"),
        (coredns("v1.10.1"), "1.30", ">=1.11.3", AddonNeed.REQUIRED, ">=1.11.3", "the plan asks"),
        (coredns("v1.11.3"), "1.30", ">=1.11.3", AddonNeed.NOT_NEEDED, "v1.11.3", "at or above"),
        (
            Addon(name="metrics-server", running_version="v0.7.1"),
            "1.30",
            None,
            AddonNeed.OPTIONAL,
            None,
            "no compatibility data",
        ),
    ],
)
def test_classify(  # noqa: PLR0917 - one parameter per table column
    addon: Addon, minor: str, plan: str | None, need: AddonNeed, to: str | None, says: str
) -> None:
    target = None if plan is None else AddonTarget(version=plan)
    decision = classify_addon(addon, M(minor), compat=load_addon_compat(), plan_target=target)
    assert decision.need is need
    if to is not None:
        assert decision.to_version == to
    assert says in decision.reason
    assert decision.from_version == (addon.running_version or addon.version)


TESTED = AddonCompat.model_validate(
    {
        "sources": {
            "s": {"title": "t", "url": "https://example.invalid", "retrieved": "2026-01-01"}
        },
        "addons": {
            "calico": {
                "kind": "cni",
                "names": ["calico-node"],
                "tested": [
                    {"versions": "~3.28.0", "kubernetes": ["1.29", "1.30"], "source": "s"},
                    {"versions": "~3.29.0", "kubernetes": ["1.30", "1.31"], "source": "s"},
                ],
            }
        },
    }
)


@pytest.mark.parametrize(
    ("running", "minor", "need"),
    [
        ("v3.28.2", "1.30", AddonNeed.NOT_NEEDED),
        ("v3.28.2", "1.31", AddonNeed.REQUIRED),
        ("v3.29.0", "1.32", AddonNeed.OPTIONAL),  # nothing listed for 1.32: no data
    ],
)
def test_tested_ranges(running: str, minor: str, need: AddonNeed) -> None:
    addon = Addon(
        name="calico-node",
        kind=AddonKind.CNI,
        running_version=running,
        available_versions=("v3.29.1",),
    )
    decision = classify_addon(addon, M(minor), compat=TESTED)
    assert decision.need is need
    if need is AddonNeed.REQUIRED:
        assert decision.to_version == "v3.29.1"


def test_sources_must_exist() -> None:
    with pytest.raises(ValueError, match="unknown source"):
        AddonCompat.model_validate(
            {"addons": {"x": {"kubeadm": {"source": "nope", "versions": {}}}}}
        )


def test_packaged_data_is_cited_and_parses() -> None:
    data = load_addon_compat()
    facts = data.facts("coredns")
    assert facts is not None and facts.kubeadm is not None
    assert facts.kubeadm.versions["1.29"] == "1.11.1"
    for minor, version in facts.kubeadm.versions.items():
        M(minor)
        assert numeric_version(version) is not None
    assert data.canonical("kube-proxy-worker") == "kube-proxy"
    assert "coredns/deployment" in data.cite(facts.kubeadm.source)


@pytest.mark.parametrize(
    ("kubelet", "runtime", "provider", "to", "strategy", "says"),
    [
        ("1.29.1", "containerd", "ack", "1.30", NodeStrategy.IN_PLACE, "pods are not rebuilt"),
        ("1.27.1", "containerd", "ack", "1.30", NodeStrategy.IN_PLACE, "IPs"),
        (
            "1.27.1",
            "containerd",
            "kubeconfig",
            "1.30",
            NodeStrategy.REPLACEMENT,
            "one minor at a time",
        ),
        ("1.29.1", "containerd", "kubeconfig", "1.30", NodeStrategy.IN_PLACE, "batches"),
        ("1.23.4", "docker", "tke", "1.24", NodeStrategy.REPLACEMENT, "dockershim"),
        ("1.22.4", "docker", "tke", "1.23", NodeStrategy.IN_PLACE, "batches"),
        (None, "containerd", "ack", "1.30", NodeStrategy.REPLACEMENT, "unknown"),
    ],
)
def test_node_strategy(  # noqa: PLR0917 - one parameter per table column
    kubelet: str | None, runtime: str, provider: str, to: str, strategy: NodeStrategy, says: str
) -> None:
    choice = choose_strategy(pool("p", kubelet, runtime=runtime), M(to), provider=provider)
    assert choice.strategy is strategy and says in choice.reason
