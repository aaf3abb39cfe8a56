from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from kubedrift.model.inventory import (
    Addon,
    ClusterInventory,
    ClusterRef,
    Collected,
    CollectionFailed,
    ComponentVersion,
    ControlPlane,
    FailureReason,
    InventoryDocument,
    NodePool,
    Platform,
)
from kubedrift.versions import parse_version

AT = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def _ref(**overrides: object) -> ClusterRef:
    fields: dict[str, object] = {
        "provider": "tke",
        "source": "tke-prod",
        "id": "cls-abc",
        "name": "prod-sh",
        "region": "ap-shanghai",
    }
    fields.update(overrides)
    return ClusterRef.model_validate(fields)


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({}, "tke/ap-shanghai/cls-abc"),
        ({"provider": "ack", "region": "cn-hangzhou", "id": "c1234"}, "ack/cn-hangzhou/c1234"),
        ({"provider": "kubeconfig", "region": None, "id": "idc-bj-1"}, "kubeconfig/idc-bj-1"),
    ],
)
def test_cluster_key(overrides: dict[str, object], key: str) -> None:
    assert _ref(**overrides).key == key


@pytest.mark.parametrize("provider", ["ACK", "", "t ke", "-x"])
def test_provider_must_be_a_slug(provider: str) -> None:
    with pytest.raises(ValidationError, match="lowercase name"):
        _ref(provider=provider)


def test_unknown_field_is_rejected() -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        _ref(zone="a")


def test_models_are_frozen() -> None:
    ref = _ref()
    with pytest.raises(ValidationError):
        ref.name = "other"  # type: ignore[misc]


def test_swarm_cluster_fits_the_same_model() -> None:
    inventory = ClusterInventory(
        ref=_ref(provider="swarm", platform=Platform.SWARM, region=None, id="edge-1"),
        collected_at=AT,
        control_plane=ControlPlane(version=None),
        node_pools=(
            NodePool(id="managers", name="managers", role="manager", kubelet_version=None),
        ),
        unknown=("control_plane.version",),
    )
    assert inventory.key == "swarm/edge-1"
    assert inventory.ref.platform is Platform.SWARM


def test_apiserver_versions_prefers_visible_instances() -> None:
    plane = ControlPlane(
        version=parse_version("1.30.2"),
        components=(
            ComponentVersion(component="kube-apiserver", version=parse_version("v1.30.2")),
            ComponentVersion(component="kube-apiserver", version=parse_version("v1.29.8")),
            ComponentVersion(component="kube-scheduler", version=parse_version("v1.29.8")),
        ),
    )
    assert [v.raw for v in plane.apiserver_versions()] == ["v1.30.2", "v1.29.8"]
    assert [
        v.raw for v in ControlPlane(version=parse_version("1.30.1-aliyun.1")).apiserver_versions()
    ] == ["1.30.1-aliyun.1"]
    assert ControlPlane(version=None).apiserver_versions() == ()


def test_addon_pending_when_declared_differs_from_running() -> None:
    assert Addon(name="coredns", version="v1.11.1", running_version="v1.10.1").pending
    assert not Addon(name="coredns", version="v1.11.1", running_version="v1.11.1").pending
    assert not Addon(name="coredns", version="v1.11.1").pending


def test_naive_timestamps_are_rejected() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        ClusterInventory(
            ref=_ref(),
            collected_at=datetime(2026, 11, 26, 8, 0),  # noqa: DTZ001 - the point of the test
            control_plane=ControlPlane(version=None),
        )


def test_inventory_document_round_trips_through_json() -> None:
    inventory = ClusterInventory(
        ref=_ref(labels={"env": "prod"}),
        collected_at=AT,
        control_plane=ControlPlane(
            version=parse_version("1.30.0-tke.8"),
            available_versions=(parse_version("1.32.2-tke.1"),),
        ),
        node_pools=(
            NodePool(
                id="np-1",
                name="default",
                kubelet_version=parse_version("1.28.3-tke.4"),
                runtime="containerd",
                runtime_version="1.6.9",
                node_count=3,
                versions_seen={"1.28.3-tke.4": 2, "1.30.0-tke.8": 1},
            ),
        ),
        addons=(Addon(name="coredns", version="1.11.1"),),
    )
    failure = CollectionFailed(
        source="ack-prod",
        cluster=None,
        reason=FailureReason.AUTH,
        message="InvalidAccessKeyId.NotFound",
        at=AT,
    )
    document = InventoryDocument(collected_at=AT, clusters=(inventory,), failures=(failure,))
    text = document.model_dump_json()
    assert '"1.30.0-tke.8"' in text
    again = InventoryDocument.model_validate_json(text)
    assert again == document
    pool = again.clusters[0].node_pools[0]
    assert pool.kubelet_version is not None
    assert pool.kubelet_version.raw == "1.28.3-tke.4"
    assert pool.mixed_versions
    assert set(again.by_key()) == {"tke/ap-shanghai/cls-abc"}


def test_collection_result_is_discriminated() -> None:
    from pydantic import TypeAdapter

    from kubedrift.model.inventory import CollectionResult

    adapter: TypeAdapter[Collected | CollectionFailed] = TypeAdapter(CollectionResult)
    failed = adapter.validate_python(
        {
            "outcome": "failed",
            "source": "s",
            "cluster": None,
            "reason": "throttled",
            "message": "Throttling.User",
            "at": AT,
        }
    )
    assert isinstance(failed, CollectionFailed)
    assert failed.reason is FailureReason.THROTTLED
    with pytest.raises(ValidationError, match="reason"):
        adapter.validate_python(
            {
                "outcome": "failed",
                "source": "s",
                "cluster": None,
                "reason": "flaky",
                "message": "",
                "at": AT,
            }
        )


def test_inventory_json_is_flat_with_its_key() -> None:
    inventory = ClusterInventory(
        ref=_ref(labels={"env": "prod"}),
        collected_at=AT,
        control_plane=ControlPlane(version=parse_version("1.30.0-tke.8")),
    )
    data = inventory.model_dump(mode="json")
    assert data["key"] == "tke/ap-shanghai/cls-abc"
    assert (data["provider"], data["region"], data["id"], data["name"]) == (
        "tke",
        "ap-shanghai",
        "cls-abc",
        "prod-sh",
    )
    assert data["labels"] == {"env": "prod"}
    assert data["control_plane"]["version"] == "1.30.0-tke.8"
    assert "ref" not in data
    assert type(inventory.ref) is ClusterRef
    assert inventory.ref == _ref(labels={"env": "prod"})


def test_a_written_key_must_agree() -> None:
    data = _ref().model_dump(mode="json")
    assert ClusterRef.model_validate(data) == _ref()
    data["key"] = "tke/ap-guangzhou/cls-abc"
    with pytest.raises(ValidationError, match="does not match provider/region/id"):
        ClusterRef.model_validate(data)


def test_identity_cannot_be_given_twice() -> None:
    with pytest.raises(ValidationError, match="identity given twice: name"):
        ClusterInventory.model_validate(
            {"ref": _ref(), "name": "other", "collected_at": AT, "control_plane": {"version": None}}
        )
