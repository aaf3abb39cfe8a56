"""Read a Terraform root module (and its local child modules) and follow values to their source.

python-hcl2's dict API loses positions and its round trip reformats files, so everything
here works on the raw Lark tree (`hcl2.parses_to_tree`), whose nodes carry exact character
offsets into the original text. `Workspace.resolve` follows an attribute's expression to the
one place a person would edit: a string literal in the resource itself, a `local`, a module
call's input, a variable's default, or a `.tfvars` assignment (reference/dependencies.md, 7).
Nothing here writes files; `hcl_edit` splices at the offsets this module finds.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import hcl2
from lark import Token, Tree
from lark.exceptions import LarkError

from kubedrift.errors import ConfigurationError

SiteKind = Literal["literal", "local", "module_input", "variable_default", "tfvars"]
LarkTree = Tree[Any]


class HclEditError(ConfigurationError):
    """The Terraform cannot be edited safely as asked (not found, computed, shared, invalid)."""


@dataclass(frozen=True)
class SourceFile:
    path: Path
    text: str
    tree: LarkTree


@dataclass(frozen=True)
class Attribute:
    file: SourceFile
    name: str
    expr: LarkTree

    @property
    def text(self) -> str:
        return self.file.text[self.expr.meta.start_pos : self.expr.meta.end_pos]

    @property
    def line(self) -> int:
        return int(self.expr.meta.line)


@dataclass(frozen=True)
class Block:
    file: SourceFile
    type: str
    labels: tuple[str, ...]
    attributes: Mapping[str, Attribute]


@dataclass(frozen=True)
class Module:
    """One module instance: its folder's blocks, and the `module` block that called it."""

    address: str  # "" for the root, "module.payments" for a child
    directory: Path
    blocks: tuple[Block, ...]
    caller: tuple[Module, Block] | None = None

    def find(self, block_type: str, *labels: str) -> Iterator[Block]:
        for block in self.blocks:
            if block.type == block_type and block.labels[: len(labels)] == labels:
                yield block


@dataclass(frozen=True)
class Site:
    """The string literal that really sets a value: file and the offsets of its quotes."""

    path: Path
    start: int
    end: int
    line: int
    value: str
    kind: SiteKind
    trail: tuple[str, ...] = field(default=())


def parse_file(path: Path, text: str) -> SourceFile:
    try:
        tree = hcl2.parses_to_tree(text)
    except LarkError as exc:
        raise HclEditError(f"{path}: not valid HCL: {exc}".splitlines()[0]) from exc
    return SourceFile(path, text, tree)


def _identifier(node: object) -> str | None:
    if isinstance(node, Tree) and node.data == "identifier" and node.children:
        return str(node.children[0])
    return None


def _string_value(node: LarkTree) -> str | None:
    """The text of a quoted string without interpolation, else None."""
    if node.data != "string":
        return None
    parts: list[str] = []
    for child in node.children:
        if isinstance(child, Token):
            continue  # the quotes
        if not (isinstance(child, Tree) and child.data == "string_part"):
            return None
        for piece in child.children:
            if not isinstance(piece, Token):
                return None  # an interpolation: "${...}"
            parts.append(str(piece))
    return "".join(parts)


def _blocks(file: SourceFile) -> tuple[Block, ...]:
    body = file.tree.children[0]
    found: list[Block] = []
    for node in body.children if isinstance(body, Tree) else ():
        if not (isinstance(node, Tree) and node.data == "block"):
            continue
        head = [c for c in node.children if isinstance(c, Tree) and c.data != "body"]
        kind = _identifier(head[0]) or ""
        labels = tuple(_identifier(h) or _string_value(h) or "" for h in head[1:])
        inner = next(c for c in node.children if isinstance(c, Tree) and c.data == "body")
        attrs: dict[str, Attribute] = {}
        for item in inner.children:
            if isinstance(item, Tree) and item.data == "attribute":
                name = _identifier(item.children[0]) or ""
                expr = item.children[2]
                if isinstance(expr, Tree):
                    attrs[name] = Attribute(file, name, expr)
        found.append(Block(file, kind, labels, attrs))
    return tuple(found)


class Workspace:
    """A root module on disk, with `overrides` (path -> text) standing in for edited files."""

    def __init__(
        self,
        root: Path,
        *,
        var_files: Sequence[Path] = (),
        overrides: Mapping[Path, str] | None = None,
    ) -> None:
        self.root = root.resolve()
        self._overrides = {p.resolve(): t for p, t in (overrides or {}).items()}
        self._files: dict[Path, SourceFile] = {}
        # Terraform's precedence: terraform.tfvars, *.auto.tfvars (lexical), then -var-file in
        # order; the last assignment wins, so look them up in reverse.
        auto = sorted(self.root.glob("*.auto.tfvars"))
        default = (
            [self.root / "terraform.tfvars"] if (self.root / "terraform.tfvars").is_file() else []
        )
        chosen = [p if p.is_absolute() else self.root / p for p in var_files]
        self.var_files = [self._file(p) for p in [*default, *auto, *chosen]]
        self.modules = list(self._load("", self.root, None, depth=0))

    def _file(self, path: Path) -> SourceFile:
        path = path.resolve()
        if path not in self._files:
            if path in self._overrides:
                text = self._overrides[path]
            else:
                try:
                    text = path.read_text(encoding="utf-8")
                except OSError as exc:
                    raise HclEditError(f"cannot read {path}: {exc.strerror}") from exc
            self._files[path] = parse_file(path, text)
        return self._files[path]

    def _load(
        self, address: str, directory: Path, caller: tuple[Module, Block] | None, depth: int
    ) -> Iterator[Module]:
        if depth > 8:
            raise HclEditError(f"{directory}: modules nested deeper than 8 (a cycle?)")
        blocks = tuple(b for p in sorted(directory.glob("*.tf")) for b in _blocks(self._file(p)))
        module = Module(address, directory, blocks, caller)
        yield module
        for call in module.find("module"):
            source = call.attributes.get("source")
            where = _string_value(_unwrap(source.expr)) if source else None
            # Only local modules are in this repository; registry/git ones are not ours to edit.
            if where and where.startswith(("./", "../")):
                child = f"{address}.module.{call.labels[0]}".lstrip(".")
                yield from self._load(
                    child, (directory / where).resolve(), (module, call), depth + 1
                )

    def resolve(
        self,
        module: Module,
        attr: Attribute,
        trail: tuple[str, ...] = (),
        kind: SiteKind = "literal",
    ) -> Site:
        """The literal that sets `attr`'s value, following var., local. and module inputs.

        `kind` says how the chain reached `attr` (what a literal found there is called).
        """
        here = f"{_rel(attr.file.path, self.root)}:{attr.line} {attr.name} = {attr.text}"
        trail = (*trail, here)
        expr = _unwrap(attr.expr)
        literal = _string_value(expr)
        if literal is not None:
            meta = expr.meta
            return Site(
                attr.file.path, meta.start_pos, meta.end_pos, meta.line, literal, kind, trail
            )
        ref = _reference(expr)
        if ref is None:
            raise HclEditError(f"{here}: the value is computed; kubedrift edits only literals")
        scope, name = ref
        if scope == "local":
            for block in module.find("locals"):
                if name in block.attributes:
                    return self.resolve(module, block.attributes[name], trail, "local")
            raise HclEditError(f"{here}: local.{name} is not defined")
        if scope != "var":
            raise HclEditError(f"{here}: {scope}.{name} is not a variable or local")
        if module.caller is not None:
            parent, call = module.caller
            if name in call.attributes:
                return self.resolve(parent, call.attributes[name], trail, "module_input")
        else:
            for tfvars in reversed(self.var_files):
                for block_attr in _top_attributes(tfvars):
                    if block_attr.name == name:
                        return self.resolve(module, block_attr, trail, "tfvars")
        for block in module.find("variable", name):
            if "default" in block.attributes:
                return self.resolve(module, block.attributes["default"], trail, "variable_default")
        raise HclEditError(f"{here}: var.{name} has no value kubedrift can edit")


def _top_attributes(file: SourceFile) -> Iterator[Attribute]:
    body = file.tree.children[0]
    for item in body.children if isinstance(body, Tree) else ():
        if isinstance(item, Tree) and item.data == "attribute":
            expr = item.children[2]
            if isinstance(expr, Tree):
                yield Attribute(file, _identifier(item.children[0]) or "", expr)


def _unwrap(expr: LarkTree) -> LarkTree:
    """`expr_term` around a single string / reference, and "${ref}" around a reference."""
    while expr.data == "expr_term" and len(expr.children) == 1:
        child = expr.children[0]
        if not isinstance(child, Tree):
            break
        expr = child
    if expr.data == "string":
        parts = [c for c in expr.children if isinstance(c, Tree)]
        if len(parts) == 1 and len(parts[0].children) == 1:
            only = parts[0].children[0]
            if isinstance(only, Tree) and only.data == "interpolation":
                inner = [c for c in only.children if isinstance(c, Tree)]
                if len(inner) == 1:
                    return _unwrap(inner[0])
    return expr


def _reference(expr: LarkTree) -> tuple[str, str] | None:
    """`var.x` / `local.x` as ("var", "x"); anything else None."""
    if expr.data != "get_attr_expr_term" or len(expr.children) != 2:
        return None
    head, tail = expr.children
    scope = _identifier(head.children[0]) if isinstance(head, Tree) and head.children else None
    if not (isinstance(tail, Tree) and tail.data == "get_attr"):
        return None
    name = next((_identifier(c) for c in tail.children if _identifier(c)), None)
    return (scope, name) if scope and name else None


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
