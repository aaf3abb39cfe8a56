"""The plan file at the edge: a path or YAML text -> `VersionPlan`, or `PlanError`.

Every problem is reported at once, each with file, line, column, path and expected versus
found. The parsed document is kept next to the plan so later checks (warnings) can point at
lines too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kubedrift.errors import PlanError
from kubedrift.model.plan import VersionPlan
from kubedrift.yamldoc import YamlDocument, parse_model, read_text

_WHAT = "a version plan starting with 'version: 1' and a list of 'groups'"


@dataclass(frozen=True, slots=True)
class PlanDocument:
    """A valid plan and the YAML positions of its parts."""

    plan: VersionPlan
    document: YamlDocument

    @property
    def file(self) -> str:
        return self.document.file


def parse_plan_document(text: str, file: str = "<plan>") -> PlanDocument:
    plan, document = parse_model(text, file=file, model=VersionPlan, error=PlanError, what=_WHAT)
    return PlanDocument(plan=plan, document=document)


def read_plan_document(path: str | Path) -> PlanDocument:
    return parse_plan_document(read_text(path, PlanError), str(path))


def parse_plan(text: str, file: str = "<plan>") -> VersionPlan:
    """YAML text -> `VersionPlan`; raises `PlanError` listing every problem."""
    return parse_plan_document(text, file).plan


def load_plan(path: str | Path) -> VersionPlan:
    """Read and validate a plan file; raises `PlanError` listing every problem."""
    return read_plan_document(path).plan
