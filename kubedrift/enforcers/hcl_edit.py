"""Find the Terraform that pins one component of one cluster, and splice in a new version.

Which resource: the cluster resource of the provider (`alicloud_cs_managed_kubernetes`,
`tencentcloud_kubernetes_cluster`, `aws_eks_cluster`) whose name attribute equals the
cluster's name or id, or the address an explicit mapping gives; node pools and add-ons are
the resources of their type whose `cluster_id` / `cluster_name` points at that cluster
resource and whose own name matches (reference/cloud-apis.md, "Terraform resources the
enforcer edits"). Where: `hcl_tree.Workspace.resolve` follows the version to its literal.
How: the original text is spliced at the literal's offsets, so comments, alignment and
everything else stay byte for byte; the result is re-parsed and re-resolved to check it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from kubedrift.enforcers.hcl_tree import (
    Attribute,
    Block,
    HclEditError,
    Module,
    Site,
    Workspace,
    parse_file,
)

# (resource type, version attribute, name attributes) per provider and component kind.
Spec = tuple[str, str, tuple[str, ...]]
CLUSTERS: Mapping[str, tuple[Spec, ...]] = {
    "ack": (
        ("alicloud_cs_managed_kubernetes", "version", ("name",)),
        ("alicloud_cs_kubernetes", "version", ("name",)),
    ),
    "tke": (("tencentcloud_kubernetes_cluster", "cluster_version", ("cluster_name",)),),
    "eks": (("aws_eks_cluster", "version", ("name",)),),
}
NODE_POOLS: Mapping[str, Spec] = {
    "ack": ("alicloud_cs_kubernetes_node_pool", "kubernetes_version", ("node_pool_name", "name")),
    "eks": ("aws_eks_node_group", "version", ("node_group_name",)),
}
ADDONS: Mapping[str, Spec] = {
    "ack": ("alicloud_cs_kubernetes_addon", "version", ("name",)),
    "tke": ("tencentcloud_kubernetes_addon", "addon_version", ("addon_name",)),
    "eks": ("aws_eks_addon", "addon_version", ("addon_name",)),
}
_LINKS = ("cluster_id", "cluster_name")
_POOL = "node-pool/"
# A version is written inside quotes as is: refuse anything that could end the string or
# start an interpolation.
_SAFE_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+_-]*$")


@dataclass(frozen=True)
class Located:
    """The resource that pins a component and where its version is really set."""

    address: str
    attribute: str
    site: Site


@dataclass(frozen=True)
class Edit:
    located: Located
    new_value: str
    path: Path
    before: str
    after: str

    def diff(self, root: Path) -> str:
        name = str(self.path.relative_to(root.resolve()))
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True),
            self.after.splitlines(keepends=True),
            fromfile=f"a/{name}",
            tofile=f"b/{name}",
        )
        return "".join(lines)


def _address(module: Module, block: Block) -> str:
    return ".".join(p for p in (module.address, *block.labels[:2]) if p)


def _named(ws: Workspace, module: Module, block: Block, attrs: tuple[str, ...]) -> set[str]:
    names: set[str] = set()
    for attr in attrs:
        if attr in block.attributes:
            try:
                names.add(ws.resolve(module, block.attributes[attr]).value)
            except HclEditError:
                continue  # a computed name cannot match; other resources may
    return names


def _find_cluster(
    ws: Workspace, provider: str, names: set[str], address: str | None
) -> tuple[Module, Block, str]:
    specs = CLUSTERS.get(provider)
    if specs is None:
        raise HclEditError(f"no Terraform resource is known for provider {provider!r}")
    found: list[tuple[Module, Block, str]] = []
    for module in ws.modules:
        for rtype, attr, name_attrs in specs:
            for block in module.find("resource", rtype):
                if address is not None:
                    if _address(module, block) == address:
                        found.append((module, block, attr))
                elif _named(ws, module, block, name_attrs) & names:
                    found.append((module, block, attr))
    if not found:
        how = f"at {address}" if address else f"named {' or '.join(sorted(names))}"
        raise HclEditError(f"no {provider} cluster resource {how} under {ws.root}")
    if len(found) > 1:
        where = ", ".join(_address(m, b) for m, b, _ in found)
        raise HclEditError(f"several cluster resources match ({where}); map one explicitly")
    return found[0]


def locate(
    ws: Workspace,
    provider: str,
    cluster_names: set[str],
    component: str,
    *,
    address: str | None = None,
) -> Located:
    """The resource and literal that pin `component` ("control-plane", "node-pool/<id>",
    or an add-on name) of the cluster called any of `cluster_names` (or at `address`)."""
    module, cluster, attr = _find_cluster(ws, provider, cluster_names, address)
    target: tuple[Module, Block, str] = (module, cluster, attr)
    if component != "control-plane":
        pool = component.removeprefix(_POOL) if component.startswith(_POOL) else None
        table = NODE_POOLS if pool is not None else ADDONS
        if provider not in table:
            raise HclEditError(f"{provider}: {component} is not pinned in Terraform")
        rtype, attr, name_attrs = table[provider]
        wanted = {pool} if pool is not None else {component}
        link = f"{'.'.join(cluster.labels[:2])}."
        cluster_ids = _named(ws, module, cluster, ("name", "cluster_name")) | cluster_names
        matches = [
            (module, block, attr)
            for block in module.find("resource", rtype)
            if _linked(ws, module, block, link, cluster_ids)
            and _named(ws, module, block, name_attrs) & wanted
        ]
        if len(matches) != 1:
            raise HclEditError(
                f"{len(matches)} {rtype} resources for {component} of {_address(module, cluster)}"
            )
        target = matches[0]
    module, block, attr = target
    if attr not in block.attributes:
        raise HclEditError(f"{_address(module, block)} sets no {attr}: nothing to edit")
    site = ws.resolve(module, block.attributes[attr])
    _refuse_shared(ws, site, (module, block))
    return Located(_address(module, block), attr, site)


def _linked(ws: Workspace, module: Module, block: Block, link: str, ids: set[str]) -> bool:
    for name in _LINKS:
        attr = block.attributes.get(name)
        if attr is None:
            continue
        if attr.text.startswith(link):
            return True
        if _named(ws, module, block, (name,)) & ids:
            return True
    return False


def _refuse_shared(ws: Workspace, site: Site, owner: tuple[Module, Block]) -> None:
    """Editing a value that also sets another resource's version would move both."""
    specs = [s for group in CLUSTERS.values() for s in group]
    specs += [*NODE_POOLS.values(), *ADDONS.values()]
    for module in ws.modules:
        for rtype, attr, _ in specs:
            for block in module.find("resource", rtype):
                if (module, block) == owner or attr not in block.attributes:
                    continue
                try:
                    other = ws.resolve(module, block.attributes[attr])
                except HclEditError:
                    continue
                if (other.path, other.start) == (site.path, site.start):
                    raise HclEditError(
                        f"{site.trail[-1]} also sets {_address(module, block)}.{attr}; "
                        "give each cluster its own value to let kubedrift propose changes"
                    )


def splice(ws: Workspace, located: Located, new_value: str) -> Edit:
    """The file with the literal replaced; verified by re-parsing and re-resolving."""
    if not _SAFE_VALUE.match(new_value):
        raise HclEditError(f"refusing to write {new_value!r}: not a plain version string")
    site = located.site
    before = site.path.read_text(encoding="utf-8")
    if before[site.start : site.end] != f'"{site.value}"':
        raise HclEditError(f"{site.path} changed while it was being edited")
    after = f'{before[: site.start]}"{new_value}"{before[site.end :]}'
    parse_file(site.path, after)  # still HCL
    return Edit(located, new_value, site.path, before, after)


def verify(
    ws: Workspace,
    edit: Edit,
    provider: str,
    names: set[str],
    component: str,
    *,
    address: str | None = None,
) -> None:
    """Re-read the workspace with the edit in place: the same chain must give the new value."""
    again = Workspace(
        ws.root, var_files=[f.path for f in ws.var_files], overrides={edit.path: edit.after}
    )
    found = locate(again, provider, names, component, address=address)
    if found.site.value != edit.new_value or found.site.path != edit.path:
        raise HclEditError(
            f"after the edit {found.address}.{found.attribute} resolves to "
            f"{found.site.value!r} in {found.site.path}, not {edit.new_value!r}"
        )


__all__ = ["Attribute", "Edit", "HclEditError", "Located", "locate", "splice", "verify"]
