"""Problems for text that is not valid YAML: the parser's error at its position with a hint
for the usual mistakes, tabs in the indentation, and characters YAML does not allow."""

from __future__ import annotations

import yaml

from kubedrift.errors import Problem


def reader_problem(exc: yaml.reader.ReaderError, text: str, file: str) -> Problem:
    """A character YAML does not allow (a control character, say): PyYAML gives only its
    offset, so the line and column are counted here."""
    before = text[: exc.position]
    line = before.count("\n") + 1
    column = exc.position - (before.rfind("\n") + 1) + 1
    character = exc.character if isinstance(exc.character, str) else chr(exc.character)
    message = f"invalid YAML: the character U+{ord(character):04X} is not allowed in YAML"
    return Problem(file=file, path="", message=message, line=line, column=column)


def tab_problems(text: str, file: str) -> list[Problem]:
    """A problem per line indented with a tab, the usual cause of a confusing parse error."""
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


def syntax_problem(exc: yaml.MarkedYAMLError, file: str) -> Problem:
    """PyYAML's parse error at its mark, with a hint for the mistakes people usually make."""
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
