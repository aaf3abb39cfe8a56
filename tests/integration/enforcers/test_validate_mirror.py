"""`terraform validate` of an edited EKS configuration, with the AWS provider from a local mirror.

Opt-in: the provider mirror (675 MB under /opt/tf-plugins on the development image) comes from
no package registry, so a fresh CI machine cannot have it; CI does not set the variable and
this test reports itself as skipped with that reason. Run it with
`KUBEDRIFT_TF_PLUGIN_MIRROR=/opt/tf-plugins scripts/test tests/integration/enforcers`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kubedrift.enforcers.terraform import Terraform
from kubedrift.enforcers.terraform_pr import RootConfig, TerraformPrConfig, TerraformPrEnforcer
from tests.integration.enforcers.conftest import EKS, change, git

MIRROR = os.environ.get("KUBEDRIFT_TF_PLUGIN_MIRROR")


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.skipif(
    not MIRROR,
    reason="opt-in: set KUBEDRIFT_TF_PLUGIN_MIRROR to an AWS provider mirror "
    "(not reproducible on a fresh CI machine)",
)
def test_edited_eks_config_validates_with_the_mirrored_provider(
    remote: Path, tmp_path: Path, terraform: Terraform
) -> None:
    rc = tmp_path / "terraformrc"
    rc.write_text(
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{MIRROR}"\n'
        '    include = ["registry.terraform.io/hashicorp/*"]\n  }\n'
        '  direct {\n    exclude = ["registry.terraform.io/hashicorp/*"]\n  }\n}\n',
        encoding="utf-8",
    )
    tf = Terraform(env={"TF_CLI_CONFIG_FILE": str(rc)})
    cfg = TerraformPrConfig.model_validate(
        {
            "repo": str(remote),
            "workdir": tmp_path / "work",
            "roots": [RootConfig(path="eks")],
            "validate": True,
        }
    )
    ref = TerraformPrEnforcer(cfg, terraform=tf).propose_step(change(EKS, "1.30.2", frm="1.29"))
    assert ref.status == "opened"
    assert [argv[0] for argv in tf.history] == ["fmt", "fmt", "init", "validate"]
    assert 'default     = "1.30"' in git(remote, "show", f"{ref.branch}:eks/variables.tf")
