from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from kubedrift.sim.fleet import Fleet, generate_fleet, load_fleet
from kubedrift.versions import parse_version


def test_canonical_fleet_loads_and_every_version_parses() -> None:
    fleet = load_fleet()
    assert {c.provider for c in fleet.clusters} == {"ack", "tke", "kubeconfig"}
    for cluster in fleet.clusters:
        parse_version(cluster.version)
        for pool in cluster.node_pools:
            for raw in pool.kubelet_versions:
                parse_version(raw)
    assert fleet.regions("ack") == ["cn-hangzhou", "cn-shanghai"]
    assert fleet.offered("ack", "cn-shanghai") == fleet.offered("ack", "cn-hangzhou")
    found = fleet.cluster("tke", "cls-7xk2p9ab")
    assert found is not None
    assert found.key == "tke/ap-guangzhou/cls-7xk2p9ab"


def test_duplicate_keys_and_unknown_accounts_are_rejected(tmp_path: Path) -> None:
    cluster = {
        "provider": "ack",
        "region": "cn-hangzhou",
        "id": "c1",
        "name": "a",
        "version": "1.30.1-aliyun.1",
    }
    with pytest.raises(ValidationError, match="duplicate cluster keys: ack/cn-hangzhou/c1"):
        Fleet.model_validate({"clusters": [cluster, cluster]})
    with pytest.raises(ValidationError, match="unknown account 'other'"):
        Fleet.model_validate({"clusters": [{**cluster, "account": "other"}]})
    with pytest.raises(ValidationError, match="needs a region"):
        Fleet.model_validate({"clusters": [{**cluster, "region": None}]})


def test_generated_fleet_is_deterministic_and_sized() -> None:
    fleet = generate_fleet(40, seed=3)
    assert len(fleet.clusters) == 40
    assert len(fleet.of("ack")) == 20
    assert generate_fleet(40, seed=3) == fleet
    assert generate_fleet(40, seed=4) != fleet
