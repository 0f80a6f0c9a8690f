"""Code generation: a checked shader becomes one readable Python module of Taichi functions and a kernel.

The module has one ``@ti.func`` per GLSL function and a kernel ``render`` that loops over (frame, y, x),
so many frames render in one launch. GLSL semantics that Taichi lacks are lowered here, with the facts of
:mod:`glslc.lower`:

- single exit: a ``return`` inside control flow sets ``_ret``/``_rv`` (and breaks out of loops); the
  statements after it are guarded by ``if not _ret``;
- ``out``/``inout`` parameters and written shader globals come back as extra results, which the caller
  assigns (also into swizzles, array elements and struct members);
- shader globals (uniforms, ``gl_FragCoord``, global variables) are extra parameters of the functions
  that use them; the kernel initialises them per pixel;
- ``for`` becomes ``while`` (the step runs before every ``continue``), ``switch`` an ``if`` chain with
  fall-through flags, ``&&``/``||``/``?:`` with effects or user calls become statements;
- GLSL matrices are column-major (Taichi's ``m[r, c]`` is GLSL's ``m[c][r]``, ``m * v`` is ``m @ v``);
  integer ``/`` and ``%`` truncate and never divide by zero (``G.idiv``/``G.imod``).

No shader text reaches the module except names made safe by :class:`Namer` and literals re-printed from
their parsed values.
"""

from __future__ import annotations

import builtins
import keyword
import math
import os
import re
import struct as _struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from . import ast as A
from .builtins import Signature
from .checker import CheckResult, Function, Var
from .errors import GlslError
from .frontend import FrontEndResult
from .lower import (
    DERIV_VARS,
    DISCARD,
    INLINE_BUDGET,
    Usage,
    derivative_calls,
    function_order,
    global_usage,
    has_effects,
    inline_plan,
    partly_written,
    returns_inside_control_flow,
    unsupported,
    writes_something,
)
from .types import BOOL, INT, Type, array, scalar

_DT = {"float": "ti.f32", "int": "ti.i32", "uint": "ti.u32", "bool": "ti.i32", "double": "ti.f64"}
_SAFE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_RESERVED = set(keyword.kwlist) | set(keyword.softkwlist) | set(dir(builtins)) | {
    "ti", "G", "T", "D", "L", "np", "math", "render", "render_scalar", "render_lanes", "UNIFORMS", "STRUCTS",
    "SOURCE_NAME", "main", "self", "LANES_FALLBACK",
    # the render kernel's own parameters and loop variables
    "out", "u", "width", "height", "k", "py", "px", "c",
}
# prefixes the generator uses for its own names; user names that start with them get a v_ prefix
_OWN_PREFIXES = ("fn_", "st_", "v_", "f_", "_")


class BackendError(GlslError):
    """A construct the Taichi back end cannot lower yet (a diagnostic, not a crash)."""


class Namer:
    """Safe, unique Python names for GLSL entities (cf. naga's namer): a GLSL identifier is kept when it
    is a plain name that is no Python keyword, builtin or name of ours; otherwise it gets a prefix; a
    numeric suffix keeps names unique in their scope."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self.taken = set(taken or ())

    @staticmethod
    def safe(name: str, prefix: str = "v_") -> str:
        if not _SAFE_NAME.match(name) or name in _RESERVED or name.startswith(_OWN_PREFIXES) or "__" in name:
            cleaned = re.sub(r"[^A-Za-z0-9_]", "_", name)
            return prefix + cleaned.replace("__", "_u_")
        return name

    def fresh(self, name: str, prefix: str = "v_") -> str:
        base = self.safe(name, prefix)
        out, n = base, 1
        while out in self.taken:
            n += 1
            out = f"{base}_{n}"
        self.taken.add(out)
        return out


def dtype(t: Type) -> str:
    return _DT[t.base]


def float_lit(v: float) -> str:
    """A float literal as Taichi reads it: the f32 value, re-printed."""
    try:
        f32 = _struct.unpack("f", _struct.pack("f", v))[0]
    except OverflowError:
        f32 = math.copysign(math.inf, v)
    if math.isinf(f32):
        return "ti.math.inf" if f32 > 0 else "(-ti.math.inf)"
    if math.isnan(f32):
        return "ti.math.nan"
    text = repr(f32)
    return f"({text})" if f32 < 0 else text


def int_lit(v: int, base: str) -> str:
    if base == "uint":
        return f"ti.u32({v & 0xFFFFFFFF})"
    if base == "bool":
        return "1" if v else "0"
    return f"({v})" if v < 0 else str(v)


def index_bound(t: Type | None) -> int:
    """How many elements an index into ``t`` may select: array length, vector size, matrix columns (0:
    unknown or not indexable)."""
    if t is None:
        return 0
    if t.kind == "array":
        return t.length or 0
    if t.kind == "vector":
        return t.size or 0
    if t.kind == "matrix":
        return t.cols or 0
    return 0


def clamp_index(code: str, n: int) -> str:
    """An i32 index ``code`` clamped to [0, n - 1]."""
    return f"ti.max(0, ti.min({code}, {n - 1}))"


@dataclass
class _Loop:
    kind: str  # "for", "while", "do"
    step: list[str] = field(default_factory=list)  # lines to run before `continue` (for loops)
    cond_lines: list[str] = field(default_factory=list)  # do-while: condition check before continue


@dataclass
class _FnCtx:
    fn: Function | None
    namer: Namer
    names: dict[int, str] = field(default_factory=dict)
    single_exit: bool = False
    ret_type: Type | None = None
    loops: list[_Loop] = field(default_factory=list)
    switch_flags: list[str] = field(default_factory=list)  # innermost switch's break flag
    breakable: list[str] = field(default_factory=list)  # "loop" / "switch" nesting, innermost last
    writes: list[Var] = field(default_factory=list)  # globals returned with the result
    out_params: list[tuple[str, Type]] = field(default_factory=list)
    dummy_result: bool = False  # a void function compiled as a real_func returns 0


class Emitter:
    """Prints one checked shader as a Python module (see the module docstring)."""

    def __init__(self, fe: FrontEndResult) -> None:
        self.fe = fe
        self.c: CheckResult = fe.checked
        self.lines: list[str] = []
        self.ind = 0
        self.tmp = 0
        self.global_names: dict[int, str] = {}
        self.module_namer = Namer()
        self.fn_names: dict[int, str] = {}
        self.struct_names: dict[str, str] = {}
        self.field_names: dict[tuple[str, str], str] = {}
        self.ctx: _FnCtx = _FnCtx(None, Namer())
        self.order: list[Function] = []
        self.soa_decls: list[str] = []
        self.usage: dict[int, Usage] = {}
        #: uids of variables written in part somewhere (see :func:`glslc.lower.partly_written`)
        self.partly_written: set[int] = set()
        #: > 0 while an operand followed by a write is printed (see :meth:`ordered`)
        self.early = 0
        #: the name of the scalar kernel; ``render`` dispatches (glslc.lanes.LaneEmitter adds a lane kernel)
        self.kernel_name = "render_scalar"

    # ----------------------------------------------------------------------------------- output
    def line(self, text: str) -> None:
        self.lines.append("    " * self.ind + text)

    @contextmanager
    def indented(self) -> Iterator[None]:
        self.ind += 1
        n = len(self.lines)
        try:
            yield
        finally:
            if len(self.lines) == n:
                self.line("pass")
            self.ind -= 1

    @contextmanager
    def capture(self) -> Iterator[list[str]]:
        saved, saved_ind = self.lines, self.ind
        self.lines = []
        self.ind = 0
        buf = self.lines
        try:
            yield buf
        finally:
            self.lines, self.ind = saved, saved_ind

    def emit_lines(self, lines: list[str]) -> None:
        for ln in lines:
            self.lines.append("    " * self.ind + ln)

    def fresh(self, hint: str = "t") -> str:
        self.tmp += 1
        return f"_{hint}{self.tmp}"

    def err(self, message: str, node: A.Node) -> BackendError:
        return BackendError(message, node.span)

    # ------------------------------------------------------------------------------------ types
    def ti_type(self, t: Type, node: A.Node) -> str:
        """A Taichi type expression (for struct members)."""
        if t.kind == "scalar":
            return dtype(t)
        if t.kind == "vector":
            return f"ti.types.vector({t.size}, {dtype(t)})"
        if t.kind == "matrix":
            return f"ti.types.matrix({t.rows}, {t.cols}, {dtype(t)})"
        if t.kind == "struct":
            return self.struct_name(t)
        if t.kind == "array" and t.element is not None and t.length is not None:
            el = t.element
            if el.kind == "scalar":
                return f"ti.types.vector({t.length}, {dtype(el)})"
            if el.kind in ("vector", "matrix"):
                return f"ti.types.matrix({t.length}, {el.components}, {dtype(el)})"
            if el.kind == "struct":
                return self.soa_name(t, node)
        raise self.err(f"the Taichi back end does not support values of type {t} yet", node)

    def soa_name(self, t: Type, node: A.Node) -> str:
        """An array of structs is a struct of arrays: one array per member (registered for the module head)."""
        el = t.element
        assert el is not None and t.length is not None
        key = f"{el.base}[{t.length}]"
        name = self.struct_names.get(key)
        if name is None:
            name = self.module_namer.fresh(f"soa_{re.sub(r'[^A-Za-z0-9_]', '_', el.base)}_{t.length}", "soa_")
            self.struct_names[key] = name
            fields = []
            for n, ft in el.fields:
                fields.append(f"{self.field_name(el, n)}={self.ti_type(array(ft, t.length), node)}")
            self.soa_decls.append(f"{name} = ti.types.struct({', '.join(fields)})")
        return name

    def struct_name(self, t: Type) -> str:
        name = self.struct_names.get(t.base)
        if name is None:
            name = self.module_namer.fresh("st_" + re.sub(r"\W", "_", t.base), "st_")
            self.struct_names[t.base] = name
        return name

    def field_name(self, t: Type, fname: str) -> str:
        key = (t.base, fname)
        name = self.field_names.get(key)
        if name is None:
            name = Namer.safe(fname, "f_")
            self.field_names[key] = name
        return name

    def zero(self, t: Type, node: A.Node) -> str:
        """A value of type ``t`` (used for declarations without initialiser)."""
        if t.kind == "scalar":
            return "0.0" if t.base in ("float", "double") else int_lit(0, t.base)
        if t.kind == "vector":
            return f"ti.Vector.zero({dtype(t)}, {t.size})"
        if t.kind == "matrix":
            return f"ti.Matrix.zero({dtype(t)}, {t.rows}, {t.cols})"
        if t.kind == "struct":
            parts = ", ".join(f"{self.field_name(t, n)}={self.zero(ft, node)}" for n, ft in t.fields)
            return f"{self.struct_name(t)}({parts})"
        if t.kind == "array" and t.element is not None and t.length is not None:
            el = t.element
            if el.kind == "scalar":
                return f"ti.Vector.zero({dtype(el)}, {t.length})"
            if el.kind in ("vector", "matrix"):
                return f"ti.Matrix.zero({dtype(el)}, {t.length}, {el.components})"
            if el.kind == "struct":
                parts = ", ".join(f"{self.field_name(el, n)}={self.zero(array(ft, t.length), node)}"
                                  for n, ft in el.fields)
                return f"{self.soa_name(t, node)}({parts})"
        raise self.err(f"the Taichi back end does not support values of type {t} yet", node)

    # arrays: scalars in a ti.Vector, vectors and matrices one per row of a ti.Matrix (matrices flattened
    # column by column), structs as a struct of such arrays
    def array_get(self, base: str, idx: str, t: Type, node: A.Node) -> str:
        el = t.element
        assert el is not None
        if el.kind == "scalar":
            return f"{base}[{idx}]"
        if el.kind == "vector":
            return f"ti.Vector([{', '.join(f'{base}[{idx}, {k}]' for k in range(el.size))}], dt={dtype(el)})"
        if el.kind == "matrix":
            rows = [[f"{base}[{idx}, {c * el.rows + r}]" for c in range(el.cols)] for r in range(el.rows)]
            return self.matrix_rows(rows, el)
        if el.kind == "struct":
            parts = []
            for n, ft in el.fields:
                fn = self.field_name(el, n)
                parts.append(f"{fn}={self.array_get(f'{base}.{fn}', idx, array(ft, t.length), node)}")
            return f"{self.struct_name(el)}({', '.join(parts)})"
        raise self.err(f"the Taichi back end does not support arrays of {el} yet", node)

    def array_set(self, base: str, idx: str, value: str, t: Type, node: A.Node) -> None:
        el = t.element
        assert el is not None
        if el.kind == "scalar":
            self.line(f"{base}[{idx}] = {value}")
            return
        val = self.hoist(value, "e")
        if el.kind == "vector":
            for k in range(el.size):
                self.line(f"{base}[{idx}, {k}] = {val}[{k}]")
        elif el.kind == "matrix":
            for c in range(el.cols):
                for r in range(el.rows):
                    self.line(f"{base}[{idx}, {c * el.rows + r}] = {val}[{r}, {c}]")
        elif el.kind == "struct":
            for n, ft in el.fields:
                fn = self.field_name(el, n)
                self.array_set(f"{base}.{fn}", idx, f"{val}.{fn}", array(ft, t.length), node)
        else:
            raise self.err(f"the Taichi back end does not support arrays of {el} yet", node)

    def conv(self, code: str, src: Type, dst: Type) -> str:
        """Convert a value between scalar/vector/matrix types of the same shape."""
        if src == dst or src.kind not in ("scalar", "vector", "matrix"):
            return code
        if dst.base == "bool":
            if src.base == "bool":
                return code
            return f"ti.cast({code} != 0, ti.i32)"
        if src.base == dst.base:
            return code
        return f"ti.cast({code}, {dtype(dst)})"

    # -------------------------------------------------------------------------------- module
    def module(self) -> str:
        err = unsupported(self.c)
        if err is not None:
            raise BackendError(err.message, err.span)
        self.order = function_order(self.c)
        self.usage = global_usage(self.c, self.order)
        self.tables = self.const_tables()
        if self.tables:  # read from module-level fields, not threaded through the functions
            self.usage = {k: Usage([g for g in u.reads if g.uid not in self.tables], list(u.writes), u.discards)
                          for k, u in self.usage.items()}
        self.partly_written = partly_written(self.c)
        self.global_names[DISCARD.uid] = "_discard"
        self.module_namer.taken.add("_discard")
        for v in DERIV_VARS:
            self.global_names[v.uid] = v.name
            self.module_namer.taken.add(v.name)
        # Real functions are experimental (off unless GLSLC_REAL_FUNCS=1): Taichi 1.7.4 crashes on some of
        # them (docs/backend.md). The plan's size estimate is used either way (KERNEL_SIZE, see below).
        eligible = set()
        if os.environ.get("GLSLC_REAL_FUNCS", "0") == "1":
            eligible = {id(f) for f in self.order if self.can_be_real(f)}
        budget = int(os.environ.get("GLSLC_INLINE_BUDGET") or INLINE_BUDGET)
        self.real_fns, self.inline_stats = inline_plan(self.c, self.order, eligible, budget=budget)
        self.deriv_sites = {id(c): i for i, c in enumerate(derivative_calls(self.c))}
        self.deriv_slots = 0
        self.slot_bases: dict[int, int] = {}  # derivative site -> its first scratch slot (the same in every kernel)
        for v in self.c.globals:
            self.global_names[v.uid] = self.module_namer.fresh(v.name)
        for _, v in self.builtin_vars_used():
            self.var_name(v)
        for f in self.order:
            base = "fn_" + re.sub(r"[^A-Za-z0-9_]", "_", f.name).replace("__", "_u_")
            name, n = base, 1
            while name in self.module_namer.taken:
                n += 1
                name = f"{base}_{n}"
            self.module_namer.taken.add(name)
            self.fn_names[id(f)] = name
        body: list[str] = []
        for f in self.order:
            self.lines = []
            self.ind = 0
            self.function(f)
            body.extend(self.lines)
            body.append("")
        self.function_lines = body  # the scalar functions (glslc.lanes estimates compile effort over them)
        self.lines = []
        self.ind = 0
        self.kernel()
        kernel = self.lines + self.extra_parts()
        head = [
            f'"""Generated by glslc from {_doc_safe(self.fe.source.filename)} ({self.fe.source.dialect_name}).',
            "",
            "Render with `python THIS.py --time 1.5 -o out.png` (needs taichi, numpy, Pillow, glslc.runtime).",
            '"""',
            "",
            "import taichi as ti",
            "",
            "from glslc.runtime import glsl as G",
            "from glslc.runtime import textures as T",
            "from glslc.runtime import derivs as D",
            *self.extra_imports(),
            "",
        ]
        for t in self._structs_in_order():
            fields = ", ".join(f"{self.field_name(t, n)}={self.ti_type(ft, self.c.unit)}" for n, ft in t.fields)
            head.extend(self.soa_decls)  # struct-of-arrays types the fields need
            self.soa_decls.clear()
            head.append(f"{self.struct_name(t)} = ti.types.struct({fields})")
        head.extend(self.soa_decls)
        head.extend(self.extra_types())
        if self.struct_names:
            head.append("")
        tail = ["", "", 'if __name__ == "__main__":', "    from glslc.runtime.standalone import main",
                "", "    main(render, UNIFORMS, OUTPUT_KIND, CHANNELS, DERIVATIVE_SLOTS)", ""]
        return "\n".join(head + ["", ""] + body + kernel + tail)

    # ---------------------------------------------------------------------------- const tables
    #: Constant global arrays with at least this many scalars live in module-level fields (``CONST_TABLES``):
    #: a kernel-local array is built for every pixel (or group of pixels) and copied into every function that
    #: reads it, which for a 512-entry permutation table dominated the render, and a 1,395-entry one did not
    #: compile at all.
    TABLE_MIN = 32

    def const_tables(self) -> dict[int, tuple[str, Type, list]]:
        """uid -> (field name, array type, flat values) of the constant global arrays read only by indexing."""
        uses_ok: dict[int, bool] = {}
        parent: dict[int, A.Node] = {}
        for n in A.walk(self.c.unit):
            for ch in n.children():
                parent[id(ch)] = n
        for n in A.walk(self.c.unit):
            if isinstance(n, A.Ident):
                v = self.c.symbols.get(n)
                if v is not None and v.kind == "global":
                    up = parent.get(id(n))
                    folded = isinstance(up, A.Expr) and self.c.constants.get(up) is not None
                    uses_ok[v.uid] = uses_ok.get(v.uid, True) and (
                        folded or (isinstance(up, A.Index) and up.base is n))
        out: dict[int, tuple[str, Type, list]] = {}
        for v in self.c.globals:
            t, el = v.type, v.type.element
            if (v.storage != "const" or t.kind != "array" or el is None or el.kind not in ("scalar", "vector", "matrix")
                    or not isinstance(v.value, (list, tuple)) or not t.length or len(v.value) != t.length
                    or t.length * el.components < self.TABLE_MIN or not uses_ok.get(v.uid, False)):
                continue
            flat: list = []
            for item in v.value:
                if el.kind == "scalar":
                    flat.append(item)
                elif el.kind == "vector":
                    flat.extend(item)
                else:  # columns
                    flat.extend(x for col in item for x in col)
            if len(flat) != t.length * el.components:
                continue
            name = "_K_" + re.sub(r"[^A-Za-z0-9_]", "_", v.name)
            while name in self.module_namer.taken:
                name += "_"
            self.module_namer.taken.add(name)
            out[v.uid] = (name, t, flat)
        return out

    def table_get(self, table: tuple[str, Type, list], e: A.Index) -> str:
        name, t, _ = table
        el = t.element
        assert el is not None
        idx = self.hoist(self.index_code(e.index, t), "i")
        if el.kind == "scalar":
            return f"{name}[{idx}]"
        if el.kind == "vector":
            return f"ti.Vector([{', '.join(f'{name}[{idx}, {c}]' for c in range(el.size))}], dt={dtype(el)})"
        rows = ["[" + ", ".join(f"{name}[{idx}, {c * el.rows + r}]" for c in range(el.cols)) + "]"
                for r in range(el.rows)]
        return f"ti.Matrix([{', '.join(rows)}], dt={dtype(el)})"

    def table_lines(self) -> list[str]:
        """``CONST_TABLES``: name -> (dtype, shape, values), loaded into fields before the first launch."""
        if not self.tables:
            return ["CONST_TABLES = {}"]
        out = ["CONST_TABLES = {  # constant global arrays, as fields (glslc.runtime.lanes.load_tables)"]
        for name, t, flat in self.tables.values():
            el = t.element
            assert el is not None
            shape = [t.length] if el.kind == "scalar" else [t.length, el.components]
            # numpy takes plain numbers: uint values as their 32-bit pattern, no ti.u32(...) wrapper
            lits = [float_lit(float(x)) if el.base in ("float", "double")
                    else str(int(x) & 0xFFFFFFFF) if el.base == "uint" else int_lit(int(x), el.base) for x in flat]
            out.append(f"    {name!r}: ({dtype(el)[3:]!r}, {shape!r}, [{', '.join(lits)}]),")
        out.append("}")
        return out

    # hooks for glslc.lanes.LaneEmitter: more module text after the scalar kernel, its imports and types
    def extra_parts(self) -> list[str]:
        return ["", ""] + self.table_lines() + ["", ""] + self.dispatcher(None)

    def dispatcher(self, lanes: str | None, cores: str = "inline") -> list[str]:
        """``render(*args)``: loads the constant tables, then launches the lane kernel ``lanes`` on the CPU
        arches (glslc.runtime.lanes) and the scalar kernel elsewhere."""
        out = ["def render(*args):",
               '    """The lane kernel on the CPU arches, the scalar one elsewhere (glslc.runtime.lanes)."""']
        if self.tables:
            out.append("    L.load_tables(globals(), CONST_TABLES)")
        out.append(f"    L.launch({lanes or 'None'}, {self.kernel_name}, args, {cores!r})")
        return out

    def extra_imports(self) -> list[str]:
        return ["from glslc.runtime import lanes as L"]

    def extra_types(self) -> list[str]:
        return []

    def _structs_in_order(self) -> list[Type]:
        seen: list[Type] = []

        def visit(t: Type) -> None:
            if t.kind == "array" and t.element is not None:
                visit(t.element)
            elif t.kind == "struct" and t not in seen:
                for _, ft in t.fields:
                    visit(ft)
                seen.append(t)

        for t in self.c.structs.values():
            visit(t)
        for n in A.walk(self.c.unit):
            if isinstance(n, A.Expr) and isinstance(n.ty, Type):
                visit(n.ty)
        return seen

    # ---------------------------------------------------------------------------- functions
    def var_name(self, v: Var) -> str:
        if v.kind in ("global", "builtin"):
            name = self.global_names.get(v.uid)
            if name is None:
                name = self.module_namer.fresh(v.name)
                self.global_names[v.uid] = name
            return name
        name = self.ctx.names.get(v.uid)
        if name is None:
            name = self.ctx.namer.fresh(v.name)
            self.ctx.names[v.uid] = name
        return name

    def function(self, f: Function) -> None:
        d = f.definition
        assert d is not None
        usage = self.usage[id(f)]
        namer = Namer(set(self.module_namer.taken))
        self.ctx = _FnCtx(f, namer, ret_type=f.ret, single_exit=returns_inside_control_flow(d.body))
        params = []
        outs: list[tuple[str, Type]] = []
        for (name, t, qual), prm in zip(f.params, d.proto.params, strict=False):
            var = self.c.symbols.get(prm)
            pname = self.var_name(var) if var is not None else namer.fresh(name or "unused")
            # a sampler is a texture slot object, passed through as a template (resolved at compile time)
            params.append(f"{pname}: ti.template()" if t.kind == "sampler" else pname)
            if qual in ("out", "inout"):
                outs.append((pname, t))
        for g in usage.reads:
            params.append(f"{self.var_name(g)}: ti.template()" if g.type.kind == "sampler" else self.var_name(g))
        self.ctx.writes = list(usage.writes)
        self.ctx.out_params = outs
        name = self.fn_names[id(f)]
        real = id(f) in self.real_fns
        self.ctx.dummy_result = real
        with self.capture() as body:
            self.function_body(f, d)
        if not real:
            self.line("@ti.func")
            self.line(f"def {name}({', '.join(params)}):  # GLSL line {d.proto.span.line}")
            self.emit_lines(body)
            return
        # compiled once and called (glslc.lower.inline_plan): an annotated real_func for the LLVM arches and
        # the same body as a ti.func for Vulkan; G.hot picks one when a kernel compiles
        # the arguments of a real function are immutable: the body works on copies
        args = [namer.fresh(pn + "_arg") for pn in params]
        annotated = [f"{a}: {self.ti_type(t, d)}" for a, t in zip(args, self.param_types(f), strict=True)]
        results = ([f.ret] if f.ret.kind != "void" else []) + [t for _, t in outs] + [g.type for g in usage.writes]
        rtypes = [self.ti_type(t, d) for t in results] or ["ti.i32"]
        ret = rtypes[0] if len(rtypes) == 1 else f"({', '.join(rtypes)})"
        self.line("@ti.real_func")
        self.line(f"def {name}_real({', '.join(annotated)}) -> {ret}:  # GLSL line {d.proto.span.line}")
        with self.indented():
            for pn, a in zip(params, args, strict=True):
                self.line(f"{pn} = {a}")
        self.emit_lines(body)
        self.line("")
        self.line("@ti.func")
        self.line(f"def {name}_inline({', '.join(params)}):")
        self.emit_lines(body)
        self.line("")
        self.line(f"{name} = G.hot({name}_real, {name}_inline)")

    def param_types(self, f: Function) -> list[Type]:
        """The types of a function's parameters as emitted: its own, then the shader globals it reads."""
        return [t for _, t, _ in f.params] + [g.type for g in self.usage[id(f)].reads]

    def can_be_real(self, f: Function) -> bool:
        """Whether ``f`` can be a ``ti.real_func``: every parameter and result has a Taichi type annotation
        (no texture slots or derivative state, which are compile-time templates)."""
        if f.name == "main" or f.definition is None:
            return False
        usage = self.usage[id(f)]
        types = self.param_types(f) + [g.type for g in usage.writes] + ([f.ret] if f.ret.kind != "void" else [])
        for t in types:
            if t.kind == "sampler":
                return False
            try:
                self.ti_type(t, f.definition)
            except BackendError:
                return False
        return True

    def function_body(self, f: Function, d: A.FunctionDef) -> None:
        with self.indented():
            for (_, t, qual), prm in zip(f.params, d.proto.params, strict=False):
                var = self.c.symbols.get(prm)
                if qual == "out" and var is not None:
                    self.line(f"{self.var_name(var)} = {self.zero(t, prm)}")
                elif (var is not None and t.kind in ("scalar", "vector", "matrix", "array")
                      and (t.kind != "array" or (t.element is not None and t.element.kind != "struct"))
                      and _assigned(d, var, self.c)):
                    # a parameter the body writes: make it a typed Taichi variable (literals arrive as Python
                    # numbers, which cannot change inside Taichi control flow)
                    pn = self.var_name(var)
                    self.line(f"{pn} = ti.cast({pn}, {_elem_dtype(t)})")
            if self.ctx.single_exit:
                self.line("_ret = 0")
                if f.ret.kind != "void":
                    self.line(f"_rv = {self.zero(f.ret, d.proto)}")
            self.block(d.body.stmts)
            self.final_return(d)

    def result_tuple(self, value: str | None) -> str:
        parts = [] if value is None else [value]
        parts += [p for p, _ in self.ctx.out_params]
        parts += [self.var_name(g) for g in self.ctx.writes]
        if not parts:
            return "0" if self.ctx.dummy_result else ""  # a real_func needs a result (TAICHI.md)
        if len(parts) == 1 and value is not None:
            return value
        return ", ".join(parts)

    def final_return(self, d: A.FunctionDef) -> None:
        f = self.ctx.fn
        assert f is not None
        if self.ctx.single_exit:
            value = "_rv" if f.ret.kind != "void" else None
        else:
            value = None
            if f.ret.kind != "void":
                # a function without a return on some path: GLSL leaves the result undefined
                value = self.zero(f.ret, d.proto)
        r = self.result_tuple(value)
        if self.ctx.single_exit or not _ends_in_return(d.body):
            self.line(f"return {r}" if r else "return")

    # ---------------------------------------------------------------------------- statements
    def block(self, stmts: list[A.Node]) -> None:
        """Statements in order; those after one that may raise an exit flag are guarded."""
        for i, s in enumerate(stmts):
            self.stmt(s)
            flags = self.raised_flags(s)
            if flags and i + 1 < len(stmts):
                rest = stmts[i + 1:]
                cond = " or ".join(flags)
                self.line(f"if not ({cond}):")
                with self.indented():
                    self.block(rest)
                return

    def raised_flags(self, s: A.Node) -> list[str]:
        """Exit flags that executing ``s`` may leave set without a Python-level jump."""
        flags = []
        if self.ctx.single_exit and _contains_return(s):
            flags.append("_ret")
        if self.ctx.breakable and self.ctx.breakable[-1] == "switch" and _contains_switch_break(s):
            flags.append(self.ctx.switch_flags[-1])
        return flags

    def stmt(self, s: A.Node) -> None:
        if isinstance(s, A.Block):
            self.block(s.stmts)
        elif isinstance(s, A.DeclStmt):
            self.declaration(s)
        elif isinstance(s, A.ExprStmt):
            self.expr_stmt(s.expr)
        elif isinstance(s, A.If):
            self.if_(s)
        elif isinstance(s, A.For):
            self.for_(s)
        elif isinstance(s, A.While):
            self.while_(s)
        elif isinstance(s, A.DoWhile):
            self.do_while(s)
        elif isinstance(s, A.Switch):
            self.switch(s)
        elif isinstance(s, A.Return):
            self.return_(s)
        elif isinstance(s, A.Break):
            self.break_(s)
        elif isinstance(s, A.Continue):
            self.continue_(s)
        elif isinstance(s, A.Discard):
            # the fragment's output is dropped; running on changes nothing visible
            self.line("_discard = 1")
        elif isinstance(s, (A.EmptyStmt, A.PrecisionDecl, A.QualifierDecl)):
            pass
        else:
            raise self.err(f"the Taichi back end cannot lower {type(s).__name__} yet", s)

    def exit_now(self, s: A.Node) -> None:
        """After setting the result of a return/discard: leave the function."""
        if self.ctx.single_exit:
            self.line("_ret = 1")
            if self.ctx.loops:
                self.line("break")
        # without single exit, this is the function's last statement

    def declaration(self, d: A.DeclStmt) -> None:
        for vd in d.decls:
            var = self.c.symbols.get(vd)
            if var is None:
                continue
            name = self.var_name(var)
            if vd.init is None:
                self.line(f"{name} = {self.zero(var.type, vd)}")
            else:
                value = self.rvalue(vd.init, var.type)
                self.line(f"{name} = {value}")

    def expr_stmt(self, e: A.Expr) -> None:
        if isinstance(e, A.Assign):
            self.assign(e)
        elif isinstance(e, (A.PreIncDec, A.PostIncDec)):
            self.incdec(e)
        elif isinstance(e, A.Comma):
            for x in e.exprs:
                self.expr_stmt(x)
        elif isinstance(e, A.Call):
            code = self.ex(e)
            if code and not _is_plain_name(code):
                self.line(code)
        else:
            code = self.ex(e)
            if isinstance(e, A.Ternary) or not _is_plain_name(code):
                # a fresh name each time: a Taichi variable keeps the type of its first value, and unused
                # values of different types (a vec3 statement, then a vec4 one) may share a scope
                self.line(f"{self.fresh('unused')} = {code}")

    def cond_code(self, c: A.Node) -> str:
        if isinstance(c, A.DeclStmt):
            self.declaration(c)
            var = self.c.symbols.get(c.decls[0])
            assert var is not None
            return self.var_name(var)
        assert isinstance(c, A.Expr)
        return self.ex(c)

    def if_(self, s: A.If) -> None:
        cond = self.cond_code(s.cond)
        self.line(f"if {cond}:")
        with self.indented():
            self.sub(s.then)
        if s.else_ is not None:
            self.line("else:")
            with self.indented():
                self.sub(s.else_)

    def sub(self, s: A.Node) -> None:
        if isinstance(s, A.Block):
            self.block(s.stmts)
        else:
            self.stmt(s)

    def loop_cond(self, c: A.Node | None) -> tuple[list[str], str | None]:
        """The statements that compute a loop condition and its code (None: always true)."""
        if c is None:
            return [], None
        with self.capture() as buf:
            code = self.cond_code(c)
        return buf, code

    def after_loop(self, body: A.Node) -> None:
        if self.ctx.single_exit and _contains_return(body) and self.ctx.loops:
            self.line("if _ret:")
            with self.indented():
                self.line("break")

    def for_(self, s: A.For) -> None:
        self.stmt(s.init)
        pre, cond = self.loop_cond(s.cond)
        with self.capture() as step:
            if s.step is not None:
                self.expr_stmt(s.step)
        loop = _Loop("for", step=list(step))
        self.emit_loop(pre, cond, loop, s.body, step)

    def while_(self, s: A.While) -> None:
        pre, cond = self.loop_cond(s.cond)
        self.emit_loop(pre, cond, _Loop("while"), s.body, [])

    def emit_loop(self, pre: list[str], cond: str | None, loop: _Loop, body: A.Node, step: list[str]) -> None:
        if not pre and cond is not None:
            self.line(f"while {cond}:")
            head: list[str] = []
        else:
            self.line("while True:")
            head = pre + ([f"if not ({cond}):", "    break"] if cond is not None else [])
        self.ctx.loops.append(loop)
        self.ctx.breakable.append("loop")
        with self.indented():
            self.emit_lines(head)
            self.sub(body)
            if step:
                guard = self.raised_flags(body)
                if guard:
                    self.line(f"if not ({' or '.join(guard)}):")
                    with self.indented():
                        self.emit_lines(step)
                else:
                    self.emit_lines(step)
        self.ctx.breakable.pop()
        self.ctx.loops.pop()
        self.after_loop(body)

    def do_while(self, s: A.DoWhile) -> None:
        pre, cond = self.loop_cond(s.cond)
        check = pre + [f"if not ({cond}):", "    break"]
        loop = _Loop("do", cond_lines=check)
        self.line("while True:")
        self.ctx.loops.append(loop)
        self.ctx.breakable.append("loop")
        with self.indented():
            self.sub(s.body)
            guard = self.raised_flags(s.body)
            if guard:
                self.line(f"if {' or '.join(guard)}:")
                with self.indented():
                    self.line("break")
            self.emit_lines(check)
        self.ctx.breakable.pop()
        self.ctx.loops.pop()
        self.after_loop(s.body)

    def switch(self, s: A.Switch) -> None:
        sel = self.fresh("sw")
        matched = self.fresh("m")
        brk = self.fresh("brk")
        self.line(f"{sel} = {self.ex(s.expr)}")
        self.line(f"{matched} = 0")
        self.line(f"{brk} = 0")
        labels = [self.ex(c.value) for c in s.cases if c.value is not None]
        has_default = any(c.value is None for c in s.cases)
        hit = None
        if has_default:
            hit = self.fresh("hit")
            self.line(f"{hit} = " + (" or ".join(f"{sel} == {v}" for v in labels) if labels else "0"))
        self.ctx.switch_flags.append(brk)
        self.ctx.breakable.append("switch")
        for c in s.cases:
            if c.value is None:
                test = f"{matched} or not {hit}"
            else:
                test = f"{matched} or {sel} == {self.ex(c.value)}"
            stop = f"({brk} or _ret)" if self.ctx.single_exit and _contains_return(s) else brk
            self.line(f"if not {stop} and ({test}):")
            with self.indented():
                self.line(f"{matched} = 1")
                self.block(c.body)
        self.ctx.breakable.pop()
        self.ctx.switch_flags.pop()

    def return_(self, s: A.Return) -> None:
        f = self.ctx.fn
        if f is None:
            raise self.err("'return' outside a function", s)
        value = self.rvalue(s.value, f.ret) if s.value is not None else None
        if self.ctx.single_exit:
            if value is not None:
                self.line(f"_rv = {value}")
            self.exit_now(s)
        else:
            r = self.result_tuple(value)
            self.line(f"return {r}" if r else "return")

    def break_(self, s: A.Break) -> None:
        if self.ctx.breakable and self.ctx.breakable[-1] == "switch":
            self.line(f"{self.ctx.switch_flags[-1]} = 1")
        else:
            self.line("break")

    def continue_(self, s: A.Continue) -> None:
        loop = self.ctx.loops[-1]
        if loop.kind == "for":
            self.emit_lines(loop.step)
        elif loop.kind == "do":
            self.emit_lines(loop.cond_lines)
        self.line("continue")

    # ---------------------------------------------------------------------------- assignment
    def assign(self, e: A.Assign) -> str:
        lt: Type = e.lhs.ty
        if e.op == "=":
            value = self.rvalue(e.rhs, lt)
        else:
            op = e.op[:-1]
            current = self.ex(e.lhs)
            value = self.binary_code(op, current, lt, self.ex(e.rhs), e.rhs.ty, lt, e)
        return self.store(e.lhs, value)

    def incdec(self, e: A.PreIncDec | A.PostIncDec) -> str:
        t: Type = e.operand.ty
        one = self.conv("1", INT, t) if t.base != "float" else "1.0"
        if t.base == "uint":
            one = "ti.u32(1)"
        cur = self.ex(e.operand)
        op = "+" if e.op == "++" else "-"
        old = None
        if isinstance(e, A.PostIncDec):
            old = self.fresh("old")
            self.line(f"{old} = {cur}")
        self.store(e.operand, f"{cur} {op} {one}")
        return old if old is not None else self.ex(e.operand)

    def store(self, target: A.Expr, value: str) -> str:
        """Write ``value`` into an l-value; returns code that reads the l-value afterwards."""
        if isinstance(target, A.Ident):
            var = self.c.symbols[target]
            name = self.var_name(var)
            t: Type = target.ty
            if var.uid in self.partly_written and t.kind in ("vector", "matrix"):
                # Taichi 1.7.4 (advanced_optimization, cpu) can lose a whole store into a vector or matrix
                # that also gets component stores (`v.y = a; v = v / f(v.xxx);` keeps the old v, also
                # after a loop); storing a value built from the components is kept.
                val = self.hoist(value, "w")
                if t.kind == "vector":
                    self.line(f"{name} = ti.Vector([{', '.join(f'{val}[{k}]' for k in range(t.size))}], "
                              f"dt={dtype(t)})")
                else:
                    rows = [[f"{val}[{r}, {c}]" for c in range(t.cols)] for r in range(t.rows)]
                    self.line(f"{name} = {self.matrix_rows(rows, t)}")
                return name
            self.line(f"{name} = {value}")
            return name
        if isinstance(target, A.Field):
            bt: Type = target.base.ty
            sw = self.c.swizzles.get(target)
            if sw is not None:
                if bt.kind == "scalar":
                    return self.store(target.base, f"({value})" if len(sw) == 1 else f"({value})[0]")
                # Write components in place where the base is a variable: Taichi 1.7.4 (cpu) was seen to
                # drop the write-back of a copy-modify-copy sequence that follows a loop.
                if isinstance(target.base, A.Ident):
                    tmp = self.ex(target.base)
                    if len(sw) == 1:
                        self.line(f"{tmp}[{sw[0]}] = {value}")
                    else:
                        val = self.fresh("s")
                        self.line(f"{val} = {value}")
                        for k, comp in enumerate(sw):
                            self.line(f"{tmp}[{comp}] = {val}[{k}]")
                    return self.ex(target)
                tmp = self.fresh("v")
                self.line(f"{tmp} = {self.ex(target.base)}")
                if len(sw) == 1:
                    self.line(f"{tmp}[{sw[0]}] = {value}")
                else:
                    val = self.fresh("s")
                    self.line(f"{val} = {value}")
                    for k, comp in enumerate(sw):
                        self.line(f"{tmp}[{comp}] = {val}[{k}]")
                self.store(target.base, tmp)
                return self.ex(target)
            if isinstance(target.base, A.Ident):
                self.line(f"{self.ex(target.base)}.{self.field_name(bt, target.name)} = {value}")
                return self.ex(target)
            tmp = self.fresh("s")
            self.line(f"{tmp} = {self.ex(target.base)}")
            self.line(f"{tmp}.{self.field_name(bt, target.name)} = {value}")
            self.store(target.base, tmp)
            return self.ex(target)
        if isinstance(target, A.Index):
            bt = target.base.ty
            # a dynamic index out of bounds (measured against llvmpipe: tests/lanes_cases.py,
            # "vector_store_out_of_bounds"): a vector drops the store (Mesa lowers it to per-component
            # selects); a matrix drops it below 0 and writes its last column above; array elements are clamped
            inside = ""
            if bt.kind in ("vector", "matrix") and self.c.constants.get(target.index) is None:
                raw = self.raw_index(target.index)
                if not _is_literal(raw):
                    raw = self.hoist(raw, "i")
                    inside = (f"ti.cast({raw}, ti.u32) < {index_bound(bt)}" if bt.kind == "vector"
                              else f"{raw} >= 0")
                    idx = self.hoist(clamp_index(raw, index_bound(bt)), "i")
            if not inside:
                idx = self.index_code(target.index, bt)
            in_place = isinstance(target.base, A.Ident)
            if in_place:
                tmp = self.ex(target.base)
            else:
                tmp = self.fresh("a")
                self.line(f"{tmp} = {self.ex(target.base)}")
            if bt.kind == "vector":
                if inside:
                    self.line(f"{tmp}[{idx}] = ti.select({inside}, {value}, {tmp}[{idx}])")
                else:
                    self.line(f"{tmp}[{idx}] = {value}")
            elif bt.kind == "array":
                self.array_set(tmp, self.hoist(idx, "i"), value, bt, target)
            elif bt.kind == "matrix":
                val = self.fresh("c")
                self.line(f"{val} = {value}")
                for r in range(bt.rows):
                    kept = f"ti.select({inside}, {val}[{r}], {tmp}[{r}, {idx}])" if inside else f"{val}[{r}]"
                    self.line(f"{tmp}[{r}, {idx}] = {kept}")
            else:
                raise self.err(f"the Taichi back end cannot write into {bt} yet", target)
            if not in_place:
                self.store(target.base, tmp)
            return self.ex(target)
        raise self.err("the Taichi back end cannot write into this expression", target)

    # ---------------------------------------------------------------------------- expressions
    def rvalue(self, e: A.Expr, t: Type) -> str:
        """Code for ``e`` converted to type ``t``."""
        if isinstance(e, A.InitList):
            return self.init_list(e, t)
        code = self.ex(e)
        return self.conv(code, e.ty, t)

    def init_list(self, e: A.InitList, t: Type) -> str:
        if t.kind == "array" and t.element is not None:
            return self.array_value([self.rvalue(x, t.element) for x in e.items], t.element, e)
        if t.kind == "struct":
            parts = ", ".join(f"{self.field_name(t, n)}={self.rvalue(x, ft)}" for x, (n, ft) in
                              zip(e.items, t.fields, strict=True))
            return f"{self.struct_name(t)}({parts})"
        if t.kind == "vector":
            return f"ti.Vector([{', '.join(self.rvalue(x, scalar(t.base)) for x in e.items)}], dt={dtype(t)})"
        if t.kind == "matrix":
            cols = [self.rvalue(x, t.column) for x in e.items]
            return self.matrix_from_columns(cols, t)
        return self.rvalue(e.items[0], t)

    def ordered(self, items: list[tuple[A.Expr, Any]]) -> list[str]:
        """Codes of operands in Mesa's order (measured): side effects (``c = ...``, ``i++``, calls) run left to
        right where they stand, and so do calls, vector/matrix/struct constructors and ``?:``, which Mesa
        computes into a temporary there; the rest of an operand (variables, swizzles, elements, operators) is
        read by its consumer, after the writes of later operands: ``max(m, a - (m = 2.0))`` reads the new m,
        ``f(m) + (m = 2.0)`` the old one. An operand followed by a write is printed with ``self.early`` set,
        which makes those nodes hoist their value (:meth:`settle`)."""
        out = []
        for i, (e, make) in enumerate(items):
            sampler = isinstance(e.ty, Type) and e.ty.kind == "sampler"  # a texture slot: nothing to read early
            if not sampler and any(writes_something(x, self.c, self.usage) for x, _ in items[i + 1:]):
                self.early += 1
                try:
                    code = make()
                finally:
                    self.early -= 1
            else:
                code = make()
            out.append(code)
        return out

    def settle(self, code: str, hint: str = "t") -> str:
        """``code`` of a call, constructor or ``?:``: read into a temporary now when a later write follows (see
        :meth:`ordered`)."""
        return self.hoist(code, hint) if self.early and code else code

    def hoist(self, code: str, hint: str = "t") -> str:
        if _is_plain_name(code) or _is_literal(code):
            return code
        name = self.fresh(hint)
        self.line(f"{name} = {code}")
        return name

    def raw_index(self, e: A.Expr) -> str:
        """``e`` as an i32 index, unchecked."""
        code = self.ex(e)
        return code if e.ty.base == "int" else f"ti.cast({code}, ti.i32)"

    def index_code(self, e: A.Expr, within: Type | None = None) -> str:
        code = self.raw_index(e)
        n = index_bound(within)
        if n and self.c.constants.get(e) is None and not _is_literal(code):
            # an index out of bounds is undefined in GLSL; Taichi would read (or write) whatever lies beside
            # the array, vector or matrix, which changes with the shape of the code (conformance/
            # metamorphic_cases/array_index_out_of_bounds.frag) and, past a lane kernel's vector, crashed the
            # process. Clamped, the result is deterministic and no other variable is touched (llvmpipe reads
            # past an array too, so those pixels cannot be compared anyway). Stores into a vector drop an
            # index out of bounds, as Mesa's lowering to per-component selects does (see store).
            code = clamp_index(code, n)
        return code

    def ex(self, e: A.Expr) -> str:
        const = self.c.constants.get(e)
        if const is not None and isinstance(e.ty, Type) and e.ty.kind in ("scalar", "vector"):
            return self.const_code(const, e.ty)
        method = getattr(self, "x_" + type(e).__name__, None)
        if method is None:
            raise self.err(f"the Taichi back end cannot lower {type(e).__name__} yet", e)
        return method(e)

    def const_code(self, v: Any, t: Type) -> str:
        if t.kind == "scalar":
            if t.base in ("float", "double"):
                return float_lit(float(v))
            return int_lit(int(v), t.base)
        comps = [self.const_code(x, scalar(t.base)) for x in v]
        return f"ti.Vector([{', '.join(comps)}], dt={dtype(t)})"

    def x_IntLit(self, e: A.IntLit) -> str:
        return int_lit(e.value, "uint" if e.unsigned else "int")

    def x_FloatLit(self, e: A.FloatLit) -> str:
        return float_lit(e.value)

    def x_BoolLit(self, e: A.BoolLit) -> str:
        return "1" if e.value else "0"

    def x_Ident(self, e: A.Ident) -> str:
        var = self.c.symbols[e]
        return self.var_name(var)

    def x_Unary(self, e: A.Unary) -> str:
        a = self.ex(e.operand)
        t: Type = e.ty
        if e.op == "-":
            if t.base == "uint":
                return f"(ti.u32(0) - {a})"
            return f"(-{a})"
        if e.op == "+":
            return a
        if e.op == "!":
            return f"(1 - {a})"
        if e.op == "~":
            return f"(~{a})"
        raise self.err(f"unary '{e.op}'", e)

    def x_PreIncDec(self, e: A.PreIncDec) -> str:
        return self.snapshot(self.incdec(e), e)

    def x_PostIncDec(self, e: A.PostIncDec) -> str:
        return self.incdec(e)

    def x_Assign(self, e: A.Assign) -> str:
        return self.snapshot(self.assign(e), e)

    def snapshot(self, code: str, e: A.Expr) -> str:
        """The value of an assignment or ``++x`` is a temporary (Mesa's ``assignment_tmp``): when a later
        operand writes the variable again (``vec2(s += 0.1, s += 0.1)``), read it into one now."""
        if not self.early or not _is_plain_name(code) or e.ty.kind not in ("scalar", "vector", "matrix"):
            return code
        name = self.fresh("t")
        self.line(f"{name} = {code}")
        return name

    def x_Comma(self, e: A.Comma) -> str:
        for x in e.exprs[:-1]:
            self.expr_stmt(x)
        return self.ex(e.exprs[-1])

    def x_Binary(self, e: A.Binary) -> str:
        op = e.op
        if op in ("&&", "||") and has_effects(e.rhs, self.c, self.usage):
            res = self.fresh("b")
            self.line(f"{res} = {self.ex(e.lhs)}")
            self.line(f"if {'' if op == '&&' else 'not '}{res}:")
            with self.indented():
                self.line(f"{res} = {self.ex(e.rhs)}")
            return res
        a, b = self.ordered([(e.lhs, lambda: self.ex(e.lhs)), (e.rhs, lambda: self.ex(e.rhs))])
        return self.binary_code(op, a, e.lhs.ty, b, e.rhs.ty, e.ty, e)

    def binary_code(self, op: str, a: str, at: Type, b: str, bt: Type, rt: Type, node: A.Node) -> str:
        if op in ("&&", "||"):
            return f"({a} {'and' if op == '&&' else 'or'} {b})"
        if op == "^^":
            return f"({a} != {b})"
        if op in ("==", "!="):
            if at.kind == "struct" or at.kind == "array":
                return self.struct_equal(a, at, b, op, node)
            if at.kind != bt.kind or at.base != bt.base:
                common = at if bt.kind == "scalar" else bt
                a, b = self.conv(a, at, common.with_base(_common_base(at, bt))), self.conv(
                    b, bt, common.with_base(_common_base(at, bt)))
            if at.kind in ("vector", "matrix"):
                fn = "G.vec_equal" if op == "==" else "G.vec_not_equal"
                return f"{fn}({a}, {b})"
            return f"({a} {op} {b})"
        if op in ("<", ">", "<=", ">="):
            base = _common_base(at, bt)
            return f"({self.conv(a, at, at.with_base(base))} {op} {self.conv(b, bt, bt.with_base(base))})"
        if op in ("<<", ">>"):
            if bt.base != at.base:
                b = f"ti.cast({b}, {dtype(at)})"
            if at.kind == "vector" and bt.kind == "scalar":
                b = f"ti.Vector([{b}] * {at.size})" if _is_plain_name(b) or _is_literal(b) else b
            return f"({a} {op} {b})"
        base = rt.base
        a = self.conv(a, at, at.with_base(base))
        b = self.conv(b, bt, bt.with_base(base))
        if op == "*" and (at.kind == "matrix" or bt.kind == "matrix") and at.kind != "scalar" and bt.kind != "scalar":
            return f"({a} @ {b})"
        if op in ("/", "%") and base in ("int", "uint"):
            fn = "G.idiv" if op == "/" else "G.imod"
            if at.kind == "scalar" and bt.kind == "vector":
                a = f"ti.Vector([{self.hoist(a)}] * {bt.size})"
            if bt.kind == "scalar" and at.kind == "vector":
                b = f"ti.Vector([{self.hoist(b)}] * {at.size})"
            return f"{fn}({a}, {b})"
        if op == "%":
            raise self.err("'%' on non-integers", node)
        if base == "uint" and op == "-" and _is_literal(a):
            pass
        return f"({a} {op} {b})"

    def struct_equal(self, a: str, t: Type, b: str, op: str, node: A.Node) -> str:
        ha, hb = self.hoist(a), self.hoist(b)
        parts = []
        if t.kind == "struct":
            for n, ft in t.fields:
                fn = self.field_name(t, n)
                parts.append(self.binary_code("==", f"{ha}.{fn}", ft, f"{hb}.{fn}", ft, BOOL, node))
        elif t.element is not None and t.element.kind == "struct":  # a struct of arrays: member by member
            for n, ft in t.element.fields:
                fn, at = self.field_name(t.element, n), array(ft, t.length)
                parts.append(self.binary_code("==", f"{ha}.{fn}", at, f"{hb}.{fn}", at, BOOL, node))
        else:
            parts.append(f"G.vec_equal({ha}, {hb})")
        eq = "(" + " and ".join(parts) + ")" if parts else "1"
        return eq if op == "==" else f"(1 - {eq})"

    def x_Ternary(self, e: A.Ternary) -> str:
        t: Type = e.ty
        effects = has_effects(e.then, self.c, self.usage) or has_effects(e.else_, self.c, self.usage)
        cond = self.ex(e.cond)
        if effects or t.kind in ("struct", "array"):
            res = self.fresh("r")
            self.line(f"{res} = {self.zero(t, e)}")
            self.line(f"if {cond}:")
            with self.indented():
                self.line(f"{res} = {self.rvalue(e.then, t)}")
            self.line("else:")
            with self.indented():
                self.line(f"{res} = {self.rvalue(e.else_, t)}")
            return res
        a = self.rvalue(e.then, t)
        b = self.rvalue(e.else_, t)
        return self.settle(f"ti.select({cond}, {a}, {b})")

    def x_Index(self, e: A.Index) -> str:
        table = self.tables.get(self.c.symbols[e.base].uid) if isinstance(e.base, A.Ident) else None
        if table is not None:
            return self.table_get(table, e)
        bt: Type = e.base.ty
        base = self.ex(e.base)
        idx = self.index_code(e.index, bt)
        if bt.kind == "vector" or (bt.kind == "array" and bt.element is not None and bt.element.kind == "scalar"):
            if not (_is_plain_name(base)):
                base = self.hoist(base)
            return f"{base}[{idx}]"
        if bt.kind == "array":
            return self.array_get(self.hoist(base), self.hoist(idx, "i"), bt, e)
        base = self.hoist(base)
        idx = self.hoist(idx, "i")
        if bt.kind == "matrix":
            return f"ti.Vector([{', '.join(f'{base}[{r}, {idx}]' for r in range(bt.rows))}], dt={dtype(bt)})"
        raise self.err(f"the Taichi back end cannot index {bt} yet", e)

    def x_Field(self, e: A.Field) -> str:
        bt: Type = e.base.ty
        base = self.ex(e.base)
        sw = self.c.swizzles.get(e)
        if sw is not None:
            if bt.kind == "scalar":
                return base if len(sw) == 1 else f"ti.Vector([{base}] * {len(sw)}, dt={dtype(bt)})"
            if not _is_plain_name(base):
                base = self.hoist(base)
            if len(sw) == 1:
                return f"{base}[{sw[0]}]"
            return f"ti.Vector([{', '.join(f'{base}[{i}]' for i in sw)}], dt={dtype(bt)})"
        if not _is_plain_name(base) and not base.replace(".", "").replace("_", "").isalnum():
            base = self.hoist(base)
        return f"{base}.{self.field_name(bt, e.name)}"

    def x_Length(self, e: A.Length) -> str:
        return str(self.c.constants.get(e, 0))

    # ---------------------------------------------------------------------------------- calls
    def x_Call(self, e: A.Call) -> str:
        target = self.c.calls.get(e)
        if isinstance(target, Type):
            code = self.construct(e, target)
            return code if target.kind == "scalar" else self.settle(code)
        if isinstance(target, Function):
            return self.settle(self.user_call(e, target))
        if isinstance(target, Signature):
            return self.settle(self.builtin_call(e, target))
        raise self.err("unresolved call", e)

    def user_call(self, e: A.Call, f: Function) -> str:
        usage = self.usage[id(f)]
        args = []
        outs: list[tuple[A.Expr, Type]] = []
        items = []
        for a, (_, pt, q) in zip(e.args, f.params, strict=True):
            if q == "out":
                items.append((a, lambda pt=pt, a=a: self.zero(pt, a)))
            else:
                items.append((a, lambda pt=pt, a=a: self.rvalue(a, pt)))
            if q in ("out", "inout"):
                outs.append((a, pt))
        args = self.ordered(items)
        for g in usage.reads:
            args.append(self.var_name(g))
        call = f"{self.fn_names[id(f)]}({', '.join(args)})"
        n_results = (0 if f.ret.kind == "void" else 1) + len(outs) + len(usage.writes)
        if n_results == 0:
            self.line(call)
            return ""
        if n_results == 1 and not outs and not usage.writes:
            return call
        res = self.fresh("r")
        self.line(f"{res} = {call}")
        k = 0
        value = None
        if f.ret.kind != "void":
            value = f"{res}[0]" if n_results > 1 else res
            k = 1
        # the globals the callee wrote first: out/inout arguments are copied out at the return, after them,
        # so an argument that is such a global (``f(g)`` where f writes g too) ends with the copied-out value
        kw = k + len(outs)
        for g in usage.writes:
            self.line(f"{self.var_name(g)} = {res}[{kw}]" if n_results > 1 else f"{self.var_name(g)} = {res}")
            kw += 1
        for a, pt in outs:
            self.store(a, self.conv(f"{res}[{k}]" if n_results > 1 else res, pt, a.ty))
            k += 1
        if value is not None:
            return self.hoist(value)
        return ""

    def derivative(self, e: A.Call, sig: Signature, arg: str) -> str:
        """A derivative call site: record its argument (pass 0) or difference the quad's (pass 1)."""
        from .lower import DERIVATIVE_BUILTINS  # noqa: F401 - the names handled here

        t: Type = sig.ret
        comps = t.size if t.kind == "vector" else 1
        site = self.deriv_sites[id(e)]
        from_mod = 8  # glslc.runtime.derivs.MAX_OCCURRENCES
        base = self.slot_base(e, comps * from_mod)
        v = self.hoist(arg, "dv")
        vec = v if comps > 1 else f"ti.Vector([{v}])"
        occ = self.fresh("oc")
        res = self.fresh("d")
        self.line(f"{occ} = ti.min(_dcnt[{site}], {from_mod - 1})")
        self.line(f"_dcnt[{site}] = _dcnt[{site}] + 1")
        self.line(f"{res} = {self.zero(t, e)}")
        self.line("if ti.static(_dmode == 0):")
        with self.indented():
            self.line(f"D.record(_dbuf, _pix, {base} + {occ} * {comps}, {vec})")
        self.line("else:")
        with self.indented():
            kind = sig.name.replace("Fine", "").replace("Coarse", "")
            args = f"(_dbuf, _pix, {base} + {occ} * {comps}, {vec}, _ddim)"
            if kind == "dFdx":
                expr = f"D.ddx{args}"
            elif kind == "dFdy":
                expr = f"D.ddy{args}"
            else:
                expr = f"ti.abs(D.ddx{args}) + ti.abs(D.ddy{args})"
            self.line(f"{res} = {expr}" if comps > 1 else f"{res} = ({expr})[0]")
        return res

    def slot_base(self, e: A.Call, n: int) -> int:
        """The first of the ``n`` scratch slots of derivative site ``e``: allocated once, so that a site keeps its
        slots in every function and kernel that prints it."""
        base = self.slot_bases.get(id(e))
        if base is None:
            base = self.slot_bases[id(e)] = self.deriv_slots
            self.deriv_slots += n
        return base

    def texture_site(self, e: A.Call, slot: str, rest: list[str]) -> str:
        """``texture(s, uv[, bias])``: on a channel with mipmaps, the LOD comes from the quad's uv
        differences (record/replay, see glslc.runtime.derivs); otherwise it is level 0 as GL magnifies."""
        site = self.deriv_sites[id(e)]
        base = self.slot_base(e, 2 * 8)
        uv = self.hoist(rest[0], "uv")
        bias = rest[1] if len(rest) > 1 else "0.0"
        occ = self.fresh("oc")
        res = self.fresh("tx")
        self.line(f"{occ} = ti.min(_dcnt[{site}], 7)")
        self.line(f"_dcnt[{site}] = _dcnt[{site}] + 1")
        self.line(f"{res} = ti.Vector.zero(ti.f32, 4)")
        self.line(f"if ti.static({slot}.bound and {slot}.filter == 'mipmap'):")
        with self.indented():
            self.line("if ti.static(_dmode == 0):")
            with self.indented():
                self.line(f"D.record(_dbuf, _pix, {base} + {occ} * 2, {uv})")
                self.line(f"{res} = T.texture_bias({slot}, {uv}, 0.0, {bias})")
            self.line("else:")
            with self.indented():
                a = f"(_dbuf, _pix, {base} + {occ} * 2, {uv}, _ddim)"
                self.line(f"{res} = T.texture_grad_bias({slot}, {uv}, D.ddx_coarse{a}, D.ddy_coarse{a}, {bias})")
        self.line("else:")
        with self.indented():
            self.line(f"{res} = T.texture_bias({slot}, {uv}, 0.0, {bias})")
        return res

    def builtin_call(self, e: A.Call, sig: Signature) -> str:
        name = sig.name
        if id(e) in self.deriv_sites and not name.startswith("texture"):
            return self.derivative(e, sig, self.rvalue(e.args[0], sig.params[0]))
        args = self.ordered([(a, lambda a=a, pt=pt: self.rvalue(a, pt)) for a, pt in zip(e.args, sig.params,
                                                                                         strict=True)])
        if name.startswith(("texture", "texel")):
            return self.texture_call(e, sig, args)
        if name == "mix" and sig.params[2].base == "bool":
            name = "mix_select"
        if name == "not":
            return f"G.not_({args[0]})"
        if name == "pow":
            # Mesa's NIR rewrites pow with a constant exponent of 1, 2 or 4 into multiplications, and pow(2, y)
            # into exp2(y), before it ever evaluates exp2(y * log2(x)): pow(-0.5, 2.0) is 0.25 there, not NaN
            k = _uniform_constant(self.c.constants.get(e.args[1]))
            if k in (1.0, 2.0, 4.0):
                return f"G.pow_int({args[0]}, {int(k)})"
            if _uniform_constant(self.c.constants.get(e.args[0])) == 2.0:
                return f"G.exp2({args[1]})"
        if name == "atan" and len(args) == 1:  # G.atan(y, x=None): Taichi funcs take no default arguments
            return f"G.atan({args[0]}, None)"
        outs = [(a, pt) for a, pt, q in zip(e.args, sig.params, sig.qualifiers, strict=True) if q != "in"]
        if not outs:
            return f"G.{name}({', '.join(args)})"
        ins = [c for c, q in zip(args, sig.qualifiers, strict=True) if q == "in"]
        res = self.fresh("r")
        self.line(f"{res} = G.{name}({', '.join(ins)})")
        k = 0 if sig.ret.kind == "void" else 1
        for a, pt in outs:
            self.store(a, self.conv(f"{res}[{k}]", pt, a.ty))
            k += 1
        return f"{res}[0]" if sig.ret.kind != "void" else ""

    _TEX2D = {"texture": "texture", "texture2D": "texture", "textureLod": "texture_lod",
              "texture2DLod": "texture_lod", "textureGrad": "texture_grad", "texelFetch": "texel_fetch",
              "textureSize": "texture_size", "textureQueryLevels": "texture_query_levels"}

    def texture_call(self, e: A.Call, sig: Signature, args: list[str]) -> str:
        """2D float samplers go through the channel's texture slot (:mod:`glslc.runtime.textures`); other
        sampler kinds can only be unbound (GL's constants for that case)."""
        name = sig.name
        stype = sig.params[0].base if sig.params and sig.params[0].kind == "sampler" else ""
        fn = self._TEX2D.get(name)
        if stype == "sampler2D" and name in ("textureProj", "texture2DProj", "textureProjLod", "texture2DProjLod"):
            # Mesa's nir_lower_tex: the coordinates times the reciprocal of the last component
            p = self.hoist(args[1], "pp")
            inv = self.hoist(f"1.0 / {p}[{sig.params[1].size - 1}]", "pq")
            args = [args[0], f"ti.Vector([{p}[0] * {inv}, {p}[1] * {inv}])", *args[2:]]
            fn = "texture_lod" if name.endswith("Lod") else "texture"
        if stype == "sampler2D" and fn is not None:
            slot = args[0]
            rest = args[1:]
            if fn == "texture" and id(e) in self.deriv_sites:
                return self.texture_site(e, slot, rest)
            if fn in ("texture_size",) and not rest:
                rest = ["0"]
            return f"T.{fn}({slot}, {', '.join(rest)})"
        if stype == "sampler2D" and name.startswith(("textureOffset", "textureProj", "textureGather",
                                                     "textureLodOffset", "texelFetchOffset", "textureGradOffset")):
            raise self.err(f"the Taichi back end does not support '{name}' yet", e)
        if name in ("textureSize",):
            n = sig.ret.size if sig.ret.kind == "vector" else 1
            return f"ti.Vector([{', '.join(['1'] * n)}], dt=ti.i32)" if n > 1 else "1"
        if name == "textureQueryLevels":
            return "1"  # Mesa: an unbound sampler acts as a 1x1 texture with one level
        ret: Type = sig.ret
        if ret.kind == "vector" and ret.size == 4:
            one = "1.0" if ret.base == "float" else int_lit(1, ret.base)
            zero = "0.0" if ret.base == "float" else int_lit(0, ret.base)
            return f"ti.Vector([{zero}, {zero}, {zero}, {one}], dt={dtype(ret)})"
        if ret.kind == "scalar":  # shadow lookups
            return "0.0"
        raise self.err(f"the Taichi back end does not support '{name}' yet", e)

    # ---------------------------------------------------------------------------- constructors
    def construct(self, e: A.Call, t: Type) -> str:
        if t.kind == "struct":
            parts = ", ".join(f"{self.field_name(t, n)}={self.rvalue(a, ft)}" for a, (n, ft) in
                              zip(e.args, t.fields, strict=True))
            return f"{self.struct_name(t)}({parts})"
        if t.kind == "array" and t.element is not None:
            return self.array_value([self.rvalue(a, t.element) for a in e.args], t.element, e)
        codes = self.ordered([(a, lambda a=a: self.ex(a)) for a in e.args])
        args = list(zip(codes, [a.ty for a in e.args], strict=True))
        if t.kind == "scalar":
            code, at = args[0]
            if at.kind != "scalar":
                code = f"{self.hoist(code)}[0]" if at.kind == "vector" else f"{self.hoist(code)}[0, 0]"
                at = scalar(at.base)
            return self.conv(code, at, t)
        if t.kind == "vector":
            if len(args) == 1 and args[0][1].kind == "scalar":
                code = self.conv(args[0][0], args[0][1], scalar(t.base))
                return f"ti.Vector([{self.hoist(code)}] * {t.size}, dt={dtype(t)})"
            comps = self.components(args, t.size, scalar(t.base))
            return f"ti.Vector([{', '.join(comps)}], dt={dtype(t)})"
        if t.kind == "matrix":
            if len(args) == 1 and args[0][1].kind == "scalar":
                d = self.hoist(self.conv(args[0][0], args[0][1], scalar(t.base)))
                rows = [[d if r == c else "0.0" for c in range(t.cols)] for r in range(t.rows)]
                return self.matrix_rows(rows, t)
            if len(args) == 1 and args[0][1].kind == "matrix":
                src = self.hoist(args[0][0])
                st = args[0][1]
                rows = [[(f"{src}[{r}, {c}]" if r < st.rows and c < st.cols else ("1.0" if r == c else "0.0"))
                         for c in range(t.cols)] for r in range(t.rows)]
                return self.matrix_rows(rows, t)
            comps = self.components(args, t.cols * t.rows, scalar(t.base))
            rows = [[comps[c * t.rows + r] for c in range(t.cols)] for r in range(t.rows)]
            return self.matrix_rows(rows, t)
        raise self.err(f"the Taichi back end cannot construct {t}", e)

    def components(self, args: list[tuple[str, Type]], n: int, st: Type) -> list[str]:
        out: list[str] = []
        for code, at in args:
            if len(out) >= n:
                break
            if at.kind == "scalar":
                out.append(self.conv(code, at, st))
            elif at.kind == "vector":
                h = self.hoist(code)
                for i in range(at.size):
                    out.append(self.conv(f"{h}[{i}]", scalar(at.base), st))
            elif at.kind == "matrix":
                h = self.hoist(code)
                for c in range(at.cols):
                    for r in range(at.rows):
                        out.append(self.conv(f"{h}[{r}, {c}]", scalar(at.base), st))
        return out[:n]

    def matrix_rows(self, rows: list[list[str]], t: Type) -> str:
        inner = ", ".join("[" + ", ".join(r) + "]" for r in rows)
        return f"ti.Matrix([{inner}], dt={dtype(t)})"

    def matrix_from_columns(self, cols: list[str], t: Type) -> str:
        hs = [self.hoist(c) for c in cols]
        rows = [[f"{hs[c]}[{r}]" for c in range(t.cols)] for r in range(t.rows)]
        return self.matrix_rows(rows, t)

    def array_value(self, items: list[str], el: Type, node: A.Node) -> str:
        if el.kind == "scalar":
            return f"ti.Vector([{', '.join(items)}], dt={dtype(el)})"
        hs = [self.hoist(i) for i in items]
        if el.kind == "vector":
            rows = ["[" + ", ".join(f"{h}[{k}]" for k in range(el.size)) + "]" for h in hs]
            return f"ti.Matrix([{', '.join(rows)}], dt={dtype(el)})"
        if el.kind == "matrix":
            rows = ["[" + ", ".join(f"{h}[{r}, {c}]" for c in range(el.cols) for r in range(el.rows)) + "]"
                    for h in hs]
            return f"ti.Matrix([{', '.join(rows)}], dt={dtype(el)})"
        if el.kind == "struct":
            t = array(el, len(items))
            parts = []
            for n, ft in el.fields:
                fn = self.field_name(el, n)
                parts.append(f"{fn}={self.array_value([f'{h}.{fn}' for h in hs], ft, node)}")
            return f"{self.soa_name(t, node)}({', '.join(parts)})"
        raise self.err(f"the Taichi back end does not support arrays of {el} yet", node)

    # -------------------------------------------------------------------------------- kernel
    def kernel_inputs(self) -> tuple[Function, dict[str, str], list[int], str]:
        """What both kernels share: main, uniform roles by name (TwiGL's), the channel of each sampler
        parameter, and the kernel's texture-slot (and derivative scratch) parameters."""
        mains = self.c.functions.get("main", [])
        main = next((f for f in mains if f.definition is not None), None)
        if main is None:
            raise BackendError("no main() to render", self.c.unit.span)
        extra = {}
        if self.fe.source.dialect == "twigl":
            from .twigl import uniforms_for_mode

            roles = {"resolution": "resolution2", "mouse": "mouse2_normalized", "time": "time",
                     "frame": "frame_float", "sound": "sound", "backbuffer": "backbuffer"}
            extra = {n: roles.get(r, r) for n, r in uniforms_for_mode(self.fe.source.twigl_mode or "").items()}
        samplers = [v for v in self.c.globals if v.type.kind == "sampler"]
        channels = []
        for i, v in enumerate(samplers):
            m = re.fullmatch(r"iChannel([0-3])", v.name)
            role = extra.get(v.name)
            channels.append(-1 if role == "backbuffer" else int(m.group(1)) if m else i)
        slot_params = "".join(f", {self.var_name(v)}: ti.template()" for v in samplers)
        if self.deriv_sites:
            slot_params += ", _dbuf: ti.types.ndarray(dtype=ti.f32, ndim=4), _dmode: ti.template()"
        return main, extra, channels, slot_params

    def kernel(self) -> None:
        from .uniforms import KNOWN_UNIFORM_ROLES

        self.ctx = _FnCtx(None, Namer(set(self.module_namer.taken)))
        main, extra, channels, slot_params = self.kernel_inputs()
        layout = UniformLayout()
        outputs = []
        self.line("@ti.kernel")
        self.line(f"def {self.kernel_name}(out: ti.types.ndarray(dtype=ti.f32, ndim=4), "
                  f"u: ti.types.ndarray(dtype=ti.f32, ndim=2), width: ti.i32, height: ti.i32{slot_params}):")
        with self.indented():
            # a flat loop: ti.ndrange divides integers per pixel, which lavapipe runs one lane at a time
            self.line("for _i in range(out.shape[0] * height * width):")
            with self.indented():
                self.line("_kyx = G.pixel_of(_i, width, height)")
                self.line("k, py, px = _kyx[0], _kyx[1], _kyx[2]")
                self.line("_discard = 0")
                if self.deriv_sites:
                    self.line("_pix = ti.Vector([k, px, py])")
                    self.line("_ddim = ti.Vector([width, height])")
                    self.line(f"_dcnt = ti.Vector.zero(ti.i32, {len(self.deriv_sites)})")
                for name, var in self.builtin_vars_used():
                    if name == "gl_FragCoord":
                        self.line(f"{self.var_name(var)} = ti.Vector([ti.cast(px, ti.f32) + 0.5, "
                                  "ti.cast(py, ti.f32) + 0.5, 0.5, 1.0])")
                    elif name == "gl_FrontFacing":
                        self.line(f"{self.var_name(var)} = 1")
                    elif name in ("gl_FragColor",):
                        self.line(f"{self.var_name(var)} = ti.Vector.zero(ti.f32, 4)")
                        outputs.append(var)
                    elif name == "gl_FragData":
                        self.line(f"{self.var_name(var)} = ti.Matrix.zero(ti.f32, 8, 4)")
                        outputs.append(var)
                    elif name == "gl_PointCoord":
                        self.line(f"{self.var_name(var)} = ti.Vector([0.5, 0.5])")
                    elif var.storage == "const" and var.value is not None:
                        self.line(f"{self.var_name(var)} = {self.const_code(var.value, var.type)}")
                    else:
                        raise BackendError(f"the Taichi back end does not support '{name}' yet", self.c.unit.span)
                for var in self.c.globals:
                    if var.type.kind == "sampler" or var.uid in self.tables:
                        continue
                    name = self.var_name(var)
                    decl = self.global_decl(var)
                    if var.storage == "uniform":
                        role = extra.get(var.name) or KNOWN_UNIFORM_ROLES.get(var.name)
                        self.line(f"{name} = {layout.read(role, var.type, self.zero(var.type, self.c.unit))}")
                    elif var.storage == "out":
                        outputs.append(var)
                        self.line(f"{name} = {self.zero(var.type, self.c.unit)}")
                    elif decl is not None and decl.init is not None:
                        self.line(f"{name} = {self.rvalue(decl.init, var.type)}")
                    else:
                        self.line(f"{name} = {self.zero(var.type, self.c.unit)}")
                self.call_main(main)
                out_var = outputs[0] if outputs else None
                if out_var is None:
                    raise BackendError("the shader writes no output (no 'out vec4' and no gl_FragColor)",
                                       self.c.unit.span)
                value = self.var_name(out_var)
                if out_var.type.kind == "array":
                    value = f"ti.Vector([{value}[0, 0], {value}[0, 1], {value}[0, 2], {value}[0, 3]])"
                elif out_var.type.kind != "vector" or out_var.type.size != 4:
                    raise BackendError(f"the output '{out_var.name}' is {out_var.type}; only vec4 outputs are "
                                       "supported", self.c.unit.span)
                self.line(f"_col = {value}")
                self.line("if _discard:")
                with self.indented():
                    self.line("_col = ti.Vector([0.0, 0.0, 0.0, 0.0])")
                self.line("for c in ti.static(range(4)):")
                with self.indented():
                    self.line("out[k, height - 1 - py, px, c] = _col[c]")
        self.lines.append("")
        self.lines.append("")
        self.lines.append(f"UNIFORMS = {layout.describe()!r}")
        self.lines.append(f"OUTPUT_KIND = {self.fe.source.dialect_name!r}")
        self.lines.append(f"CHANNELS = {channels!r}  # the channel each sampler parameter of render() reads")
        self.lines.append(f"DERIVATIVE_SLOTS = {self.deriv_slots}  # scratch slots per pixel for derivatives")
        plain = sum(1 for c in derivative_calls(self.c) if not c.callee.startswith("texture"))
        self.lines.append(f"DERIVATIVE_CALLS = {plain}  # dFdx/dFdy/fwidth sites: > 0 renders twice (record, replay)")
        size = self.inline_stats.get("expanded_after", 0)
        self.lines.append(f"KERNEL_SIZE = {size}  # weighted size after inlining: sets Taichi's optimization effort")

    def call_main(self, main: Function) -> None:
        usage = self.usage[id(main)]
        args = [self.var_name(g) for g in usage.reads]
        call = f"{self.fn_names[id(main)]}({', '.join(args)})"
        if usage.writes:
            names = [self.var_name(g) for g in usage.writes]
            if len(names) == 1:
                self.line(f"{names[0]} = {call}")
            else:
                res = self.fresh("r")
                self.line(f"{res} = {call}")
                for i, n in enumerate(names):
                    self.line(f"{n} = {res}[{i}]")
        else:
            self.line(call)

    def builtin_vars_used(self) -> list[tuple[str, Var]]:
        seen: dict[int, Var] = {}
        for n in A.walk(self.c.unit):
            if isinstance(n, A.Ident):
                v = self.c.symbols.get(n)
                if v is not None and v.kind == "builtin":
                    seen[v.uid] = v
        return [(v.name, v) for v in seen.values()]

    def global_decl(self, var: Var) -> A.VarDecl | None:
        for node, v in self.c.symbols.items():
            if v is var and isinstance(node, A.VarDecl):
                return node
        return None


class UniformLayout:
    """Where each uniform role sits in the kernel's per-frame float array ``u[k, :]``."""

    ROLES: dict[str, int] = {
        "resolution3": 3, "resolution2": 2, "time": 1, "time_delta": 1, "frame_rate": 1, "frame": 1,
        "frame_float": 1, "channel_time": 4, "channel_resolution": 12, "mouse": 4, "mouse2": 2,
        "mouse2_normalized": 2, "date": 4, "sample_rate": 1, "sound": 1,
    }

    def __init__(self) -> None:
        self.offsets: dict[str, int] = {}
        n = 0
        for role, size in self.ROLES.items():
            self.offsets[role] = n
            n += size
        self.size = n

    def describe(self) -> dict[str, Any]:
        return {"size": self.size, "offsets": dict(self.offsets), "sizes": dict(self.ROLES)}

    def read(self, role: str | None, t: Type, zero: str) -> str:
        if role is None or role not in self.offsets:
            return zero
        o = self.offsets[role]
        if t.kind == "scalar":
            v = f"u[k, {o}]"
            return f"ti.cast({v}, {dtype(t)})" if t.base != "float" else v
        if t.kind == "vector":
            n = min(t.size, self.ROLES[role])
            comps = [f"u[k, {o + i}]" for i in range(n)] + ["0.0"] * (t.size - n)
            vec = f"ti.Vector([{', '.join(comps)}])"
            return f"ti.cast({vec}, {dtype(t)})" if t.base != "float" else vec
        if t.kind == "array" and t.element is not None and t.length is not None:
            el = t.element
            if el.kind == "scalar":
                comps = [f"u[k, {o + i}]" for i in range(min(t.length, self.ROLES[role]))]
                comps += ["0.0"] * (t.length - len(comps))
                return f"ti.Vector([{', '.join(comps)}])"
            if el.kind == "vector":
                rows = []
                for i in range(t.length):
                    rows.append("[" + ", ".join(f"u[k, {o + i * 3 + c}]" if i * 3 + c < self.ROLES[role] and c < 3
                                                else "0.0" for c in range(el.size)) + "]")
                return f"ti.Matrix([{', '.join(rows)}])"
        return zero


def _common_base(a: Type, b: Type) -> str:
    if a.base == b.base:
        return a.base
    order = ["bool", "int", "uint", "float", "double"]
    return max(a.base, b.base, key=order.index)


def _uniform_constant(value: Any) -> float | None:
    """A constant's value when it is one number (or a vector of one number repeated), else None."""
    if isinstance(value, (list, tuple)):
        flat = [float(v) for v in value] if all(isinstance(v, (int, float)) for v in value) else []
        return flat[0] if flat and all(v == flat[0] for v in flat) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def _is_plain_name(code: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", code))


def _is_literal(code: str) -> bool:
    return bool(re.fullmatch(r"\(?-?[0-9.e+-]+\)?", code))


def _doc_safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_./#@+-]", "_", text)[:200]


def _contains_return(s: A.Node) -> bool:
    return any(isinstance(n, A.Return) for n in A.walk(s))


def _elem_dtype(t: Type) -> str:
    el = t.element if t.kind == "array" and t.element is not None else t
    return dtype(el)


def _assigned(d: A.FunctionDef, var: Var, checked: CheckResult) -> bool:
    """Whether the function body writes the variable (directly or as an out argument)."""
    from .lower import lvalue_root

    for n in A.walk(d.body):
        target = None
        if isinstance(n, A.Assign):
            target = n.lhs
        elif isinstance(n, (A.PreIncDec, A.PostIncDec)):
            target = n.operand
        elif isinstance(n, A.Call):
            sig = checked.calls.get(n)
            quals = (tuple(p[2] for p in sig.params) if isinstance(sig, Function)
                     else getattr(sig, "qualifiers", ()))
            for a, q in zip(n.args, quals, strict=False):
                root = lvalue_root(a) if q != "in" else None
                if root is not None and checked.symbols.get(root) is var:
                    return True
            continue
        if target is not None:
            root = lvalue_root(target)
            if root is not None and checked.symbols.get(root) is var:
                return True
    return False


def _contains_switch_break(s: A.Node) -> bool:
    """A break that belongs to the enclosing switch (not inside a nested loop or switch)."""
    stack = [s]
    while stack:
        n = stack.pop()
        if isinstance(n, A.Break):
            return True
        if isinstance(n, (A.For, A.While, A.DoWhile, A.Switch)) and n is not s:
            continue
        if isinstance(n, (A.For, A.While, A.DoWhile)) and n is s:
            continue
        stack.extend(n.children())
    return False


def _ends_in_return(body: A.Block) -> bool:
    return bool(body.stmts) and isinstance(body.stmts[-1], A.Return)


def emit_module(fe: FrontEndResult, lanes: bool = True) -> str:
    """The Python module for a checked shader; BackendError for constructs not supported yet. With ``lanes``
    the module also has a lane kernel for the CPU (:mod:`glslc.lanes`) where the shader allows one."""
    with A.recursion_room(20000):
        if lanes:
            from .lanes import LaneEmitter

            return LaneEmitter(fe).module()
        return Emitter(fe).module()


__all__ = ["BackendError", "Emitter", "Namer", "UniformLayout", "emit_module"]
