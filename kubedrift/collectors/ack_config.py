"""Settings and credentials of an ACK source (`type: ack`).

Kept apart from `kubedrift.collectors.ack` so the settings model and the credential rules
read without the SDK. Secrets come from environment variables named here, never from the
settings file; when neither variable is set the SDK's default credential chain is used.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import Field, model_validator

from kubedrift.collectors.base import CollectorConfig
from kubedrift.env_names import EnvName
from kubedrift.errors import CollectError
from kubedrift.model.inventory import FailureReason


class AckConfig(CollectorConfig):
    """An ACK source: one account (one set of credentials), several regions."""

    type: Literal["ack"] = "ack"
    access_key_id_env: EnvName = Field(
        default="ALIBABA_CLOUD_ACCESS_KEY_ID",
        description="environment variable holding the AccessKey ID",
    )
    access_key_secret_env: EnvName = Field(
        default="ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        description="environment variable holding the AccessKey secret",
    )
    security_token_env: EnvName = Field(
        default="ALIBABA_CLOUD_SECURITY_TOKEN",
        description="environment variable holding an STS token (optional)",
    )
    cluster_types: tuple[str, ...] = Field(
        default=(),
        description="keep only these cluster types (ManagedKubernetes, ...); all if empty",
    )
    page_size: int = Field(default=100, ge=1, le=100, description="DescribeClustersV1 page size")
    addon_versions: bool = Field(
        default=True, description="ask DescribeAddon for each add-on's newer versions"
    )
    metadata_ttl: float = Field(
        default=600.0, ge=0, description="seconds the versions ACK offers are cached"
    )

    @model_validator(mode="after")
    def _needs_regions(self) -> AckConfig:
        if not self.regions:
            raise ValueError("an ack source needs at least one region (regions: [cn-hangzhou])")
        return self


def credentials(config: AckConfig, environ: Mapping[str, str]) -> dict[str, str]:
    """The AccessKey pair from the environment; {} selects the SDK's default chain."""
    key_id = environ.get(config.access_key_id_env, "")
    secret = environ.get(config.access_key_secret_env, "")
    token = environ.get(config.security_token_env, "")
    named = {"access_key_id_env", "access_key_secret_env"} & config.model_fields_set
    if bool(key_id) != bool(secret) or (named and not (key_id and secret)):
        missing = config.access_key_id_env if not key_id else config.access_key_secret_env
        raise CollectError(
            f"source {config.name}: environment variable {missing} is not set",
            reason=FailureReason.CONFIG.value,
            retryable=False,
        )
    if not key_id:
        return {}
    found = {"access_key_id": key_id, "access_key_secret": secret}
    if token:
        found["security_token"] = token
    return found
