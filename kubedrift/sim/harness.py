"""Run a simulated fleet: start its fake ACK, TKE, Kubernetes, Docker Engine and Mesos
servers on 127.0.0.1 and describe them as ordinary sources, so the real collectors read them
unchanged.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Literal

from kubedrift.collectors.ack_config import AckConfig
from kubedrift.collectors.base import CollectorConfig
from kubedrift.collectors.kube import KubeconfigConfig
from kubedrift.collectors.mesos_config import MesosConfig
from kubedrift.collectors.swarm_config import SwarmConfig
from kubedrift.collectors.tke_config import TkeConfig
from kubedrift.sim.ack import AckFakeServer
from kubedrift.sim.docker_engine import EngineFakeServer
from kubedrift.sim.fleet import Fleet
from kubedrift.sim.kube import FakeKubeServer, write_kubeconfig
from kubedrift.sim.mesos import MesosFakeCluster
from kubedrift.sim.server import FakeServer, stop_all
from kubedrift.sim.tke import TkeFakeServer


def credential_env(account: str) -> tuple[str, str]:
    """The variables a simulated source reads `account`'s keys from.

    They differ from the real providers' names so a demo never picks up (or leaks) real keys.
    """
    slug = re.sub(r"[^A-Z0-9]+", "_", account.upper())
    return f"KUBEDRIFT_SIM_{slug}_KEY_ID", f"KUBEDRIFT_SIM_{slug}_KEY_SECRET"


class SimulatedFleet:
    """The servers of one fleet; use as a context manager."""

    def __init__(
        self,
        fleet: Fleet,
        *,
        latency: float = 0.0,
        rate_limit: int | None = None,
    ) -> None:
        self.fleet = fleet
        self.ack = AckFakeServer(fleet, latency=latency, rate_limit=rate_limit)
        self.tke = TkeFakeServer(fleet, latency=latency, rate_limit=rate_limit)
        self.kube = FakeKubeServer(fleet, latency=latency, rate_limit=rate_limit)
        self.swarms = {s.name: EngineFakeServer(s, latency=latency) for s in fleet.swarms}
        self.mesos = {m.name: MesosFakeCluster(m, latency=latency) for m in fleet.mesos}
        self.environ: dict[str, str] = {}
        for account, credentials in fleet.accounts.items():
            id_env, secret_env = credential_env(account)
            self.environ[id_env] = credentials.access_key_id
            self.environ[secret_env] = credentials.access_key_secret
        self._workdir: Path | None = None
        self._started: list[FakeServer] = []

    def __enter__(self) -> SimulatedFleet:
        try:
            platform_servers: list[FakeServer] = [*self.swarms.values()]
            platform_servers += [m for cluster in self.mesos.values() for m in cluster.masters]
            for server in (self.ack, self.tke, self.kube, *platform_servers):
                server.start()
                self._started.append(server)
            self._workdir = Path(tempfile.mkdtemp(prefix="kubedrift-sim-"))
            write_kubeconfig(self.kube, self.kubeconfig)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        started, self._started = self._started, []
        stop_all(started)
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    @property
    def kubeconfig(self) -> Path:
        if self._workdir is None:
            raise RuntimeError("the simulated fleet is not running")
        return self._workdir / "kubeconfig"

    @property
    def endpoints(self) -> SimulatedEndpoints:
        """Where the running servers listen: plain data, safe to hand to another process."""
        return SimulatedEndpoints(
            fleet=self.fleet,
            ack_url=self.ack.url,
            tke_url=self.tke.url,
            kubeconfig=self.kubeconfig,
            environ=dict(self.environ),
            swarm_hosts={name: f"tcp://{s.host}" for name, s in self.swarms.items()},
            mesos_masters={name: tuple(m.urls) for name, m in self.mesos.items()},
        )

    def configs(self, name: str = "simulated", **common: object) -> list[CollectorConfig]:
        return self.endpoints.configs(name, **common)


@dataclass(frozen=True)
class SimulatedEndpoints:
    """The running fakes of one fleet as sources see them."""

    fleet: Fleet
    ack_url: str
    tke_url: str
    kubeconfig: Path
    environ: dict[str, str]
    swarm_hosts: dict[str, str] = field(default_factory=dict)
    mesos_masters: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def configs(self, name: str = "simulated", **common: object) -> list[CollectorConfig]:
        """Sources pointed at the fakes: one per cloud provider and account, one kubeconfig,
        one per Swarm (plain TCP) and one per Mesos cluster.

        Every source is named `name` (the clusters' `source`); `common` carries shared
        settings (max_rps, max_concurrency, timeout, labels...).
        """
        configs: list[CollectorConfig] = []
        for account in sorted(self.fleet.accounts):
            id_env, secret_env = credential_env(account)
            shared = {**common, "name": name}
            if ack_regions := self._regions("ack", account):
                ack = {"access_key_id_env": id_env, "access_key_secret_env": secret_env}
                configs.append(
                    AckConfig.model_validate(
                        {**shared, **ack, "endpoint": self.ack_url, "regions": ack_regions}
                    )
                )
            if tke_regions := self._regions("tke", account):
                tke = {"secret_id_env": id_env, "secret_key_env": secret_env}
                configs.append(
                    TkeConfig.model_validate(
                        {**shared, **tke, "endpoint": self.tke_url, "regions": tke_regions}
                    )
                )
        if kube_clusters := self.fleet.of("kubeconfig"):
            context_labels = {c.id: c.tags for c in kube_clusters if c.tags}
            configs.append(
                KubeconfigConfig.model_validate(
                    {
                        **common,
                        "name": name,
                        "kubeconfig": str(self.kubeconfig),
                        "context_labels": context_labels,
                    }
                )
            )
        for swarm in self.fleet.swarms:
            configs.append(
                SwarmConfig.model_validate(
                    {
                        **common,
                        "name": name,
                        "host": self.swarm_hosts[swarm.name],
                        "cluster_name": swarm.name,
                        "group_by_label": "pool",
                        "labels": {**swarm.tags, **_labels(common)},
                    }
                )
            )
        for cluster in self.fleet.mesos:
            configs.append(
                MesosConfig.model_validate(
                    {
                        **common,
                        "name": name,
                        "masters": list(self.mesos_masters[cluster.name]),
                        "cluster_name": cluster.name,
                        "group_by_attribute": "rack",
                        "labels": {**cluster.tags, **_labels(common)},
                    }
                )
            )
        return configs

    def _regions(self, provider: Literal["ack", "tke"], account: str) -> list[str]:
        return sorted(
            {c.region for c in self.fleet.of(provider) if c.account == account and c.region}
        )


def _labels(common: dict[str, object]) -> dict[str, str]:
    labels = common.get("labels")
    return dict(labels) if isinstance(labels, dict) else {}
