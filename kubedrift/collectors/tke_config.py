"""Settings of a TKE source (`type: tke`), kept apart from the SDK so settings load without it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from kubedrift.collectors.base import CollectorConfig
from kubedrift.env_names import EnvName


class TkeConfig(CollectorConfig):
    """A TKE source. Credentials are read from the named environment variables; when the
    id and key are both absent, the SDK's profile file, CVM role and TKE OIDC providers
    are tried in turn."""

    type: Literal["tke"] = "tke"
    secret_id_env: EnvName = Field(
        default="TENCENTCLOUD_SECRET_ID",
        min_length=1,
        description="environment variable holding the SecretId",
    )
    secret_key_env: EnvName = Field(
        default="TENCENTCLOUD_SECRET_KEY",
        min_length=1,
        description="environment variable holding the SecretKey",
    )
    token_env: EnvName | None = Field(
        default="TENCENTCLOUD_SESSION_TOKEN", description="optional STS token variable"
    )

    @model_validator(mode="after")
    def _regions_given(self) -> TkeConfig:
        # TKE has no cross-region listing: every region is asked on its own.
        if not self.regions:
            raise ValueError("a tke source needs at least one region, e.g. [ap-guangzhou]")
        return self
