"""The Taichi back end against the reference over the corpus: the numbers of the back-end issue.

    python benchmarks/taichi_corpus.py [--corpus FILE.jsonl] [--limit N] [--start K] [--jobs 2]
        [--timeout 120] [--timing-size 256] [--arch cpu] [--out DIR] [--warm-cache]

The same runner as ``glslc parity --corpus`` (glslc.conformance.runner): every shader renders the two frames of
CONFORMANCE.md (128x128, iTime 1.0 and 4.7) with each backend in its own worker process and timeout. Compile
time is measured with cold compile caches (a fresh GLSLC_CACHE; Mesa's shader cache off) unless
--warm-cache. Prints the rates against the targets (over shaders the reference renders), the failure kinds
ranked, compile time (source to first frame) beside llvmpipe's compile-and-first-draw, and the
geometric-mean per-frame render-time ratio at --timing-size (best of up to 3 warm frames per backend;
workers take turns timing). With --out DIR the run folder is kept (results.jsonl, thumbs, summary,
report.html) and a re-run resumes it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from tqdm import tqdm

from glslc.conformance.runner import RunDir, Settings, format_summary, make_row, run_parity, shader_id
from glslc.sources import iter_jsonl

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "shadertoy-dev.jsonl"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--timing-size", type=int, default=256, help="where warm frame times are measured")
    ap.add_argument("--arch", default="cpu")
    ap.add_argument("--out", type=Path, default=None, help="keep the run folder here (resumable)")
    ap.add_argument("--warm-cache", action="store_true", help="use the normal compile cache instead of a cold one")
    ap.add_argument("--show", type=int, default=30, help="how many diverging shaders to list")
    args = ap.parse_args()
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus} (it lives in ../shared/corpus beside the repo)", file=sys.stderr)
        return 2
    tmp = tempfile.TemporaryDirectory(prefix="glslc-bench-")
    if not args.warm_cache:
        os.environ["GLSLC_CACHE"] = str(Path(tmp.name) / "cache")  # inherited by the spawned workers
        os.environ["MESA_SHADER_CACHE_DISABLE"] = "true"  # the reference compiles cold too
    run_dir = RunDir(args.out or Path(tmp.name) / "run")
    sources = []
    for i, src in enumerate(iter_jsonl(args.corpus)):
        if i < args.start or isinstance(src, Exception):
            continue
        if args.limit is not None and len(sources) >= args.limit:
            break
        ident = shader_id(src, set())
        if ident not in run_dir.rows:
            sources.append((ident, src))
    settings = Settings(arch=args.arch, timeout=args.timeout,
                        timing_size=(args.timing_size, args.timing_size) if args.timing_size else None)
    t0 = time.perf_counter()
    with tqdm(total=len(sources), unit="shader", file=sys.stderr, disable=None) as bar:
        for ident, src, ref, ours in run_parity(sources, settings, jobs=args.jobs):
            run_dir.add(make_row(ident, src, ref, ours), ref, ours)
            bar.update(1)
    summary = run_dir.finish(settings, args.corpus.name, time.perf_counter() - t0, report=args.out is not None)
    print(format_summary(summary))
    print("  targets: render >= 97%, agree+close >= 90%, agree >= 80%, compile median <= 2 s and p95 <= 20 s, "
          "render ratio <= 2")
    div = sorted((r for r in run_dir.rows.values() if r["verdict"] == "diverge"), key=lambda r: min(r["match"]))
    if div:
        print("\ndiverging (lowest match first):")
        for r in div[: args.show]:
            print(f"  {r['id']}: match {[f'{m:.3f}' for m in r['match']]} max diff {r.get('max_diff')}")
    if args.out:
        print(f"\nrun folder: {args.out} (summary.json, results.jsonl, report.html)")
    else:
        print(json.dumps(summary["rates"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
