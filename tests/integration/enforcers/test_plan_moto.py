"""A real `terraform plan` of the edited EKS example against a local moto server.

The AWS provider comes from a filesystem mirror (opt-in, like `test_validate_mirror.py`:
`KUBEDRIFT_TF_PLUGIN_MIRROR=/opt/tf-plugins`). moto (`moto_server`, from the test extra)
serves the EKS, S3 (the state backend) and STS APIs on 127.0.0.1. The starting state is made
the way an operator made it: this test's own `terraform apply` of `main` against moto, run
directly and never through kubedrift. Then the enforcer proposes 1.29 -> 1.30 and the pull
request's description carries the plan: the cluster updated in place, its version moving. The
commands kubedrift ran are asserted: fmt, init, plan, show, and nothing else.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kubedrift.enforcers.forges import GitHub
from kubedrift.enforcers.terraform import Terraform
from kubedrift.enforcers.terraform_pr import TerraformPrConfig, TerraformPrEnforcer
from kubedrift.sim.forge import FakeGitHub
from tests.integration.enforcers.conftest import EKS, change

MIRROR = os.environ.get("KUBEDRIFT_TF_PLUGIN_MIRROR")
BUCKET = "acme-tfstate"
STATE_KEY = "eks/terraform.tfstate"

pytestmark = [
    pytest.mark.integration,
    pytest.mark.slow,
    pytest.mark.skipif(
        not MIRROR,
        reason="opt-in: set KUBEDRIFT_TF_PLUGIN_MIRROR to an AWS provider mirror "
        "(not reproducible on a fresh CI machine)",
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def moto() -> Iterator[str]:
    """`moto_server` on 127.0.0.1, its URL; stopped after the test."""
    binary = Path(sys.executable).parent / "moto_server"
    if not binary.exists():
        pytest.fail("moto_server is missing: install the test extra (moto[server])")
    port = free_port()
    server = subprocess.Popen(
        [str(binary), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("moto_server did not start within 30 s")
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def aws_env(tmp_path: Path, moto: str) -> dict[str, str]:
    rc = tmp_path / "terraformrc"
    rc.write_text(
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{MIRROR}"\n'
        '    include = ["registry.terraform.io/hashicorp/*"]\n  }\n'
        '  direct {\n    exclude = ["registry.terraform.io/hashicorp/*"]\n  }\n}\n',
        encoding="utf-8",
    )
    return {
        "TF_CLI_CONFIG_FILE": str(rc),
        "AWS_ENDPOINT_URL": moto,  # every AWS API (EKS, S3, STS) of provider and backend
        "AWS_REGION": "us-east-1",
    }


def operator_apply(seed: Path, env: dict[str, str], moto: str) -> None:
    """The existing cluster and its state, as the operator's own pipeline left them."""
    import boto3  # moto's dependency: the test extra brings it

    s3 = boto3.client(
        "s3",
        endpoint_url=moto,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(Bucket=BUCKET)
    run_env = {**os.environ, **env, "CHECKPOINT_DISABLE": "1", "TF_IN_AUTOMATION": "1"}
    terraform = shutil.which("terraform") or "terraform"
    for argv in (
        ["init", "-input=false", *backend_args()],
        ["apply", "-auto-approve", "-input=false"],
    ):
        subprocess.run(
            [terraform, *argv], cwd=seed / "eks", env=run_env, check=True, capture_output=True
        )


def backend_args() -> list[str]:
    return [f"-backend-config={k}={v}" for k, v in backend().items()]


def backend() -> dict[str, str]:
    return {"bucket": BUCKET, "key": STATE_KEY, "region": "us-east-1", "use_path_style": "true"}


def test_the_pull_request_carries_a_real_plan_of_the_eks_version_change(
    remote: Path,
    tmp_path: Path,
    terraform: Terraform,
    moto: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    env = aws_env(tmp_path, moto)
    seed = tmp_path / "operator"
    subprocess.run(["git", "clone", "--quiet", str(remote), str(seed)], check=True)
    operator_apply(seed, env, moto)

    github = FakeGitHub("acme/infra", token="ghp-plan")
    with github.running():
        cfg = TerraformPrConfig.model_validate(
            {
                "repo": str(remote),
                "workdir": tmp_path / "work",
                "roots": [{"path": "eks"}],
                "plan": {"backend_config": backend(), "env": env},
            }
        )
        forge = GitHub("acme/infra", "ghp-plan", api=github.url)
        enforcer = TerraformPrEnforcer(cfg, terraform=terraform, forge=forge)
        ref = enforcer.propose_step(change(EKS, "1.30.2", frm="1.29"))

        assert ref.status == "opened"
        (pr,) = github.prs
        assert "**terraform plan:** 0 to add, 1 to change, 0 to destroy." in pr.body
        assert (
            '- `module.payments.aws_eks_cluster.this`: update in place: version: "1.29" -> "1.30"'
            in pr.body
        )
        assert [argv[0] for argv in terraform.history] == ["fmt", "fmt", "init", "plan", "show"]
        plan_argv = terraform.history[3]
        assert "-lock=false" in plan_argv and not any(a == "apply" for a in plan_argv)

        # The same proposal again: the same plan, so nothing is edited.
        enforcer.new_run()
        assert enforcer.propose_step(change(EKS, "1.30.2", frm="1.29")).status == "unchanged"
        assert pr.updates == 0
    # kubedrift never ran anything that writes to the infrastructure or the state.
    assert {argv[0] for argv in terraform.history} <= {"fmt", "init", "plan", "show"}


def test_a_plan_that_cannot_reach_its_backend_says_so_in_the_description(
    remote: Path, tmp_path: Path, terraform: Terraform, moto: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    env = aws_env(tmp_path, moto)
    cfg = TerraformPrConfig.model_validate(
        {
            "repo": str(remote),
            "workdir": tmp_path / "work",
            "roots": [{"path": "eks"}],
            "dry_run": True,
            # No such bucket on the moto server.
            "plan": {"backend_config": {**backend(), "bucket": "missing-bucket"}, "env": env},
        }
    )
    ref = TerraformPrEnforcer(cfg, terraform=terraform).propose_step(
        change(EKS, "1.30.2", frm="1.29")
    )
    assert ref.status == "dry_run"
    assert ref.diff is not None
    assert "**terraform plan:** could not be made: terraform init failed" in ref.diff
