"""Differential test of the Taichi builtin library ``glslc.runtime.glsl`` against the reference (Mesa llvmpipe).

Every overload of every non-texture built-in (from :func:`glslc.builtins.overloads`, in ``#version 300 es``,
else ``#version 450``), plus the helpers the code generator uses for operators (``idiv``, ``imod``,
``vec_equal``, ``vec_not_equal``, ``mix_select``), is called on a handful of inputs (ordinary values and
edge cases) both ways:

* GLSL: fragment shaders, one pixel per case, read their inputs as raw 32-bit words from an unsigned
  integer texture (so nothing is constant-folded) and write their results' bit patterns into RGBA32UI
  targets (up to 8 of them: 32 words per case);
* Taichi: generated kernels, one per :data:`KERNEL_GROUP` overloads (written to a temporary module and
  imported, since Taichi reads kernel source with ``inspect``), do the same for all cases; Taichi's compile
  time grows faster than linearly with kernel size, so one kernel for everything would take minutes.

Integer, bit and bool results must match exactly; float results must be bit-identical in at least 99% of the
comparisons (all but ``min``/``max`` of +0.0 and -0.0, where llvmpipe returns the second operand, and the
exponential family while ``EXACT_EXP_LOG`` is off) and all within 4 ULP (looser only where an ULP of
``exp2``/``log2`` gets magnified: see ``TOLERANCES`` and ``_pow_ulps``). A second pass turns the exact
transcendentals on and requires their results bit-identical. ``KNOWN`` holds measured Mesa results that are
checked without OpenGL. The module takes about 20-25 s on two cores.
"""

import importlib.util
import math
import struct
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from glslc.builtins import BUILTIN_FUNCTION_NAMES, Signature, available, overloads
from glslc.types import BOOL, FLOAT, INT, UINT, Type, matrix, vector

pytest.importorskip("taichi")

SKIPPED_PREFIXES = ("texture", "texel", "shadow", "dFd", "fwidth", "interpolateAt", "noise")
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
NAN, INF = float("nan"), float("inf")
MAX_OUT_WORDS = 32
KERNEL_GROUP = 8  # specs per generated Taichi kernel
MARKER = 0x5EED0000  # written to the last word by every case with room for it: proof that the case ran
# what the back end should pass to ti.init besides arch=ti.cpu, default_fp=ti.f32: fast_math=True makes LLVM
# reassociate and contract (inverse, refract and mix then drift from llvmpipe, and inf - inf folds to 0)
INIT_OPTIONS = {"fast_math": False}


def runtime_builtin_names() -> list[str]:
    """The built-ins the runtime library must provide (everything but texture/derivative/interpolation/noise)."""
    return sorted(n for n in BUILTIN_FUNCTION_NAMES if not n.startswith(SKIPPED_PREFIXES))


# ------------------------------------------------------------------------------------------------
# Specs: one overload (or operator helper) with its inputs


@dataclass
class Spec:
    """One function overload to test: ``ins`` are the input types, ``outs`` the result types (the return
    value first when not void, then the out parameters). ``glsl``/``taichi`` are statements computing
    ``r0, r1...`` from ``a0, a1...``."""

    label: str
    name: str
    version: str
    ins: list[Type]
    outs: list[Type]
    glsl: str
    taichi: str
    cases: list[list[list]] = field(default_factory=list)  # case -> param -> components


def _words(t: Type) -> int:
    per = 2 if t.base == "double" else 1
    return t.components * per


def _taichi_call(sig: Signature) -> str:
    if sig.name == "not":
        return "G.not_"
    if sig.name == "mix" and sig.params[2].base == "bool":
        return "G.mix_select"
    return f"G.{sig.name}"


def spec_of(sig: Signature, version: str) -> Spec:
    ins = [t for t, q in zip(sig.params, sig.qualifiers, strict=True) if q == "in"]
    outs = ([] if sig.ret.kind == "void" else [sig.ret]) + [
        t for t, q in zip(sig.params, sig.qualifiers, strict=True) if q != "in"]
    args, k_in, k_out = [], 0, (0 if sig.ret.kind == "void" else 1)
    for q in sig.qualifiers:
        if q == "in":
            args.append(f"a{k_in}")
            k_in += 1
        else:
            args.append(f"r{k_out}")
            k_out += 1
    call = f"{sig.name}({', '.join(args)})"
    glsl = call + ";" if sig.ret.kind == "void" else f"r0 = {call};"
    targets = ", ".join(f"r{i}" for i in range(len(outs)))
    taichi = f"{targets} = {_taichi_call(sig)}({', '.join(f'a{i}' for i in range(len(ins)))})"
    return Spec(str(sig), sig.name, version, ins, outs, glsl, taichi)


def _operator_specs() -> list[Spec]:
    out = []
    for op, helper in (("/", "idiv"), ("%", "imod")):
        for a, b in ((INT, INT), (vector("int", 3), vector("int", 3)), (vector("int", 2), INT), (UINT, UINT),
                     (vector("uint", 4), vector("uint", 4)), (vector("uint", 2), UINT), (INT, vector("int", 2))):
            r = b if b.is_vector else a
            out.append(Spec(f"{a} {op} {b}", helper, "300 es", [a, b], [r], f"r0 = a0 {op} a1;",
                            f"r0 = G.{helper}(a0, a1)"))
    for op, helper in (("==", "vec_equal"), ("!=", "vec_not_equal")):
        for t in (vector("float", 3), vector("int", 2), vector("uint", 4), vector("bool", 2), matrix(2, 2),
                  matrix(3, 2), FLOAT, INT):
            out.append(Spec(f"{t} {op} {t}", helper, "300 es", [t, t], [BOOL], f"r0 = a0 {op} a1;",
                            f"r0 = G.{helper}(a0, a1)"))
    return out


def all_specs() -> list[Spec]:
    specs = []
    for name in runtime_builtin_names():
        for sig in overloads(name):
            if available(sig, 300, True):
                specs.append(spec_of(sig, "300 es"))
            elif available(sig, 450, False):
                specs.append(spec_of(sig, "450"))
    return specs + _operator_specs()


# ------------------------------------------------------------------------------------------------
# Inputs

GENERAL = [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -2.5, 2.5, 0.25, 3.75, -7.3, 10.0, 0.1, -0.3, 123.456,
           -987.65, 1e-3, -2e-4, 3.14159265, 1e5, -3e6, 0.49999997, 1e-20, 6.0e7, -16777217.0]
SMALL = [0.0, 1.0, -1.0, 0.5, -0.75, 2.0, -3.5, 0.1, 1.25, -0.2, 4.0, 7.5, -9.0, 0.3333]
UNIT = [-1.0, -0.999, -0.5, -0.1, 0.0, 0.1, 0.3, 0.5, 0.7071, 0.99, 1.0]
POSITIVE = [1e-30, 1e-5, 0.001, 0.1, 0.5, 1.0, 2.0, 2.718, 10.0, 1000.0, 1e10, 3e38, 0.7, 123.4, 0.0, -1.0, INF]
TRIG = [0.0, 0.1, -0.1, 1.0, -1.0, 3.14159265, -3.14159265, 1.5707964, 10.0, -10.0, 100.5, 1000.25, -5000.75,
        0.7853982, 2.0, 6.2831855, 12345.678, 1e5, -3e6, 43758.5453, INF, NAN]
ROUNDING = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, 0.50000006, 4194303.5, -4194304.5, 1e8, 2.4999998,
            3.5, 1e-3, -0.0, 7.7, -7.7, 8388607.0, 0.0, -3.5]
SPECIAL = [NAN, INF, -INF, 0.0, -0.0, 1.0, -1e38, 3.4e38, 1e-38, -5.5]
INTS = [0, 1, -1, 2, -2, 7, -7, 100, -1000, 123456789, -987654321, INT_MAX, INT_MIN, 0x55555555, 0x0F0F0F0F,
        65536, 3, -3]
UINTS = [0, 1, 2, 7, 100, 0xFFFFFFFF, 0x80000000, 0x7FFFFFFF, 0xDEADBEEF, 123456789, 65535, 65536, 0xAAAAAAAA, 3]
HALF_VALUES = [0.0, -0.0, 1.0, -2.0, 1 / 3, 65504.0, 65519.0, 65520.0, 1e5, -1e5, 6.1e-5, 1e-5, 2.0**-24,
               2.0**-25, 3 * 2.0**-26, 1e-8, 0.1, 1.0009766, 1.00048828125, 1.00146484375, INF, -INF, 2049.0,
               2051.0, 5.9604645e-08]
# (offset, bits) pairs with offset + bits <= 32
BITFIELDS = [(0, 0), (0, 32), (0, 1), (31, 1), (4, 8), (8, 24), (16, 16), (3, 0), (5, 27), (1, 30), (12, 7)]

MATRIX_FUNCTIONS = {"inverse", "determinant"}


def _pool(name: str, param: int, base: str) -> list:
    """Scalar values for parameter ``param`` of ``name``."""
    if base == "bool":
        return [0, 1]
    if base == "int":
        if name == "ldexp" and param == 1:
            return [-10, -1, 0, 1, 5, 20, 100, -100, 127, -126, 60, -60]
        return INTS
    if base == "uint":
        if name in ("unpackHalf2x16",):
            return [0, 0x3C00, 0x7BFF, 0x7C00, 0xFC00, 0x7E00, 0x0001, 0x03FF, 0x8001, 0x3555, 0xC000BC00,
                    0x7C017BFF, 0x00010400]
        return UINTS
    # float / double
    if name in ("asin", "acos", "atanh"):
        return UNIT
    if name in ("log", "log2", "sqrt", "inversesqrt"):
        return POSITIVE
    if name == "acosh":
        return [1.0, 1.001, 1.5, 2.0, 10.0, 100.0, 1e4, 3.3]
    if name in ("sin", "cos", "tan"):
        return TRIG
    if name == "exp":
        return [-87.0, -20.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 10.0, 20.0, 80.0, 0.1, 100.0, -100.0, -INF, NAN]
    if name == "exp2":
        return [-126.0, -20.5, -1.0, 0.0, 0.5, 1.0, 3.3, 10.0, 64.0, 127.0, -0.1, 0.3, 127.9, 128.0, -126.5, -200.0,
                INF, -INF, NAN]
    if name in ("sinh", "cosh", "tanh", "asinh"):
        return [-10.0, -3.0, -1.0, -0.1, 0.0, 0.1, 0.5, 1.0, 3.0, 9.9, 0.01, -0.7, 50.0, -89.0]
    if name == "pow":
        return [0.0, 1e-3, 0.5, 1.0, 1.5, 2.0, 10.0, 100.0, 3.7, -2.0, INF] if param == 0 else \
            [-2.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.3, 10.0, 0.1, 64.0, -30.0, 2.2]
    if name in ("round", "roundEven", "trunc", "floor", "ceil", "fract", "modf"):
        return ROUNDING + GENERAL
    if name in ("isnan", "isinf"):
        return SPECIAL
    if name in ("equal", "notEqual", "lessThan", "lessThanEqual", "greaterThan", "greaterThanEqual"):
        return [0.0, 1.0, -1.0, NAN, 0.5, 2.0, -0.0]
    if name == "mod" and param == 1:
        return [1.0, -1.0, 0.3, 2.5, -7.0, 1e-3, 100.0, 0.7]
    if name == "mix" and param == 2:
        return [0.0, 0.25, 0.5, 1.0, -0.5, 1.5, 0.1, 0.9]
    if name in ("packUnorm2x16", "packSnorm2x16", "packUnorm4x8", "packSnorm4x8"):
        return [0.0, 1.0, -1.0, 0.5, -0.5, 0.3, 2.0, -2.0, 0.99999, 1e-5, 0.7, -0.0, 0.00196078]
    if name == "packHalf2x16":
        return HALF_VALUES
    if name in ("frexp",):
        return GENERAL + [1.2e-38, 3e38, -1e-37]
    if name in ("ldexp",):
        return [0.0, 1.0, -1.5, 0.75, 3.0, 1e-3, 1e3, -0.1]
    if name in ("length", "distance", "dot", "cross", "normalize", "faceforward", "reflect", "refract",
                "outerProduct", "matrixCompMult", "transpose", "smoothstep", "step", "clamp", "mix", "fma"):
        return SMALL
    return GENERAL


def _rng_pick(rng: np.random.Generator, pool: list, k: int, offset: int):
    return pool[(k + offset) % len(pool)] if k < len(pool) else pool[int(rng.integers(len(pool)))]


def _matrix_value(rng: np.random.Generator, t: Type, invertible: bool) -> list[float]:
    m = rng.uniform(-2, 2, size=(t.cols, t.rows))
    if invertible:
        m += np.eye(t.cols) * 3.0
    return [float(np.float32(v)) for v in m.reshape(-1)]


def make_cases(spec: Spec, rng: np.random.Generator) -> list[list[list]]:
    """Input components for each case of a spec (the pools cycle, so each edge value appears)."""
    pools = [_pool(spec.name, i, t.base) for i, t in enumerate(spec.ins)]
    n_cases = 6 if spec.ins and spec.ins[0].is_matrix else max(6, *(len(p) for p in pools))
    cases = []
    for k in range(n_cases):
        case = []
        for i, t in enumerate(spec.ins):
            if t.is_matrix:
                case.append(_matrix_value(rng, t, spec.name in MATRIX_FUNCTIONS))
                continue
            comps = [_rng_pick(rng, pools[i], k, 3 * j + i) for j in range(t.components)]
            case.append(comps)
        _fix_domain(spec, case, k)
        cases.append(case)
    return cases


def _fix_domain(spec: Spec, case: list[list], k: int) -> None:
    """Keep inputs where GLSL defines the result (clamp bounds ordered, bitfields in range...)."""
    name = spec.name
    if name == "clamp":
        lo, hi = case[1], case[2]
        for j in range(len(lo)):
            if lo[j] > hi[j]:
                lo[j], hi[j] = hi[j], lo[j]
    elif name == "smoothstep":
        e0, e1 = case[0], case[1]
        for j in range(len(e0)):
            if e0[j] == e1[j]:
                e1[j] = e0[j] + 1.0
            elif e0[j] > e1[j]:
                e0[j], e1[j] = e1[j], e0[j]
    elif name in ("bitfieldExtract", "bitfieldInsert"):
        off, bits = BITFIELDS[k % len(BITFIELDS)]
        case[-2] = [off]
        case[-1] = [bits]
    elif name == "ldexp" and spec.ins[0].base == "double":
        # Mesa's fp64 ldexp gives 2^(e-1) for x == 0 (a Mesa bug the runtime does not copy)
        case[0] = [v if v != 0.0 else 0.5 for v in case[0]]
    elif name in ("idiv", "imod") and k == 0:
        case[1] = [0] * len(case[1])  # division by zero, on purpose
    elif name in ("vec_equal", "vec_not_equal") and k % 2 == 0:
        case[1] = list(case[0])


# ------------------------------------------------------------------------------------------------
# Word encoding


def _f2u(x: float) -> int:
    return struct.unpack("<I", struct.pack("<f", x))[0]


def _d2u(x: float) -> tuple[int, int]:
    lo, hi = struct.unpack("<II", struct.pack("<d", x))
    return lo, hi


def encode(t: Type, comps: list) -> list[int]:
    out: list[int] = []
    for v in comps:
        if t.base == "float":
            out.append(_f2u(v))
        elif t.base == "double":
            out.extend(_d2u(v))
        elif t.base == "bool":
            out.append(1 if v else 0)
        else:
            out.append(int(v) & 0xFFFFFFFF)
    return out


def decode(t: Type, words: np.ndarray) -> np.ndarray:
    """The components of a result from its words (floats as float32/float64, ints as int64)."""
    if t.base == "float":
        with np.errstate(invalid="ignore"):  # signalling NaN patterns
            return words.astype(np.uint32).view(np.float32).astype(np.float64)
    if t.base == "double":
        return words.astype(np.uint32).view(np.float64)
    if t.base == "int":
        return words.astype(np.uint32).view(np.int32).astype(np.int64)
    return words.astype(np.int64)


# ------------------------------------------------------------------------------------------------
# GLSL side

_GLSL_SCALAR = {"float": "F({k})", "double": "D({k})", "int": "int(W({k}))", "uint": "W({k})",
                "bool": "(W({k}) != 0u)"}


def _glsl_input(t: Type, k: int) -> str:
    per = 2 if t.base == "double" else 1
    parts = [_GLSL_SCALAR[t.base].format(k=k + i * per) for i in range(t.components)]
    return parts[0] if t.is_scalar else f"{t}({', '.join(parts)})"


def _glsl_components(t: Type, name: str) -> list[str]:
    if t.is_scalar:
        return [name]
    if t.is_vector:
        return [f"{name}[{i}]" for i in range(t.size)]
    return [f"{name}[{c}][{r}]" for c in range(t.cols) for r in range(t.rows)]


def _glsl_word_stores(t: Type, name: str, start: int) -> tuple[list[str], int]:
    lines, k = [], start
    for comp in _glsl_components(t, name):
        if t.base == "float":
            lines.append(f"o[{k}] = floatBitsToUint({comp});")
        elif t.base == "double":
            lines.append(f"{{ uvec2 dd = unpackDouble2x32({comp}); o[{k}] = dd.x; o[{k + 1}] = dd.y; }}")
            k += 1
        elif t.base == "bool":
            lines.append(f"o[{k}] = {comp} ? 1u : 0u;")
        else:
            lines.append(f"o[{k}] = uint({comp});")
        k += 1
    return lines, k


def glsl_shader(specs: list[tuple[int, Spec]], version: str, n_targets: int) -> str:
    es = "es" in version
    head = [f"#version {version}", "precision highp float;", "precision highp int;"] if es else [
        f"#version {version}"]
    head += ["uniform highp usampler2D inp;"]
    head += [f"layout(location = {i}) out uvec4 out{i};" for i in range(n_targets)]
    head += [
        "uint W(int k) { return texelFetch(inp, ivec2(int(gl_FragCoord.x), k >> 2), 0)[k & 3]; }",
        "float F(int k) { return uintBitsToFloat(W(k)); }",
    ]
    if not es:
        head.append("double D(int k) { return packDouble2x32(uvec2(W(k), W(k + 1))); }")
    body = ["void main() {", f"  uint o[{4 * n_targets}];",
            f"  for (int i = 0; i < {4 * n_targets}; i++) o[i] = 0u;", "  int sig = int(W(0));"]
    for sid, spec in specs:
        lines = [f"  if (sig == {sid}) {{"]
        k = 1
        for i, t in enumerate(spec.ins):
            lines.append(f"    {t} a{i} = {_glsl_input(t, k)};")
            k += _words(t)
        for i, t in enumerate(spec.outs):
            lines.append(f"    {t} r{i};")
        lines.append(f"    {spec.glsl}")
        k = 0
        for i, t in enumerate(spec.outs):
            stores, k = _glsl_word_stores(t, f"r{i}", k)
            lines += ["    " + s for s in stores]
        if k < MAX_OUT_WORDS:
            lines.append(f"    o[{MAX_OUT_WORDS - 1}] = {MARKER}u + uint(sig);")
        lines.append("  }")
        body += lines
    body += [f"  out{i} = uvec4(o[{4 * i}], o[{4 * i + 1}], o[{4 * i + 2}], o[{4 * i + 3}]);"
                       for i in range(n_targets)] + ["}"]
    return "\n".join(head + body) + "\n"


def run_glsl(ctx, specs: list[tuple[int, Spec]], version: str, inputs: np.ndarray, rows: list[int]) -> np.ndarray:
    """Run the cases ``rows`` of ``inputs`` (cases x words) through one shader; returns (len(rows), 32)."""
    import moderngl

    n_targets = 8
    n = len(rows)
    words = inputs[rows]
    n_rows = (words.shape[1] + 3) // 4
    tex_data = np.zeros((n_rows, n, 4), np.uint32)
    padded = np.zeros((n, n_rows * 4), np.uint32)
    padded[:, : words.shape[1]] = words
    tex_data[:] = padded.reshape(n, n_rows, 4).transpose(1, 0, 2)
    tex = ctx.texture((n, n_rows), 4, tex_data.tobytes(), dtype="u4")
    tex.filter = (moderngl.NEAREST, moderngl.NEAREST)
    targets = [ctx.texture((n, 1), 4, dtype="u4") for _ in range(n_targets)]
    fbo = ctx.framebuffer(color_attachments=targets)
    vs = (f"#version {version}\nin vec2 pos;\nvoid main() {{ gl_Position = vec4(pos, 0.0, 1.0); }}\n")
    prog = ctx.program(vertex_shader=vs, fragment_shader=glsl_shader(specs, version, n_targets))
    vbo = ctx.buffer(np.array([-1, -1, 3, -1, -1, 3], "f4").tobytes())
    vao = ctx.vertex_array(prog, [(vbo, "2f", "pos")])
    fbo.use()
    ctx.disable(moderngl.BLEND | moderngl.DEPTH_TEST | moderngl.CULL_FACE)  # whatever earlier tests left on
    ctx.scissor = None
    tex.use(0)
    prog["inp"].value = 0
    vao.render(moderngl.TRIANGLES)
    out = np.zeros((n, 4 * n_targets), np.uint32)
    for i in range(n_targets):
        data = np.frombuffer(fbo.read(components=4, dtype="u4", attachment=i), np.uint32).reshape(n, 4)
        out[:, 4 * i: 4 * i + 4] = data
    for obj in (vao, vbo, prog, fbo, tex, *targets):
        obj.release()
    return out


# ------------------------------------------------------------------------------------------------
# Taichi side

_TI_SCALAR = {"float": "ti.bit_cast(w[c, {k}], ti.f32)", "int": "ti.bit_cast(w[c, {k}], ti.i32)",
              "uint": "w[c, {k}]", "bool": "ti.cast(w[c, {k}], ti.i32)",
              "double": "ti.bit_cast(ti.cast(w[c, {k}], ti.u64) | (ti.cast(w[c, {k1}], ti.u64) << ti.u64(32)), ti.f64)"}


def _ti_input(t: Type, k: int) -> str:
    per = 2 if t.base == "double" else 1

    def comp(i: int) -> str:
        return _TI_SCALAR[t.base].format(k=k + i * per, k1=k + i * per + 1)

    if t.is_scalar:
        return comp(0)
    if t.is_vector:
        return f"ti.Vector([{', '.join(comp(i) for i in range(t.size))}])"
    rows = [f"[{', '.join(comp(c * t.rows + r) for c in range(t.cols))}]" for r in range(t.rows)]
    return f"ti.Matrix([{', '.join(rows)}])"


def _ti_components(t: Type, name: str) -> list[str]:
    if t.is_scalar:
        return [name]
    if t.is_vector:
        return [f"{name}[{i}]" for i in range(t.size)]
    return [f"{name}[{r}, {c}]" for c in range(t.cols) for r in range(t.rows)]


def _ti_word_stores(t: Type, name: str, start: int) -> tuple[list[str], int]:
    lines, k = [], start
    for comp in _ti_components(t, name):
        if t.base == "float" or t.base == "int":
            lines.append(f"out[c, {k}] = ti.bit_cast({comp}, ti.u32)")
        elif t.base == "double":
            lines.append(f"dd = ti.bit_cast({comp}, ti.u64)")
            lines.append(f"out[c, {k}] = ti.cast(dd & ti.u64(0xFFFFFFFF), ti.u32)")
            lines.append(f"out[c, {k + 1}] = ti.cast(dd >> ti.u64(32), ti.u32)")
            k += 1
        elif t.base == "bool":
            lines.append(f"out[c, {k}] = ti.cast({comp}, ti.u32)")
        else:
            lines.append(f"out[c, {k}] = {comp}")
        k += 1
    return lines, k


def taichi_module_source(groups: list[list[tuple[int, Spec]]]) -> str:
    """A module with one kernel ``run_<i>(w, out, lo, hi)`` per group of specs, for the case rows lo..hi-1.

    Taichi's compile time grows faster than linearly with a kernel's size (one kernel for every overload
    takes minutes), so the specs come in groups of :data:`KERNEL_GROUP`."""
    lines = [
        '"""Generated by tests/test_glsl_runtime.py."""',
        "import taichi as ti",
        "",
        "from glslc.runtime import glsl as G",
    ]
    for i, group in enumerate(groups):
        lines += _taichi_kernel_lines(f"run_{i}", group)
    return "\n".join(lines) + "\n"


def _taichi_kernel_lines(kernel: str, specs: list[tuple[int, Spec]]) -> list[str]:
    lines = [
        "",
        "",
        "@ti.kernel",
        f"def {kernel}(w: ti.types.ndarray(dtype=ti.u32, ndim=2), out: ti.types.ndarray(dtype=ti.u32, ndim=2),",
        "        lo: ti.i32, hi: ti.i32):",
        "    for c in range(lo, hi):",
        "        sig = ti.cast(w[c, 0], ti.i32)",
    ]
    for sid, spec in specs:
        lines.append(f"        if sig == {sid}:  # {spec.label}")
        k = 1
        for i, t in enumerate(spec.ins):
            lines.append(f"            a{i} = {_ti_input(t, k)}")
            k += _words(t)
        lines.append(f"            {spec.taichi}")
        k = 0
        for i, t in enumerate(spec.outs):
            stores, k = _ti_word_stores(t, f"r{i}", k)
            lines += ["            " + s for s in stores]
        if k < MAX_OUT_WORDS:
            lines.append(f"            out[c, {MAX_OUT_WORDS - 1}] = ti.u32({MARKER + sid})")
    return lines


def load_module(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


# ------------------------------------------------------------------------------------------------
# Comparison

# name -> (ULPs, absolute tolerance relative to the largest input magnitude, absolute floor). With the exact
# transcendentals every float result is bit-identical on this kind of host (checked separately); the slack
# covers the libm exp2/log2 (1-2 ULP from llvmpipe, magnified below) and a reference whose CPU lacks FMA.
DEFAULT_TOL = (4, 0.0, 0.0)
TOLERANCES: dict[str, tuple[float, float, float]] = {
    # e^x - e^-x cancels near 0, magnifying an ULP of e^x (about 1e-7)
    "sinh": (4, 0.0, 5e-7),
    "tanh": (4, 0.0, 5e-7),
    # llvmpipe's log2 is a few ULP off just below 1, where log2 is small
    "log": (4, 0.0, 2e-7),
    "log2": (4, 0.0, 2e-7),
    # log(1 + small) cancels the same way
    "asinh": (4, 0.0, 2e-7),
    "acosh": (4, 0.0, 2e-7),
    "atanh": (4, 0.0, 2e-7),
}


def _pow_ulps(case: list[list]) -> np.ndarray:
    """pow = exp2(y * log2(x)) on llvmpipe: its log2's error is multiplied by y * log2(x) (powf has none)."""
    x, y = np.abs(np.array(case[0], np.float64)), np.array(case[1], np.float64)
    with np.errstate(all="ignore"):
        t = np.nan_to_num(np.abs(y * np.log2(x)), nan=0.0, posinf=0.0)
    return 8 + 8 * t


def _ulp_distance(a: np.ndarray, b: np.ndarray, double: bool) -> np.ndarray:
    ftype, itype = (np.float64, np.int64) if double else (np.float32, np.int32)
    ia = a.astype(ftype).view(itype).astype(np.int64)
    ib = b.astype(ftype).view(itype).astype(np.int64)
    sign_bit = np.int64(1) << (63 if double else 31)
    ia = np.where(ia < 0, -(ia & ~sign_bit) if not double else -(ia & (sign_bit - 1)), ia)
    ib = np.where(ib < 0, -(ib & ~sign_bit) if not double else -(ib & (sign_bit - 1)), ib)
    return np.abs(ia - ib)


def compare_float(name: str, ref: np.ndarray, got: np.ndarray, scale: float, double: bool,
                  case: list[list]) -> bool:
    ulps, rel_scale, floor_ = TOLERANCES.get(name, DEFAULT_TOL)
    if name == "pow":
        ulps = _pow_ulps(case)
    both_nan = np.isnan(ref) & np.isnan(got)
    same = (ref == got) | both_nan
    with np.errstate(invalid="ignore", over="ignore"):
        close = _ulp_distance(ref, got, double) <= ulps
        close |= np.abs(ref - got) <= max(rel_scale * scale, floor_)
    close &= np.isfinite(ref) == np.isfinite(got)
    close &= np.isnan(ref) == np.isnan(got)
    return bool(np.all(same | close))


@dataclass
class Mismatch:
    label: str
    inputs: list
    ref: list
    got: list

    def __str__(self) -> str:
        return f"{self.label} {self.inputs}: reference {self.ref}, taichi {self.got}"


def check_case(sid: int, spec: Spec, case: list[list], ref_words: np.ndarray,
               got_words: np.ndarray) -> Mismatch | None:
    if sum(map(_words, spec.outs)) < MAX_OUT_WORDS:
        for side, words in (("reference", ref_words), ("taichi", got_words)):
            assert words[-1] == MARKER + sid, f"{spec.label}: the {side} did not run the case"
    flat = [abs(v) for comps in case for v in comps if isinstance(v, float) and math.isfinite(v)]
    scale = max([1.0, *flat])
    k, ok = 0, True
    refs, gots = [], []
    for t in spec.outs:
        n = _words(t)
        r, g = decode(t, ref_words[k: k + n]), decode(t, got_words[k: k + n])
        k += n
        refs.append(r.tolist())
        gots.append(g.tolist())
        if t.base in ("float", "double"):
            ok &= compare_float(spec.name, r, g, scale, t.base == "double", case)
        else:
            ok &= bool(np.array_equal(r, g))
    return None if ok else Mismatch(spec.label, case, refs, gots)


# ------------------------------------------------------------------------------------------------
# Fixtures and tests


@pytest.fixture(scope="session")
def taichi_runtime():
    """Taichi on the CPU with the options the back end should use (:data:`INIT_OPTIONS`), created once.

    A runtime some other test already started is reused rather than reset (a reset would invalidate that
    test's kernels and fields)."""
    import taichi as ti
    from taichi.lang import impl

    if impl.get_runtime().prog is None:
        ti.init(arch=ti.cpu, default_fp=ti.f32, offline_cache=False, log_level="warn", **INIT_OPTIONS)
    return ti


@dataclass
class Suite:
    specs: list[Spec]
    case_spec: list[int]  # case row -> spec index
    case_index: list[int]  # case row -> index in the spec's cases
    inputs: np.ndarray  # cases x words


def build_suite() -> Suite:
    rng = np.random.default_rng(20240611)
    specs = all_specs()
    case_spec, case_index, rows = [], [], []
    for sid, spec in enumerate(specs):
        spec.cases = make_cases(spec, rng)
        for k, case in enumerate(spec.cases):
            words = [sid]
            for t, comps in zip(spec.ins, case, strict=True):
                words += encode(t, comps)
            rows.append(words)
            case_spec.append(sid)
            case_index.append(k)
    width = max(len(r) for r in rows)
    inputs = np.zeros((len(rows), width), np.uint32)
    for i, r in enumerate(rows):
        inputs[i, : len(r)] = r
    return Suite(specs, case_spec, case_index, inputs)


@pytest.fixture(scope="session")
def suite() -> Suite:
    return build_suite()


def run_taichi_suite(suite: Suite, tmp_dir: Path, names: set[str] | None = None,
                     module_name: str = "glsl_runtime_cases") -> np.ndarray:
    """The cases (of the specs named in ``names``, default all) through generated Taichi kernels: (cases, 32)
    words, zero for the cases left out. Kernels compile on the call, with ``G``'s switches as they are then."""
    import taichi as ti

    indexed = [(sid, spec) for sid, spec in enumerate(suite.specs) if names is None or spec.name in names]
    groups = [indexed[i: i + KERNEL_GROUP] for i in range(0, len(indexed), KERNEL_GROUP)]
    path = tmp_dir / f"{module_name}.py"
    path.write_text(taichi_module_source(groups))
    module = load_module(path, module_name)
    w = ti.ndarray(ti.u32, suite.inputs.shape)
    w.from_numpy(suite.inputs)
    out = ti.ndarray(ti.u32, (suite.inputs.shape[0], MAX_OUT_WORDS))
    case_spec = np.array(suite.case_spec)
    for i, group in enumerate(groups):  # the rows of a group's specs are contiguous
        rows = np.nonzero(np.isin(case_spec, [sid for sid, _ in group]))[0]
        getattr(module, f"run_{i}")(w, out, int(rows[0]), int(rows[-1]) + 1)
    return out.to_numpy()


def run_glsl_suite(ctx, suite: Suite, chunk: int = 120) -> np.ndarray:
    """All cases through the reference, one shader per ``chunk`` specs of one ``#version``."""
    result = np.zeros((suite.inputs.shape[0], MAX_OUT_WORDS), np.uint32)
    by_version: dict[str, list[int]] = {}
    for sid, spec in enumerate(suite.specs):
        by_version.setdefault(spec.version, []).append(sid)
    case_spec = np.array(suite.case_spec)
    for version, sids in by_version.items():
        for start in range(0, len(sids), chunk):
            part = sids[start: start + chunk]
            rows = np.nonzero(np.isin(case_spec, part))[0].tolist()
            result[rows] = run_glsl(ctx, [(s, suite.specs[s]) for s in part], version, suite.inputs, rows)
    return result


# Known results: what Mesa llvmpipe gives (measured with moderngl), checked without needing OpenGL. Each entry
# is (Taichi expression over the locals of the generated kernel, expected value; NaN means any NaN).
KNOWN: list[tuple[str, float]] = [
    ("G.idiv(seven, zero)", 0), ("G.idiv(-seven, zero)", 0), ("G.idiv(int_min, -one)", INT_MIN),
    ("G.idiv(-seven, 2)", -3), ("G.idiv(ti.u32(7), ti.u32(0))", 0xFFFFFFFF),
    ("G.imod(seven, zero)", -1), ("G.imod(-5 * one, 2)", 1), ("G.imod(-seven, 3)", 0), ("G.imod(5 * one, -one)", 5),
    ("G.imod(seven, 3)", 1), ("G.imod(ti.u32(7), ti.u32(0))", 0xFFFFFFFF),
    ("G.round(2.5 * f1)", 2.0), ("G.round(3.5 * f1)", 4.0), ("G.round(-2.5 * f1)", -2.0),
    ("G.roundEven(0.5 * f1)", 0.0),
    ("G.pow(f0, f0)", 0.0), ("G.pow(f0, -0.5)", 0.0), ("G.pow(-2.0 * f1, 2.0)", NAN), ("G.pow(2.0 * f1, 10.0)", 1024.0),
    ("G.atan(f0, f0)", 2.3561911582946777), ("G.atan(f1, f1)", 0.7853948473930359), ("G.atan(nan)", 0.0),
    ("G.findMSB(zero)", -1), ("G.findMSB(-one)", -1), ("G.findMSB(int_min)", 30), ("G.findLSB(zero)", -1),
    ("G.findMSB(ti.u32(0x80000000))", 31), ("G.findLSB(int_min)", 31), ("G.bitCount(-one)", 32),
    ("G.isnan(nan)", 1), ("G.isinf(inf)", 1), ("G.isinf(-inf)", 1), ("G.isnan(inf - inf)", 1),
    ("G.sign(nan)", 0.0), ("G.fract(-1e-9 * f1)", 1.0), ("G.clamp(nan, 0.0, 1.0)", 0.0), ("G.step(0.0, nan)", 0.0),
    ("G.sin(inf)", NAN), ("G.sin(43758.5453 * f1)", 0.6420711874961853),
    ("G.packHalf2x16(ti.Vector([f1, -2.0]))", 0xC0003C00), ("G.packHalf2x16(ti.Vector([65520.0 * f1, 0.0]))", 0x7C00),
    ("G.mix_select(f1, 2.0, one)", 2.0), ("G.mix(f1, 2.0, one)", 2.0), ("G.mix(f1, 3.0, 0.5)", 2.0),
    ("G.vec_equal(ti.Vector([f1, nan]), ti.Vector([f1, nan]))", 0),
    ("G.vec_not_equal(ti.Vector([f1, 2.0]), ti.Vector([f1, 2.0]))", 0),
    ("G.max(-f1, 0.0)", 0.0), ("G.clamp(2.0 * f1, 0.0, 1.0)", 1.0), ("G.step(0.5, f1)", 1.0),
    ("G.smoothstep(0.0, 1.0, 0.5 * f1)", 0.5), ("G.mod(-0.25 * f1, 1.0)", 0.75), ("G.min(3, seven)", 3),
    ("G.clamp(ti.Vector([-f1, 0.5, 2.0]), 0.0, 1.0)[1]", 0.5), ("G.mix(ti.Vector([f0, 2.0]), 4.0, 0.5)[1]", 3.0),
    ("G.step(0.5, ti.Vector([f0, f1]))[1]", 1.0), ("G.max(ti.Vector([seven, -seven]), 0)[1]", 0),
    ("G.length(1e20 * f1)", INF), ("G.distance(1e20 * f1, f0)", 1e20), ("G.normalize(f0)", 0.0),
    ("G.modf(-2.5 * f1)[0]", -0.5), ("G.modf(-2.5 * f1)[1]", -2.0), ("G.frexp(8.0 * f1)[0]", 0.5),
    ("G.frexp(8.0 * f1)[1]", 4), ("G.ldexp(f1, 128 * one)", INF), ("G.uaddCarry(ti.u32(0xFFFFFFFF), ti.u32(2))[1]", 1),
    ("G.umulExtended(ti.u32(0xFFFFFFFF), ti.u32(2))[0]", 1), ("G.imulExtended(-one, 2 * one)[0]", -1),
    ("G.all(ti.Vector([one, one]))", 1), ("G.any(ti.Vector([zero, zero]))", 0), ('getattr(G, "not")(zero)', 1),
    ("G.determinant(ti.Matrix([[2.0 * f1, 0.0], [0.0, 3.0]]))", 6.0),
    ("G.inverse(ti.Matrix([[2.0 * f1, 0.0], [0.0, 4.0]]))[1, 1]", 0.25),
]


def _known_module_source() -> str:
    lines = ['"""Generated by tests/test_glsl_runtime.py."""', "import taichi as ti", "",
             "from glslc.runtime import glsl as G", "", "",
             "@ti.kernel",
             "def run(f: ti.types.ndarray(dtype=ti.f32, ndim=1), i: ti.types.ndarray(dtype=ti.i64, ndim=1),",
             "        s: ti.types.ndarray(dtype=ti.f32, ndim=1)):",
             "    f0, f1, nan, inf = s[0], s[1], s[2], s[3]",
             "    zero, one, seven = ti.cast(s[0], ti.i32), ti.cast(s[1], ti.i32), ti.cast(s[4], ti.i32)",
             "    int_min = ti.i32(-2147483648) * one"]
    for k, (expr, _) in enumerate(KNOWN):
        lines.append(f"    v{k} = {expr}")
        lines.append(f"    f[{k}] = ti.cast(v{k}, ti.f32)")
        lines.append(f"    i[{k}] = ti.cast(v{k}, ti.i64)")
    return "\n".join(lines) + "\n"


def test_every_builtin_is_provided():
    from glslc.runtime import glsl as G

    missing = [n for n in runtime_builtin_names() if not callable(getattr(G, n, None))]
    assert not missing, f"missing built-ins: {missing}"
    for helper in ("mix_select", "idiv", "imod", "vec_equal", "vec_not_equal", "not_", "not"):
        assert callable(getattr(G, helper))


def test_known_values(taichi_runtime, tmp_path):
    """Mesa's results for division by zero, ``%`` on negative ints, rounding, ``pow``/``atan`` at 0, NaN and
    infinity handling; also calls with Python literals (as generated code makes them) and ``getattr(G, "not")``."""
    import warnings

    import taichi as ti

    path = tmp_path / "glsl_runtime_known.py"
    path.write_text(_known_module_source())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)  # Taichi warns about calling getattr in a kernel
        module = load_module(path, "glsl_runtime_known")
        f = ti.ndarray(ti.f32, len(KNOWN))
        i = ti.ndarray(ti.i64, len(KNOWN))
        scalars = ti.ndarray(ti.f32, 5)
        scalars.from_numpy(np.array([0.0, 1.0, NAN, INF, 7.0], np.float32))
        module.run(f, i, scalars)
    fs, ints = f.to_numpy(), i.to_numpy()
    bad = []
    for k, (expr, want) in enumerate(KNOWN):
        if isinstance(want, float):
            ok = math.isnan(fs[k]) if math.isnan(want) else fs[k] == np.float32(want)
            got: float = float(fs[k])
        else:
            ok = ints[k] in (want, want - 2**32, want + 2**32)
            got = int(ints[k])
        if not ok:
            bad.append(f"{expr}: expected {want}, got {got}")
    assert not bad, "\n".join(bad)


def _transcendentals_kernel():
    """A fresh kernel (compiled on first call, with ``G``'s switches as they are then)."""
    import taichi as ti

    from glslc.runtime import glsl as G

    @ti.kernel
    def run(x: ti.types.ndarray(dtype=ti.f32, ndim=1), out: ti.types.ndarray(dtype=ti.f32, ndim=2)):
        for i in range(x.shape[0]):
            v = x[i]
            out[i, 0] = G.sin(v)
            out[i, 1] = G.cos(ti.Vector([v, 1.0]))[0]
            out[i, 2] = G.tan(v * 0.1)
            out[i, 3] = G.exp2(v * 0.1)
            out[i, 4] = G.log2(ti.abs(v) + 0.5)
            out[i, 5] = G.pow(ti.abs(v) * 0.1, 2.2)
            out[i, 6] = G.exp(ti.Vector([v * 0.05, 0.0]))[0]
            out[i, 7] = G.log(ti.abs(v) + 2.0)

    return run


@pytest.mark.parametrize("inline", [False, True])
def test_switches(taichi_runtime, inline):
    """The libm transcendentals (``EXACT_SIN_COS``/``EXACT_EXP_LOG`` off) stay within a few ULP of the exact
    ones, and the inlined cores (``INLINE_TRANSCENDENTALS``) equal the real_func ones."""
    import taichi as ti

    from glslc.runtime import glsl as G

    xs = np.random.default_rng(7).uniform(-50, 50, 256).astype(np.float32)
    x = ti.ndarray(ti.f32, len(xs))
    x.from_numpy(xs)
    results = []
    saved = G.EXACT_SIN_COS, G.EXACT_EXP_LOG, G.INLINE_TRANSCENDENTALS
    try:
        for exact, inl in ((True, False), (True, True) if inline else (False, False)):
            G.EXACT_SIN_COS = G.EXACT_EXP_LOG = exact
            G.INLINE_TRANSCENDENTALS = inl
            out = ti.ndarray(ti.f32, (len(xs), 8))
            _transcendentals_kernel()(x, out)
            results.append(out.to_numpy())
    finally:
        G.EXACT_SIN_COS, G.EXACT_EXP_LOG, G.INLINE_TRANSCENDENTALS = saved
    first, second = results
    assert np.all(np.isfinite(first)) and np.all(np.isfinite(second))
    if inline:
        assert np.array_equal(first.view(np.uint32), second.view(np.uint32))
    else:
        ulps = _ulp_distance(first.astype(np.float64), second.astype(np.float64), False)
        assert ulps[:, [0, 1, 3, 4, 6, 7]].max() <= 4
        assert np.allclose(first[:, [2, 5]], second[:, [2, 5]], rtol=1e-5, atol=1e-6)


@pytest.fixture(scope="session")
def reference_words(gl, suite) -> np.ndarray:
    """Every case through the reference: (cases, 32) words."""
    return run_glsl_suite(gl, suite)


SIN_COS_NAMES = {"sin", "cos", "tan"}
EXP_LOG_NAMES = {"exp", "exp2", "log", "log2", "pow", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh"}


def float_identity(suite: Suite, ref: np.ndarray, got: np.ndarray, names: set[str] | None = None) -> tuple[int, int]:
    """(float results compared, results with identical bits or both NaN), over the specs in ``names`` (default
    all). For doubles -0.0 and +0.0 count as identical: Mesa's fp64 lowering of ceil/trunc/round gives +0.0 for
    inputs in (-1, 0], IEEE -0.0."""
    total = same = 0
    for row, sid in enumerate(suite.case_spec):
        if names is not None and suite.specs[sid].name not in names:
            continue
        k = 0
        for t in suite.specs[sid].outs:
            n = _words(t)
            if t.base in ("float", "double"):
                rw, gw = ref[row][k: k + n], got[row][k: k + n]
                r, g = decode(t, rw), decode(t, gw)
                equal = (rw.reshape(len(r), -1) == gw.reshape(len(r), -1)).all(axis=1)
                if t.base == "double":
                    equal |= (r == 0) & (g == 0)
                total += len(r)
                same += int(np.sum(equal | (np.isnan(r) & np.isnan(g))))
            k += n
    return total, same


def compare_suite(suite: Suite, ref: np.ndarray, got: np.ndarray, names: set[str] | None = None,
                  exact: set[str] | None = None) -> None:
    """Every case of the specs in ``names`` (default all) within tolerance; the float results of the specs in
    ``exact`` (default: those compared) bit-identical in at least 99% of the comparisons."""
    mismatches: dict[str, list[Mismatch]] = {}
    for row, (sid, k) in enumerate(zip(suite.case_spec, suite.case_index, strict=True)):
        spec = suite.specs[sid]
        if names is not None and spec.name not in names:
            continue
        bad = check_case(sid, spec, spec.cases[k], ref[row], got[row])
        if bad is not None:
            mismatches.setdefault(spec.name, []).append(bad)
    n_float, n_identical = float_identity(suite, ref, got, exact if exact is not None else names)
    print(f"{n_identical} of {n_float} float results bit-identical")
    report = "\n".join(str(m) for ms in mismatches.values() for m in ms[:3])
    assert not mismatches, f"{sum(map(len, mismatches.values()))} mismatches in {sorted(mismatches)}:\n{report}"
    # the runtime replays llvmpipe's formulas: bit-identity is the rule, the tolerances cover the rest
    assert n_identical >= 0.99 * n_float, f"only {n_identical} of {n_float} float results are bit-identical"


def test_against_reference(taichi_runtime, suite, reference_words, tmp_path_factory):
    """Every overload, with the runtime's default switches."""
    from glslc.runtime import glsl as G

    t0 = time.perf_counter()
    got = run_taichi_suite(suite, tmp_path_factory.mktemp("glsl_runtime"))
    print(f"{len(suite.specs)} overloads, {len(suite.case_spec)} cases: taichi {time.perf_counter() - t0:.1f} s")
    libm = (set() if G.EXACT_SIN_COS else SIN_COS_NAMES) | (set() if G.EXACT_EXP_LOG else EXP_LOG_NAMES)
    compare_suite(suite, reference_words, got, exact={spec.name for spec in suite.specs} - libm)


def test_exact_transcendentals_against_reference(taichi_runtime, suite, reference_words, tmp_path_factory):
    """``EXACT_SIN_COS`` and ``EXACT_EXP_LOG`` on: their functions bit-identical to llvmpipe."""
    from glslc.runtime import glsl as G

    names = SIN_COS_NAMES | EXP_LOG_NAMES
    saved = G.EXACT_SIN_COS, G.EXACT_EXP_LOG
    try:
        G.EXACT_SIN_COS = G.EXACT_EXP_LOG = True
        got = run_taichi_suite(suite, tmp_path_factory.mktemp("glsl_runtime_exact"), names,
                               module_name="glsl_runtime_exact_cases")
    finally:
        G.EXACT_SIN_COS, G.EXACT_EXP_LOG = saved
    compare_suite(suite, reference_words, got, names)
