"""How much of the corpus the reference renderer (moderngl on Mesa llvmpipe) renders, and how fast.

    python benchmarks/reference_corpus.py [--corpus ../shared/corpus/shadertoy-dev.jsonl] [--limit N]
        [--jobs 2] [--timeout 120] [--size 128x128] [--tsv out.tsv]

Each shader renders the two frames of CONFORMANCE.md in a worker process (a hang or crash costs one
shader). Prints one line per shader (status, compile, first-frame and per-frame times), the failures with
their first error, the render rate and timing percentiles.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from tqdm import tqdm

from glslc.conformance.pool import run_isolated
from glslc.conformance.reference import reference_task

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "shadertoy-dev.jsonl"


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--size", default="128x128")
    ap.add_argument("--tsv", type=Path, default=None, help="also write the per-shader table here")
    ap.add_argument("--quiet", action="store_true", help="no per-shader lines")
    args = ap.parse_args()
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    w, h = (int(v) for v in args.size.split("x"))
    lines = [ln for ln in args.corpus.read_text().splitlines() if ln.strip()][: args.limit]
    jobs = ((i, {"record": ln, "width": w, "height": h, "times": (1.0, 4.7)}) for i, ln in enumerate(lines))
    ids = [json.loads(ln).get("id") for ln in lines]
    rows = {}
    t0 = time.perf_counter()
    with tqdm(total=len(lines), unit="shader", file=sys.stderr, disable=None) as bar:
        for key, outcome in run_isolated(jobs, reference_task, jobs=args.jobs, timeout=args.timeout):
            if outcome.status == "ok":
                row = outcome.value
            else:
                row = {"id": ids[key], "status": outcome.status, "error": outcome.error}
            rows[key] = row
            bar.update(1)
    wall = time.perf_counter() - t0
    table = ["id\tstatus\tcompile_s\tfirst_frame_s\tframe_ms\terror"]
    for i in range(len(lines)):
        r = rows[i]
        table.append(f"{r['id']}\t{r['status']}\t{r.get('compile_s', float('nan')):.4f}\t"
                     f"{r.get('first_frame_s', float('nan')):.4f}\t{1000 * (r.get('frame_s') or float('nan')):.2f}\t"
                     f"{r.get('error', '')[:160]}")
    if not args.quiet:
        print("\n".join(table))
    if args.tsv:
        args.tsv.write_text("\n".join(table) + "\n")
    ok = [r for r in rows.values() if r["status"] == "ok"]
    bad = [r for r in rows.values() if r["status"] != "ok"]
    print(f"\n# reference (moderngl) on {args.corpus.name}: {len(lines)} shaders, {w}x{h}, iTime 1.0 and 4.7")
    print(f"rendered: {len(ok)}/{len(lines)} = {100 * len(ok) / max(1, len(lines)):.2f}%  (wall {wall:.0f} s, "
          f"{args.jobs} workers)")
    by_status: dict[str, int] = {}
    for r in bad:
        by_status[r["status"]] = by_status.get(r["status"], 0) + 1
    print("failures by kind: " + (", ".join(f"{k} {v}" for k, v in sorted(by_status.items())) or "none"))
    for name, key in (("compile (program build)", "compile_s"), ("first frame (incl. JIT)", "first_frame_s"),
                      ("per frame", "frame_s")):
        vals = [r[key] for r in ok if r.get(key) is not None]
        if vals:
            print(f"{name:>24}: median {1000 * statistics.median(vals):8.1f} ms   p95 {1000 * pct(vals, 95):8.1f} ms"
                  f"   max {1000 * max(vals):8.1f} ms")
    if bad:
        print("\nfailures:")
        for r in bad:
            print(f"  {r['id']}: {r['status']}: {r['error'][:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
