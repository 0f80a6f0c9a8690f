"""Run-time helpers of the lane kernels (``L.<name>`` in generated modules; see ``glslc/lanes.py``).

On the CPU arches a generated module renders with ``render_lanes``: each thread of the kernel shades
:data:`LANES` neighbouring pixels of one row. Values that differ between pixels live in lane arrays
(``ti.Vector(LANES)`` for a scalar, ``ti.Matrix(slots, LANES)`` otherwise); straight-line code runs in
``for _ln in range(LANES)`` loops, which LLVM turns into SIMD instructions (8 floats per AVX2 operation),
and branches and loops that differ between pixels are run with lane masks (``ti.Vector(LANES, ti.i32)``
of 0/1). Taichi's x64 back end otherwise computes one pixel per instruction (``../shared/TAICHI.md``).

``GLSLC_LANES=0`` in the environment keeps every arch on the scalar kernel (for comparisons).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import taichi as ti
from taichi.lang import impl

from . import glsl as G

#: Pixels per thread: 8 single-precision lanes fill one AVX2 register.
LANES = 8


def enabled() -> bool:
    """Whether lane kernels run here: on the LLVM CPU arches (on GPUs and lavapipe the hardware or the
    driver already runs pixels side by side), unless ``GLSLC_LANES=0``."""
    return os.environ.get("GLSLC_LANES", "1") != "0" and impl.current_cfg().arch in (ti.x64, ti.arm64)


@contextlib.contextmanager
def _lane_builtins(cores: str = "inline") -> Iterator[None]:
    """While a lane kernel compiles, the GLSL runtime uses llvmpipe's own sin/cos/exp2/log2 and, with
    ``cores="inline"``, inlines them (a call to a ``ti.real_func`` inside a lane loop keeps LLVM from
    vectorizing the whole loop); big kernels call them as real functions (``cores="real"``), which compiles
    much faster (glslc.lanes.REAL_CORES_WEIGHT)."""
    saved = dict(G._MODE)
    G._MODE["lanes"] = True
    G._MODE["real_cores"] = cores == "real"
    try:
        yield
    finally:
        G._MODE.update(saved)


def launch(lanes_kernel: Any, scalar_kernel: Any, args: tuple, cores: str = "inline") -> None:
    """Run a generated module's kernel: the lane kernel where :func:`enabled`, else the scalar one.

    Lane kernels compile without Taichi's advanced optimization: its store-to-load forwarding grows with the
    lane arrays' stores (a small struct-heavy shader took 12 s instead of 1.5 s), and LLVM, which
    vectorizes the lane loops, does that work anyway (render time within noise, measured on the bundled
    shaders). Taichi reads the setting when a kernel compiles, at its first launch."""
    if lanes_kernel is not None and enabled():
        cfg = impl.current_cfg()
        saved = cfg.advanced_optimization
        cfg.advanced_optimization = False
        try:
            with _lane_builtins(cores):
                lanes_kernel(*args)
        finally:
            cfg.advanced_optimization = saved
    else:
        scalar_kernel(*args)


def load_tables(namespace: dict, tables: dict) -> None:
    """Create a generated module's constant tables (``CONST_TABLES``: name -> (dtype, shape, values)) as
    fields in its namespace, once, before its first kernel compiles (kernels read them as globals)."""
    import numpy as np

    for name, (dt, shape, values) in tables.items():
        if name in namespace:
            continue
        field = ti.field(getattr(ti, dt), shape=tuple(shape))
        field.from_numpy(np.asarray(values, dtype={"f32": np.float32, "f64": np.float64, "i32": np.int32,
                                                     "u32": np.uint32}[dt]).reshape(shape))
        namespace[name] = field


@ti.func
def lane_mask(px0, width):
    """Lanes whose pixel lies inside the image (the last group of a row may stick out)."""
    return ti.Vector([ti.cast(px0 + i < width, ti.i32) for i in ti.static(range(LANES))])


@ti.func
def any(m):  # noqa: A001 - used as L.any in generated code
    """Whether some lane of mask ``m`` is on."""
    r = 0
    for i in ti.static(range(LANES)):
        r |= m[i]
    return r


@ti.func
def zero_mask():
    return ti.Vector.zero(ti.i32, LANES)
