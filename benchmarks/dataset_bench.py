"""End-to-end dataset generation rate: the Taichi back end against the reference, cold and warm cache.

    python benchmarks/dataset_bench.py [--corpus FILE.jsonl] [--shaders 100] [--images 10] [--size 256]
        [--jobs 2] [--arch cpu] [--timeout 120] [--keep DIR]

Renders the first --shaders corpus shaders x --images images at --size with ``glslc dataset``'s engine
(:func:`glslc.runtime.dataset.build_dataset`: worker processes, compile, render, PNG encoding, atomic writes,
manifest), in one run:

1. ``gl``: the moderngl reference (llvmpipe), Mesa's shader cache in a fresh folder;
2. ``taichi cold``: the Taichi back end with an empty compile cache (a fresh $GLSLC_CACHE: generated modules
   and Taichi's offline cache);
3. ``taichi warm``: the same again into a new folder, the compile cache now warm (new processes, so only the
   on-disk caches help);
4. ``gl warm``: the reference again, Mesa's cache warm.

Prints images/s for each (images written / wall seconds, compile included, failures' time included) and
the Taichi/reference ratios, cold and warm. The machine matters: say which one gave the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from glslc.runtime.dataset import DatasetOptions, build_dataset, collect_sources

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "shadertoy-dev.jsonl"


def one_run(name: str, entries, out: Path, args, backend: str) -> dict:
    opts = DatasetOptions(out=out, images_per_shader=args.images, size=(args.size, args.size), seed=0,
                          backend=backend, arch=args.arch, jobs=args.jobs, timeout=args.timeout, quiet=args.quiet,
                          progress=None if not args.quiet else False)
    t0 = time.perf_counter()
    s = build_dataset(entries, opts)
    wall = time.perf_counter() - t0
    row = {"run": name, "shaders": s["shaders"], "rendered": s["rendered"], "failed": s["failed"],
           "failed_by_status": s["failed_by_status"], "images": s["run"]["images_rendered"], "seconds": wall,
           "images_per_s": s["run"]["images_rendered"] / wall if wall > 0 else float("nan")}
    print(f"{name:12s} {row['rendered']:4d}/{row['shaders']} shaders, {row['images']:5d} images in "
          f"{wall:7.1f} s = {row['images_per_s']:7.2f} images/s  (failed: {s['failed_by_status'] or 0})", flush=True)
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--shaders", type=int, default=100)
    ap.add_argument("--images", type=int, default=10)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--arch", default="cpu")
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--keep", type=Path, default=None, help="write the datasets and caches here (default: a "
                    "temporary folder, removed)")
    ap.add_argument("--skip-gl", action="store_true", help="Taichi only (where there is no OpenGL)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    ap.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    args = ap.parse_args()
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    entries = collect_sources([args.corpus], limit=args.shaders)
    with tempfile.TemporaryDirectory(prefix="glslc-dsbench-") as tmp:
        base = args.keep or Path(tmp)
        base.mkdir(parents=True, exist_ok=True)
        # fresh caches: ours (generated modules + Taichi's offline cache) and Mesa's
        os.environ["GLSLC_CACHE"] = str(base / "glslc-cache")
        os.environ["MESA_SHADER_CACHE_DIR"] = str(base / "mesa-cache")
        print(f"# {len(entries)} shaders of {args.corpus.name} x {args.images} images at {args.size}x{args.size}, "
              f"--jobs {args.jobs}, Taichi arch {args.arch}; {platform.node()}, {os.cpu_count()} CPUs", flush=True)
        rows = []
        if not args.skip_gl:
            rows.append(one_run("gl", entries, base / "gl", args, "gl"))
        rows.append(one_run("taichi cold", entries, base / "taichi-cold", args, "taichi"))
        rows.append(one_run("taichi warm", entries, base / "taichi-warm", args, "taichi"))
        if not args.skip_gl:
            rows.append(one_run("gl warm", entries, base / "gl-warm", args, "gl"))
    by = {r["run"]: r for r in rows}
    ratios = {}
    if "gl" in by:
        ratios["cold"] = by["taichi cold"]["images_per_s"] / by["gl"]["images_per_s"]
        ratios["warm"] = by["taichi warm"]["images_per_s"] / by["gl warm"]["images_per_s"]
        print(f"taichi/gl images/s: cold cache {ratios['cold']:.3f}, warm cache {ratios['warm']:.3f} "
              f"(taichi warm vs cold: {by['taichi warm']['images_per_s'] / by['taichi cold']['images_per_s']:.2f}x)")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "ratios": ratios}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
