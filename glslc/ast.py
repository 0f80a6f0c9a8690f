"""The typed GLSL syntax tree: node classes, walkers, and a printer back to GLSL source.

Every node is a slotted dataclass declared below in a few lines, in the spirit of pycparser's
``_c_ast.cfg``: ``@node("a", "b")`` names the fields that hold child nodes (a node, a list of nodes, or
``None``); the other fields are plain data (names, operators, literal values). Every node has a ``span``
in the user's file: where the construct starts, except that operators (binary, assignment, ternary,
unary, increments) point at the operator and ``Field`` at the member name, as C compilers do; expressions
also have ``ty``, left ``None`` by the parser for the checker to fill. Nodes compare by identity (so
passes may key dicts on them); :func:`dump` gives a structural, span-free rendering for comparing trees.

Walking is iterative (:func:`walk`) so that deep trees never exhaust Python's stack; :func:`to_glsl`
prints a tree as GLSL, with the smallest set of parentheses that keeps the tree, or with every
sub-expression parenthesised (``full_parens=True``) to make the tree's shape visible in tests.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, TypeVar

from .errors import GlslError, Span

_NO_SPAN = Span()

T = TypeVar("T")


def node(*child_fields: str) -> Callable[[type[T]], type[T]]:
    """Class decorator: make a slotted dataclass whose ``child_fields`` hold child nodes."""

    def wrap(cls: type[T]) -> type[T]:
        cls = dataclass(slots=True, eq=False, repr=False)(cls)
        cls._children = child_fields  # type: ignore[attr-defined]
        cls._data = tuple(  # type: ignore[attr-defined]
            f.name for f in fields(cls) if f.name not in child_fields and f.name not in ("span", "ty")
        )
        return cls

    return wrap


@dataclass(slots=True, eq=False, repr=False)
class Node:
    """Base of every syntax tree node."""

    _children: ClassVar[tuple[str, ...]] = ()
    _data: ClassVar[tuple[str, ...]] = ()

    span: Span = field(default=_NO_SPAN, kw_only=True)

    def children(self) -> list[Node]:
        """The direct child nodes, in source order."""
        out: list[Node] = []
        for name in self._children:
            value = getattr(self, name)
            if isinstance(value, Node):
                out.append(value)
            elif isinstance(value, list):
                out.extend(v for v in value if isinstance(v, Node))
        return out

    def __repr__(self) -> str:
        return dump(self)


@dataclass(slots=True, eq=False, repr=False)
class Expr(Node):
    """Base of expressions; ``ty`` is filled by the type checker."""

    ty: Any = field(default=None, kw_only=True)


@dataclass(slots=True, eq=False, repr=False)
class Stmt(Node):
    """Base of statements."""


# ---------------------------------------------------------------------------------------------- types


@node("value")
class LayoutId(Node):
    """One ``layout(...)`` entry: ``location = 0``, ``std140``."""

    name: str
    value: Expr | None = None


@node("layout", "dims", "struct")
class TypeSpec(Node):
    """A (fully specified) type: qualifiers, precision, layout, a type name or a struct, array dims.

    ``name`` is the builtin or struct type name (``None`` for an anonymous struct); ``struct`` is set
    when the struct is defined right here; ``dims`` are array sizes written on the type (``float[3]``),
    ``None`` for an unsized ``[]``. ``qualifiers`` keep source order (``const``, ``in``, ``flat`` ...).
    """

    name: str | None
    struct: StructSpec | None = None
    dims: list[Expr | None] = field(default_factory=list)
    qualifiers: list[str] = field(default_factory=list)
    precision: str | None = None
    layout: list[LayoutId] = field(default_factory=list)


@node("type", "dims")
class StructField(Node):
    """One struct member (``vec3 a, b;`` gives two fields with equal types)."""

    type: TypeSpec
    name: str
    dims: list[Expr | None] = field(default_factory=list)


@node("fields")
class StructSpec(Node):
    """A struct definition ``struct Name { ... }`` (``name`` is ``None`` when anonymous)."""

    name: str | None
    fields: list[StructField] = field(default_factory=list)


# ------------------------------------------------------------------------------------------ expressions


@node()
class Ident(Expr):
    """A variable (or, as a callee, function) name."""

    name: str


@node()
class IntLit(Expr):
    """An integer literal; ``unsigned`` for a ``u`` suffix."""

    value: int
    unsigned: bool = False


@node()
class FloatLit(Expr):
    """A floating-point literal; ``double`` for an ``lf`` suffix."""

    value: float
    double: bool = False


@node()
class BoolLit(Expr):
    """``true`` or ``false``."""

    value: bool


@node("operand")
class Unary(Expr):
    """Prefix ``+ - ! ~``."""

    op: str
    operand: Expr


@node("operand")
class PreIncDec(Expr):
    """``++x`` / ``--x``."""

    op: str
    operand: Expr


@node("operand")
class PostIncDec(Expr):
    """``x++`` / ``x--``."""

    op: str
    operand: Expr


@node("lhs", "rhs")
class Binary(Expr):
    """A binary operator other than assignment and comma."""

    op: str
    lhs: Expr
    rhs: Expr


@node("lhs", "rhs")
class Assign(Expr):
    """``=`` or a compound assignment (``op`` is the whole operator, e.g. ``'+='``)."""

    op: str
    lhs: Expr
    rhs: Expr


@node("cond", "then", "else_")
class Ternary(Expr):
    """``cond ? then : else_``."""

    cond: Expr
    then: Expr
    else_: Expr


@node("exprs")
class Comma(Expr):
    """``a, b, c`` (the comma operator), flattened."""

    exprs: list[Expr]


@node("callee", "args")
class Call(Expr):
    """A function call (``callee`` a name) or a constructor (``callee`` a :class:`TypeSpec`)."""

    callee: str | TypeSpec
    args: list[Expr] = field(default_factory=list)


@node("base", "index")
class Index(Expr):
    """``base[index]``."""

    base: Expr
    index: Expr


@node("base")
class Field(Expr):
    """``base.name``: a struct member or a swizzle (the checker decides)."""

    base: Expr
    name: str


@node("base")
class Length(Expr):
    """``base.length()``."""

    base: Expr


@node("items")
class InitList(Expr):
    """A brace initializer ``{a, b, {c}}`` (GLSL 4.20)."""

    items: list[Expr]


# ------------------------------------------------------------------------------------------- statements


@node("dims", "init")
class VarDecl(Node):
    """One declarator: ``name[dims] = init``. ``type`` is the shared type of its declaration (a reference
    to the :class:`DeclStmt`'s ``type``, not a child)."""

    type: TypeSpec
    name: str
    dims: list[Expr | None] = field(default_factory=list)
    init: Expr | None = None


@node("type", "decls")
class DeclStmt(Stmt):
    """A variable declaration ``float a = 1.0, b[3];`` (or ``struct S {...};`` with no declarators)."""

    type: TypeSpec
    decls: list[VarDecl] = field(default_factory=list)


@node("type", "dims")
class Param(Node):
    """A function parameter; qualifiers (``in``, ``out``, ``inout``, ``const``) sit on ``type``."""

    type: TypeSpec
    name: str | None = None
    dims: list[Expr | None] = field(default_factory=list)


@node("ret", "params")
class FunctionProto(Stmt):
    """A function prototype ``float f(vec2 p);`` (also the head of a :class:`FunctionDef`)."""

    ret: TypeSpec
    name: str
    params: list[Param] = field(default_factory=list)


@node("proto", "body")
class FunctionDef(Node):
    """A function definition."""

    proto: FunctionProto
    body: Block


@node("type")
class PrecisionDecl(Stmt):
    """``precision highp float;``."""

    precision: str
    type: TypeSpec


@node("type", "fields", "dims")
class InterfaceBlock(Node):
    """``uniform Name { ... } instance[dims];``; ``type`` carries the qualifiers and layout."""

    type: TypeSpec
    block_name: str
    fields: list[StructField] = field(default_factory=list)
    instance: str | None = None
    dims: list[Expr | None] = field(default_factory=list)


@node("type")
class QualifierDecl(Stmt):
    """Qualifiers alone: ``invariant gl_Position;``, ``layout(early_fragment_tests) in;``."""

    type: TypeSpec
    names: list[str] = field(default_factory=list)


@node("stmts")
class Block(Stmt):
    """``{ ... }``."""

    stmts: list[Node] = field(default_factory=list)


@node("expr")
class ExprStmt(Stmt):
    """An expression used as a statement."""

    expr: Expr


@node()
class EmptyStmt(Stmt):
    """A lone ``;``."""


@node("cond", "then", "else_")
class If(Stmt):
    """``if (cond) then else else_``."""

    cond: Expr | DeclStmt
    then: Stmt
    else_: Stmt | None = None


@node("init", "cond", "step", "body")
class For(Stmt):
    """``for (init cond; step) body``; ``init`` is a statement (declaration, expression or empty)."""

    init: Stmt
    cond: Expr | DeclStmt | None
    step: Expr | None
    body: Stmt


@node("cond", "body")
class While(Stmt):
    """``while (cond) body``; ``cond`` may declare a variable."""

    cond: Expr | DeclStmt
    body: Stmt


@node("body", "cond")
class DoWhile(Stmt):
    """``do body while (cond);``."""

    body: Stmt
    cond: Expr


@node("value", "body")
class Case(Stmt):
    """A ``case value:`` (or ``default:`` when ``value`` is ``None``) and the statements after it, up to
    the next label; control falls through unless they end in ``break``."""

    value: Expr | None
    body: list[Node] = field(default_factory=list)


@node("expr", "cases")
class Switch(Stmt):
    """``switch (expr) { cases }``."""

    expr: Expr
    cases: list[Case] = field(default_factory=list)


@node()
class Break(Stmt):
    """``break;``."""


@node()
class Continue(Stmt):
    """``continue;``."""


@node("value")
class Return(Stmt):
    """``return;`` or ``return value;``."""

    value: Expr | None = None


@node()
class Discard(Stmt):
    """``discard;``."""


@node("decls")
class TranslationUnit(Node):
    """A whole shader: functions and global declarations in order."""

    decls: list[Node] = field(default_factory=list)


# ------------------------------------------------------------------------------------------- walking


def walk(root: Node) -> Iterator[Node]:
    """Every node under ``root`` (included), pre-order, without recursion."""
    stack = [root]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.children()))


def depth(root: Node) -> int:
    """The number of nodes on the longest root-to-leaf path (iterative)."""
    best = 0
    stack = [(root, 1)]
    while stack:
        n, d = stack.pop()
        best = max(best, d)
        d += 1
        for c in n.children():
            stack.append((c, d))
    return best


@contextmanager
def recursion_room(levels: int) -> Iterator[None]:
    """Temporarily allow ``levels`` more Python frames than are in use (for recursive passes on trees
    whose depth the parser has bounded)."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, levels + 200 + len(_frames())))
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def _frames() -> list[object]:
    out = []
    f = sys._getframe(1)
    while f is not None:
        out.append(f)
        f = f.f_back  # type: ignore[assignment]
    return out


class NodeVisitor:
    """Dispatch ``visit_<ClassName>(node)``; ``generic_visit`` visits the children.

    Recursive, like :class:`ast.NodeVisitor`; wrap deep trees in :func:`recursion_room`.
    """

    def visit(self, node: Node) -> Any:
        """Visit one node."""
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            return self.generic_visit(node)
        return method(node)

    def generic_visit(self, node: Node) -> None:
        """Visit every child of ``node``."""
        for c in node.children():
            self.visit(c)


def _data_repr(v: Any) -> str:
    # a node in a data field is a reference (VarDecl.type), dumped where it is a child
    return f"<{type(v).__name__}>" if isinstance(v, Node) else repr(v)


def dump(root: Node) -> str:
    """A structural rendering without spans or types: equal trees give equal strings (iterative)."""
    out: list[str] = []
    # stack of pending items: a node to open, or a literal string to emit
    stack: list[Any] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        if isinstance(item, list):
            stack.append("]")
            for i, v in enumerate(reversed(item)):
                stack.append(v)
                if i < len(item) - 1:
                    stack.append(", ")
            out.append("[")
            continue
        if not isinstance(item, Node):
            out.append(repr(item))
            continue
        out.append(type(item).__name__ + "(")
        parts: list[Any] = [f"{n}={_data_repr(getattr(item, n))}" for n in item._data]
        stack.append(")")
        pending: list[Any] = []
        for i, p in enumerate(parts):
            if i:
                pending.append(", ")
            pending.append(p)
        for name in item._children:
            if pending:
                pending.append(", ")
            pending.append(name + "=")
            pending.append(getattr(item, name))
        stack.extend(reversed(pending))
    return "".join(out)


# -------------------------------------------------------------------------------------------- printing

# Precedence levels as in the GLSL spec (higher binds tighter).
PREC_COMMA, PREC_ASSIGN, PREC_TERNARY = 1, 2, 3
BINARY_PREC: dict[str, int] = {
    "||": 4, "^^": 5, "&&": 6, "|": 7, "^": 8, "&": 9,
    "==": 10, "!=": 10, "<": 11, ">": 11, "<=": 11, ">=": 11,
    "<<": 12, ">>": 12, "+": 13, "-": 13, "*": 14, "/": 14, "%": 14,
}  # fmt: skip
PREC_UNARY, PREC_POSTFIX, PREC_PRIMARY = 15, 16, 17


def _prec(e: Node) -> int:
    if isinstance(e, Binary):
        return BINARY_PREC[e.op]
    if isinstance(e, Comma):
        return PREC_COMMA
    if isinstance(e, Assign):
        return PREC_ASSIGN
    if isinstance(e, Ternary):
        return PREC_TERNARY
    if isinstance(e, (Unary, PreIncDec)):
        return PREC_UNARY
    if isinstance(e, (PostIncDec, Index, Field, Length, Call)):
        return PREC_POSTFIX
    if isinstance(e, (IntLit, FloatLit)) and e.value < 0:  # only in hand-built trees
        return PREC_UNARY
    return PREC_PRIMARY


_COMPOUND = (Binary, Assign, Ternary, Comma, Unary, PreIncDec, PostIncDec)


def _ends_in_open_if(s: Node) -> bool:
    """Whether an ``else`` printed after ``s`` would bind to an if inside it."""
    while True:
        if isinstance(s, If):
            if s.else_ is None:
                return True
            s = s.else_
        elif isinstance(s, (For, While)):
            s = s.body
        else:
            return False


def _float_text(v: float) -> str:
    if math.isnan(v):  # NaN cannot be written; 0.0/0.0 is what shaders use
        return "(0.0 / 0.0)"
    if v in (float("inf"), float("-inf")):
        return "1e999" if v > 0 else "-1e999"
    s = repr(v)
    if "e" in s or "E" in s:
        mant, _, exp = s.partition("e")
        return (mant if "." in mant else mant + ".0") + "e" + exp
    return s


class _Printer:
    """Turns a tree back into GLSL text (recursive; run inside :func:`recursion_room`)."""

    def __init__(self, full_parens: bool, indent: str = "    ") -> None:
        self.full = full_parens
        self.ind = indent

    # -- expressions --
    def expr(self, e: Node, min_prec: int = PREC_COMMA) -> str:
        s = self._expr(e)
        if self.full and isinstance(e, _COMPOUND):
            return "(" + s + ")"
        if _prec(e) < min_prec:
            return "(" + s + ")"
        return s

    def _expr(self, e: Node) -> str:
        if isinstance(e, Ident):
            return e.name
        if isinstance(e, IntLit):
            return str(e.value) + ("u" if e.unsigned else "")
        if isinstance(e, FloatLit):
            return _float_text(e.value) + ("lf" if e.double else "")
        if isinstance(e, BoolLit):
            return "true" if e.value else "false"
        if isinstance(e, Binary):
            p = BINARY_PREC[e.op]
            return f"{self.expr(e.lhs, p)} {e.op} {self.expr(e.rhs, p + 1)}"
        if isinstance(e, Assign):
            return f"{self.expr(e.lhs, PREC_UNARY)} {e.op} {self.expr(e.rhs, PREC_ASSIGN)}"
        if isinstance(e, Ternary):
            return (f"{self.expr(e.cond, PREC_TERNARY + 1)} ? {self.expr(e.then, PREC_COMMA)} : "
                    f"{self.expr(e.else_, PREC_ASSIGN)}")
        if isinstance(e, Comma):
            return ", ".join(self.expr(x, PREC_ASSIGN) for x in e.exprs)
        if isinstance(e, (Unary, PreIncDec)):
            inner = self.expr(e.operand, PREC_UNARY)
            sep = " " if inner[:1] in "+-" and e.op[-1] in "+-" else ""
            return e.op + sep + inner
        if isinstance(e, PostIncDec):
            return self.expr(e.operand, PREC_POSTFIX) + e.op
        if isinstance(e, Index):
            return f"{self.expr(e.base, PREC_POSTFIX)}[{self.expr(e.index)}]"
        if isinstance(e, Field):
            return f"{self._member_base(e.base)}.{e.name}"
        if isinstance(e, Length):
            return f"{self._member_base(e.base)}.length()"
        if isinstance(e, Call):
            callee = e.callee if isinstance(e.callee, str) else self.type_spec(e.callee)
            return f"{callee}({', '.join(self.expr(a, PREC_ASSIGN) for a in e.args)})"
        if isinstance(e, InitList):
            return "{" + ", ".join(self.expr(a, PREC_ASSIGN) for a in e.items) + "}"
        raise TypeError(f"not an expression: {type(e).__name__}")

    # -- types and declarations --
    def _member_base(self, base: Node) -> str:
        text = self.expr(base, PREC_POSTFIX)
        # `1 .x` must not print as `1.x`, which reads back as the float `1.` and a name
        return f"({text})" if isinstance(base, (IntLit, FloatLit)) and not text.startswith("(") else text

    def dims(self, dims: list[Expr | None]) -> str:
        return "".join("[]" if d is None else f"[{self.expr(d, PREC_TERNARY)}]" for d in dims)

    def type_spec(self, t: TypeSpec, depth: int = 0) -> str:
        parts: list[str] = []
        if t.layout:
            ids = ", ".join(i.name if i.value is None else f"{i.name} = {self.expr(i.value, PREC_TERNARY)}"
                            for i in t.layout)
            parts.append(f"layout({ids})")
        parts.extend(t.qualifiers)
        if t.precision:
            parts.append(t.precision)
        if t.struct is not None:
            parts.append(self.struct(t.struct, depth))
        elif t.name is not None:
            parts.append(t.name)
        return " ".join(parts) + self.dims(t.dims)

    def struct(self, s: StructSpec, depth: int) -> str:
        pad = self.ind * (depth + 1)
        body = "".join(f"{pad}{self.type_spec(f.type, depth + 1)} {f.name}{self.dims(f.dims)};\n" for f in s.fields)
        head = f"struct {s.name} " if s.name else "struct "
        return head + "{\n" + body + self.ind * depth + "}"

    def decl(self, d: DeclStmt, depth: int) -> str:
        head = self.type_spec(d.type, depth)
        items = []
        for v in d.decls:
            s = v.name + self.dims(v.dims)
            if v.init is not None:
                s += " = " + self.expr(v.init, PREC_ASSIGN)
            items.append(s)
        return head + (" " + ", ".join(items) if items else "") + ";"

    def proto(self, p: FunctionProto, depth: int) -> str:
        params = ", ".join(
            self.type_spec(q.type, depth) + (f" {q.name}" if q.name else "") + self.dims(q.dims) for q in p.params
        )
        return f"{self.type_spec(p.ret, depth)} {p.name}({params})"

    # -- statements --
    def stmt(self, s: Node, depth: int) -> str:
        pad = self.ind * depth
        if isinstance(s, Block):
            return pad + self.block(s, depth)
        if isinstance(s, (DeclStmt, ExprStmt, EmptyStmt, Break, Continue, Discard, Return, PrecisionDecl,
                          QualifierDecl, FunctionProto, InterfaceBlock)):
            return pad + self.simple(s, depth)
        if isinstance(s, If):
            then = s.then
            if s.else_ is not None and _ends_in_open_if(then):  # keep the else off the inner if
                then = Block([then], span=then.span)
            out = f"{pad}if ({self.cond(s.cond, depth)})" + self.sub(then, depth)
            if s.else_ is not None:
                if isinstance(then, Block):
                    out += " else"
                else:
                    out += f"\n{pad}else"
                if isinstance(s.else_, If):
                    out += " " + self.stmt(s.else_, depth).lstrip()
                else:
                    out += self.sub(s.else_, depth)
            return out
        if isinstance(s, For):
            init = self.simple(s.init, depth)
            cond = "" if s.cond is None else " " + self.cond(s.cond, depth)
            step = "" if s.step is None else " " + self.expr(s.step)
            return f"{pad}for ({init}{cond};{step})" + self.sub(s.body, depth)
        if isinstance(s, While):
            return f"{pad}while ({self.cond(s.cond, depth)})" + self.sub(s.body, depth)
        if isinstance(s, DoWhile):
            body = self.sub(s.body, depth)
            sep = " " if isinstance(s.body, Block) else "\n" + pad
            return f"{pad}do{body}{sep}while ({self.expr(s.cond)});"
        if isinstance(s, Switch):
            lines = [f"{pad}switch ({self.expr(s.expr)}) {{"]
            lines.extend(self.case(c, depth + 1) for c in s.cases)
            lines.append(pad + "}")
            return "\n".join(lines)
        if isinstance(s, FunctionDef):
            return pad + self.proto(s.proto, depth) + " " + self.block(s.body, depth)
        raise TypeError(f"not a statement: {type(s).__name__}")

    def case(self, c: Case, depth: int) -> str:
        label = "default:" if c.value is None else f"case {self.expr(c.value)}:"
        return "\n".join([self.ind * depth + label] + [self.stmt(b, depth + 1) for b in c.body])

    def sub(self, s: Node, depth: int) -> str:
        """A controlled statement: a block on the same line, anything else indented on the next."""
        if isinstance(s, Block):
            return " " + self.block(s, depth)
        return "\n" + self.stmt(s, depth + 1)

    def block(self, b: Block, depth: int) -> str:
        if not b.stmts:
            return "{\n" + self.ind * depth + "}"
        inner = "\n".join(self.stmt(x, depth + 1) for x in b.stmts)
        return "{\n" + inner + "\n" + self.ind * depth + "}"

    def cond(self, c: Node, depth: int) -> str:
        if isinstance(c, DeclStmt):
            return self.decl(c, depth)[:-1]
        return self.expr(c)

    def simple(self, s: Node, depth: int) -> str:
        if isinstance(s, DeclStmt):
            return self.decl(s, depth)
        if isinstance(s, ExprStmt):
            return self.expr(s.expr) + ";"
        if isinstance(s, EmptyStmt):
            return ";"
        if isinstance(s, Break):
            return "break;"
        if isinstance(s, Continue):
            return "continue;"
        if isinstance(s, Discard):
            return "discard;"
        if isinstance(s, Return):
            return "return;" if s.value is None else f"return {self.expr(s.value)};"
        if isinstance(s, PrecisionDecl):
            return f"precision {s.precision} {self.type_spec(s.type, depth)};"
        if isinstance(s, QualifierDecl):
            return self.type_spec(s.type, depth) + (" " + ", ".join(s.names) if s.names else "") + ";"
        if isinstance(s, FunctionProto):
            return self.proto(s, depth) + ";"
        if isinstance(s, InterfaceBlock):
            pad = self.ind * (depth + 1)
            body = "".join(f"{pad}{self.type_spec(f.type, depth + 1)} {f.name}{self.dims(f.dims)};\n"
                           for f in s.fields)
            tail = (" " + s.instance + self.dims(s.dims)) if s.instance else ""
            return f"{self.type_spec(s.type, depth)} {s.block_name} {{\n{body}{self.ind * depth}}}{tail};"
        raise TypeError(f"not a statement: {type(s).__name__}")

    def unit(self, u: TranslationUnit) -> str:
        return "\n".join(self.stmt(d, 0) for d in u.decls) + "\n"


def to_glsl(n: Node, *, full_parens: bool = False) -> str:
    """Print a tree (a translation unit, statement, type or expression) as GLSL source.

    With ``full_parens`` every compound sub-expression is parenthesised, which shows the tree's shape.
    Deep trees are fine up to the parser's nesting limit; deeper hand-built trees raise GlslError.
    """
    p = _Printer(full_parens)
    try:
        with recursion_room(10_000):
            if isinstance(n, TranslationUnit):
                return p.unit(n)
            if isinstance(n, TypeSpec):
                return p.type_spec(n)
            if isinstance(n, Expr):
                return p.expr(n)
            if isinstance(n, StructSpec):
                return p.struct(n, 0)
            if isinstance(n, (StructField, Param)):
                return p.type_spec(n.type) + (f" {n.name}" if n.name else "") + p.dims(n.dims)
            if isinstance(n, VarDecl):
                return n.name + p.dims(n.dims) + ("" if n.init is None else " = " + p.expr(n.init, PREC_ASSIGN))
            if isinstance(n, LayoutId):
                return n.name + ("" if n.value is None else " = " + p.expr(n.value, PREC_TERNARY))
            if isinstance(n, Case):
                return p.case(n, 0)
            return p.stmt(n, 0)
    except RecursionError:
        raise GlslError("tree too deep to print", n.span) from None
