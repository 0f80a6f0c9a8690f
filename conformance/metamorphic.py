"""Metamorphic checks (the GraphicsFuzz idea): semantics-preserving rewrites must not change the Taichi output.

A rewrite takes a shader and returns a different shader that computes the same pixels: code wrapped in
one-iteration loops, dead branches, identity functions, opaque selections, macro indirection, reordered
independent declarations, expressions split into temporaries, arithmetic identities. :func:`check_shader`
renders the original and each rewritten variant with the Taichi back end and compares them. Any
difference is a bug in our compiler (a lowering that depends on the shape of the code) or in a rewrite;
``docs/metamorphic.md`` says how to read the results.

How rewriting works
-------------------
Rewrites work on the checked AST of the *user's* code (:func:`analyse`): the front end wraps the source
(Shadertoy wrapper, TwiGL template), preprocesses, parses and checks it; the top-level declarations whose
spans lie in the user's lines are the user's program (for a TwiGL geekest body, the template's ``main``
around it). A rewrite edits those nodes in place (the checker's side tables give types and symbols) and
:meth:`Program.text` prints them back with :func:`glslc.ast.to_glsl` as new user code, which goes through
the same wrapper as the original. So every rewritten shader is *preprocessed* text: the user's macros are
expanded, ``#if`` branches resolved, comments dropped (the ``print`` rewrite does only that, and checks it
on its own). ``#version`` and ``#extension`` lines of complete shaders are kept.

Every rewrite step is followed by the full front end on the new text (a :class:`RewriteError` if it
refuses it), and the next rewrite starts from a fresh parse, so rewrites compose.

Names
-----
Everything a rewrite introduces is named ``_mm_*`` (macros ``_MM_*``); a shader that already uses such a
name is left alone (:class:`NotApplicable`).

Equality
--------
Rewrites that add no arithmetic (``exact``) must give identical float32 frames (all four channels, NaN
equal to NaN). The arithmetic identities (``arith``: ``e * 1.0``, ``e - 0.0``, ``e + 0``) are exact in IEEE
arithmetic too, and Taichi runs with ``fast_math=False``, so they are expected to be identical as well, but
a compiler may legitimately contract ``(a * b) * 1.0 + c`` differently from ``a * b + c``; for them (and
``fold``, which moves constant folding to run time) a difference within CONFORMANCE.md's *agree* (>= 99%
of pixels within 3/255 per frame) still passes, reported as ``agree``. See ``docs/metamorphic.md``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import ast as A
from ..errors import GlslError, GlslErrors, InputError
from ..frontend import FrontEndResult, front_end
from ..sources import ShaderSource
from ..types import Type

PREFIX = "_mm_"
MACRO_PREFIX = "_MM_"
_PREFIX_RE = re.compile(r"\b_(?:mm|MM)_\w*")
_VERSION_RE = re.compile(r"^[ \t]*#[ \t]*version\b", re.M)
_EXTENSION_RE = re.compile(r"^[ \t]*#[ \t]*extension[ \t]+([^\n]*?)\s*(?://[^\n]*)?$", re.M)

CASES = Path(__file__).resolve().parent / "metamorphic_cases"
"""Reduced shaders for what the checks found (see its README.md)."""

SAME, AGREE, DIFFER, REJECT, ERROR, SKIP, TIMEOUT = "same", "agree", "differ", "reject", "error", "skip", "timeout"


class NotApplicable(Exception):
    """The shader cannot take this rewrite (nothing to rewrite, or it already uses ``_mm_`` names)."""


class RewriteError(Exception):
    """A rewrite produced text that our front end refuses: a bug in the rewrite or in the front end."""

    def __init__(self, rewrite: str, text: str, error: BaseException) -> None:
        super().__init__(f"{rewrite}: the rewritten shader does not check: {_first_error(error)}")
        self.rewrite = rewrite
        self.text = text


def _first_error(e: BaseException) -> str:
    if isinstance(e, GlslErrors) and e.errors:
        return str(e.errors[0]).splitlines()[0]
    if isinstance(e, GlslError):
        return str(e).splitlines()[0]
    return f"{type(e).__name__}: {' '.join(str(e).split())}"[:400]  # Taichi's messages start on a new line


# ------------------------------------------------------------------------------------------- the program


@dataclass
class Program:
    """The user's part of a checked shader, ready to be edited and printed back."""

    source: ShaderSource
    fe: FrontEndResult
    decls: list[A.Node]
    header: list[str]
    names: set[str]
    defines: list[str] = field(default_factory=list)
    helpers: dict[str, str] = field(default_factory=dict)
    _usage: dict[int, Any] | None = None
    _counter: Iterable[int] = field(default_factory=itertools.count)

    @property
    def checked(self):
        return self.fe.checked

    @property
    def es100(self) -> bool:
        return self.checked.version < 300

    @property
    def usage(self) -> dict[int, Any]:
        if self._usage is None:
            from ..lower import function_order, global_usage

            self._usage = global_usage(self.checked, function_order(self.checked))
        return self._usage

    def fresh(self, stem: str, macro: bool = False) -> str:
        """A new name ``_mm_<stem><n>`` (``_MM_`` for macros) that the shader does not use."""
        for n in self._counter:  # type: ignore[attr-defined]
            name = f"{MACRO_PREFIX if macro else PREFIX}{stem}{n}"
            if name not in self.names:
                self.names.add(name)
                return name
        raise AssertionError("unreachable")

    def helper(self, name: str, text: str) -> str:
        """Define a helper function (once); returns its name."""
        if name not in self.checked.functions and name not in self.helpers:
            self.helpers[name] = text
        self.names.add(name)
        return name

    def functions(self) -> list[A.FunctionDef]:
        return [d for d in self.decls if isinstance(d, A.FunctionDef)]

    def text(self) -> str:
        """The user's code: kept directives, added macros, declarations, helpers before the first function."""
        out = list(self.header) + list(self.defines)
        helpers_done = False
        for d in self.decls:
            if not helpers_done and isinstance(d, (A.FunctionDef, A.FunctionProto)):
                out.extend(self.helpers.values())
                helpers_done = True
            out.append(A.to_glsl(d).rstrip("\n"))
        if not helpers_done:
            out.extend(self.helpers.values())
        return "\n".join(out) + "\n"


def analyse(source: ShaderSource, *, allow_prefix: bool = False) -> Program:
    """Check a source and find the user's declarations; GlslErrors when it does not check."""
    fe = front_end(source)
    w = fe.wrapped
    lo, hi = w.line_offset + 1, w.line_offset + w.user_lines

    def in_user(n: A.Node) -> bool:
        return lo <= n.span.line <= hi

    decls: list[A.Node] = []
    for d in fe.checked.unit.decls:
        if in_user(d):
            decls.append(d)
        elif (source.dialect == "twigl" and isinstance(d, A.FunctionDef) and d.proto.name == "main"
              and any(in_user(s) for s in d.body.stmts)):
            decls.append(d)  # a TwiGL geekest body: the template's main around the user's statements
    header: list[str] = []
    if source.dialect != "shadertoy":
        if _VERSION_RE.search(source.code):
            header.append(f"#version {w.version}")
        header += [f"#extension {m.group(1).strip()}" for m in _EXTENSION_RE.finditer(source.code)]
    names = set(re.findall(r"[A-Za-z_]\w*", w.text))
    if not allow_prefix:
        m = _PREFIX_RE.search(w.text)
        if m:
            raise NotApplicable(f"the shader already uses the reserved prefix ({m.group(0)!r})")
    return Program(source, fe, decls, header, names)


# ------------------------------------------------------------------------------------------ AST helpers


def _flit(v: float) -> A.FloatLit:
    return A.FloatLit(v)


def _call(name: str | A.TypeSpec, *args: A.Expr) -> A.Call:
    return A.Call(name, list(args))


def _decl(type_name: str, name: str, init: A.Expr | None = None) -> A.DeclStmt:
    ts = A.TypeSpec(type_name)
    return A.DeclStmt(ts, [A.VarDecl(ts, name, init=init)])


def _frag_x() -> A.Expr:
    return A.Field(A.Ident("gl_FragCoord"), "x")


_PLAIN_BASES = ("float", "int", "uint", "bool")


def _value_type(t: Any) -> bool:
    """A scalar, vector or matrix of float/int/uint/bool (what a helper function can take and return)."""
    return (isinstance(t, Type) and t.kind in ("scalar", "vector", "matrix") and t.base in _PLAIN_BASES
            and (t.kind != "matrix" or t.base == "float"))


def _temp_type(t: Any) -> bool:
    return _value_type(t) or (isinstance(t, Type) and t.kind == "struct" and bool(t.base))


def _zero(t: Type) -> A.Expr:
    lit = {"float": _flit(0.0), "int": A.IntLit(0), "uint": A.IntLit(0, unsigned=True),
           "bool": A.BoolLit(False)}[t.base]
    return lit if t.kind == "scalar" else _call(A.TypeSpec(str(t)), lit)


def _ident_names(n: A.Node) -> set[str]:
    """Every name a subtree mentions: variables, callees, type names."""
    out: set[str] = set()
    for x in A.walk(n):
        if isinstance(x, A.Ident):
            out.add(x.name)
        elif isinstance(x, A.Call) and isinstance(x.callee, str):
            out.add(x.callee)
        elif isinstance(x, A.TypeSpec) and x.name:
            out.add(x.name)
    return out


def _declared(n: A.Node) -> set[str]:
    """Names a top-level or local declaration introduces."""
    if isinstance(n, A.FunctionDef):
        return {n.proto.name}
    if isinstance(n, A.FunctionProto):
        return {n.name}
    if isinstance(n, A.DeclStmt):
        out = {v.name for v in n.decls}
        if n.type.struct is not None and n.type.struct.name:
            out.add(n.type.struct.name)
        return out
    if isinstance(n, A.InterfaceBlock):
        return {n.block_name} | ({n.instance} if n.instance else {f.name for f in n.fields})
    return set()


def _writes(e: A.Node, prog: Program) -> bool:
    from ..lower import writes_something

    return any(writes_something(x, prog.checked, prog.usage) for x in A.walk(e) if isinstance(x, A.Expr)) or any(
        isinstance(x, A.Discard) for x in A.walk(e))


def _loose_jumps(stmts: Sequence[A.Node], kinds: tuple[type, ...] = (A.Break, A.Continue)) -> bool:
    """Whether ``stmts`` hold a break/continue (of ``kinds``) that targets a construct around them."""
    stack: list[tuple[A.Node, tuple[type, ...]]] = [(s, kinds) for s in stmts]
    while stack:
        n, ks = stack.pop()
        if isinstance(n, ks):
            return True
        if isinstance(n, (A.For, A.While, A.DoWhile)):
            continue  # both targets are inside
        if isinstance(n, A.Switch):
            ks = tuple(k for k in ks if k is not A.Break)
            if not ks:
                continue
        if isinstance(n, A.Expr):
            continue
        stack.extend((c, ks) for c in n.children())
    return False


# ------------------------------------------------------------------------------------ statement sites


@dataclass
class Site:
    """A place between statements of a list in a function body, with what is visible there."""

    fn: A.FunctionDef
    stmts: list[A.Node]
    index: int
    scope: dict[str, Any]  # name -> checker Var
    breakable: tuple[str, ...]  # enclosing "loop" / "switch", innermost last
    loop_vars: frozenset[int]  # uids of for-loop counters in scope


def statement_sites(prog: Program) -> list[Site]:
    """Every position in every statement list of the user's functions."""
    sites: list[Site] = []
    symbols = prog.checked.symbols
    globals_: dict[str, Any] = {}

    def add_decl(scope: dict[str, Any], d: A.DeclStmt) -> None:
        for vd in d.decls:
            v = symbols.get(vd)
            if v is not None:
                scope[vd.name] = v

    def visit_list(fn, stmts, scope, brk, loops) -> None:
        scope = dict(scope)
        for i in range(len(stmts) + 1):
            sites.append(Site(fn, stmts, i, dict(scope), brk, loops))
            if i < len(stmts):
                visit(fn, stmts[i], scope, brk, loops)
                if isinstance(stmts[i], A.DeclStmt):
                    add_decl(scope, stmts[i])

    def sub(fn, s, scope, brk, loops) -> None:
        if isinstance(s, A.Block):
            visit_list(fn, s.stmts, scope, brk, loops)
        elif s is not None:
            visit(fn, s, scope, brk, loops)

    def visit(fn, s, scope, brk, loops) -> None:
        if isinstance(s, A.Block):
            visit_list(fn, s.stmts, scope, brk, loops)
        elif isinstance(s, A.If):
            sub(fn, s.then, scope, brk, loops)
            sub(fn, s.else_, scope, brk, loops)
        elif isinstance(s, A.For):
            inner = dict(scope)
            lv = set(loops)
            if isinstance(s.init, A.DeclStmt):
                add_decl(inner, s.init)
                lv |= {symbols[vd].uid for vd in s.init.decls if vd in symbols}
            sub(fn, s.body, inner, brk + ("loop",), frozenset(lv))
        elif isinstance(s, A.While):
            inner = dict(scope)
            if isinstance(s.cond, A.DeclStmt):
                add_decl(inner, s.cond)
            sub(fn, s.body, inner, brk + ("loop",), loops)
        elif isinstance(s, A.DoWhile):
            sub(fn, s.body, scope, brk + ("loop",), loops)
        elif isinstance(s, A.Switch):
            for c in s.cases:
                visit_list(fn, c.body, scope, brk + ("switch",), loops)

    with A.recursion_room(5000):
        for d in prog.fe.checked.unit.decls:
            if isinstance(d, A.DeclStmt):
                add_decl(globals_, d)
            if isinstance(d, A.FunctionDef) and any(d is u for u in prog.decls) and not _is_helper(d):
                scope = dict(globals_)
                for p in d.proto.params:
                    v = symbols.get(p)
                    if v is not None and p.name:
                        scope[p.name] = v
                visit_list(d, d.body.stmts, scope, (), frozenset())
    return sites


def _is_helper(d: A.FunctionDef) -> bool:
    """A function an earlier rewrite added: left alone (a helper it would call may be defined after it)."""
    return d.proto.name.startswith(PREFIX)


def _function_of(prog: Program, fn: A.FunctionDef):
    for f in prog.checked.functions.get(fn.proto.name, []):
        if f.definition is fn:
            return f
    return None


def _wrappable_range(prog: Program, stmts: list[A.Node], i: int, j: int, loop: bool) -> bool:
    """Whether ``stmts[i:j]`` may move into a nested block (a loop when ``loop``)."""
    rng = stmts[i:j]
    if not rng or any(isinstance(s, A.Case) for s in rng):
        return False
    later: set[str] = set()
    for s in stmts[j:]:
        later |= _ident_names(s)
    if any(isinstance(n, A.Switch) and any(c.body is stmts for c in n.cases)
           for d in prog.decls for n in A.walk(d)):
        if any(isinstance(s, A.DeclStmt) for s in rng):  # a case body: visible in the later cases too
            return False
    for s in rng:
        if isinstance(s, A.DeclStmt):
            if s.type.struct is not None or _declared(s) & later:
                return False
    return not (loop and _loose_jumps(rng))


def _pick_ranges(prog: Program, rng: random.Random, count: int, loop: bool) -> list[tuple[list[A.Node], int, int]]:
    """Up to ``count`` disjoint statement ranges that can be wrapped."""
    lists: dict[int, list[A.Node]] = {}
    for s in statement_sites(prog):
        if s.stmts:
            lists[id(s.stmts)] = s.stmts
    candidates = list(lists.values())
    picked: list[tuple[list[A.Node], int, int]] = []
    used: set[int] = set()
    for _ in range(count * 8):
        if len(picked) >= count or not candidates:
            break
        stmts = rng.choice(candidates)
        if id(stmts) in used:
            continue
        n = len(stmts)
        if rng.random() < 0.3:
            i, j = 0, n
        else:
            i = rng.randrange(n)
            j = min(n, i + 1 + rng.randrange(3))
        if _wrappable_range(prog, stmts, i, j, loop):
            picked.append((stmts, i, j))
            used.add(id(stmts))
    return picked


# -------------------------------------------------------------------------------------------- rewrites


def rw_print(prog: Program, rng: random.Random) -> bool:
    """No change: the checked AST printed back (macros expanded, comments dropped)."""
    return True


def rw_loop(prog: Program, rng: random.Random) -> bool:
    """Wrap statement ranges (sometimes a whole function body) in one-iteration loops.

    Ranges with a ``break``/``continue`` aimed at an enclosing loop or switch are not wrapped (their target
    would change); declarations inside a range must not be used after it. Forms: ``for`` over one
    iteration, ``for`` over several that ends in ``break`` (GLSL ES 1.00 takes only these two), ``do { }
    while (false)``, ``while`` on a flag, ``switch (0) { default: }``.
    """
    picked = _pick_ranges(prog, rng, rng.randint(1, 3), loop=True)
    if not picked:
        raise NotApplicable("no statement range can be wrapped in a loop")
    forms = ["for", "for-break"] if prog.es100 else ["for", "for-break", "do", "while", "switch"]
    for stmts, i, j in picked:
        body = A.Block(stmts[i:j])
        form = rng.choice(forms)
        if form in ("for", "for-break"):
            v = prog.fresh("i")
            n = 1 if form == "for" else rng.choice([2, 4, 100])
            if form == "for-break":
                body.stmts.append(A.Break())
            new: A.Node = A.For(_decl("int", v, A.IntLit(0)), A.Binary("<", A.Ident(v), A.IntLit(n)),
                                A.PostIncDec("++", A.Ident(v)), body)
        elif form == "do":
            new = A.DoWhile(body, A.BoolLit(False))
        elif form == "while":
            v = prog.fresh("once")
            body.stmts.insert(0, A.ExprStmt(A.Assign("=", A.Ident(v), A.BoolLit(False))))
            new = A.Block([_decl("bool", v, A.BoolLit(True)), A.While(A.Ident(v), body)])
        else:
            if _loose_jumps(body.stmts, (A.Break,)):
                new = A.DoWhile(body, A.BoolLit(False))
            else:
                new = A.Switch(A.IntLit(0), [A.Case(None, [body])])
        stmts[i:j] = [new]
    return True


def _opaque_false(prog: Program, rng: random.Random) -> A.Expr:
    """A condition that is false at run time but that no compiler can fold."""
    choice = rng.randrange(4)
    if choice == 0:
        name = prog.helper(f"{PREFIX}false", f"bool {PREFIX}false() {{ return gl_FragCoord.x < 0.0; }}")
        return _call(name)
    if choice == 1 and prog.source.dialect == "shadertoy":
        return A.Binary("<", A.Field(A.Ident("iResolution"), "x"), _flit(0.0))
    if choice == 2:
        return A.Binary("<", A.Field(A.Ident("gl_FragCoord"), "y"), _flit(-1.0))
    return A.Binary("<", _frag_x(), _flit(0.0))


def _opaque_true(prog: Program, rng: random.Random) -> A.Expr:
    if rng.random() < 0.5:
        return A.Unary("!", _opaque_false(prog, rng))
    return A.Binary(">=", _frag_x(), _flit(0.0))


def _junk(prog: Program, site: Site, rng: random.Random) -> list[A.Node]:
    """Well-typed statements for a dead branch: writes to visible variables, then maybe a jump."""
    out: list[A.Node] = []
    writable = [v for v in site.scope.values()
                if _value_type(v.type) and v.uid not in site.loop_vars and v.kind != "builtin" and v.writable]
    rng.shuffle(writable)
    for v in writable[: rng.randint(1, 2)]:
        t = v.type
        if t.base == "bool":
            rhs: A.Expr = A.Unary("!", A.Ident(v.name)) if t.kind == "scalar" else _call("not", A.Ident(v.name))
        else:
            two, one = {"float": (_flit(2.0), _flit(1.0)), "int": (A.IntLit(3), A.IntLit(1)),
                        "uint": (A.IntLit(3, unsigned=True), A.IntLit(1, unsigned=True))}[t.base]
            rhs = A.Binary("+", A.Binary("*", A.Ident(v.name), two), one) if t.kind != "matrix" else \
                A.Binary("*", A.Ident(v.name), two)
        out.append(A.ExprStmt(A.Assign("=", A.Ident(v.name), rhs)))
    jumps = ["return", "discard"]
    if site.breakable:
        jumps.append("break")
    if "loop" in site.breakable:
        jumps.append("continue")
    jump = rng.choice(jumps + [None])
    f = _function_of(prog, site.fn)
    if jump == "return" and f is not None:
        if f.ret.kind == "void":
            out.append(A.Return())
        elif _value_type(f.ret):
            out.append(A.Return(_zero(f.ret)))
        elif f.ret.kind == "struct" and f.ret.base:
            z = prog.fresh("z")
            out += [_decl(f.ret.base, z), A.Return(A.Ident(z))]
    elif jump == "discard":
        out.append(A.Discard())
    elif jump == "break":
        out.append(A.Break())
    elif jump == "continue":
        out.append(A.Continue())
    if not out:
        name = prog.fresh("j")
        out += [_decl("int", name, A.IntLit(0)), A.ExprStmt(A.PostIncDec("++", A.Ident(name)))]
    return out


def rw_dead(prog: Program, rng: random.Random) -> bool:
    """Insert dead branches ``if (<false at run time>) { junk }`` (writes to visible variables, ``return``,
    ``discard``, ``break``, ``continue``), and wrap ranges in ``if (<true>) { ... } else { junk }``."""
    sites = statement_sites(prog)
    if not sites:
        raise NotApplicable("no function body")
    rng.shuffle(sites)
    inserts: dict[int, list[tuple[int, A.Node]]] = {}
    lists: dict[int, list[A.Node]] = {}
    for site in sites[: rng.randint(2, 4)]:
        stmt = A.If(_opaque_false(prog, rng), A.Block(_junk(prog, site, rng)))
        inserts.setdefault(id(site.stmts), []).append((site.index, stmt))
        lists[id(site.stmts)] = site.stmts
    for key, items in inserts.items():
        stmts = lists[key]
        for index, stmt in sorted(items, key=lambda x: -x[0]):
            stmts.insert(index, stmt)
    # dead else branches around a statement range
    at = {(id(s.stmts), s.index): s for s in statement_sites(prog)}
    for stmts, i, j in _pick_ranges(prog, rng, rng.randint(0, 2), loop=False):
        junk = _junk(prog, at[(id(stmts), i)], rng)
        stmts[i:j] = [A.If(_opaque_true(prog, rng), A.Block(stmts[i:j]), A.Block(junk))]
    return True


# -------------------------------------------------------------------------------------- expression slots


@dataclass
class Slot:
    """A place in the tree that holds an expression, and what that place allows."""

    holder: A.Node
    field: str
    index: int | None
    expr: A.Expr
    const: bool  # must stay a constant expression (array sizes, case labels, const and global initialisers)
    lvalue: bool  # written (assignment target, ++, out argument)
    header: bool  # in a for-loop header
    indexing: bool  # an array index
    in_function: bool

    def replace(self, new: A.Expr) -> None:
        if self.index is None:
            setattr(self.holder, self.field, new)
        else:
            getattr(self.holder, self.field)[self.index] = new


def expression_slots(prog: Program) -> list[Slot]:
    """Every expression position under the user's declarations, with its context."""
    slots: list[Slot] = []
    calls = prog.checked.calls

    def flags(node: A.Node, fname: str, idx: int | None, const: bool, lv: bool, hdr: bool, ix: bool
              ) -> tuple[bool, bool, bool, bool]:
        if isinstance(node, (A.TypeSpec, A.StructField, A.LayoutId, A.Param)) or fname == "dims":
            return True, lv, hdr, ix
        if isinstance(node, A.Case):
            return (True, lv, hdr, ix) if fname == "value" else (const, lv, hdr, ix)
        if isinstance(node, A.DeclStmt) and "const" in node.type.qualifiers:
            return True, lv, hdr, ix
        if isinstance(node, A.Assign) and fname == "lhs":
            return const, True, hdr, ix
        if isinstance(node, (A.PreIncDec, A.PostIncDec)):
            return const, True, hdr, ix
        if isinstance(node, A.Index) and fname == "index":
            return const, False, hdr, True
        if isinstance(node, A.For) and fname in ("init", "cond", "step"):
            return const, lv, True, ix
        if isinstance(node, A.Call) and fname == "args" and idx is not None:
            t = calls.get(node)
            quals = tuple(p[2] for p in t.params) if hasattr(t, "definition") else getattr(t, "qualifiers", ())
            constant = getattr(t, "constant", ()) or ()
            if idx < len(quals) and quals[idx] in ("out", "inout"):
                return const, True, hdr, ix
            if idx < len(constant) and constant[idx]:
                return True, lv, hdr, ix
            return const, False, hdr, ix
        return const, lv, hdr, ix

    def visit(node: A.Node, const: bool, lv: bool, hdr: bool, ix: bool, fn: bool) -> None:
        for fname in node._children:
            val = getattr(node, fname)
            items = list(enumerate(val)) if isinstance(val, list) else [(None, val)]
            for idx, child in items:
                if not isinstance(child, A.Node):
                    continue
                c, l_, h, x = flags(node, fname, idx, const, lv, hdr, ix)
                if isinstance(child, A.Expr):
                    slots.append(Slot(node, fname, idx, child, c, l_, h, x, fn))
                visit(child, c, l_, h, x, fn)

    with A.recursion_room(5000):
        for d in prog.decls:
            fn = isinstance(d, A.FunctionDef)
            if not (fn and _is_helper(d)):
                visit(d, not fn, False, False, False, fn)
    return slots


def _rvalue_slots(prog: Program, *, folded: bool = True) -> list[Slot]:
    constants = prog.checked.constants
    return [s for s in expression_slots(prog)
            if s.in_function and not s.const and not s.lvalue and _value_type(s.expr.ty)
            and not (prog.es100 and (s.header or s.indexing))
            and (folded or s.expr not in constants)]


def _sample(rng: random.Random, items: list, lo: int, hi: int, frac: float = 0.15) -> list:
    n = max(lo, min(hi, int(len(items) * frac)))
    return rng.sample(items, min(n, len(items)))


def _wrap_identity(prog: Program, rng: random.Random, slots: list[Slot]) -> bool:
    if not slots:
        raise NotApplicable("no expression to wrap")
    for s in _sample(rng, slots, 1, 12):
        t = str(s.expr.ty)
        name = prog.helper(f"{PREFIX}id_{t}", f"{t} {PREFIX}id_{t}({t} x) {{ return x; }}")
        s.replace(_call(name, s.expr))
    return True


def rw_identity(prog: Program, rng: random.Random) -> bool:
    """Wrap expressions in identity functions ``T _mm_id_T(T x) { return x; }`` (not constant expressions
    the checker folds: see :func:`rw_fold`)."""
    return _wrap_identity(prog, rng, _rvalue_slots(prog, folded=False))


def rw_fold(prog: Program, rng: random.Random) -> bool:
    """Wrap constant expressions (which the checker folds) in identity functions, so that they are computed
    at run time instead: float32 arithmetic where the folding is done in double precision (a known
    difference, see ``conformance/metamorphic_cases/README.md``)."""
    constants = prog.checked.constants
    return _wrap_identity(prog, rng, [s for s in _rvalue_slots(prog) if s.expr in constants])


def rw_select(prog: Program, rng: random.Random) -> bool:
    """Opaque selections: ``e`` becomes ``(<true> ? e : T(0))``, a bool ``b`` becomes ``(b || <false>)`` or
    ``(<true> && b)`` (the conditions are true/false at run time only)."""
    slots = _rvalue_slots(prog, folded=False)
    if not slots:
        raise NotApplicable("no expression to rewrite")
    for s in _sample(rng, slots, 1, 8):
        t: Type = s.expr.ty
        if t.kind == "scalar" and t.base == "bool" and rng.random() < 0.6:
            new: A.Expr = (A.Binary("||", s.expr, _opaque_false(prog, rng)) if rng.random() < 0.5
                           else A.Binary("&&", _opaque_true(prog, rng), s.expr))
        else:
            new = A.Ternary(_opaque_true(prog, rng), s.expr, _zero(t))
        s.replace(new)
    return True


def rw_arith(prog: Program, rng: random.Random) -> bool:
    """Arithmetic identities: ``e * 1.0``, ``e - 0.0`` (not ``+ 0.0``: -0.0 + 0.0 is +0.0), ``e + 0``,
    ``e * 1u``, ``e == true``."""
    slots = [s for s in _rvalue_slots(prog) if not (s.expr.ty.base == "bool" and s.expr.ty.kind != "scalar")]
    if not slots:
        raise NotApplicable("no expression to rewrite")
    for s in _sample(rng, slots, 1, 12):
        t: Type = s.expr.ty
        e = s.expr
        if t.base == "float":
            new: A.Expr = A.Binary("*", e, _flit(1.0)) if rng.random() < 0.5 else A.Binary("-", e, _flit(0.0))
        elif t.base == "int":
            new = A.Binary("+", e, A.IntLit(0)) if rng.random() < 0.5 else A.Binary("*", e, A.IntLit(1))
        elif t.base == "uint":
            new = A.Binary("+", e, A.IntLit(0, unsigned=True)) if rng.random() < 0.5 else \
                A.Binary("*", e, A.IntLit(1, unsigned=True))
        else:
            new = A.Binary("==", e, A.BoolLit(True))
        s.replace(new)
    return True


def rw_macro(prog: Program, rng: random.Random) -> bool:
    """Macro indirection: ``#define _MM_E (expr)``, a function-like macro for a binary operator, a function
    renamed through a macro (definition and calls), a type name through a macro."""
    done = False
    # not in layout(...) (GLSL takes only integer literals there)
    slots = [s for s in expression_slots(prog) if not isinstance(s.holder, (A.TypeSpec, A.LayoutId))]
    singles = [s for s in slots if not isinstance(s.expr, (A.Binary,))]
    for s in _sample(rng, singles, 1, 4, 0.05):
        name = prog.fresh("E", macro=True)
        prog.defines.append(f"#define {name} ({A.to_glsl(s.expr)})")
        s.replace(A.Ident(name))
        done = True
    binaries = [s for s in expression_slots(prog) if isinstance(s.expr, A.Binary)]
    for s in _sample(rng, binaries, 1, 4, 0.05):
        name = prog.fresh("F", macro=True)
        prog.defines.append(f"#define {name}(a, b) ((a) {s.expr.op} (b))")
        s.replace(_call(name, s.expr.lhs, s.expr.rhs))
        done = True
    fns = sorted({d.proto.name for d in prog.decls if isinstance(d, (A.FunctionDef,)) and d.proto.name != "main"})
    if fns:
        target = rng.choice(fns)
        name = prog.fresh("FN", macro=True)
        prog.defines.append(f"#define {name} {target}")
        for d in prog.decls:
            for n in A.walk(d):
                if isinstance(n, A.FunctionProto) and n.name == target:
                    n.name = name
                elif isinstance(n, A.Call) and n.callee == target and hasattr(prog.checked.calls.get(n), "definition"):
                    n.callee = name
        done = True
    types = [n for d in prog.decls for n in A.walk(d)
             if isinstance(n, A.TypeSpec) and n.struct is None and n.name in ("float", "vec2", "vec3", "vec4", "int")]
    if types:
        tname = rng.choice(sorted({t.name for t in types}))
        name = prog.fresh("T", macro=True)
        prog.defines.append(f"#define {name} {tname}")
        for t in types:
            if t.name == tname and rng.random() < 0.7:
                t.name = name
        done = True
    if not done:
        raise NotApplicable("nothing to put behind a macro")
    return True


def _random_topo(rng: random.Random, n: int, dep: Callable[[int, int], bool]) -> list[int]:
    """A random order of 0..n-1 that keeps i before j whenever ``dep(i, j)`` (i < j)."""
    preds = {j: {i for i in range(j) if dep(i, j)} for j in range(n)}
    order: list[int] = []
    done: set[int] = set()
    while len(order) < n:
        ready = [j for j in range(n) if j not in done and preds[j] <= done]
        j = rng.choice(ready)
        order.append(j)
        done.add(j)
    return order


def rw_reorder(prog: Program, rng: random.Random) -> bool:
    """Reorder independent declarations: top-level declarations and functions (a random order that keeps
    every declaration before its uses, prototypes and overloads in place) and runs of local declarations
    whose initialisers write nothing."""
    changed = False
    decls = prog.decls
    defs = [_declared(d) for d in decls]
    uses = [_ident_names(d) for d in decls]
    barrier = [not defs[i] or isinstance(d, (A.PrecisionDecl, A.QualifierDecl)) for i, d in enumerate(decls)]

    def dep(i: int, j: int) -> bool:
        return (barrier[i] or barrier[j] or bool(defs[i] & uses[j]) or bool(defs[j] & uses[i])
                or bool(defs[i] & defs[j]))

    if len(decls) > 1:
        order = _random_topo(rng, len(decls), dep)
        if order != sorted(order):
            changed = True
        prog.decls[:] = [decls[k] for k in order]
    lists = {id(s.stmts): s.stmts for s in statement_sites(prog)}
    for stmts in lists.values():
        i = 0
        while i < len(stmts):
            j = i
            while j < len(stmts) and isinstance(stmts[j], A.DeclStmt) and not _writes(stmts[j], prog):
                j += 1
            if j - i >= 2:
                run = stmts[i:j]
                d_ = [_declared(s) for s in run]
                u_ = [_ident_names(s) - _declared(s) for s in run]

                def ldep(a: int, b: int, d_=d_, u_=u_) -> bool:
                    return bool(d_[a] & u_[b]) or bool(d_[b] & u_[a]) or bool(d_[a] & d_[b])

                order = _random_topo(rng, len(run), ldep)
                if order != sorted(order):
                    changed = True
                stmts[i:j] = [run[k] for k in order]
            i = max(j, i + 1)
    if not changed:
        raise NotApplicable("no two independent declarations")
    return True


def rw_temp(prog: Program, rng: random.Random) -> bool:
    """Split expressions into temporaries (``T _mm_t = e; ... _mm_t``), sometimes set through an ``out``
    parameter (``T _mm_t; _mm_set_T(_mm_t, e);``): return values, initialisers, assigned values, ``if`` and
    ``switch`` conditions."""
    cands: list[tuple[list[A.Node], A.Node, A.Expr, Callable[[A.Expr], None]]] = []
    seen: set[int] = set()
    for site in statement_sites(prog):
        if site.index >= len(site.stmts) or id(site.stmts[site.index]) in seen:
            continue
        s = site.stmts[site.index]
        seen.add(id(s))
        if isinstance(s, A.Return) and s.value is not None and _temp_type(s.value.ty):
            cands.append((site.stmts, s, s.value, lambda e, s=s: setattr(s, "value", e)))
        elif (isinstance(s, A.DeclStmt) and len(s.decls) == 1 and s.decls[0].init is not None
              and "const" not in s.type.qualifiers and not s.decls[0].dims and not s.type.dims
              and _temp_type(s.decls[0].init.ty)):
            vd = s.decls[0]
            cands.append((site.stmts, s, vd.init, lambda e, vd=vd: setattr(vd, "init", e)))
        elif (isinstance(s, A.ExprStmt) and isinstance(s.expr, A.Assign) and _temp_type(s.expr.rhs.ty)
              and not _writes(s.expr.rhs, prog) and not _writes(s.expr.lhs, prog)):
            a = s.expr
            cands.append((site.stmts, s, a.rhs, lambda e, a=a: setattr(a, "rhs", e)))
        elif isinstance(s, A.If) and isinstance(s.cond, A.Expr):
            cands.append((site.stmts, s, s.cond, lambda e, s=s: setattr(s, "cond", e)))
        elif isinstance(s, A.Switch) and _temp_type(s.expr.ty):
            cands.append((site.stmts, s, s.expr, lambda e, s=s: setattr(s, "expr", e)))
    if not cands:
        raise NotApplicable("no expression to split")
    for stmts, stmt, expr, put in _sample(rng, cands, 1, 6, 0.1):
        t: Type = expr.ty
        tname = str(t)
        name = prog.fresh("t")
        k = next(i for i, x in enumerate(stmts) if x is stmt)
        if _value_type(t) and rng.random() < 0.4:
            setter = prog.helper(f"{PREFIX}set_{tname}",
                                 f"void {PREFIX}set_{tname}(out {tname} r, {tname} v) {{ r = v; }}")
            new: list[A.Node] = [_decl(tname, name), A.ExprStmt(_call(setter, A.Ident(name), expr))]
        else:
            new = [_decl(tname, name, expr)]
        put(A.Ident(name))
        stmts[k:k] = new
    return True


@dataclass(frozen=True)
class Rewrite:
    name: str
    apply: Callable[[Program, random.Random], bool]
    exact: bool  # identical frames expected (else: CONFORMANCE agree is enough)
    doc: str


REWRITES: dict[str, Rewrite] = {
    r.name: r
    for r in (
        Rewrite("print", rw_print, True, "the AST printed back: macros expanded, comments dropped"),
        Rewrite("loop", rw_loop, True, "statement ranges wrapped in one-iteration loops"),
        Rewrite("dead", rw_dead, True, "dead branches (opaque false conditions) with writes and jumps"),
        Rewrite("identity", rw_identity, True, "expressions wrapped in identity functions"),
        Rewrite("macro", rw_macro, True, "expressions, operators, a function and a type behind macros"),
        Rewrite("reorder", rw_reorder, True, "independent global and local declarations reordered"),
        Rewrite("select", rw_select, True, "expressions behind opaque ?: and && / || with constant outcomes"),
        Rewrite("temp", rw_temp, True, "expressions split into temporaries, some set through out parameters"),
        Rewrite("arith", rw_arith, False, "arithmetic identities e * 1.0, e - 0.0, e + 0"),
        Rewrite("fold", rw_fold, False, "folded constant expressions computed at run time instead"),
    )
}

#: Every rewrite that must give identical frames, plus ``arith``, in one chain (macros last: the next step's
#: preprocessing would expand them away).
ALL = ("reorder", "loop", "dead", "identity", "select", "temp", "arith", "macro")
#: The default sweep: all of them together first (the most coverage per compile, when a shader's time budget
#: runs out), then each rewrite alone.
DEFAULT_VARIANTS: tuple[tuple[str, ...], ...] = (ALL,) + tuple((n,) for n in REWRITES)


def parse_variants(spec: str) -> list[tuple[str, ...]]:
    """``"loop,dead+identity"`` -> ``[("loop",), ("dead", "identity")]``; ``all`` is every rewrite at once."""
    out = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        names = tuple(n.strip() for n in part.split("+") if n.strip())
        if names == ("all",):
            names = ALL
        bad = [n for n in names if n not in REWRITES]
        if bad:
            raise ValueError(f"unknown rewrite {bad[0]!r}; choose from {', '.join(REWRITES)} or all")
        out.append(names)
    return out


@dataclass
class Rewritten:
    source: ShaderSource
    applied: list[str]
    skipped: list[str]

    @property
    def text(self) -> str:
        return self.source.code


def rewrite(source: ShaderSource, names: Sequence[str], seed: int | str = 0) -> Rewritten:
    """Apply rewrites in order; raises NotApplicable when none applies, RewriteError when the front end
    refuses a result, GlslErrors when the original does not check."""
    rng = random.Random(f"{seed}:{source.name}:{'+'.join(names)}")
    current = source
    applied: list[str] = []
    skipped: list[str] = []
    for k, name in enumerate(names):
        rw = REWRITES[name]
        prog = analyse(current, allow_prefix=k > 0)
        try:
            rw.apply(prog, rng)
        except NotApplicable:
            skipped.append(name)
            continue
        text = prog.text()
        new = replace(source, code=text)
        try:
            front_end(new)
        except (GlslError, GlslErrors) as e:
            raise RewriteError(name, text, e) from None
        current = new
        applied.append(name)
    if not applied:
        raise NotApplicable(f"no rewrite of {'+'.join(names)} applies ({', '.join(skipped)})")
    return Rewritten(current, applied, skipped)


def rewrite_text(code: str, names: Sequence[str], seed: int | str = 0, dialect: str | None = None) -> str:
    """Rewrite shader text (dialect detected unless given); returns the rewritten user code."""
    from ..sources import from_text

    return rewrite(from_text(code, "<metamorphic>", dialect), names, seed).text


# ------------------------------------------------------------------------------------------------ checks


@dataclass
class Result:
    """The outcome of one (shader, variant)."""

    shader: str
    variant: str
    status: str  # same | agree | differ | reject | error | skip | timeout
    ok: bool
    detail: str = ""
    match: list[float] | None = None
    max_diff: int | None = None
    differing: int | None = None  # pixels whose float32 RGBA differ at all
    path: str | None = None  # the rewritten GLSL, saved when the check failed
    seconds: float = 0.0

    def line(self) -> str:
        word = "ok  " if self.ok else ("skip" if self.status == SKIP else "FAIL")
        s = f"{word} {self.shader}  {self.variant}: {self.status}"
        if self.match is not None and self.status != SAME:
            s += f" (match {', '.join(f'{m:.4f}' for m in self.match)}; max diff {self.max_diff}/255; " \
                 f"{self.differing} pixels not identical)"
        if self.detail:
            s += f" - {self.detail}"
        if self.path:
            s += f"  -> {self.path}"
        return s


def compare_frames(a, b) -> tuple[str, list[float], int, int]:
    """(same|agree|differ, per-frame match fractions, max 8-bit difference, pixels not identical)."""
    import numpy as np

    from .compare import AGREE as C_AGREE
    from .compare import match_fractions, max_difference, verdict

    fr = match_fractions(a, b)
    same_px = np.all((a == b) | (np.isnan(a) & np.isnan(b)), axis=-1)
    differing = int((~same_px).sum())
    if differing == 0:
        return SAME, fr, 0, 0
    return (AGREE if verdict(fr) == C_AGREE else DIFFER), fr, max_difference(a, b), differing


def _save(out_dir: Path | None, source: ShaderSource, variant: str, text: str) -> str | None:
    if out_dir is None:
        return None
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", source.name)[:80]
    path = out_dir / f"{stem}.{variant.replace('+', '-')}.frag"
    head = f"// twigl: {source.twigl_mode}\n" if source.dialect == "twigl" else ""
    path.write_text(head + text)
    return str(path)


def check_shader(source: ShaderSource, variants: Sequence[Sequence[str]] = DEFAULT_VARIANTS, *, seed: int = 0,
                 size: tuple[int, int] = (32, 32), times: Sequence[float] = (1.0, 4.7), arch: str = "cpu",
                 out_dir: str | Path | None = None, budget: float | None = None) -> list[Result]:
    """Render ``source`` and each rewritten variant with the Taichi back end and compare. With ``budget``
    (seconds), variants that would likely not finish in it (judged by the original's compile and render
    time) are skipped."""
    from ..runtime.inputs import RenderInputs
    from ..runtime.taichi_backend import compile_taichi

    out = Path(out_dir) if out_dir is not None else None
    inputs = RenderInputs.conformance(size[0], size[1], times)
    label = source.name
    start = time.perf_counter()
    try:
        original = compile_taichi(source, arch)
        base = original.render(inputs)
    except Exception as e:  # noqa: BLE001 - a shader our back end cannot render is skipped
        return [Result(label, "+".join(v), SKIP, True, f"original: {_first_error(e)}") for v in variants]
    first = time.perf_counter() - start
    results = []
    for v in variants:
        vname = "+".join(v)
        t0 = time.perf_counter()
        if budget is not None and t0 - start + 1.5 * first > budget:
            results.append(Result(label, vname, SKIP, True, f"time budget ({budget:g} s; the original took "
                                                           f"{first:.1f} s)"))
            continue
        try:
            rw = rewrite(source, v, seed)
        except NotApplicable as e:
            results.append(Result(label, vname, SKIP, True, str(e)))
            continue
        except RewriteError as e:
            results.append(Result(label, vname, REJECT, False, str(e), path=_save(out, source, vname, e.text),
                                  seconds=time.perf_counter() - t0))
            continue
        try:
            shader = compile_taichi(rw.source, arch)
            frames = shader.render(inputs)
        except Exception as e:  # noqa: BLE001 - the original renders, so this is ours
            results.append(Result(label, vname, ERROR, False, _first_error(e), path=_save(out, source, vname, rw.text),
                                  seconds=time.perf_counter() - t0))
            continue
        status, fr, md, nd = compare_frames(frames, base)
        tolerant = all(not REWRITES[n].exact for n in rw.applied)
        ok = status == SAME or (status == AGREE and tolerant)
        detail = f"not applicable: {', '.join(rw.skipped)}" if rw.skipped else ""
        if not ok:
            detail = "; ".join(filter(None, [detail, _effort_note(original, shader)]))
        results.append(Result(label, vname, status, ok, detail, fr, md, nd,
                              None if ok else _save(out, source, vname, rw.text), time.perf_counter() - t0))
    return results


def _effort_note(a: Any, b: Any) -> str:
    """Why two renders may differ besides the rewrite: the runtime picks Taichi's optimisation effort by
    kernel size (``KERNEL_SIZE`` of the generated module against ``LOW_EFFORT_SIZE``), and Taichi's results
    are not always bit-identical across efforts."""
    from ..runtime import taichi_backend as TB

    limit = getattr(TB, "LOW_EFFORT_SIZE", None)
    ka, kb = (getattr(x.module, "KERNEL_SIZE", None) for x in (a, b))
    if limit is None or ka is None or kb is None or (ka >= limit) == (kb >= limit):
        return ""
    return f"the compile effort differs (KERNEL_SIZE {ka} vs {kb}; low effort from {limit})"


# --------------------------------------------------------------------------------------- worker and CLI


_CANARY = "void mainImage(out vec4 c, in vec2 f) { c = vec4(f / iResolution.xy, 0.5, 1.0); }\n"
_worker_state = {"suspect": False}


def _check_worker_health() -> None:
    """After a Taichi compile error the process may refuse every later kernel: if a tiny shader no longer
    renders, end the worker (the pool replaces it; :func:`run` retries the item)."""
    import os

    from ..runtime.inputs import RenderInputs
    from ..runtime.taichi_backend import compile_taichi
    from ..sources import from_text

    try:
        compile_taichi(from_text(_CANARY, "<canary>")).render(RenderInputs.conformance(4, 4, (1.0,)))
    except Exception:  # noqa: BLE001
        os._exit(70)
    _worker_state["suspect"] = False


def check_task(job: dict[str, Any]) -> list[dict[str, Any]]:
    """A worker-process task (:func:`glslc.conformance.pool.run_isolated`): ``job`` has ``record`` (a corpus
    JSON line) or ``path``, and ``variants``, ``seed``, ``size``, ``times``, ``out_dir``."""
    from ..sources import from_corpus_record, load_source

    if _worker_state["suspect"]:
        _check_worker_health()
    try:
        source = from_corpus_record(json.loads(job["record"]), "corpus") if "record" in job else \
            load_source(job["path"])
    except InputError as e:  # not a shader we can load (a multipass export...): nothing to check
        return [Result(job.get("path", "record"), "+".join(v), SKIP, True, f"original: {e}").__dict__
                for v in job["variants"]]
    res = check_shader(source, [tuple(v) for v in job["variants"]], seed=job.get("seed", 0),
                       size=tuple(job.get("size", (32, 32))), times=job.get("times", (1.0, 4.7)),
                       arch=job.get("arch", "cpu"), out_dir=job.get("out_dir"), budget=job.get("budget"))
    if any(r.status == ERROR or (r.status == SKIP and r.detail.startswith("original")) for r in res):
        _worker_state["suspect"] = True
    return [r.__dict__ for r in res]


def corpus_sample(path: str | Path, n: int, seed: int = 0) -> list[tuple[str, str]]:
    """``n`` records of a corpus JSONL file, drawn at random with ``seed``: (id, JSON line) pairs."""
    lines = [ln for ln in Path(path).read_text(encoding="utf-8").splitlines() if ln.strip()]
    picked = random.Random(seed).sample(range(len(lines)), min(n, len(lines)))
    out = []
    for i in sorted(picked):
        try:
            ident = str(json.loads(lines[i]).get("id", i))
        except (json.JSONDecodeError, AttributeError):
            ident = str(i)
        out.append((ident, lines[i]))
    return out


def _outcomes(items, jobs: int, timeout: float, jobs_by_key: dict[str, Any]):
    """The pool's outcomes; an item whose worker died (a crash, or a worker that found its Taichi runtime
    broken by an earlier shader) is retried once in a fresh worker."""
    from .pool import run_isolated

    retry = []
    for key, outcome in run_isolated(iter(items), check_task, jobs=jobs, timeout=timeout):
        if outcome.status == "crash":
            retry.append((key, jobs_by_key[key]))
            continue
        yield key, outcome
    if retry:
        yield from run_isolated(iter(retry), check_task, jobs=1, timeout=timeout)


def run(paths: Sequence[str], *, corpus: str | None = None, sample: int = 50, seed: int = 0,
        variants: Sequence[Sequence[str]] = DEFAULT_VARIANTS, size: int = 32, jobs: int = 1, timeout: float = 300.0,
        out_dir: str | None = None, quiet: bool = False, stream=None) -> dict[str, Any]:
    """Check shaders (files and/or a corpus sample), each in a worker process; print a line per (shader,
    variant) and return counts and results."""

    stream = stream or sys.stdout
    out_dir = out_dir or str(Path(tempfile.gettempdir()) / "glslc-metamorphic")
    common = {"variants": [list(v) for v in variants], "seed": seed, "size": (size, size), "out_dir": out_dir,
              "budget": timeout}
    items: list[tuple[str, dict[str, Any]]] = [(p, {**common, "path": p}) for p in paths]
    if corpus:
        items += [(f"corpus#{i}", {**common, "record": line}) for i, line in corpus_sample(corpus, sample, seed)]
    results: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    jobs_by_key = dict(items)
    # the worker skips variants past ``timeout`` itself; the pool's limit, higher, catches hangs
    for key, outcome in _outcomes(items, jobs, 1.5 * timeout + 60, jobs_by_key):
        if outcome.status == "ok":
            rows = outcome.value
        else:
            st = TIMEOUT if outcome.status == "timeout" else ERROR
            rows = [Result(key, "+".join(v), st, False, outcome.error[:300]).__dict__ for v in variants]
        for r in rows:
            r["shader"] = key if key.startswith("corpus#") else r["shader"]
            results.append(r)
            res = Result(**r)
            if not quiet or not res.ok:
                print(res.line(), file=stream, flush=True)
    counts: dict[str, int] = {}
    for r in results:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    failed = [r for r in results if not r["ok"]]
    shaders = {r["shader"] for r in results}
    skipped_shaders = {r["shader"] for r in results if r["status"] == SKIP and r["detail"].startswith("original")}
    summary = {"shaders": len(shaders), "shaders_skipped": len(skipped_shaders), "checks": len(results),
               "counts": counts, "failures": len(failed), "seconds": time.perf_counter() - t0, "results": results}
    print(f"{len(shaders)} shaders ({len(skipped_shaders)} not renderable by the back end, skipped), "
          f"{len(results)} checks: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
          + f"; {len(failed)} failures; {summary['seconds']:.0f} s", file=stream)
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m glslc.conformance.metamorphic",
                                 description="Metamorphic checks: rewritten shaders must render as the originals.")
    ap.add_argument("paths", nargs="*", help="shader files (default: shaders/*.frag when no --corpus)")
    ap.add_argument("--corpus", help="a corpus JSONL file to sample")
    ap.add_argument("--sample", type=int, default=50, help="corpus records to draw (default 50)")
    ap.add_argument("--seed", type=int, default=0, help="sampling and rewriting seed")
    ap.add_argument("--rewrites", default="",
                    help=f"variants, comma-separated, rewrites joined by '+' (default: each of {', '.join(REWRITES)}, "
                         "then all)")
    ap.add_argument("--size", type=int, default=32, help="render size in pixels (square, default 32)")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    ap.add_argument("--timeout", type=float, default=300.0,
                    help="time budget per shader, all variants (default 300): variants that would not fit are "
                         "skipped; a worker still busy at 1.5x that plus 60 s is stopped (a timeout)")
    ap.add_argument("--out", help="where failing rewritten shaders are written (default: $TMP/glslc-metamorphic)")
    ap.add_argument("--quiet", action="store_true", help="print failures and the summary only")
    ap.add_argument("--json", help="write every result to this JSON file")
    args = ap.parse_args(argv)
    try:
        variants = parse_variants(args.rewrites) if args.rewrites else list(DEFAULT_VARIANTS)
    except ValueError as e:
        ap.error(str(e))
    paths = list(args.paths)
    if not paths and not args.corpus:
        root = Path(__file__).resolve().parent.parent / "shaders"
        paths = sorted(str(p) for p in root.glob("*.frag"))
    for p in paths:
        if not Path(p).exists():
            print(f"{p}: no such file", file=sys.stderr)
            return 2
    if args.corpus and not Path(args.corpus).exists():
        print(f"{args.corpus}: no such file", file=sys.stderr)
        return 2
    try:
        summary = run(paths, corpus=args.corpus, sample=args.sample, seed=args.seed, variants=variants,
                      size=args.size, jobs=args.jobs, timeout=args.timeout, out_dir=args.out, quiet=args.quiet)
    except InputError as e:
        print(str(e), file=sys.stderr)
        return 2
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1, default=str))
    return 1 if summary["failures"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
