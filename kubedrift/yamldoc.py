"""YAML files that remember where every value came from, and errors that point back at them.

`load_document` parses one YAML document into plain values plus a map from each value's path
(`("groups", 2, "target")`) to its line, column and source text, so that a later validation
error can name `plan.yaml:12:5` and say what the user actually wrote (`1.30`, not `1.3`).
Duplicate keys are errors. `parse_model` runs the whole edge: text -> YAML -> pydantic model,
or an `InvalidFileError` carrying every problem at once. The plan file and the settings file
both load through here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path as FilePath
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from kubedrift.errors import InvalidFileError, Problem
from kubedrift.validation_messages import describe_error

Path = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)

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
        return None, _tab_problems(text, file) or [_syntax_problem(exc, file)]
    except yaml.reader.ReaderError as exc:
        return None, [_reader_problem(exc, text, file)]
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


def _reader_problem(exc: yaml.reader.ReaderError, text: str, file: str) -> Problem:
    """A character YAML does not allow (a control character, say): PyYAML gives only its
    offset, so the line and column are counted here."""
    before = text[: exc.position]
    line = before.count("\n") + 1
    column = exc.position - (before.rfind("\n") + 1) + 1
    character = exc.character if isinstance(exc.character, str) else chr(exc.character)
    message = f"invalid YAML: the character U+{ord(character):04X} is not allowed in YAML"
    return Problem(file=file, path="", message=message, line=line, column=column)


def _tab_problems(text: str, file: str) -> list[Problem]:
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(
                Problem(
                    file=file,
                    path="",
                    message="a tab in the indentation: YAML indents with spaces only",
                    line=number,
                    column=indent.index("\t") + 1,
                )
            )
    return problems


_HINTS = (
    ("expected <block end>", "check the indentation of this line against the lines above"),
    (
        "mapping values are not allowed here",
        "a ':' where a value was expected; quote the "
        "value if it contains ': ', or check the indentation",
    ),
    ("could not find expected ':'", "a key without ':', or a line indented under a plain value"),
    ("found character '\\t'", "a tab: YAML indents with spaces only"),
)


def _syntax_problem(exc: yaml.MarkedYAMLError, file: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    detail = " ".join(part for part in (exc.context, exc.problem) if part)
    message = f"invalid YAML: {detail}" if detail else "invalid YAML"
    for needle, hint in _HINTS:
        if needle in detail:
            message += f" ({hint})"
            break
    return Problem(
        file=file,
        path="",
        message=message,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
    )


_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


_PATH_PART = re.compile(r'\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\.?([A-Za-z_][A-Za-z0-9_-]*)')


def parse_path(text: str) -> Path:
    """The inverse of `format_path`, for the paths it writes: `groups[2].target` -> parts."""
    parts: list[str | int] = []
    for index, quoted, plain in _PATH_PART.findall(text):
        parts.append(int(index) if index else quoted or plain)
    return tuple(parts)


def located(problems: Sequence[Problem], document: YamlDocument | None) -> list[Problem]:
    """`problems` with a line each: one found after parsing (a cross-field check) takes the
    line of the deepest part of its path that the file holds (line 1 when none)."""
    out = []
    for problem in problems:
        if problem.line is not None:
            out.append(problem)
            continue
        node = document.locate(parse_path(problem.path))[1] if document else None
        line, column = (node.line, node.column) if node else (1, 1)
        out.append(replace(problem, line=line, column=column))
    return out


def format_path(path: Path) -> str:
    """`("groups", 2, "target")` -> `groups[2].target`; odd keys as `labels["app.io/x"]`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]".replace("'", '"')
    return out


def problems_from_validation_error(
    error: ValidationError, document: YamlDocument, model: type[BaseModel]
) -> list[Problem]:
    """One `Problem` per pydantic error: located, with a path and expected versus found."""
    details = error.errors(include_url=False)
    for detail in details:
        detail["loc"] = _without_tags(tuple(detail["loc"]), document.data)
    locs = [tuple(detail["loc"]) for detail in details]
    problems = []
    for detail, loc in zip(details, locs, strict=True):
        if any(loc[: len(bad)] == bad for bad in document.unreadable):
            continue
        # A list whose every item failed is also "too short"; the item errors say it better.
        if detail["type"] == "too_short" and any(
            len(other) > len(loc) and other[: len(loc)] == loc for other in locs
        ):
            continue
        found_path, node = document.locate(loc)
        kind = detail["type"]
        if kind == "missing":
            shown = found_path + loc[len(found_path) : len(found_path) + 1]
        else:
            shown = found_path
        line, column = (node.line, node.column) if node else (None, None)
        # An unknown key, or a key with nothing after it, is best shown at the key itself.
        at_key = kind == "extra_forbidden" or (node is not None and node.text == "")
        if at_key and node is not None and node.key_line is not None:
            line, column = node.key_line, node.key_column
        problems.append(
            Problem(
                file=document.file,
                path=format_path(shown),
                message=describe_error(detail, node, model),
                line=line,
                column=column,
            )
        )
    return problems


def _without_tags(loc: Path, data: object) -> Path:
    """`loc` without the `type:` tags a discriminated union inserts (`sinks[0].slack.x`), so
    that it is a path in the file (`sinks[0].x`)."""
    out: list[str | int] = []
    for part in loc:
        if isinstance(data, dict) and part not in data and data.get("type") == part:
            continue
        out.append(part)
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            data = None
    return tuple(out)


def parse_model(
    text: str,
    *,
    file: str,
    model: type[M],
    error: type[InvalidFileError],
    what: str,
) -> tuple[M, YamlDocument]:
    """Text -> validated `model`, or `error` with every problem found, in file order.

    `what` names the document in messages about its shape ("a version plan").
    """
    document, problems = load_document(text, file)
    if document is None:
        raise error(problems)
    if document.data is None:
        message = f"the file is empty: expected {what}"
        raise error([Problem(file=file, path="", message=message, line=1, column=1)])
    if not isinstance(document.data, dict):
        node = document.nodes.get(())
        found = "a list" if isinstance(document.data, list) else repr(document.data)
        raise error(
            [
                Problem(
                    file=file,
                    path="",
                    message=f"expected {what} (a mapping of keys) at the top level, found {found}",
                    line=node.line if node else None,
                    column=node.column if node else None,
                )
            ]
        )
    try:
        value = model.model_validate(document.data)
    except ValidationError as exc:
        problems.extend(problems_from_validation_error(exc, document, model))
    if problems:
        raise error(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    return value, document


def read_text(path: str | FilePath, error: type[InvalidFileError]) -> str:
    """The UTF-8 text of `path` (a BOM is dropped), or `error` saying why it cannot be read."""
    file = str(path)
    try:
        raw = FilePath(path).read_bytes()
    except OSError as exc:
        message = f"cannot read: {exc.strerror or exc}"
        raise error([Problem(file=file, path="", message=message)]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = f"not UTF-8 text: byte {raw[exc.start]:#04x} at offset {exc.start}"
        raise error([Problem(file=file, path="", message=message)]) from None


def unknown_type_problems(
    document: YamlDocument, section: str, types: list[object], known: list[str]
) -> list[Problem]:
    """A problem per `<section>[i].type` naming none of `known` (sources, notifiers,
    enforcers: each entry's `type:` picks the model that validates it)."""
    problems = []
    for index, name in enumerate(types):
        if isinstance(name, str) and name not in known:
            node = document.nodes.get((section, index, "type"))
            problems.append(
                Problem(
                    document.file,
                    f"{section}[{index}].type",
                    f"expected one of {', '.join(known)}, found {name!r}",
                    node.line if node else None,
                    node.column if node else None,
                )
            )
    return problems
