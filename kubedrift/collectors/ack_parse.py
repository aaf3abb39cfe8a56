"""Turn ACK API answers (plain JSON, as the SDK's models map them) into inventory parts.

Pure functions, no SDK and no I/O, so they are checked against plain dictionaries. A body
whose shape is wrong raises `MalformedAnswer`; a single value that cannot be read (a
version string ACK reports that we cannot parse, a pool without `node_components`) is
returned as None and named in the caller's `unknown` list instead: never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kubedrift.model.inventory import AddonKind, ClusterRef, NodePool
from kubedrift.model.support import Source, SupportDate, SupportWindow
from kubedrift.versions import KubeVersion
from kubedrift.versions import version_or_none as parse_version_or_none

METADATA_DOC = (
    "https://www.alibabacloud.com/help/en/ack/ack-managed-and-ack-dedicated/"
    "developer-reference/api-cs-2015-12-15-describekubernetesversionmetadata"
)


class MalformedAnswer(ValueError):  # noqa: N818 - an answer, not an error of ours
    """The provider answered with a body that does not have the documented shape."""


def _obj(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise MalformedAnswer(f"{what}: expected an object, found {type(value).__name__}")
    return value


def _list(value: Any, what: str) -> Sequence[Any]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise MalformedAnswer(f"{what}: expected a list, found {type(value).__name__}")
    return value


def text_or_none(value: Any) -> str | None:
    """A non-empty string, or None (ACK sends "" and null alike for "not set")."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def version_or_none(raw: Any) -> KubeVersion | None:
    return parse_version_or_none(text_or_none(raw))


# -- DescribeClustersV1 ---------------------------------------------------------------------


@dataclass(frozen=True)
class ClusterPage:
    clusters: tuple[Mapping[str, Any], ...]
    total_count: int | None


def cluster_page(body: Any) -> ClusterPage:
    data = _obj(body, "DescribeClustersV1")
    clusters = tuple(
        _obj(c, "DescribeClustersV1.clusters[]") for c in _list(data.get("clusters"), "clusters")
    )
    info = data.get("page_info")
    total = _obj(info, "page_info").get("total_count") if info is not None else None
    if total is not None and not isinstance(total, int):
        raise MalformedAnswer(f"page_info.total_count: expected an integer, found {total!r}")
    return ClusterPage(clusters=clusters, total_count=total)


def tags_of(cluster: Mapping[str, Any]) -> dict[str, str]:
    """ACK tags (`[{key, value}]`) as a label mapping; a tag without a value maps to ""."""
    found: dict[str, str] = {}
    for tag in _list(cluster.get("tags"), "tags"):
        key = text_or_none(_obj(tag, "tags[]").get("key"))
        if key is not None:
            value = tag.get("value")
            found[key] = value if isinstance(value, str) else ""
    return found


def cluster_ref(
    cluster: Mapping[str, Any], *, source: str, static_labels: Mapping[str, str]
) -> ClusterRef:
    cluster_id = text_or_none(cluster.get("cluster_id"))
    region = text_or_none(cluster.get("region_id"))
    if cluster_id is None or region is None:
        raise MalformedAnswer("a cluster without cluster_id or region_id")
    labels = tags_of(cluster)
    labels.update(static_labels)  # the settings file's labels win over cloud tags
    return ClusterRef(
        provider="ack",
        source=source,
        id=cluster_id,
        name=text_or_none(cluster.get("name")) or cluster_id,
        region=region,
        labels=labels,
    )


def cluster_detail(body: Any) -> Mapping[str, Any]:
    return _obj(body, "DescribeClusterDetail")


# -- DescribeClusterNodePools ---------------------------------------------------------------


def node_pool(pool: Mapping[str, Any]) -> tuple[NodePool, bool]:
    """One pool, and whether its kubelet version is known.

    The kubelet version is the `node_components[]` entry named `kubelet`; pools created
    before ACK reported components have none, and then the version is unknown.
    """
    info = _obj(pool.get("nodepool_info") or {}, "nodepool_info")
    pool_id = text_or_none(info.get("nodepool_id"))
    if pool_id is None:
        raise MalformedAnswer("a node pool without nodepool_info.nodepool_id")
    raw_kubelet: str | None = None
    for component in _list(pool.get("node_components"), "node_components"):
        if _obj(component, "node_components[]").get("name") == "kubelet":
            raw_kubelet = text_or_none(component.get("version"))
    kubelet = version_or_none(raw_kubelet)
    kube_config = _obj(pool.get("kubernetes_config") or {}, "kubernetes_config")
    scaling = _obj(pool.get("scaling_group") or {}, "scaling_group")
    status = _obj(pool.get("status") or {}, "status")
    total = status.get("total_nodes")
    count = total if isinstance(total, int) and total >= 0 else None
    return (
        NodePool(
            id=pool_id,
            name=text_or_none(info.get("name")) or pool_id,
            kubelet_version=kubelet,
            runtime=text_or_none(kube_config.get("runtime")),
            runtime_version=text_or_none(kube_config.get("runtime_version")),
            os_image=text_or_none(scaling.get("image_id")),
            node_count=count,
            versions_seen={raw_kubelet: count} if kubelet and raw_kubelet and count else {},
        ),
        kubelet is not None,
    )


def node_pools(body: Any) -> list[Mapping[str, Any]]:
    data = _obj(body, "DescribeClusterNodePools")
    return [_obj(p, "nodepools[]") for p in _list(data.get("nodepools"), "nodepools")]


# -- Add-ons --------------------------------------------------------------------------------

_KINDS: tuple[tuple[tuple[str, ...], AddonKind], ...] = (
    (("coredns", "nodelocaldns"), AddonKind.DNS),
    (("kube-proxy",), AddonKind.PROXY),
    (("terway", "flannel", "calico", "cilium"), AddonKind.CNI),
    (("csi-", "storage-operator"), AddonKind.CSI),
    (("ingress",), AddonKind.INGRESS),
    (("metrics-server", "ack-metrics"), AddonKind.METRICS),
)


def addon_kind(name: str) -> AddonKind:
    for needles, kind in _KINDS:
        if any(n in name for n in needles):
            return kind
    return AddonKind.OTHER


@dataclass(frozen=True)
class InstalledAddon:
    name: str
    version: str | None
    state: str | None


def installed_addons(body: Any) -> list[InstalledAddon]:
    data = _obj(body, "ListClusterAddonInstances")
    found = []
    for item in _list(data.get("addons"), "addons"):
        addon = _obj(item, "addons[]")
        name = text_or_none(addon.get("name"))
        if name is None:
            raise MalformedAnswer("an add-on instance without a name")
        found.append(
            InstalledAddon(
                name, text_or_none(addon.get("version")), text_or_none(addon.get("state"))
            )
        )
    return found


def newer_versions(body: Any) -> tuple[tuple[str, ...], bool]:
    """DescribeAddon: the versions newer than the installed one, and whether any is upgradable."""
    data = _obj(body, "DescribeAddon")
    versions: list[str] = []
    upgradable = False
    for item in _list(data.get("newer_versions"), "newer_versions"):
        entry = _obj(item, "newer_versions[]")
        version = text_or_none(entry.get("version"))
        if version is not None:
            versions.append(version)
            upgradable = upgradable or entry.get("upgradable") is True
    return tuple(versions), upgradable


# -- DescribeKubernetesVersionMetadata ------------------------------------------------------


def metadata_entries(body: Any) -> list[Mapping[str, Any]]:
    """The operation answers a bare JSON array (not an object)."""
    if not isinstance(body, list):
        raise MalformedAnswer(
            f"DescribeKubernetesVersionMetadata: expected an array, found {type(body).__name__}"
        )
    return [_obj(e, "DescribeKubernetesVersionMetadata[]") for e in body]


def offered_versions(entries: Iterable[Mapping[str, Any]]) -> tuple[KubeVersion, ...]:
    parsed = (version_or_none(e.get("version")) for e in entries)
    return tuple(sorted({v for v in parsed if v is not None}))


def upgradable_versions(
    entries: Sequence[Mapping[str, Any]], current: str
) -> tuple[KubeVersion, ...] | None:
    """`upgradable_versions` of the entry for `current`; None when ACK did not describe it."""
    for entry in entries:
        if text_or_none(entry.get("version")) == current:
            raw = _list(entry.get("upgradable_versions"), "upgradable_versions")
            parsed = (version_or_none(v) for v in raw)
            return tuple(sorted({v for v in parsed if v is not None}))
    return None


def _day(raw: Any) -> date | None:
    """ACK's ISO 8601 timestamps carry a zone; the day is taken in that zone, as published."""
    text = text_or_none(raw)
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None


def support_window(
    entries: Sequence[Mapping[str, Any]],
    current: KubeVersion,
    *,
    region: str,
    cluster_type: str,
    retrieved: date,
) -> SupportWindow | None:
    """The window of `current`'s minor from the entry for that minor (the exact patch first)."""
    same_minor = [
        (v, e)
        for e in entries
        if (v := version_or_none(e.get("version"))) is not None
        and (v.major, v.minor) == (current.major, current.minor)
    ]
    if not same_minor:
        return None
    exact = [pair for pair in same_minor if pair[0] == current]
    _, entry = exact[0] if exact else max(same_minor, key=lambda pair: pair[0])
    source = Source(
        id="ack-api",
        title=f"ACK DescribeKubernetesVersionMetadata ({region}, {cluster_type})",
        url=METADATA_DOC,
        retrieved=retrieved,
    )

    def dated(raw: Any, field: str) -> SupportDate:
        day = _day(raw)
        if day is None:
            return SupportDate(value=None, source=source, note=f"ACK sent no {field}")
        return SupportDate(value=day, source=source)

    try:
        return SupportWindow(
            provider="ack",
            minor=f"{current.major}.{current.minor}",
            released=dated(entry.get("release_date"), "release_date"),
            end_of_support=dated(entry.get("expiration_date"), "expiration_date"),
        )
    except ValueError as exc:  # dates out of order: ACK's data is wrong, do not trust it
        raise MalformedAnswer(f"support window of {current.raw}: {exc}") from exc
