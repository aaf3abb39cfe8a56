"""The TKE API as the collector calls it: the only module that imports the TKE SDK.

`TkeApi.call("DescribeClusters", region, Offset=0, Limit=100)` builds the SDK's request
model, sends it through the source's `ApiGate` on a client of this thread and region, and
returns the SDK's answer model. Credentials come from the configured variables, else the
SDK's profile, CVM role and TKE OIDC providers; SDK exceptions become `CollectError`
(`tke_errors.classify`) with no secret in the message.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.tke.v20180525 import models, tke_client

from kubedrift.collectors.base import ApiGate
from kubedrift.collectors.tke_config import TkeConfig
from kubedrift.collectors.tke_errors import classify
from kubedrift.errors import CollectError


class TkeApi:
    """TKE calls for one source: its credentials, its clients and its gate."""

    def __init__(self, config: TkeConfig, gate: ApiGate, environ: Mapping[str, str]) -> None:
        self.config = config
        self._gate = gate
        self._environ = environ
        self._credential: Any = None
        self._lock = threading.Lock()
        # One client per thread and region: the SDK keeps a requests.Session per client.
        self._local = threading.local()

    def call(self, operation: str, region: str, **fields: Any) -> Any:
        """`operation`'s answer model; `fields` are set on its request model."""
        request = getattr(models, f"{operation}Request")()
        for name, value in fields.items():
            setattr(request, name, value)
        secrets = self._secrets()

        def once() -> Any:
            method: Callable[[Any], Any] = getattr(self._client(region), operation)
            try:
                return method(request)
            except TencentCloudSDKException as exc:
                raise classify(exc, f"{operation} in {region}", secrets) from exc

        return self._gate(operation, once, region=region)

    def _secrets(self) -> tuple[str, ...]:
        # The SecretId too: half of the pair, and the source's name says whose it is.
        names = (self.config.secret_id_env, self.config.secret_key_env, self.config.token_env)
        return tuple(v for n in names if n and (v := self._environ.get(n)))

    def _make_credential(self) -> Any:
        secret_id = self._environ.get(self.config.secret_id_env)
        secret_key = self._environ.get(self.config.secret_key_env)
        if secret_id and secret_key:
            token = self._environ.get(self.config.token_env) if self.config.token_env else None
            return credential.Credential(secret_id, secret_key, token or None)
        if secret_id or secret_key:
            raise CollectError(
                f"only one of {self.config.secret_id_env} / {self.config.secret_key_env} is set",
                reason="config",
                retryable=False,
            )
        # The SDK's DefaultCredentialProvider reads os.environ itself; we skip that step.
        for provider in (
            credential.ProfileCredential(),
            credential.CVMRoleCredential(),
            credential.DefaultTkeOIDCRoleArnProvider(),
        ):
            try:
                found = provider.get_credential()
            except Exception:  # a provider that cannot apply is skipped  # nosec B112
                continue
            if found is not None:
                return found
        raise CollectError(
            "no TKE credentials: set "
            f"{self.config.secret_id_env}/{self.config.secret_key_env} or attach a CAM role",
            reason="auth",
            retryable=False,
        )

    def _client(self, region: str) -> Any:
        with self._lock:
            if self._credential is None:
                self._credential = self._make_credential()
        clients: dict[str, Any] = self._local.__dict__.setdefault("clients", {})
        client = clients.get(region)
        if client is None:
            http = HttpProfile(reqTimeout=self.config.timeout)
            endpoint = self.config.endpoint
            if endpoint:
                scheme, _, host = endpoint.rpartition("://")
                http = HttpProfile(
                    endpoint=host.rstrip("/"),
                    protocol=scheme or "https",
                    reqTimeout=self.config.timeout,
                )
            # No retryer: the SDK's StandardRetryer is buggy and the gate retries anyway.
            profile = ClientProfile(httpProfile=http, language="en-US")
            client = tke_client.TkeClient(self._credential, region, profile)
            clients[region] = client
        return client
