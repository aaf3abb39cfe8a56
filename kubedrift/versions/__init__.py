"""Kubernetes versions, Helm-compatible constraints and control-plane upgrade paths.

Pure and self-contained: imports nothing else of kubedrift, no SDK, no I/O. See docs/versions.md.
"""

from __future__ import annotations

from kubedrift.versions.constraints import Constraint, parse_constraint
from kubedrift.versions.errors import InvalidConstraint, InvalidUpgradePath, InvalidVersion
from kubedrift.versions.matching import admits, satisfies
from kubedrift.versions.minor import MinorVersion
from kubedrift.versions.parse import KubeVersion, Provider, parse_version, version_or_none
from kubedrift.versions.steps import minor_steps

__all__ = [
    "Constraint",
    "InvalidConstraint",
    "InvalidUpgradePath",
    "InvalidVersion",
    "KubeVersion",
    "MinorVersion",
    "Provider",
    "admits",
    "minor_steps",
    "parse_constraint",
    "parse_version",
    "satisfies",
    "version_or_none",
]
