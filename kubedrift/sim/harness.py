"""Run a simulated fleet: start its fake ACK, TKE and Kubernetes servers on 127.0.0.1 and
describe them as ordinary sources, so the real collectors read them unchanged.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from kubedrift.collectors.ack_config import AckConfig
from kubedrift.collectors.base import CollectorConfig
from kubedrift.collectors.kube import KubeconfigConfig
from kubedrift.collectors.tke import TkeConfig
from kubedrift.sim.ack import AckFakeServer
from kubedrift.sim.fleet import Fleet
from kubedrift.sim.kube import FakeKubeServer, write_kubeconfig
from kubedrift.sim.server import FakeServer
from kubedrift.sim.tke import TkeFakeServer

# Environment variable names the simulated sources read their credentials from; they
# differ from the real providers' so a demo never picks up (or leaks) real keys.
ACK_ID_ENV, ACK_SECRET_ENV = "KUBEDRIFT_SIM_ACK_ID", "KUBEDRIFT_SIM_ACK_SECRET"
TKE_ID_ENV, TKE_SECRET_ENV = "KUBEDRIFT_SIM_TKE_ID", "KUBEDRIFT_SIM_TKE_SECRET"


class SimulatedFleet:
    """The servers of one fleet; use as a context manager."""

    def __init__(
        self,
        fleet: Fleet,
        *,
        latency: float = 0.0,
        rate_limit: int | None = None,
        account: str = "default",
    ) -> None:
        self.fleet = fleet
        self.ack = AckFakeServer(fleet, latency=latency, rate_limit=rate_limit)
        self.tke = TkeFakeServer(fleet, latency=latency, rate_limit=rate_limit)
        self.kube = FakeKubeServer(fleet, latency=latency, rate_limit=rate_limit)
        credentials = fleet.accounts[account]
        self.environ = {
            ACK_ID_ENV: credentials.access_key_id,
            ACK_SECRET_ENV: credentials.access_key_secret,
            TKE_ID_ENV: credentials.access_key_id,
            TKE_SECRET_ENV: credentials.access_key_secret,
        }
        self._workdir: Path | None = None
        self._started: list[FakeServer] = []

    def __enter__(self) -> SimulatedFleet:
        try:
            for server in (self.ack, self.tke, self.kube):
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
        while self._started:
            self._started.pop().stop()
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    @property
    def kubeconfig(self) -> Path:
        if self._workdir is None:
            raise RuntimeError("the simulated fleet is not running")
        return self._workdir / "kubeconfig"

    def configs(self, name: str = "simulated", **common: object) -> list[CollectorConfig]:
        """One source per provider that has clusters, all named `name`, pointed at the fakes.

        `common` carries shared source settings (max_rps, max_concurrency, timeout, labels...).
        """
        configs: list[CollectorConfig] = []
        if self.fleet.of("ack"):
            configs.append(
                AckConfig.model_validate(
                    {
                        **common,
                        "name": name,
                        "endpoint": self.ack.url,
                        "regions": self.fleet.regions("ack"),
                        "access_key_id_env": ACK_ID_ENV,
                        "access_key_secret_env": ACK_SECRET_ENV,
                    }
                )
            )
        if self.fleet.of("tke"):
            configs.append(
                TkeConfig.model_validate(
                    {
                        **common,
                        "name": name,
                        "endpoint": self.tke.url,
                        "regions": self.fleet.regions("tke"),
                        "secret_id_env": TKE_ID_ENV,
                        "secret_key_env": TKE_SECRET_ENV,
                    }
                )
            )
        if self.fleet.of("kubeconfig"):
            configs.append(
                KubeconfigConfig.model_validate(
                    {**common, "name": name, "kubeconfig": str(self.kubeconfig)}
                )
            )
        return configs
