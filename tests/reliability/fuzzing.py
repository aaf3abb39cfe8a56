"""Mutated plan and settings files, and the one property every parse of them must keep.

A mutation starts from a real file (the example plan and settings) and applies a few edits
a person or a broken tool could make: lines deleted, doubled, swapped or re-indented, a
value replaced by an odd scalar, stray characters, a truncated tail. The property: the
parser returns a result or raises `InvalidFileError` whose every problem names the file and
a line. Anything else (a traceback from deep inside) is a bug. `bench/fuzz.py` runs many.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from hypothesis import strategies as st

from kubedrift.errors import InvalidFileError
from kubedrift.policies.planfile import parse_plan
from kubedrift.settings import parse_settings

ROOT = Path(__file__).resolve().parents[2]
SEEDS: dict[str, tuple[Path, Callable[[str, str], object]]] = {
    "plan": (ROOT / "examples" / "plan.yaml", parse_plan),
    "settings": (ROOT / "examples" / "kubedrift.yaml", parse_settings),
    "simulated-settings": (ROOT / "examples" / "simulated.yaml", parse_settings),
}
ODD_SCALARS = (
    "", "~", "null", "[]", "{}", "[", "{", "-1", "0", "1e999", "nan", ".inf", "yes", "no",
    '"', "'", '"unterminated', "!!binary AAAA", "!!python/object:os.system ls", "&a x", "*a",
    "*undefined", "<<: *a", "1.2.3.4.5", "v1.28", "1.28.", ">=1.30 <", "ä中文", "\t", "- -",
    "x" * 5000, "2026-13-45", "P1D", "? complex", "%YAML 1.1", "---", "...", "|", ">-",
)  # fmt: skip


def _edit(lines: list[str], draw: st.DrawFn) -> list[str]:
    if not lines:
        return [draw(st.sampled_from(ODD_SCALARS))]
    at = draw(st.integers(0, len(lines) - 1))
    line = lines[at]
    kind = draw(
        st.sampled_from(
            ("delete", "double", "swap", "indent", "value", "key", "insert", "char", "truncate")
        )
    )
    if kind == "delete":
        return lines[:at] + lines[at + 1 :]
    if kind == "double":
        return [*lines[: at + 1], line, *lines[at + 1 :]]
    if kind == "swap":
        other = draw(st.integers(0, len(lines) - 1))
        swapped = list(lines)
        swapped[at], swapped[other] = swapped[other], swapped[at]
        return swapped
    if kind == "indent":
        shift = draw(st.sampled_from(("", " ", "  ", "    ", "\t")))
        cut = draw(st.booleans())
        new = line.lstrip(" ")[: len(line)] if cut else shift + line
        return [*lines[:at], new, *lines[at + 1 :]]
    if kind == "value":
        head, colon, _ = line.partition(": ")
        scalar = draw(st.one_of(st.sampled_from(ODD_SCALARS), st.text(max_size=12)))
        new = f"{head}: {scalar}" if colon else f"{line.rstrip()} {scalar}"
        return [*lines[:at], new, *lines[at + 1 :]]
    if kind == "key":
        _, colon, rest = line.partition(":")
        key = draw(
            st.one_of(st.sampled_from(ODD_SCALARS), st.from_regex(r"[a-z_]{1,12}", fullmatch=True))
        )
        indent = line[: len(line) - len(line.lstrip())]
        new = f"{indent}{key}:{rest}" if colon else f"{indent}{key}: {line.strip()}"
        return [*lines[:at], new, *lines[at + 1 :]]
    if kind == "insert":
        return [*lines[:at], draw(st.text(max_size=40)), *lines[at:]]
    if kind == "char":
        col = draw(st.integers(0, len(line)))
        char = draw(st.sampled_from(":-[]{}#&*!|>'\"%@`,?\t\x00\ufeff"))
        return [*lines[:at], line[:col] + char + line[col:], *lines[at + 1 :]]
    return [*lines[:at], line[: draw(st.integers(0, len(line)))]]


@st.composite
def mutated(draw: st.DrawFn, seed: str) -> str:
    """A mutation of the seed file `seed` (a key of SEEDS): 1-4 edits."""
    lines = SEEDS[seed][0].read_text().splitlines()
    for _ in range(draw(st.integers(1, 4))):
        lines = _edit(lines, draw)
    return "\n".join(lines) + draw(st.sampled_from(("\n", "")))


def check(seed: str, text: str, file: str) -> InvalidFileError | None:
    """Parse `text` as the seed's kind; the error when refused, after checking its form.

    Raises AssertionError when a problem does not name `file` and a line; any exception
    other than `InvalidFileError` propagates (that is the bug the fuzzing looks for)."""
    parse = SEEDS[seed][1]
    try:
        parse(text, file)
    except InvalidFileError as error:
        for problem in error.problems:
            assert problem.file == file, f"{problem.render()!r} does not name {file}"
            assert problem.line is not None and problem.line >= 1, (
                f"{problem.render()!r} names no line"
            )
            assert str(error).startswith(file)
        return error
    return None
