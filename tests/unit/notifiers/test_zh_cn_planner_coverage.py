"""Every sentence the planner writes has its Chinese form.

Paths are planned over generated clusters: the property tests' clusters (within the skew
policy, providers that skip minors) and wilder ones: API servers apart, kubelets and
kube-proxies out of policy or unknown, Docker nodes, mixed pools, add-ons with and without
compatibility data or a provider's own versions, plan targets, offers missing or lacking a
minor, targets below the cluster. The ticket's realistic cluster is planned too. A failure
lists the English parts no form reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from kubedrift.model.inventory import Addon, AddonKind, ClusterInventory, NodePool
from kubedrift.model.target import AddonTarget
from kubedrift.model.upgrade_parts import NodeStrategy
from kubedrift.model.upgrades import UpgradePath
from kubedrift.notifiers.templates.zh_cn_planner import PLANNER
from kubedrift.policies.upgrade_path import plan_upgrade
from kubedrift.versions import KubeVersion, MinorVersion, parse_version
from tests.unit.enforcers.ticket_cases import ack_prod, path_and_findings
from tests.unit.policies.test_upgrade_path_props import Case, cases
from tests.unit.policies.upgrade_cases import cluster

SUFFIX = {"kubeconfig": "", "ack": "-aliyun.1", "tke": "-tke.2"}
ADDONS = (
    ("coredns", AddonKind.DNS, ("v1.8.6", "v1.11.3", "v1.9.3.10-7dfca203-aliyun", "x", None)),
    ("calico-node", AddonKind.CNI, ("v3.25.1", "v3.28.2", "v3.27.0", None)),
    ("nginx-ingress-controller", AddonKind.INGRESS, ("v1.10.4-aliyun.1", "v1.10.4-custom")),
    ("nginx-ingress", AddonKind.INGRESS, ("1.2.0",)),
    ("ingress-nginx-controller", AddonKind.INGRESS, ("v1.9.5", "v1.12.0")),
    ("cilium", AddonKind.CNI, ("v1.18.2", "v1.18.9", "v1.10.0")),
    ("terway-eniip", AddonKind.CNI, ("v1.8.0",)),
)
TARGETS = {"coredns": ">=1.11.1 <1.13.0", "calico": ">=3.28.0", "ingress-nginx": ">=1.10.0"}


@dataclass(frozen=True)
class Drawn:
    inventory: ClusterInventory
    target: MinorVersion
    chosen: dict[str, NodeStrategy]
    offered: list[KubeVersion]


def texts(path: UpgradePath) -> list[str]:
    """Every sentence of `path`: blocks, warnings, step reasons, add-on and strategy reasons."""
    out = [*path.blocked_by, *path.warnings, *(d.reason for d in path.addons)]
    for step in path.steps:
        out += [step.reason, *step.blocked_by, *step.warnings, *(d.reason for d in step.addons)]
        if step.strategy is not None:
            out.append(step.strategy.reason)
    return out


def untranslated(path: UpgradePath) -> str:
    """The sentences of `path` with parts no form reads, one per line; empty when none."""
    return "\n".join(
        f"{text}\n  no form for: {' | '.join(missed)}"
        for text in dict.fromkeys(texts(path))
        if (missed := PLANNER.untranslated(text))
    )


@st.composite
def wild(draw: st.DrawFn) -> Drawn:
    provider = draw(st.sampled_from(sorted(SUFFIX)))
    suffix = SUFFIX[provider]
    base = draw(st.integers(22, 32))
    spread = draw(st.lists(st.integers(0, 2), min_size=1, max_size=3))
    servers = [f"1.{base + d}.{draw(st.integers(0, 9))}{suffix}" for d in spread]
    if draw(st.integers(0, 9)) == 0:
        servers = []  # the control plane's version unknown
    oldest = base + min(spread)
    pools = []
    for index in range(draw(st.integers(0, 3))):
        kubelet = None
        if draw(st.integers(0, 5)):
            kubelet = f"1.{oldest - draw(st.integers(-1, 6))}.{draw(st.integers(0, 5))}"
        proxy = None
        if draw(st.booleans()):
            proxy = f"1.{oldest - draw(st.integers(-1, 6))}.1"
        seen = {kubelet: 3} if kubelet else {}
        if kubelet and draw(st.booleans()):
            seen[f"{kubelet.rsplit('.', 1)[0]}.9"] = 1
        pools.append(
            NodePool(
                id=draw(st.sampled_from(["np-{}", "np {}", "pool:{}"])).format(index),
                name=draw(st.sampled_from(["web", "gpu-a10", "spot pool"])) + str(index),
                kubelet_version=None if kubelet is None else parse_version(kubelet),
                kube_proxy_version=None if proxy is None else parse_version(proxy),
                runtime=draw(st.sampled_from(["containerd", "docker", None])),
                versions_seen=seen,
            )
        )
    addons = [
        Addon(
            name=name,
            kind=kind,
            running_version=draw(st.sampled_from(versions)),
            available_versions=tuple(draw(st.lists(st.sampled_from(versions[:2]), max_size=2))),
        )
        for name, kind, versions in draw(st.lists(st.sampled_from(ADDONS), max_size=4))
    ]
    later = [f"1.{m}.5{suffix}" for m in range(oldest + 1, oldest + 6) if draw(st.booleans())]
    offer = draw(st.sampled_from(["none", "upgradable", "available", "both"]))
    inventory = cluster(
        servers,
        pools,
        provider=provider,
        addons=addons,
        clients=bool(servers) and draw(st.booleans()),
        upgradable=later[:1] if offer in ("upgradable", "both") else (),
        available=later if offer in ("available", "both") else (),
    )
    target = MinorVersion(draw(st.sampled_from([1, 1, 1, 2])), base + draw(st.integers(-1, 5)))
    chosen = {}
    if pools and draw(st.booleans()):
        chosen[pools[0].id] = draw(st.sampled_from(list(NodeStrategy)))
    # The caller's list of offered versions, in place of the inventory's.
    offered = [parse_version(v) for v in later] if draw(st.integers(0, 4)) == 0 else []
    return Drawn(inventory, target, chosen, offered)


@settings(max_examples=150, deadline=None)
@given(cases())
def test_paths_within_policy_read_in_chinese(case: Case) -> None:
    path = plan_upgrade(case.inventory, case.target)  # type: ignore[arg-type]
    missed = untranslated(path)
    assert not missed, f"planner sentences without a Chinese form:\n{missed}"


@settings(max_examples=300, deadline=None)
@given(wild(), st.booleans())
def test_paths_of_any_cluster_read_in_chinese(drawn: Drawn, targets: bool) -> None:
    addon_targets = {name: AddonTarget(version=v) for name, v in TARGETS.items()} if targets else {}
    path = plan_upgrade(
        drawn.inventory,
        drawn.target,
        offered=drawn.offered,
        addon_targets=addon_targets,
        node_strategies=drawn.chosen,
    )
    missed = untranslated(path)
    assert not missed, f"planner sentences without a Chinese form:\n{missed}"


def test_the_tickets_cluster_reads_in_chinese() -> None:
    path, _ = path_and_findings(ack_prod())
    assert texts(path)
    missed = untranslated(path)
    assert not missed, f"planner sentences without a Chinese form:\n{missed}"
