"""Differential fuzzing: random well-typed GLSL programs rendered by both back ends, compared value by value.

:func:`programs` is a Hypothesis strategy of :class:`Program` values: complete ``#version 450`` fragment shaders
built from typed expression trees over every non-texture built-in function the checker knows (see
:data:`EXCLUDED` for the few left out, and why), operators, swizzles (also as l-values), constructors and
conversions, matrices, int/uint/bit operations, structs, arrays, user functions with ``in``/``out``/``inout``
parameters and early returns, globals, and control flow (``if``, ``for``, ``while``, ``do``, ``switch``,
``break``, ``continue``). Every value a program computes is kept inside the domain where GLSL defines it
(interval arithmetic on every node: ``sqrt``/``log``/``pow`` get positive arguments, divisors stay away from
zero, shifts below 32, ``clamp`` and ``smoothstep`` get ordered bounds, ``inverse`` a diagonally dominant
matrix, float-to-int conversions in range, ...), and magnitudes stay far from overflow.

Outputs: a program ends by storing selected values into float *words* (ints as two 16-bit halves, bools as
0/1, vectors, matrices, structs and arrays component by component); pixel column ``x`` shows words
``4 * (x % slots)`` to ``4 * (x % slots) + 3`` in RGBA of a float32 target, read back raw (not clamped, not
quantized). Each word carries an error bound: zero (bit-identical expected) unless it depends on a built-in that
the Taichi runtime computes differently from llvmpipe by design (:data:`INEXACT`: the exponential family
while ``EXACT_EXP_LOG`` is off), or on a call with constant arguments that Mesa may fold at compile time
in double precision; those get the Vulkan/GLSL specification's error for that built-in (``exp`` (3 + 2|x|)
ULP, ``log`` 3 ULP or 2^-21 absolute, ``pow`` as ``exp2(y * log2 x)``, ``sin``/``cos`` 2^-11 absolute,
``atan`` 4096 ULP...) propagated through the rest of the tree (relative and absolute parts, using each
node's interval). Sums and products that Mesa may reassociate (``(x + c1) + c2``), multi-step built-ins
(:data:`COMPOSITE`) and matrix products get a few ULP too: GLSL arithmetic is not ``precise``. Functions
that are discontinuous (``floor``, ``step``, comparisons, conversions to int, conditions, ...) only ever take
bit-exact arguments, so that an allowed last-bit difference cannot flip them.

:func:`check_program` renders a program with both back ends and raises :class:`Divergence` (with the program
as a ready-to-paste case file) when a word differs beyond its bound, when our checker rejects a program the
reference accepts (or the reverse), or when our back end fails. ``tests/test_fuzz.py`` runs the property with
a small budget; ``python -m glslc.conformance.fuzz --examples N --seed S`` runs longer and prints each
minimized failure. Minimized cases live in ``conformance/cases/*.frag`` with the verdict they must keep
(:func:`case_verdict`, run by ``tests/test_cases.py``); see ``docs/fuzzing.md``.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..builtins import Signature, all_signatures, available
from ..types import BOOL, FLOAT, INT, UINT, Type, array, matrix, struct, vector

# ------------------------------------------------------------------------------------------------
# Configuration

VERSION = 450
TIMES = (0.5, 1.0, 4.7)
HEIGHT = 4
COLS_PER_SLOT = 2  # image width = COLS_PER_SLOT * slots (even: derivatives need whole 2x2 quads)
CAP = 1.0e6  # float values are kept within [-CAP, CAP] (wrapped in clamp() where an interval exceeds it)
INT_MIN, INT_MAX, UINT_MAX = -(2**31), 2**31 - 1, 2**32 - 1
EPS = 2.0**-23
CASES_DIR = Path(__file__).resolve().parent / "cases"

# built-ins the fuzzer does not call, with the reason (everything else in glslc.builtins is covered)
EXCLUDED_PREFIXES = {
    "texture": "channels are unbound in a fuzz render: every lookup is a constant (tests/test_textures.py)",
    "texel": "as texture",
    "shadow": "as texture",
    "interpolateAt": "needs a fragment shader input (interpolant); the renders have none",
}
EXCLUDED = {"packDouble2x32": "double", "unpackDouble2x32": "double"}

# the built-ins the Taichi runtime does not compute bit-identically to llvmpipe (see runtime/glsl.py)
EXP_FAMILY = frozenset({"exp", "exp2", "log", "log2", "pow", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh"})


# built-ins whose compile-time folding by Mesa (constant arguments) gives the bits the run-time code gives;
# Mesa folds the others in higher precision or with its own formulas (radians(3.14159) is 1 ULP off)
FOLDS_EXACTLY = frozenset({"abs", "sign", "floor", "ceil", "trunc", "round", "roundEven", "fract", "min", "max",
                           "clamp", "step", "transpose", "matrixCompMult", "outerProduct", "intBitsToFloat",
                           "uintBitsToFloat", "unpackUnorm2x16", "unpackSnorm2x16", "unpackUnorm4x8",
                           "unpackSnorm4x8", "unpackHalf2x16", "ldexp", "frexp", "modf", "noise1", "noise2",
                           "noise3", "noise4"})


# built-ins that Mesa expands into several multiply-adds, which NIR's algebraic rules may then reassociate or
# factor (a*b + a*c -> a*(b + c), eta*(eta*x) -> (eta*eta)*x with a constant eta...; GLSL arithmetic is not
# 'precise'): a few ULP of their intermediate values (conformance/cases/mesa_optimizes_inside_refract.frag)
COMPOSITE = frozenset({"dot", "length", "distance", "normalize", "reflect", "refract", "faceforward", "cross",
                       "determinant", "inverse", "smoothstep", "mix", "fma"})


def inexact_builtins() -> frozenset[str]:
    """The built-ins whose results may differ from llvmpipe's in the last bits with the runtime's current
    switches (GLSLC_EXACT_EXP_LOG, GLSLC_EXACT_SIN_COS)."""
    import os

    out = set()
    if os.environ.get("GLSLC_EXACT_EXP_LOG", "0") == "0":
        out |= EXP_FAMILY
    if os.environ.get("GLSLC_EXACT_SIN_COS", "1") == "0":
        out |= {"sin", "cos", "tan"}
    return frozenset(out)


INEXACT = inexact_builtins()

# ------------------------------------------------------------------------------------------------
# Values


Err = tuple[float, float]  # (relative, absolute): |ours - ref| <= r * |ref| + a
EXACT: Err = (0.0, 0.0)


def err_max(*es: Err) -> Err:
    return (max((e[0] for e in es), default=0.0), max((e[1] for e in es), default=0.0))


def err_abs(e: Err, m: float) -> Err:
    """An error as an absolute bound for values of magnitude up to ``m``."""
    return (0.0, e[0] * m + e[1]) if e != EXACT else EXACT


def err_scale(e: Err, k: float) -> Err:
    return (e[0], e[1] * k)


@dataclass(frozen=True)
class V:
    """A generated expression: GLSL text, type, a conservative interval of its float components (lo, hi) and
    of its integer components (ilo, ihi), its error bound and whether it is a constant expression."""

    code: str
    ty: Type
    lo: float = 0.0
    hi: float = 0.0
    ilo: int = 0
    ihi: int = 0
    err: Err = EXACT
    const: bool = False
    top: str = ""  # "+", "*": an add / multiply may be at the root (what NIR may reassociate with a constant)

    @property
    def exact(self) -> bool:
        return self.err == EXACT

    @property
    def mag(self) -> float:
        return max(abs(self.lo), abs(self.hi))


@dataclass
class Var:
    """A variable in scope. ``fb``: its float components stay within [-fb, fb]; ``ib``: its int components
    within [-ib, ib] (uint: [0, ib]) or anywhere when ``ib`` is None; ``err``: the error it may hold (EXACT
    for exact variables: only exact values are stored into them)."""

    name: str
    ty: Type
    fb: float = CAP
    ib: int | None = None
    err: Err = EXACT
    writable: bool = True
    const: bool = False
    assigned: bool = True
    top: str = ""  # the V.top of any value stored in it (Mesa sees through variables)

    def value(self, code: str | None = None, ty: Type | None = None) -> V:
        t = ty or self.ty
        ilo, ihi = int_bounds(self.ib, base_of(t))
        return V(code or self.name, t, -self.fb, self.fb, ilo, ihi, self.err, self.const, self.top)


def int_bounds(ib: int | None, base: str) -> tuple[int, int]:
    if base == "uint":
        return (0, UINT_MAX if ib is None else ib)
    return (INT_MIN, INT_MAX) if ib is None else (-ib, ib)


def base_of(t: Type) -> str:
    if t.kind == "array":
        assert t.element is not None
        return base_of(t.element)
    return t.base


# ------------------------------------------------------------------------------------------------
# Types


FLOAT_TYPES = [FLOAT] + [vector("float", n) for n in (2, 3, 4)]
MAT_TYPES = [matrix(c, r) for c in (2, 3, 4) for r in (2, 3, 4)]
MAT4X2 = matrix(4, 2)


def is_float(t: Type) -> bool:
    return t.kind in ("scalar", "vector", "matrix") and t.base == "float"


def is_intlike(t: Type) -> bool:
    return t.kind in ("scalar", "vector") and t.base in ("int", "uint")


def has_float(t: Type) -> bool:
    if t.kind == "struct":
        return any(has_float(ft) for _, ft in t.fields)
    if t.kind == "array":
        assert t.element is not None
        return has_float(t.element)
    return t.base == "float"


def word_count(t: Type) -> int:
    if t.kind == "struct":
        return sum(word_count(ft) for _, ft in t.fields)
    if t.kind == "array":
        assert t.element is not None and t.length is not None
        return t.length * word_count(t.element)
    per = 2 if t.base in ("int", "uint") else 1
    return per * t.components


def flit(v: float) -> str:
    if float(v).is_integer() and abs(v) < 1e15:
        return f"{v:.1f}"
    text = repr(float(v))
    return text if ("." in text or "e" in text) else text + ".0"


def ilit(v: int, base: str) -> str:
    if base == "uint":
        return (f"0x{v:x}u" if v > 65535 else f"{v}u")
    if v < 0:
        return f"(-{-v})" if v > INT_MIN else "(-2147483647 - 1)"
    return f"0x{v:x}" if v > 65535 else str(v)


def atomic(code: str) -> bool:
    """Whether ``code`` can take a postfix (``.x``, ``[i]``) or be an operand without parentheses."""
    if re.fullmatch(r"[A-Za-z_]\w*(\.\w+|\[\d+\])*", code):
        return True
    if re.fullmatch(r"\d+(\.\d*)?", code):
        return True
    if code.startswith("(") or re.match(r"[A-Za-z_]\w*(\[\d*\])?\(", code):
        depth = 0
        start = code.index("(")
        for i, ch in enumerate(code):
            if ch in "([":
                depth += 1
            elif ch in ")]":
                depth -= 1
                if depth == 0 and i >= start and i != len(code) - 1:
                    return False
        return code.endswith(")")
    return False


def paren(code: str) -> str:
    return code if atomic(code) else f"({code})"


TYPE_NAME_RE = r"([iub]?vec[234]|mat[234](x[234])?|float|int|uint|bool)"
SWZ = "xyzw"
SWZ_SETS = ("xyzw", "rgba", "stpq")


# ------------------------------------------------------------------------------------------------
# Built-in signatures


def _excluded(name: str) -> str | None:
    for p, why in EXCLUDED_PREFIXES.items():
        if name.startswith(p):
            return why
    return EXCLUDED.get(name)


def _usable(sig: Signature) -> bool:
    if not available(sig, VERSION, False) or _excluded(sig.name):
        return False
    return not any(t.base == "double" for t in (sig.ret, *sig.params))


SIGNATURES: tuple[Signature, ...] = tuple(s for s in all_signatures() if _usable(s))
PURE_BY_RET: dict[Type, list[Signature]] = {}
OUT_SIGS: list[Signature] = []
for _s in SIGNATURES:
    if all(q == "in" for q in _s.qualifiers):
        PURE_BY_RET.setdefault(_s.ret, []).append(_s)
    else:
        OUT_SIGS.append(_s)
BUILTIN_NAMES = frozenset(s.name for s in SIGNATURES) - {"dFdx", "dFdy", "fwidth", "dFdxFine", "dFdyFine", "dFdxCoarse",
                                                        "dFdyCoarse", "fwidthFine", "fwidthCoarse", "noise1",
                                                        "noise2", "noise3", "noise4"}
DERIVATIVES = frozenset({"dFdx", "dFdy", "fwidth", "dFdxFine", "dFdyFine", "dFdxCoarse", "dFdyCoarse",
                         "fwidthFine", "fwidthCoarse"})


def covered_builtins() -> set[str]:
    return {s.name for s in SIGNATURES}


# ------------------------------------------------------------------------------------------------
# Interval helpers


def ival_mul(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float]:
    ps = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]]
    return min(ps), max(ps)


def widen(lo: float, hi: float, rel: float = 1e-6) -> tuple[float, float]:
    m = max(abs(lo), abs(hi), 1e-30)
    return lo - rel * m, hi + rel * m


def ifit(lo: int, hi: int, base: str) -> tuple[int, int]:
    if base == "uint":
        return (lo, hi) if 0 <= lo and hi <= UINT_MAX else (0, UINT_MAX)
    return (lo, hi) if INT_MIN <= lo and hi <= INT_MAX else (INT_MIN, INT_MAX)


# ------------------------------------------------------------------------------------------------
# Programs


@dataclass
class Word:
    code: str
    err: Err


@dataclass
class Program:
    """A generated shader, its output words (each with its error bound) and the features it uses."""

    glsl: str
    words: list[Word]
    features: frozenset[str] = frozenset()

    @property
    def slots(self) -> int:
        return max(1, (len(self.words) + 3) // 4)

    @property
    def width(self) -> int:
        return self.size[0] if self.size else COLS_PER_SLOT * self.slots

    def header(self, verdict: str = "agree", reason: str = "") -> str:
        lines = [f"// expect: {verdict}" + (f"  reason: {reason}" if reason else "")]
        lines.append("// words: " + " ".join(fmt_err(w.err) for w in self.words))
        lines.append("// features: " + " ".join(sorted(self.features)))
        lines.append(f"// size: {self.width}x{self.size[1] if self.size else HEIGHT}")
        return "\n".join(lines) + "\n"

    size: tuple[int, int] | None = None  # (width, height) when not the fuzzer's own layout (case files)

    def case_text(self, verdict: str = "agree", reason: str = "") -> str:
        return self.header(verdict, reason) + self.glsl


def fmt_err(e: Err) -> str:
    return "0" if e == EXACT else f"{e[0]:.3g}:{e[1]:.3g}"


def parse_err(s: str) -> Err:
    if s == "0":
        return EXACT
    r, a = s.split(":")
    return (float(r), float(a))


# ------------------------------------------------------------------------------------------------
# The generator


def _span_strategy():
    import hypothesis.strategies as st

    @st.composite
    def span(draw, gen, fn):
        saved, gen.draw = gen.draw, draw
        try:
            return fn()
        finally:
            gen.draw = saved

    return span


_SPAN = None


def _span(gen, fn):
    global _SPAN
    if _SPAN is None:
        _SPAN = _span_strategy()
    return _SPAN(gen, fn)



@dataclass
class FuncInfo:
    name: str
    ret: Type  # void: kind "void"
    ret_fb: float
    ret_ib: int | None
    ret_err: Err
    params: list[tuple[str, Type, float, int | None, Err]]  # qualifier, type, fb, ib, err
    writes_globals: bool

    @property
    def pure(self) -> bool:
        return not self.writes_globals and all(p[0] == "in" for p in self.params)


@dataclass
class Ctx:
    scopes: list[dict[str, Var]] = field(default_factory=list)
    func: FuncInfo | None = None
    loops: int = 0
    switches: int = 0
    uniform: bool = False  # uniform control flow (derivatives allowed)
    writes_globals: bool = False


class Gen:
    """Draws one program. All choices go through ``self.draw`` so that Hypothesis can shrink them."""

    def __init__(self, draw, size: int = 1):
        import hypothesis.strategies as st

        self.st = st
        self.draw = draw
        self.size = size
        self.counter = 0
        self.feats: set[str] = set()
        self.structs: list[Type] = []
        self.struct_bounds: dict[str, tuple[float, int | None]] = {}
        self.globals: dict[str, Var] = {}
        self.funcs: list[FuncInfo] = []
        self.ctx = Ctx()
        self.lines: list[str] = []
        self.indent = 1
        self.nodes = 0
        self.pending: list[Var] = []  # variables an out argument of the statement being built will write

    # ---- drawing ---------------------------------------------------------------------------------
    def int_(self, lo: int, hi: int) -> int:
        return self.draw(self.st.integers(lo, hi)) if hi > lo else lo

    def pick(self, options: Sequence):
        return options[self.int_(0, len(options) - 1)]

    def weighted(self, options: Sequence[tuple[float, object]]):
        """One option, with probability by weight; shrinks towards the first."""
        opts = [(w, o) for w, o in options if w > 0]
        total = sum(w for w, _ in opts)
        scale = 1000 / total
        x = self.int_(0, 999)
        acc = 0.0
        for w, o in opts:
            acc += w * scale
            if x < acc:
                return o
        return opts[-1][1]

    def chance(self, p: float) -> bool:
        """True with probability p; shrinks to False."""
        return self.int_(0, 999) >= 1000 * (1 - p)

    def pick_sig(self, sigs: list[Signature]) -> Signature:
        """A built-in by name first (each name equally likely), then one of its overloads."""
        names = sorted({s.name for s in sigs})
        name = self.pick(names)
        return self.pick([s for s in sigs if s.name == name])

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def feat(self, name: str) -> None:
        self.feats.add(name)

    # ---- scopes ----------------------------------------------------------------------------------
    def visible(self) -> list[Var]:
        seen: dict[str, Var] = {}
        for scope in [self.globals, *self.ctx.scopes]:
            for n, v in scope.items():
                seen[n] = v
        return [v for v in seen.values() if v.assigned]

    def declare(self, v: Var) -> None:
        self.ctx.scopes[-1][v.name] = v

    def touch(self, var: Var, const: bool, top: str = "+*s") -> None:
        """Record a write into ``var``: a function that writes a global is impure; a variable that ever holds a
        compile-time constant may let Mesa fold what reads it (see :attr:`V.const`)."""
        if self.ctx.func is not None and self.globals.get(var.name) is var:
            self.ctx.writes_globals = True
        var.const = var.const or const
        var.top = "".join(sorted(set(var.top + top)))

    def emit(self, line: str) -> None:
        self.lines.append("    " * self.indent + line)

    def written(self) -> None:
        """The statement with out arguments is emitted: their fresh variables are now defined."""
        for var in self.pending:
            var.assigned = True
        self.pending.clear()

    # ---- types ----------------------------------------------------------------------------------
    def scalar_type(self) -> Type:
        return self.weighted([(5, FLOAT), (3, INT), (2, UINT), (1.5, BOOL)])

    def value_type(self, allow_aggregate: bool = True) -> Type:
        opts: list[tuple[float, Type]] = [(5, FLOAT), (2, vector("float", 2)), (2, vector("float", 3)),
                                          (1.5, vector("float", 4)), (3, INT), (1, vector("int", 2)),
                                          (0.7, vector("int", 3)), (0.5, vector("int", 4)), (2, UINT),
                                          (0.7, vector("uint", 2)), (0.5, vector("uint", 3)), (0.4, vector("uint", 4)),
                                          (1.5, BOOL), (0.5, vector("bool", 2)), (0.3, vector("bool", 3)),
                                          (0.3, vector("bool", 4)), (0.8, matrix(2, 2)), (0.8, matrix(3, 3)),
                                          (0.5, matrix(4, 4)), (0.4, matrix(2, 3)), (0.4, matrix(3, 2)),
                                          (0.3, matrix(4, 3)), (0.3, matrix(3, 4)), (0.2, matrix(2, 4)),
                                          (0.2, matrix(4, 2))]
        if allow_aggregate:
            if self.structs:
                opts.append((1.5, self.pick(self.structs)))
            opts.append((1, self.array_type()))
        return self.weighted(opts)

    def array_type(self) -> Type:
        el = self.weighted([(3, FLOAT), (1, vector("float", 2)), (1, vector("float", 3)), (1.5, INT),
                            (0.5, UINT), (0.5, matrix(2, 2)), (0.3, BOOL)]
                           + ([(1, self.structs[0])] if self.structs else []))
        return array(el, self.int_(2, 4))

    def bucket_f(self, need: float) -> float:
        for b in (2.0, 64.0, 1.0e4, CAP):
            if need <= b:
                return b
        return CAP

    # ---- wrappers --------------------------------------------------------------------------------
    def fit_float(self, v: V, fb: float) -> V:
        """Clamp a float-based value into [-fb, fb] when its interval may leave it."""
        if v.lo >= -fb and v.hi <= fb:
            return v
        t = v.ty
        if t.kind in ("scalar", "vector"):
            lo, hi = max(v.lo, -fb), min(v.hi, fb)
            return replace(v, code=f"clamp({v.code}, {flit(-fb)}, {flit(fb)})", lo=min(lo, hi), hi=max(lo, hi))
        if t.kind == "matrix":
            k = 0
            while v.mag * 2.0**-k > fb:
                k += 1
            s = 2.0**-k
            self.feat("op*")
            return replace(v, code=f"({paren(v.code)} * {flit(s)})", lo=v.lo * s, hi=v.hi * s,
                           err=(v.err[0], v.err[1] * s))
        raise AssertionError(f"cannot fit {t}")

    def fit_int(self, v: V, ib: int | None) -> V:
        base = base_of(v.ty)
        lo, hi = int_bounds(ib, base)
        if v.ilo >= lo and v.ihi <= hi:
            return v
        self.feat("clamp")
        return replace(v, code=f"clamp({v.code}, {ilit(lo, base)}, {ilit(hi, base)})",
                       ilo=max(v.ilo, lo) if v.ilo <= hi else lo, ihi=min(v.ihi, hi) if v.ihi >= lo else hi)

    def cap(self, v: V) -> V:
        if is_float(v.ty) and v.mag > CAP:
            return self.fit_float(v, CAP)
        return v

    def fit(self, v: V, fb: float, ib: int | None) -> V:
        if is_float(v.ty):
            return self.fit_float(v, fb)
        if is_intlike(v.ty):
            return self.fit_int(v, ib)
        return v

    # ---- expressions -----------------------------------------------------------------------------
    def span(self, fn: Callable):
        """Run ``fn`` as one nested Hypothesis draw, so that the shrinker sees its choices as a unit (it can
        then delete a statement or replace a subtree by a leaf in one step)."""
        return self.draw(_span(self, fn))

    def expr(self, t: Type, depth: int, exact: bool = False, fb: float | None = None, ib: int | None = -1) -> V:
        if depth <= 0:
            return self._expr(t, depth, exact, fb, ib)
        return self.span(lambda: self._expr(t, depth, exact, fb, ib))

    def _expr(self, t: Type, depth: int, exact: bool = False, fb: float | None = None, ib: int | None = -1) -> V:
        """An expression of type ``t``; ``exact``: must be bit-exact; ``fb``/``ib``: bounds the value must fit
        (for structs and arrays, whose values cannot be clamped afterwards)."""
        self.nodes += 1
        if self.nodes > 220 * self.size:
            depth = 0
        if t.kind in ("struct", "array"):
            return self.aggregate(t, depth, exact, fb if fb is not None else CAP, None if ib == -1 else ib)
        if depth <= 0 or not self.chance(0.72 if depth > 1 else 0.55):
            v = self.leaf(t, exact)
        elif t.base == "float" and t.kind != "matrix":
            v = self.float_expr(t, depth, exact)
        elif t.kind == "matrix":
            v = self.matrix_expr(t, depth, exact)
        elif t.base in ("int", "uint"):
            v = self.int_expr(t, depth)
        else:
            v = self.bool_expr(t, depth)
        assert v.ty == t, f"{t}: {v}"
        if exact and not v.exact:  # e.g. an operation that Mesa may reassociate: read an exact leaf instead
            v = self.leaf(t, True)
        return self.cap(v)

    # leaves ---------------------------------------------------------------------------------------
    def leaf(self, t: Type, exact: bool) -> V:
        cands = self.var_sources(t, exact)
        inputs = self.inputs(t)
        opts: list[tuple[float, Callable[[], V]]] = []
        if cands:
            opts.append((6, lambda: self.pick(cands)()))
        if inputs:
            opts.append((2, lambda: self.pick(inputs)()))
        opts.append((2 if (cands or inputs) else 1, lambda: self.literal(t)))
        return self.weighted(opts)()

    def vary(self, v: V) -> V:
        """``v`` made non-constant (and changed a little): floats plus a fraction of a pixel coordinate, ints
        with the low bit of one flipped by the pixel's."""
        if v.ty.base == "float":
            return self.arith_values("+", v, self.leaf_input(), v.ty)
        base = v.ty.base
        u = "u" if base == "uint" else ""
        self.feat("gl_FragCoord")
        code = f"({paren(v.code)} ^ ({base}(gl_FragCoord.x) & 1{u}))"
        if base == "uint":
            return replace(v, code=code, ilo=0, ihi=UINT_MAX, const=False)
        lo, hi = (v.ilo - 1, v.ihi + 1) if v.ilo > INT_MIN and v.ihi < INT_MAX else (INT_MIN, INT_MAX)
        return replace(v, code=code, ilo=lo, ihi=hi, const=False)

    def leaf_input(self) -> V:
        """A varying float in [0, 1] (never a compile-time constant)."""
        self.feat("gl_FragCoord")
        return V(f"(gl_FragCoord.{self.pick('xy')} / 64.0)", FLOAT, 0.0, 1.0)

    def inputs(self, t: Type) -> list[Callable[[], V]]:
        """Shader inputs readable anywhere (functions get them through the back end's global lowering)."""
        out: list[Callable[[], V]] = []
        if t.base == "float" and t.kind in ("scalar", "vector") and t.size <= 2:
            n = t.size if t.kind == "vector" else 1
            def frag(n=n, t=t):
                self.feat("gl_FragCoord")
                sw = "".join(self.pick("xy") for _ in range(n))
                return V(f"gl_FragCoord.{sw}", t, 0.0, 64.0)
            out.append(frag)
            def res(n=n, t=t):
                self.feat("uniform")
                sw = "".join(self.pick("xy") for _ in range(n))
                return V(f"iResolution.{sw}", t, 1.0, 64.0)
            out.append(res)
            if n == 1:
                out.append(lambda: V("iTime", FLOAT, 0.0, 8.0))
        return out

    def var_sources(self, t: Type, exact: bool) -> list[Callable[[], V]]:
        """Ways to read a value of type ``t`` from visible variables: whole, swizzled, indexed, members."""
        out: list[Callable[[], V]] = []
        for var in self.visible():
            if exact and var.err != EXACT:
                continue
            vt = var.ty
            if vt == t:
                out.append(lambda var=var: var.value())
            if vt.kind == "vector" and t.kind in ("scalar", "vector") and t.base == vt.base:
                n = 1 if t.kind == "scalar" else t.size
                def swz(var=var, n=n):
                    self.feat("swizzle")
                    names = self.pick(SWZ_SETS) if self.chance(0.15) else SWZ
                    s = "".join(names[self.int_(0, var.ty.size - 1)] for _ in range(n))
                    return var.value(f"{var.name}.{s}", t)
                out.append(swz)
                if t.kind == "scalar":
                    out.append(lambda var=var: self.index_read(var.value(), t))
            if vt.kind == "matrix" and ((t.kind == "vector" and t.size == vt.rows and t.base == "float")
                                         or t == FLOAT):
                out.append(lambda var=var: self.index_read(var.value(), t))
            if vt.kind == "struct":
                for fname, ftype in vt.fields:
                    if ftype == t:
                        out.append(lambda var=var, fname=fname: self.member_read(var.value(), fname))
            if vt.kind == "array" and vt.element == t:
                out.append(lambda var=var: self.index_read(var.value(), t))
        return out

    def literal(self, t: Type) -> V:
        self.feat("literal")
        if t.kind == "scalar":
            if t.base == "float":
                v = self.pick([0.5, 1.0, 2.0, 0.25, -1.0, 3.0, -0.5, 1.5, 0.1, 0.7, 10.0, -2.5, 0.125, 3.14159,
                               100.0, 0.001, 43758.5453, 12.9898, -7.25, 0.0])
                return V(flit(v), t, v, v, const=True)
            if t.base == "int":
                v = self.pick([1, 2, 3, 0, -1, 7, 5, -3, 16, 255, 1000, -100, 65535, 123456789, INT_MAX, INT_MIN])
                return V(ilit(v, "int"), t, ilo=v, ihi=v, const=True)
            if t.base == "uint":
                v = self.pick([1, 2, 3, 0, 7, 255, 65535, 2654435761, UINT_MAX, 2**31, 40503])
                return V(ilit(v, "uint"), t, ilo=v, ihi=v, const=True)
            b = self.pick(["true", "false"])
            return V(b, t, const=True)
        if t.kind == "vector":
            parts = [self.literal(vector(t.base, 1)) for _ in range(1 if self.chance(0.3) else t.size)]
            return self.combine(f"{t}({', '.join(p.code for p in parts)})", t, parts)
        if t.kind == "matrix":
            d = self.literal(FLOAT)
            self.feat(f"ctor:{t}")
            if t == MAT4X2:  # not mat4x2(d): Mesa folds that wrongly (see mat_ctor)
                return V(f"{t}({d.code}, 0.0, 0.0, {d.code}, 0.0, 0.0, 0.0, 0.0)", t, min(d.lo, 0.0),
                         max(d.hi, 0.0), const=True)
            return V(f"{t}({d.code})", t, min(d.lo, 0.0), max(d.hi, 0.0), const=True)
        raise AssertionError(t)

    def combine(self, code: str, t: Type, parts: Sequence[V], err: Err | None = None) -> V:
        """A value whose components are those of ``parts`` (constructors, selections)."""
        fl = [p for p in parts if has_float(p.ty)]
        il = [p for p in parts if p.ty.base in ("int", "uint") or base_of(p.ty) in ("int", "uint")]
        lo = min((p.lo for p in fl), default=0.0)
        hi = max((p.hi for p in fl), default=0.0)
        ilo = min((p.ilo for p in il), default=0)
        ihi = max((p.ihi for p in il), default=0)
        e = err if err is not None else err_max(*(p.err for p in parts))
        top = "".join(sorted({c for p in parts for c in p.top}))
        return V(code, t, lo, hi, ilo, ihi, e, all(p.const for p in parts), top)

    def index_read(self, v: V, t: Type) -> V:
        """``v[i]`` for a vector, matrix or array value: a constant index or a clamped dynamic one."""
        vt = v.ty
        n = vt.length if vt.kind == "array" else (vt.cols if vt.kind == "matrix" else vt.size)
        assert n is not None
        if vt.kind == "matrix" and t == FLOAT:
            inner = replace(self.index_read(v, vt.column), ty=vt.column)
            return self.index_read(inner, FLOAT)
        code = paren(v.code)
        if self.chance(0.3):
            self.feat("index-dynamic")
            i = self.expr(INT, 1)
            form = self.pick(["clamp", "and", "mod"])
            if form == "clamp" or n & (n - 1):
                idx = f"clamp({i.code}, 0, {n - 1})"
            elif form == "and":
                idx = f"({paren(i.code)} & {n - 1})"
            else:
                idx = f"(({paren(i.code)} & 0x7fffffff) % {n})"
        else:
            self.feat("index")
            idx = str(self.int_(0, n - 1))
        return replace(v, code=f"{code}[{idx}]", ty=t)

    def member_read(self, v: V, fname: str) -> V:
        self.feat("struct-member")
        ft = dict(v.ty.fields)[fname]
        return replace(v, code=f"{paren(v.code)}.{fname}", ty=ft)

    def pure_funcs(self, t: Type, exact: bool = False) -> list:
        """The generated functions without effects that return ``t`` (only exact ones when ``exact``)."""
        return [f for f in self.funcs if f.pure and f.ret == t and (not exact or f.ret_err == EXACT)]

    # floats ---------------------------------------------------------------------------------------
    def float_expr(self, t: Type, depth: int, exact: bool) -> V:
        d = depth - 1
        sigs = PURE_BY_RET.get(t, [])
        if not self.ctx.uniform:
            sigs = [s for s in sigs if s.name not in DERIVATIVES]
        fns = self.pure_funcs(t, exact)
        opts: list[tuple[float, Callable[[], V]]] = [
            (4, lambda: self.arith(t, d, exact)),
            (8 if sigs else 0, lambda: self.builtin(self.pick_sig(sigs), d, exact)),
            (1, lambda: self.unary_minus(t, d, exact)),
            (1.5, lambda: self.float_ctor(t, d, exact)),
            (1, lambda: self.swizzle_of(t, d, exact)),
            (0.7, lambda: self.ternary(t, d, exact)),
            (0.8 if t.kind == "vector" else 0.0, lambda: self.mat_vec(t, d, exact)),
            (0.6 if t == FLOAT else 0.0, lambda: self.index_read(self.expr(self.pick(
                [vector("float", 2), vector("float", 3), vector("float", 4), matrix(2, 2)]), d, exact), FLOAT)),
            (2.5 if fns else 0.0, lambda: self.call_user(self.pick(fns), d)),
            (0.5 if self.structs else 0.0, lambda: self.member_of(t, d, exact)),
        ]
        return self.weighted(opts)()

    def nonuniform(self, fn: Callable):
        """Run ``fn`` as code that not every pixel runs (a ``?:`` operand, the right side of ``&&``): no
        derivatives there, they are undefined in non-uniform control flow."""
        saved = self.ctx.uniform
        self.ctx.uniform = False
        try:
            return fn()
        finally:
            self.ctx.uniform = saved

    def unary_minus(self, t: Type, d: int, exact: bool) -> V:
        self.feat("neg")
        a = self.expr(t, d, exact)
        if t.kind == "matrix" or t.base == "float":
            return replace(a, code=f"(-{paren(a.code)})", lo=-a.hi, hi=-a.lo)
        raise AssertionError

    def arith(self, t: Type, d: int, exact: bool) -> V:
        op = self.weighted([(3, "+"), (3, "*"), (2, "-"), (1.5, "/")])
        self.feat("op" + op)
        st = FLOAT
        shapes = [(t, t)] if t.kind == "scalar" else [(t, t), (t, st), (st, t)]
        ta, tb = self.pick(shapes)
        a = self.expr(ta, d, exact)
        b = self.expr(tb, d, exact)
        if op == "/":
            b = self.nonzero(b)
            return self.divide(a, b, t)
        return self.arith_values(op, a, b, t)

    def arith_values(self, op: str, a: V, b: V, t: Type) -> V:
        code = f"({paren(a.code)} {op} {paren(b.code)})"
        kind = "*" if op == "*" else "+"
        if op == "+":
            lo, hi = a.lo + b.lo, a.hi + b.hi
            err = self.err_add(a, b)
        elif op == "-":
            lo, hi = a.lo - b.hi, a.hi - b.lo
            err = self.err_add(a, replace(b, lo=-b.hi, hi=-b.lo))
        else:
            lo, hi = ival_mul((a.lo, a.hi), (b.lo, b.hi))
            err = self.err_mul(a, b)
        lo, hi = widen(lo, hi)
        # Mesa reassociates c1 op (x op c2) into (c1 op c2) op x, and c op (x op y) into (c op x) op y (NIR's
        # inexact algebraic rules, which gather constants; GLSL arithmetic is not 'precise'): the result may then
        # differ in the last bit
        if (a.const and kind in b.top) or (b.const and kind in a.top):
            self.feat("reassociation")
            err = err_max(err, (2 * EPS, 2 * EPS * (a.mag + b.mag)))
        return V(code, t, lo, hi, err=err, const=a.const and b.const, top=kind)

    @staticmethod
    def err_add(a: V, b: V) -> Err:
        if a.exact and b.exact:
            return EXACT
        if (a.lo >= 0 and b.lo >= 0) or (a.hi <= 0 and b.hi <= 0):  # same sign: relative errors stay relative
            return (max(a.err[0], b.err[0]) * 1.01 + EPS, a.err[1] + b.err[1])
        return (EPS, a.err[0] * a.mag + a.err[1] + b.err[0] * b.mag + b.err[1])

    @staticmethod
    def err_mul(a: V, b: V) -> Err:
        if a.exact and b.exact:
            return EXACT
        return (a.err[0] + b.err[0] + a.err[0] * b.err[0] + EPS, a.err[1] * b.mag + b.err[1] * a.mag
                + a.err[1] * b.err[1])

    def nonzero(self, b: V, margin: float = 0.125) -> V:
        """A divisor that stays at least ``margin`` away from zero."""
        if b.lo >= margin or b.hi <= -margin:
            return b
        neg = self.chance(0.3)
        code = f"(abs({b.code}) + {flit(margin)})"
        lo, hi = margin, max(abs(b.lo), abs(b.hi)) + margin
        if neg:
            return replace(b, code=f"(-{code})", lo=-hi, hi=-lo)
        return replace(b, code=code, lo=lo, hi=hi)

    def divide(self, a: V, b: V, t: Type) -> V:
        m = min(abs(b.lo), abs(b.hi))
        bound = a.mag / m
        err = EXACT
        if not (a.exact and b.exact):
            err = (a.err[0] + b.err[0] * 1.01 + 2 * EPS, a.err[1] / m)
        return V(f"({paren(a.code)} / {paren(b.code)})", t, -bound, bound, err=err, const=a.const and b.const)

    def float_ctor(self, t: Type, d: int, exact: bool) -> V:
        n = 1 if t.kind == "scalar" else t.size
        form = self.weighted([(3, "parts"), (1, "splat"), (2.5, "convert"), (0.7, "shrink"),
                              (0.3 if n == 4 else 0.0, "from_mat")])
        if form == "from_mat":
            m = self.expr(matrix(2, 2), d, exact)
            self.feat("ctor:vec-from-mat")
            return replace(m, code=f"{t}({m.code})", ty=t)
        if form == "splat" and n > 1:
            s = self.expr(FLOAT, d, exact)
            self.feat("ctor:splat")
            return replace(s, code=f"{t}({s.code})", ty=t)
        if form == "convert":
            src = self.pick(["int", "uint", "bool"])
            a = self.expr(vector(src, n), d)
            self.feat(f"convert:{src}->float")
            if src == "bool":
                return V(f"{t}({a.code})", t, 0.0, 1.0, const=a.const)
            return V(f"{t}({a.code})", t, float(a.ilo), float(a.ihi), const=a.const)
        if form == "shrink" and n < 4:
            bigger = vector("float", self.int_(n + 1, 4)) if n < 4 else t
            a = self.expr(bigger, d, exact)
            self.feat("ctor:shrink")
            return replace(a, code=f"{t}({a.code})", ty=t)
        if n == 1:
            a = self.expr(FLOAT, d, exact)
            return replace(a, code=f"float({a.code})")
        parts: list[V] = []
        left = n
        while left > 0:
            k = self.int_(1, min(left, 3))
            parts.append(self.expr(vector("float", k) if k > 1 else FLOAT, max(d - 1, 0), exact))
            left -= k
        self.feat(f"ctor:{t}")
        return self.combine(f"{t}({', '.join(p.code for p in parts)})", t, parts)

    def swizzle_of(self, t: Type, d: int, exact: bool) -> V:
        n = 1 if t.kind == "scalar" else t.size
        src = vector(t.base, self.int_(2, 4))
        a = self.expr(src, d, exact)
        names = self.pick(SWZ_SETS) if self.chance(0.15) else SWZ
        s = "".join(names[self.int_(0, src.size - 1)] for _ in range(n))
        self.feat("swizzle")
        return replace(a, code=f"{paren(a.code)}.{s}", ty=t)

    def ternary(self, t: Type, d: int, exact: bool) -> V:
        self.feat("ternary")
        c = self.expr(BOOL, max(d - 1, 0))
        a, b = self.nonuniform(lambda: (self.expr(t, d, exact), self.expr(t, d, exact)))
        return self.combine(f"({paren(c.code)} ? {paren(a.code)} : {paren(b.code)})", t, [a, b])

    def mat_vec(self, t: Type, d: int, exact: bool) -> V:
        n = t.size
        k = self.int_(2, 4)
        if self.chance(0.5):  # m * v: matKxN * vecK
            m = self.expr(matrix(k, n), d, exact)
            v = self.expr(vector("float", k), d, exact)
            self.feat("op:mat*vec")
            code = f"({paren(m.code)} * {paren(v.code)})"
        else:  # v * m: vecK * matNxK
            v = self.expr(vector("float", k), d, exact)
            m = self.expr(matrix(n, k), d, exact)
            self.feat("op:vec*mat")
            code = f"({paren(v.code)} * {paren(m.code)})"
        bound = k * m.mag * v.mag
        # always a bound: the products are dot products, which Mesa may reassociate (see COMPOSITE)
        err = (4 * EPS, k * (err_abs(m.err, m.mag)[1] * v.mag + err_abs(v.err, v.mag)[1] * m.mag) + 8 * k * EPS * bound)
        return V(code, t, -bound, bound, err=err, const=m.const and v.const)

    def member_of(self, t: Type, d: int, exact: bool) -> V:
        cands = [s for s in self.structs if any(ft == t for _, ft in s.fields)]
        if not cands:
            return self.leaf(t, exact)
        s = self.pick(cands)
        a = self.expr(s, d, exact)
        fname = self.pick([n for n, ft in s.fields if ft == t])
        return self.member_read(a, fname)

    # matrices -------------------------------------------------------------------------------------
    def matrix_expr(self, t: Type, d: int, exact: bool) -> V:
        sigs = PURE_BY_RET.get(t, [])
        fns = self.pure_funcs(t, exact)
        opts: list[tuple[float, Callable[[], V]]] = [
            (3, lambda: self.mat_arith(t, d, exact)),
            (3 if sigs else 0, lambda: self.builtin(self.pick_sig(sigs), d, exact)),
            (2, lambda: self.mat_ctor(t, d, exact)),
            (0.5, lambda: self.unary_minus(t, d, exact)),
            (0.5, lambda: self.ternary(t, d, exact)),
            (1 if fns else 0, lambda: self.call_user(self.pick(fns), d)),
        ]
        return self.weighted(opts)()

    def mat_arith(self, t: Type, d: int, exact: bool) -> V:
        form = self.weighted([(2, "mm"), (2, "+"), (1, "-"), (2, "ms"), (1, "sm"), (0.7, "/")])
        if form == "mm":
            k = self.int_(2, 4)
            a = self.expr(matrix(k, t.rows), d, exact)
            b = self.expr(matrix(t.cols, k), d, exact)
            self.feat("op:mat*mat")
            bound = k * a.mag * b.mag
            err = (4 * EPS, k * (err_abs(a.err, a.mag)[1] * b.mag + err_abs(b.err, b.mag)[1] * a.mag)
                   + 8 * k * EPS * bound)
            return V(f"({paren(a.code)} * {paren(b.code)})", t, -bound, bound, err=err, const=a.const and b.const)
        if form in ("+", "-"):
            return self.arith_values(form, self.expr(t, d, exact), self.expr(t, d, exact), t)
        if form == "ms":
            return self.arith_values("*", self.expr(t, d, exact), self.expr(FLOAT, d, exact), t)
        if form == "sm":
            return self.arith_values("*", self.expr(FLOAT, d, exact), self.expr(t, d, exact), t)
        a = self.expr(t, d, exact)
        b = self.nonzero(self.expr(FLOAT, d, exact))
        self.feat("op/")
        return self.divide(a, b, t)

    def mat_ctor(self, t: Type, d: int, exact: bool) -> V:
        form = self.weighted([(2, "diag"), (2, "columns"), (1.5, "scalars"), (1.5, "from_mat")])
        self.feat(f"ctor:{t}:{form}")
        # Mesa folds constant mat4x2(s) and constant matrix-from-matrix constructors wrongly
        # (conformance/cases/mesa_folds_matrix_constructors_wrongly.frag): give those a varying argument
        if form == "diag":
            s = self.expr(FLOAT, d, exact)
            if t == MAT4X2 and self.is_cexpr(s.code):
                s = self.arith_values("+", s, self.leaf_input(), FLOAT)
            return V(f"{t}({s.code})", t, min(s.lo, 0.0), max(s.hi, 0.0), err=s.err, const=s.const)
        if form == "from_mat":
            src = self.pick(MAT_TYPES)
            m = self.expr(src, d, exact)
            if self.is_cexpr(m.code):
                m = self.arith_values("*", m, self.leaf_input(), src)
            return V(f"{t}({m.code})", t, min(m.lo, 0.0), max(m.hi, 1.0), err=m.err, const=m.const)
        if form == "columns":
            cols = [self.expr(t.column, max(d - 1, 0), exact) for _ in range(t.cols)]
            return self.combine(f"{t}({', '.join(c.code for c in cols)})", t, cols)
        n = t.cols * t.rows
        parts: list[V] = []
        left = n
        while left > 0:
            k = self.int_(1, min(left, 4))
            parts.append(self.expr(vector("float", k) if k > 1 else FLOAT, max(d - 2, 0), exact))
            left -= k
        return self.combine(f"{t}({', '.join(p.code for p in parts)})", t, parts)

    # ints -----------------------------------------------------------------------------------------
    def int_expr(self, t: Type, d: int) -> V:
        sigs = PURE_BY_RET.get(t, [])
        fns = self.pure_funcs(t)
        opts: list[tuple[float, Callable[[], V]]] = [
            (4, lambda: self.int_arith(t, d)),
            (3, lambda: self.int_bits(t, d)),
            (3 if sigs else 0, lambda: self.builtin(self.pick_sig(sigs), d, True)),
            (1, lambda: self.int_unary(t, d)),
            (2, lambda: self.int_ctor(t, d)),
            (0.7 if t.kind == "vector" or True else 0, lambda: self.swizzle_of(t, d, True)),
            (0.5, lambda: self.ternary(t, d, True)),
            (1 if fns else 0, lambda: self.call_user(self.pick(fns), d)),
            (0.3 if self.structs else 0, lambda: self.member_of(t, d, True)),
        ]
        return self.weighted(opts)()

    def int_unary(self, t: Type, d: int) -> V:
        a = self.expr(t, d)
        op = self.pick(["-", "~"])
        self.feat("int" + op)
        base = t.base
        if op == "-":
            lo, hi = ifit(-a.ihi, -a.ilo, base) if base == "int" else (0, UINT_MAX)
        else:
            lo, hi = ifit(-a.ihi - 1, -a.ilo - 1, base) if base == "int" else (UINT_MAX - a.ihi, UINT_MAX - a.ilo)
        return V(f"({op}{paren(a.code)})", t, ilo=lo, ihi=hi, const=a.const)

    def int_operands(self, t: Type, d: int) -> tuple[V, V]:
        st = vector(t.base, 1)
        shapes = [(t, t)] if t.kind == "scalar" else [(t, t), (t, st), (st, t)]
        ta, tb = self.pick(shapes)
        return self.expr(ta, d), self.expr(tb, d)

    def int_arith(self, t: Type, d: int) -> V:
        op = self.weighted([(3, "+"), (2, "-"), (3, "*"), (1.5, "/"), (1, "%")])
        self.feat("int" + op)
        a, b = self.int_operands(t, d)
        base = t.base
        u = "u" if base == "uint" else ""
        if op in "/%":
            # divisor in 1..8 (zero is undefined); % with a negative operand is undefined
            if not (b.ilo >= 1):
                b = replace(b, code=f"(({paren(b.code)} & 7{u}) + 1{u})", ilo=1, ihi=8)
            if op == "%" and base == "int" and a.ilo < 0:
                a = replace(a, code=f"({paren(a.code)} & 0x7fffffff)", ilo=0, ihi=INT_MAX if a.ilo < 0 else a.ihi)
            if op == "/":
                lo, hi = (min(a.ilo, 0), max(a.ihi, 0)) if base == "int" else (0, a.ihi)
            else:
                lo, hi = 0, b.ihi - 1
        elif op == "+":
            lo, hi = ifit(a.ilo + b.ilo, a.ihi + b.ihi, base)
        elif op == "-":
            lo, hi = ifit(a.ilo - b.ihi, a.ihi - b.ilo, base)
        else:
            ps = [a.ilo * b.ilo, a.ilo * b.ihi, a.ihi * b.ilo, a.ihi * b.ihi]
            lo, hi = ifit(min(ps), max(ps), base)
        return V(f"({paren(a.code)} {op} {paren(b.code)})", t, ilo=lo, ihi=hi, const=a.const and b.const)

    def int_bits(self, t: Type, d: int) -> V:
        op = self.weighted([(2, "&"), (2, "|"), (2, "^"), (2, "<<"), (2, ">>")])
        self.feat("int" + op)
        base = t.base
        full = int_bounds(None, base)
        if op in ("<<", ">>"):
            a = self.expr(t, d)
            sb = self.pick(["int", "uint"])  # GLSL 4.50 allows mixed signedness for shifts
            st = vector(sb, t.size) if (t.kind == "vector" and self.chance(0.5)) else vector(sb, 1)
            s = self.expr(st, d)
            if s.ilo < 0 or s.ihi > 31:
                s = replace(s, code=f"({paren(s.code)} & {ilit(31, sb)})", ilo=0, ihi=31)
            if s.const and "s" in a.top:
                # Taichi merges (x >> c1) >> c2 into x >> (c1 + c2), poison from 32 on
                # (conformance/cases/taichi_merges_constant_shifts.frag): do not chain constant shifts
                return self.int_arith(t, d)
            if op == ">>" and a.ilo >= 0:
                lo, hi = 0, a.ihi
            elif op == ">>":
                lo, hi = min(a.ilo, 0), max(a.ihi, 0)
            else:
                lo, hi = ifit(min(a.ilo << s.ihi, 0) if a.ilo < 0 else 0,
                              max(a.ihi << s.ihi, 0), base)
            return V(f"({paren(a.code)} {op} {paren(s.code)})", t, ilo=lo, ihi=hi, const=a.const and s.const,
                     top="s" if s.const else "")
        a, b = self.int_operands(t, d)
        if op == "&" and a.ilo >= 0 and b.ilo >= 0:
            lo, hi = 0, min(a.ihi, b.ihi)
        elif a.ilo >= 0 and b.ilo >= 0:
            top = 1
            while top <= max(a.ihi, b.ihi):
                top <<= 1
            lo, hi = 0, top - 1
        else:
            lo, hi = full
        return V(f"({paren(a.code)} {op} {paren(b.code)})", t, ilo=lo, ihi=hi, const=a.const and b.const)

    def int_ctor(self, t: Type, d: int) -> V:
        n = 1 if t.kind == "scalar" else t.size
        base = t.base
        src = self.weighted([(3, "float"), (2, "int" if base == "uint" else "uint"), (1, "bool"), (1, "parts")])
        if src == "parts" and n > 1:
            parts = []
            left = n
            while left > 0:
                k = self.int_(1, min(left, 2))
                parts.append(self.expr(vector(base, k), max(d - 1, 0)))
                left -= k
            self.feat(f"ctor:{t}")
            return self.combine(f"{t}({', '.join(p.code for p in parts)})", t, parts)
        if src == "parts":
            src = "float"
        st = vector(src, n)
        self.feat(f"convert:{src}->{base}")
        if src == "float":
            a = self.expr(st, d, exact=True)
            lo, hi = (-2.0e9, 2.0e9) if base == "int" else (0.0, 4.0e9)
            if a.lo < lo or a.hi > hi:
                a = replace(a, code=f"clamp({a.code}, {flit(lo)}, {flit(hi)})", lo=max(a.lo, lo), hi=min(a.hi, hi))
            return V(f"{t}({a.code})", t, ilo=int(math.floor(a.lo)) - 1 if base == "int" else 0,
                     ihi=int(math.ceil(a.hi)) + 1, const=a.const)
        if src == "bool":
            a = self.expr(st, d)
            return V(f"{t}({a.code})", t, ilo=0, ihi=1, const=a.const)
        a = self.expr(st, d)
        lo, hi = ifit(a.ilo, a.ihi, base)
        return V(f"{t}({a.code})", t, ilo=lo, ihi=hi, const=a.const)

    # bools ----------------------------------------------------------------------------------------
    def bool_expr(self, t: Type, d: int) -> V:
        sigs = PURE_BY_RET.get(t, [])
        fns = self.pure_funcs(t)
        scalar = t.kind == "scalar"
        opts: list[tuple[float, Callable[[], V]]] = [
            (4 if scalar else 0, lambda: self.compare(d)),
            (2 if scalar else 0, lambda: self.logic(d)),
            (1.5 if scalar else 0, lambda: self.equality(d)),
            (3 if sigs else 0, lambda: self.builtin(self.pick_sig(sigs), d, True)),
            (0.7 if scalar else 0, lambda: self.not_(d)),
            (1, lambda: self.bool_ctor(t, d)),
            (0.5, lambda: self.swizzle_of(t, d, True)),
            (0.4, lambda: self.ternary(t, d, True)),
            (0.7 if fns else 0, lambda: self.call_user(self.pick(fns), d)),
        ]
        return self.weighted(opts)()

    def compare(self, d: int) -> V:
        st = self.pick([FLOAT, INT, UINT])
        op = self.pick(["<", "<=", ">", ">=", "==", "!="])
        self.feat("cmp" + op)
        a = self.expr(st, d, True)
        b = self.expr(st, d, True)
        return V(f"({paren(a.code)} {op} {paren(b.code)})", BOOL, const=a.const and b.const)

    def equality(self, d: int) -> V:
        t = self.value_type(allow_aggregate=True)
        op = self.pick(["==", "!="])
        self.feat(f"eq:{t.kind}")
        a = self.expr(t, d, True)
        b = self.expr(t, d, True) if self.chance(0.7) else a
        return V(f"({paren(a.code)} {op} {paren(b.code)})", BOOL, const=a.const and b.const)

    def logic(self, d: int) -> V:
        op = self.pick(["&&", "||", "^^"])
        self.feat("logic" + op)
        a = self.expr(BOOL, d)
        b = self.nonuniform(lambda: self.expr(BOOL, d)) if op != "^^" else self.expr(BOOL, d)
        return V(f"({paren(a.code)} {op} {paren(b.code)})", BOOL, const=a.const and b.const)

    def not_(self, d: int) -> V:
        a = self.expr(BOOL, d)
        self.feat("!")
        return V(f"(!{paren(a.code)})", BOOL, const=a.const)

    def bool_ctor(self, t: Type, d: int) -> V:
        n = 1 if t.kind == "scalar" else t.size
        src = self.pick(["float", "int", "uint"])
        self.feat(f"convert:{src}->bool")
        a = self.expr(vector(src, n), d, True)
        return V(f"{t}({a.code})", t, const=a.const)

    # aggregates -----------------------------------------------------------------------------------
    def aggregate(self, t: Type, depth: int, exact: bool, fb: float, ib: int | None) -> V:
        """A struct or array value whose components fit [-fb, fb] (floats) and ``ib`` (ints)."""
        def fits(var_fb: float, var_ib: int | None) -> bool:
            return var_fb <= fb and (ib is None or (var_ib is not None and var_ib <= ib))
        cands = [v for v in self.visible() if v.ty == t and fits(v.fb, v.ib) and (not exact or v.err == EXACT)]
        fns = [f for f in self.funcs if f.pure and f.ret == t and fits(f.ret_fb, f.ret_ib)
               and (not exact or f.ret_err == EXACT)]
        opts: list[tuple[float, Callable[[], V]]] = [
            (3 if cands else 0, lambda: self.pick(cands).value()),
            (3, lambda: self.agg_ctor(t, depth, exact, fb, ib)),
            (0.7 if depth > 0 and t.kind == "struct" else 0,
             lambda: self.ternary_agg(t, depth, exact, fb, ib)),
            (1 if fns and depth > 0 else 0, lambda: self.call_user(self.pick(fns), depth - 1)),
        ]
        return self.weighted(opts)()

    def ternary_agg(self, t: Type, depth: int, exact: bool, fb: float, ib: int | None) -> V:
        self.feat("ternary")
        c = self.expr(BOOL, max(depth - 2, 0))
        a, b = self.nonuniform(lambda: (self.aggregate(t, depth - 1, exact, fb, ib),
                                        self.aggregate(t, depth - 1, exact, fb, ib)))
        return self.combine(f"({paren(c.code)} ? {paren(a.code)} : {paren(b.code)})", t, [a, b])

    def agg_ctor(self, t: Type, depth: int, exact: bool, fb: float, ib: int | None) -> V:
        if t.kind == "struct":
            self.feat("ctor:struct")
            parts = [self.fit(self.expr(ft, depth - 1, exact, fb, ib), fb, ib) for _, ft in t.fields]
            return self.combine(f"{t.base}({', '.join(p.code for p in parts)})", t, parts)
        assert t.element is not None and t.length is not None
        self.feat("ctor:array")
        parts = [self.fit(self.expr(t.element, depth - 1, exact, fb, ib), fb, ib) for _ in range(t.length)]
        sized = f"{t.element}[{t.length}]" if self.chance(0.7) else f"{t.element}[]"
        return self.combine(f"{sized}({', '.join(p.code for p in parts)})", t, parts)

    # built-ins ------------------------------------------------------------------------------------
    def builtin(self, sig: Signature, d: int, exact: bool) -> V:
        """A call of one overload, its arguments wrapped into the function's domain."""
        name = sig.name
        self.feat(name)
        rule = RULES[name]
        args = rule.args(self, sig, d, exact)
        v = replace(rule.result(self, sig, args), code=f"{name}({', '.join(a.code for a in args)})", ty=sig.ret)
        const = all(a.const for a in args)
        if const and name not in FOLDS_EXACTLY and is_float(v.ty):
            # Mesa folds calls with constant arguments at compile time (in double precision)
            v = replace(v, err=err_max(v.err, spec_error(name, args, v)))
        elif name in INEXACT and is_float(v.ty):
            v = replace(v, err=err_max(v.err, spec_error(name, args, v)))
        if name in COMPOSITE and is_float(v.ty):
            inner = max([v.mag] + [a.mag * a.mag * 4 for a in args if has_float(a.ty)])
            v = replace(v, err=err_max(v.err, (8 * EPS, 16 * EPS * inner)))
        v = replace(v, const=const and name not in DERIVATIVES and not name.startswith("noise"))
        if exact and not v.exact:  # the caller needs an exact value: try an exact call instead
            return self.leaf(sig.ret, True)
        return v

    def arg(self, t: Type, d: int, exact: bool) -> V:
        return self.expr(t, d, exact)

    # user functions -------------------------------------------------------------------------------
    def call_user(self, f: FuncInfo, d: int) -> V:
        self.feat("call")
        args = []
        for q, pt, pfb, pib, perr in f.params:
            assert q == "in"
            a = self.expr(pt, max(d - 1, 0), perr == EXACT, pfb, pib)
            args.append(self.fit(a, pfb, pib))
        ilo, ihi = int_bounds(f.ret_ib, base_of(f.ret))
        return V(f"{f.name}({', '.join(a.code for a in args)})", f.ret, -f.ret_fb, f.ret_fb, ilo, ihi, f.ret_err,
                 const=all(a.const for a in args), top="+*s")

    # ---- statements ------------------------------------------------------------------------------
    def block(self, n_max: int, depth: int) -> None:
        self.ctx.scopes.append({})
        n = self.int_(0, n_max)
        for _ in range(n):
            self.statement(depth)
        self.ctx.scopes.pop()

    def statement(self, depth: int) -> None:
        self.span(lambda: self._statement(depth))

    def _statement(self, depth: int) -> None:
        if self.nodes > 220 * self.size:
            depth = 0
        in_loop = self.ctx.loops > 0
        opts: list[tuple[float, Callable[[], None]]] = [
            (4, self.st_declare),
            (4, self.st_assign),
            (1.5, self.st_compound),
            (1.2 if depth > 0 else 0, lambda: self.st_if(depth)),
            (1.0 if depth > 0 else 0, lambda: self.st_for(depth)),
            (0.5 if depth > 0 else 0, lambda: self.st_while(depth)),
            (0.6 if depth > 0 else 0, lambda: self.st_switch(depth)),
            (1.0 if OUT_SIGS else 0, self.st_out_builtin),
            (3 if self.funcs else 0, self.st_call),
            (0.8 if in_loop or self.ctx.switches else 0, self.st_jump),
            (0.6 if self.ctx.func is not None and self.ctx.func.ret.kind != "void" else 0, self.st_early_return),
            (0.4 if depth > 0 else 0, lambda: self.st_block(depth)),
        ]
        self.weighted(opts)()

    def new_var(self, t: Type, v: V | None = None, name: str | None = None) -> Var:
        fb = self.bucket_f(v.mag) if (v is not None and has_float(t)) else self.pick([2.0, 64.0, 1.0e4, CAP])
        ib: int | None
        if v is not None and (is_intlike(t) or base_of(t) in ("int", "uint")):
            ib = None if max(abs(v.ilo), abs(v.ihi)) > 4096 else 4096
        else:
            ib = self.pick([None, 4096])
        err = EXACT if (v is None or v.exact) else (1e-4, 1e-4)
        return Var(name or self.fresh("v"), t, fb, ib, err)

    def st_declare(self) -> None:
        t = self.value_type()
        exact = self.chance(0.6)
        depth = self.int_(1, 3)
        v = self.expr(t, depth, exact)
        var = self.new_var(t, v, name=self.shadow_name(t))
        if var.err != EXACT and not self.err_ok(v.err, var.err):
            var.err = EXACT
            v = self.expr(t, depth, True)
            var = self.new_var(t, v, name=var.name)
        var.const = v.const
        var.top = v.top
        v = self.fit(v, var.fb, var.ib)
        if v.ty.kind in ("struct", "array"):
            var.fb, var.ib = max(var.fb, self.bucket_f(v.mag)), None
        self.feat("decl")
        const = self.chance(0.1) and self.is_cexpr(v.code)
        if const:
            self.feat("const-decl")
            var.writable = False
        self.emit(f"{'const ' if const else ''}{decl(t, var.name)} = {v.code};")
        self.declare(var)

    def shadow_name(self, t: Type) -> str | None:
        """Sometimes reuse the name of an outer local (shadowing in an inner scope)."""
        if len(self.ctx.scopes) > 1 and self.chance(0.15):
            outer = [n for s in self.ctx.scopes[:-1] for n in s
                     if n.startswith("v") and n not in self.ctx.scopes[-1]]
            if outer:
                self.feat("shadow")
                return self.pick(outer)
        return None

    def is_cexpr(self, code: str) -> bool:
        """Whether ``code`` is a GLSL constant expression (literals, constructors, built-in calls, operators
        and const variables; GLSL ES and desktop before 4.20 require one for a const local's initializer)."""
        consts = {v.name for v in self.visible() if not v.writable and v.name[0] == "v"}
        for name in re.findall(r"(?<![.\w])([A-Za-z_]\w*)", code):
            if name in consts or name in ("true", "false") or name in BUILTIN_NAMES:
                continue
            if name in {t.base for t in self.structs} or re.fullmatch(TYPE_NAME_RE, name):
                continue
            return False
        return True

    @staticmethod
    def err_ok(e: Err, budget: Err) -> bool:
        return e[0] <= budget[0] and e[1] <= budget[1]

    def lvalues(self, need_exact: bool = False) -> list[tuple[Callable[[], str], Type, Var]]:
        """Writable l-values of visible variables (whole, swizzles, components, columns, members, elements) as
        (maker, type, variable): the maker draws the details (which components, which index) when chosen."""
        out: list[tuple[Callable[[], str], Type, Var]] = []

        def whole(var: Var) -> Callable[[], str]:
            return lambda: var.name

        for var in self.visible():
            if not var.writable or (need_exact and var.err != EXACT):
                continue
            t, n = var.ty, var.name
            out.append((whole(var), t, var))
            if t.kind == "vector":
                for k in range(1, t.size + 1):
                    def swz(n=n, k=k, size=t.size) -> str:
                        comps = list(range(size))
                        chosen = [comps.pop(self.int_(0, len(comps) - 1)) for _ in range(k)]
                        if k == 1 and self.chance(0.3):
                            return f"{n}[{chosen[0]}]"
                        return f"{n}." + "".join(SWZ[c] for c in chosen)
                    out.append((swz, vector(t.base, k), var))
            if t.kind == "matrix":
                out.append((lambda n=n, t=t: f"{n}[{self.int_(0, t.cols - 1)}]", t.column, var))
                out.append((lambda n=n, t=t: (f"{n}[{self.int_(0, t.cols - 1)}][{self.int_(0, t.rows - 1)}]"
                                              if self.chance(0.6) else
                                              f"{n}[{self.int_(0, t.cols - 1)}].{SWZ[self.int_(0, t.rows - 1)]}"),
                            FLOAT, var))
            if t.kind == "struct":
                for fname, ft in t.fields:
                    out.append((lambda n=n, fname=fname: f"{n}.{fname}", ft, var))
                    if ft.kind == "vector":
                        out.append((lambda n=n, fname=fname, ft=ft: f"{n}.{fname}.{SWZ[self.int_(0, ft.size - 1)]}",
                                    vector(ft.base, 1), var))
            if t.kind == "array":
                assert t.element is not None and t.length is not None
                out.append((lambda n=n, t=t: f"{n}[{self.int_(0, t.length - 1)}]", t.element, var))
                if t.element.kind == "struct":
                    for fname, ft in t.element.fields:
                        out.append((lambda n=n, t=t, fname=fname: f"{n}[{self.int_(0, t.length - 1)}].{fname}", ft,
                                    var))
        return out

    def dyn_index_lvalue(self, var: Var) -> tuple[str, Type] | None:
        t = var.ty
        if t.kind == "array" or t.kind == "vector":
            n = t.length if t.kind == "array" else t.size
            assert n is not None
            i = self.expr(INT, 1)
            self.feat("index-dynamic-write")
            el = t.element if t.kind == "array" else vector(t.base, 1)
            assert el is not None
            return f"{var.name}[clamp({i.code}, 0, {n - 1})]", el
        return None

    def st_assign(self) -> None:
        lvs = self.lvalues()
        if not lvs:
            return self.st_declare()
        mk, t, var = self.pick(lvs)
        target = mk()
        if self.chance(0.15):
            dyn = self.dyn_index_lvalue(var)
            if dyn:
                target, t = dyn
        v = self.expr(t, self.int_(1, 3), var.err == EXACT, var.fb, var.ib)
        if not self.err_ok(v.err, var.err):
            v = self.expr(t, 1, True, var.fb, var.ib)
        v = self.fit(v, var.fb, var.ib)
        if "." in target or "[" in target:
            self.feat("assign-part")
        self.feat("assign")
        self.touch(var, v.const, v.top)
        self.emit(f"{target} = {v.code};")

    def st_compound(self) -> None:
        lvs = [lv for lv in self.lvalues() if lv[1].kind in ("scalar", "vector", "matrix") and lv[1].base != "bool"]
        if not lvs:
            return self.st_declare()
        mk, t, var = self.pick(lvs)
        target = mk()
        if t.base == "float":
            op = self.pick(["+=", "-=", "*=", "/=", "++", "--"] if t.kind == "scalar" else ["+=", "-=", "*=", "/="])
        else:
            op = self.pick(["+=", "-=", "*=", "/=", "&=", "|=", "^=", "<<=", ">>=", "++", "--"])
        self.feat("compound" + op)
        self.touch(var, False)
        exact = var.err == EXACT
        if op in ("++", "--"):
            if t.base == "float" and "+" in var.top:  # (x + c) + 1: Mesa may reassociate (see arith_values)
                return
            self.emit(f"{target}{op};" if self.chance(0.5) else f"{op}{target};")
        else:
            rt = t
            if t.kind == "vector" and self.chance(0.3):
                rt = vector(t.base, 1)
            if t.kind == "matrix" and op in ("*=",) and self.chance(0.5) and t.cols == t.rows:
                rt = t
            elif t.kind == "matrix" and op in ("*=", "/="):
                rt = FLOAT
            if t.base == "float":
                b = self.fit(self.expr(rt, self.int_(1, 2), exact), 64.0, None)
                if op == "/=":
                    b = self.nonzero(b, 0.5)
            else:
                b = self.expr(rt, self.int_(1, 2))
                u = "u" if rt.base == "uint" else ""
                if op == "/=":
                    b = replace(b, code=f"(({paren(b.code)} & 7{u}) + 1{u})")
                elif op in ("<<=", ">>="):
                    b = replace(b, code=f"({paren(b.code)} & 31{u})")
                    if b.const and "s" in var.top:  # see int_bits: no chains of constant shifts
                        op = "^="
            if not self.err_ok(b.err, var.err):
                return
            kind = {"+=": "+", "-=": "+", "*=": "*"}.get(op)
            if t.base == "float" and kind and ((var.const and kind in b.top) or (b.const and kind in var.top)):
                return  # x += (c + y) with a foldable x: Mesa may reassociate (see arith_values)
            var.const = var.const or b.const
            self.emit(f"{target} {op} {b.code};")
        # keep the variable inside its bounds
        if t.base == "float":
            if t.kind == "matrix":
                self.emit(f"{target} = {self.matrix_clamp(target, t, var.fb)};")
            else:
                self.emit(f"{target} = clamp({target}, {flit(-var.fb)}, {flit(var.fb)});")
        elif var.ib is not None:
            lo, hi = int_bounds(var.ib, t.base)
            self.emit(f"{target} = clamp({target}, {ilit(lo, t.base)}, {ilit(hi, t.base)});")

    def matrix_clamp(self, code: str, t: Type, fb: float) -> str:
        cols = ", ".join(f"clamp({code}[{c}], {flit(-fb)}, {flit(fb)})" for c in range(t.cols))
        return f"{t}({cols})"

    def cond(self) -> V:
        return self.expr(BOOL, self.int_(1, 3))

    def st_if(self, depth: int) -> None:
        c = self.cond()
        self.feat("if")
        saved = self.ctx.uniform
        self.ctx.uniform = False
        self.emit(f"if ({c.code}) {{")
        self.indent += 1
        self.block(3, depth - 1)
        self.indent -= 1
        if self.chance(0.5):
            self.feat("else")
            self.emit("} else {")
            self.indent += 1
            self.block(3, depth - 1)
            self.indent -= 1
        self.emit("}")
        self.ctx.uniform = saved

    def loop_body(self, depth: int, counter: Var | None = None) -> None:
        self.ctx.loops += 1
        saved = self.ctx.uniform
        self.ctx.uniform = False
        self.ctx.scopes.append({} if counter is None else {counter.name: counter})
        for _ in range(self.int_(1, 3)):
            self.statement(depth - 1)
        self.ctx.scopes.pop()
        self.ctx.uniform = saved
        self.ctx.loops -= 1

    def st_for(self, depth: int) -> None:
        n = self.int_(1, 4)
        i = self.fresh("i")
        form = self.pick(["up", "down", "step2", "uint"])
        self.feat("for")
        if form == "up":
            head = f"for (int {i} = 0; {i} < {n}; {i}++)"
            var = Var(i, INT, ib=n, writable=False, const=True)
        elif form == "down":
            head = f"for (int {i} = {n}; {i} > 0; --{i})"
            var = Var(i, INT, ib=n, writable=False, const=True)
        elif form == "step2":
            head = f"for (int {i} = 0; {i} <= {2 * n}; {i} += 2)"
            var = Var(i, INT, ib=2 * n, writable=False, const=True)
        else:
            head = f"for (uint {i} = 0u; {i} < {n}u; {i}++)"
            var = Var(i, UINT, ib=n, writable=False, const=True)
        self.emit(head + " {")
        self.indent += 1
        self.loop_body(depth, var)
        self.indent -= 1
        self.emit("}")

    def st_while(self, depth: int) -> None:
        n = self.int_(1, 4)
        w = self.fresh("w")
        do = self.chance(0.4)
        self.feat("do-while" if do else "while")
        self.emit(f"int {w} = 0;")
        counter = Var(w, INT, ib=n + 1, writable=False, const=True)  # loops get unrolled
        self.declare(counter)
        self.emit("do {" if do else f"while ({w} < {n}) {{")
        self.indent += 1
        self.emit(f"{w}++;")
        self.loop_body(depth)
        self.indent -= 1
        self.emit(f"}} while ({w} < {n});" if do else "}")

    def st_switch(self, depth: int) -> None:
        sel = self.expr(INT, 2)
        k = self.int_(2, 4)
        self.feat("switch")
        self.emit(f"switch ({paren(sel.code)} & 3) {{")
        self.ctx.switches += 1
        saved = self.ctx.uniform
        self.ctx.uniform = False
        labels = list(range(k))
        for lab in labels:
            self.emit(f"case {lab}:")
            self.indent += 1
            self.emit("{")
            self.indent += 1
            self.block(2, depth - 1)
            self.indent -= 1
            self.emit("}")
            if self.chance(0.7):
                self.emit("break;")
            else:
                self.feat("fallthrough")
            self.indent -= 1
        if self.chance(0.6):
            self.emit("default:")
            self.indent += 1
            self.emit("{")
            self.indent += 1
            self.block(2, depth - 1)
            self.indent -= 1
            self.emit("}")
            self.emit("break;")
            self.indent -= 1
        self.ctx.uniform = saved
        self.ctx.switches -= 1
        self.emit("}")

    def st_jump(self) -> None:
        c = self.cond()
        if self.ctx.loops > 0 and self.chance(0.5):
            word = self.pick(["break", "continue"]) if self.ctx.switches == 0 else "continue"
        else:
            word = "break"
        self.feat(word)
        self.emit(f"if ({c.code}) {word};")

    def st_early_return(self) -> None:
        f = self.ctx.func
        assert f is not None
        c = self.cond()
        v = self.return_value(f)
        self.feat("early-return")
        self.emit(f"if ({c.code}) return {v.code};")

    def return_value(self, f: FuncInfo) -> V:
        v = self.expr(f.ret, self.int_(1, 3), f.ret_err == EXACT, f.ret_fb, f.ret_ib)
        if not self.err_ok(v.err, f.ret_err):
            v = self.expr(f.ret, 1, True, f.ret_fb, f.ret_ib)
        return self.fit(v, f.ret_fb, f.ret_ib)

    def st_block(self, depth: int) -> None:
        self.feat("block")
        self.emit("{")
        self.indent += 1
        self.block(3, depth - 1)
        self.indent -= 1
        self.emit("}")

    def out_target(self, t: Type, fb: float, ib: int | None, err: Err, inout: bool, const: bool = True,
                   no_globals: bool = False) -> str:
        """An l-value for an out/inout argument of type ``t`` whose values lie in (fb, ib) with error ``err``;
        declares a fresh variable when no visible one fits."""
        cands = []
        for mk, lt, var in self.lvalues():
            if lt != t or (no_globals and self.globals.get(var.name) is var):
                continue
            if inout:
                ok = var.fb == fb and var.ib == ib and var.err == err
            else:
                ok = (var.fb >= fb and (var.ib is None or (ib is not None and ib <= var.ib))
                      and self.err_ok(err, var.err))
            if ok:
                cands.append((mk, var))
        if cands and self.chance(0.7):
            mk, var = self.pick(cands)
            code = mk()
            if "." in code or "[" in code:
                self.feat("out-into-part")
            self.touch(var, const)
            return code
        name = self.fresh("v")
        var = Var(name, t, fb, ib, err, const=const, top="+*s", assigned=inout)
        if not inout:  # undefined until the call writes it: not readable by the call's other arguments
            self.pending.append(var)
        if inout:
            init = self.fit(self.expr(t, 1, err == EXACT, fb, ib), fb, ib)
            self.emit(f"{decl(t, name)} = {init.code};")
        else:
            self.emit(f"{decl(t, name)};")
        self.declare(var)
        return name

    def st_out_builtin(self) -> None:
        sig = self.pick(OUT_SIGS)
        self.feat(sig.name)
        rule = RULES[sig.name]
        ins = rule.args(self, sig, 1, True)
        if all(a.const for a in ins):
            # Mesa folds umulExtended/imulExtended/uaddCarry of constants wrongly
            # (conformance/cases/mesa_folds_mulextended_wrongly.frag): one argument must vary
            ins[0] = self.vary(ins[0])
        outs = rule.outs(sig, ins)  # (type, fb, ib) per out parameter
        args: list[str] = []
        k_in = k_out = 0
        for q in sig.qualifiers:
            if q == "in":
                args.append(ins[k_in].code)
                k_in += 1
            else:
                t, fb, ib = outs[k_out]
                args.append(self.out_target(t, fb, ib, EXACT, False))
                k_out += 1
        call = f"{sig.name}({', '.join(args)})"
        if sig.ret.kind == "void":
            self.emit(f"{call};")
            self.written()
            return
        res = rule.result(self, sig, ins)
        target = self.out_target(sig.ret, self.bucket_f(res.mag) if is_float(sig.ret) else CAP,
                                 None if not is_intlike(sig.ret) else None, EXACT, False)
        self.emit(f"{target} = {call};")
        self.written()

    def st_call(self) -> None:
        if not self.funcs:
            return self.st_declare()
        f = self.pick(self.funcs)
        if self.ctx.func is not None and f.writes_globals:
            self.ctx.writes_globals = True
        self.feat("call-stmt")
        args: list[str] = []
        used: set[str] = set()
        for q, pt, pfb, pib, perr in f.params:
            if q == "in":
                a = self.fit(self.expr(pt, 1, perr == EXACT, pfb, pib), pfb, pib)
                args.append(a.code)
            else:
                self.feat("out-param" if q == "out" else "inout-param")
                for _ in range(3):
                    code = self.out_target(pt, pfb, pib, perr, q == "inout", no_globals=f.writes_globals)
                    root = re.match(r"\w+", code)
                    if root and root.group(0) not in used:
                        break
                else:
                    name = self.fresh("v")
                    self.emit(f"{decl(pt, name)};" if q == "out" else
                              f"{decl(pt, name)} = {self.fit(self.expr(pt, 0, True, pfb, pib), pfb, pib).code};")
                    var = Var(name, pt, pfb, pib, perr, const=True, top="+*s", assigned=q != "out")
                    if q == "out":
                        self.pending.append(var)
                    self.declare(var)
                    code = name
                used.add(re.match(r"\w+", code).group(0))  # type: ignore[union-attr]
                args.append(code)
        call = f"{f.name}({', '.join(args)})"
        if f.ret.kind == "void" or self.chance(0.3):
            self.emit(f"{call};")
            self.written()
            return
        name = self.fresh("v")
        var = Var(name, f.ret, f.ret_fb, f.ret_ib, f.ret_err, const=True, top="+*s")
        self.emit(f"{decl(f.ret, name)} = {call};")
        self.declare(var)
        self.written()

    # ---- functions -------------------------------------------------------------------------------
    def function(self) -> None:
        name = self.fresh("f")
        ret = VOID_T if self.chance(0.15) else self.value_type()
        params = []
        for k in range(self.int_(0, 3)):
            q = self.weighted([(6, "in"), (2, "out"), (2, "inout")])
            pt = self.value_type()
            fb = self.pick([2.0, 64.0, 1.0e4])
            ib = self.pick([4096, None])
            err = EXACT if self.chance(0.6) else (1e-4, 1e-4)
            params.append((q, pt, fb, ib, err))
            del k
        ret_fb = self.pick([2.0, 64.0, 1.0e4])
        ret_ib = self.pick([4096, None])
        ret_err = EXACT if self.chance(0.6) else (1e-4, 1e-4)
        info = FuncInfo(name, ret, ret_fb, ret_ib, ret_err, params, False)
        saved_lines, saved_ctx, saved_indent = self.lines, self.ctx, self.indent
        self.lines, self.ctx, self.indent = [], Ctx(func=info), 1
        scope: dict[str, Var] = {}
        plist = []
        for k, (q, pt, fb, ib, err) in enumerate(params):
            pname = f"{name}_p{k}"
            plist.append(f"{'' if q == 'in' and self.chance(0.7) else q + ' '}{decl(pt, pname)}")
            # const: Mesa inlines calls, so a parameter may be a compile-time constant at some call site
            scope[pname] = Var(pname, pt, fb, ib, err, const=True, assigned=(q != "out"), top="+*s")
        self.ctx.scopes.append(scope)
        for pname, var in scope.items():  # out parameters start undefined: write them first
            if not var.assigned:
                v = self.fit(self.expr(var.ty, 1, var.err == EXACT, var.fb, var.ib), var.fb, var.ib)
                self.emit(f"{pname} = {v.code};")
                var.assigned = True
        for _ in range(self.int_(0, 4)):
            self.statement(2)
        if ret.kind != "void":
            self.emit(f"return {self.return_value(info).code};")
        info.writes_globals = self.ctx.writes_globals
        body = self.lines
        self.lines, self.ctx, self.indent = saved_lines, saved_ctx, saved_indent
        self.feat("function")
        rt = "void" if ret.kind == "void" else type_name(ret)
        self.lines.append(f"{rt} {name}({', '.join(plist)}) {{")
        self.lines.extend(body)
        self.lines.append("}")
        self.funcs.append(info)

    # ---- program ---------------------------------------------------------------------------------
    def struct_decl(self) -> None:
        name = f"S{len(self.structs)}"
        fields = []
        for k in range(self.int_(1, 3)):
            ft = self.weighted([(3, FLOAT), (2, vector("float", 2)), (1, vector("float", 3)), (1.5, INT),
                                (0.7, UINT), (0.7, BOOL), (0.5, matrix(2, 2)), (0.5, vector("int", 2))]
                               + ([(0.5, self.structs[-1])] if self.structs else []))
            fields.append((f"m{k}", ft))
        t = struct(name, tuple(fields))
        self.structs.append(t)
        body = " ".join(f"{decl(ft, fn)};" for fn, ft in fields)
        self.lines.append(f"struct {name} {{ {body} }};")
        self.feat("struct")

    def global_decl(self) -> None:
        t = self.pick([FLOAT, vector("float", 2), INT, vector("float", 3)])
        v = self.literal(t)
        name = self.fresh("g")
        self.lines.append(f"{decl(t, name)} = {v.code};")
        self.globals[name] = Var(name, t, self.pick([2.0, 64.0, 1.0e4]), self.pick([4096, None]), EXACT, const=True)
        self.globals[name].fb = max(self.globals[name].fb, self.bucket_f(v.mag))
        self.feat("global")

    def sink(self, n_words: int) -> list[Word]:
        """A value stored for output (an expression, or a variable the statements wrote): its components
        become words."""
        dumpable = [v for v in self.visible() if v.writable and n_words + word_count(v.ty) <= 24
                    and v.name not in ("uv", "t", "ip", "h")]
        if dumpable and self.chance(0.6):
            var = self.pick(dumpable)
            self.feat("sink-var")
            return [Word(code, var.err) for code in sink_words(var.name, var.ty)]
        t = self.value_type()
        if n_words + word_count(t) > 24:
            t = FLOAT
        v = self.expr(t, self.int_(1, 4))
        name = self.fresh("s")
        self.emit(f"{decl(t, name)} = {v.code};")
        return [Word(code, v.err) for code in sink_words(name, t)]

    def program(self) -> Program:
        self.lines = ["#version 450", "uniform vec3 iResolution;", "uniform float iTime;", "out vec4 fragColor;"]
        for _ in range(self.int_(0, 2)):
            self.struct_decl()
        for _ in range(self.int_(0, 2)):
            self.global_decl()
        for _ in range(self.int_(0, 3)):
            self.span(self.function)
        self.lines.append("void main() {")
        self.ctx = Ctx(uniform=True)
        self.indent = 1
        inputs = {
            "uv": (Var("uv", vector("float", 2), 1.0, writable=False), "gl_FragCoord.xy / iResolution.xy"),
            "t": (Var("t", FLOAT, 8.0, writable=False), "iTime"),
            "ip": (Var("ip", vector("int", 2), ib=64, writable=False), "ivec2(gl_FragCoord.xy)"),
            "h": (Var("h", UINT, writable=False), "uint(ip.x * 1973 + ip.y * 9277) * 2654435761u"),
        }
        self.ctx.scopes.append({})
        for name, (var, init) in inputs.items():
            self.emit(f"{decl(var.ty, name)} = {init};")
            self.declare(var)
        for _ in range(self.int_(1, 6)):
            self.statement(2)
        words: list[Word] = []
        n_sinks = self.int_(1, 4)
        for _ in range(n_sinks):
            words.extend(self.span(lambda: self.sink(len(words))))
        slots = max(1, (len(words) + 3) // 4)
        self.emit(f"int sel = ip.x % {slots};")
        self.emit("vec4 o = vec4(0.0);")
        for s in range(slots):
            ws = [w.code for w in words[4 * s: 4 * s + 4]]
            ws += ["0.0"] * (4 - len(ws))
            self.emit(f"{'if' if s == 0 else 'else if'} (sel == {s}) o = vec4({', '.join(ws)});")
        self.emit("fragColor = o;")
        self.lines.append("}")
        return Program("\n".join(self.lines) + "\n", words, frozenset(self.feats))


VOID_T = Type("void")


def type_name(t: Type) -> str:
    return str(t)


def decl(t: Type, name: str) -> str:
    if t.kind == "array":
        return f"{t.element} {name}[{t.length}]"
    return f"{t} {name}"


def sink_words(code: str, t: Type) -> list[str]:
    """Float expressions that together show every component of a value of type ``t``."""
    if t.kind == "struct":
        return [w for fname, ft in t.fields for w in sink_words(f"{code}.{fname}", ft)]
    if t.kind == "array":
        assert t.element is not None and t.length is not None
        return [w for k in range(t.length) for w in sink_words(f"{code}[{k}]", t.element)]
    if t.kind == "matrix":
        return [f"{code}[{c}][{r}]" for c in range(t.cols) for r in range(t.rows)]
    if t.kind == "vector":
        return [w for k in range(t.size) for w in sink_words(f"{code}.{SWZ[k]}", vector(t.base, 1))]
    if t.base == "float":
        return [code]
    if t.base == "bool":
        return [f"float({code})"]
    u = "u" if t.base == "uint" else ""
    return [f"float({code} >> 16{u})", f"float({code} & 0xffff{u})"]


# ------------------------------------------------------------------------------------------------
# Built-in rules: argument domains, result intervals, error propagation


@dataclass
class Rule:
    """How to call one built-in: ``args(gen, sig, depth, exact)`` draws the arguments (wrapped into the
    domain), ``result(gen, sig, args)`` gives the call's value (interval and error); ``outs(sig, ins)`` gives
    (type, fb, ib) of each out parameter for built-ins that have them."""

    args: Callable
    result: Callable
    outs: Callable = lambda sig, ins: []  # noqa: E731


def spec_error(name: str, args: list[V], v: V) -> Err:
    """The error the GLSL/Vulkan specifications allow a built-in (relative, absolute)."""
    m = max(args[0].mag, 1.0) if args else 1.0
    if name in ("exp", "exp2"):
        return ((3 + 2 * m * (1.45 if name == "exp" else 1.0)) * EPS * 2, 1e-37)
    if name in ("log", "log2"):
        return (3 * EPS * 2, 2.0**-21 * 2)
    if name == "pow":
        t = max(abs(v.lo), abs(v.hi), 2.0)
        return ((8 + 8 * math.log2(t) * 2) * EPS * 2, 1e-37)
    if name in ("sinh", "cosh", "tanh", "asinh", "acosh", "atanh"):
        return (16 * EPS * (1 + m), 16 * EPS * (1 + m))
    if name in ("sin", "cos"):
        return (0.0, 2.0**-11)
    if name == "tan":
        return (2.0**-10, 2.0**-10)
    if name in ("asin", "acos", "atan"):
        return (4096 * EPS, 4096 * EPS)
    return (8 * EPS, 8 * EPS * max(v.mag, 1.0))


def _fl(lo: float, hi: float, t: Type, err: Err = EXACT) -> V:
    lo, hi = widen(lo, hi)
    return V("", t, lo, hi, err=err)


def make_args(spec: Sequence[str | tuple]) -> Callable:
    """An ``args`` function from per-parameter domain codes (see :func:`domain`)."""
    def args(g: Gen, sig: Signature, d: int, exact: bool) -> list[V]:
        out = []
        ins = [pt for pt, q in zip(sig.params, sig.qualifiers, strict=True) if q == "in"]
        for k, pt in enumerate(ins):
            code = spec[k] if k < len(spec) else spec[-1]
            ex = exact or (isinstance(code, str) and code.startswith("x")) or (
                isinstance(code, tuple) and code[0].startswith("x"))
            a = g.expr(pt, d, ex or pt.base != "float")
            out.append(domain(g, a, code))
        return out
    return args


def domain(g: Gen, a: V, code) -> V:
    """Wrap an argument into a domain: ``any``; ``nonneg``; ``pos`` (>= 0.125); ``unit`` ([-1, 1]);
    ``(clamp, lo, hi)``; ``nonzero``; ``shift`` (0..31); ``bits`` (0..15); ``half`` (no inf/NaN halves);
    ``ibits`` (float bit patterns of moderate magnitude). A leading ``x`` means the argument must be exact."""
    name = code[0] if isinstance(code, tuple) else code
    name = name[1:] if name.startswith("x") else name
    if name in ("any", ""):
        return a
    if name == "nonneg":
        return a if a.lo >= 0 else replace(a, code=f"abs({a.code})", lo=0.0, hi=a.mag)
    if name == "pos":
        if a.lo >= 0.125:
            return a
        return replace(a, code=f"(abs({a.code}) + 0.125)", lo=0.125, hi=a.mag + 0.125)
    if name == "ge1":
        if a.lo >= 1.0:
            return a
        return replace(a, code=f"(abs({a.code}) + 1.0)", lo=1.0, hi=a.mag + 1.0)
    if name == "unit":
        return domain(g, a, ("clamp", -1.0, 1.0))
    if name == "clamp":
        lo, hi = code[1], code[2]
        if a.lo >= lo and a.hi <= hi:
            return a
        return replace(a, code=f"clamp({a.code}, {flit(lo)}, {flit(hi)})", lo=max(lo, min(a.lo, hi)),
                       hi=min(hi, max(a.hi, lo)))
    if name == "nonzero":
        return g.nonzero(a)
    base = base_of(a.ty)
    u = "u" if base == "uint" else ""
    if name == "shift":
        if a.ilo >= 0 and a.ihi <= 31:
            return a
        return replace(a, code=f"({paren(a.code)} & 31{u})", ilo=0, ihi=31)
    if name == "bits":
        if a.ilo >= 0 and a.ihi <= 15:
            return a
        return replace(a, code=f"({paren(a.code)} & 15{u})", ilo=0, ihi=15)
    if name == "iclamp":
        lo, hi = code[1], code[2]
        if a.ilo >= lo and a.ihi <= hi:
            return a
        return replace(a, code=f"clamp({a.code}, {ilit(lo, base)}, {ilit(hi, base)})", ilo=lo, ihi=hi)
    if name == "half":
        return replace(a, code=f"({paren(a.code)} & 0xbfffbfffu)", ilo=0, ihi=0xBFFFBFFF)
    if name == "ibits":
        return replace(a, code=f"(({paren(a.code)} & 0x83ffffff{u}) | 0x3c000000{u})", ilo=INT_MIN, ihi=INT_MAX)
    raise AssertionError(code)


def res_map(fn: Callable[[list[V], Signature], tuple[float, float]], err_fn: Callable | None = None) -> Callable:
    def result(g: Gen, sig: Signature, args: list[V]) -> V:
        lo, hi = fn(args, sig)
        err = err_fn(args, sig, lo, hi) if err_fn else err_max(*(a.err for a in args))
        return _fl(lo, hi, sig.ret, err)
    return result


def res_int(fn: Callable[[list[V], Signature], tuple[int, int]]) -> Callable:
    def result(g: Gen, sig: Signature, args: list[V]) -> V:
        lo, hi = fn(args, sig)
        return V("", sig.ret, ilo=lo, ihi=hi)
    return result


def res_bool(g: Gen, sig: Signature, args: list[V]) -> V:
    return V("", sig.ret)


def lip_err(k: Callable[[list[V]], float]) -> Callable:
    def err(args: list[V], sig: Signature, lo: float, hi: float) -> Err:
        if all(a.exact for a in args):
            return EXACT
        return (EPS, k(args) * sum(a.err[0] * a.mag + a.err[1] for a in args))
    return err


def n_of(t: Type) -> int:
    return t.size if t.kind == "vector" else 1



def _pow_range(args: list[V], sig: Signature) -> tuple[float, float]:
    x, y = args
    cands = [xv**yv for xv in (x.lo, x.hi) for yv in (y.lo, y.hi)]
    return (0.0, max(cands) * 1.01 + 1.0)


def _mix_range(args: list[V], sig: Signature) -> tuple[float, float]:
    x, y, a = args
    d = ival_mul((y.lo - x.hi, y.hi - x.lo), (a.lo, a.hi))
    return (x.lo + d[0], x.hi + d[1])


def _mix_err(args: list[V], sig: Signature, lo: float, hi: float) -> Err:
    if all(a.exact for a in args):
        return EXACT
    x, y, a = args
    ex, ey, ea = (err_abs(v.err, v.mag)[1] for v in args)
    return (EPS, ex * (1 + a.mag) + ey * a.mag + ea * (x.mag + y.mag) + 4 * EPS * max(abs(lo), abs(hi)))



def _ordered_pair(g: Gen, t: Type, d: int, exact: bool) -> tuple[V, V]:
    """Two values with a <= b componentwise: literals, or min()/max() of two expressions."""
    if g.chance(0.5):
        a = g.expr(t, d, exact)
        b = g.expr(t, d, exact)
        g.feat("min")
        g.feat("max")
        lo = replace(a, code=f"min({a.code}, {b.code})", lo=min(a.lo, b.lo), hi=min(a.hi, b.hi),
                     ilo=min(a.ilo, b.ilo), ihi=min(a.ihi, b.ihi), err=err_max(a.err, b.err))
        hi = replace(a, code=f"max({a.code}, {b.code})", lo=max(a.lo, b.lo), hi=max(a.hi, b.hi),
                     ilo=max(a.ilo, b.ilo), ihi=max(a.ihi, b.ihi), err=err_max(a.err, b.err))
        return lo, hi
    base = t.base
    if base == "float":
        x = g.pick([-1.0, 0.0, 0.25, -10.0, 0.5, 2.0])
        y = x + g.pick([1.0, 0.5, 2.0, 0.125, 100.0])
        mk = (lambda v: flit(v)) if t.kind == "scalar" else (lambda v: f"{t}({flit(v)})")
        return V(mk(x), t, x, x, const=True), V(mk(y), t, y, y, const=True)
    x = g.pick([0, 1, 3, 100]) if base == "uint" else g.pick([-5, 0, 2, -100, 7])
    y = x + g.pick([0, 1, 5, 1000])
    mk = (lambda v: ilit(v, base)) if t.kind == "scalar" else (lambda v: f"{t}({ilit(v, base)})")
    return V(mk(x), t, ilo=x, ihi=x, const=True), V(mk(y), t, ilo=y, ihi=y, const=True)


def _clamp_args(g: Gen, sig: Signature, d: int, exact: bool) -> list[V]:
    x = g.expr(sig.params[0], d, exact or sig.ret.base != "float")
    lo, hi = _ordered_pair(g, sig.params[1], d, exact or sig.ret.base != "float")
    return [x, lo, hi]


def _clamp_result(g: Gen, sig: Signature, args: list[V]) -> V:
    x, lo, hi = args
    if sig.ret.base == "float":
        return _fl(max(x.lo, lo.lo) if x.lo < hi.hi else lo.lo, min(max(x.hi, lo.lo), hi.hi), sig.ret,
                   err_max(*(a.err for a in args)))
    return V("", sig.ret, ilo=min(max(x.ilo, lo.ilo), hi.ihi), ihi=min(max(x.ihi, lo.ilo), hi.ihi))


def _smooth_args(g: Gen, sig: Signature, d: int, exact: bool) -> list[V]:
    et = sig.params[0]
    if g.chance(0.6):
        x = g.pick([-1.0, 0.0, 0.25, 2.0])
        y = x + g.pick([1.0, 0.5, 4.0])
        mk = (lambda v: flit(v)) if et.kind == "scalar" else (lambda v: f"{et}({flit(v)})")
        e0, e1 = V(mk(x), et, x, x, const=True), V(mk(y), et, y, y, const=True)
    else:
        a = g.expr(et, d, exact)
        gap = g.expr(et, d, exact)
        e0 = a
        e1 = replace(a, code=f"({paren(a.code)} + (abs({gap.code}) + 0.25))", lo=a.lo + 0.25,
                     hi=a.hi + gap.mag + 0.25, err=err_max(a.err, gap.err), const=a.const and gap.const)
        g.feat("abs")
    x = g.expr(sig.params[2], d, exact)
    return [e0, e1, x]


def _smooth_result(g: Gen, sig: Signature, args: list[V]) -> V:
    if all(a.exact for a in args):
        return _fl(0.0, 1.0, sig.ret)
    e = max(err_abs(a.err, a.mag)[1] for a in args)
    return _fl(0.0, 1.0, sig.ret, (EPS, 1.5 / 0.25 * 3 * e * (1 + args[2].mag + args[1].mag) + 8 * EPS))


def _inverse_args(g: Gen, sig: Signature, d: int, exact: bool) -> list[V]:
    t = sig.params[0]
    m = g.expr(t, d, exact)
    k = t.cols * m.mag + 1.0
    k = float(2 ** math.ceil(math.log2(k)))
    g.feat("op+")
    return [replace(m, code=f"({t}({flit(k)}) + {paren(m.code)})", lo=-k - m.mag, hi=k + m.mag)]


def _inverse_result(g: Gen, sig: Signature, args: list[V]) -> V:
    n = sig.ret.cols
    return _fl(-1.0, 1.0, sig.ret, EXACT if args[0].exact else (EPS, n * n * 4 * err_abs(args[0].err, args[0].mag)[1]
                                                                 + 64 * EPS))


def _det_result(g: Gen, sig: Signature, args: list[V]) -> V:
    n = sig.params[0].cols
    b = math.factorial(n) * args[0].mag**n
    return _fl(-b, b, FLOAT)


def _refract_result(g: Gen, sig: Signature, args: list[V]) -> V:
    i, nn, eta = args
    n = n_of(i.ty)
    dm = n * nn.mag * i.mag
    k = 1 + eta.mag**2 * (1 + dm * dm)
    b = n * (eta.mag * i.mag + (eta.mag * dm + math.sqrt(k)) * nn.mag)
    return _fl(-b, b, sig.ret)


def _reflect_result(g: Gen, sig: Signature, args: list[V]) -> V:
    i, nn = args
    n = n_of(i.ty)
    b = i.mag + 2 * n * nn.mag * nn.mag * i.mag
    err = EXACT
    if not (i.exact and nn.exact):
        ei, en = err_abs(i.err, i.mag)[1], err_abs(nn.err, nn.mag)[1]
        err = (EPS, ei * (1 + 2 * n * nn.mag**2) + en * 4 * n * nn.mag * i.mag + 16 * EPS * b)
    return _fl(-b, b, sig.ret, err)


def _dot_like(kind: str) -> Callable:
    def result(g: Gen, sig: Signature, args: list[V]) -> V:
        n = n_of(args[0].ty)
        if kind == "dot":
            b = n * args[0].mag * args[1].mag
            lo, hi = -b, b
        elif kind == "length":
            lo, hi = 0.0, math.sqrt(n) * args[0].mag
        elif kind == "distance":
            lo, hi = 0.0, math.sqrt(n) * (args[0].mag + args[1].mag)
        else:  # cross
            b = 2 * args[0].mag * args[1].mag
            lo, hi = -b, b
        err = EXACT
        if not all(a.exact for a in args):
            es = [err_abs(a.err, a.mag)[1] for a in args]
            if kind in ("dot", "cross"):
                e = n * (es[0] * args[1].mag + es[1] * args[0].mag)
            else:
                e = math.sqrt(n) * sum(es)
            err = (EPS * 4, e + 4 * n * EPS * max(abs(lo), abs(hi)))
        return _fl(lo, hi, sig.ret, err)
    return result


def _normalize_args(g: Gen, sig: Signature, d: int, exact: bool) -> list[V]:
    a = g.expr(sig.params[0], d, exact)
    if a.lo > 0.125 or a.hi < -0.125:
        return [a]
    g.feat("abs")
    return [replace(a, code=f"(abs({a.code}) + 0.125)", lo=0.125, hi=a.mag + 0.125)]


def _normalize_result(g: Gen, sig: Signature, args: list[V]) -> V:
    err = EXACT if args[0].exact else (EPS, 16 * math.sqrt(n_of(args[0].ty)) * err_abs(args[0].err, args[0].mag)[1]
                                       / 0.125 + 8 * EPS)
    return _fl(-1.0, 1.0, sig.ret, err)


def _bfe_args(g: Gen, sig: Signature, d: int, exact: bool) -> list[V]:
    out = [g.expr(sig.params[0], d, True)]
    if sig.name == "bitfieldInsert":
        out.append(g.expr(sig.params[1], d, True))
    out.append(domain(g, g.expr(INT, d, True), "bits"))
    out.append(domain(g, g.expr(INT, d, True), "bits"))
    return out


def _bfe_result(g: Gen, sig: Signature, args: list[V]) -> V:
    return V("", sig.ret, ilo=int_bounds(None, sig.ret.base)[0], ihi=int_bounds(None, sig.ret.base)[1])


def _full_int(args: list[V], sig: Signature) -> tuple[int, int]:
    return int_bounds(None, sig.ret.base)


def _atan2_args(g: Gen, sig: Signature, d: int, exact: bool) -> list[V]:
    y = g.expr(sig.params[0], d, exact)
    x = g.nonzero(g.expr(sig.params[1], d, exact))
    return [y, x]


def _ldexp_args(g: Gen, sig: Signature, d: int, exact: bool) -> list[V]:
    x = g.expr(sig.params[0], d, exact)
    e = domain(g, g.expr(sig.params[1], d, True), ("iclamp", -20, 20))
    return [x, e]


def _ldexp_result(g: Gen, sig: Signature, args: list[V]) -> V:
    k = 2.0 ** max(abs(args[1].ilo), abs(args[1].ihi))
    return _fl(-args[0].mag * k, args[0].mag * k, sig.ret, err_scale(args[0].err, k))


def _mix_bool_args(g: Gen, sig: Signature, d: int, exact: bool) -> list[V]:
    return [g.expr(sig.params[0], d, exact or sig.ret.base != "float"),
            g.expr(sig.params[1], d, exact or sig.ret.base != "float"), g.expr(sig.params[2], d, True)]


def _mix_bool_result(g: Gen, sig: Signature, args: list[V]) -> V:
    return g.combine("", sig.ret, args[:2])


def _minmax_result(g: Gen, sig: Signature, args: list[V]) -> V:
    a, b = args
    if sig.ret.base == "float":
        f = min if sig.name == "min" else max
        return _fl(f(a.lo, b.lo), f(a.hi, b.hi), sig.ret, err_max(a.err, b.err))
    f = min if sig.name == "min" else max
    return V("", sig.ret, ilo=f(a.ilo, b.ilo), ihi=f(a.ihi, b.ihi))


def _abs_result(g: Gen, sig: Signature, args: list[V]) -> V:
    a = args[0]
    if sig.ret.base == "float":
        lo = 0.0 if a.lo <= 0 <= a.hi else min(abs(a.lo), abs(a.hi))
        return _fl(lo, a.mag, sig.ret, a.err)
    if a.ilo == INT_MIN:
        return V("", sig.ret, ilo=INT_MIN, ihi=INT_MAX)
    return V("", sig.ret, ilo=0, ihi=max(abs(a.ilo), abs(a.ihi)))


def _fma_result(g: Gen, sig: Signature, args: list[V]) -> V:
    a, b, c = args
    lo, hi = ival_mul((a.lo, a.hi), (b.lo, b.hi))
    err = EXACT
    if not all(x.exact for x in args):
        err = (EPS, err_abs(g.err_mul(a, b), a.mag * b.mag)[1] + err_abs(c.err, c.mag)[1])
    return _fl(lo + c.lo, hi + c.hi, sig.ret, err)


def _mod_args(g: Gen, sig: Signature, d: int, exact: bool) -> list[V]:
    return [g.expr(sig.params[0], d, True), g.nonzero(g.expr(sig.params[1], d, True))]


def _mod_result(g: Gen, sig: Signature, args: list[V]) -> V:
    m = args[1].mag
    return _fl(-m, m, sig.ret)


def _exp_like(f: Callable[[float], float], dom: tuple[float, float]) -> Rule:
    def err(args: list[V], sig: Signature, lo: float, hi: float) -> Err:
        a = args[0]
        if a.exact:
            return EXACT
        k = 1.0 if f is math.exp else math.log(2)
        return (k * (a.err[0] * a.mag + a.err[1]) * 1.01 + EPS, 1e-37)
    return Rule(make_args([("clamp", *dom)]), res_map(lambda args, sig: (f(args[0].lo), f(args[0].hi)), err))


def _log_like(f: Callable[[float], float], scale: float) -> Rule:
    def err(args: list[V], sig: Signature, lo: float, hi: float) -> Err:
        a = args[0]
        if a.exact:
            return EXACT
        return (EPS, scale * (a.err[0] + a.err[1] / a.lo) * 1.01)
    return Rule(make_args(["pos"]), res_map(lambda args, sig: (f(args[0].lo), f(args[0].hi)), err))


def _sqrt_rule() -> Rule:
    def args_fn(g: Gen, sig: Signature, d: int, exact: bool) -> list[V]:
        a = g.expr(sig.params[0], d, exact)
        return [domain(g, a, "nonneg" if a.exact else "pos")]

    def err(args: list[V], sig: Signature, lo: float, hi: float) -> Err:
        a = args[0]
        if a.exact:
            return EXACT
        return (a.err[0] / 2 + EPS, a.err[1] / (2 * math.sqrt(max(a.lo, 1e-30))))
    return Rule(args_fn, res_map(lambda args, sig: (math.sqrt(max(args[0].lo, 0.0)), math.sqrt(args[0].mag)), err))


def _isqrt_rule() -> Rule:
    def err(args: list[V], sig: Signature, lo: float, hi: float) -> Err:
        a = args[0]
        if a.exact:
            return EXACT
        return (a.err[0] / 2 + EPS + a.err[1] / (2 * a.lo), 0.0)
    return Rule(make_args(["pos"]), res_map(lambda args, sig: (1 / math.sqrt(args[0].mag), 1 / math.sqrt(args[0].lo)),
                                            err))



def _frexp_outs(sig: Signature, ins: list[V]) -> list:
    return [(sig.params[1], CAP, 4096)]


def _modf_outs(sig: Signature, ins: list[V]) -> list:
    return [(sig.params[1], max(2.0, ins[0].mag + 1), None)]


def _carry_outs(sig: Signature, ins: list[V]) -> list:
    return [(p, CAP, None) for p, q in zip(sig.params, sig.qualifiers, strict=True) if q != "in"]


PI = math.pi
ANY_F = make_args(["any"])
EXACT_ALL = make_args(["x"])


def _unit(lo: float, hi: float) -> Callable:
    return res_map(lambda args, sig: (lo, hi))


def _bitcount_range(args, sig):
    return (-1, 32) if sig.name != "bitCount" else (0, 32)


def _uint_full(args, sig):
    return (0, UINT_MAX)


def _lin(k: float) -> Callable:
    return res_map(lambda args, sig: (min(args[0].lo * k, args[0].hi * k), max(args[0].lo * k, args[0].hi * k)),
                   lambda args, sig, lo, hi: EXACT if args[0].exact else (args[0].err[0] + EPS, args[0].err[1] * k))


def _floorlike(args, sig):
    return (args[0].lo - 1.0, args[0].hi + 1.0)


RULES: dict[str, Rule] = {
    "radians": Rule(ANY_F, _lin(PI / 180)),
    "degrees": Rule(ANY_F, _lin(180 / PI)),
    "sin": Rule(ANY_F, res_map(lambda a, s: (-1.0, 1.0), lip_err(lambda a: 1.0))),
    "cos": Rule(ANY_F, res_map(lambda a, s: (-1.0, 1.0), lip_err(lambda a: 1.0))),
    "tan": Rule(EXACT_ALL, _unit(-3.0e7, 3.0e7)),
    "asin": Rule(make_args([("xclamp", -1.0, 1.0)]), _unit(-PI / 2, PI / 2)),
    "acos": Rule(make_args([("xclamp", -1.0, 1.0)]), _unit(0.0, PI)),
    "atan": Rule(lambda g, s, d, e: (_atan2_args(g, s, d, e) if len(s.params) == 2 else ANY_F(g, s, d, e)),
                 res_map(lambda a, s: (-PI, PI), lip_err(lambda a: 1.0 if len(a) == 1 else 2 * a[0].mag / a[1].lo**2
                                                          if a[1].lo > 0 else 2 * a[0].mag / a[1].hi**2 + 8))),
    "sinh": Rule(make_args([("clamp", -10.0, 10.0)]),
                 res_map(lambda a, s: (math.sinh(a[0].lo), math.sinh(a[0].hi)),
                         lip_err(lambda a: math.cosh(a[0].mag)))),
    "cosh": Rule(make_args([("clamp", -10.0, 10.0)]),
                 res_map(lambda a, s: (1.0, math.cosh(a[0].mag)), lip_err(lambda a: math.cosh(a[0].mag)))),
    "tanh": Rule(ANY_F, res_map(lambda a, s: (-1.0, 1.0), lip_err(lambda a: 1.0))),
    "asinh": Rule(ANY_F, res_map(lambda a, s: (math.asinh(a[0].lo), math.asinh(a[0].hi)), lip_err(lambda a: 1.0))),
    "acosh": Rule(make_args(["xge1"]), res_map(lambda a, s: (0.0, math.acosh(max(a[0].hi, 1.0))))),
    "atanh": Rule(make_args([("xclamp", -0.875, 0.875)]), _unit(-1.36, 1.36)),
    "pow": Rule(make_args(["xpos", ("xclamp", -4.0, 4.0)]), res_map(_pow_range)),
    "exp": _exp_like(math.exp, (-30.0, 30.0)),
    "exp2": _exp_like(lambda x: 2.0**x, (-40.0, 40.0)),
    "log": _log_like(math.log, 1.0),
    "log2": _log_like(math.log2, 1 / math.log(2)),
    "sqrt": _sqrt_rule(),
    "inversesqrt": _isqrt_rule(),
    "abs": Rule(make_args(["any"]), _abs_result),
    "sign": Rule(EXACT_ALL, lambda g, s, a: _fl(-1.0, 1.0, s.ret) if s.ret.base == "float"
                 else V("", s.ret, ilo=-1, ihi=1)),
    "floor": Rule(EXACT_ALL, res_map(_floorlike)),
    "ceil": Rule(EXACT_ALL, res_map(_floorlike)),
    "trunc": Rule(EXACT_ALL, res_map(_floorlike)),
    "round": Rule(EXACT_ALL, res_map(_floorlike)),
    "roundEven": Rule(EXACT_ALL, res_map(_floorlike)),
    "fract": Rule(EXACT_ALL, _unit(0.0, 1.0)),
    "mod": Rule(_mod_args, _mod_result),
    "min": Rule(make_args(["any"]), _minmax_result),
    "max": Rule(make_args(["any"]), _minmax_result),
    "clamp": Rule(_clamp_args, _clamp_result),
    "mix": Rule(lambda g, s, d, e: (_mix_bool_args(g, s, d, e) if s.params[2].base == "bool"
                                    else make_args(["any"])(g, s, d, e)),
                lambda g, s, a: (_mix_bool_result(g, s, a) if s.params[2].base == "bool"
                                 else res_map(_mix_range, _mix_err)(g, s, a))),
    "step": Rule(EXACT_ALL, _unit(0.0, 1.0)),
    "smoothstep": Rule(_smooth_args, _smooth_result),
    "modf": Rule(EXACT_ALL, _unit(-1.0, 1.0), _modf_outs),
    "isnan": Rule(EXACT_ALL, res_bool),
    "isinf": Rule(EXACT_ALL, res_bool),
    "floatBitsToInt": Rule(EXACT_ALL, res_int(_full_int)),
    "floatBitsToUint": Rule(EXACT_ALL, res_int(_full_int)),
    "intBitsToFloat": Rule(make_args(["xibits"]), _unit(-2.0, 2.0)),
    "uintBitsToFloat": Rule(make_args(["xibits"]), _unit(-2.0, 2.0)),
    "fma": Rule(make_args(["any"]), _fma_result),
    "frexp": Rule(EXACT_ALL, _unit(-1.0, 1.0), _frexp_outs),
    "ldexp": Rule(_ldexp_args, _ldexp_result),
    "packUnorm2x16": Rule(EXACT_ALL, res_int(_uint_full)),
    "packSnorm2x16": Rule(EXACT_ALL, res_int(_uint_full)),
    "packUnorm4x8": Rule(EXACT_ALL, res_int(_uint_full)),
    "packSnorm4x8": Rule(EXACT_ALL, res_int(_uint_full)),
    "packHalf2x16": Rule(EXACT_ALL, res_int(_uint_full)),
    "unpackUnorm2x16": Rule(EXACT_ALL, _unit(0.0, 1.0)),
    "unpackSnorm2x16": Rule(EXACT_ALL, _unit(-1.0, 1.0)),
    "unpackUnorm4x8": Rule(EXACT_ALL, _unit(0.0, 1.0)),
    "unpackSnorm4x8": Rule(EXACT_ALL, _unit(-1.0, 1.0)),
    "unpackHalf2x16": Rule(make_args(["xhalf"]), _unit(-2.0, 2.0)),
    "length": Rule(ANY_F, _dot_like("length")),
    "distance": Rule(ANY_F, _dot_like("distance")),
    "dot": Rule(ANY_F, _dot_like("dot")),
    "cross": Rule(ANY_F, _dot_like("cross")),
    "normalize": Rule(_normalize_args, _normalize_result),
    "faceforward": Rule(lambda g, s, d, e: [g.expr(s.params[0], d, e), g.expr(s.params[1], d, True),
                                            g.expr(s.params[2], d, True)],
                        lambda g, s, a: _fl(-a[0].mag, a[0].mag, s.ret, a[0].err)),
    "reflect": Rule(ANY_F, _reflect_result),
    "refract": Rule(EXACT_ALL, _refract_result),
    "matrixCompMult": Rule(ANY_F, lambda g, s, a: _fl(*ival_mul((a[0].lo, a[0].hi), (a[1].lo, a[1].hi)), s.ret,
                                                      g.err_mul(a[0], a[1]))),
    "outerProduct": Rule(ANY_F, lambda g, s, a: _fl(*ival_mul((a[0].lo, a[0].hi), (a[1].lo, a[1].hi)), s.ret,
                                                    g.err_mul(a[0], a[1]))),
    "transpose": Rule(ANY_F, lambda g, s, a: _fl(a[0].lo, a[0].hi, s.ret, a[0].err)),
    "determinant": Rule(EXACT_ALL, _det_result),
    "inverse": Rule(_inverse_args, _inverse_result),
    "any": Rule(EXACT_ALL, res_bool),
    "all": Rule(EXACT_ALL, res_bool),
    "not": Rule(EXACT_ALL, res_bool),
    "uaddCarry": Rule(EXACT_ALL, res_int(_full_int), _carry_outs),
    "usubBorrow": Rule(EXACT_ALL, res_int(_full_int), _carry_outs),
    "umulExtended": Rule(EXACT_ALL, res_bool, _carry_outs),
    "imulExtended": Rule(EXACT_ALL, res_bool, _carry_outs),
    "bitfieldExtract": Rule(_bfe_args, _bfe_result),
    "bitfieldInsert": Rule(_bfe_args, _bfe_result),
    "bitfieldReverse": Rule(EXACT_ALL, res_int(_full_int)),
    "bitCount": Rule(EXACT_ALL, res_int(_bitcount_range)),
    "findLSB": Rule(EXACT_ALL, res_int(_bitcount_range)),
    "findMSB": Rule(EXACT_ALL, res_int(_bitcount_range)),
    "noise1": Rule(ANY_F, _unit(-1.0, 1.0)),
    "noise2": Rule(ANY_F, _unit(-1.0, 1.0)),
    "noise3": Rule(ANY_F, _unit(-1.0, 1.0)),
    "noise4": Rule(ANY_F, _unit(-1.0, 1.0)),
}
for _name in ("lessThan", "lessThanEqual", "greaterThan", "greaterThanEqual", "equal", "notEqual"):
    RULES[_name] = Rule(EXACT_ALL, res_bool)
for _name in DERIVATIVES:
    RULES[_name] = Rule(ANY_F, res_map(lambda a, s: (-4 * a[0].mag, 4 * a[0].mag),
                                       lip_err(lambda a: 4.0)))

_missing = covered_builtins() - set(RULES)
assert not _missing, f"built-ins without a fuzz rule: {sorted(_missing)}"


# ------------------------------------------------------------------------------------------------
# Hypothesis strategy


def programs(size: int = 1):
    """A Hypothesis strategy of :class:`Program` values (``size`` scales the node budget)."""
    import hypothesis.strategies as st

    @st.composite
    def _programs(draw):
        return Gen(draw, size).program()

    return _programs()


# ------------------------------------------------------------------------------------------------
# The differential check


class Divergence(AssertionError):
    """The back ends disagree on a program (or one of them cannot take it). ``kind``: ``diverge`` (values),
    ``fail`` (our back end failed), ``reject`` (our checker rejected what the reference compiles), ``invalid``
    (the reference rejected it: a generator bug, or our checker accepts invalid GLSL)."""

    def __init__(self, kind: str, detail: str, program: Program):
        self.kind, self.detail, self.program = kind, detail, program
        super().__init__(f"{kind}: {detail}\n\n--- minimized case (paste into conformance/cases/NAME.frag) ---\n"
                         + program.case_text("diverge" if kind == "diverge" else "fail", detail.splitlines()[0]
                                             if detail else kind))


def _inputs(width: int, height: int = HEIGHT):
    from ..runtime.inputs import RenderInputs, make_frames

    return RenderInputs(width, height, make_frames(TIMES), [None] * 4)


def render_both(glsl: str, width: int, height: int = HEIGHT) -> tuple[np.ndarray | None, np.ndarray | None, str,
                                                                     str]:
    """(ours, ref, our error, ref error) for shader text; an error string is '' when that side rendered."""
    from ..errors import GlslErrors
    from ..frontend import front_end
    from ..runtime.gl import render_gl
    from ..runtime.taichi_backend import compile_taichi
    from ..sources import from_text

    src = from_text(glsl, "<fuzz>.frag", "glsl")
    inputs = _inputs(width, height)
    ref = ours = None
    ref_err = our_err = ""
    try:
        ref = render_gl(src, inputs)
    except GlslErrors as e:
        ref_err = "reference: " + str(e).splitlines()[0]
    try:
        front_end(src)
    except GlslErrors as e:
        our_err = "checker: " + str(e).splitlines()[0]
    else:
        try:
            ours = compile_taichi(src, "cpu").render(inputs)
        except Exception as e:  # noqa: BLE001 - any failure of our back end is a finding
            first = str(e).strip().splitlines()[0] if str(e).strip() else ""
            our_err = f"backend: {type(e).__name__}: {first}"[:300]
    return ours, ref, our_err, ref_err


def word_values(frames: np.ndarray, n_words: int) -> list[np.ndarray]:
    """Every sample of each word: (F, H, W, 4) frames -> one array per word."""
    slots = max(1, (n_words + 3) // 4)
    out = []
    for k in range(n_words):
        s, c = divmod(k, 4)
        out.append(frames[:, :, s::slots, c].ravel())
    return out


def compare_words(ours: np.ndarray, ref: np.ndarray, errs: Sequence[Err]) -> list[str]:
    """Descriptions of the words that differ beyond their error bounds (empty when all agree)."""
    bad = []
    for k, (a, b) in enumerate(zip(word_values(ours, len(errs)), word_values(ref, len(errs)), strict=True)):
        e = errs[k]
        a64, b64 = a.astype(np.float64), b.astype(np.float64)
        both_nan = np.isnan(a64) & np.isnan(b64)
        with np.errstate(invalid="ignore", over="ignore"):
            if e == EXACT:
                ok = (a64 == b64) | both_nan
            else:
                tol = 2.0 * (e[0] * np.maximum(np.abs(a64), np.abs(b64)) + e[1]) + 4 * EPS * np.abs(b64)
                ok = (np.abs(a64 - b64) <= tol) | (a64 == b64) | both_nan
        if not ok.all():
            i = int(np.argmin(ok))
            bad.append(f"word {k}: ours {a[i]!r} vs reference {b[i]!r} ({int((~ok).sum())}/{ok.size} samples"
                       f", bound {fmt_err(e)})")
    return bad


def check_program(p: Program) -> None:
    """Render with both back ends; raise :class:`Divergence` unless every word agrees within its bound."""
    ours, ref, our_err, ref_err = render_both(p.glsl, p.width, p.size[1] if p.size else HEIGHT)
    if ref_err and not our_err:
        raise Divergence("invalid", ref_err, p)
    if ref_err and our_err.startswith("checker"):
        raise Divergence("invalid", f"{ref_err} / {our_err}", p)
    if ref_err:
        raise Divergence("invalid", ref_err, p)
    if our_err.startswith("checker"):
        raise Divergence("reject", our_err, p)
    if our_err:
        raise Divergence("fail", our_err, p)
    assert ours is not None and ref is not None
    bad = compare_words(ours, ref, [w.err for w in p.words])
    if bad:
        raise Divergence("diverge", "; ".join(bad[:3]), p)


def _units(lines: list[str]) -> list[tuple[int, int]]:
    """Deletable pieces of a program, as line ranges [start, end): single statements and whole blocks
    (functions, if/for/while/switch, struct and global declarations); never the output code, and never a
    statement that writes a variable declared without initializer or an ``out`` parameter (deleting it would
    leave a read of an undefined value)."""
    text_all = "\n".join(lines)
    undefined = set(re.findall(r"^\s*[A-Za-z_]\w*\s+([A-Za-z_]\w*)(?:\[\d+\])?;\s*$", text_all, re.M))
    undefined |= set(re.findall(r"\bout\s+[A-Za-z_]\w*\s+([A-Za-z_]\w*)", text_all))
    undefined_re = re.compile(r"\b(" + "|".join(sorted(undefined)) + r")\b") if undefined else None
    out = []
    for i, line in enumerate(lines):
        text = line.strip()
        if (i == 0 or text.startswith(("#", "out ", "}", "void main", "case ", "default:")) or "fragColor" in text
                or re.search(r"\bsel\b|\bo = vec4", text) or text == "vec4 o = vec4(0.0);"):
            continue
        if text.endswith("{"):
            depth, j = 0, i
            while j < len(lines):
                depth += lines[j].count("{") - lines[j].count("}")
                j += 1
                if depth <= 0:
                    break
            block = "\n".join(lines[i:j])
            if undefined_re is None or not undefined_re.search(block) or re.match(r"[\w\[\]]+ \w+\(", text):
                out.append((i, j))  # (a whole function may go: if it is still called, compiling fails)
        elif text.endswith(";") and (undefined_re is None or not undefined_re.search(text)
                                     or re.fullmatch(r"[A-Za-z_]\w*\s+[A-Za-z_]\w*(\[\d+\])?;", text)):
            out.append((i, i + 1))
    return out


def failure_key(d: Divergence) -> str:
    """What must stay the same while reducing: the kind, and for compile failures the message (without line
    and column numbers and names), so that deleting a declaration cannot turn one error into another."""
    if d.kind == "diverge":
        return d.kind
    return d.kind + ":" + re.sub(r"\d+|'[^']*'|`[^`]*'", "", d.detail.splitlines()[0] if d.detail else "")


def reduce_text(p: Program, kind: str, budget: int = 400) -> Program:
    """Delete statements and blocks from a failing program while it still fails the same way (``kind``, a
    :func:`failure_key`): a cheap pass after Hypothesis's shrinking, which cannot see that a function or a
    statement is unused."""
    lines = p.glsl.splitlines()
    tries = 0
    changed = True
    while changed and tries < budget:
        changed = False
        for start, end in reversed(_units(lines)):
            if tries >= budget:
                break
            if end > len(lines):
                continue
            cand = lines[:start] + lines[end:]
            tries += 1
            q = replace(p, glsl="\n".join(cand) + "\n")
            try:
                check_program(q)
            except Divergence as d:
                if failure_key(d) == kind:
                    lines = cand
                    changed = True
    return replace(p, glsl="\n".join(lines) + "\n")


# ------------------------------------------------------------------------------------------------
# Case files


@dataclass
class Case:
    path: Path
    expect: str
    reason: str
    errs: list[Err]
    features: frozenset[str]
    glsl: str
    size: tuple[int, int] | None = None


_HEAD_RE = re.compile(r"^//\s*(expect|words|features|size):(.*)$")


def load_case(path: Path) -> Case:
    text = path.read_text()
    expect, reason, errs, feats, size = "", "", [], frozenset(), None
    for line in text.splitlines():
        m = _HEAD_RE.match(line.strip())
        if not m:
            if line.strip() and not line.startswith("//"):
                break
            continue
        key, rest = m.group(1), m.group(2).strip()
        if key == "expect":
            verdict, _, why = rest.partition("reason:")
            expect, reason = verdict.strip(), why.strip()
        elif key == "words":
            errs = [parse_err(s) for s in rest.split()]
        elif key == "size":
            w, h = rest.lower().split("x")
            size = (int(w), int(h))
        else:
            feats = frozenset(rest.split())
    glsl = "\n".join(ln for ln in text.splitlines() if not _HEAD_RE.match(ln.strip())) + "\n"
    if expect not in ("agree", "diverge", "fail", "reject", "invalid"):
        raise ValueError(f"{path}: no '// expect: agree|diverge|fail|reject' header")
    return Case(path, expect, reason, errs, feats, glsl, size)


def load_cases(folder: Path = CASES_DIR) -> list[Case]:
    return [load_case(p) for p in sorted(folder.glob("*.frag"))]


def case_verdict(case: Case) -> tuple[str, str]:
    """The verdict a case gets now: agree, diverge, fail (our back end), reject (our checker), invalid (the
    reference rejects it), with the details."""
    p = Program(case.glsl, [Word("", e) for e in case.errs], case.features, size=case.size)
    try:
        check_program(p)
    except Divergence as d:
        return d.kind, d.detail
    return "agree", ""


def known_case_features(folder: Path = CASES_DIR) -> list[frozenset[str]]:
    """The feature sets of recorded cases that do not agree: a fuzz failure whose program uses all the
    features of one of them is taken as that known finding, not a new one."""
    try:
        return [c.features for c in load_cases(folder) if c.expect != "agree" and c.features]
    except FileNotFoundError:
        return []


def is_known(p: Program, known: Sequence[frozenset[str]]) -> bool:
    return any(k <= p.features for k in known)


#: Features nearly every program has: they do not tell one finding from another.
GENERIC = frozenset({"decl", "assign", "assign-part", "literal", "swizzle", "index", "global", "function", "call",
                     "call-stmt", "uniform", "gl_FragCoord", "struct", "op+", "op-", "op*", "op/", "neg",
                     "ctor:float", "block"})


def signature(p: Program) -> frozenset[str]:
    """The features that characterize a (minimized) finding: its features less the generic ones."""
    return (p.features - GENERIC) or p.features


# ------------------------------------------------------------------------------------------------
# Command line: long local runs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m glslc.conformance.fuzz", description=__doc__.split("\n\n")[0])
    ap.add_argument("--examples", type=int, default=200, help="programs to try in all (default 200)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument("--size", type=int, default=1, help="program size factor (default 1)")
    ap.add_argument("--max-failures", type=int, default=10, help="stop after this many distinct failures")
    ap.add_argument("--no-known", action="store_true", help="also report failures matching recorded cases")
    ap.add_argument("--no-reduce", action="store_true", help="skip the line-deletion pass after shrinking")
    ap.add_argument("--verbose", action="store_true", help="also print each failure as Hypothesis shrank it")
    ap.add_argument("--check", nargs="*", metavar="CASE", help="print the current verdict of case files")
    args = ap.parse_args(argv)
    if args.check is not None:
        paths = [Path(p) for p in args.check] or sorted(CASES_DIR.glob("*.frag"))
        rc = 0
        for path in paths:
            case = load_case(path)
            got, detail = case_verdict(case)
            flag = "ok" if got == case.expect else "CHANGED"
            rc |= got != case.expect
            print(f"{flag:8s} {path.name}: expect {case.expect}, got {got} {detail[:200]}")
        return rc
    import random

    from hypothesis import HealthCheck, find, settings
    from hypothesis.errors import NoSuchExample

    from ..runtime.taichi_backend import init

    init("cpu")
    known = [] if args.no_known else known_case_features()
    found: list[Program] = []
    left = args.examples
    round_ = 0
    t0 = time.perf_counter()
    tried = [0]

    def fails(p: Program) -> bool:
        tried[0] += 1
        if is_known(p, known) or any(signature(f) <= p.features for f in found):
            return False
        try:
            check_program(p)
        except Divergence:
            return True
        return False

    while left > 0 and len(found) < args.max_failures:
        before = tried[0]
        try:
            p = find(programs(args.size), fails,
                     settings=settings(max_examples=left, deadline=None, database=None,
                                       suppress_health_check=list(HealthCheck)),
                     random=random.Random(args.seed * 1000 + round_))
        except NoSuchExample:
            left = 0
            break
        finally:
            round_ += 1
        left -= max(1, tried[0] - before)
        found.append(p)
        try:
            check_program(p)
            detail = "(no longer fails after shrinking)"
        except Divergence as d:
            if not args.no_reduce:
                shrunk = p
                p = reduce_text(p, failure_key(d))
                if p.glsl != shrunk.glsl and args.verbose:
                    print(f"--- as Hypothesis shrank it ---\n{shrunk.glsl}")
            try:
                check_program(p)
                detail = "(no longer fails after reducing)"
            except Divergence as d2:
                detail = str(d2)
        print(f"=== failure {len(found)} ({time.perf_counter() - t0:.0f} s, {tried[0]} programs)\n{detail}\n",
              flush=True)
    print(f"{tried[0]} programs in {time.perf_counter() - t0:.0f} s; {len(found)} failure(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
