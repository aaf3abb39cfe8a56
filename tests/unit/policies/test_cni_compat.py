"""CNI facts in addon_compat.yaml: Cilium's e2e-tested minors per release, Calico's, and
Terway / Flannel on purpose without limits (their sources give none): every fact cites a
source, and what the table does not describe is "no compatibility data", never incompatible."""

from __future__ import annotations

import pytest

from kubedrift.model.inventory import Addon, AddonKind
from kubedrift.model.upgrade_parts import AddonNeed
from kubedrift.policies.addon_classify import classify_addon
from kubedrift.policies.addon_compat import load_addon_compat
from kubedrift.versions import MinorVersion

COMPAT = load_addon_compat()
NO_DATA = "no compatibility data"


def _class(name: str, version: str, minor: str, provider: str | None = None) -> tuple[str, str]:
    addon = Addon(name=name, kind=AddonKind.CNI, version=version)
    decision = classify_addon(addon, MinorVersion.parse(minor), compat=COMPAT, provider=provider)
    return decision.need.value, decision.reason


@pytest.mark.parametrize(
    ("name", "version", "minor", "need", "says"),
    [
        # Cilium 1.18 lists 1.30 to 1.33, 1.19 lists 1.32 to 1.35 (the workload names count).
        ("cilium-agent", "v1.18.3", "1.30", AddonNeed.NOT_NEEDED, "tested with Kubernetes 1.30"),
        ("cilium", "1.18.3", "1.33", AddonNeed.NOT_NEEDED, "tested"),
        ("cilium", "1.18.3", "1.34", AddonNeed.REQUIRED, "tested: ~1.19.0"),
        ("cilium-operator", "1.19.1", "1.35", AddonNeed.NOT_NEEDED, "tested"),
        # A minor no release of the table lists: unknown, not a requirement.
        ("cilium", "1.19.1", "1.36", AddonNeed.OPTIONAL, NO_DATA),
        ("cilium", "1.19.1", "1.29", AddonNeed.OPTIONAL, NO_DATA),
        # Calico releases between two the table describes are unknown (3.27, 3.30).
        ("calico-node", "v3.27.3", "1.28", AddonNeed.OPTIONAL, "no compatibility data for calico"),
        ("calico-node", "v3.30.1", "1.31", AddonNeed.OPTIONAL, "describes ~3.25.0"),
        ("calico-node", "v3.29.1", "1.31", AddonNeed.NOT_NEEDED, "tested"),
        # Terway and Flannel: names only, self-hosted or on ACK.
        ("terway-eniip", "v1.9.2", "1.31", AddonNeed.OPTIONAL, NO_DATA),
        ("kube-flannel-ds", "v0.25.1", "1.31", AddonNeed.OPTIONAL, NO_DATA),
    ],
)
def test_cni_classes(name: str, version: str, minor: str, need: AddonNeed, says: str) -> None:
    found_need, reason = _class(name, version, minor)
    assert found_need == need.value and says in reason, reason


@pytest.mark.parametrize("minor", ["1.24", "1.30", "1.31", "1.35"])
def test_terway_and_acks_flannel_are_never_required_on_ack(minor: str) -> None:
    for name, version in (("terway-eniip", "v1.8.4"), ("flannel", "v0.15.1.23-33d25c1-aliyun")):
        need, reason = _class(name, version, minor, provider="ack")
        assert need == AddonNeed.OPTIONAL.value and NO_DATA in reason


def test_every_cni_fact_names_a_source_with_an_address() -> None:
    cni = {n: f for n, f in COMPAT.addons.items() if f.kind == "cni"}
    assert {"calico", "cilium", "terway", "flannel"} <= set(cni)
    for facts in cni.values():
        for tested in facts.tested:
            source = COMPAT.sources[tested.source]
            assert source.url.startswith("https://") and source.retrieved is not None
    for wanted in ("ack-terway", "ack-flannel", "cilium-compat-1.18", "cilium-compat-1.19"):
        assert COMPAT.sources[wanted].url.startswith("https://")
