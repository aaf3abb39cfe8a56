"""YAML files that remember where every value came from, and errors that point back at them.

`load_document` (document.py) parses one YAML document into plain values plus a map from
each value's path (`("groups", 2, "target")`, paths.py) to its line, column and source text,
so that a later validation error (validation.py) can name `plan.yaml:12:5` and say what the
user actually wrote (`1.30`, not `1.3`). Duplicate keys are errors; text that is not YAML
gets the parser's position and a hint (syntax.py). `parse_model`, here, runs the whole edge:
text -> YAML -> pydantic model, or an `InvalidFileError` carrying every problem at once. The
plan file and the settings file both load through here.
"""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from kubedrift.errors import InvalidFileError, Problem
from kubedrift.yamldoc.document import Node, YamlDocument, load_document
from kubedrift.yamldoc.paths import Path, format_path, parse_path
from kubedrift.yamldoc.validation import (
    located,
    problems_from_validation_error,
    unknown_type_problems,
)

__all__ = [
    "Node",
    "Path",
    "YamlDocument",
    "format_path",
    "load_document",
    "located",
    "parse_model",
    "parse_path",
    "problems_from_validation_error",
    "read_text",
    "unknown_type_problems",
]

M = TypeVar("M", bound=BaseModel)


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
