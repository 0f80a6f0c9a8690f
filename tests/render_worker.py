"""Render shaders with the Taichi back end on one arch in a fresh process (Taichi takes one arch per process).

    python tests/render_worker.py ARCH OUT.npz SIZE SHADER...

Saves one (F, SIZE, SIZE, 4) array per shader (keyed by file name) for the conformance frames, or the
error text under "error:<name>".
"""

from __future__ import annotations

import sys

import numpy as np


def main() -> int:
    arch, out, size, *paths = sys.argv[1:]
    from glslc.runtime.inputs import RenderInputs
    from glslc.runtime.taichi_backend import compile_taichi, init
    from glslc.sources import load_source

    try:
        ran = init(arch)
    except Exception as e:  # noqa: BLE001 - reported to the parent test
        np.savez(out, **{"error:init": np.array(str(e))})
        return 0
    results: dict[str, np.ndarray] = {"arch": np.array(ran)}
    inputs = RenderInputs.conformance(int(size), int(size))
    for p in paths:
        name = p.rsplit("/", 1)[-1]
        try:
            results[name] = compile_taichi(load_source(p), arch).render(inputs)
        except Exception as e:  # noqa: BLE001
            results[f"error:{name}"] = np.array(f"{type(e).__name__}: {e}")
    np.savez(out, **results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
