"""Differential test of the Taichi builtin library ``glslc.runtime.glsl`` against the reference (Mesa llvmpipe).

Every overload of every non-texture built-in (from :func:`glslc.builtins.overloads`, in ``#version 300 es``,
else ``#version 450``), plus the helpers the code generator uses for operators (``idiv``, ``imod``,
``vec_equal``, ``vec_not_equal``, ``mix_select``), is called on a handful of inputs (ordinary values and
edge cases) both ways:

* GLSL: fragment shaders, one pixel per case, read their inputs as raw 32-bit words from an unsigned
  integer texture (so nothing is constant-folded) and write their results' bit patterns into RGBA32UI
  targets (up to 8 of them: 32 words per case);
* Taichi: one generated kernel (written to a temporary module and imported, since Taichi reads kernel
  source with ``inspect``) does the same for all cases at once.

Integer, bit and bool results must match exactly; float results within per-function tolerances (a few ULP,
looser where llvmpipe's own approximations of the transcendental functions differ: see ``TOLERANCES``).
"""

from __future__ import annotations

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
KERNEL_GROUP = int(__import__("os").environ.get("KG", 16))  # specs per generated Taichi kernel
MARKER = 0x5EED0000  # written to the last word by every case with room for it: proof that the case ran
INIT_OPTIONS = {"default_fp": "f32", "fast_math": False}


def tested_names() -> list[str]:
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
                     (vector("uint", 4), vector("uint", 4)), (vector("uint", 2), UINT)):
            out.append(Spec(f"{a} {op} {b}", helper, "300 es", [a, b], [a], f"r0 = a0 {op} a1;",
                            f"r0 = G.{helper}(a0, a1)"))
    for op, helper in (("==", "vec_equal"), ("!=", "vec_not_equal")):
        for t in (vector("float", 3), vector("int", 2), vector("uint", 4), vector("bool", 2), matrix(2, 2),
                  matrix(3, 2), FLOAT, INT):
            out.append(Spec(f"{t} {op} {t}", helper, "300 es", [t, t], [BOOL], f"r0 = a0 {op} a1;",
                            f"r0 = G.{helper}(a0, a1)"))
    return out


def all_specs() -> list[Spec]:
    specs = []
    for name in tested_names():
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
POSITIVE = [1e-30, 1e-5, 0.001, 0.1, 0.5, 1.0, 2.0, 2.718, 10.0, 1000.0, 1e10, 3e38, 0.7, 123.4]
TRIG = [0.0, 0.1, -0.1, 1.0, -1.0, 3.14159265, -3.14159265, 1.5707964, 10.0, -10.0, 100.5, 1000.25, -5000.75,
        0.7853982, 2.0, 6.2831855]
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
        return [-87.0, -20.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 10.0, 20.0, 80.0, 0.1]
    if name == "exp2":
        return [-126.0, -20.5, -1.0, 0.0, 0.5, 1.0, 3.3, 10.0, 64.0, 127.0, -0.1, 0.3]
    if name in ("sinh", "cosh", "tanh", "asinh"):
        return [-10.0, -3.0, -1.0, -0.1, 0.0, 0.1, 0.5, 1.0, 3.0, 9.9, 0.01, -0.7]
    if name == "pow":
        return [0.0, 1e-3, 0.5, 1.0, 1.5, 2.0, 10.0, 100.0, 3.7] if param == 0 else \
            [-2.0, -0.5, 0.0, 0.5, 1.0, 2.0, 3.3, 10.0, 0.1]
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
        _fix_domain(spec, case, k, rng)
        cases.append(case)
    return cases




def _fix_domain(spec: Spec, case: list[list], k: int, rng: np.random.Generator) -> None:
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
    ctx.viewport = (0, 0, n, 1)
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

# name -> (ULPs, absolute tolerance relative to the largest input magnitude, absolute floor)
DEFAULT_TOL = (4, 0.0, 0.0)
TOLERANCES: dict[str, tuple[float, float, float]] = {
    # doubles: llvmpipe fuses x + (y - x) * a; ~1e-16 apart, far below any 8-bit difference
    "mix": (4, 0.0, 1e-12),
    # GLSL inherits sinh/tanh precision from exp; llvmpipe's exp-based formula loses ~3e-8 near 0
    "sinh": (4, 0.0, 1e-6),
    "tanh": (4, 0.0, 1e-6),
}
# Known reference (Mesa) defects or flushes, excluded from the comparison with the reason:
# - ldexp on doubles: Mesa gives ldexp(0.0, -1) = 0.25; and results below 2^-126 are flushed by Taichi.
SKIP_CASES = {("ldexp", "double"), ("ldexp", "dvec2"), ("ldexp", "dvec3"), ("ldexp", "dvec4")}


def _ulp_distance(a: np.ndarray, b: np.ndarray, double: bool) -> np.ndarray:
    ftype, itype = (np.float64, np.int64) if double else (np.float32, np.int32)
    ia = a.astype(ftype).view(itype).astype(np.int64)
    ib = b.astype(ftype).view(itype).astype(np.int64)
    sign_bit = np.int64(1) << (63 if double else 31)
    ia = np.where(ia < 0, -(ia & ~sign_bit) if not double else -(ia & (sign_bit - 1)), ia)
    ib = np.where(ib < 0, -(ib & ~sign_bit) if not double else -(ib & (sign_bit - 1)), ib)
    return np.abs(ia - ib)


def compare_float(name: str, ref: np.ndarray, got: np.ndarray, scale: float, double: bool) -> bool:
    ulps, rel_scale, floor_ = TOLERANCES.get(name, DEFAULT_TOL)
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
            ok &= compare_float(spec.name, r, g, scale, t.base == "double")
        else:
            ok &= bool(np.array_equal(r, g))
    return None if ok else Mismatch(spec.label, case, refs, gots)


# ------------------------------------------------------------------------------------------------
# Fixtures and tests


@pytest.fixture(scope="session")
def taichi_runtime():
    """Taichi on the CPU, once per session, with the options the back end uses."""
    import taichi as ti

    ti.init(arch=ti.cpu, default_fp=ti.f32, fast_math=INIT_OPTIONS["fast_math"], offline_cache=False,
            log_level="warn")
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


def run_taichi_suite(suite: Suite, tmp_dir: Path) -> np.ndarray:
    """All cases through one generated Taichi kernel: (cases, 32) words."""
    import taichi as ti

    indexed = list(enumerate(suite.specs))
    groups = [indexed[i: i + KERNEL_GROUP] for i in range(0, len(indexed), KERNEL_GROUP)]
    path = tmp_dir / "glsl_runtime_cases.py"
    path.write_text(taichi_module_source(groups))
    module = load_module(path, "glsl_runtime_cases")
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


def test_every_builtin_is_provided():
    from glslc.runtime import glsl as G

    missing = [n for n in tested_names() if not callable(getattr(G, n, None))]
    assert not missing, f"missing built-ins: {missing}"
    for helper in ("mix_select", "idiv", "imod", "vec_equal", "vec_not_equal", "not_"):
        assert callable(getattr(G, helper))


def test_against_reference(gl, taichi_runtime, suite, tmp_path_factory):
    t0 = time.perf_counter()
    ref = run_glsl_suite(gl, suite)
    t1 = time.perf_counter()
    got = run_taichi_suite(suite, tmp_path_factory.mktemp("glsl_runtime"))
    t2 = time.perf_counter()
    mismatches: dict[str, list[Mismatch]] = {}
    for row, (sid, k) in enumerate(zip(suite.case_spec, suite.case_index, strict=True)):
        spec = suite.specs[sid]
        if any(spec.name == n and spec.label.startswith(t + " ") for n, t in SKIP_CASES):
            continue
        bad = check_case(sid, spec, spec.cases[k], ref[row], got[row])
        if bad is not None:
            mismatches.setdefault(spec.name, []).append(bad)
    print(f"{len(suite.specs)} overloads, {len(suite.case_spec)} cases: reference {t1 - t0:.1f} s, "
          f"taichi {t2 - t1:.1f} s")
    report = "\n".join(str(m) for ms in mismatches.values() for m in ms[:3])
    assert not mismatches, f"{sum(map(len, mismatches.values()))} mismatches in {sorted(mismatches)}:\n{report}"


