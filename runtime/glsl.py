"""The GLSL built-in functions as Taichi functions, for generated shader modules (``G.<name>(...)``).

Value representation (what the code generator emits and these functions expect and return):

* ``float`` -> ``ti.f32``, ``int`` -> ``ti.i32``, ``uint`` -> ``ti.u32``, ``bool`` -> ``ti.i32`` holding 0/1,
  ``double`` -> ``ti.f64``;
* ``vecN``/``ivecN``/``uvecN``/``bvecN`` -> ``ti.types.vector(N, dtype)`` (``bvec`` as i32 0/1);
* ``matCxR`` -> a Taichi matrix with R rows and C columns (Taichi's ``m[r, c]`` is GLSL's ``m[c][r]``).

Arguments arrive converted to the parameter types of the resolved overload. Every public function here is a
``@ti.func`` (inlined per call, polymorphic over scalar/vector and dtype). Builtins with ``out`` parameters
return a tuple ``(return_value, out1, out2, ...)`` in parameter order; void ones only the outs
(``umulExtended``/``imulExtended`` return ``(msb, lsb)``).

Names the code generator must spell specially: ``not`` is a Python keyword, so it is :func:`not_` (the module
attribute ``"not"`` is the same function, for ``getattr(G, "not")``, but Taichi warns about calling ``getattr``
inside a kernel); ``mix`` with a bool selector is :func:`mix_select` (plain :func:`mix` forwards an
integer-typed selector there too); GLSL integer ``/`` and ``%`` are :func:`idiv` and :func:`imod`; ``==`` and
``!=`` on vectors and matrices are :func:`vec_equal` and :func:`vec_not_equal`.

Numerics follow Mesa llvmpipe, the project's reference, as measured (``tests/test_glsl_runtime.py`` runs every
overload on both): the same formulas in the same order wherever Mesa lowers a built-in to arithmetic (``asin``,
``acos`` and ``atan`` are its polynomial approximations, ``tan = sin/cos``, ``exp(x) = exp2(x * log2 e)``,
``log(x) = log2(x) * ln 2``, ``pow(x, y) = x == 0 ? 0 : exp2(y * log2 x)``, ``mix = x + (y - x) * a``, dot
products summed from the last component down, Mesa's cofactor ``inverse``/``determinant``, an unfused ``fma``);
``round`` rounds halves to even; ``min``/``max`` return the non-NaN operand; integer division by zero,
``INT_MIN / -1`` and ``%`` give llvmpipe's results (see :func:`idiv`, :func:`imod`). ``sin``/``cos`` (and, when
:data:`EXACT_EXP_LOG` is on, ``exp2``/``log2``) replay llvmpipe's own polynomials with its fused multiply-adds.
Every float result of the test is then bit-identical to llvmpipe's, except the sign of a zero that
``min``/``max`` return on ties (llvmpipe returns the second operand) and, with the default libm ``exp2``/``log2``,
the exponential family (1-2 ULP). llvmpipe fuses those multiply-adds because the CPU has FMA; on a CPU without it
the reference itself would differ by an ULP or so.

Initialise Taichi with ``ti.init(arch=ti.cpu, default_fp=ti.f32, fast_math=False)``: with ``fast_math=True``
LLVM reassociates and contracts (``inverse``, ``refract``, ``mix`` drift from the reference, ``atanh(1)`` stops
being inf, ``inf - inf`` folds to 0), and it buys no measurable speed. ``isnan``/``isinf`` test the bits.
"""

import math
import os
import struct
from typing import Any

import taichi as ti
from taichi.lang import impl
from taichi.lang.expr import Expr

from . import taichi_speedups

taichi_speedups.apply()  # before the first @ti.func below (see the module)

__all__ = [
    "abs", "acos", "acosh", "all", "any", "asin", "asinh", "atan", "atanh", "bitCount", "bitfieldExtract",
    "bitfieldInsert", "bitfieldReverse", "ceil", "clamp", "cos", "cosh", "cross", "degrees", "determinant",
    "distance", "dot", "equal", "exp", "exp2", "faceforward", "findLSB", "findMSB", "floatBitsToInt",
    "floatBitsToUint", "floor", "fma", "fract", "frexp", "greaterThan", "greaterThanEqual", "imulExtended",
    "intBitsToFloat", "inverse", "inversesqrt", "isinf", "isnan", "ldexp", "length", "lessThan", "lessThanEqual",
    "log", "log2", "matrixCompMult", "max", "min", "mix", "mod", "modf", "normalize", "notEqual", "outerProduct",
    "packDouble2x32", "packHalf2x16", "packSnorm2x16", "packSnorm4x8", "packUnorm2x16", "packUnorm4x8", "pow",
    "radians", "reflect", "refract", "round", "roundEven", "sign", "sin", "sinh", "smoothstep", "sqrt", "step",
    "tan", "tanh", "transpose", "trunc", "uaddCarry", "uintBitsToFloat", "umulExtended", "unpackDouble2x32",
    "unpackHalf2x16", "unpackSnorm2x16", "unpackSnorm4x8", "unpackUnorm2x16", "unpackUnorm4x8", "usubBorrow",
    "not_", "mix_select", "idiv", "imod", "vec_equal", "vec_not_equal", "noise1", "noise2", "noise3", "noise4",
    "pow_int", "hot",
]

# Switches, read when a kernel is compiled (set them before that); their defaults come from the environment
# variables of the same name with a GLSLC_ prefix ("0" or "1").
#
# EXACT_SIN_COS: sin, cos and tan replay llvmpipe's Cephes polynomials bit for bit on the CPU back end (fused
# multiply-adds emulated in f64). Hash noise (fract(sin(x) * 43758.5453), in a quarter of the corpus) magnifies
# one ULP into visible differences: on the first 150 corpus shaders the agree rate was 76.5% with libm sin/cos
# and 81.9% with these (83.2% with EXACT_EXP_LOG too). Costs ~25% more run time per call than libm and, in
# big kernels, compile time (a synthetic 10-primitive raymarcher: 10 s -> 17.5 s).
EXACT_SIN_COS = os.environ.get("GLSLC_EXACT_SIN_COS", "1") != "0"
# EXACT_EXP_LOG: the same for exp2 and log2 (so exp, log, pow and the hyperbolic functions). On (default): lane
# kernels (glslc.runtime.lanes), where these polynomials vectorize, always use them, and the scalar kernel that a
# shader falls back to on the CPU must compute the same bits. Off: exp2/log2 from libm (1-2 ULP from llvmpipe)
# and pow = powf, with Mesa's pow(0, y) = 0 and pow(x < 0, y) = NaN (a scalar raymarcher with pow in its
# distance function renders 2.6x faster that way).
EXACT_EXP_LOG = os.environ.get("GLSLC_EXACT_EXP_LOG", "1") != "0"
# INLINE_TRANSCENDENTALS: off (default), the big scalar cores (exact sin/cos/exp2/log2, atan, the half-float
# conversions) are @ti.real_func: about 3 ms of compile time per call site instead of about 30 ms inlined, the
# same run time, but Taichi's offline cache never hits for a kernel that calls a real_func (measured). On: they
# are inlined like everything else (cache-friendly; what Vulkan, where real_func fails, always gets).
# On Vulkan Taichi's own sin/exp/log/pow are used whatever the switches say: they are lavapipe's, i.e. llvmpipe's
# own code, and bit-identical (measured for sin, exp2, log2, pow).
INLINE_TRANSCENDENTALS = os.environ.get("GLSLC_INLINE_TRANSCENDENTALS", "0") != "0"

_LOG2_E = 1.4426950408889634  # float32 0x3FB8AA3B, as Mesa's lowering of exp()
_LN2 = 0.6931471805599453
_HALF_PI = math.pi / 2
_INF = math.inf
_NAN = math.nan
# llvmpipe's minimax polynomials for 2^x on [0, 1) and log2((1 + sqrt(z)) / (1 - sqrt(z))) / sqrt(z)
_EXP2_C = (1.0, 0.693153073200168932794, 0.240153617044375388211, 0.0558263180532956664775,
           0.00898934009049466391101, 0.00187757667519147912699)
_LOG2_C = (2.88539009343309178325, 0.961791550404184197881, 0.577440339438736392009, 0.403343858251329912514,
           0.406718052498846252698)
_QUARTER_PI_MINUS_1 = struct.unpack("<f", struct.pack("<f", math.pi / 4))[0] - 1.0  # Mesa's M_PI_4f - 1.0f

# ------------------------------------------------------------------------------------------------
# Compile-time helpers (plain Python, run on the argument expressions inside ti.static)


def _llvm_arch() -> bool:
    return impl.current_cfg().arch in (ti.x64, ti.arm64, ti.cuda)


#: Set while a lane kernel compiles (glslc.runtime.lanes): there the cores are always exact and inlined, since
#: a call to a real function or to libm inside a lane loop keeps LLVM from vectorizing the loop.
_MODE = {"lanes": False, "real_cores": False}


def _exact_sincos() -> bool:
    """:data:`EXACT_SIN_COS`, on the LLVM back ends (on Vulkan Taichi's own functions are exact); always in
    lane kernels."""
    return (EXACT_SIN_COS or _MODE["lanes"]) and _llvm_arch()


def _exact_explog() -> bool:
    """:data:`EXACT_EXP_LOG`, on the LLVM back ends; always in lane kernels."""
    return (EXACT_EXP_LOG or _MODE["lanes"]) and _llvm_arch()


def _use_real_funcs() -> bool:
    """Whether the big scalar cores are called as ``@ti.real_func`` (not on Vulkan, where they fail, nor in
    lane kernels unless they are big: glslc.runtime.lanes)."""
    return not INLINE_TRANSCENDENTALS and (not _MODE["lanes"] or _MODE["real_cores"]) and _llvm_arch()


class hot:  # noqa: N801 - used like a decorator in generated modules
    """A user function the back end chose to compile once and call (see ``glslc.lower.inline_plan``).

    ``real`` is the ``@ti.real_func`` variant (annotated), ``inline`` the ``@ti.func`` one (same body). The
    choice is made when a kernel is compiled, for the arch that compiles it: real on the LLVM back ends,
    inlined on Vulkan, where real functions fail (TAICHI.md).
    """

    _is_taichi_function = True  # so Taichi's transformer calls it like its own functions

    def __init__(self, real: Any, inline: Any) -> None:
        self.real, self.inline = real, inline
        self.__name__ = getattr(real, "__name__", "hot")
        self._chosen = inline

    @property
    def func(self) -> Any:
        return self._chosen.func

    def __call__(self, *args: Any) -> Any:
        self._chosen = self.real if _llvm_arch() else self.inline
        return self._chosen(*args)


def _is_tensor(x: Any) -> bool:
    """Whether a Taichi-scope value is a vector or matrix."""
    return isinstance(x, Expr) and x.is_tensor()


def _dtype(x: Any) -> Any:
    """The (element) dtype of a Taichi-scope value; Python literals count as i32 / f32."""
    if isinstance(x, Expr):
        return x.element_type()
    if isinstance(x, float):
        return ti.f32
    return ti.i32


def _dtype_of(x: Any) -> tuple[Any]:
    """``(dtype,)``: ``ti.static`` takes tuples but not dtypes, so Taichi code reads ``ti.static(_dtype_of(x))[0]``."""
    return (_dtype(x),)


def _is_f64(x: Any) -> bool:
    return _dtype(x) == ti.f64


def _is_float(x: Any) -> bool:
    return _dtype(x) in (ti.f16, ti.f32, ti.f64)


def _is_unsigned(x: Any) -> bool:
    return _dtype(x) in (ti.u8, ti.u16, ti.u32, ti.u64)


def _is_none(x: Any) -> bool:
    return x is None


def _size(x: Any) -> int:
    """Vector length (1 for scalars)."""
    return x.get_shape()[0] if _is_tensor(x) else 1


@ti.func
def _each(fn: ti.template(), x):
    """``fn`` (a scalar ``ti.real_func``) applied to a scalar or to each component of a vector."""
    if ti.static(_is_tensor(x)):
        return ti.Vector([fn(x[i]) for i in ti.static(range(_size(x)))])
    else:
        return fn(x)


@ti.func
def _each2(fn: ti.template(), x, y):
    """Two-argument :func:`_each` (``x`` and ``y`` of one shape)."""
    if ti.static(_is_tensor(x)):
        return ti.Vector([fn(x[i], y[i]) for i in ti.static(range(_size(x)))])
    else:
        return fn(x, y)


# ------------------------------------------------------------------------------------------------
# Angle and trigonometry (Mesa's formulas: asin/acos/atan are its polynomial approximations)


@ti.func
def radians(x):
    """GLSL ``radians``: ``x * 0.0174532925``."""
    return x * 0.0174532925


@ti.func
def degrees(x):
    """GLSL ``degrees``: ``x * 57.29578``."""
    return x * 57.29578


# llvmpipe's sin/cos/exp2/log2 below use fused multiply-adds; Taichi has none, so each is written inline as
# ``f32(f64(a) * b + c)`` (the f64 product is exact, so this rounds once, like an FMA). See
# INLINE_TRANSCENDENTALS for how the cores are called.


@ti.func
def _sincos_parts(a):
    """llvmpipe's (Cephes ``sinf``) reduction of ``a`` by pi/4 in three parts and both polynomials: returns
    ``(sin poly, cos poly, octant j, bits of a)``; :func:`_sin_from` and :func:`_cos_from` finish."""
    bits = ti.bit_cast(a, ti.u32)
    x = ti.bit_cast(bits & ti.u32(0x7FFFFFFF), ti.f32)
    j = (ti.cast(x * 1.27323954473516, ti.i32) + 1) & -2  # cvttps2dq: INT_MIN for huge x and NaN
    y = ti.cast(j, ti.f64)
    xr = ti.cast(y * -0.78515625 + ti.cast(x, ti.f64), ti.f32)
    xr = ti.cast(y * -2.4187564849853515625e-4 + ti.cast(xr, ti.f64), ti.f32)
    xr = ti.cast(y * -3.77489497744594108e-8 + ti.cast(xr, ti.f64), ti.f32)
    z = xr * xr
    zd = ti.cast(z, ti.f64)
    pc = ti.cast(zd * 2.443315711809948e-5 + -1.388731625493765e-3, ti.f32)
    pc = ti.cast(ti.cast(pc, ti.f64) * zd + 4.166664568298827e-2, ti.f32)
    pc = pc * z * z - z * 0.5 + 1.0
    ps = ti.cast(zd * -1.9515295891e-4 + 8.3321608736e-3, ti.f32)
    ps = ti.cast(ti.cast(ps, ti.f64) * zd + -1.6666654611e-1, ti.f32)
    xd = ti.cast(xr, ti.f64)
    ps = ti.cast(ti.cast(ps * z, ti.f64) * xd + xd, ti.f32)
    return ps, pc, j, bits


@ti.func
def _finish_sincos(r, sign_bits, bits):
    r = ti.min(ti.max(ti.bit_cast(ti.bit_cast(r, ti.u32) ^ sign_bits, ti.f32), -1.0), 1.0)
    return ti.select((bits & ti.u32(0x7F800000)) == ti.u32(0x7F800000), _NAN, r)


@ti.func
def _sin_from(ps, pc, j, bits):
    sign_bits = (bits & ti.u32(0x80000000)) ^ (ti.cast(j & 4, ti.u32) << ti.u32(29))
    return _finish_sincos(ti.select((j & 2) == 0, ps, pc), sign_bits, bits)


@ti.func
def _cos_from(ps, pc, j, bits):
    k = j - 2
    return _finish_sincos(ti.select((k & 2) == 0, ps, pc), ti.cast(~k & 4, ti.u32) << ti.u32(29), bits)


@ti.func
def _sin_core(x):
    ps, pc, j, bits = _sincos_parts(x)
    return _sin_from(ps, pc, j, bits)


@ti.func
def _cos_core(x):
    ps, pc, j, bits = _sincos_parts(x)
    return _cos_from(ps, pc, j, bits)


@ti.func
def _tan_core(x):
    ps, pc, j, bits = _sincos_parts(x)
    return _sin_from(ps, pc, j, bits) / _cos_from(ps, pc, j, bits)


@ti.real_func
def _sin1(x: ti.f32) -> ti.f32:
    return _sin_core(x)


@ti.real_func
def _cos1(x: ti.f32) -> ti.f32:
    return _cos_core(x)


@ti.real_func
def _tan1(x: ti.f32) -> ti.f32:
    return _tan_core(x)


@ti.func
def sin(x):
    """GLSL ``sin``: llvmpipe's algorithm, bit-identical (``sin(1e4)`` too, which hash-noise shaders rely on);
    NaN for infinite input."""
    if ti.static(not _exact_sincos()):
        return ti.sin(x)
    elif ti.static(_use_real_funcs()):
        return _each(_sin1, x)
    else:
        return _sin_core(x)


@ti.func
def cos(x):
    """GLSL ``cos``: llvmpipe's algorithm, bit-identical."""
    if ti.static(not _exact_sincos()):
        return ti.cos(x)
    elif ti.static(_use_real_funcs()):
        return _each(_cos1, x)
    else:
        return _cos_core(x)


@ti.func
def tan(x):
    """GLSL ``tan``: ``sin(x) / cos(x)`` as Mesa lowers it (one shared reduction)."""
    if ti.static(not _exact_sincos()):
        return ti.sin(x) / ti.cos(x)
    elif ti.static(_use_real_funcs()):
        return _each(_tan1, x)
    else:
        return _tan_core(x)


@ti.func
def _asin_expr(x, p0: ti.template(), p1: ti.template()):
    """Mesa's ``asin`` approximation ``sign(x) (pi/2 - sqrt(1-|x|) (pi/2 + |x| (pi/4-1 + |x| (p0 + |x| p1))))``."""
    a = ti.abs(x)
    poly = _HALF_PI + a * (_QUARTER_PI_MINUS_1 + a * (p0 + a * p1))
    return sign(x) * (_HALF_PI - ti.sqrt(1.0 - a) * poly)


@ti.func
def asin(x):
    """GLSL ``asin`` (Mesa's approximation, absolute error below 1e-4; NaN outside [-1, 1])."""
    return _asin_expr(x, 0.086566724, -0.03102955)


@ti.func
def acos(x):
    """GLSL ``acos``: ``pi/2 - asin~(x)`` with Mesa's acos coefficients."""
    return _HALF_PI - _asin_expr(x, 0.08132463, -0.02363318)


@ti.func
def _atan_core(y_over_x):
    """Mesa's ``atan(y_over_x)``: range reduction to [0, 1] and an odd polynomial of degree 11."""
    a = ti.abs(y_over_x)
    x = ti.min(a, 1.0) / ti.max(a, 1.0)
    x2 = x * x
    x3 = x2 * x
    x5 = x3 * x2
    x7 = x5 * x2
    x9 = x7 * x2
    x11 = x9 * x2
    t = (x * 0.9999793128310355 + x3 * -0.3326756418091246 + x5 * 0.1938924977115610
         + x7 * -0.1173503194786851 + x9 * 0.0536813784310406 + x11 * -0.0121323213173444)
    t = ti.select(a > 1.0, 1.0, 0.0) * (t * -2.0 + _HALF_PI) + t
    return t * sign(y_over_x)


@ti.func
def _atan2_core(y, x):
    """Mesa's ``atan(y, x)``: ``atan(0, 0)`` is pi/4 or 3pi/4 there (|x| == |y| counts as tan = 1)."""
    flip = x <= 0.0
    ax = ti.abs(x)
    s = ti.select(flip, ax, y)
    t = ti.select(flip, y, ax)
    scale = ti.select(ti.abs(t) >= 1e18, 0.25, 1.0)
    rcp = 1.0 / (t * scale)
    s_over_t = (s * scale) * rcp
    tn = ti.select(ax == ti.abs(y), 1.0, ti.abs(s_over_t))
    arc = ti.select(flip, 1.0, 0.0) * _HALF_PI + _atan_core(tn)
    return ti.select(ti.min(y, rcp) < 0.0, -arc, arc)


@ti.real_func
def _atan1_1(y_over_x: ti.f32) -> ti.f32:
    return _atan_core(y_over_x)


@ti.real_func
def _atan2_1(y: ti.f32, x: ti.f32) -> ti.f32:
    return _atan2_core(y, x)


@ti.func
def atan(y, x: ti.template() = None):
    """GLSL ``atan(y_over_x)`` and ``atan(y, x)`` (Mesa's approximations, error about 1e-6)."""
    if ti.static(_is_none(x)):
        if ti.static(_use_real_funcs()):
            return _each(_atan1_1, y)
        else:
            return _atan_core(y)
    else:
        if ti.static(_use_real_funcs()):
            return _each2(_atan2_1, y, x)
        else:
            return _atan2_core(y, x)


@ti.func
def sinh(x):
    """GLSL ``sinh``: ``(e^x - e^-x) / 2`` as Mesa computes it."""
    return 0.5 * (exp(x) - exp(-x))


@ti.func
def cosh(x):
    """GLSL ``cosh``: ``(e^x + e^-x) / 2``."""
    return 0.5 * (exp(x) + exp(-x))


@ti.func
def tanh(x):
    """GLSL ``tanh``: ``(e^t - e^-t) / (e^t + e^-t)`` with t = x clamped to [-10, 10] (Mesa's formula)."""
    t = ti.min(ti.max(x, -10.0), 10.0)
    ep = exp(t)
    en = exp(-t)
    return (ep - en) / (ep + en)


@ti.func
def asinh(x):
    """GLSL ``asinh``: ``sign(x) * log(|x| + sqrt(x^2 + 1))``."""
    return sign(x) * log(ti.abs(x) + ti.sqrt(x * x + 1.0))


@ti.func
def acosh(x):
    """GLSL ``acosh``: ``log(x + sqrt(x^2 - 1))`` (NaN below 1)."""
    return log(x + ti.sqrt(x * x - 1.0))


@ti.func
def atanh(x):
    """GLSL ``atanh``: ``log((1 + x) / (1 - x)) / 2``."""
    return 0.5 * log((1.0 + x) / (1.0 - x))


# ------------------------------------------------------------------------------------------------
# Exponential (Mesa: exp(x) = exp2(x * log2(e)), log(x) = log2(x) * ln(2), pow(x, y) = exp2(y * log2(x)))


@ti.func
def _exp2_core(x):
    t = ti.min(ti.max(x, -126.99999), 128.0)
    n = ti.floor(t)
    f = t - n
    scale = ti.bit_cast(ti.cast(ti.cast(n, ti.i32) + 127, ti.u32) << ti.u32(23), ti.f32)
    f2 = ti.cast(f * f, ti.f64)
    odd = ti.cast(f2 * _EXP2_C[5] + _EXP2_C[3], ti.f32)
    odd = ti.cast(f2 * ti.cast(odd, ti.f64) + _EXP2_C[1], ti.f32)
    even = ti.cast(f2 * _EXP2_C[4] + _EXP2_C[2], ti.f32)
    even = ti.cast(f2 * ti.cast(even, ti.f64) + _EXP2_C[0], ti.f32)
    p = ti.cast(ti.cast(odd, ti.f64) * ti.cast(f, ti.f64) + ti.cast(even, ti.f64), ti.f32)
    return ti.select(ti.cast(x == x, ti.i32) == 0, x, scale * p)


@ti.func
def _log2_core(x):
    bits = ti.bit_cast(x, ti.u32)
    e = ti.cast(ti.cast(bits >> ti.u32(23), ti.i32) - 127, ti.f64)  # x < 0 ends as NaN below
    m = ti.bit_cast((bits & ti.u32(0x007FFFFF)) | ti.u32(0x3F800000), ti.f32)
    y = (m - 1.0) / (m + 1.0)
    z = y * y
    z2 = ti.cast(z * z, ti.f64)
    odd = ti.cast(z2 * _LOG2_C[3] + _LOG2_C[1], ti.f32)
    even = ti.cast(z2 * _LOG2_C[4] + _LOG2_C[2], ti.f32)
    even = ti.cast(z2 * ti.cast(even, ti.f64) + _LOG2_C[0], ti.f32)
    p = ti.cast(ti.cast(odd, ti.f64) * ti.cast(z, ti.f64) + ti.cast(even, ti.f64), ti.f32)
    r = ti.cast(ti.cast(y, ti.f64) * ti.cast(p, ti.f64) + e, ti.f32)
    r = ti.select(x == _INF, _INF, ti.select(x == 0.0, -_INF, r))
    return ti.select(x >= 0.0, r, _NAN)


@ti.real_func
def _exp2_1(x: ti.f32) -> ti.f32:
    return _exp2_core(x)


@ti.real_func
def _log2_1(x: ti.f32) -> ti.f32:
    return _log2_core(x)


@ti.func
def exp2(x):
    """GLSL ``exp2``: llvmpipe's ``2^floor(x) * P5(frac(x))`` (even and odd halves, fused multiply-adds) with
    :data:`EXACT_EXP_LOG`, else ``2^floor(x) * e^(frac(x) ln 2)``; x is clamped to [-126.99999, 128] (below
    2^-126 gives 0, 2^128 inf), NaN stays NaN."""
    if ti.static(not _exact_explog()):
        t = ti.min(ti.max(x, -126.99999), 128.0)
        n = ti.floor(t)
        scale = ti.bit_cast(ti.cast(ti.cast(n, ti.i32) + 127, ti.u32) << ti.u32(23), ti.f32)
        return ti.select(ti.cast(x == x, ti.i32) == 0, x, scale * ti.exp((t - n) * _LN2))
    elif ti.static(_use_real_funcs()):
        return _each(_exp2_1, x)
    else:
        return _exp2_core(x)


@ti.func
def log2(x):
    """GLSL ``log2``: llvmpipe's ``exponent + y * P4(y^2)``, y = (m - 1) / (m + 1) for the mantissa m in [1, 2),
    with :data:`EXACT_EXP_LOG`, else libm's; -inf at 0, NaN below 0, inf at inf."""
    if ti.static(not _exact_explog()):
        return ti.log(x) * _LOG2_E
    elif ti.static(_use_real_funcs()):
        return _each(_log2_1, x)
    else:
        return _log2_core(x)


@ti.func
def exp(x):
    """GLSL ``exp``: ``exp2(x * log2(e))``, Mesa's lowering (so large |x| carry the same rounding error)."""
    return exp2(x * _LOG2_E)


@ti.func
def log(x):
    """GLSL ``log``: ``log2(x) * ln(2)``, Mesa's lowering."""
    return log2(x) * _LN2


@ti.func
def pow(x, y):
    """GLSL ``pow``: ``exp2(y * log2(x))`` as llvmpipe computes it: 0 when x == 0 (whatever y), NaN for x < 0
    (also ``pow(-2, 2)``), and for ``pow(1, inf)``/``pow(inf, 0)``."""
    if ti.static(_exact_explog()):
        return ti.select(x == 0.0, 0.0, exp2(y * log2(x)))
    else:  # powf: more accurate than llvmpipe (whose error grows with |y * log2 x|) and much faster
        return ti.select(x < 0.0, _NAN, ti.select(x == 0.0, 0.0, ti.pow(x, y)))


@ti.func
def pow_int(x, n: ti.template()):
    """``pow(x, n)`` for a constant n of 1, 2 or 4, as Mesa rewrites it: ``x``, ``x * x``, ``(x*x) * (x*x)``."""
    if ti.static(n == 1):
        return x
    elif ti.static(n == 2):
        return x * x
    else:
        return (x * x) * (x * x)


@ti.func
def sqrt(x):
    """GLSL ``sqrt``."""
    return ti.sqrt(x)


@ti.func
def inversesqrt(x):
    """GLSL ``inversesqrt``: ``1 / sqrt(x)``."""
    return 1.0 / ti.sqrt(x)


# ------------------------------------------------------------------------------------------------
# Common


@ti.func
def abs(x):
    """GLSL ``abs`` for float, int (``abs(INT_MIN)`` is INT_MIN) and double."""
    return ti.abs(x)


@ti.func
def sign(x):
    """GLSL ``sign`` for float and int: -1, 0 or 1 (0 for NaN)."""
    return ti.cast(x > 0, ti.static(_dtype_of(x))[0]) - ti.cast(x < 0, ti.static(_dtype_of(x))[0])


@ti.func
def floor(x):
    """GLSL ``floor``."""
    return ti.floor(x)


@ti.func
def ceil(x):
    """GLSL ``ceil``."""
    return ti.ceil(x)


@ti.func
def trunc(x):
    """GLSL ``trunc``: round towards zero."""
    return ti.select(x < 0, ti.ceil(x), ti.floor(x))


@ti.func
def roundEven(x):  # noqa: N802 - GLSL name
    """GLSL ``roundEven``: round to nearest, ties to even: ``(|x| + 2^23) - 2^23`` below 2^23 (2^52 for double),
    sign restored from the bits (so -0.3 gives -0.0). Needs ``fast_math=False``, which must not fold it.
    On Vulkan the sum is folded to ``|x|`` anyway (lavapipe's NIR drops ``(a + c) - c``: SPIR-V float ops
    are not exact), so there Taichi's ``round`` is used: GLSL.std.450 Round, which lavapipe computes as
    ``fround_even``, llvmpipe's round (MtlcWX)."""
    if ti.static(not _llvm_arch()):
        return ti.round(x)
    elif ti.static(_is_f64(x)):
        a = ti.abs(x)
        r = ti.select(a < 4503599627370496.0, (a + 4503599627370496.0) - 4503599627370496.0, a)
        return ti.bit_cast(ti.bit_cast(r, ti.u64) | (ti.bit_cast(x, ti.u64) & ti.u64(0x8000000000000000)), ti.f64)
    else:
        a = ti.abs(x)
        r = ti.select(a < 8388608.0, (a + 8388608.0) - 8388608.0, a)
        return ti.bit_cast(ti.bit_cast(r, ti.u32) | (ti.bit_cast(x, ti.u32) & ti.u32(0x80000000)), ti.f32)


@ti.func
def round(x):
    """GLSL ``round``: Mesa rounds halves to even, so this is :func:`roundEven`."""
    return roundEven(x)


@ti.func
def fract(x):
    """GLSL ``fract``: ``x - floor(x)``."""
    return x - ti.floor(x)


@ti.func
def mod(x, y):
    """GLSL ``mod`` (float): ``x - y * floor(x / y)``; ``y`` may be a scalar with a vector ``x``. A zero ``y``
    gives ``x``: Mesa folds ``0.0 * a`` to 0 when the zero is known at compile time (after inlining), the common
    case (``mod(p, vec3(0, 0, 5))`` repeats along z only); a zero computed at run time gives NaN there."""
    return ti.select(y == 0.0, x, x - y * ti.floor(x / y))


@ti.func
def modf(x):
    """GLSL ``modf``: returns ``(fractional part, integer part)``, both with the sign of x."""
    i = trunc(x)
    return x - i, i


@ti.func
def min(x, y):
    """GLSL ``min`` for float/int/uint; ``y`` may be a scalar with a vector ``x``. A NaN operand gives the other
    one, as on llvmpipe (which returns ``y`` on ties: ``min(0.0, -0.0)`` is -0.0 there, either zero here; a
    select-based exact version compiles several times slower in Taichi)."""
    return ti.min(x, y)


@ti.func
def max(x, y):
    """GLSL ``max`` for float/int/uint; ``y`` may be a scalar with a vector ``x``; NaN and ties as :func:`min`."""
    return ti.max(x, y)


@ti.func
def clamp(x, lo, hi):
    """GLSL ``clamp``: ``min(max(x, lo), hi)``; bounds may be scalars with a vector ``x`` (NaN x gives lo)."""
    return ti.min(ti.max(x, lo), hi)


@ti.func
def mix_select(x, y, a):
    """GLSL ``mix(x, y, bvec/bool a)``: per component ``a ? y : x`` (any x/y type; ``a`` is i32 0/1)."""
    return ti.select(a != 0, y, x)


@ti.func
def mix(x, y, a):
    """GLSL ``mix`` with a float weight (scalar or vector): ``x + (y - x) * a`` as llvmpipe computes it for
    float (``x * (1 - a) + y * a`` for double). An integer-typed ``a`` (a bool selector) is forwarded to
    :func:`mix_select`."""
    if ti.static(not _is_float(a)):
        return mix_select(x, y, a)
    elif ti.static(_is_f64(x)):
        return x * (1.0 - a) + y * a
    else:
        return x + (y - x) * a


@ti.func
def step(edge, x):
    """GLSL ``step``: 0 where ``x < edge`` else 1; ``edge`` may be a scalar with a vector ``x``."""
    return ti.cast(x >= edge, ti.static(_dtype_of(x))[0])


@ti.func
def smoothstep(edge0, edge1, x):
    """GLSL ``smoothstep``: Hermite ``t*t*(3-2t)`` of ``clamp((x-e0)/(e1-e0), 0, 1)``; scalar edges allowed."""
    t = ti.min(ti.max((x - edge0) / (edge1 - edge0), 0.0), 1.0)
    return t * (t * (3.0 - 2.0 * t))


@ti.func
def isnan(x):
    """GLSL ``isnan`` (i32 0/1), tested on the bits so that ``fast_math`` cannot fold it away."""
    if ti.static(_is_f64(x)):
        return ti.cast((ti.bit_cast(x, ti.u64) & ti.u64(0x7FFFFFFFFFFFFFFF)) > ti.u64(0x7FF0000000000000), ti.i32)
    else:
        return ti.cast((ti.bit_cast(x, ti.u32) & ti.u32(0x7FFFFFFF)) > ti.u32(0x7F800000), ti.i32)


@ti.func
def isinf(x):
    """GLSL ``isinf`` (i32 0/1), tested on the bits."""
    if ti.static(_is_f64(x)):
        return ti.cast((ti.bit_cast(x, ti.u64) & ti.u64(0x7FFFFFFFFFFFFFFF)) == ti.u64(0x7FF0000000000000), ti.i32)
    else:
        return ti.cast((ti.bit_cast(x, ti.u32) & ti.u32(0x7FFFFFFF)) == ti.u32(0x7F800000), ti.i32)


@ti.func
def floatBitsToInt(x):  # noqa: N802 - GLSL name
    """GLSL ``floatBitsToInt``."""
    return ti.bit_cast(x, ti.i32)


@ti.func
def floatBitsToUint(x):  # noqa: N802 - GLSL name
    """GLSL ``floatBitsToUint``."""
    return ti.bit_cast(x, ti.u32)


@ti.func
def intBitsToFloat(x):  # noqa: N802 - GLSL name
    """GLSL ``intBitsToFloat``."""
    return ti.bit_cast(x, ti.f32)


@ti.func
def uintBitsToFloat(x):  # noqa: N802 - GLSL name
    """GLSL ``uintBitsToFloat``."""
    return ti.bit_cast(x, ti.f32)


@ti.func
def fma(a, b, c):
    """GLSL ``fma``: ``a * b + c``. llvmpipe does not fuse it (measured), so neither does this: keep
    ``fast_math=False``, which also stops LLVM from contracting it."""
    return a * b + c


@ti.func
def frexp(x):
    """GLSL ``frexp``: returns ``(mantissa in [0.5, 1), exponent)``; 0 (and flushed denormals) give (x, 0)."""
    if ti.static(_is_f64(x)):
        bits = ti.bit_cast(x, ti.u64)
        be = ti.cast((bits >> ti.u64(52)) & ti.u64(0x7FF), ti.i32)
        nz = be != 0
        e = ti.select(nz, be - 1022, 0)
        m = ti.bit_cast(ti.select(nz, (bits & ti.u64(0x800FFFFFFFFFFFFF)) | ti.u64(0x3FE0000000000000), bits), ti.f64)
        return m, e
    else:
        bits = ti.bit_cast(x, ti.u32)
        be = ti.cast((bits >> ti.u32(23)) & ti.u32(0xFF), ti.i32)
        nz = be != 0
        e = ti.select(nz, be - 126, 0)
        m = ti.bit_cast(ti.select(nz, (bits & ti.u32(0x807FFFFF)) | ti.u32(0x3F000000), bits), ti.f32)
        return m, e


@ti.func
def ldexp(x, e):
    """GLSL ``ldexp``: ``x * 2^e`` as two exact power-of-two multiplies (Mesa's lowering, e clamped)."""
    if ti.static(_is_f64(x)):
        ec = ti.min(ti.max(e, -2046), 2046)
        e1 = ec >> 1
        p1 = ti.bit_cast(ti.cast(e1 + 1023, ti.u64) << ti.u64(52), ti.f64)
        p2 = ti.bit_cast(ti.cast(ec - e1 + 1023, ti.u64) << ti.u64(52), ti.f64)
        return x * p1 * p2
    else:
        ec = ti.min(ti.max(e, -254), 254)
        e1 = ec >> 1
        p1 = ti.bit_cast(ti.cast(e1 + 127, ti.u32) << ti.u32(23), ti.f32)
        p2 = ti.bit_cast(ti.cast(ec - e1 + 127, ti.u32) << ti.u32(23), ti.f32)
        return x * p1 * p2


# ------------------------------------------------------------------------------------------------
# Floating-point pack and unpack


@ti.func
def packUnorm2x16(v):  # noqa: N802 - GLSL name
    """GLSL ``packUnorm2x16``: ``roundEven(clamp(c, 0, 1) * 65535)``, x in the low bits."""
    q = ti.cast(roundEven(ti.min(ti.max(v, 0.0), 1.0) * 65535.0), ti.u32)
    return q[0] | (q[1] << ti.u32(16))


@ti.func
def packSnorm2x16(v):  # noqa: N802 - GLSL name
    """GLSL ``packSnorm2x16``: ``roundEven(clamp(c, -1, 1) * 32767)`` as 16-bit two's complement."""
    q = ti.cast(ti.cast(roundEven(ti.min(ti.max(v, -1.0), 1.0) * 32767.0), ti.i32), ti.u32) & ti.u32(0xFFFF)
    return q[0] | (q[1] << ti.u32(16))


@ti.func
def packUnorm4x8(v):  # noqa: N802 - GLSL name
    """GLSL ``packUnorm4x8``: ``roundEven(clamp(c, 0, 1) * 255)``, x in the low byte."""
    q = ti.cast(roundEven(ti.min(ti.max(v, 0.0), 1.0) * 255.0), ti.u32)
    return q[0] | (q[1] << ti.u32(8)) | (q[2] << ti.u32(16)) | (q[3] << ti.u32(24))


@ti.func
def packSnorm4x8(v):  # noqa: N802 - GLSL name
    """GLSL ``packSnorm4x8``: ``roundEven(clamp(c, -1, 1) * 127)`` as 8-bit two's complement."""
    q = ti.cast(ti.cast(roundEven(ti.min(ti.max(v, -1.0), 1.0) * 127.0), ti.i32), ti.u32) & ti.u32(0xFF)
    return q[0] | (q[1] << ti.u32(8)) | (q[2] << ti.u32(16)) | (q[3] << ti.u32(24))


@ti.func
def unpackUnorm2x16(p):  # noqa: N802 - GLSL name
    """GLSL ``unpackUnorm2x16``: ``vec2(lo, hi) / 65535``."""
    return ti.Vector([ti.cast(p & ti.u32(0xFFFF), ti.f32), ti.cast(p >> ti.u32(16), ti.f32)]) / 65535.0


@ti.func
def unpackSnorm2x16(p):  # noqa: N802 - GLSL name
    """GLSL ``unpackSnorm2x16``: ``clamp(vec2(lo, hi) / 32767, -1, 1)`` of the signed halves."""
    lo = ti.cast(ti.bit_cast(p << ti.u32(16), ti.i32) >> 16, ti.f32)
    hi = ti.cast(ti.bit_cast(p, ti.i32) >> 16, ti.f32)
    return ti.min(ti.max(ti.Vector([lo, hi]) / 32767.0, -1.0), 1.0)


@ti.func
def unpackUnorm4x8(p):  # noqa: N802 - GLSL name
    """GLSL ``unpackUnorm4x8``: the four bytes (x lowest) / 255."""
    return ti.Vector([ti.cast((p >> ti.u32(8 * i)) & ti.u32(0xFF), ti.f32) for i in ti.static(range(4))]) / 255.0


@ti.func
def unpackSnorm4x8(p):  # noqa: N802 - GLSL name
    """GLSL ``unpackSnorm4x8``: ``clamp(signed byte / 127, -1, 1)`` for the four bytes (x lowest)."""
    s = ti.bit_cast(p, ti.i32)
    v = ti.Vector([ti.cast((s << (24 - 8 * i)) >> 24, ti.f32) for i in ti.static(range(4))])
    return ti.min(ti.max(v / 127.0, -1.0), 1.0)


@ti.func
def _f32_to_f16_bits(x):
    """The IEEE half-precision bits (low 16 bits of a u32) of an f32, rounded to nearest even."""
    u = ti.bit_cast(x, ti.u32)
    sign_ = (u >> ti.u32(16)) & ti.u32(0x8000)
    e = ti.cast((u >> ti.u32(23)) & ti.u32(0xFF), ti.i32)
    m = u & ti.u32(0x7FFFFF)
    # normal half: exponent e - 112 in [1, 30]; rounding may carry into the exponent (up to inf)
    hn = (ti.cast(ti.max(e - 112, 0), ti.u32) << ti.u32(10)) | (m >> ti.u32(13))
    rn = m & ti.u32(0x1FFF)
    hn += ti.cast((rn > ti.u32(0x1000)) | ((rn == ti.u32(0x1000)) & ((hn & ti.u32(1)) != 0)), ti.u32)
    # subnormal half: value / 2^-24 = mantissa >> (126 - e), e in [102, 112]
    sh = ti.cast(ti.min(ti.max(126 - e, 14), 31), ti.u32)
    mm = m | ti.u32(0x800000)
    hs = mm >> sh
    rs = mm & ((ti.u32(1) << sh) - ti.u32(1))
    half_ = ti.u32(1) << (sh - ti.u32(1))
    hs += ti.cast((rs > half_) | ((rs == half_) & ((hs & ti.u32(1)) != 0)), ti.u32)
    nan_ = ti.u32(0x7C00) | ti.select(m != 0, ti.u32(0x200) | (m >> ti.u32(13)), ti.u32(0))
    h = ti.select(e == 255, nan_, ti.select(e > 142, ti.u32(0x7C00), ti.select(e >= 113, hn, ti.select(
        e >= 102, hs, ti.u32(0)))))
    return sign_ | h


@ti.func
def _f16_bits_to_f32(h):
    """The f32 value of IEEE half-precision bits (the low 16 bits of a u32)."""
    s = (h & ti.u32(0x8000)) << ti.u32(16)
    e = (h >> ti.u32(10)) & ti.u32(0x1F)
    m = h & ti.u32(0x3FF)
    normal = ti.bit_cast(s | ((e + ti.u32(112)) << ti.u32(23)) | (m << ti.u32(13)), ti.f32)
    special = ti.bit_cast(s | ti.u32(0x7F800000) | (m << ti.u32(13)), ti.f32)
    sub = ti.cast(m, ti.f32) * 5.9604644775390625e-08
    sub = ti.select(s != 0, -sub, sub)
    return ti.select(e == 0, sub, ti.select(e == 31, special, normal))


@ti.real_func
def _f32_to_f16_bits_1(x: ti.f32) -> ti.u32:
    return _f32_to_f16_bits(x)


@ti.real_func
def _f16_bits_to_f32_1(h: ti.u32) -> ti.f32:
    return _f16_bits_to_f32(h)


@ti.func
def packHalf2x16(v):  # noqa: N802 - GLSL name
    """GLSL ``packHalf2x16``: two IEEE halves (round to nearest even), x in the low bits."""
    if ti.static(_use_real_funcs()):
        return _f32_to_f16_bits_1(v[0]) | (_f32_to_f16_bits_1(v[1]) << ti.u32(16))
    else:
        h = _f32_to_f16_bits(v)
        return h[0] | (h[1] << ti.u32(16))


@ti.func
def unpackHalf2x16(p):  # noqa: N802 - GLSL name
    """GLSL ``unpackHalf2x16``."""
    if ti.static(_use_real_funcs()):
        return ti.Vector([_f16_bits_to_f32_1(p & ti.u32(0xFFFF)), _f16_bits_to_f32_1(p >> ti.u32(16))])
    else:
        return _f16_bits_to_f32(ti.Vector([p & ti.u32(0xFFFF), p >> ti.u32(16)]))


@ti.func
def packDouble2x32(v):  # noqa: N802 - GLSL name
    """GLSL ``packDouble2x32``: the double whose low word is ``v.x``."""
    return ti.bit_cast(ti.cast(v[0], ti.u64) | (ti.cast(v[1], ti.u64) << ti.u64(32)), ti.f64)


@ti.func
def unpackDouble2x32(d):  # noqa: N802 - GLSL name
    """GLSL ``unpackDouble2x32``: ``uvec2(low word, high word)``."""
    b = ti.bit_cast(d, ti.u64)
    return ti.Vector([ti.cast(b & ti.u64(0xFFFFFFFF), ti.u32), ti.cast(b >> ti.u64(32), ti.u32)])


# ------------------------------------------------------------------------------------------------
# Geometric (llvmpipe sums dot products from the last component down: ((x3*y3 + x2*y2) + x1*y1) + x0*y0)


@ti.func
def dot(x, y):
    """GLSL ``dot`` (scalars: the product), summed in llvmpipe's order."""
    if ti.static(_is_tensor(x)):
        n = ti.static(_size(x))
        r = x[n - 1] * y[n - 1]
        for i in ti.static(range(n - 2, -1, -1)):
            r = r + x[i] * y[i]
        return r
    else:
        return x * y


@ti.func
def length(x):
    """GLSL ``length``: ``sqrt(dot(x, x))`` (so it overflows like Mesa's for |x| > 1.8e19)."""
    return ti.sqrt(dot(x, x))


@ti.func
def distance(p0, p1):
    """GLSL ``distance``: ``|p0 - p1|`` for scalars, ``length(p0 - p1)`` for vectors (Mesa's forms)."""
    if ti.static(_is_tensor(p0)):
        return length(p0 - p1)
    else:
        return ti.abs(p0 - p1)


@ti.func
def cross(x, y):
    """GLSL ``cross``: ``x.yzx * y.zxy - x.zxy * y.yzx``."""
    return ti.Vector([x[1] * y[2] - x[2] * y[1], x[2] * y[0] - x[0] * y[2], x[0] * y[1] - x[1] * y[0]])


@ti.func
def normalize(x):
    """GLSL ``normalize``: ``x * inversesqrt(dot(x, x))``; a scalar gives ``sign(x)`` (Mesa's forms)."""
    if ti.static(_is_tensor(x)):
        return x * inversesqrt(dot(x, x))
    else:
        return sign(x)


@ti.func
def faceforward(n, i, nref):
    """GLSL ``faceforward``: ``dot(Nref, I) < 0 ? N : -N``."""
    return ti.select(dot(nref, i) < 0.0, n, -n)


@ti.func
def reflect(i, n):
    """GLSL ``reflect``: ``I - 2 * (dot(N, I) * N)``."""
    return i - 2.0 * (dot(n, i) * n)


@ti.func
def refract(i, n, eta):
    """GLSL ``refract``: ``k = 1 - eta * (eta * (1 - d * d))``; 0 when k < 0, else ``eta * I - (eta * d +
    sqrt(k)) * N`` (d = dot(N, I); Mesa's association)."""
    d = dot(n, i)
    k = 1.0 - eta * (eta * (1.0 - d * d))
    return ti.select(k < 0.0, 0.0, eta * i - (eta * d + ti.sqrt(ti.max(k, 0.0))) * n)


# ------------------------------------------------------------------------------------------------
# Matrix (determinant and inverse: Mesa's cofactor formulas, element for element; ``_e(m, c, r)`` is GLSL's
# ``m[c][r]``)


@ti.func
def matrixCompMult(x, y):  # noqa: N802 - GLSL name
    """GLSL ``matrixCompMult``: the component-wise product."""
    return x * y


@ti.func
def outerProduct(c, r):  # noqa: N802 - GLSL name
    """GLSL ``outerProduct(c, r)``: the matrix with ``m[i, j] = c[i] * r[j]`` (len(c) rows, len(r) columns)."""
    return c.outer_product(r)


@ti.func
def transpose(m):
    """GLSL ``transpose``."""
    return m.transpose()


@ti.func
def _det2(m):
    return m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0]


@ti.func
def _det3(m):
    f1 = m[1, 1] * m[2, 2] - m[2, 1] * m[1, 2]
    f2 = m[0, 1] * m[2, 2] - m[2, 1] * m[0, 2]
    f3 = m[0, 1] * m[1, 2] - m[1, 1] * m[0, 2]
    return (m[0, 0] * f1 - m[1, 0] * f2) + m[2, 0] * f3


@ti.func
def _sub_factors_a(m):
    """Mesa's 2x2 minors ``SubFactor00..05`` of a 4x4 matrix (GLSL ``m[c][r]`` is ``m[r, c]`` here)."""
    return (m[2, 2] * m[3, 3] - m[2, 3] * m[3, 2], m[1, 2] * m[3, 3] - m[1, 3] * m[3, 2],
            m[1, 2] * m[2, 3] - m[1, 3] * m[2, 2], m[0, 2] * m[3, 3] - m[0, 3] * m[3, 2],
            m[0, 2] * m[2, 3] - m[0, 3] * m[2, 2], m[0, 2] * m[1, 3] - m[0, 3] * m[1, 2])


@ti.func
def _sub_factors_b(m):
    """Mesa's ``SubFactor06..18``."""
    return (m[2, 1] * m[3, 3] - m[2, 3] * m[3, 1], m[1, 1] * m[3, 3] - m[1, 3] * m[3, 1],
            m[1, 1] * m[2, 3] - m[1, 3] * m[2, 1], m[0, 1] * m[3, 3] - m[0, 3] * m[3, 1],
            m[0, 1] * m[2, 3] - m[0, 3] * m[2, 1], m[1, 1] * m[3, 3] - m[1, 3] * m[3, 1],
            m[0, 1] * m[1, 3] - m[0, 3] * m[1, 1], m[2, 1] * m[3, 2] - m[2, 2] * m[3, 1],
            m[1, 1] * m[3, 2] - m[1, 2] * m[3, 1], m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1],
            m[0, 1] * m[3, 2] - m[0, 2] * m[3, 1], m[0, 1] * m[2, 2] - m[0, 2] * m[2, 1],
            m[0, 1] * m[1, 2] - m[0, 2] * m[1, 1])


@ti.func
def _det4(m):
    s00, s01, s02, s03, s04, s05 = _sub_factors_a(m)
    a0 = (m[1, 1] * s00 - m[2, 1] * s01) + m[3, 1] * s02
    a1 = -((m[0, 1] * s00 - m[2, 1] * s03) + m[3, 1] * s04)
    a2 = (m[0, 1] * s01 - m[1, 1] * s03) + m[3, 1] * s05
    a3 = -((m[0, 1] * s02 - m[1, 1] * s04) + m[2, 1] * s05)
    return ((m[3, 0] * a3 + m[2, 0] * a2) + m[1, 0] * a1) + m[0, 0] * a0


@ti.func
def determinant(m):
    """GLSL ``determinant`` (2x2 to 4x4), Mesa's expansion."""
    n = ti.static(m.n)
    if ti.static(n == 2):
        return _det2(m)
    elif ti.static(n == 3):
        return _det3(m)
    else:
        return _det4(m)


@ti.func
def _inverse2(m):
    adj = ti.Matrix([[m[1, 1], -m[0, 1]], [-m[1, 0], m[0, 0]]])
    return adj / _det2(m)


@ti.func
def _inverse3(m):
    f11_22_21_12 = m[1, 1] * m[2, 2] - m[1, 2] * m[2, 1]
    f10_22_20_12 = m[0, 1] * m[2, 2] - m[0, 2] * m[2, 1]
    f10_21_20_11 = m[0, 1] * m[1, 2] - m[0, 2] * m[1, 1]
    adj = ti.Matrix([
        [f11_22_21_12, -f10_22_20_12, f10_21_20_11],
        [-(m[1, 0] * m[2, 2] - m[1, 2] * m[2, 0]), m[0, 0] * m[2, 2] - m[0, 2] * m[2, 0],
         -(m[0, 0] * m[1, 2] - m[0, 2] * m[1, 0])],
        [m[1, 0] * m[2, 1] - m[1, 1] * m[2, 0], -(m[0, 0] * m[2, 1] - m[0, 1] * m[2, 0]),
         m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0]],
    ])
    det = (m[0, 0] * f11_22_21_12 - m[1, 0] * f10_22_20_12) + m[2, 0] * f10_21_20_11
    return adj / det


@ti.func
def _inverse4(m):
    s00, s01, s02, s03, s04, s05 = _sub_factors_a(m)
    s06, s07, s08, s09, s10, s11, s12, s13, s14, s15, s16, s17, s18 = _sub_factors_b(m)
    # adj[r, c] is GLSL adj[c][r]; each entry is (a - b) + c as Mesa builds it
    adj = ti.Matrix([
        [(m[1, 1] * s00 - m[2, 1] * s01) + m[3, 1] * s02,
         -((m[0, 1] * s00 - m[2, 1] * s03) + m[3, 1] * s04),
         (m[0, 1] * s01 - m[1, 1] * s03) + m[3, 1] * s05,
         -((m[0, 1] * s02 - m[1, 1] * s04) + m[2, 1] * s05)],
        [-((m[1, 0] * s00 - m[2, 0] * s01) + m[3, 0] * s02),
         (m[0, 0] * s00 - m[2, 0] * s03) + m[3, 0] * s04,
         -((m[0, 0] * s01 - m[1, 0] * s03) + m[3, 0] * s05),
         (m[0, 0] * s02 - m[1, 0] * s04) + m[2, 0] * s05],
        [(m[1, 0] * s06 - m[2, 0] * s07) + m[3, 0] * s08,
         -((m[0, 0] * s06 - m[2, 0] * s09) + m[3, 0] * s10),
         (m[0, 0] * s11 - m[1, 0] * s09) + m[3, 0] * s12,
         -((m[0, 0] * s08 - m[1, 0] * s10) + m[2, 0] * s12)],
        [-((m[1, 0] * s13 - m[2, 0] * s14) + m[3, 0] * s15),
         (m[0, 0] * s13 - m[2, 0] * s16) + m[3, 0] * s17,
         -((m[0, 0] * s14 - m[1, 0] * s16) + m[3, 0] * s18),
         (m[0, 0] * s15 - m[1, 0] * s17) + m[2, 0] * s18],
    ])
    det = m[0, 0] * adj[0, 0] + (m[1, 0] * adj[0, 1] + (m[2, 0] * adj[0, 2] + m[3, 0] * adj[0, 3]))
    return adj / det


@ti.func
def inverse(m):
    """GLSL ``inverse`` (2x2 to 4x4): Mesa's adjugate divided by its determinant."""
    n = ti.static(m.n)
    if ti.static(n == 2):
        return _inverse2(m)
    elif ti.static(n == 3):
        return _inverse3(m)
    else:
        return _inverse4(m)


# ------------------------------------------------------------------------------------------------
# Vector relational (results: i32 vectors of 0/1)


@ti.func
def lessThan(x, y):  # noqa: N802 - GLSL name
    """GLSL ``lessThan``."""
    return ti.cast(x < y, ti.i32)


@ti.func
def lessThanEqual(x, y):  # noqa: N802 - GLSL name
    """GLSL ``lessThanEqual``."""
    return ti.cast(x <= y, ti.i32)


@ti.func
def greaterThan(x, y):  # noqa: N802 - GLSL name
    """GLSL ``greaterThan``."""
    return ti.cast(x > y, ti.i32)


@ti.func
def greaterThanEqual(x, y):  # noqa: N802 - GLSL name
    """GLSL ``greaterThanEqual``."""
    return ti.cast(x >= y, ti.i32)


@ti.func
def equal(x, y):
    """GLSL ``equal`` (false for NaN)."""
    return ti.cast(x == y, ti.i32)


@ti.func
def notEqual(x, y):  # noqa: N802 - GLSL name
    """GLSL ``notEqual`` (true for NaN)."""
    return 1 - ti.cast(x == y, ti.i32)


@ti.func
def any(x):
    """GLSL ``any`` of a bvec (i32 0/1)."""
    return ti.cast((x != 0).any(), ti.i32)


@ti.func
def all(x):
    """GLSL ``all`` of a bvec (i32 0/1)."""
    return ti.cast((x != 0).all(), ti.i32)


@ti.func
def not_(x):
    """GLSL ``not`` of a bvec (also the module attribute ``not``)."""
    return ti.cast(x == 0, ti.i32)


globals()["not"] = not_


@ti.func
def vec_equal(a, b):
    """GLSL ``a == b`` on vectors, matrices (and scalars): one i32 0/1, true when every component is equal."""
    if ti.static(_is_tensor(a)):
        return ti.cast((a == b).all(), ti.i32)
    else:
        return ti.cast(a == b, ti.i32)


@ti.func
def vec_not_equal(a, b):
    """GLSL ``a != b`` on vectors, matrices (and scalars): one i32 0/1."""
    return 1 - vec_equal(a, b)


# ------------------------------------------------------------------------------------------------
# Integer


@ti.func
def idiv(a, b):
    """GLSL integer ``a / b`` (int/uint scalars or vectors; ``b`` may be a scalar), truncating, never trapping.

    Division by zero gives what Mesa llvmpipe gives: 0 for int, 0xFFFFFFFF for uint; ``INT_MIN / -1`` wraps
    to INT_MIN.
    """
    if ti.static(_is_unsigned(a) or _is_unsigned(b)):
        z = b == 0
        return ti.select(z, ti.u32(0xFFFFFFFF), ti.raw_div(a, ti.select(z, ti.u32(1), b)))
    else:
        bad = (b == 0) | (b == -1)
        q = ti.raw_div(a, ti.select(bad, 1, b))
        return ti.select(b == 0, 0, ti.select(b == -1, -q, q))


@ti.func
def imod(a, b):
    """GLSL integer ``a % b`` (int/uint scalars or vectors; ``b`` may be a scalar), never trapping.

    As Mesa llvmpipe computes it at run time: the unsigned remainder of the operands' bit patterns (so for
    non-negative ints it is the truncating remainder; GLSL leaves negative operands undefined), and ``x % 0``
    gives all ones (-1 for int, 0xFFFFFFFF for uint).
    """
    ua = ti.cast(a, ti.u32)
    ub = ti.cast(b, ti.u32)
    z = ub == ti.u32(0)
    # for u32, % (floor) is the truncating remainder; ti.raw_mod is signed even on u32 (Taichi 1.7.4)
    m = ti.select(z, ti.u32(0xFFFFFFFF), ua % ti.select(z, ti.u32(1), ub))
    if ti.static(_is_unsigned(a) or _is_unsigned(b)):
        return m
    else:
        return ti.bit_cast(m, ti.i32)


@ti.func
def _mask_bits(bits):
    """u32 with the low ``bits`` bits set (bits in [0, 32])."""
    return ti.select(bits >= 32, ti.u32(0xFFFFFFFF), (ti.u32(1) << ti.cast(ti.min(bits, 31), ti.u32)) - ti.u32(1))


@ti.func
def bitfieldExtract(value, offset, bits):  # noqa: N802 - GLSL name
    """GLSL ``bitfieldExtract``: ``bits`` bits from ``offset``, sign-extended for int; 0 when bits == 0."""
    if ti.static(_is_unsigned(value)):
        return (value >> ti.cast(ti.min(offset, 31), ti.u32)) & _mask_bits(bits)
    else:
        s1 = ti.min(ti.max(32 - offset - bits, 0), 31)
        s2 = ti.min(32 - bits, 31)
        return ti.select(bits == 0, 0, (value << s1) >> s2)


@ti.func
def bitfieldInsert(base, insert, offset, bits):  # noqa: N802 - GLSL name
    """GLSL ``bitfieldInsert``: ``insert``'s low ``bits`` bits replace ``base``'s bits from ``offset``."""
    dt = ti.static(_dtype_of(base))[0]
    off = ti.cast(ti.min(offset, 31), ti.u32)
    mask = ti.select(bits == 0, ti.u32(0), _mask_bits(bits) << off)
    ub = ti.cast(base, ti.u32)
    ui = ti.cast(insert, ti.u32)
    return ti.cast((ub & ~mask) | ((ui << off) & mask), dt)


@ti.func
def bitfieldReverse(value):  # noqa: N802 - GLSL name
    """GLSL ``bitfieldReverse``."""
    x = ti.cast(value, ti.u32)
    x = ((x >> ti.u32(1)) & ti.u32(0x55555555)) | ((x & ti.u32(0x55555555)) << ti.u32(1))
    x = ((x >> ti.u32(2)) & ti.u32(0x33333333)) | ((x & ti.u32(0x33333333)) << ti.u32(2))
    x = ((x >> ti.u32(4)) & ti.u32(0x0F0F0F0F)) | ((x & ti.u32(0x0F0F0F0F)) << ti.u32(4))
    x = ((x >> ti.u32(8)) & ti.u32(0x00FF00FF)) | ((x & ti.u32(0x00FF00FF)) << ti.u32(8))
    x = (x >> ti.u32(16)) | (x << ti.u32(16))
    return ti.cast(x, ti.static(_dtype_of(value))[0])


@ti.func
def bitCount(value):  # noqa: N802 - GLSL name
    """GLSL ``bitCount`` (int result for int and uint)."""
    return ti.cast(ti.math.popcnt(ti.cast(value, ti.u32)), ti.i32)


@ti.func
def findLSB(value):  # noqa: N802 - GLSL name
    """GLSL ``findLSB``: index of the lowest set bit, -1 for 0."""
    u = ti.cast(value, ti.u32)
    return 31 - ti.cast(ti.math.clz(u & (ti.u32(0) - u)), ti.i32)


@ti.func
def findMSB(value):  # noqa: N802 - GLSL name
    """GLSL ``findMSB``: highest set bit (int: highest bit differing from the sign bit); -1 for 0 and int -1."""
    u = ti.cast(value, ti.u32)
    if ti.static(not _is_unsigned(value)):
        u = ti.select(value < 0, ~u, u)
    return 31 - ti.cast(ti.math.clz(u), ti.i32)


@ti.func
def uaddCarry(x, y):  # noqa: N802 - GLSL name
    """GLSL ``uaddCarry``: returns ``(x + y mod 2^32, carry 0/1)``."""
    s = x + y
    return s, ti.cast(s < x, ti.u32)


@ti.func
def usubBorrow(x, y):  # noqa: N802 - GLSL name
    """GLSL ``usubBorrow``: returns ``(x - y mod 2^32, borrow 0/1)``."""
    return x - y, ti.cast(x < y, ti.u32)


@ti.func
def umulExtended(x, y):  # noqa: N802 - GLSL name
    """GLSL ``umulExtended``: returns ``(msb, lsb)`` of the 64-bit product."""
    p = ti.cast(x, ti.u64) * ti.cast(y, ti.u64)
    return ti.cast(p >> ti.u64(32), ti.u32), ti.cast(p & ti.u64(0xFFFFFFFF), ti.u32)


@ti.func
def imulExtended(x, y):  # noqa: N802 - GLSL name
    """GLSL ``imulExtended``: returns ``(msb, lsb)`` of the signed 64-bit product."""
    p = ti.cast(x, ti.i64) * ti.cast(y, ti.i64)
    lo = ti.cast(ti.cast(ti.bit_cast(p, ti.u64) & ti.u64(0xFFFFFFFF), ti.u32), ti.i32)
    return ti.cast(p >> 32, ti.i32), lo


@ti.func
def noise1(x):
    """GLSL ``noise1`` .. ``noise4`` (deprecated since GLSL 4.40): Mesa returns zero, and so do these."""
    return 0.0


@ti.func
def noise2(x):
    return ti.Vector([0.0, 0.0])


@ti.func
def noise3(x):
    return ti.Vector([0.0, 0.0, 0.0])


@ti.func
def noise4(x):
    return ti.Vector([0.0, 0.0, 0.0, 0.0])


# ------------------------------------------------------------------------------------------ kernel helpers


@ti.func
def _div_floor(a, b):
    """``a // b`` for ``a >= 0``, ``b > 0`` without an integer division (lavapipe runs a vector integer
    division one lane at a time): a float quotient, corrected to the exact one."""
    q = ti.cast((ti.cast(a, ti.f32) + 0.5) / ti.cast(b, ti.f32), ti.i32)
    rem = a - q * b
    while rem < 0:
        q -= 1
        rem += b
    while rem >= b:
        q += 1
        rem -= b
    return q


@ti.func
def pixel_of(i, width, height):
    """(frame, row, column) of the ``i``-th pixel of a frames x height x width launch (row-major). The render
    kernel loops over a flat range and calls this instead of ``ti.ndrange``, whose two integer divisions per
    pixel cost lavapipe 20-30% of a light shader's frame (docs/backend.md); on x86 they are cheap."""
    r = 0
    k = 0
    if ti.static(_llvm_arch()):  # x86 divides integers fast enough; the float path measured slower there
        r = i // width
        k = r // height
    else:
        r = _div_floor(i, width)
        k = _div_floor(r, height)
    return ti.Vector([k, r - k * height, i - r * width])
