"""Screen-space derivatives (dFdx, dFdy, fwidth) for the Taichi back end, by recording and replaying.

A GPU computes ``dFdx(e)`` as the difference of ``e`` between the two pixels of a row of its 2x2 quad (and
``dFdy`` between the rows). Taichi runs one pixel per thread with no neighbours to ask, so a shader with
derivatives renders in two passes of the same kernel:

1. *record* (``mode == 0``): every derivative call site stores its argument, per pixel, in a scratch
   array, at a slot given by the site and how many times the site has run in this pixel (its
   occurrence, up to :data:`MAX_OCCURRENCES`); the derivative itself reads as 0;
2. *replay* (``mode == 1``): the same site reads the values its quad neighbours recorded at the same
   occurrence and returns their difference, as the GPU does (fine derivatives: per row and per column).

This is exact whenever a derivative's argument does not itself depend on another derivative (the common
case: ``fwidth(d)`` for anti-aliasing, ``dFdx(uv)``), and whenever the pixels of a quad take the same path
to the call (which GLSL requires for derivatives to be defined). The cost: two passes, and two kernel
instances to compile, for shaders that use derivatives; others are untouched. Why not forward-mode
differentiation of the expressions feeding a derivative: it would give analytic derivatives, not the
GPU's finite differences (which matter for hash noise and for texture LOD selection), and would double
every value's representation through all functions.
"""

# (no `from __future__ import annotations`: Taichi reads ti.template() annotations as objects)
import taichi as ti

MAX_OCCURRENCES = 8


@ti.func
def record(buf: ti.template(), pix, base, v):
    """Store vector ``v`` at slots ``base ..`` of pixel ``pix`` = (frame, x, y)."""
    for j in ti.static(range(v.n)):
        buf[pix[0], pix[2], pix[1], base + j] = v[j]


@ti.func
def ddx(buf: ti.template(), pix, base, v, dim):
    """Fine dFdx: right minus left pixel of this pixel's quad row (one-sided at an odd image edge)."""
    x0 = pix[1] - pix[1] % 2
    x1 = ti.min(x0 + 1, dim[0] - 1)
    r = v * 0.0
    for j in ti.static(range(v.n)):
        r[j] = buf[pix[0], pix[2], x1, base + j] - buf[pix[0], pix[2], x0, base + j]
    return r


@ti.func
def ddy(buf: ti.template(), pix, base, v, dim):
    """Fine dFdy: upper minus lower row of this pixel's quad column (y up, as gl_FragCoord)."""
    y0 = pix[2] - pix[2] % 2
    y1 = ti.min(y0 + 1, dim[1] - 1)
    r = v * 0.0
    for j in ti.static(range(v.n)):
        r[j] = buf[pix[0], y1, pix[1], base + j] - buf[pix[0], y0, pix[1], base + j]
    return r


@ti.func
def ddx_coarse(buf: ti.template(), pix, base, v, dim):
    """Coarse dFdx: the lower quad row's difference for the whole quad (llvmpipe's texture LOD)."""
    x0 = pix[1] - pix[1] % 2
    x1 = ti.min(x0 + 1, dim[0] - 1)
    y0 = pix[2] - pix[2] % 2
    r = v * 0.0
    for j in ti.static(range(v.n)):
        r[j] = buf[pix[0], y0, x1, base + j] - buf[pix[0], y0, x0, base + j]
    return r


@ti.func
def ddy_coarse(buf: ti.template(), pix, base, v, dim):
    """Coarse dFdy: the left quad column's difference for the whole quad."""
    x0 = pix[1] - pix[1] % 2
    y0 = pix[2] - pix[2] % 2
    y1 = ti.min(y0 + 1, dim[1] - 1)
    r = v * 0.0
    for j in ti.static(range(v.n)):
        r[j] = buf[pix[0], y1, x0, base + j] - buf[pix[0], y0, x0, base + j]
    return r
