"""The Taichi back end against the reference over the corpus: render rate, verdicts, compile and render time.

    python benchmarks/taichi_corpus.py [--corpus FILE.jsonl] [--limit N] [--jobs 2] [--timeout 120]
        [--timing-size 256] [--arch cpu] [--out results.jsonl]

Each shader renders the two frames of CONFORMANCE.md (128x128, iTime 1.0 and 4.7) with both backends in a
worker process; a crash or hang costs that shader only. Prints the rates of CONFORMANCE.md (over shaders the
reference renders), the failure kinds ranked by count, compile time (source to first frame, cold) next to
llvmpipe's, and the geometric-mean per-frame render-time ratio at --timing-size.
"""

from __future__ import annotations

import argparse
import collections
import json
import math
import re
import statistics
import sys
import time
from pathlib import Path

from tqdm import tqdm

from glslc.conformance.parity_task import parity_task
from glslc.conformance.pool import run_isolated

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "shadertoy-dev.jsonl"


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))] if values else float("nan")


def kind_of(error: str) -> str:
    msg = error.split("error: ", 1)[-1]
    msg = re.sub(r"'[^']*'", "'…'", msg)
    return msg[:70]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--timing-size", type=int, default=256, help="0 to skip render timing")
    ap.add_argument("--arch", default="cpu")
    ap.add_argument("--out", type=Path, default=None, help="write one JSON row per shader here")
    ap.add_argument("--show", type=int, default=40)
    args = ap.parse_args()
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    lines = [ln for ln in args.corpus.read_text().splitlines() if ln.strip()]
    lines = lines[args.start:][: args.limit]
    ids = [json.loads(ln).get("id") for ln in lines]
    jobs = ((i, {"record": ln, "arch": args.arch, "timing_size": args.timing_size or None})
            for i, ln in enumerate(lines))
    rows = {}
    t0 = time.perf_counter()
    with tqdm(total=len(lines), unit="shader", file=sys.stderr, disable=None) as bar:
        for key, oc in run_isolated(jobs, parity_task, jobs=args.jobs, timeout=args.timeout):
            rows[key] = oc.value if oc.status == "ok" else {
                "id": ids[key], "verdict": "fail", "ref_status": "?", "ours_status": oc.status, "ours_error": oc.error}
            bar.update(1)
    wall = time.perf_counter() - t0
    rs = [rows[i] for i in range(len(lines))]
    if args.out:
        with open(args.out, "w") as fh:
            for r in rs:
                fh.write(json.dumps({k: v for k, v in r.items() if k != "frames"}) + "\n")
    counted = [r for r in rs if r["verdict"] != "skip"]
    n = max(1, len(counted))
    v = collections.Counter(r["verdict"] for r in counted)
    rendered = sum(1 for r in counted if r.get("ours_status") == "ok")
    print(f"# Taichi ({args.arch}) vs reference on {args.corpus.name}: {len(rs)} shaders, "
          f"{len(counted)} rendered by the reference (wall {wall:.0f} s, {args.jobs} workers)")
    print(f"rendered with Taichi: {rendered}/{len(counted)} = {100 * rendered / n:.1f}%  (target >= 97%)")
    print(f"agree: {v['agree']} = {100 * v['agree'] / n:.1f}%  (target >= 80%)")
    print(f"agree or close: {v['agree'] + v['close']} = {100 * (v['agree'] + v['close']) / n:.1f}%  (target >= 90%)")
    print(f"diverge: {v['diverge']}, fail: {v['fail']}, skipped (reference failed): {len(rs) - len(counted)}")
    ok = [r for r in counted if r.get("ours_status") == "ok" and r.get("ours_compile_s") is not None]
    if ok:
        ours_c = [r["ours_compile_s"] for r in ok]
        ref_c = [r["ref_compile_s"] for r in ok if r.get("ref_compile_s") is not None]
        print(f"compile (source to first frame): Taichi median {statistics.median(ours_c):.2f} s, "
              f"p95 {pct(ours_c, 95):.2f} s, max {max(ours_c):.1f} s (targets 2 s / 20 s); "
              f"llvmpipe median {statistics.median(ref_c):.3f} s, p95 {pct(ref_c, 95):.3f} s")
        ratios = [r["ours_frame_s"] / r["ref_frame_s"] for r in ok
                  if r.get("ours_frame_s") and r.get("ref_frame_s")]
        if ratios:
            gm = math.exp(sum(math.log(x) for x in ratios) / len(ratios))
            med = statistics.median(r["ours_frame_s"] for r in ok if r.get("ours_frame_s"))
            print(f"render time per frame at {args.timing_size}x{args.timing_size}: geometric-mean ratio "
                  f"Taichi/llvmpipe {gm:.2f} over {len(ratios)} shaders (target <= 2); "
                  f"median Taichi {1000 * med:.1f} ms")
    fails = [r for r in counted if r["verdict"] == "fail"]
    kinds = collections.Counter(kind_of(r.get("ours_error", "")) for r in fails)
    if kinds:
        print("\nfailure kinds (most common first):")
        for k, c in kinds.most_common(25):
            print(f"  {c:4d}  {k}")
    div = [r for r in counted if r["verdict"] == "diverge"]
    if div:
        print("\ndiverging (lowest match first):")
        for r in sorted(div, key=lambda r: min(r["match"]))[: args.show]:
            print(f"  {r['id']}: match {[f'{m:.3f}' for m in r['match']]} max diff {r['max_diff']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
