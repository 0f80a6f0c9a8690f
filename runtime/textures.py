"""Software 2D texture sampling for the Taichi back end, matching the reference (Mesa llvmpipe).

Taichi's own ``ti.Texture`` cannot sample on CPU, so a bound channel is held in plain fields and sampled
with arithmetic only: the same code runs on every arch (cpu, vulkan, cuda).

The slot contract (for the code generator)
------------------------------------------
A :class:`TextureSlot` holds one channel for kernels. It owns (in its own ``ti.FieldsBuilder`` tree):

- ``texels``: ``ti.Vector.field(4, ti.f32, shape=capacity)``, every mip level packed row by row, level 0
  first (row 0 is texture coordinate v = 0, as in :class:`~glslc.runtime.channels.Channel`);
- ``levels``: ``ti.Vector.field(4, ti.i32, shape=MAX_LEVELS)``, ``(width, height, offset, 0)`` per level;
  ``levels[0][3]`` is the number of levels (1 unless the filter is ``mipmap``).

Sizes and offsets are *data*, read at run time; the sampler settings ``filter``, ``wrap`` and ``bound``
are Python attributes resolved with ``ti.static`` when a kernel compiles. Hence:

- :func:`update_slot` with a new image of the same size, or of any size whose mip chain fits the slot's
  ``capacity`` (see ``make_slot(..., capacity=)``), writes into the same fields: compiled kernels stay
  valid and nothing recompiles;
- another filter or wrap, a larger image, or binding an unbound channel needs a new slot, and kernels that
  saw the old one must be compiled again (a new slot object means a new kernel instance anyway).

A kernel reaches a slot in either of two ways (both measured to work on Taichi 1.7.4, cpu and vulkan):

1. module globals created before the kernel first runs (Taichi reads globals at the first compile)::

       from glslc.runtime import textures as T
       CH0 = T.make_slot(channel0)   # or T.make_slot(None) for an unbound channel
       @ti.kernel
       def render(...):
           ... c = T.texture_lod(CH0, uv, lod) ...

2. kernel (or ``ti.func``) template parameters: ``def render(..., ch0: ti.template())`` called as
   ``render(..., slot)``; Taichi keys the compiled kernel on the slot object, so the same slot (updated in
   place) never recompiles.

Every sampling function takes the slot first as a ``ti.template()``; they are ``@ti.func`` (inlined):

==================================================  ===========================================================
GLSL                                                Taichi call (``uv``/``dPdx``/``dPdy`` vec2 f32, ``p`` ivec2)
==================================================  ===========================================================
``textureLod(s, uv, lod)``                          ``texture_lod(slot, uv, lod)``
``textureGrad(s, uv, dPdx, dPdy)``                  ``texture_grad(slot, uv, dPdx, dPdy)``
``texture(s, uv[, bias])`` with derivatives known   ``texture_grad_bias(slot, uv, dPdx, dPdy, bias)``
``texture(s, uv[, bias])`` with a LOD at hand       ``texture_bias(slot, uv, lod, bias)`` (samples at lod + bias)
``texture(s, uv)`` with no derivatives              ``texture(slot, uv)`` (level 0: GL's magnification case)
LOD from derivatives, as llvmpipe computes it       ``grad_lod(slot, dPdx, dPdy)`` -> f32
``texelFetch(s, p, lod)``                           ``texel_fetch(slot, p, lod)``
``textureSize(s, lod)``                             ``texture_size(slot, lod)`` -> ivec2
``textureQueryLevels(s)``                           ``texture_query_levels(slot)`` -> i32
==================================================  ===========================================================

A slot made by ``make_slot(None)`` is *unbound*: the same calls compile to the constants below, and no
fields are allocated. The generator may instead call the ``unbound_*`` functions directly (no slot).

What Mesa does (measured on llvmpipe, Mesa 22.3, float32 textures set up as :mod:`glslc.runtime.gl` does)
-------------------------------------------------------------------------------------------------------
- Mip levels (``glGenerateMipmap``) are made by a linear-filtered blit: texel (i, j) of level k is the
  bilinear, clamp-to-edge sample of level k-1 at ((i + 0.5) * W(k-1) / W(k), (j + 0.5) * H(k-1) / H(k)),
  sizes halving with floor down to 1. For even sizes that is the 2x2 box; for odd ones it is not.
- Filtering is float: texel centres at (i + 0.5) / N, weights = fract(u * N - 0.5) in fp32, lerp
  ``a + t * (b - a)`` along u, then v, then between mip levels. ``repeat`` takes ``fract(u)`` first (for
  NPOT sizes; the same result for POT ones); ``nearest`` + ``repeat`` uses ``min(fract(u), 1 - 2^-24)``.
- LOD (filter ``mipmap``, LINEAR_MIPMAP_LINEAR min / LINEAR mag): level0 = floor(lod) clamped to
  [0, q] (q = last level), blend weight fract(lod), 0 when clamped. LODs >= 2^31, +-inf and NaN all sample
  level 0 (Mesa's float->int conversion overflows; matched here on cpu with and without ``fast_math``).
  Without mipmaps the LOD is ignored.
- ``textureGrad``: lod = 0.5 * fast_log2(max(|dPdx * size|^2, |dPdy * size|^2)), where
  fast_log2(m * 2^e) = e + m - 1 (piecewise linear, exact at powers of two): the LOD is up to 0.043 below
  0.5 * log2, which moves a trilinear result by up to 0.043 x the difference of the two levels (0.028 seen
  on random images). Per pixel: explicit derivatives are not shared by the 2x2 quad. For ``texture()``
  llvmpipe takes coarse per-quad differences of the coordinate and the same formula, so the generator
  should pass its derivatives to ``texture_grad_bias``.
- ``texelFetch`` outside the level, or with lod outside [0, levels): vec4(0, 0, 0, 0).
- ``textureSize`` with lod outside [0, levels): ivec2(0, 0). (llvmpipe reads the lod of the first pixel
  of each 4x2 block for the whole block; this module is per pixel, which agrees when the lod is uniform.)
- ``textureQueryLevels``: 1 without mipmaps, floor(log2(max(W, H))) + 1 with them.
- Unbound sampler (a unit with no texture): a 1x1 texture holding (0, 0, 0, 1) with one level:
  texture/textureLod/textureGrad (2D, cube, 3D) give vec4(0, 0, 0, 1); texelFetch gives (0, 0, 0, 1) at
  p = (0, 0), lod 0 and vec4(0) elsewhere; textureSize(lod 0) is ivec2(1, 1) (ivec3 for 3D), other lods
  0; textureQueryLevels is 1.

Cube maps and 3D textures are only provided unbound (``unbound_texture``, ``unbound_texture_size3``...).
"""

import numpy as np
import taichi as ti

from .channels import Channel

MAX_LEVELS = 16  # sizes up to 32768 (GL_MAX_TEXTURE_SIZE on llvmpipe is 16384)
_BELOW_ONE = 0.99999994  # the largest float32 below 1 (Mesa's lp_build_fract_safe)
_LOD_LIMIT = 2147483648.0  # floor(lod) at or above 2^31 overflows to INT_MIN in Mesa: level 0


# ---------------------------------------------------------------------------- Python side


def mip_chain(data: np.ndarray) -> list[np.ndarray]:
    """All mip levels of an (H, W, 4) array, as Mesa's ``glGenerateMipmap`` makes them for float textures.

    Each level is the previous one sampled bilinearly (clamp to edge) at the new texel centres, which is
    what Mesa's blit does; for even sizes it is the 2x2 box filter.
    """
    levels = [np.ascontiguousarray(data, dtype=np.float32)]
    h, w = levels[0].shape[:2]
    while w > 1 or h > 1:
        src = levels[-1].astype(np.float64)
        hs, ws = src.shape[:2]
        w, h = max(1, w // 2), max(1, h // 2)
        i0, i1, fx = _blit_axis(w, ws)
        j0, j1, fy = _blit_axis(h, hs)
        fx, fy = fx[None, :, None], fy[:, None, None]
        top = src[j0][:, i0] * (1 - fx) + src[j0][:, i1] * fx
        bot = src[j1][:, i0] * (1 - fx) + src[j1][:, i1] * fx
        levels.append((top * (1 - fy) + bot * fy).astype(np.float32))
    return levels


def _blit_axis(nd: int, ns: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = (np.arange(nd) + 0.5) * ns / nd - 0.5
    x0 = np.floor(x)
    frac = x - x0
    x0 = x0.astype(np.int64)
    return np.clip(x0, 0, ns - 1), np.clip(x0 + 1, 0, ns - 1), frac


def channel_levels(channel: Channel) -> list[np.ndarray]:
    """The levels GL holds for a channel: the whole chain for filter ``mipmap``, else level 0 only."""
    return mip_chain(channel.data) if channel.filter == "mipmap" else [np.ascontiguousarray(channel.data)]


def packed_size(channel: Channel) -> int:
    """Texels a slot needs for this channel (all its levels)."""
    return sum(a.shape[0] * a.shape[1] for a in channel_levels(channel))


class TextureSlot:
    """One 2D channel for kernels: packed mip levels, a level table and static sampler settings."""

    def __init__(self, filter: str = "linear", wrap: str = "repeat", capacity: int = 0, bound: bool = True):
        self.filter = filter
        self.wrap = wrap
        self.bound = bound
        self.capacity = capacity if bound else 0
        self.width = self.height = 1
        self.texels = None
        self.levels = None
        self._tree = None
        if bound:
            fb = ti.FieldsBuilder()
            self.texels = ti.Vector.field(4, ti.f32)
            self.levels = ti.Vector.field(4, ti.i32)
            fb.dense(ti.i, max(1, capacity)).place(self.texels)
            fb.dense(ti.i, MAX_LEVELS).place(self.levels)
            self._tree = fb.finalize()

    def fits(self, channel: Channel) -> bool:
        """Whether :func:`update_slot` can take this channel without a new slot (and a recompile)."""
        return (self.bound and channel.filter == self.filter and channel.wrap == self.wrap
                and packed_size(channel) <= self.capacity)

    def release(self) -> None:
        """Free the fields; kernels that used this slot must not run again."""
        if self._tree is not None:
            self._tree.destroy()
            self._tree = None

    def __repr__(self) -> str:
        if not self.bound:
            return "TextureSlot(unbound)"
        return f"TextureSlot({self.width}x{self.height}, filter={self.filter}, wrap={self.wrap})"


def make_slot(channel: Channel | None, capacity: int | None = None) -> TextureSlot:
    """A slot holding ``channel`` (None: an unbound channel); ``capacity`` in texels to allow bigger
    images later without a new slot (default: exactly this channel's mip chain)."""
    if channel is None:
        return TextureSlot(bound=False)
    need = packed_size(channel)
    slot = TextureSlot(channel.filter, channel.wrap, max(need, capacity or 0))
    update_slot(slot, channel)
    return slot


def update_slot(slot: TextureSlot, channel: Channel) -> None:
    """Put a new image in a slot in place (compiled kernels stay valid).

    The filter and wrap must be the slot's, and the mip chain must fit its capacity: any other change needs
    :func:`make_slot` (and kernels compiled for the new slot). Raises ValueError otherwise.
    """
    if not slot.bound:
        raise ValueError("an unbound slot holds no image; make a new slot with make_slot(channel)")
    if channel.filter != slot.filter or channel.wrap != slot.wrap:
        raise ValueError(f"{slot!r} cannot take filter={channel.filter}, wrap={channel.wrap}: make a new slot")
    levels = channel_levels(channel)
    if len(levels) > MAX_LEVELS:
        raise ValueError(f"{channel.source}: {channel.width}x{channel.height} is too large for a texture")
    need = sum(a.shape[0] * a.shape[1] for a in levels)
    if need > slot.capacity:
        raise ValueError(f"{channel.source}: needs {need} texels, {slot!r} has room for {slot.capacity}")
    packed = np.zeros((slot.capacity, 4), dtype=np.float32)
    table = np.zeros((MAX_LEVELS, 4), dtype=np.int32)
    offset = 0
    for k, a in enumerate(levels):
        h, w = a.shape[:2]
        packed[offset:offset + w * h] = a.reshape(-1, 4)
        table[k, :3] = (w, h, offset)
        offset += w * h
    table[0, 3] = len(levels)
    assert slot.texels is not None and slot.levels is not None
    slot.texels.from_numpy(packed)
    slot.levels.from_numpy(table)
    slot.width, slot.height = channel.width, channel.height


# ---------------------------------------------------------------------------- Taichi side: helpers


@ti.func
def _axis_nearest(slot: ti.template(), u, n):
    """Texel index along one axis for nearest filtering."""
    nf = ti.cast(n, ti.f32)
    i = 0
    if ti.static(slot.wrap == "repeat"):
        i = ti.cast(ti.min(u - ti.floor(u), _BELOW_ONE) * nf, ti.i32)
    else:
        i = ti.cast(ti.floor(u * nf), ti.i32)
    return ti.min(ti.max(i, 0), n - 1)  # also keeps NaN / huge coordinates inside the level


@ti.func
def _axis_linear(slot: ti.template(), u, n):
    """The two texel indices and the weight of the second along one axis, for linear filtering."""
    nf = ti.cast(n, ti.f32)
    x = 0.0
    if ti.static(slot.wrap == "repeat"):
        x = (u - ti.floor(u)) * nf - 0.5
    else:
        x = ti.max(ti.min(u * nf, nf) - 0.5, 0.0)
    fx = ti.floor(x)
    t = x - fx
    i0 = ti.cast(fx, ti.i32)
    i1 = i0 + 1
    if ti.static(slot.wrap == "repeat"):
        if i0 < 0:
            i0 = n - 1
        if i1 >= n:
            i1 = 0
    return ti.min(ti.max(i0, 0), n - 1), ti.min(ti.max(i1, 0), n - 1), t


@ti.func
def _nearest(slot: ti.template(), level, uv):
    m = slot.levels[level]
    i = _axis_nearest(slot, uv[0], m[0])
    j = _axis_nearest(slot, uv[1], m[1])
    return slot.texels[m[2] + j * m[0] + i]


@ti.func
def _bilinear(slot: ti.template(), level, uv):
    m = slot.levels[level]
    w = m[0]
    i0, i1, a = _axis_linear(slot, uv[0], w)
    j0, j1, b = _axis_linear(slot, uv[1], m[1])
    r0 = m[2] + j0 * w
    r1 = m[2] + j1 * w
    c00 = slot.texels[r0 + i0]
    c01 = slot.texels[r0 + i1]
    c10 = slot.texels[r1 + i0]
    c11 = slot.texels[r1 + i1]
    top = c00 + a * (c01 - c00)
    bot = c10 + a * (c11 - c10)
    return top + b * (bot - top)


@ti.func
def _mip_levels(slot: ti.template(), lod):
    """(level0, level1, weight of level1) for LINEAR_MIPMAP_LINEAR, with Mesa's clamping."""
    lod_f = ti.cast(lod, ti.f32)
    last = slot.levels[0][3] - 1
    l0 = 0
    l1 = 0
    f = 0.0
    if lod_f < _LOD_LIMIT:  # false for +inf and NaN: Mesa's int conversion overflows, giving level 0
        fl = ti.floor(lod_f)
        if fl >= ti.cast(last, ti.f32):
            l0 = last
            l1 = last
        elif fl >= 0.0:
            l0 = ti.cast(fl, ti.i32)
            l1 = l0 + 1
            f = lod_f - fl
    return l0, l1, f


@ti.func
def fast_log2(x):
    """llvmpipe's ``lp_build_fast_log2``: e + m - 1 for x = m * 2^e, 1 <= m < 2 (exact at powers of 2)."""
    bits = ti.bit_cast(ti.cast(x, ti.f32), ti.i32)
    e = ((bits >> 23) & 0xFF) - 127
    m = ti.bit_cast((bits & 0x7FFFFF) | 0x3F800000, ti.f32)
    return ti.cast(e, ti.f32) + (m - 1.0)


# ---------------------------------------------------------------------------- Taichi side: GLSL built-ins


@ti.func
def grad_lod(slot: ti.template(), dPdx, dPdy):
    """The LOD llvmpipe computes from explicit derivatives (before any bias)."""
    lod = 0.0
    if ti.static(slot.bound):
        m = slot.levels[0]
        size = ti.Vector([ti.cast(m[0], ti.f32), ti.cast(m[1], ti.f32)])
        a = dPdx * size
        b = dPdy * size
        rho2 = ti.max(a[0] * a[0] + a[1] * a[1], b[0] * b[0] + b[1] * b[1])
        lod = fast_log2(rho2) * 0.5
    return lod


@ti.func
def texture_lod(slot: ti.template(), uv, lod):
    """GLSL ``textureLod`` on a 2D slot."""
    res = ti.Vector([0.0, 0.0, 0.0, 1.0])
    if ti.static(not slot.bound):
        pass
    elif ti.static(slot.filter == "nearest"):
        res = _nearest(slot, 0, uv)
    elif ti.static(slot.filter == "linear"):
        res = _bilinear(slot, 0, uv)
    else:
        l0, l1, f = _mip_levels(slot, lod)
        res = _bilinear(slot, l0, uv)
        if f > 0.0:
            c1 = _bilinear(slot, l1, uv)
            res = res + f * (c1 - res)
    return res


@ti.func
def texture(slot: ti.template(), uv):
    """GLSL ``texture`` where no derivatives are known: level 0 (what GL samples when magnifying)."""
    return texture_lod(slot, uv, 0.0)


@ti.func
def texture_bias(slot: ti.template(), uv, lod, bias):
    """GLSL ``texture(s, uv, bias)`` given the implicit LOD: samples at ``lod + bias``."""
    res = ti.Vector([0.0, 0.0, 0.0, 1.0])
    if ti.static(slot.bound and slot.filter == "mipmap"):
        res = texture_lod(slot, uv, lod + bias)
    elif ti.static(slot.bound):
        res = texture_lod(slot, uv, 0.0)
    return res


@ti.func
def texture_grad(slot: ti.template(), uv, dPdx, dPdy):
    """GLSL ``textureGrad`` on a 2D slot (the LOD as llvmpipe computes it)."""
    res = ti.Vector([0.0, 0.0, 0.0, 1.0])
    if ti.static(slot.bound and slot.filter == "mipmap"):
        res = texture_lod(slot, uv, grad_lod(slot, dPdx, dPdy))
    elif ti.static(slot.bound):
        res = texture_lod(slot, uv, 0.0)
    return res


@ti.func
def texture_grad_bias(slot: ti.template(), uv, dPdx, dPdy, bias):
    """GLSL ``texture(s, uv, bias)`` with the (implicit) derivatives given."""
    res = ti.Vector([0.0, 0.0, 0.0, 1.0])
    if ti.static(slot.bound and slot.filter == "mipmap"):
        res = texture_lod(slot, uv, grad_lod(slot, dPdx, dPdy) + bias)
    elif ti.static(slot.bound):
        res = texture_lod(slot, uv, 0.0)
    return res


@ti.func
def texel_fetch(slot: ti.template(), p, lod):
    """GLSL ``texelFetch`` on a 2D slot: vec4(0) outside the level or for a missing level."""
    res = ti.Vector([0.0, 0.0, 0.0, 0.0])
    if ti.static(not slot.bound):
        res = unbound_texel_fetch(p, lod)
    else:
        if lod >= 0 and lod < slot.levels[0][3]:
            m = slot.levels[lod]
            if p[0] >= 0 and p[0] < m[0] and p[1] >= 0 and p[1] < m[1]:
                res = slot.texels[m[2] + p[1] * m[0] + p[0]]
    return res


@ti.func
def texture_size(slot: ti.template(), lod):
    """GLSL ``textureSize`` on a 2D slot: ivec2(0) for a missing level."""
    res = ti.Vector([0, 0], dt=ti.i32)
    if ti.static(not slot.bound):
        res = unbound_texture_size(lod)
    else:
        if lod >= 0 and lod < slot.levels[0][3]:
            m = slot.levels[lod]
            res = ti.Vector([m[0], m[1]], dt=ti.i32)
    return res


@ti.func
def texture_query_levels(slot: ti.template()):
    """GLSL ``textureQueryLevels`` on a 2D slot."""
    n = 1
    if ti.static(slot.bound):
        n = slot.levels[0][3]
    return n


# ---------------------------------------------------------------------------- unbound channels (any sampler type)


@ti.func
def unbound_texture():
    """texture/textureLod/textureGrad/textureProj... on an unbound sampler (2D, cube or 3D)."""
    return ti.Vector([0.0, 0.0, 0.0, 1.0])


@ti.func
def unbound_texel_fetch(p, lod):
    """texelFetch on an unbound 2D or 3D sampler: (0, 0, 0, 1) at the origin of level 0, else vec4(0)."""
    res = ti.Vector([0.0, 0.0, 0.0, 0.0])
    if lod == 0 and (p == 0).all():
        res[3] = 1.0
    return res


@ti.func
def unbound_texture_size(lod):
    """textureSize on an unbound 2D or cube sampler: ivec2(1, 1) at lod 0, else ivec2(0, 0)."""
    n = 0
    if lod == 0:
        n = 1
    return ti.Vector([n, n], dt=ti.i32)


@ti.func
def unbound_texture_size3(lod):
    """textureSize on an unbound 3D sampler: ivec3(1, 1, 1) at lod 0, else ivec3(0, 0, 0)."""
    n = 0
    if lod == 0:
        n = 1
    return ti.Vector([n, n, n], dt=ti.i32)


@ti.func
def unbound_texture_query_levels():
    """textureQueryLevels on an unbound sampler of any type."""
    return 1
