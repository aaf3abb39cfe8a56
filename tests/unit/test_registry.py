from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kubedrift.registry import PluginImportError, Registry, UnknownPluginError


class Base:
    pass


@pytest.fixture
def plugin_dist(tmp_path: Path) -> Iterator[Path]:
    """A third-party plugin package installed on sys.path with a real entry point."""
    (tmp_path / "acme_plugin.py").write_text(
        "from tests.unit.test_registry import Base\n"
        "class AcmeCollector(Base):\n    pass\n"
        "class NotAPlugin:\n    pass\n"
    )
    dist = tmp_path / "acme_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[kubedrift.testfamily]\n"
        "acme = acme_plugin:AcmeCollector\n"
        "wrongbase = acme_plugin:NotAPlugin\n"
        "builtin = acme_plugin:AcmeCollector\n"
    )
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    sys.modules.pop("acme_plugin", None)


def test_builtin_is_imported_on_first_use() -> None:
    registry: Registry[object] = Registry("testfamily", {"ordered": "collections:OrderedDict"})
    from collections import OrderedDict

    assert registry.get("ordered") is OrderedDict
    assert "ordered" in registry


def test_unknown_name_lists_choices_and_suggests() -> None:
    registry: Registry[object] = Registry(
        "collectors", {"ack": "x:Y", "tke": "x:Y", "kubeconfig": "x:Y"}
    )
    with pytest.raises(UnknownPluginError) as info:
        registry.get("kubeconfg")
    message = str(info.value)
    assert "unknown collectors type 'kubeconfg'" in message
    assert "expected one of: ack, kubeconfig, tke" in message
    assert "did you mean 'kubeconfig'?" in message


def test_missing_sdk_names_the_extra() -> None:
    registry: Registry[object] = Registry(
        "collectors", {"ack": "kubedrift_no_such_module:AckCollector"}, extras={"ack": "ack"}
    )
    with pytest.raises(PluginImportError, match=r"pip install 'kubedrift\[ack\]'"):
        registry.get("ack")


def test_entry_points_extend_but_never_replace_builtins(plugin_dist: Path) -> None:
    registry: Registry[Base] = Registry(
        "testfamily", {"builtin": "tests.unit.test_registry:Base"}, base=Base
    )
    assert registry.names() == ["acme", "builtin", "wrongbase"]
    assert registry.get("acme").__name__ == "AcmeCollector"
    assert registry.get("builtin") is Base
    with pytest.raises(PluginImportError, match="is not a Base"):
        registry.get("wrongbase")


def test_path_without_class_is_rejected() -> None:
    registry: Registry[object] = Registry("testfamily", {"bad": "collections"})
    with pytest.raises(ValueError, match="expected 'module:Class'"):
        registry.get("bad")
