"""ACK answers (plain JSON) to inventory parts, and SDK-shaped exceptions to failure reasons."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from kubedrift.collectors import ack_parse as parse
from kubedrift.collectors.ack_errors import translate
from kubedrift.versions import parse_version


def _entry(version: str, released: str = "", expires: str = "", **more: Any) -> dict[str, Any]:
    return {"version": version, "release_date": released, "expiration_date": expires, **more}


def test_tags_become_labels_and_static_labels_win() -> None:
    ref = parse.cluster_ref(
        {
            "cluster_id": "c1",
            "name": "prod",
            "region_id": "cn-hangzhou",
            "tags": [{"key": "env", "value": "prod"}, {"key": "bare"}, {"value": "orphan"}],
        },
        source="s",
        static_labels={"env": "override"},
    )
    assert ref.key == "ack/cn-hangzhou/c1"
    assert ref.labels == {"env": "override", "bare": ""}


@pytest.mark.parametrize(
    "body",
    [[], {"clusters": "x"}, {"clusters": [1]}, {"clusters": [], "page_info": {"total_count": "3"}}],
)
def test_cluster_page_rejects_bodies_of_the_wrong_shape(body: Any) -> None:
    with pytest.raises(parse.MalformedAnswer):
        parse.cluster_page(body)


def test_node_pool_kubelet_from_node_components_or_unknown() -> None:
    pool, known = parse.node_pool(
        {
            "nodepool_info": {"nodepool_id": "np1", "name": "a"},
            "node_components": [
                {"name": "containerd", "version": "1.6.36"},
                {"name": "kubelet", "version": "1.32.1-aliyun.1"},
            ],
            "status": {"total_nodes": 4},
        }
    )
    assert known and pool.kubelet_version == parse_version("1.32.1-aliyun.1")
    assert pool.versions_seen == {"1.32.1-aliyun.1": 4}
    bare, known = parse.node_pool({"nodepool_info": {"nodepool_id": "np2"}, "node_components": []})
    assert not known and bare.kubelet_version is None and bare.name == "np2"
    assert bare.node_count is None and bare.versions_seen == {}
    with pytest.raises(parse.MalformedAnswer):
        parse.node_pool({"nodepool_info": {"name": "no id"}})


def test_metadata_must_be_a_bare_array() -> None:
    with pytest.raises(parse.MalformedAnswer, match="expected an array"):
        parse.metadata_entries({"versions": []})
    assert parse.metadata_entries([]) == []


def test_support_window_prefers_the_exact_patch_then_the_newest_of_the_minor() -> None:
    entries = [
        _entry("1.30.1-aliyun.1", "2024-07-31T00:00:00+08:00", "2026-07-31T00:00:00+08:00"),
        _entry("1.30.7-aliyun.1", "2024-12-01T00:00:00+08:00", "2026-08-31T00:00:00+08:00"),
        _entry("1.31.1-aliyun.1", "2024-12-20T00:00:00+08:00", ""),
    ]
    kwargs: dict[str, Any] = {
        "region": "cn-hangzhou",
        "cluster_type": "ManagedKubernetes",
        "retrieved": date(2026, 1, 1),
    }
    exact = parse.support_window(entries, parse_version("1.30.1-aliyun.1"), **kwargs)
    assert exact is not None and exact.end_of_support.value == date(2026, 7, 31)
    newest = parse.support_window(entries, parse_version("1.30.4-aliyun.1"), **kwargs)
    assert newest is not None and newest.end_of_support.value == date(2026, 8, 31)
    open_ended = parse.support_window(entries, parse_version("1.31.1-aliyun.1"), **kwargs)
    assert open_ended is not None and open_ended.end_of_support.value is None
    assert open_ended.end_of_support.note == "ACK sent no expiration_date"
    assert parse.support_window(entries, parse_version("1.28.9-aliyun.1"), **kwargs) is None
    backwards = [_entry("1.29.1", "2026-01-01T00:00:00+08:00", "2025-01-01T00:00:00+08:00")]
    with pytest.raises(parse.MalformedAnswer):
        parse.support_window(backwards, parse_version("1.29.1"), **kwargs)


def test_upgradable_versions_only_from_the_current_versions_entry() -> None:
    entries = [_entry("1.30.1-aliyun.1", upgradable_versions=["1.31.1-aliyun.1", "bogus"])]
    found = parse.upgradable_versions(entries, "1.30.1-aliyun.1")
    assert found == (parse_version("1.31.1-aliyun.1"),)
    assert parse.upgradable_versions(entries, "1.28.9-aliyun.1") is None


def test_addon_kinds_and_newer_versions() -> None:
    assert parse.addon_kind("terway-eniip") == "cni"
    assert parse.addon_kind("csi-plugin") == "csi"
    assert parse.addon_kind("ack-node-problem-detector") == "other"
    body = {"newer_versions": [{"version": "v2", "upgradable": False}, {"version": "v3"}]}
    assert parse.newer_versions(body) == (("v2", "v3"), False)


class _SdkError(Exception):
    """Shaped like the SDK's ClientException/ServerException (attributes, no import)."""

    def __init__(self, code: str, status: int, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.code, self.status_code, self.retry_after = code, status, retry_after
        self.data = {"code": code, "message": message}


@pytest.mark.parametrize(
    ("code", "status", "reason", "retryable"),
    [
        ("Throttling.User", 400, "throttled", True),
        ("Throttling", 429, "throttled", True),
        ("InvalidAccessKeyId.NotFound", 404, "auth", False),
        ("Forbidden.RAM", 403, "auth", False),
        ("ErrorClusterNotFound", 404, "not_found", False),
        ("InternalError", 500, "server", True),
        ("InvalidParameter", 400, "config", False),
    ],
)
def test_codes_decide_before_statuses(code: str, status: int, reason: str, retryable: bool) -> None:
    error = translate(_SdkError(code, status, "m"), "Op")
    assert (error.reason, error.retryable) == (reason, retryable)


def test_retry_after_is_milliseconds_and_secrets_are_scrubbed() -> None:
    error = translate(_SdkError("Throttling", 429, "key s3cr3t leaked", retry_after=1500), "Op")
    assert error.retry_after == 1.5
    scrubbed = translate(_SdkError("X", 400, "key s3cr3t leaked"), "Op", secrets=["s3cr3t"])
    assert "s3cr3t" not in str(scrubbed) and "***" in str(scrubbed)


def test_wrapped_transport_and_body_failures() -> None:
    class RetryError(Exception):
        pass

    class UnretryableError(Exception):
        def __init__(self, inner: BaseException) -> None:
            super().__init__(str(inner))
            self.inner_exception = inner

    try:
        try:
            raise TimeoutError("read timed out")
        except TimeoutError as exc:
            raise RetryError("HTTPConnectionPool: Read timed out.") from exc
    except RetryError as exc:
        timed_out = UnretryableError(exc)
    assert translate(timed_out, "Op").reason == "timeout"
    try:
        json.loads("{")
    except json.JSONDecodeError as exc:
        assert translate(UnretryableError(exc), "Op").reason == "malformed"
