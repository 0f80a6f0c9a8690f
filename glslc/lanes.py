"""Lane kernels: the shader run on 8 pixels at once per CPU thread, so that LLVM emits SIMD code.

Taichi's x64 back end computes one pixel per instruction, where llvmpipe (the reference) shades 8 pixels
per AVX2 instruction (``../shared/TAICHI.md``). Taichi's own vector types cannot close that gap: with
``real_matrix_scalarize`` on (the only mode that compiles correctly) an ``(n, 8)`` matrix becomes 8n scalar
statements, and Taichi's optimizer passes grow quadratically with them (a raymarcher took 14 s to compile
instead of 0.35 s). What works is to leave the per-pixel code as the scalar emitter prints it and to run it
in short loops over the lanes::

    for _ln in range(8):
        p = ti.Vector([_L_p[0, _ln], _L_p[1, _ln]], dt=ti.f32)    # load the lane's values
        d = fn_sdBox(p, ...)                                       # the scalar code, unchanged
        _L_d[_ln] = d                                              # store them back

Taichi sees the scalar code once (compile time as before); LLVM sees a counted loop over consecutive
array elements and vectorizes it (measured: 4-6x faster than one pixel per thread, same bits).

The pieces:

- **lane variables**: every value that differs between pixels and outlives one such loop (GLSL locals
  and parameters of lane functions, written globals, ``gl_FragCoord``, call results, branch conditions) is
  a lane array: ``ti.Vector(8)`` for a scalar, ``ti.Matrix(slots, 8)`` for vectors, matrices and arrays,
  a struct of those for structs (``_L_<name>``). Uniforms and never-written globals stay plain values.
- **regions**: maximal runs of straight-line code, printed by :class:`glslc.emit.Emitter` into a buffer
  and wrapped in a lane loop by :meth:`LaneEmitter.flush`, which loads the lane variables the region names
  and stores back those it writes (found by parsing the region's Python). Scalar ``if``\\s stay inside a
  region (LLVM if-converts the small ones).
- **lifted control flow**: loops, and statements that contain loops, ``return``, ``break``/``continue``
  or calls of functions that do (*lane functions*, which take lane arrays and a mask), run once per group
  of 8 pixels with lane masks (0/1 per lane): ``if any(mask & cond)`` per branch, loops ``while`` some lane
  is still in them, ``break``/``continue``/``return`` clear lanes from the loop, iteration or function
  mask. A region's store into a variable declared under a wider mask keeps the inactive lanes' values
  (``ti.select``). Functions without loops are called per lane inside regions (their scalar version).
- **fallback**: constructs not done here (derivatives, a ``switch`` with loops inside, a call to a lane
  function in the unevaluated operand of ``?:``/``&&``/``||``, temporaries that live across such a call,
  huge arrays) raise :class:`LanesUnsupported`; the module then has only the scalar kernel and says why in
  ``LANES_FALLBACK``.

Which kernel runs is decided at launch (:func:`glslc.runtime.lanes.launch`): lanes on the CPU arches,
scalar on Vulkan and CUDA, where the hardware (or lavapipe) already runs pixels side by side.
"""

from __future__ import annotations

import ast as pyast
import os
import re
from dataclasses import dataclass, field

from . import ast as A
from .checker import Function, Var
from .emit import BackendError, Emitter, Namer, UniformLayout, _FnCtx, _Loop, dtype
from .lower import DERIV_COUNT, DERIV_PIX, DISCARD, TRANSCENDENTALS, Usage, has_effects, is_derivative_site
from .types import BOOL, INT, Type, array
from .uniformity import Uniformity, analyse

#: Pixels per thread (glslc.runtime.lanes.LANES).
LANES = 8
#: Lane variables with more scalar slots than this make the shader keep the scalar kernel (every region that
#: names one loads and stores all of it).
MAX_SLOTS = 256

_LOOPS = (A.For, A.While, A.DoWhile)
#: Above this :func:`compile_weight` a shader keeps only its scalar kernel: the lane kernel would compile for
#: 20 s or more (it renders faster, but compile time is a headline number).
MAX_WEIGHT = int(os.environ.get("GLSLC_LANES_MAX_WEIGHT", "12000"))
#: Above this weight (counting each transcendental core as :data:`TRANSCENDENTAL_WEIGHT`) the cores are called
#: as real functions inside lane loops: such kernels compile 1.5-9x faster, and render in about the same time
#: (measured on 66 corpus shaders: geometric mean 0.98x; LLVM still vectorizes the rest of the loop).
REAL_CORES_WEIGHT = int(os.environ.get("GLSLC_LANES_REAL_CORES_WEIGHT", "8000"))
TRANSCENDENTAL_WEIGHT = 60


class LanesUnsupported(Exception):
    """Internal: the lane kernel cannot be built for this shader (it keeps the scalar kernel)."""


def storage(name: str) -> str:
    """The lane array of a Python variable name."""
    return f"_L_{name}"


@dataclass
class _Frame:
    """A construct that sets the mask: the function, a branch, or a loop (whose iteration mask is ``entry``)."""

    kind: str  # "fn", "branch", "loop"
    entry: str  # the mask when the construct was entered (per iteration for loops)
    alive: str = ""  # loops: lanes still in the loop
    cont: str = ""  # loops: lanes that ran `continue` in this iteration


@dataclass
class _Region:
    """A run of straight-line code, printed in a lane loop: the lane variables it names, the mask of each one
    it writes (None: no lane outside the mask matters), and those it first assigns whole."""

    ind: int
    body: list[str]
    used: list[str]
    masks: dict[str, str | None]
    fresh: set[str]
    writes: set[str]
    mask: str
    direct: set[str] = field(default_factory=set)  # lane arrays it reads or writes element by element


class LaneEmitter(Emitter):
    """The scalar module of :class:`glslc.emit.Emitter` plus lane functions, a lane kernel ``render_lanes``
    and a dispatcher ``render`` (see the module docstring)."""

    def __init__(self, fe) -> None:  # noqa: ANN001
        super().__init__(fe)
        self.kernel_name = "render_scalar"
        self.lanes_mode = False
        self.lane_types: list[str] = []
        self.lane_struct_names: dict[str, str] = {}
        self.fallback: str | None = None
        self.localized: set[int] = set()
        self._reset_fn()

    def _reset_fn(self) -> None:
        self.cl: list[str | _Region] = []  # control-level lines and regions of the function being printed
        self.cind = 0
        self.lv: dict[str, Type] = {}  # lane variables: Python name -> GLSL type
        self.params_lv: set[str] = set()  # lane variables that arrive as parameters
        self.decl_mask: dict[str, str] = {}  # the mask a lane variable was declared under
        self.region_defs: set[str] = set()  # plain names assigned inside earlier regions
        self.mask = "_fm"
        self.frames: list[_Frame] = []
        self.rm: str | None = None  # lanes that returned (functions with returns inside control flow)
        self.uni = Uniformity()  # what is the same in every lane (glslc.uniformity), per lane function
        self.uniform_names: set[str] = set()  # Python names of uniform locals (plain values at the control level)
        self.plain = 0  # > 0 while a uniform statement is printed as scalar code at the control level
        self.cond_depth = 0  # > 0 while region code runs only for some lanes' own paths (a scalar if/loop)
        self.pre_region: list[str] = []  # uniform values the pending region reads, computed before it
        self.temp_types: dict[str, Type] = {}  # GLSL types of the temporaries holding expression values
        self.direct: set[int] = set()  # uids of arrays read and written element by element in their lane arrays

    # ----------------------------------------------------------------------------------- module
    def extra_types(self) -> list[str]:
        return list(self.lane_types)

    def extra_parts(self) -> list[str]:
        saved = (list(self.soa_decls), dict(self.struct_names), list(self.lane_types))
        try:
            text = self.lanes_section()
        except LanesUnsupported as e:
            self.soa_decls[:], self.lane_types[:] = saved[0], saved[2]
            self.struct_names.clear()
            self.struct_names.update(saved[1])
            self.fallback = str(e)
            text = []
        finally:
            self.lanes_mode = False
        tail = ["", ""]
        cores = "inline"
        if text:
            lines = self.function_lines + text
            size = compile_weight(lines, "render_lanes")
            if size > MAX_WEIGHT:
                self.fallback = (f"the lane kernel would take too long to compile (weight {size} > {MAX_WEIGHT}, "
                                 "GLSLC_LANES_MAX_WEIGHT)")
                text = []
            elif compile_weight(lines, "render_lanes", transcendental=TRANSCENDENTAL_WEIGHT) > REAL_CORES_WEIGHT:
                cores = "real"
        tail += self.table_lines() + ["", ""]
        if text:
            tail += self.dispatcher("render_lanes", cores) + [
                "", "", "LANES_FALLBACK = None  # the lane kernel exists",
                f"LANE_CORES = {cores!r}  # transcendental cores in lane loops: inlined, or real functions (big "
                "kernels compile faster)"]
        else:
            tail += self.dispatcher(None) + [
                "", "", f"LANES_FALLBACK = {self.fallback!r}  # why this shader has no lane kernel"]
        return text + tail

    def lanes_section(self) -> list[str]:
        self.lanes_mode = True
        self.lines = []  # a new buffer: the scalar kernel's lines are the caller's
        self.ind = 0
        self.lifted = self.lifted_functions()
        self.localized = self.localizable_globals()
        if self.localized:
            # from here on (the lane functions and kernel), those globals are locals of their one function
            self.usage = {k: Usage([g for g in u.reads if g.uid not in self.localized],
                                   [g for g in u.writes if g.uid not in self.localized], u.discards)
                          for k, u in self.usage.items()}
        self.lane_globals = self.classify_globals()
        self.lane_fn_names: dict[int, str] = {}
        for f in self.order:
            if id(f) in self.lifted:
                self.lane_fn_names[id(f)] = self.module_namer.fresh(self.fn_names[id(f)] + "_lanes", "fn_")
        out: list[str] = ["", ""]
        for f in self.order:
            if id(f) in self.lifted:
                out += self.lane_function(f)
                out.append("")
        out += self.lane_kernel()
        return out

    # --------------------------------------------------------------------------------- analyses
    def lifted_functions(self) -> set[int]:
        """Functions that contain a loop or a derivative, directly or through a call (callees come first in
        self.order). A derivative's record/replay (scratch array per pixel) keeps LLVM from vectorizing the lane
        loop it is in, so it gets a lane loop of its own, which takes a lane function."""
        lifted: set[int] = set()
        for f in self.order:
            assert f.definition is not None
            for n in A.walk(f.definition.body):
                if isinstance(n, _LOOPS) or self.is_derivative_call(n):
                    lifted.add(id(f))
                    break
                if isinstance(n, A.Call):
                    t = self.c.calls.get(n)
                    if isinstance(t, Function) and id(t) in lifted:
                        lifted.add(id(f))
                        break
        return lifted

    def localizable_globals(self) -> set[int]:
        """Globals that one lane function alone uses, and assigns whole before anything else reads them: a
        temporary that happens to be declared at file scope (``mat4 m; float map(vec3 p) { m = ...; }``). The
        lane kernel keeps them as locals of that function (uniform ones then need no lane array) instead of
        threading them through every caller."""
        refs: dict[int, set[int]] = {}
        for f in self.order:
            assert f.definition is not None
            for n in A.walk(f.definition):
                v = self.c.symbols.get(n) if isinstance(n, A.Ident) else None
                if (v is not None and v.kind == "global" and v.storage not in ("uniform", "const", "out")
                        and v.type.kind != "sampler"):
                    refs.setdefault(v.uid, set()).add(id(f))
        by_id = {id(f): f for f in self.order}
        out: set[int] = set()
        for uid, fns in refs.items():
            if len(fns) != 1:
                continue
            f = by_id[next(iter(fns))]
            if id(f) not in self.lifted:
                continue
            for stmt in f.definition.body.stmts:  # type: ignore[union-attr]
                if not any(isinstance(n, A.Ident) and getattr(self.c.symbols.get(n), "uid", None) == uid
                           for n in A.walk(stmt)):
                    continue
                e = stmt.expr if isinstance(stmt, A.ExprStmt) else None
                if (isinstance(e, A.Assign) and e.op == "=" and isinstance(e.lhs, A.Ident)
                        and self.c.symbols.get(e.lhs) is not None and self.c.symbols[e.lhs].uid == uid
                        and not any(isinstance(n, A.Ident) and getattr(self.c.symbols.get(n), "uid", None) == uid
                                    for n in A.walk(e.rhs))):
                    out.add(uid)
                break
        return out

    def is_derivative_call(self, n: A.Node) -> bool:
        """dFdx/dFdy/fwidth (not texture(), whose level of detail needs no derivatives without mipmaps)."""
        return (isinstance(n, A.Call) and id(n) in self.deriv_sites and isinstance(n.callee, str)
                and not n.callee.startswith("texture"))

    def builtin_call(self, e: A.Call, sig) -> str:  # noqa: ANN001
        if not self.lanes_mode or self.plain or self.cond_depth or not self.is_derivative_call(e):
            return super().builtin_call(e, sig)
        # the argument in the vectorized region before, the record/replay in a small lane loop of its own
        arg = self.lane_temp("dv", sig.params[0])
        self.line(f"{arg} = {self.rvalue(e.args[0], sig.params[0])}")
        self.flush()
        code = self.derivative(e, sig, arg)
        self.temp_types[code] = sig.ret
        self.flush()
        return code

    def has_lifted_call(self, node: A.Node) -> bool:
        for n in A.walk(node):
            if isinstance(n, A.Call):
                t = self.c.calls.get(n)
                if isinstance(t, Function) and id(t) in self.lifted:
                    return True
        return False

    def needs_lanes(self, s: A.Node) -> bool:
        """Whether a statement must run at the control level (see the module docstring)."""

        def visit(n: A.Node, in_switch: bool) -> bool:
            if isinstance(n, (*_LOOPS, A.Return, A.Continue)):
                return True
            if isinstance(n, A.Break) and not in_switch:
                return True
            if isinstance(n, A.Call):
                t = self.c.calls.get(n)
                if isinstance(t, Function) and id(t) in self.lifted or self.is_derivative_call(n):
                    return True
            inner = in_switch or isinstance(n, A.Switch)
            return any(visit(ch, inner) for ch in n.children())

        return visit(s, False)

    def classify_globals(self) -> set[int]:
        """uids of the shader globals that differ between pixels: written ones, gl_FragCoord, outputs and
        the discard flag, and globals whose initialiser reads one of those."""
        written: set[int] = set()
        for u in self.usage.values():
            written.update(v.uid for v in u.writes)
        lane: set[int] = {DISCARD.uid, DERIV_PIX.uid, DERIV_COUNT.uid}
        for v in self.c.globals:
            if v.type.kind == "sampler" or v.storage == "uniform":
                continue
            if v.storage == "out" or v.uid in written:
                lane.add(v.uid)
                continue
            decl = self.global_decl(v)
            if decl is not None and decl.init is not None:
                for n in A.walk(decl.init):
                    if isinstance(n, A.Ident):
                        r = self.c.symbols.get(n)
                        if r is not None and (r.uid in lane or r.name == "gl_FragCoord"):
                            lane.add(v.uid)
                            break
        for _, v in self.builtin_vars_used():
            if v.name in ("gl_FragCoord", "gl_FragColor", "gl_FragData") or v.uid in written:
                lane.add(v.uid)
        return lane

    def is_lane_global(self, v: Var) -> bool:
        return v.uid in self.lane_globals

    def gtype(self, v: Var) -> Type:
        """A shader global's type as emitted (the derivative counters: one per derivative site)."""
        if v.uid == DERIV_COUNT.uid:
            return array(INT, max(1, len(self.deriv_sites)))
        return v.type

    # ---------------------------------------------------------------------------- lane storage
    def slot_count(self, t: Type) -> int:
        if t.kind == "scalar":
            return 1
        if t.kind in ("vector", "matrix"):
            return t.components
        if t.kind == "struct":
            return sum(self.slot_count(ft) for _, ft in t.fields)
        if t.kind == "array" and t.element is not None and t.length is not None:
            return t.length * self.slot_count(t.element)
        raise LanesUnsupported(f"values of type {t}")

    def lane_type(self, t: Type) -> str:
        """The Taichi type of a lane array of ``t`` (struct members)."""
        if t.kind == "scalar":
            return f"ti.types.vector({LANES}, {dtype(t)})"
        if t.kind == "struct" or (t.kind == "array" and t.element is not None and t.element.kind == "struct"):
            return self.lane_struct(t)
        return f"ti.types.vector({self.slot_count(t) * LANES}, {self._elem_dt(t)})"

    def _elem_dt(self, t: Type) -> str:
        el = t.element if t.kind == "array" and t.element is not None else t
        if el.kind not in ("scalar", "vector", "matrix"):
            raise LanesUnsupported(f"values of type {t}")
        return dtype(el)

    def lane_struct(self, t: Type) -> str:
        """A struct type holding one lane array per member (arrays of structs: per member array)."""
        key = str(t) if t.kind == "struct" else f"{t.element.base}[{t.length}]"  # type: ignore[union-attr]
        name = self.lane_struct_names.get(key)
        if name is not None:
            return name
        if t.kind == "struct":
            members = [(self.field_name(t, n), ft) for n, ft in t.fields]
        else:
            el = t.element
            assert el is not None and t.length is not None
            members = [(self.field_name(el, n), _array_of(ft, t.length)) for n, ft in el.fields]
        fields = ", ".join(f"{fn}={self.lane_type(ft)}" for fn, ft in members)
        base = re.sub(r"[^A-Za-z0-9_]", "_", key)
        name = self.module_namer.fresh(f"st_lanes_{base}", "st_")
        self.lane_struct_names[key] = name
        self.lane_types.append(f"{name} = ti.types.struct({fields})")
        return name

    def lane_zero(self, t: Type) -> str:
        if self.slot_count(t) > MAX_SLOTS:
            raise LanesUnsupported(f"a variable of type {t} ({self.slot_count(t)} values per pixel)")
        if t.kind == "scalar":
            return f"ti.Vector.zero({dtype(t)}, {LANES})"
        if t.kind == "struct" or (t.kind == "array" and t.element is not None and t.element.kind == "struct"):
            parts = ", ".join(f"{fn}={self.lane_zero(ft)}" for fn, ft in self._members(t))
            return f"{self.lane_struct(t)}({parts})"
        return f"ti.Vector.zero({self._elem_dt(t)}, {self.slot_count(t) * LANES})"

    def _members(self, t: Type) -> list[tuple[str, Type]]:
        if t.kind == "struct":
            return [(self.field_name(t, n), ft) for n, ft in t.fields]
        el = t.element
        assert el is not None and t.length is not None
        return [(self.field_name(el, n), _array_of(ft, t.length)) for n, ft in el.fields]

    def _slots(self, t: Type) -> list[tuple[str, int]]:
        """(index suffix of the scalar value, slot) for each scalar of a non-struct value."""
        if t.kind == "scalar":
            return [("", 0)]
        if t.kind == "vector":
            return [(f"[{i}]", i) for i in range(t.size)]
        if t.kind == "matrix":
            return [(f"[{r}, {c}]", c * t.rows + r) for c in range(t.cols) for r in range(t.rows)]
        el = t.element
        if t.kind == "array" and el is not None and t.length is not None:
            if el.kind == "scalar":
                return [(f"[{i}]", i) for i in range(t.length)]
            k = el.components
            return [(f"[{i}, {j}]", i * k + j) for i in range(t.length) for j in range(k)]
        raise LanesUnsupported(f"values of type {t}")

    def lane_load(self, t: Type, s: str) -> str:
        """The scalar value of lane ``_ln`` of lane array ``s``."""
        if t.kind == "scalar":
            return f"{s}[_ln]"
        if t.kind == "struct":
            parts = ", ".join(f"{fn}={self.lane_load(ft, f'{s}.{fn}')}" for fn, ft in self._members(t))
            return f"{self.struct_name(t)}({parts})"
        el = t.element
        if t.kind == "array" and el is not None and el.kind == "struct":
            parts = ", ".join(f"{fn}={self.lane_load(ft, f'{s}.{fn}')}" for fn, ft in self._members(t))
            return f"{self.soa_name(t, self.c.unit)}({parts})"
        dt = self._elem_dt(t)
        if t.kind == "vector" or (t.kind == "array" and el is not None and el.kind == "scalar"):
            n = t.size if t.kind == "vector" else t.length
            return f"ti.Vector([{', '.join(_at(s, i) for i in range(n))}], dt={dt})"
        if t.kind == "matrix":
            rows = ["[" + ", ".join(_at(s, c * t.rows + r) for c in range(t.cols)) + "]"
                    for r in range(t.rows)]
            return f"ti.Matrix([{', '.join(rows)}], dt={dt})"
        assert el is not None and t.length is not None
        k = el.components
        rows = ["[" + ", ".join(_at(s, i * k + j) for j in range(k)) + "]" for i in range(t.length)]
        return f"ti.Matrix([{', '.join(rows)}], dt={dt})"

    def lane_store(self, t: Type, s: str, v: str, mask: str | None) -> list[str]:
        """Lines storing scalar value ``v`` into lane ``_ln`` of ``s`` (only where ``mask`` is on)."""
        if t.kind == "struct" or (t.kind == "array" and t.element is not None and t.element.kind == "struct"):
            out: list[str] = []
            for fn, ft in self._members(t):
                out += self.lane_store(ft, f"{s}.{fn}", f"{v}.{fn}", mask)
            return out
        out = []
        for suffix, slot in self._slots(t):
            dst = f"{s}[_ln]" if t.kind == "scalar" else _at(s, slot)
            src = f"{v}{suffix}"
            out.append(f"{dst} = ti.select({mask}[_ln], {src}, {dst})" if mask else f"{dst} = {src}")
        return out

    # ----------------------------------------------------------------------------- lane state
    def ctl(self, text: str) -> None:
        self.cl.append("    " * self.cind + text)

    def lane_var(self, name: str, t: Type) -> None:
        if t.kind == "sampler":
            return
        if name not in self.lv:
            self.slot_count(t)  # raises for types without lanes
            self.lv[name] = t
            self.decl_mask[name] = self.mask

    def lane_temp(self, hint: str, t: Type) -> str:
        name = self.fresh(hint)
        self.lane_var(name, t)
        return name

    def var_name(self, v: Var) -> str:
        name = super().var_name(v)
        if self.lanes_mode and (v.kind in ("local", "param") or v.uid in self.localized) and name not in self.lv:
            if self.uni.is_uniform_var(v):
                self.uniform_names.add(name)
            else:
                self.lane_var(name, v.type)
        return name

    def flush(self) -> None:
        """End the pending region (self.lines): it becomes a lane loop at the control level, printed by
        :meth:`control_lines` once the whole function is known."""
        body = self.lines
        if not body:
            for ln in self.pre_region:
                self.ctl(ln)
            self.pre_region = []
            return
        self.lines = []
        self.ind = 0
        try:
            tree = pyast.parse("\n".join(body))
        except SyntaxError as e:  # a generator bug: keep the scalar kernel
            raise LanesUnsupported(f"internal: region does not parse ({e.msg})") from None
        reads, writes = _names(tree)
        reads = {n for n in reads if not n.startswith("_L_")}  # lane arrays indexed in place (direct_arrays)
        writes = {n for n in writes if not n.startswith("_L_")}
        for n in sorted(reads):
            if n not in self.lv and n not in writes and n in self.region_defs:
                self.carry_temporary(n)
        if writes & self.uniform_names:
            raise LanesUnsupported(f"internal: a lane loop writes the uniform {sorted(writes & self.uniform_names)}")
        self.region_defs.update(n for n in writes if n not in self.lv)
        used = sorted(n for n in reads | writes if n in self.lv)
        masks = {n: (None if self.decl_mask.get(n) == self.mask else self.mask) for n in used if n in writes}
        for ln in self.pre_region:
            self.ctl(ln)
        self.pre_region = []
        region = _Region(self.cind, body, used, masks, _assigned_first(tree), writes, self.mask)
        region.direct = set(re.findall(r"\b_L_(\w+)\[", "\n".join(body)))
        self.cl.append(region)

    def carry_temporary(self, n: str) -> None:
        """A temporary of an earlier region that this one reads (an operand computed before a call of a lane
        function ended that region): it becomes a lane variable, stored by the region that computed it."""
        t = self.temp_types.get(n)
        region = next((r for r in reversed(self.cl) if isinstance(r, _Region) and n in r.writes), None)
        if t is None or region is None:
            raise LanesUnsupported(f"a temporary ({n}) lives across a call of a function with loops")
        self.lane_var(n, t)
        self.decl_mask[n] = region.mask
        region.used.append(n)
        region.masks[n] = None

    def control_lines(self, keep: set[str]) -> tuple[list[str], set[str]]:
        """The function's control-level lines with its regions printed, and the lane variables that need
        lane arrays. A variable that only one region names (and no control line, and not in ``keep``)
        lives in that region alone: no lane array, loads or stores."""
        regions = [r for r in self.cl if isinstance(r, _Region)]
        count: dict[str, int] = {}
        for r in regions:
            for n in r.used:
                count[n] = count.get(n, 0) + 1
        text = "\n".join(x for x in self.cl if isinstance(x, str))
        named = set(re.findall(r"\b_L_(\w+)", text))
        for r in regions:
            named |= r.direct
        local = {n for n, k in count.items() if k == 1 and n not in named and n not in keep}
        out: list[str] = []
        for item in self.cl:
            if isinstance(item, str):
                out.append(item)
                continue
            pad = "    " * item.ind
            out.append(f"{pad}for _ln in range({LANES}):")
            for n in item.used:
                if n in item.fresh:
                    continue  # first assigned whole at the region's top level
                value = self.zero(self.lv[n], self.c.unit) if n in local else self.lane_load(self.lv[n], storage(n))
                out.append(f"{pad}    {n} = {value}")
            out.extend(f"{pad}    {ln}" for ln in item.body)
            for n, mask in item.masks.items():
                if n not in local:
                    out.extend(f"{pad}    {ln}" for ln in self.lane_store(self.lv[n], storage(n), n, mask))
        arrays = {n for n in self.lv if n not in local}
        return out, arrays

    def recompute_mask(self) -> None:
        """After a statement that may have run break/continue/return: the lanes still running here."""
        self.flush()
        frame = self.frames[-1]
        terms = [frame.entry]
        if self.rm is not None:
            terms.append(f"(1 - {self.rm})")
        loop = next((f for f in reversed(self.frames) if f.kind == "loop"), None)
        if loop is not None:
            terms += [loop.alive, f"(1 - {loop.cont})"]
        name = self.fresh("m")
        self.ctl(f"{name} = {' & '.join(terms)}")
        self.mask = name

    # ---------------------------------------------------------------------------- functions
    def lane_function(self, f: Function) -> list[str]:
        d = f.definition
        assert d is not None
        usage = self.usage[id(f)]
        self._reset_fn()
        namer = Namer(set(self.module_namer.taken))
        self.ctx = _FnCtx(f, namer, ret_type=f.ret, single_exit=False)
        self.frames = [_Frame("fn", "_fm")]
        self.uni = analyse(f, self.c, self.usage, self.is_lane_global, self.localized)
        self.direct = self.direct_arrays(d)
        # (name, annotation): lane arrays and values are typed (for a real function), texture slots templates
        params: list[tuple[str, str | None]] = [("_fm", f"ti.types.vector({LANES}, ti.i32)")]
        outs: list[str] = []
        for (name, t, qual), prm in zip(f.params, d.proto.params, strict=False):
            var = self.c.symbols.get(prm)
            pname = self.var_name(var) if var is not None else namer.fresh(name or "unused")
            if t.kind == "sampler":
                params.append((pname, None))
                continue
            self.lane_var(pname, t)
            self.params_lv.add(pname)
            params.append((storage(pname), self.lane_type(t)))
            if qual in ("out", "inout"):
                outs.append(pname)
        for g in usage.reads:
            gname = self.var_name(g)
            if g.type.kind == "sampler":
                params.append((gname, None))
            elif self.is_lane_global(g):
                self.lane_var(gname, self.gtype(g))
                self.params_lv.add(gname)
                params.append((storage(gname), self.lane_type(self.gtype(g))))
            else:
                params.append((gname, self.ti_type(g.type, d)))
        if f.ret.kind != "void":
            self.lane_var("_rv", f.ret)
        stmts = d.body.stmts
        final = stmts[-1] if stmts and isinstance(stmts[-1], A.Return) else None
        if any(isinstance(n, A.Return) and n is not final for n in A.walk(d.body)):
            self.rm = "_rm"
        self.cind = 1
        for (_, t, qual), prm in zip(f.params, d.proto.params, strict=False):
            var = self.c.symbols.get(prm)
            if qual == "out" and var is not None:
                self.line(f"{self.var_name(var)} = {self.zero(t, prm)}")
        self.lane_block(stmts, final)
        self.flush()
        results = (["_rv"] if f.ret.kind != "void" else []) + outs + [self.var_name(g) for g in usage.writes]
        body, arrays = self.control_lines(self.params_lv | set(results))
        decls = [f"    {storage(n)} = {self.lane_zero(t)}" for n, t in self.lv.items()
                 if n in arrays and n not in self.params_lv]
        if self.rm is not None:
            decls.append(f"    {self.rm} = L.zero_mask()")
        name = self.lane_fn_names[id(f)]
        comment = f"  # GLSL line {d.proto.span.line}, {LANES} pixels"
        head = ["@ti.func", f"def {name}({', '.join(p if a else f'{p}: ti.template()' for p, a in params)}):{comment}"]
        ret = ["    return " + ", ".join(storage(r) for r in results)] if results else []
        return head + decls + body + ret + [""]

    def lane_block(self, stmts: list[A.Node], final: A.Node | None = None) -> None:
        for s in stmts:
            if s is final:
                assert isinstance(s, A.Return)
                if s.value is not None:
                    fn = self.ctx.fn
                    assert fn is not None
                    self.line(f"_rv = {self.rvalue(s.value, fn.ret)}")
            elif self.fully_uniform(s):
                self.emit_plain(s)
            elif self.needs_lanes(s) or self.writes_uniform(s):
                self.lane_stmt(s)
            else:
                self.stmt(s)

    def lane_sub(self, s: A.Node) -> None:
        self.lane_block(s.stmts if isinstance(s, A.Block) else [s])

    def lane_stmt(self, s: A.Node) -> None:
        if isinstance(s, A.Block):
            self.lane_block(s.stmts)
        elif isinstance(s, A.If) and id(s) in self.uni.ifs:
            self.uniform_if(s)
        elif isinstance(s, A.If):
            self.lane_if(s)
        elif isinstance(s, (A.For, A.While, A.DoWhile)) and id(s) in self.uni.loops:
            self.uniform_loop(s)
        elif isinstance(s, A.For):
            if not isinstance(s.init, A.EmptyStmt):
                self.lane_block([s.init])
            self.lane_loop(s.cond, s.body, s.step, do_while=False)
        elif isinstance(s, A.While):
            self.lane_loop(s.cond, s.body, None, do_while=False)
        elif isinstance(s, A.DoWhile):
            self.lane_loop(s.cond, s.body, None, do_while=True)
        elif isinstance(s, A.Return):
            self.lane_return(s)
        elif isinstance(s, A.Break):
            self.flush()
            loop = self._loop()
            self.ctl(f"{loop.alive} = {loop.alive} & (1 - {self.mask})")
            self.recompute_mask()
        elif isinstance(s, A.Continue):
            self.flush()
            loop = self._loop()
            self.ctl(f"{loop.cont} = {loop.cont} | {self.mask}")
            self.recompute_mask()
        elif isinstance(s, A.Switch):
            raise LanesUnsupported("a switch with loops, returns or calls of functions with loops inside")
        else:  # expression statements and declarations with calls of lane functions
            self.stmt(s)

    def _loop(self) -> _Frame:
        loop = next((f for f in reversed(self.frames) if f.kind == "loop"), None)
        if loop is None:
            raise LanesUnsupported("internal: break/continue outside a loop")
        return loop

    def _exits(self, s: A.Node) -> bool:
        return any(isinstance(n, (A.Return, A.Break, A.Continue)) for n in A.walk(s))

    def cond_lane(self, c: A.Node) -> str:
        """A condition computed in the region into a 0/1 lane variable (the region is flushed)."""
        code = self.cond_code(c)
        name = self.lane_temp("c", BOOL)
        self.line(f"{name} = ti.cast(({code}) != 0, ti.i32)")
        self.flush()
        return storage(name)

    # ------------------------------------------------------------------- uniform statements
    def fully_uniform(self, s: A.Node) -> bool:
        """A statement that reads and writes only uniform values under uniform control: printed once, as scalar
        code at the control level (loops and ifs included)."""
        if not self.uni.control.get(id(s), False):
            return False
        for n in self._walk_unfolded(s):
            if isinstance(n, (A.Return, A.Discard)):
                return False
            if isinstance(n, A.Ident):
                v = self.c.symbols.get(n)
                if v is None:
                    return False
                local = v.kind == "local" or v.uid in self.localized
                if v.kind == "param" or (local and not self.uni.is_uniform_var(v)):
                    return False
                if v.kind in ("global", "builtin") and v.type.kind != "sampler" and self.is_lane_global(v):
                    return False
            elif isinstance(n, A.Call):
                if is_derivative_site(n, self.c):
                    return False
                t = self.c.calls.get(n)
                if isinstance(t, Function):
                    u = self.usage[id(t)]
                    if u.writes or u.discards or any(self.is_lane_global(g) for g in u.reads
                                                     if g.type.kind != "sampler"):
                        return False
            elif isinstance(n, A.DeclStmt):
                for vd in n.decls:
                    v = self.c.symbols.get(vd)
                    if v is not None and not self.uni.is_uniform_var(v):
                        return False
        return True

    def _walk_unfolded(self, node: A.Node):  # noqa: ANN202
        """The nodes under ``node``, not looking inside expressions the checker folded to constants
        (``v.length()`` of a varying array is a constant)."""
        stack = [node]
        while stack:
            n = stack.pop()
            yield n
            if isinstance(n, A.Expr) and self.c.constants.get(n) is not None:
                continue
            stack.extend(n.children())

    def writes_uniform(self, s: A.Node) -> bool:
        """Whether a statement assigns a uniform local somewhere inside (it must then run at the control level:
        inside a lane loop the assignment would run once per lane)."""
        for n in A.walk(s):
            target = None
            if isinstance(n, A.Assign):
                target = n.lhs
            elif isinstance(n, (A.PreIncDec, A.PostIncDec)):
                target = n.operand
            elif isinstance(n, A.VarDecl) and n.init is not None:
                v = self.c.symbols.get(n)
                if v is not None and self.uni.is_uniform_var(v):
                    return True
            if target is not None:
                from .lower import lvalue_root

                root = lvalue_root(target)
                v = self.c.symbols.get(root) if root is not None else None
                if v is not None and self.uni.is_uniform_var(v):
                    return True
        return False

    def plain_code(self, fn):  # noqa: ANN001
        """Run ``fn`` (which prints through the scalar emitter) for the control level: returns its lines and
        result. Calls of lane functions made in there are calls of their scalar versions."""
        self.flush()
        self.plain += 1
        try:
            with self.capture() as buf:
                result = fn()
        finally:
            self.plain -= 1
        return buf, result

    def emit_plain(self, s: A.Node) -> None:
        buf, _ = self.plain_code(lambda: Emitter.stmt(self, s))
        for ln in buf:
            self.ctl(ln)

    def uniform_if(self, s: A.If) -> None:
        """An ``if`` on a uniform condition: a plain ``if`` at the control level, lanes unchanged."""
        buf, cond = self.plain_code(lambda: self.cond_code(s.cond))
        for ln in buf:
            self.ctl(ln)
        entry = self.mask
        for i, body in enumerate([s.then, s.else_]):
            if body is None:
                continue
            self.ctl(f"if {cond}:" if i == 0 else "else:")
            self.cind += 1
            n = len(self.cl)
            self.lane_sub(body)
            self.flush()
            if len(self.cl) == n:
                self.ctl("pass")
            self.cind -= 1
            self.mask = entry  # masks computed inside the branch are not visible after it
        if self._exits(s):
            self.recompute_mask()

    def uniform_loop(self, s: A.Node) -> None:
        """A loop whose condition, step and exits are uniform: a plain loop at the control level (``break``
        and ``continue`` in it are plain ones, printed by the scalar emitter)."""
        if isinstance(s, A.For) and not isinstance(s.init, A.EmptyStmt):
            self.lane_block([s.init])
        cond = getattr(s, "cond", None)
        pre, code = self.plain_code(lambda: self.loop_cond(cond))
        pre_lines, cond_code = code
        step_lines: list[str] = []
        if isinstance(s, A.For) and s.step is not None:
            step_lines, _ = self.plain_code(lambda: self.expr_stmt(s.step))
        check = list(pre) + list(pre_lines)
        if cond_code is not None:
            check += [f"if not ({cond_code}):", "    break"]
        do_while = isinstance(s, A.DoWhile)
        entry = self.mask
        self.flush()
        self.ctl("while True:")
        self.cind += 1
        if not do_while:
            for ln in check:
                self.ctl(ln)
        kind = "for" if isinstance(s, A.For) else "do" if do_while else "while"
        self.ctx.loops.append(_Loop(kind, step=step_lines, cond_lines=check if do_while else []))
        self.ctx.breakable.append("loop")
        self.lane_sub(s.body)
        self.flush()
        self.ctx.breakable.pop()
        self.ctx.loops.pop()
        self.mask = entry
        for ln in step_lines + (check if do_while else []):
            self.ctl(ln)
        self.cind -= 1

    def lane_if(self, s: A.If) -> None:
        cond = self.cond_lane(s.cond)
        entry = self.mask
        branches = [(s.then, f"{entry} & {cond}")]
        if s.else_ is not None:
            branches.append((s.else_, f"{entry} & (1 - {cond})"))
        for body, expr in branches:
            self.lane_branch(expr, lambda body=body: self.lane_sub(body))
        if self._exits(s):
            self.recompute_mask()

    def lane_loop(self, cond: A.Node | None, body: A.Node, step: A.Expr | None, do_while: bool) -> None:
        self.flush()
        outer = self.mask
        alive, cont = self.fresh("lm"), self.fresh("cm")
        self.ctl(f"{alive} = {outer}")
        self.ctl(f"{cont} = L.zero_mask()")
        self.ctl("while True:")
        self.cind += 1
        frame = _Frame("loop", alive, alive, cont)
        self.frames.append(frame)
        self.mask = alive
        if not do_while:
            self.loop_test(cond, alive)
        self.ctl(f"{cont} = L.zero_mask()")
        it = self.fresh("lb")
        self.ctl(f"{it} = {alive}")
        frame.entry = it
        self.mask = it
        self.lane_sub(body)
        self.flush()
        # the step and a do-while condition run for every lane still in the loop (`continue` included)
        frame.entry = alive
        self.mask = alive
        if step is not None:
            self.expr_stmt(step)
            self.flush()
        if do_while:
            self.loop_test(cond, alive)
        self.frames.pop()
        self.cind -= 1
        self.mask = outer
        if any(isinstance(n, A.Return) for n in A.walk(body)):
            self.recompute_mask()

    def loop_test(self, cond: A.Node | None, alive: str) -> None:
        if cond is not None:
            c = self.cond_lane(cond)
            self.ctl(f"{alive} = {alive} & {c}")
        self.ctl(f"if not L.any({alive}):")
        self.ctl("    break")

    def lane_return(self, s: A.Return) -> None:
        f = self.ctx.fn
        assert f is not None and self.rm is not None
        if s.value is not None:
            self.line(f"_rv = {self.rvalue(s.value, f.ret)}")
        self.flush()
        self.ctl(f"{self.rm} = {self.rm} | {self.mask}")
        for fr in self.frames:
            if fr.kind == "loop":
                self.ctl(f"{fr.alive} = {fr.alive} & (1 - {self.mask})")
        self.recompute_mask()

    # ---------------------------------------------------------------------------- expressions
    def user_call(self, e: A.Call, f: Function) -> str:
        if not self.lanes_mode or self.plain or id(f) not in self.lifted:
            return super().user_call(e, f)
        usage = self.usage[id(f)]
        items = []
        outs: list[tuple[A.Expr, Type]] = []
        for a, (_, pt, q) in zip(e.args, f.params, strict=True):
            if q == "out":
                items.append((a, lambda pt=pt, a=a: self.zero(pt, a)))
            else:
                items.append((a, lambda pt=pt, a=a: self.rvalue(a, pt)))
            if q in ("out", "inout"):
                outs.append((a, pt))
        codes = self.ordered(items)
        args = [self.mask]
        for code, (_, pt, _) in zip(codes, f.params, strict=True):
            if pt.kind == "sampler":
                args.append(code)
                continue
            t = self.lane_temp("a", pt)
            self.line(f"{t} = {code}")
            args.append(storage(t))
        for g in usage.reads:
            gname = self.var_name(g)
            args.append(storage(gname) if g.type.kind != "sampler" and self.is_lane_global(g) else gname)
        self.flush()
        call = f"{self.lane_fn_names[id(f)]}({', '.join(args)})"
        types = (([f.ret] if f.ret.kind != "void" else []) + [pt for _, pt in outs]
                 + [self.gtype(g) for g in usage.writes])
        if not types:
            self.ctl(call)
            return ""
        names = [self.lane_temp("r", t) for t in types]
        if len(names) == 1:
            self.ctl(f"{storage(names[0])} = {call}")
        else:
            res = self.fresh("res")
            self.ctl(f"{res} = {call}")
            for i, n in enumerate(names):
                self.ctl(f"{storage(n)} = {res}[{i}]")
        k = 0
        value = None
        if f.ret.kind != "void":
            value = names[0]
            k = 1
        kw = k + len(outs)
        for g in usage.writes:
            self.line(f"{self.var_name(g)} = {names[kw]}")
            kw += 1
        for a, pt in outs:
            self.store(a, self.conv(names[k], pt, a.ty))
            k += 1
        return value or ""

    def ex(self, e: A.Expr) -> str:
        """In a lane function, an expression whose value every lane shares (uniformity analysis) and that costs
        something (a call or an array element) is computed once, at the control level before the region:
        also keeps arrays and calls that LLVM cannot vectorize out of the lane loop."""
        if (self.lanes_mode and not self.plain and not self.cond_depth and self.worth_hoisting(e)
                and self.uni.is_uniform_expr(e)):
            lines, code = self.plain_lines(lambda: super(LaneEmitter, self).ex(e))
            name = self.fresh("u")
            self.pre_region += lines + [f"{name} = {code}"]
            return name
        code = super().ex(e)
        t = getattr(e, "ty", None)
        if self.lanes_mode and isinstance(t, Type) and code.startswith("_") and code.isidentifier():
            self.temp_types.setdefault(code, t)  # a temporary holding e's value (see carry_temporary)
        return code

    def worth_hoisting(self, e: A.Expr) -> bool:
        t = getattr(e, "ty", None)
        if not isinstance(t, Type) or t.kind == "sampler" or self.c.constants.get(e) is not None:
            return False
        return any(isinstance(n, (A.Call, A.Index)) for n in A.walk(e))

    def plain_lines(self, fn):  # noqa: ANN001
        """:meth:`plain_code` without ending the pending region."""
        self.plain += 1
        try:
            with self.capture() as buf:
                result = fn()
        finally:
            self.plain -= 1
        return list(buf), result

    def conditional(self, fn):  # noqa: ANN001
        self.cond_depth += 1
        try:
            return fn()
        finally:
            self.cond_depth -= 1

    def if_(self, s: A.If) -> None:
        self.conditional(lambda: super(LaneEmitter, self).if_(s))

    def for_(self, s: A.For) -> None:
        self.conditional(lambda: super(LaneEmitter, self).for_(s))

    def while_(self, s: A.While) -> None:
        self.conditional(lambda: super(LaneEmitter, self).while_(s))

    def do_while(self, s: A.DoWhile) -> None:
        self.conditional(lambda: super(LaneEmitter, self).do_while(s))

    def switch(self, s: A.Switch) -> None:
        self.conditional(lambda: super(LaneEmitter, self).switch(s))

    # ----------------------------------------------------------- arrays element by element
    def direct_arrays(self, d: A.FunctionDef) -> set[int]:
        """Varying arrays (of scalars, vectors or matrices) that the function only declares and indexes: their
        elements are read and written in the lane array itself (a vector load or store when the index is
        uniform), instead of loading and storing the whole array in every region that names it (which also
        kept LLVM from vectorizing the region: a per-lane array in memory)."""
        # globals that functions called per lane (in a region) read or write as whole values
        hidden: set[int] = set()
        for n in A.walk(d):
            t = self.c.calls.get(n) if isinstance(n, A.Call) else None
            if isinstance(t, Function) and id(t) not in self.lifted:
                hidden.update(g.uid for g in self.usage[id(t)].reads + self.usage[id(t)].writes)
        parent: dict[int, A.Node] = {}
        for n in A.walk(d):
            for ch in n.children():
                parent[id(ch)] = n
        ok: dict[int, bool] = {}
        for n in A.walk(d):
            v = None
            if isinstance(n, A.VarDecl):
                v = self.c.symbols.get(n)
                fine = True
            elif isinstance(n, A.Ident):
                v = self.c.symbols.get(n)
                up = parent.get(id(n))
                fine = isinstance(up, A.Index) and up.base is n
                if isinstance(up, A.Expr) and self.c.constants.get(up) is not None:
                    fine = True  # a.length()
            if v is None or v.kind not in ("local", "param", "global") or self.uni.is_uniform_var(v):
                continue
            if v.kind == "global" and v.uid not in self.localized and (not self.is_lane_global(v) or v.uid in hidden):
                continue
            el = v.type.element if v.type.kind == "array" else None
            if el is None or el.kind not in ("scalar", "vector", "matrix") or not v.type.length:
                continue
            ok[v.uid] = ok.get(v.uid, True) and fine
        return {uid for uid, good in ok.items() if good}

    def _direct_var(self, e: A.Expr) -> Var | None:
        if self.lanes_mode and not self.plain and isinstance(e, A.Ident):
            v = self.c.symbols.get(e)
            if v is not None and v.uid in self.direct:
                return v
        return None

    def _element_slots(self, el: Type) -> list[tuple[str, int]]:
        """(index suffix in the element's scalar value, slot within the element) of an array element."""
        if el.kind == "scalar":
            return [("", 0)]
        if el.kind == "vector":
            return [(f"[{c}]", c) for c in range(el.size)]
        return [(f"[{r}, {c}]", c * el.rows + r) for c in range(el.cols) for r in range(el.rows)]

    def _element_at(self, s: str, idx: str, k: int, slot: int) -> str:
        """Lane ``_ln`` of scalar ``slot`` of element ``idx`` (the offsets folded here: Taichi folds constants
        one statement at a time over the whole kernel)."""
        if idx.isdigit():
            return _at(s, int(idx) * k + slot)
        off = f" + {slot * LANES}" if slot else ""
        return f"{s}[{idx} * {k * LANES}{off} + _ln]"

    def direct_load(self, v: Var, idx: str) -> str:
        el = v.type.element
        assert el is not None
        s, k = storage(self.var_name(v)), el.components
        if el.kind == "scalar":
            return self._element_at(s, idx, 1, 0)
        if el.kind == "vector":
            return f"ti.Vector([{', '.join(self._element_at(s, idx, k, c) for c in range(k))}], dt={dtype(el)})"
        rows = ["[" + ", ".join(self._element_at(s, idx, k, c * el.rows + r) for c in range(el.cols)) + "]"
                for r in range(el.rows)]
        return f"ti.Matrix([{', '.join(rows)}], dt={dtype(el)})"

    def direct_store(self, v: Var, idx: str, value: str) -> None:
        el = v.type.element
        assert el is not None
        name = self.var_name(v)
        s, k = storage(name), el.components
        mask = None if self.decl_mask.get(name) == self.mask else self.mask
        val = self.hoist(value, "e") if k > 1 else value
        for suffix, slot in self._element_slots(el):
            dst = self._element_at(s, idx, k, slot)
            src = f"{val}{suffix}"
            self.line(f"{dst} = ti.select({mask}[_ln], {src}, {dst})" if mask else f"{dst} = {src}")

    def x_Index(self, e: A.Index) -> str:
        v = self._direct_var(e.base)
        if v is None:
            return super().x_Index(e)
        return self.direct_load(v, self.hoist(self.index_code(e.index, v.type), "i"))

    def store(self, target: A.Expr, value: str) -> str:
        if isinstance(target, A.Index):
            v = self._direct_var(target.base)
            if v is not None:
                idx = self.hoist(self.index_code(target.index, v.type), "i")
                self.direct_store(v, idx, value)
                return self.direct_load(v, idx)
        return super().store(target, value)

    def declaration(self, d: A.DeclStmt) -> None:
        if not self.lanes_mode or self.plain:
            return super().declaration(d)
        for vd in d.decls:
            var = self.c.symbols.get(vd)
            if var is None or var.uid not in self.direct:
                Emitter.declaration(self, A.DeclStmt(type=d.type, decls=[vd], span=d.span))
                continue
            self.var_name(var)
            t = var.type
            value = self.zero(t, vd) if vd.init is None else self.rvalue(vd.init, t)
            whole = self.hoist(value, "w")
            el = t.element
            assert el is not None and t.length is not None
            for i in range(t.length):
                self.direct_store(var, str(i), f"{whole}[{i}]" if el.kind == "scalar" else self._row(whole, i, el))

    def _row(self, whole: str, i: int, el: Type) -> str:
        """Element ``i`` of an array value in the scalar representation (vectors and matrices are rows)."""
        if el.kind == "vector":
            return f"ti.Vector([{', '.join(f'{whole}[{i}, {c}]' for c in range(el.size))}], dt={dtype(el)})"
        rows = ["[" + ", ".join(f"{whole}[{i}, {c * el.rows + r}]" for c in range(el.cols)) + "]"
                for r in range(el.rows)]
        return f"ti.Matrix([{', '.join(rows)}], dt={dtype(el)})"

    def x_Binary(self, e: A.Binary) -> str:
        if self.lanes_mode and not self.plain and e.op in ("&&", "||") and self.has_lifted_call(e.rhs):
            # the right operand runs only in the lanes the left one leaves undecided
            res = self.lane_temp("b", BOOL)
            self.line(f"{res} = ti.cast(({self.ex(e.lhs)}) != 0, ti.i32)")
            self.flush()
            want = storage(res) if e.op == "&&" else f"(1 - {storage(res)})"
            self.lane_branch(f"{self.mask} & {want}", lambda: self.line(
                f"{res} = ti.cast(({self.ex(e.rhs)}) != 0, ti.i32)"))
            return res
        if e.op in ("&&", "||") and has_effects(e.rhs, self.c, self.usage):
            return self.conditional(lambda: super(LaneEmitter, self).x_Binary(e))
        return super().x_Binary(e)

    def x_Ternary(self, e: A.Ternary) -> str:
        if self.lanes_mode and not self.plain and (self.has_lifted_call(e.then) or self.has_lifted_call(e.else_)):
            t: Type = e.ty
            res = self.lane_temp("r", t)
            c = self.lane_temp("c", BOOL)
            self.line(f"{c} = ti.cast(({self.ex(e.cond)}) != 0, ti.i32)")
            self.flush()
            entry = self.mask
            self.lane_branch(f"{entry} & {storage(c)}", lambda: self.line(f"{res} = {self.rvalue(e.then, t)}"))
            self.lane_branch(f"{entry} & (1 - {storage(c)})",
                             lambda: self.line(f"{res} = {self.rvalue(e.else_, t)}"))
            return res
        t = e.ty
        if (has_effects(e.then, self.c, self.usage) or has_effects(e.else_, self.c, self.usage)
                or t.kind in ("struct", "array")):
            return self.conditional(lambda: super(LaneEmitter, self).x_Ternary(e))
        return super().x_Ternary(e)

    def lane_branch(self, mask_expr: str, body) -> None:  # noqa: ANN001
        """Run ``body`` (which prints region code) for the lanes of ``mask_expr``, if there are any."""
        entry = self.mask
        m = self.fresh("m")
        self.ctl(f"{m} = {mask_expr}")
        self.ctl(f"if L.any({m}):")
        self.cind += 1
        n = len(self.cl)
        self.frames.append(_Frame("branch", m))
        self.mask = m
        body()
        self.flush()
        self.frames.pop()
        if len(self.cl) == n:
            self.ctl("pass")
        self.cind -= 1
        self.mask = entry

    # -------------------------------------------------------------------------------- kernel
    def lane_kernel(self) -> list[str]:
        from .uniforms import KNOWN_UNIFORM_ROLES

        self._reset_fn()
        self.ctx = _FnCtx(None, Namer(set(self.module_namer.taken)))
        main, extra, _channels, slot_params = self.kernel_inputs()
        layout = UniformLayout()
        self.mask = "_m"
        self.frames = [_Frame("fn", "_m")]
        self.cind = 2
        outputs: list[Var] = []
        self.lane_var("_discard", DISCARD.type)
        self.line("_discard = 0")
        if self.deriv_sites:  # derivative state (glslc.runtime.derivs): the pixel and per-site counters
            self.lane_var("_pix", DERIV_PIX.type)
            self.line("_pix = ti.Vector([k, _px0 + _ln, py])")
            self.lane_var("_dcnt", self.gtype(DERIV_COUNT))
            self.line(f"_dcnt = ti.Vector.zero(ti.i32, {len(self.deriv_sites)})")
            self.ctl("_ddim = ti.Vector([width, height])")
        for name, var in self.builtin_vars_used():
            vn = self.var_name(var)
            if name == "gl_FragCoord":
                self.lane_var(vn, var.type)
                self.line(f"{vn} = ti.Vector([ti.cast(_px0 + _ln, ti.f32) + 0.5, ti.cast(py, ti.f32) + 0.5, "
                          "0.5, 1.0])")
            elif name in ("gl_FragColor", "gl_FragData"):
                self.lane_var(vn, var.type)
                self.line(f"{vn} = {self.zero(var.type, self.c.unit)}")
                outputs.append(var)
            elif name == "gl_FrontFacing":
                self.ctl(f"{vn} = 1")
            elif name == "gl_PointCoord":
                self.ctl(f"{vn} = ti.Vector([0.5, 0.5])")
            elif var.storage == "const" and var.value is not None:
                self.ctl(f"{vn} = {self.const_code(var.value, var.type)}")
            else:
                raise BackendError(f"the Taichi back end does not support '{name}' yet", self.c.unit.span)
        for var in self.c.globals:
            if var.type.kind == "sampler" or var.uid in self.localized or var.uid in self.tables:
                continue
            name = self.var_name(var)
            decl = self.global_decl(var)
            if var.storage == "uniform":
                role = extra.get(var.name) or KNOWN_UNIFORM_ROLES.get(var.name)
                self.ctl(f"{name} = {layout.read(role, var.type, self.zero(var.type, self.c.unit))}")
                continue
            if var.storage == "out":
                outputs.append(var)
            init = decl.init if decl is not None and var.storage != "out" else None
            if self.is_lane_global(var):
                self.lane_var(name, var.type)
                value = self.rvalue(init, var.type) if init is not None else self.zero(var.type, self.c.unit)
                self.line(f"{name} = {value}")
            else:
                with self.capture() as buf:
                    value = self.rvalue(init, var.type) if init is not None else self.zero(var.type, self.c.unit)
                for ln in buf:
                    self.ctl(ln)
                self.ctl(f"{name} = {value}")
        usage = self.usage[id(main)]
        if id(main) in self.lifted:
            self.user_call_main(main)
        else:
            self.call_main(main)
        out_var = outputs[0] if outputs else None
        if out_var is None:
            raise BackendError("the shader writes no output (no 'out vec4' and no gl_FragColor)", self.c.unit.span)
        ok = out_var.type.kind == "vector" and out_var.type.size == 4
        el = out_var.type.element
        if not ok and not (out_var.type.kind == "array" and el is not None and el.kind == "vector" and el.size == 4):
            raise BackendError(f"the output '{out_var.name}' is {out_var.type}; only vec4 outputs are "
                               "supported", self.c.unit.span)
        self.flush()
        # the pixels are written in an unrolled loop of their own: inside a lane loop the guarded, strided
        # stores keep LLVM from vectorizing the shader's code (measured: 2.3x slower)
        # (a whole group unguarded: 32 consecutive floats that LLVM may store as vectors)
        col = storage(self.var_name(out_var))  # a vec4, or element 0 of gl_FragData: slots 0-3 either way
        value = f"{col}[c * {LANES} + _ln]"
        if any(u.discards for u in self.usage.values()):
            value = f"ti.select({storage('_discard')}[_ln], 0.0, {value})"
        store = f"out[k, height - 1 - py, _px0 + _ln, c] = {value}"
        self.ctl(f"if _px0 + {LANES} <= width:")
        self.ctl(f"    for _ln in ti.static(range({LANES})):")
        self.ctl("        for c in ti.static(range(4)):")
        self.ctl(f"            {store}")
        self.ctl("else:")
        self.ctl(f"    for _ln in ti.static(range({LANES})):")
        self.ctl("        if _m[_ln]:")
        self.ctl("            for c in ti.static(range(4)):")
        self.ctl(f"                {store}")
        del usage
        head = [
            "@ti.kernel",
            "def render_lanes(out: ti.types.ndarray(dtype=ti.f32, ndim=4), u: ti.types.ndarray(dtype=ti.f32, "
            f"ndim=2), width: ti.i32, height: ti.i32{slot_params}):",
            f"    _gw = (width + {LANES - 1}) // {LANES}",
            "    for _g in range(out.shape[0] * height * _gw):",
            "        _kyx = G.pixel_of(_g, _gw, height)",
            f"        k, py, _px0 = _kyx[0], _kyx[1], _kyx[2] * {LANES}",
            "        _m = L.lane_mask(_px0, width)",
        ]
        body, arrays = self.control_lines(set())
        decls = [f"        {storage(n)} = {self.lane_zero(t)}" for n, t in self.lv.items() if n in arrays]
        return head + decls + body

    def user_call_main(self, main: Function) -> None:
        """main() as a lane function: its globals go in as lane arrays or values, the written ones come back."""
        usage = self.usage[id(main)]
        args = [self.mask]
        for g in usage.reads:
            gname = self.var_name(g)
            args.append(storage(gname) if g.type.kind != "sampler" and self.is_lane_global(g) else gname)
        self.flush()
        call = f"{self.lane_fn_names[id(main)]}({', '.join(args)})"
        writes = [self.var_name(g) for g in usage.writes]
        if not writes:
            self.ctl(call)
        elif len(writes) == 1:
            self.ctl(f"{storage(writes[0])} = {call}")
        else:
            res = self.fresh("res")
            self.ctl(f"{res} = {call}")
            for i, n in enumerate(writes):
                self.ctl(f"{storage(n)} = {res}[{i}]")


_TRANSCENDENTAL_CALL = re.compile(r"\bG\.(?:" + "|".join(sorted(TRANSCENDENTALS, key=len, reverse=True)) + r")\(")
_LANE_ACCESS = re.compile(r"\b_L_\w+(?:\.\w+)?\[")


def compile_weight(lines: list[str], kernel: str, *, transcendental: int = 0) -> int:
    """How much code Taichi compiles for ``kernel`` of a generated module: every function's statements and
    operands (a lane-array element access counts 3), with each call expanded as Taichi inlines it, and
    ``transcendental`` more per call of an exact sin/exp/... core inlined in a lane loop. Taichi's passes grow
    faster than linearly with this; measured on 66 corpus shaders (cpu, cold): weight 3,000 compiles in about
    1 s, 7,000 in 3-6 s, 15,000 in 20-26 s."""
    bodies: dict[str, list[str]] = {}
    current = None
    for ln in lines:
        m = re.match(r"def (\w+)\(", ln)
        if m:
            current = m.group(1)
            bodies[current] = []
        elif current is not None and (ln.startswith(" ") or not ln.strip()):
            bodies[current].append(ln)
        elif ln.strip():
            current = None
    memo: dict[str, int] = {}

    def size(f: str, stack: tuple[str, ...]) -> int:
        if f in memo:
            return memo[f]
        total = 0
        for ln in bodies.get(f, []):
            if not ln.strip():
                continue
            total += 1 + ln.count(",") + ln.count("(") + 3 * len(_LANE_ACCESS.findall(ln))
            total += transcendental * len(_TRANSCENDENTAL_CALL.findall(ln))
            for callee in re.findall(r"\b(fn_\w+)\(", ln):
                if callee in bodies and callee not in stack and callee != f:
                    total += size(callee, (*stack, f))
        memo[f] = total
        return total

    return size(kernel, ())


def _at(s: str, slot: int) -> str:
    """Lane ``_ln`` of scalar slot ``slot`` of a lane array (slot-major: the lanes of a slot are consecutive;
    a flat vector with a literal offset, since Taichi folds a matrix index's ``slot * 8`` one statement
    at a time over the whole kernel: 54 s of a 93 s compile)."""
    return f"{s}[{slot * LANES} + _ln]" if slot else f"{s}[_ln]"


def _array_of(t: Type, n: int) -> Type:
    from .types import array

    return array(t, n)


def _assigned_first(tree: pyast.Module) -> set[str]:
    """Names whose first mention in the region is a whole assignment at its top level (no load needed)."""
    seen: set[str] = set()
    fresh: set[str] = set()
    for stmt in tree.body:
        names = {n.id for n in pyast.walk(stmt) if isinstance(n, pyast.Name)}
        if (isinstance(stmt, pyast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], pyast.Name)):
            x = stmt.targets[0].id
            if x not in seen and x not in {n.id for n in pyast.walk(stmt.value) if isinstance(n, pyast.Name)}:
                fresh.add(x)
        seen |= names
    return fresh


def _names(tree: pyast.AST) -> tuple[set[str], set[str]]:
    """Names a region reads and writes (a store into an element or member writes the variable)."""
    reads: set[str] = set()
    writes: set[str] = set()
    for node in pyast.walk(tree):
        if isinstance(node, pyast.Name):
            (writes if isinstance(node.ctx, pyast.Store) else reads).add(node.id)
        elif isinstance(node, (pyast.Assign, pyast.AugAssign)):
            targets = node.targets if isinstance(node, pyast.Assign) else [node.target]
            for t in targets:
                root = t
                while isinstance(root, (pyast.Subscript, pyast.Attribute)):
                    root = root.value
                if isinstance(root, pyast.Name):
                    writes.add(root.id)
                    if root is not t or isinstance(node, pyast.AugAssign):
                        reads.add(root.id)
    return reads, writes


def emit_lanes_module(fe) -> str:  # noqa: ANN001
    """The Python module for a checked shader, with a lane kernel where the shader allows one."""
    with A.recursion_room(20000):
        return LaneEmitter(fe).module()


__all__ = ["LANES", "LaneEmitter", "LanesUnsupported", "emit_lanes_module"]
