"""`python shader.py --time 1.5 -o out.png`: run a generated module with nothing but the runtime."""

from __future__ import annotations

import argparse
import sys

import numpy as np


def main(render, uniforms: dict, kind: str, channels: list[int], derivative_slots: int = 0) -> None:
    """Parse the command line of a generated module and render with its kernel."""
    from .inputs import RenderInputs, make_frames, pack_uniforms
    from .output import save_frames

    ap = argparse.ArgumentParser(description=f"Render this generated shader ({kind}) with Taichi.")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--size", default="512x288")
    ap.add_argument("--time", type=float, default=0.0)
    ap.add_argument("--times", default=None)
    ap.add_argument("--arch", default="cpu", choices=("auto", "cpu", "vulkan", "cuda"))
    args = ap.parse_args()
    from .taichi_backend import init

    init(args.arch)
    w, h = (int(v) for v in args.size.lower().split("x"))
    times = [float(t) for t in args.times.split(",")] if args.times else [args.time]
    inputs = RenderInputs(w, h, make_frames(times))
    u = pack_uniforms(inputs, uniforms)
    out = np.zeros((len(times), h, w, 4), dtype=np.float32)
    from . import textures as T

    unbound = T.make_slot(None)
    slots = [unbound for _ in channels]
    if derivative_slots:
        import taichi as ti

        from .taichi_backend import scratch_width

        scratch = ti.ndarray(ti.f32, (len(times), h, scratch_width(w), derivative_slots))
        render(out, u, w, h, *slots, scratch, 0)  # record (a no-op pass when only texture() sites exist)
        render(out, u, w, h, *slots, scratch, 1)
    else:
        render(out, u, w, h, *slots)
    paths = save_frames(out, args.output, single=args.times is None)
    print(f"wrote {', '.join(map(str, paths))}", file=sys.stderr)
