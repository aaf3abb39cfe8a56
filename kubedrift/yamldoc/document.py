"""One YAML document as plain values plus, for each value's path, where it sits in the file
and how it was written there (`Node`). Duplicate keys, unmergeable `<<` values and values
YAML cannot construct (an impossible date) are problems; alias expansion is bounded."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import yaml

from kubedrift.errors import Problem
from kubedrift.yamldoc.paths import Path, format_path
from kubedrift.yamldoc.syntax import reader_problem, syntax_problem, tab_problems

_MERGE_TAG = "tag:yaml.org,2002:merge"
_TAG_PREFIX = "tag:yaml.org,2002:"
_MAX_NODES = 200_000  # bounds alias expansion ("billion laughs") in a hand-written file


@dataclass(frozen=True, slots=True)
class Node:
    """Where a value sits in the file (1-based) and how it was written there."""

    line: int
    column: int
    kind: Literal["scalar", "mapping", "sequence"]
    tag: str
    text: str | None = None
    quoted: bool = False
    key_line: int | None = None
    key_column: int | None = None


@dataclass(frozen=True, slots=True)
class YamlDocument:
    """The values of one YAML document and the location of each of them."""

    file: str
    data: object
    nodes: Mapping[Path, Node]
    unreadable: frozenset[Path] = frozenset()
    """Values already reported as unreadable (an impossible date); not reported again."""

    def locate(self, path: Path) -> tuple[Path, Node | None]:
        """The deepest prefix of `path` present in the file, and its node."""
        for end in range(len(path), -1, -1):
            node = self.nodes.get(path[:end])
            if node is not None:
                return path[:end], node
        return (), None


class _TooLargeError(Exception):
    pass


class _Builder:
    """Turns a composed node tree into plain values, recording each node's position."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.nodes: dict[Path, Node] = {}
        self.problems: list[Problem] = []
        self.unreadable: set[Path] = set()
        self._constructor = yaml.SafeLoader("")
        self._visited = 0

    def build(self, node: yaml.Node, path: Path, key: yaml.Node | None = None) -> object:
        self._visited += 1
        if self._visited > _MAX_NODES:
            raise _TooLargeError
        tag = node.tag.removeprefix(_TAG_PREFIX)
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        key_line = key.start_mark.line + 1 if key is not None else None
        key_column = key.start_mark.column + 1 if key is not None else None
        if isinstance(node, yaml.MappingNode):
            self.nodes[path] = Node(line, column, "mapping", tag, None, False, key_line, key_column)
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            self.nodes[path] = Node(
                line, column, "sequence", tag, None, False, key_line, key_column
            )
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        quoted = node.style is not None
        self.nodes[path] = Node(
            line, column, "scalar", tag, str(node.value), quoted, key_line, key_column
        )
        return self._scalar(node, path)

    def _scalar(self, node: yaml.ScalarNode, path: Path) -> object:
        try:
            return self._constructor.construct_object(node)
        except (yaml.YAMLError, ValueError) as exc:
            # A timestamp-looking value that is not a real date (2027-02-30), an unknown tag.
            detail = exc.problem if isinstance(exc, yaml.MarkedYAMLError) else str(exc)
            what = "a real date" if node.tag.endswith(":timestamp") else "a value YAML can read"
            self._problem(node, path, f"expected {what}, found {node.value}: {detail}")
            self.unreadable.add(path)
            return node.value

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, object]:
        result: dict[str, object] = {}
        first_seen: dict[str, int] = {}
        merged: list[tuple[yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                sources = (
                    value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                )
                for source in sources:
                    if isinstance(source, yaml.MappingNode):
                        merged.extend(source.value)
                    else:
                        self._problem(source, path, "expected a mapping to merge with '<<'")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_node, path, "expected a plain key, found a mapping or list")
                continue
            # Keys are names: `yes:` or `1.30:` mean the text written, not a bool or a float.
            key = str(key_node.value)
            if key in first_seen:
                self._problem(
                    key_node,
                    (*path, key),
                    f"duplicate key {key!r} (first defined on line {first_seen[key]})",
                )
                continue
            first_seen[key] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, (*path, key), key_node)
        for key_node, value_node in merged:
            key = str(key_node.value)
            if key not in result:
                result[key] = self.build(value_node, (*path, key), key_node)
        return result

    def _problem(self, node: yaml.Node, path: Path, message: str) -> None:
        self.problems.append(
            Problem(
                file=self.file,
                path=format_path(path),
                message=message,
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
            )
        )


def load_document(text: str, file: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one YAML document; `None` when the text is not YAML at all."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        return None, tab_problems(text, file) or [syntax_problem(exc, file)]
    except yaml.reader.ReaderError as exc:
        return None, [reader_problem(exc, text, file)]
    except yaml.YAMLError as exc:  # pragma: no cover - PyYAML marks every other parse error
        return None, [Problem(file=file, path="", message=f"invalid YAML: {exc}")]
    if root is None:
        return YamlDocument(file=file, data=None, nodes={}), []
    builder = _Builder(file)
    try:
        data = builder.build(root, ())
    except _TooLargeError:
        message = f"the document expands to more than {_MAX_NODES} values (aliases?)"
        return None, [Problem(file=file, path="", message=message, line=1, column=1)]
    document = YamlDocument(
        file=file, data=data, nodes=builder.nodes, unreadable=frozenset(builder.unreadable)
    )
    return document, builder.problems
