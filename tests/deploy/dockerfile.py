"""Reading the Dockerfile: its stages, and the install steps tests run in place of Docker."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

from tests.deploy.manifests import ROOT

DOCKERFILE = ROOT / "Dockerfile"
INSTALL_SCRIPT = "deploy/docker/install.sh"


@dataclass
class Stage:
    image: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [argument for name, argument in self.instructions if name == keyword]


def stages(path: Path = DOCKERFILE) -> list[Stage]:
    """The Dockerfile's stages, continuation lines joined and comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    assert not pending, "the Dockerfile ends with a continuation"
    result: list[Stage] = []
    for line in logical:
        keyword, _, argument = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            words = argument.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            result.append(Stage(words[0], name))
        elif result:
            result[-1].instructions.append((keyword, argument.strip()))
    return result


def script_calls(stage: Stage, command: str) -> list[list[str]]:
    """Arguments of each `install.sh COMMAND ...` call in the stage's RUN instructions."""
    calls = []
    for run in stage.all("RUN"):
        words = shlex.split(run)
        for index, word in enumerate(words):
            if word.endswith("install.sh") and words[index + 1 : index + 2] == [command]:
                calls.append(words[index + 2 : index + 4])
    return calls
