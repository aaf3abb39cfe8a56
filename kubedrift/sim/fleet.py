"""The fleet description every fake server, the demo and the tests are driven by.

A fleet lists clusters as a provider would report them: versions are raw strings exactly
as the provider's API returns them (so malformed values can be simulated), node pools list
their nodes' kubelet versions with counts, and add-ons carry what is declared and what
really runs. `catalog` holds what each provider offers per region.
"""

from __future__ import annotations

import random
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from kubedrift.model.base import Frozen
from kubedrift.sim.fleet_platforms import SimMesos, SimSwarm

SimProvider = Literal["ack", "tke", "kubeconfig"]


class SimAccount(Frozen):
    """Credentials the fake servers accept; requests signed with anything else fail auth."""

    access_key_id: str
    access_key_secret: str


class SimNodePool(Frozen):
    id: str
    name: str
    kubelet_versions: dict[str, int] = Field(
        description="raw kubelet version -> number of nodes running it"
    )
    kube_proxy_version: str | None = None
    runtime: str = "containerd"
    runtime_version: str = "1.6.28"
    os_image: str = "Alibaba Cloud Linux 3.2104 LTS 64 bit"
    kernel_version: str = "5.10.134-16.3.al8.x86_64"
    instance_type: str = "ecs.g7.xlarge"
    # ACK pools created before node_components existed report no kubelet version at all.
    reports_versions: bool = True
    node_labels: dict[str, str] | None = Field(
        default=None,
        description="labels the fake Kubernetes API server puts on this pool's nodes; "
        "None: `kubedrift.io/node-pool: <id>`, {}: no pool label (grouped by kubelet version)",
    )

    @property
    def node_count(self) -> int:
        return sum(self.kubelet_versions.values())


class SimAddon(Frozen):
    name: str
    version: str
    running_version: str | None = Field(
        default=None, description="what the pods really run, when it differs from `version`"
    )
    image: str | None = None
    newer_versions: tuple[str, ...] = ()
    state: str = "active"

    @property
    def running(self) -> str:
        return self.running_version or self.version


class SimDeprecatedApi(Frozen):
    """A deprecated API the fake Kubernetes API server reports as requested (`/metrics`)."""

    group: str
    version: str
    resource: str
    removed_release: str | None = None


class SimCluster(Frozen):
    provider: SimProvider
    id: str
    name: str
    region: str | None = None
    account: str = "default"
    cluster_type: str = "ManagedKubernetes"
    state: str = "running"
    version: str
    apiserver_versions: tuple[str, ...] = Field(
        default=(), description="per-instance API server versions of an HA control plane"
    )
    tags: dict[str, str] = Field(default_factory=dict)
    node_pools: tuple[SimNodePool, ...] = ()
    addons: tuple[SimAddon, ...] = ()
    deprecated_apis: tuple[SimDeprecatedApi, ...] = Field(
        default=(), description="kubeconfig clusters: `apiserver_requested_deprecated_apis`"
    )

    @property
    def key(self) -> str:
        if self.provider == "kubeconfig":
            return f"kubeconfig/{self.id}"
        return f"{self.provider}/{self.region}/{self.id}"


class SimOfferedVersion(Frozen):
    """A version the provider offers in a region, with its support dates when published."""

    version: str
    release_date: date | None = None
    expiration_date: date | None = None
    creatable: bool = True
    upgradable_to: tuple[str, ...] = ()


class Fleet(Frozen):
    accounts: dict[str, SimAccount] = Field(
        default_factory=lambda: {
            # The simulated fleet's fake key, only the fake servers accept it.
            "default": SimAccount(access_key_id="AKIDSIMULATED", access_key_secret="sim-secret")  # nosec B106
        }
    )
    clusters: tuple[SimCluster, ...] = ()
    catalog: dict[SimProvider, dict[str, tuple[SimOfferedVersion, ...]]] = Field(
        default_factory=dict, description="provider -> region -> offered versions"
    )
    swarms: tuple[SimSwarm, ...] = Field(default=(), description="Docker Swarm clusters")
    mesos: tuple[SimMesos, ...] = Field(default=(), description="Apache Mesos clusters")

    @model_validator(mode="after")
    def _check(self) -> Fleet:
        keys = [c.key for c in self.clusters]
        keys += [s.key for s in self.swarms] + [m.key for m in self.mesos]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"duplicate cluster keys: {', '.join(duplicates)}")
        for cluster in self.clusters:
            if cluster.account not in self.accounts:
                raise ValueError(f"cluster {cluster.key}: unknown account {cluster.account!r}")
            if cluster.provider != "kubeconfig" and not cluster.region:
                raise ValueError(
                    f"cluster {cluster.id}: a {cluster.provider} cluster needs a region"
                )
        return self

    def of(self, provider: SimProvider, region: str | None = None) -> list[SimCluster]:
        return [
            c
            for c in self.clusters
            if c.provider == provider and (region is None or c.region == region)
        ]

    @cached_property
    def _by_id(self) -> dict[tuple[str, str], SimCluster]:
        return {(c.provider, c.id): c for c in self.clusters}

    def cluster(self, provider: SimProvider, cluster_id: str) -> SimCluster | None:
        return self._by_id.get((provider, cluster_id))

    def offered(self, provider: SimProvider, region: str | None) -> tuple[SimOfferedVersion, ...]:
        return self.catalog.get(provider, {}).get(region or "", ())

    def regions(self, provider: SimProvider) -> list[str]:
        return sorted({c.region for c in self.of(provider) if c.region})


def load_fleet(path: Path | None = None) -> Fleet:
    """The fleet in `path`, or the canonical one shipped with kubedrift.

    A missing or invalid file raises `InvalidFileError` with file, line and path.
    """
    from kubedrift.errors import InvalidFileError
    from kubedrift.yamldoc import parse_model, read_text

    source = path or Path(__file__).with_name("data") / "fleet.yaml"
    fleet, _ = parse_model(
        read_text(source, InvalidFileError),
        file=str(source),
        model=Fleet,
        error=InvalidFileError,
        what="a simulated fleet with a list of 'clusters'",
    )
    return fleet


def generate_fleet(clusters: int, *, seed: int = 7, pools: int = 3, accounts: int = 1) -> Fleet:
    """A large synthetic fleet for benchmarks: ACK and TKE clusters over several regions
    and `accounts` cloud accounts (provider quotas count per account and region)."""
    # A seeded PRNG: the same seed gives the same simulated fleet.
    rng = random.Random(seed)  # nosec B311
    ack_regions = ("cn-hangzhou", "cn-shanghai", "cn-beijing", "cn-shenzhen")
    tke_regions = ("ap-guangzhou", "ap-shanghai", "ap-beijing")
    # The first account is the fleet's usual `default`, so single-account fleets sign alike.
    account_names = ["default", *(f"account-{n}" for n in range(1, accounts))]
    minors = (28, 30, 31, 32)
    made: list[SimCluster] = []
    for index in range(clusters):
        provider: SimProvider = "ack" if index % 2 == 0 else "tke"
        # Spread each provider's clusters evenly over its regions and the accounts.
        slot = index // 2
        account = account_names[slot % accounts]
        minor = rng.choice(minors)
        if provider == "ack":
            region = ack_regions[(slot // accounts) % len(ack_regions)]
            version = f"1.{minor}.{rng.randint(1, 9)}-aliyun.1"
            cluster_id = f"c{index:06x}"
        else:
            region = tke_regions[(slot // accounts) % len(tke_regions)]
            version = f"1.{minor}.{rng.randint(0, 3)}-tke.{rng.randint(1, 12)}"
            cluster_id = f"cls-{index:08x}"
        node_pools = tuple(
            SimNodePool(
                id=f"np-{index:06x}-{p}",
                name=f"pool-{p}",
                kubelet_versions={version: rng.randint(1, 20)},
            )
            for p in range(pools)
        )
        made.append(
            SimCluster(
                provider=provider,
                id=cluster_id,
                name=f"{provider}-{index:05d}",
                region=region,
                account=account,
                version=version,
                tags={"env": rng.choice(("production", "staging", "dev")), "bench": "true"},
                node_pools=node_pools,
                addons=(SimAddon(name="coredns", version="v1.11.1"),),
            )
        )
    credentials = {
        name: SimAccount(access_key_id=f"AKIDSIM{n:04d}", access_key_secret=f"sim-secret-{n}")
        for n, name in enumerate(account_names)
        if n > 0
    }
    return Fleet(accounts={**Fleet().accounts, **credentials}, clusters=tuple(made))
