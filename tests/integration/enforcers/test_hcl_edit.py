"""Edits of the example ACK / TKE / EKS Terraform: the value is followed to where it is set,
the splice keeps comments and layout, and the result passes the real `terraform fmt -check`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import pytest

from kubedrift.enforcers.hcl_edit import locate, splice, verify
from kubedrift.enforcers.hcl_tree import HclEditError, Workspace
from kubedrift.enforcers.terraform import Terraform


class Case(NamedTuple):
    root: str
    provider: str
    name: str
    component: str
    var_files: list[str]
    kind: str
    file: str
    old: str
    new: str


CASES = [
    # root, provider, cluster names, component, var files, kind, file, old, new
    ("ack", "ack", "ack-prod", "control-plane", [], "variable_default", "variables.tf",
     "1.28.9-aliyun.1", "1.29.3-aliyun.1"),
    ("ack", "ack", "ack-prod", "control-plane", ["prod.tfvars"], "tfvars", "prod.tfvars",
     "1.29.3-aliyun.1", "1.30.1-aliyun.1"),
    ("ack", "ack", "ack-prod", "node-pool/np-general", [], "literal", "main.tf",
     "1.28.9-aliyun.1", "1.29.3-aliyun.1"),
    ("ack", "ack", "ack-prod", "coredns", [], "literal", "main.tf",
     "v1.9.3.10-7dfca203-aliyun", "v1.11.3.2-f57ea7ed6-aliyun"),
    ("tke", "tke", "orders", "control-plane", [], "literal", "main.tf", "1.28.3", "1.29.3"),
    ("tke", "tke", "orders", "cbs", [], "literal", "main.tf", "1.1.7", "1.1.8"),
    ("eks", "eks", "payments", "control-plane", [], "variable_default", "variables.tf",
     "1.29", "1.30"),
]  # fmt: skip


@pytest.mark.integration
@pytest.mark.parametrize("case", [Case(*c) for c in CASES], ids=lambda c: f"{c.root}-{c.kind}")
def test_edit_follows_the_value_keeps_comments_and_passes_fmt(
    examples: Path, terraform: Terraform, case: Case
) -> None:
    root, provider, name, component, var_files, kind, file, old, new = case
    ws = Workspace(examples / root, var_files=[Path(v) for v in var_files])
    found = locate(ws, provider, {name}, component)
    assert (found.site.kind, found.site.path.name, found.site.value) == (kind, file, old)

    edit = splice(ws, found, new)
    verify(ws, edit, provider, {name}, component)
    edit.path.write_text(edit.after, encoding="utf-8")

    before, after = edit.before.splitlines(), edit.after.splitlines()
    changed = [(b, a) for b, a in zip(before, after, strict=True) if b != a]
    assert len(changed) == 1, "exactly one line changes"
    line_before, line_after = changed[0]
    assert line_after == line_before.replace(f'"{old}"', f'"{new}"')
    # every comment of the file survives, byte for byte
    assert [x for x in before if "#" in x or "//" in x] == [
        x.replace(f'"{new}"', f'"{old}"') for x in after if "#" in x or "//" in x
    ]
    assert terraform.fmt_clean([edit.path], cwd=ws.root)
    assert terraform.history[-1][:2] == ("fmt", "-check")


def test_module_input_literal_is_edited_in_the_module_call(examples: Path) -> None:
    main = examples / "eks" / "main.tf"
    main.write_text(
        main.read_text().replace("var.payments_version", '"1.29" # pinned here'),
        encoding="utf-8",
    )
    ws = Workspace(examples / "eks")
    found = locate(ws, "eks", {"payments"}, "control-plane")
    assert found.address == "module.payments.aws_eks_cluster.this"
    assert (found.site.kind, found.site.path, found.site.value) == ("module_input", main, "1.29")
    assert found.site.trail[0].startswith("modules/cluster/main.tf:17 version = var.")
    edit = splice(ws, found, "1.30")
    assert 'cluster_version = "1.30" # pinned here' in edit.after


def test_a_local_and_an_interpolated_reference_are_followed(examples: Path) -> None:
    main = examples / "tke" / "main.tf"
    text = main.read_text().replace('"1.28.3" # bumped', '"${local.k8s}" # bumped')
    text = text.replace('vpc_id = "vpc-2x8fq3ab"', 'vpc_id = "vpc-2x8fq3ab"\n  k8s    = "1.28.3"')
    main.write_text(text, encoding="utf-8")
    found = locate(Workspace(examples / "tke"), "tke", {"orders"}, "control-plane")
    assert (found.site.kind, found.site.value) == ("local", "1.28.3")


def test_explicit_mapping_selects_the_resource_by_address(examples: Path) -> None:
    ws = Workspace(examples / "eks")
    found = locate(
        ws, "eks", {"not-its-name"}, "control-plane", address="module.payments.aws_eks_cluster.this"
    )
    assert found.site.value == "1.29"
    with pytest.raises(HclEditError, match="no eks cluster resource named not-its-name"):
        locate(ws, "eks", {"not-its-name"}, "control-plane")


def test_a_value_shared_by_two_clusters_is_refused(examples: Path) -> None:
    main = examples / "eks" / "main.tf"
    ledger = (
        '\nmodule "ledger" {\n  source          = "./modules/cluster"\n'
        '  name            = "ledger"\n  cluster_version = var.payments_version\n'
        "  subnet_ids      = []\n}\n"
    )
    main.write_text(main.read_text() + ledger, encoding="utf-8")
    with pytest.raises(
        HclEditError, match=re.escape("also sets module.ledger.aws_eks_cluster.this")
    ):
        locate(Workspace(examples / "eks"), "eks", {"payments"}, "control-plane")


def test_a_computed_version_is_refused(examples: Path) -> None:
    main = examples / "tke" / "main.tf"
    main.write_text(
        main.read_text().replace('"1.28.3"', 'join(".", ["1", "28", "3"])'), encoding="utf-8"
    )
    with pytest.raises(HclEditError, match="computed; kubedrift edits only literals"):
        locate(Workspace(examples / "tke"), "tke", {"orders"}, "control-plane")


def test_a_value_that_could_inject_hcl_is_refused(examples: Path) -> None:
    ws = Workspace(examples / "tke")
    found = locate(ws, "tke", {"orders"}, "control-plane")
    with pytest.raises(HclEditError, match="not a plain version string"):
        splice(ws, found, '1.30" }\nresource "x" "y" { a = "')
