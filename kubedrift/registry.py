"""Name -> plugin look-up for the four plugin families, imported on first use.

Built-in plugins are listed as dotted paths (`"kubedrift.collectors.ack:AckCollector"`) so
that nothing is imported until a settings file names it: the CLI starts fast and a missing
cloud SDK only hurts the source that needs it. Third-party plugins register through the
entry-point group `kubedrift.<family>` in their own package metadata.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Iterator, Mapping
from importlib.metadata import entry_points
from typing import Generic, TypeVar

from kubedrift.errors import ConfigurationError, KubedriftError

P = TypeVar("P")


class UnknownPluginError(ConfigurationError):
    """The settings file names a plugin type that is not registered."""


class PluginImportError(KubedriftError):
    """A registered plugin could not be imported (most often: its optional extra is missing)."""


class Registry(Generic[P]):
    """Plugins of one family, by the name the settings file uses in `type:`.

    `extras` maps a plugin name to the pip extra that installs its SDK, so an import
    failure can say how to fix it.
    """

    def __init__(
        self,
        family: str,
        builtins: Mapping[str, str],
        *,
        base: type[P] | None = None,
        extras: Mapping[str, str] | None = None,
    ) -> None:
        self.family = family
        self._paths = dict(builtins)
        self._builtins = tuple(sorted(builtins))
        self._base = base
        self._extras = dict(extras or {})
        self._loaded: dict[str, type[P]] = {}
        self._entry_points_read = False

    def names(self) -> list[str]:
        self._read_entry_points()
        return sorted(self._paths)

    def builtin_names(self) -> list[str]:
        """The plugins kubedrift itself ships, without any entry-point plugin."""
        return list(self._builtins)

    def __contains__(self, name: object) -> bool:
        self._read_entry_points()
        return name in self._paths

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def get(self, name: str) -> type[P]:
        """The plugin class registered as `name`, importing it on first use."""
        if name in self._loaded:
            return self._loaded[name]
        self._read_entry_points()
        try:
            path = self._paths[name]
        except KeyError:
            raise UnknownPluginError(self._unknown_message(name)) from None
        plugin = self._import(name, path)
        self._loaded[name] = plugin
        return plugin

    def _import(self, name: str, path: str) -> type[P]:
        module_name, _, attribute = path.partition(":")
        if not attribute:
            raise ValueError(f"{self.family} {name!r}: expected 'module:Class', found {path!r}")
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            hint = ""
            if name in self._extras:
                hint = f"; install it with: pip install 'kubedrift[{self._extras[name]}]'"
            raise PluginImportError(
                f"{self.family} {name!r} could not be imported ({exc}){hint}"
            ) from exc
        plugin: object = getattr(module, attribute, None)
        if not isinstance(plugin, type):
            raise PluginImportError(f"{self.family} {name!r}: {path} is not a class")
        if self._base is not None and not issubclass(plugin, self._base):
            raise PluginImportError(
                f"{self.family} {name!r}: {path} is not a {self._base.__name__}"
            )
        return plugin

    def _unknown_message(self, name: str) -> str:
        known = self.names()
        message = f"unknown {self.family} type {name!r}; expected one of: {', '.join(known)}"
        close = difflib.get_close_matches(name, known, n=1)
        if close:
            message += f" (did you mean {close[0]!r}?)"
        return message

    def _read_entry_points(self) -> None:
        if self._entry_points_read:
            return
        self._entry_points_read = True
        for entry in entry_points(group=f"kubedrift.{self.family}"):
            # Built-ins win: a third-party package cannot silently replace `ack`.
            self._paths.setdefault(entry.name, entry.value)
