"""Add-on compatibility facts, and the class of an add-on at one step.

Owns: the packaged table `data/addon_compat.yaml`, the one table the rules
(`kubedrift.policies.compat`) and the upgrade-path planner read (the CoreDNS version kubeadm
installs per Kubernetes minor, kube-proxy following the control plane, tested ranges where an
add-on project publishes them, and how a provider packages an upstream add-on), each fact
with its source. `kubedrift.policies.addon_classify.classify_addon` reads it to say whether a
step to a Kubernetes minor requires, recommends or does not need an add-on upgrade.

Add-on identity is provider-aware: a provider's own packaging of an upstream add-on (ACK's
`nginx-ingress-controller` `v1.10.4-aliyun.1`, TKE's `nginx-ingress` add-on) is judged by the
upstream tables only when its version maps to an upstream one; a provider's own catalogue
versions get "no compatibility data", never "incompatible".

kube-proxy's class depends on the skew policy and the node pools, so the planner decides it
(`kubedrift.policies.upgrade_path`); this module only names its rule and source. Where the
data says nothing, the reason says "no compatibility data": unknown is never compatible.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any, Literal

from pydantic import Field, model_validator

from kubedrift.model.base import Frozen
from kubedrift.policies.addon_versions import upstream_text
from kubedrift.versions import MinorVersion, parse_constraint
from kubedrift.yamldoc import load_document


class CompatSource(Frozen):
    title: str
    url: str
    retrieved: date
    snapshot: str | None = None


class KubeadmVersions(Frozen):
    source: str
    versions: dict[str, str]


class TestedRange(Frozen):
    versions: str
    kubernetes: tuple[str, ...]
    source: str


class FollowsControlPlane(Frozen):
    source: str


class ProviderPackaging(Frozen):
    """How one provider packages an upstream add-on, and whether its versions are upstream's.

    `upstream`: the provider's version maps to the upstream one, through `match` (a regular
    expression the whole version must match, its first group the upstream version) or, without
    `match`, through its leading numbers. `own`: the provider versions the add-on in its own
    catalogue, so no upstream table applies.
    """

    names: tuple[str, ...] = Field(min_length=1)
    versions: Literal["upstream", "own"]
    match: str | None = None
    reason: str = Field(min_length=1)
    source: str

    @model_validator(mode="after")
    def _pattern(self) -> ProviderPackaging:
        if self.match is not None:
            if self.versions == "own":
                raise ValueError("`match` maps to upstream versions: not with `versions: own`")
            if re.compile(self.match).groups < 1:
                raise ValueError(f"`match` {self.match!r} has no group for the upstream version")
        return self

    def upstream(self, raw: str | None) -> str | None:
        """The upstream version `raw` stands for, or None when it maps to none."""
        if raw is None or self.versions == "own":
            return None
        if self.match is None:
            return upstream_text(raw)
        found = re.fullmatch(self.match, raw.strip())
        return None if found is None else upstream_text(found.group(1))


class AddonFacts(Frozen):
    kind: str = "other"
    names: tuple[str, ...] = ()
    kubeadm: KubeadmVersions | None = None
    tested: tuple[TestedRange, ...] = ()
    follows_control_plane: FollowsControlPlane | None = None
    providers: dict[str, ProviderPackaging] = Field(default_factory=dict)


class AddonCompat(Frozen):
    """The whole table, checked: every `source:` is listed, every constraint parses."""

    schema_version: int = Field(default=1, alias="schema")
    sources: dict[str, CompatSource] = Field(default_factory=dict)
    addons: dict[str, AddonFacts] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> AddonCompat:
        used: list[str] = []
        owner: dict[str, str] = {}
        for name, facts in self.addons.items():
            for alias in dict.fromkeys((name, *facts.names)):
                if owner.setdefault(alias, name) != name:
                    raise ValueError(f"name {alias!r} is given to {owner[alias]} and {name}")
            for provider, packaging in facts.providers.items():
                used.append(packaging.source)
                stray = [n for n in packaging.names if n != name and n not in facts.names]
                if stray:
                    raise ValueError(
                        f"{name}: {provider}'s name(s) {', '.join(stray)} are not among its names"
                    )
            used += [t.source for t in facts.tested]
            if facts.kubeadm is not None:
                used.append(facts.kubeadm.source)
                for minor in facts.kubeadm.versions:
                    MinorVersion.parse(minor)
            if facts.follows_control_plane is not None:
                used.append(facts.follows_control_plane.source)
            for tested in facts.tested:
                parse_constraint(tested.versions)
        missing = sorted({s for s in used if s not in self.sources})
        if missing:
            raise ValueError(f"unknown source id(s): {', '.join(missing)}")
        return self

    @cached_property
    def _names(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for name, facts in self.addons.items():
            table[name] = name
            for alias in facts.names:
                table.setdefault(alias, name)
        return table

    def canonical(self, name: str) -> str:
        """The table's name for a workload / provider name (`kube-proxy-worker` -> kube-proxy)."""
        return self._names.get(name, name)

    def facts(self, name: str) -> AddonFacts | None:
        return self.addons.get(self.canonical(name))

    def packaging(self, name: str, provider: str | None) -> ProviderPackaging | None:
        """`provider`'s own packaging of the add-on named `name`, when the table describes it."""
        facts = self.facts(name)
        if facts is None or provider is None:
            return None
        found = facts.providers.get(provider)
        return found if found is not None and name in found.names else None

    def cite(self, source_id: str) -> str:
        found = self.sources.get(source_id)
        return source_id if found is None else f"{found.title} <{found.url}>"


PACKAGED_FILE = "addon_compat.yaml"


def merge_addon_tables(*tables: Mapping[str, Any]) -> AddonCompat:
    """One `AddonCompat` from several tables; an add-on or source id given twice is an error."""
    sources: dict[str, Any] = {}
    addons: dict[str, Any] = {}
    for table in tables:
        for kind, into in (("sources", sources), ("addons", addons)):
            for key, value in (table.get(kind) or {}).items():
                if key in into:
                    raise ValueError(f"add-on data: {kind[:-1]} {key!r} is described twice")
                into[key] = value
    return AddonCompat.model_validate({"schema": 1, "sources": sources, "addons": addons})


def parse_addon_table(text: str, file: str = PACKAGED_FILE) -> AddonCompat:
    """The table in `text`; a key written twice (one fact given twice) is an error."""
    document, problems = load_document(text, f"kubedrift/policies/data/{file}")
    if problems:
        raise ValueError("; ".join(p.render() for p in problems))
    if document is None or not isinstance(document.data, dict):
        raise ValueError(f"kubedrift/policies/data/{file}: expected a mapping")
    return AddonCompat.model_validate(document.data)


@lru_cache(maxsize=1)
def load_addon_compat() -> AddonCompat:
    """The packaged table, read once per process (package data, the same for every run)."""
    text = resources.files("kubedrift.policies").joinpath("data", PACKAGED_FILE).read_text("utf-8")
    return parse_addon_table(text)
