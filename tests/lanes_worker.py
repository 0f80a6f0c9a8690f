"""Render shaders with both cpu kernels of their module, the scalar one and the lane one, in a fresh process.

    python tests/lanes_worker.py OUT.npz WIDTH HEIGHT SHADER...

Run with GLSLC_EXACT_EXP_LOG=1 so that both kernels use the same exp2/log2 (lane kernels always use llvmpipe's
polynomials) and a fresh GLSLC_CACHE: a lane kernel must then reproduce the scalar kernel bit for bit. Saves
"scalar:<name>" and "lanes:<name>" (F, H, W, 4) arrays, "fallback:<name>" (LANES_FALLBACK, "" when the lane
kernel exists), or "error:<name>".
"""

from __future__ import annotations

import os
import sys

import numpy as np


def main() -> int:
    out, width, height, *paths = sys.argv[1:]
    from glslc.runtime.inputs import RenderInputs
    from glslc.runtime.taichi_backend import compile_taichi, init
    from glslc.sources import load_source

    init("cpu")
    results: dict[str, np.ndarray] = {}
    inputs = RenderInputs.conformance(int(width), int(height))
    for p in paths:
        name = p.rsplit("/", 1)[-1]
        try:
            shader = compile_taichi(load_source(p), "cpu")
            results[f"fallback:{name}"] = np.array(shader.module.LANES_FALLBACK or "")
            for mode, key in (("0", "scalar"), ("1", "lanes")):
                os.environ["GLSLC_LANES"] = mode
                results[f"{key}:{name}"] = shader.render(inputs)
        except Exception as e:  # noqa: BLE001 - reported to the parent test
            results[f"error:{name}"] = np.array(f"{type(e).__name__}: {e}")
    np.savez(out, **results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
