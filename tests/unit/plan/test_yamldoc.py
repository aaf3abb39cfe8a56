"""yamldoc: positions, duplicate keys, merge keys, alias bombs, paths and syntax errors."""

from __future__ import annotations

import pytest

from kubedrift.errors import SettingsError
from kubedrift.model.base import Frozen
from kubedrift.yamldoc import format_path, load_document, parse_model


def test_every_value_has_its_position_and_source_text() -> None:
    document, problems = load_document('a:\n  b: [1.30, "x"]\n  c: yes\n', "f.yaml")
    assert problems == []
    assert document is not None
    assert document.data == {"a": {"b": [1.3, "x"], "c": True}}
    b0 = document.nodes[("a", "b", 0)]
    assert (b0.line, b0.column, b0.tag, b0.text, b0.quoted) == (2, 7, "float", "1.30", False)
    c = document.nodes[("a", "c")]
    assert (c.key_line, c.key_column, c.line, c.column) == (3, 3, 3, 6)
    assert document.nodes[("a", "b", 1)].quoted


def test_locate_falls_back_to_the_deepest_present_prefix() -> None:
    document, _ = load_document("a:\n  b: 1\n", "f.yaml")
    assert document is not None
    path, node = document.locate(("a", "zzz", 3))
    assert path == ("a",)
    assert node is not None and node.line == 2


def test_merge_keys_and_explicit_keys_win() -> None:
    text = "base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n"
    document, problems = load_document(text, "f.yaml")
    assert problems == []
    assert document is not None
    assert document.data == {"base": {"x": 1, "y": 2}, "use": {"x": 1, "y": 3}}
    assert document.nodes[("use", "x")].line == 1


def test_all_duplicate_keys_are_reported() -> None:
    _, problems = load_document("a: 1\nb: 2\na: 3\nb: 4\n", "f.yaml")
    assert [(p.line, p.column, p.message) for p in problems] == [
        (3, 1, "duplicate key 'a' (first defined on line 1)"),
        (4, 1, "duplicate key 'b' (first defined on line 2)"),
    ]


def test_alias_bomb_is_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 7)]
    document, problems = load_document("\n".join(lines) + "\n", "f.yaml")
    assert document is None
    assert "expands to more than" in problems[0].message


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ((), ""),
        (("groups", 2, "target", "kubernetes"), "groups[2].target.kubernetes"),
        (("labels", "app.kubernetes.io/name"), 'labels["app.kubernetes.io/name"]'),
        (("addons", "csi-plugin", "version"), "addons.csi-plugin.version"),
    ],
)
def test_format_path(path: tuple[str | int, ...], text: str) -> None:
    assert format_path(path) == text


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("a: b: c\n", 1, 5, "mapping values are not allowed here"),
        ("a:\n  b: 1\n c: 2\n", 3, 2, "check the indentation"),
        ('a: "unclosed\n', 2, 1, "found unexpected end of stream"),
        ("a: 1\n---\nb: 2\n", 2, 1, "expected a single document"),
    ],
)
def test_syntax_errors_carry_the_parser_position(
    text: str, line: int, column: int, fragment: str
) -> None:
    document, problems = load_document(text, "f.yaml")
    assert document is None
    assert (problems[0].line, problems[0].column) == (line, column)
    assert fragment in problems[0].message


class Settings(Frozen):
    store: str
    interval_minutes: int = 5


@pytest.mark.parametrize(
    ("text", "rendered"),
    [
        (
            "store: x\ninterval: 5\n",
            "s.yaml:2:1: interval: unknown key 'interval'; did you mean 'interval_minutes'?",
        ),
        (
            "store: x\ninterval_minutes: five\n",
            "s.yaml:2:19: interval_minutes: expected a whole number, found 'five'",
        ),
        ("store: [x]\n", "s.yaml:1:8: store: expected a string, found a list"),
        (
            "colour: 1\nstore: x\n",
            "s.yaml:1:1: colour: unknown key 'colour'; expected one of: interval_minutes, store",
        ),
    ],
)
def test_parse_model_is_reusable_for_other_files(text: str, rendered: str) -> None:
    with pytest.raises(SettingsError) as caught:
        parse_model(text, file="s.yaml", model=Settings, error=SettingsError, what="settings")
    assert [p.render() for p in caught.value.problems] == [rendered]
