"""Taichi 1.7.4 (cpu): a wrong value after cfg_optimization (see taichi_cfg_component_store.frag).

    python conformance/metamorphic_cases/taichi_cfg_component_store.py                      # max |diff| 0.6
    python conformance/metamorphic_cases/taichi_cfg_component_store.py cfg_optimization=0   # max |diff| ~0

A component written in place (``col[0] = ...``) between two inlined calls of a ``ti.func`` whose body is a
``while True: ... break`` loop, then the whole vector read: the kernel's result differs from the same
computation written without the loop.
"""

import sys

import numpy as np
import taichi as ti

options = {k: int(v) for k, v in (a.split("=") for a in sys.argv[1:])}
ti.init(arch=ti.cpu, fast_math=False, default_fp=ti.f32, log_level=ti.ERROR, **options)


@ti.func
def circle(uv, p, r, blur):
    rv = 0.0
    while True:
        rv = ti.math.smoothstep(r - blur, r + blur, (uv - p).norm())
        break
    return rv


@ti.kernel
def looped(out: ti.types.ndarray(dtype=ti.f32, ndim=2)):
    for y, x in ti.ndrange(32, 32):
        uv = ti.Vector([x + 0.5, y + 0.5]) / 32.0
        p = ti.Vector([0.5, 0.5])
        col = ti.Vector([0.0, 0.0, 0.0])
        shadow = 1.0 - circle(uv, p, 0.15, 0.05)
        col[0] = ti.math.mix(col[0], 0.6, shadow)
        mask = circle(uv, p, 0.1, 0.003)
        col = col * ti.Vector([mask] * 3)
        out[y, x] = col[0]


@ti.kernel
def straight(out: ti.types.ndarray(dtype=ti.f32, ndim=2)):
    for y, x in ti.ndrange(32, 32):
        uv = ti.Vector([x + 0.5, y + 0.5]) / 32.0
        d = (uv - ti.Vector([0.5, 0.5])).norm()
        shadow = 1.0 - ti.math.smoothstep(0.1, 0.2, d)
        out[y, x] = ti.math.mix(0.0, 0.6, shadow) * ti.math.smoothstep(0.1 - 0.003, 0.1 + 0.003, d)


a = np.zeros((32, 32), np.float32)
b = np.zeros((32, 32), np.float32)
looped(a)
straight(b)
print(f"{options or 'default options'}: max |diff| {np.abs(a - b).max():.3g}, "
      f"{int((np.abs(a - b) > 1e-5).sum())} of 1024 pixels differ")
