"""The type checker: scopes, types, conversions, overloads, constructors, swizzles, constants, l-values.

:func:`check` walks a parsed :class:`~glslc.ast.TranslationUnit`, sets ``ty`` on every expression, and
records what later stages need in side tables keyed by node (nodes hash by identity): the symbol each
name refers to, the function or built-in each call resolves to, which ``Field`` nodes are swizzles, the
constant value of folded expressions. Errors are collected (several per run, one per independent
statement) and raised together as :class:`~glslc.errors.GlslErrors`.

The language level follows the shader's ``#version``: GLSL ES (1.00, 3.00) has no implicit conversions
and forbids redefining built-ins and non-constant global initialisers; desktop GLSL converts int -> uint
(4.00+) -> float (-> double) as the spec allows. Each rule here was compared with what Mesa (the
reference) accepts and rejects; see ``tests/test_check.py``.
"""

from __future__ import annotations

import math
import struct as _struct
from dataclasses import dataclass, field
from typing import Any

from . import ast as A
from .builtins import BUILTIN_VARIABLES, available, overloads
from .errors import GlslError, GlslErrors, Span
from .types import (
    BOOL,
    FLOAT,
    INT,
    UINT,
    VOID,
    Type,
    array,
    matrix,
    parse_type_name,
    scalar,
    struct,
    vector,
)

ERROR = Type("error")  # the type of an expression that already produced a diagnostic (no cascades)

_SWIZZLE_SETS = ("xyzw", "rgba", "stpq")
_RELATIONAL = {"<", ">", "<=", ">="}
_EQUALITY = {"==", "!="}
_LOGICAL = {"&&", "||", "^^"}
_ARITH = {"+", "-", "*", "/"}
_BITWISE = {"&", "|", "^"}
_SHIFT = {"<<", ">>"}
# built-ins that are not constant expressions even with constant arguments
_NON_CONST_BUILTINS_PREFIXES = ("texture", "texel", "dFd", "fwidth", "interpolate", "noise", "shadow")


@dataclass(eq=False)
class Var:
    """A variable: global, local, parameter, uniform, or built-in."""

    name: str
    type: Type
    kind: str  # "global", "local", "param", "builtin"
    storage: str = ""  # "const", "uniform", "in", "out", "inout", "" (plain)
    value: Any = None  # the folded value of a const variable, when known
    span: Span | None = None
    uid: int = 0

    @property
    def is_const(self) -> bool:
        return self.storage == "const"

    @property
    def writable(self) -> bool:
        return self.storage not in ("const", "uniform", "in") or (self.kind == "param" and self.storage == "in")


@dataclass(eq=False)
class Function:
    """A user function (one overload)."""

    name: str
    ret: Type
    params: list[tuple[str | None, Type, str]]  # name, type, qualifier ("in", "out", "inout")
    proto: A.FunctionProto
    definition: A.FunctionDef | None = None

    @property
    def param_types(self) -> tuple[Type, ...]:
        return tuple(p[1] for p in self.params)

    def signature(self) -> str:
        return f"{self.name}({', '.join(str(t) for t in self.param_types)})"


@dataclass
class CheckResult:
    """The checked unit and the side tables later stages read."""

    unit: A.TranslationUnit
    version: int
    es: bool
    symbols: dict[A.Node, Var] = field(default_factory=dict)  # Ident / VarDecl / Param -> Var
    calls: dict[A.Call, Any] = field(default_factory=dict)  # -> Function, builtins.Signature, or Type (ctor)
    swizzles: dict[A.Field, tuple[int, ...]] = field(default_factory=dict)
    constants: dict[A.Expr, Any] = field(default_factory=dict)
    functions: dict[str, list[Function]] = field(default_factory=dict)
    structs: dict[str, Type] = field(default_factory=dict)
    globals: list[Var] = field(default_factory=list)


class _Abort(Exception):
    """Stop checking the current statement (its error is already recorded)."""


class _Scope:
    __slots__ = ("names", "parent")

    def __init__(self, parent: _Scope | None) -> None:
        self.names: dict[str, Var] = {}
        self.parent = parent

    def lookup(self, name: str) -> Var | None:
        s: _Scope | None = self
        while s is not None:
            v = s.names.get(name)
            if v is not None:
                return v
            s = s.parent
        return None


def check(unit: A.TranslationUnit, *, version: int = 300, es: bool = True, filename: str = "<shader>",
          max_errors: int = 50) -> CheckResult:
    """Check a unit for the given language level; raises GlslErrors with every independent error."""
    checker = _Checker(unit, version, es, filename, max_errors)
    with A.recursion_room(20000):
        checker.run()
    if checker.errors:
        raise GlslErrors(checker.errors)
    return checker.result


class _Checker:
    def __init__(self, unit: A.TranslationUnit, version: int, es: bool, filename: str, max_errors: int) -> None:
        self.result = CheckResult(unit, version, es)
        self.version, self.es = version, es
        self.filename = filename
        self.errors: list[GlslError] = []
        self.max_errors = max_errors
        self.scope = _Scope(None)
        self.uid = 0
        self.function: Function | None = None
        self.loop_depth = 0
        self.switch_depth = 0
        self.returns_seen = 0
        self._install_builtins()

    # ------------------------------------------------------------------------------------ helpers
    def error(self, message: str, node: A.Node | Span | None) -> None:
        span = node if isinstance(node, Span) else (node.span if node is not None else Span(self.filename))
        if len(self.errors) < self.max_errors:
            self.errors.append(GlslError(message, span))

    def fail(self, message: str, node: A.Node | Span | None) -> _Abort:
        self.error(message, node)
        return _Abort()

    def _install_builtins(self) -> None:
        for name, (ty, storage, avail) in BUILTIN_VARIABLES.items():
            if self._available_tag(avail):
                self.declare(Var(name, ty, "builtin", storage), None, quiet=True)

    def _available_tag(self, avail: str) -> bool:
        class _S:  # adapt builtins.available's signature interface
            availability = avail

        return available(_S, self.version, self.es)  # type: ignore[arg-type]

    def declare(self, var: Var, node: A.Node | None, quiet: bool = False) -> Var:
        self.uid += 1
        var.uid = self.uid
        existing = self.scope.names.get(var.name)
        if existing is not None and not quiet and existing.kind != "builtin":
            self.error(f"'{var.name}' is already declared in this scope", node)
        elif var.kind != "builtin" and var.name.startswith("gl_"):
            self.error(f"identifiers starting with 'gl_' are reserved: '{var.name}'", node)
        self.scope.names[var.name] = var
        if node is not None:
            self.result.symbols[node] = var
        return var

    def push(self) -> None:
        self.scope = _Scope(self.scope)

    def pop(self) -> None:
        assert self.scope.parent is not None
        self.scope = self.scope.parent

    def can_convert(self, src: Type, dst: Type) -> bool:
        """Whether ``src`` converts implicitly to ``dst`` at this language level."""
        if src == dst:
            return True
        if self.es or src.kind != dst.kind or src.kind not in ("scalar", "vector", "matrix"):
            return False
        if src.kind == "vector" and src.size != dst.size:
            return False
        if src.kind == "matrix" and (src.cols, src.rows) != (dst.cols, dst.rows):
            return False
        a, b = src.base, dst.base
        if b == "float":
            return a in ("int", "uint") and src.kind != "matrix"
        if b == "uint":
            return a == "int" and self.version >= 400
        if b == "double":
            return a in ("int", "uint", "float")
        return False

    def convert(self, e: A.Expr, dst: Type, what: str) -> None:
        """Check that expression ``e`` (already typed) can be used where ``dst`` is expected."""
        src = e.ty
        if src is ERROR or dst is ERROR or src == dst:
            return
        if not self.can_convert(src, dst):
            raise self.fail(f"{what}: cannot convert {src} to {dst}", e)

    # -------------------------------------------------------------------------------------- types
    def resolve_type(self, ts: A.TypeSpec) -> Type:
        """The Type a TypeSpec names (structs defined inline are declared here)."""
        if ts.struct is not None:
            base = self.declare_struct(ts.struct)
        elif ts.name is None:
            raise self.fail("missing type", ts)
        else:
            base = parse_type_name(ts.name) or self.result.structs.get(ts.name)
            if base is None:
                raise self.fail(f"unknown type '{ts.name}'", ts)
        return self.apply_dims(base, ts.dims, ts)

    def apply_dims(self, base: Type, dims: list[A.Expr | None], node: A.Node) -> Type:
        t = base
        for d in reversed(dims):
            t = array(t, None if d is None else self.array_size(d))
        return t

    def array_size(self, e: A.Expr) -> int:
        self.expr(e)
        if e.ty is ERROR:
            raise _Abort()
        value = self.result.constants.get(e)
        if not (e.ty.is_scalar and e.ty.base in ("int", "uint")) or not isinstance(value, int):
            raise self.fail("array size must be a constant integer expression", e)
        if value <= 0:
            raise self.fail(f"array size must be greater than zero, not {value}", e)
        return value

    def declare_struct(self, spec: A.StructSpec) -> Type:
        fields: list[tuple[str, Type]] = []
        seen: set[str] = set()
        for f in spec.fields:
            ft = self.apply_dims(self.resolve_type(f.type), f.dims, f)
            if f.name in seen:
                self.error(f"duplicate field '{f.name}' in struct", f)
            seen.add(f.name)
            fields.append((f.name, ft))
        self.uid += 1
        name = spec.name or f"__anon_struct_{self.uid}"
        t = struct(name, tuple(fields))
        if spec.name:
            if spec.name in self.result.structs and self.scope.parent is None:
                self.error(f"struct '{spec.name}' is already defined", spec)
            self.result.structs[spec.name] = t
        return t

    # ------------------------------------------------------------------------------- translation unit
    def run(self) -> None:
        unit = self.result.unit
        for d in unit.decls:
            if len(self.errors) >= self.max_errors:
                break
            try:
                if isinstance(d, A.FunctionDef):
                    self.function_def(d)
                elif isinstance(d, A.FunctionProto):
                    self.function_proto(d)
                elif isinstance(d, A.DeclStmt):
                    self.declaration(d, is_global=True)
                elif isinstance(d, A.InterfaceBlock):
                    self.interface_block(d)
                # PrecisionDecl, QualifierDecl, EmptyStmt: nothing to check
            except _Abort:
                pass
        self.check_linkage()

    def check_linkage(self) -> None:
        for fns in self.result.functions.values():
            for f in fns:
                if f.definition is None and getattr(f, "_called", False):
                    self.error(f"function '{f.signature()}' is declared and called but never defined", f.proto)
        if "main" not in self.result.functions:
            self.error("no 'void main()' function", Span(self.filename, 1, 1))

    def interface_block(self, b: A.InterfaceBlock) -> None:
        fields = []
        for f in b.fields:
            fields.append((f.name, self.apply_dims(self.resolve_type(f.type), f.dims, f)))
        storage = next((q for q in b.type.qualifiers if q in ("uniform", "in", "out", "buffer")), "uniform")
        if b.instance:
            t = self.apply_dims(struct(b.block_name, tuple(fields)), b.dims, b)
            self.declare(Var(b.instance, t, "global", storage, span=b.span), b)
        else:
            for name, ft in fields:
                self.declare(Var(name, ft, "global", storage, span=b.span), None)

    def function_proto(self, p: A.FunctionProto, definition: A.FunctionDef | None = None) -> Function:
        ret = self.resolve_type(p.ret)
        params: list[tuple[str | None, Type, str]] = []
        for prm in p.params:
            t = self.apply_dims(self.resolve_type(prm.type), prm.dims, prm)
            if t == VOID:
                if len(p.params) == 1 and prm.name is None:
                    continue  # f(void)
                raise self.fail("a parameter cannot have type void", prm)
            qual = next((q for q in prm.type.qualifiers if q in ("in", "out", "inout")), "in")
            params.append((prm.name, t, qual))
        fns = self.result.functions.setdefault(p.name, [])
        types = tuple(t for _, t, _ in params)
        if self.es and overloads(p.name) and self.builtin_available(p.name):
            raise self.fail(f"cannot redefine or overload the built-in function '{p.name}' in GLSL ES", p)
        for f in fns:
            if f.param_types == types:
                if f.ret != ret:
                    raise self.fail(f"'{p.name}' redeclared with a different return type ({f.ret}, was {ret})", p)
                if definition is not None:
                    if f.definition is not None:
                        raise self.fail(f"function '{f.signature()}' is already defined", p)
                    f.definition = definition
                    f.proto = p
                    f.params = params
                return f
        f = Function(p.name, ret, params, p, definition)
        fns.append(f)
        if p.name == "main" and (types or ret != VOID):
            self.error("'main' must be 'void main()'", p)
        return f

    def builtin_available(self, name: str) -> bool:
        return any(available(s, self.version, self.es) for s in overloads(name))

    def function_def(self, d: A.FunctionDef) -> None:
        f = self.function_proto(d.proto, d)
        self.function = f
        self.push()
        self.returns_seen = 0
        try:
            for (name, t, qual), prm in zip(f.params, d.proto.params, strict=False):
                if name is None:
                    continue
                storage = "const" if "const" in prm.type.qualifiers else qual
                self.declare(Var(name, t, "param", storage, span=prm.span), prm)
            self.block_items(d.body.stmts)
        finally:
            self.pop()
            self.function = None
        if f.ret != VOID and self.returns_seen == 0:
            self.error(f"function '{f.name}' returns {f.ret} but has no return statement", d.proto)

    # ------------------------------------------------------------------------------------ statements
    def block_items(self, stmts: list[A.Node]) -> None:
        for s in stmts:
            if len(self.errors) >= self.max_errors:
                return
            try:
                self.stmt(s)
            except _Abort:
                pass

    def stmt(self, s: A.Node) -> None:
        if isinstance(s, A.Block):
            self.push()
            try:
                self.block_items(s.stmts)
            finally:
                self.pop()
        elif isinstance(s, A.DeclStmt):
            self.declaration(s, is_global=False)
        elif isinstance(s, A.ExprStmt):
            self.expr(s.expr)
        elif isinstance(s, A.If):
            self.condition(s.cond, "if")
            self.sub_stmt(s.then)
            if s.else_ is not None:
                self.sub_stmt(s.else_)
        elif isinstance(s, A.For):
            self.push()
            try:
                self.stmt(s.init)
                if s.cond is not None:
                    self.condition(s.cond, "for")
                if s.step is not None:
                    self.expr(s.step)
                self.loop_body(s.body)
            finally:
                self.pop()
        elif isinstance(s, A.While):
            self.push()
            try:
                self.condition(s.cond, "while")
                self.loop_body(s.body)
            finally:
                self.pop()
        elif isinstance(s, A.DoWhile):
            self.loop_depth += 1
            try:
                self.sub_stmt(s.body)
            finally:
                self.loop_depth -= 1
            self.condition(s.cond, "do-while")
        elif isinstance(s, A.Switch):
            self.switch(s)
        elif isinstance(s, A.Return):
            self.return_(s)
        elif isinstance(s, A.Break):
            if self.loop_depth == 0 and self.switch_depth == 0:
                self.error("'break' outside a loop or switch", s)
        elif isinstance(s, A.Continue):
            if self.loop_depth == 0:
                self.error("'continue' outside a loop", s)
        elif isinstance(s, (A.Discard, A.EmptyStmt, A.PrecisionDecl, A.QualifierDecl)):
            pass
        elif isinstance(s, A.FunctionProto):
            self.error("functions cannot be declared inside a function", s)
        elif isinstance(s, A.Case):
            self.error("'case' outside a switch", s)
        else:  # pragma: no cover - the parser builds no other statements
            self.error(f"unexpected {type(s).__name__}", s)

    def sub_stmt(self, s: A.Node) -> None:
        """A statement in a branch or body: a new scope even without braces."""
        self.push()
        try:
            if isinstance(s, A.Block):
                self.block_items(s.stmts)
            else:
                self.stmt(s)
        except _Abort:
            pass
        finally:
            self.pop()

    def loop_body(self, body: A.Node) -> None:
        # the loop's body shares the scope of the loop header (GLSL ES 3.00 6.3): `for (int i..) { int i; }`
        # is a redeclaration
        self.loop_depth += 1
        try:
            if isinstance(body, A.Block):
                self.block_items(body.stmts)
            else:
                self.stmt(body)
        except _Abort:
            pass
        finally:
            self.loop_depth -= 1

    def condition(self, c: A.Node, what: str) -> None:
        if isinstance(c, A.DeclStmt):
            self.declaration(c, is_global=False)
            if len(c.decls) == 1:
                var = self.result.symbols.get(c.decls[0])
                if var is not None and var.type != BOOL:
                    self.error(f"the {what} condition must be a bool, not {var.type}", c)
            return
        assert isinstance(c, A.Expr)
        self.expr(c)
        if c.ty is not ERROR and c.ty != BOOL:
            self.error(f"the {what} condition must be a bool scalar, not {c.ty}", c)

    def switch(self, s: A.Switch) -> None:
        self.expr(s.expr)
        t = s.expr.ty
        if t is not ERROR and not (t.is_scalar and t.base in ("int", "uint")):
            self.error(f"switch needs an int or uint scalar, not {t}", s.expr)
        seen: dict[Any, A.Case] = {}
        has_default = False
        self.switch_depth += 1
        self.push()
        try:
            for c in s.cases:
                if c.value is None:
                    if has_default:
                        self.error("more than one 'default' label", c)
                    has_default = True
                else:
                    try:
                        self.expr(c.value)
                        v = self.result.constants.get(c.value)
                        if c.value.ty is not ERROR:
                            if not isinstance(v, int) or isinstance(v, bool):
                                self.error("a case label must be a constant integer expression", c.value)
                            elif t is not ERROR and c.value.ty != t and not self.can_convert(c.value.ty, t):
                                self.error(f"case label of type {c.value.ty} in a switch on {t}", c.value)
                            elif v in seen:
                                self.error(f"duplicate case label {v}", c.value)
                            else:
                                seen[v] = c
                    except _Abort:
                        pass
                self.block_items(c.body)
        finally:
            self.pop()
            self.switch_depth -= 1

    def return_(self, s: A.Return) -> None:
        f = self.function
        self.returns_seen += 1
        if f is None:
            return
        if s.value is None:
            if f.ret != VOID:
                self.error(f"'return' with no value in function '{f.name}' returning {f.ret}", s)
            return
        self.expr(s.value)
        if f.ret == VOID:
            if s.value.ty is not ERROR:
                self.error(f"'return' with a value in function '{f.name}' returning void", s)
            return
        self.convert(s.value, f.ret, f"return value of '{f.name}'")

    def declaration(self, d: A.DeclStmt, is_global: bool) -> None:
        ts = d.type
        base = self.resolve_type(ts)
        quals = set(ts.qualifiers)
        storage = next((q for q in ("const", "uniform", "in", "out", "attribute", "varying", "buffer", "shared")
                        if q in quals), "")
        if storage == "varying":
            storage = "in"
        if storage == "attribute":
            storage = "in"
        if not d.decls:
            return
        for vd in d.decls:
            try:
                t = self.apply_dims(base, vd.dims, vd)
                if t == VOID:
                    raise self.fail(f"variable '{vd.name}' cannot have type void", vd)
                value = None
                if vd.init is not None:
                    if storage in ("uniform", "in") and not (storage == "uniform" and not self.es):
                        raise self.fail(f"{storage} variable '{vd.name}' cannot have an initializer", vd)
                    if isinstance(vd.init, A.InitList):
                        self.init_list(vd.init, t)
                    else:
                        self.expr(vd.init)
                    it = vd.init.ty
                    if it is not ERROR:
                        if t.kind == "array" and t.length is None and it.kind == "array":
                            t = array(t.element, it.length)  # type: ignore[arg-type]
                        self.convert(vd.init, t, f"initializer of '{vd.name}'")
                    const_init = vd.init in self.result.constants or self.is_constant(vd.init)
                    if storage == "const" and not const_init:
                        self.error(f"initializer of const variable '{vd.name}' must be a constant expression",
                                   vd.init)
                    elif is_global and self.es and not const_init and storage not in ("uniform",):
                        self.error(f"initializer of global variable '{vd.name}' must be a constant expression"
                                   " in GLSL ES", vd.init)
                    if storage == "const":
                        value = self.result.constants.get(vd.init)
                elif storage == "const":
                    raise self.fail(f"const variable '{vd.name}' needs an initializer", vd)
                if t.kind == "array" and t.length is None:
                    raise self.fail(f"array '{vd.name}' needs a size or an initializer", vd)
                var = Var(vd.name, t, "global" if is_global else "local", storage, value, vd.span)
                self.declare(var, vd)
                if is_global:
                    self.result.globals.append(var)
            except _Abort:
                # declare it anyway (as an error type) so later uses don't cascade
                if self.scope.names.get(vd.name) is None:
                    self.declare(Var(vd.name, ERROR, "local", storage), vd, quiet=True)

    def init_list(self, il: A.InitList, t: Type) -> None:
        if t.kind == "array":
            if t.length is not None and len(il.items) != t.length:
                raise self.fail(f"initializer list has {len(il.items)} elements for {t}", il)
            for item in il.items:
                self._init_item(item, t.element)  # type: ignore[arg-type]
            il.ty = array(t.element, len(il.items))  # type: ignore[arg-type]
        elif t.kind == "struct":
            if len(il.items) != len(t.fields):
                raise self.fail(f"initializer list has {len(il.items)} elements for struct {t}", il)
            for item, (_, ft) in zip(il.items, t.fields, strict=True):
                self._init_item(item, ft)
            il.ty = t
        elif t.kind in ("vector", "matrix"):
            n = t.size if t.kind == "vector" else t.cols
            et = scalar(t.base) if t.kind == "vector" else t.column
            if len(il.items) != n:
                raise self.fail(f"initializer list has {len(il.items)} elements for {t}", il)
            for item in il.items:
                self._init_item(item, et)
            il.ty = t
        else:
            if len(il.items) != 1:
                raise self.fail(f"initializer list for {t} must have one element", il)
            self._init_item(il.items[0], t)
            il.ty = t

    def _init_item(self, item: A.Expr, t: Type) -> None:
        if isinstance(item, A.InitList):
            self.init_list(item, t)
        else:
            self.expr(item)
            self.convert(item, t, "initializer list element")

    # ----------------------------------------------------------------------------------- constants
    def is_constant(self, e: A.Expr) -> bool:
        """Whether an expression is a constant expression (its value may still be unknown)."""
        if e in self.result.constants:
            return True
        if isinstance(e, (A.IntLit, A.FloatLit, A.BoolLit)):
            return True
        if isinstance(e, A.Ident):
            v = self.result.symbols.get(e)
            return v is not None and v.is_const
        if isinstance(e, (A.Unary, A.Binary, A.Ternary, A.Index, A.Field, A.Comma)):
            if isinstance(e, A.Comma):
                return False
            return all(self.is_constant(c) for c in e.children() if isinstance(c, A.Expr))
        if isinstance(e, A.Length):
            return e.base.ty is not ERROR and e.base.ty.kind == "array" and e.base.ty.length is not None
        if isinstance(e, A.Call):
            target = self.result.calls.get(e)
            if isinstance(target, Function) or target is None:
                return False
            if isinstance(e.callee, str) and e.callee.startswith(_NON_CONST_BUILTINS_PREFIXES):
                return False
            if not isinstance(target, Type) and any(q != "in" for q in target.qualifiers):
                return False
            return all(self.is_constant(a) for a in e.args)
        if isinstance(e, A.InitList):
            return all(self.is_constant(a) for a in e.items)
        return False

    # --------------------------------------------------------------------------------- expressions
    def expr(self, e: A.Expr) -> Type:
        """Type an expression (sets ``e.ty``); raises _Abort after recording an error."""
        method = getattr(self, "e_" + type(e).__name__)
        try:
            t = method(e)
        except _Abort:
            e.ty = ERROR
            raise
        e.ty = t
        return t

    def e_IntLit(self, e: A.IntLit) -> Type:
        if e.unsigned:
            self.result.constants[e] = e.value & 0xFFFFFFFF
            return UINT
        if e.value > 0xFFFFFFFF:
            raise self.fail(f"integer literal {e.value} is too large", e)
        v = e.value - (1 << 32) if e.value >= (1 << 31) else e.value
        self.result.constants[e] = v
        return INT

    def e_FloatLit(self, e: A.FloatLit) -> Type:
        self.result.constants[e] = float(e.value) if e.double else _f32(float(e.value))
        return scalar("double") if e.double else FLOAT

    def e_BoolLit(self, e: A.BoolLit) -> Type:
        self.result.constants[e] = bool(e.value)
        return BOOL

    def e_Ident(self, e: A.Ident) -> Type:
        var = self.scope.lookup(e.name)
        if var is None:
            if e.name in self.result.functions or overloads(e.name):
                raise self.fail(f"'{e.name}' is a function; call it with arguments", e)
            raise self.fail(f"'{e.name}' is not declared", e)
        self.result.symbols[e] = var
        if var.type is ERROR:
            raise _Abort()
        if var.is_const and var.value is not None:
            self.result.constants[e] = var.value
        return var.type

    def e_Unary(self, e: A.Unary) -> Type:
        t = self.expr(e.operand)
        op = e.op
        if op == "!":
            if t != BOOL:
                raise self.fail(f"'!' needs a bool scalar, not {t}", e)
        elif op == "~":
            if not (t.kind in ("scalar", "vector") and t.base in ("int", "uint")):
                raise self.fail(f"'~' needs an integer operand, not {t}", e)
        elif not t.is_numeric or t.kind not in ("scalar", "vector", "matrix"):
            raise self.fail(f"unary '{op}' needs a numeric operand, not {t}", e)
        v = self.result.constants.get(e.operand)
        if v is not None:
            folded = _fold_unary(op, v, t)
            if folded is not None:
                self.result.constants[e] = folded
        return t

    def _incdec(self, e: A.PreIncDec | A.PostIncDec) -> Type:
        t = self.expr(e.operand)
        if not t.is_numeric:
            raise self.fail(f"'{e.op}' needs a numeric operand, not {t}", e)
        self.lvalue(e.operand, e.op)
        return t

    e_PreIncDec = _incdec
    e_PostIncDec = _incdec

    def binary_type(self, op: str, a: Type, b: Type, node: A.Node) -> Type:
        """The result type of ``a op b`` (GLSL 4.50 5.9), after implicit conversions."""
        if op in _LOGICAL:
            if a != BOOL or b != BOOL:
                raise self.fail(f"'{op}' needs bool scalars, not {a} and {b}", node)
            return BOOL
        if op in _EQUALITY:
            if a.kind == "sampler" or b.kind == "sampler":
                raise self.fail(f"samplers cannot be compared with '{op}'", node)
            if a != b and not (self.can_convert(a, b) or self.can_convert(b, a)):
                raise self.fail(f"operands of '{op}' must have the same type, not {a} and {b}", node)
            return BOOL
        if op in _RELATIONAL:
            if not (a.is_scalar and b.is_scalar and a.is_numeric and b.is_numeric):
                raise self.fail(f"'{op}' needs numeric scalars, not {a} and {b}"
                                + ("; use lessThan()/greaterThan() for vectors" if a.is_vector else ""), node)
            self.common_base(a, b, op, node)
            return BOOL
        if op in _SHIFT:
            for t in (a, b):
                if not (t.kind in ("scalar", "vector") and t.base in ("int", "uint")):
                    raise self.fail(f"'{op}' needs integer operands, not {a} and {b}", node)
            if b.is_vector and (not a.is_vector or a.size != b.size):
                raise self.fail(f"'{op}': cannot shift {a} by {b}", node)
            return a
        if not (a.is_numeric and b.is_numeric):
            raise self.fail(f"'{op}' needs numeric operands, not {a} and {b}", node)
        if op == "%" or op in _BITWISE:
            if a.base not in ("int", "uint") or b.base not in ("int", "uint") or a.is_matrix or b.is_matrix:
                raise self.fail(f"'{op}' needs integer operands, not {a} and {b}", node)
        base = self.common_base(a, b, op, node)
        a, b = a.with_base(base), b.with_base(base)
        if a.is_scalar:
            return b
        if b.is_scalar:
            return a
        if a.is_vector and b.is_vector:
            if a.size != b.size:
                raise self.fail(f"'{op}': vector sizes differ ({a} and {b})", node)
            return a
        if op == "*":
            if a.is_matrix and b.is_matrix:
                if a.cols != b.rows:
                    raise self.fail(f"'*': cannot multiply {a} by {b}", node)
                return matrix(b.cols, a.rows, base)
            if a.is_vector and b.is_matrix:
                if a.size != b.rows:
                    raise self.fail(f"'*': cannot multiply {a} by {b}", node)
                return vector(base, b.cols)
            if a.is_matrix and b.is_vector:
                if a.cols != b.size:
                    raise self.fail(f"'*': cannot multiply {a} by {b}", node)
                return vector(base, a.rows)
        if a.is_matrix and b.is_matrix and (a.cols, a.rows) == (b.cols, b.rows):
            return a
        raise self.fail(f"'{op}': incompatible operands {a} and {b}", node)

    def common_base(self, a: Type, b: Type, op: str, node: A.Node) -> str:
        if a.base == b.base:
            return a.base
        if op in _SHIFT:
            return a.base
        sa, sb = scalar(a.base), scalar(b.base)
        if self.can_convert(sa, sb):
            return b.base
        if self.can_convert(sb, sa):
            return a.base
        raise self.fail(f"'{op}': operands have different types ({a} and {b})", node)

    def e_Binary(self, e: A.Binary) -> Type:
        a = self.expr(e.lhs)
        b = self.expr(e.rhs)
        t = self.binary_type(e.op, a, b, e)
        va, vb = self.result.constants.get(e.lhs), self.result.constants.get(e.rhs)
        if va is not None and vb is not None:
            folded = _fold_binary(e.op, va, vb, t)
            if folded is not None:
                self.result.constants[e] = folded
        return t

    def e_Assign(self, e: A.Assign) -> Type:
        lt = self.expr(e.lhs)
        rt = self.expr(e.rhs)
        self.lvalue(e.lhs, e.op)
        if e.op == "=":
            self.convert(e.rhs, lt, "assignment")
            if lt.kind == "array" and lt.length is None:
                raise self.fail("cannot assign to an unsized array", e)
        else:
            t = self.binary_type(e.op[:-1], lt, rt, e)
            if t != lt:
                raise self.fail(f"'{e.op}': the result {t} cannot be stored in {lt}", e)
        return lt

    def lvalue(self, e: A.Expr, what: str) -> None:
        """Check ``e`` is writable (a variable, element, member, or swizzle without repeats)."""
        if isinstance(e, A.Ident):
            var = self.result.symbols.get(e)
            if var is None:
                return
            if var.storage in ("const", "uniform") or (var.storage == "in" and var.kind != "param"):
                kind = {"const": "a const", "uniform": "a uniform", "in": "an input"}[var.storage]
                raise self.fail(f"'{what}': '{var.name}' is {kind} variable and cannot be written", e)
            if var.kind == "param" and var.storage == "const":
                raise self.fail(f"'{what}': parameter '{var.name}' is const", e)
            return
        if isinstance(e, A.Index):
            self.lvalue(e.base, what)
            return
        if isinstance(e, A.Field):
            sw = self.result.swizzles.get(e)
            if sw is not None and len(set(sw)) != len(sw):
                raise self.fail(f"'{what}': a swizzle with repeated components cannot be written", e)
            self.lvalue(e.base, what)
            return
        raise self.fail(f"'{what}': the left side is not an l-value", e)

    def e_Ternary(self, e: A.Ternary) -> Type:
        c = self.expr(e.cond)
        if c != BOOL:
            raise self.fail(f"the '?:' condition must be a bool scalar, not {c}", e.cond)
        a = self.expr(e.then)
        b = self.expr(e.else_)
        if a != b:
            if self.can_convert(b, a):
                return a
            if self.can_convert(a, b):
                return b
            raise self.fail(f"the branches of '?:' have different types ({a} and {b})", e)
        vc = self.result.constants.get(e.cond)
        if vc is not None:
            v = self.result.constants.get(e.then if vc else e.else_)
            if v is not None:
                self.result.constants[e] = v
        return a

    def e_Comma(self, e: A.Comma) -> Type:
        t = VOID
        for x in e.exprs:
            t = self.expr(x)
        return t

    def e_Index(self, e: A.Index) -> Type:
        bt = self.expr(e.base)
        it = self.expr(e.index)
        if not (it.is_scalar and it.base in ("int", "uint")):
            raise self.fail(f"an index must be an int or uint scalar, not {it}", e.index)
        if bt.kind == "array":
            n, result = bt.length, bt.element
        elif bt.is_vector:
            n, result = bt.size, scalar(bt.base)
        elif bt.is_matrix:
            n, result = bt.cols, bt.column
        else:
            raise self.fail(f"{bt} cannot be indexed", e)
        idx = self.result.constants.get(e.index)
        if isinstance(idx, int) and n is not None and not 0 <= idx < n:
            raise self.fail(f"index {idx} is out of range for {bt}", e.index)
        base_v = self.result.constants.get(e.base)
        if isinstance(idx, int) and isinstance(base_v, tuple) and 0 <= idx < len(base_v):
            self.result.constants[e] = base_v[idx]
        assert result is not None
        return result

    def e_Field(self, e: A.Field) -> Type:
        bt = self.expr(e.base)
        if bt.kind == "struct":
            for name, ft in bt.fields:
                if name == e.name:
                    return ft
            raise self.fail(f"struct {bt} has no field '{e.name}'", e)
        if bt.kind in ("vector", "scalar") and bt.base != "":
            size = bt.size if bt.is_vector else 1
            idx = _swizzle(e.name, size)
            if idx is None:
                raise self.fail(f"invalid swizzle '.{e.name}' on {bt}", e)
            if bt.is_scalar and self.es:
                raise self.fail(f"'{bt}' has no fields (swizzles of scalars need desktop GLSL 4.20)", e)
            self.result.swizzles[e] = idx
            v = self.result.constants.get(e.base)
            if v is not None:
                comps = v if isinstance(v, tuple) else (v,)
                picked = tuple(comps[i] for i in idx)
                self.result.constants[e] = picked[0] if len(picked) == 1 else picked
            return vector(bt.base, len(idx))
        raise self.fail(f"{bt} has no field '{e.name}'", e)

    def e_Length(self, e: A.Length) -> Type:
        bt = self.expr(e.base)
        if bt.kind == "array":
            if bt.length is None:
                raise self.fail("length() of an unsized array", e)
            self.result.constants[e] = bt.length
        elif bt.is_vector and not self.es:
            self.result.constants[e] = bt.size
        elif bt.is_matrix and not self.es:
            self.result.constants[e] = bt.cols
        else:
            raise self.fail(f"length() needs an array, not {bt}", e)
        return INT

    def e_InitList(self, e: A.InitList) -> Type:
        raise self.fail("an initializer list can only initialize a declaration", e)

    # ------------------------------------------------------------------------------------ calls
    def e_Call(self, e: A.Call) -> Type:
        if isinstance(e.callee, A.TypeSpec):
            return self.constructor(e, e.callee)
        name = e.callee
        args = [self.expr(a) for a in e.args]
        if len(args) == 1 and args[0] == VOID and not e.args:
            args = []
        var = self.scope.lookup(name)
        if var is not None and var.kind != "builtin" and name not in self.result.functions:
            raise self.fail(f"'{name}' is a variable, not a function", e)
        user = self.result.functions.get(name, [])
        builtin = [s for s in overloads(name) if available(s, self.version, self.es)]
        if not user and not builtin:
            if name in self.result.structs:
                return self.constructor(e, A.TypeSpec(name, span=e.span))
            if overloads(name):
                raise self.fail(f"built-in function '{name}' is not available in GLSL "
                                f"{self.version}{' es' if self.es else ''}", e)
            raise self.fail(f"'{name}' is not a declared function", e)
        cands: list[Any] = list(user) + builtin
        target = self.resolve_overload(name, cands, args, e)
        self.result.calls[e] = target
        quals = target.qualifiers if not isinstance(target, Function) else tuple(p[2] for p in target.params)
        for a, q in zip(e.args, quals, strict=False):
            if q in ("out", "inout"):
                self.lvalue(a, f"{q} argument of '{name}'")
        if isinstance(target, Function):
            target._called = True  # type: ignore[attr-defined]
            return target.ret
        folded = _fold_builtin(name, [self.result.constants.get(a) for a in e.args], target.ret)
        if folded is not None and not name.startswith(_NON_CONST_BUILTINS_PREFIXES):
            self.result.constants[e] = folded
        return target.ret

    def resolve_overload(self, name: str, cands: list[Any], args: list[Type], node: A.Call) -> Any:
        def params(c: Any) -> tuple[Type, ...]:
            return c.param_types if isinstance(c, Function) else c.params

        exact = [c for c in cands if params(c) == tuple(args)]
        if exact:
            return exact[0]
        if ERROR in args:
            raise _Abort()
        viable = [c for c in cands if len(params(c)) == len(args)
                  and all(self.can_convert(a, p) for a, p in zip(args, params(c), strict=True))]
        if len(viable) == 1:
            return viable[0]
        if viable:
            # GLSL 4.00 6.1: prefer the candidate whose conversions are all at least as good
            def cost(c: Any) -> tuple[int, ...]:
                return tuple(0 if a == p else (1 if p.base == "float" else 2)
                             for a, p in zip(args, params(c), strict=True))

            best = [c for c in viable if all(all(x <= y for x, y in zip(cost(c), cost(o), strict=True))
                                             for o in viable)]
            if len(best) == 1:
                return best[0]
            raise self.fail(f"ambiguous call to '{name}({', '.join(map(str, args))})'", node)
        shown = ", ".join(map(str, args))
        options = sorted({f"{name}({', '.join(map(str, params(c)))})" for c in cands})
        hint = "; candidates: " + "; ".join(options[:4]) + (" ..." if len(options) > 4 else "")
        raise self.fail(f"no matching overload for '{name}({shown})'{hint}", node)

    def constructor(self, e: A.Call, ts: A.TypeSpec) -> Type:
        t = self.resolve_type(ts)
        args = [self.expr(a) for a in e.args]
        self.result.calls[e] = t
        if ERROR in args:
            raise _Abort()
        if t.kind == "array":
            if t.length is not None and t.length != len(args):
                raise self.fail(f"{t} constructor needs {t.length} elements, got {len(args)}", e)
            for a in e.args:
                self.convert(a, t.element, f"element of {t} constructor")  # type: ignore[arg-type]
            t = array(t.element, len(args))  # type: ignore[arg-type]
            self.result.calls[e] = t
        elif t.kind == "struct":
            if len(args) != len(t.fields):
                raise self.fail(f"struct {t} constructor needs {len(t.fields)} arguments, got {len(args)}", e)
            for a, (fname, ft) in zip(e.args, t.fields, strict=True):
                self.convert(a, ft, f"field '{fname}' of {t}")
        elif t.kind in ("scalar", "vector", "matrix"):
            self.basic_constructor(e, t, args)
        else:
            raise self.fail(f"cannot construct a {t}", e)
        if all(a in self.result.constants for a in e.args):
            folded = _fold_constructor(t, [self.result.constants[a] for a in e.args])
            if folded is not None:
                self.result.constants[e] = folded
        return t

    def basic_constructor(self, e: A.Call, t: Type, args: list[Type]) -> None:
        if not args:
            raise self.fail(f"{t} constructor needs arguments", e)
        for a, at in zip(e.args, args, strict=True):
            if at.kind not in ("scalar", "vector", "matrix"):
                raise self.fail(f"cannot build {t} from {at}", a)
        if len(args) == 1:
            a = args[0]
            if t.is_matrix and a.is_matrix:
                return  # matrix from matrix: any sizes
            if a.is_scalar:
                return  # scalar conversion, broadcast, or diagonal matrix
            if t.is_scalar:
                return  # first component of a vector/matrix
        if t.is_matrix and any(a.is_matrix for a in args):
            raise self.fail(f"{t} constructor: a matrix argument must be the only argument", e)
        need = t.components
        have = 0
        for i, a in enumerate(args):
            if have >= need:
                raise self.fail(f"too many arguments to the {t} constructor", e.args[i])
            have += a.components
        if have < need:
            raise self.fail(f"not enough components for {t}: {have} given, {need} needed", e)


# ------------------------------------------------------------------------------------------- helpers

def _swizzle(name: str, size: int) -> tuple[int, ...] | None:
    if not 1 <= len(name) <= 4:
        return None
    for letters in _SWIZZLE_SETS:
        if all(c in letters for c in name):
            idx = tuple(letters.index(c) for c in name)
            return idx if max(idx) < size else None
    return None


def _wrap_int(v: int, base: str) -> int:
    v &= 0xFFFFFFFF
    if base == "int" and v >= 1 << 31:
        v -= 1 << 32
    return v


def _f32(x: float) -> float:
    """``x`` rounded to float32 (inf where it overflows): what a ``float`` holds after each operation, in
    Mesa's constant folding as at run time."""
    try:
        return _struct.unpack("f", _struct.pack("f", x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


def _map(f: Any, v: Any) -> Any:
    return tuple(_map(f, x) for x in v) if isinstance(v, tuple) else f(v)


def _fold_unary(op: str, v: Any, t: Type) -> Any:
    if t.is_matrix:
        return None
    try:
        if op == "-":
            return _map(lambda x: _wrap_int(-x, t.base) if isinstance(x, int) and not isinstance(x, bool) else -x, v)
        if op == "+":
            return v
        if op == "!":
            return not v
        if op == "~":
            return _map(lambda x: _wrap_int(~x, t.base), v)
    except TypeError:
        return None
    return None


def _fold_binary(op: str, a: Any, b: Any, t: Type) -> Any:
    """Fold scalar/vector arithmetic (not matrices); None when unknown or undefined (division by zero)."""
    if isinstance(a, tuple) and isinstance(a[0], tuple) or isinstance(b, tuple) and isinstance(b[0], tuple):
        return None
    base = t.base if t.kind in ("scalar", "vector") else ""

    def one(x: Any, y: Any) -> Any:
        if op in ("&&", "||", "^^"):
            return {"&&": x and y, "||": x or y, "^^": x != y}[op]
        if op in ("==", "!="):
            return (x == y) == (op == "==")
        if op in _RELATIONAL:
            return {"<": x < y, ">": x > y, "<=": x <= y, ">=": x >= y}[op]
        is_int = base in ("int", "uint")
        if op == "+":
            r = x + y
        elif op == "-":
            r = x - y
        elif op == "*":
            r = x * y
        elif op == "/":
            if y == 0 and not is_int:  # IEEE, as Mesa folds it: 1.0 / 0.0 is inf (a common way to write it)
                return math.nan if x == 0 or math.isnan(x) else math.copysign(math.inf, x) * math.copysign(1.0, y)
            if y == 0:
                raise ZeroDivisionError
            r = int(x / y) if is_int else x / y
        elif op == "%":
            if y == 0:
                raise ZeroDivisionError
            r = int(math.fmod(x, y))
        elif op == "&":
            r = x & y
        elif op == "|":
            r = x | y
        elif op == "^":
            r = x ^ y
        elif op == "<<":
            r = x << (y & 31)
        elif op == ">>":
            r = (x & 0xFFFFFFFF) >> (y & 31) if base == "uint" else x >> (y & 31)
        else:
            raise ValueError(op)
        return _wrap_int(int(r), base) if is_int else _f32(r) if base == "float" else float(r)

    try:
        if op in _EQUALITY:
            return (a == b) == (op == "==")
        if isinstance(a, tuple) and isinstance(b, tuple):
            return tuple(one(x, y) for x, y in zip(a, b, strict=True))
        if isinstance(a, tuple):
            return tuple(one(x, b) for x in a)
        if isinstance(b, tuple):
            return tuple(one(a, y) for y in b)
        return one(a, b)
    except (ZeroDivisionError, ValueError, TypeError, OverflowError):
        return None


def _convert_scalar(v: Any, base: str) -> Any:
    if base == "bool":
        return bool(v)
    if base in ("int", "uint"):
        if isinstance(v, float):
            if not math.isfinite(v):
                return None
            v = int(v)
        return _wrap_int(int(v), base)
    return _f32(float(v)) if base == "float" else float(v)


def _flatten(v: Any) -> list[Any]:
    if isinstance(v, tuple):
        out: list[Any] = []
        for x in v:
            out.extend(_flatten(x))
        return out
    return [v]


def _fold_constructor(t: Type, values: list[Any]) -> Any:
    if t.kind == "array" or t.kind == "struct":
        return tuple(values)
    if t.is_matrix:
        return None
    comps = [c for v in values for c in _flatten(v)]
    if any(c is None for c in comps):
        return None
    if t.is_scalar:
        return _convert_scalar(comps[0], t.base)
    if len(values) == 1 and not isinstance(values[0], tuple):
        comps = comps * t.size
    out = tuple(_convert_scalar(c, t.base) for c in comps[: t.size])
    return None if any(c is None for c in out) else out


_FOLDABLE = {
    "abs": abs, "floor": math.floor, "ceil": math.ceil, "sqrt": math.sqrt, "sin": math.sin, "cos": math.cos,
    "tan": math.tan, "exp": math.exp, "log": math.log, "exp2": lambda x: 2.0 ** x, "log2": math.log2,
    "radians": math.radians, "degrees": math.degrees,
}


def _fold_builtin(name: str, args: list[Any], ret: Type) -> Any:
    """Fold a few scalar built-ins with constant arguments (enough for array sizes and constants)."""
    if not args or any(a is None or isinstance(a, tuple) for a in args) or not ret.is_scalar:
        return None
    try:
        if name in _FOLDABLE and len(args) == 1:
            r = _FOLDABLE[name](args[0])
        elif name in ("min", "max") and len(args) == 2:
            r = min(args) if name == "min" else max(args)
        elif name == "clamp" and len(args) == 3:
            r = min(max(args[0], args[1]), args[2])
        elif name == "pow" and len(args) == 2:
            r = math.pow(args[0], args[1])
        else:
            return None
        return _convert_scalar(r, ret.base)
    except (ValueError, OverflowError, TypeError):
        return None
