"""docs/configuration.md is generated from the settings and plan models and kept current."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel, Field

from kubedrift.configref import COMMAND, configuration_reference, model_tables, type_text
from kubedrift.daemon.config import Seconds, StoreSettings
from kubedrift.errors import SettingsError
from kubedrift.settings import parse_settings

PAGE = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_docs_configuration_md_is_current() -> None:
    assert PAGE.read_text(encoding="utf-8") == configuration_reference(), (
        f"docs/configuration.md is out of date: run `{COMMAND}`"
    )


def test_every_key_is_described() -> None:
    section, undescribed = "", []
    for line in configuration_reference().splitlines():
        if line.startswith("#"):
            section = line.lstrip("# ")
        elif line.startswith("| `") and line.rstrip().endswith("|  |"):
            undescribed.append(f"{section}: {line.split('`')[1]}")
    assert undescribed == [], "add Field(description=...) to: " + ", ".join(undescribed)


@pytest.mark.parametrize(
    ("annotation", "text"),
    [
        (str, "string"),
        (int | None, "integer, optional"),
        (tuple[str, ...], "list of string"),
        (dict[str, list[str]], "map of string to list of string"),
        (Literal["a", "b"], 'one of "a", "b"'),
        (Seconds | None, "duration, optional"),
        (Path, "path"),
    ],
)
def test_type_text_names_types_for_readers(annotation: object, text: str) -> None:
    assert type_text(annotation) == text


class _Leaf(BaseModel):
    depth: int = Field(default=1, description="how deep")


class _Root(BaseModel):
    """A root for the walker."""

    leaves: tuple[_Leaf, ...] = ()
    by_name: dict[str, _Leaf] = Field(default_factory=dict)
    wait: Seconds = 5.0


def test_nested_models_get_their_own_table_under_their_path() -> None:
    text = "\n".join(model_tables(_Root, "", 3))
    assert "#### `leaves[]`" in text
    assert "#### `by_name.<name>`" in text
    assert "| `depth` | integer | `1` | how deep |" in text
    assert "| `wait` | duration | `5.0` |" in text


_MINIMAL = "sources:\n  - name: sim\n    type: simulated\n"


def test_store_url_env_reads_the_url_from_the_environment() -> None:
    settings = parse_settings(_MINIMAL + "store:\n  url_env: KUBEDRIFT_STORE_URL\n")
    url = "postgresql://kubedrift:s3cret@db:5432/kubedrift"
    assert settings.store.resolve_url({"KUBEDRIFT_STORE_URL": url}) == url
    assert StoreSettings().resolve_url({}) == "sqlite:///kubedrift.sqlite"


def test_store_url_env_unset_is_a_clear_error() -> None:
    settings = parse_settings(_MINIMAL + "store:\n  url_env: KUBEDRIFT_STORE_URL\n")
    with pytest.raises(SettingsError) as caught:
        settings.store.resolve_url({})
    assert "store.url_env" in str(caught.value)
    assert "KUBEDRIFT_STORE_URL" in str(caught.value)


def test_store_url_and_url_env_together_are_refused() -> None:
    text = _MINIMAL + "store:\n  url: sqlite:///x.sqlite\n  url_env: KUBEDRIFT_STORE_URL\n"
    with pytest.raises(SettingsError) as caught:
        parse_settings(text, "kubedrift.yaml")
    assert "kubedrift.yaml" in str(caught.value)
    assert "url or url_env, not both" in str(caught.value)
