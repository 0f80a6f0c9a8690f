"""How the front end (`glslc check`) agrees with the reference compiler on the corpus, and how fast it is.

    python benchmarks/check_corpus.py [--corpus FILE.jsonl] [--limit N] [--jobs 2] [--no-reference]

For every shader: our verdict (preprocess + parse + check) and moderngl's (Mesa's compiler), in worker
processes. Prints the acceptance rate over shaders the reference compiles, the rejection rate over those it
rejects, every disagreement with its first error, and the median time and throughput of our front end.
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import sys
import time
from pathlib import Path

from tqdm import tqdm

from glslc.conformance.frontend_task import check_task
from glslc.conformance.pool import run_isolated

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "shadertoy-dev.jsonl"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--no-reference", action="store_true", help="only time our front end")
    ap.add_argument("--show", type=int, default=200, help="list at most this many disagreements")
    args = ap.parse_args()
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    lines = [ln for ln in args.corpus.read_text().splitlines() if ln.strip()][: args.limit]
    ids = [json.loads(ln).get("id") for ln in lines]
    jobs = ((i, {"record": ln, "reference": not args.no_reference}) for i, ln in enumerate(lines))
    rows = {}
    t0 = time.perf_counter()
    with tqdm(total=len(lines), unit="shader", file=sys.stderr, disable=None) as bar:
        for key, outcome in run_isolated(jobs, check_task, jobs=args.jobs, timeout=args.timeout):
            rows[key] = outcome.value if outcome.status == "ok" else {
                "id": ids[key], "ours": outcome.status, "ours_error": outcome.error, "ref": "?", "check_s": None}
            bar.update(1)
    wall = time.perf_counter() - t0
    rs = [rows[i] for i in range(len(lines))]
    times = [r["check_s"] for r in rs if r.get("check_s") is not None]
    size = sum(r.get("bytes", 0) for r in rs if r.get("check_s") is not None)
    print(f"# front end on {args.corpus.name}: {len(rs)} shaders (wall {wall:.0f} s, {args.jobs} workers)")
    if times:
        print(f"check time per shader: median {1000 * statistics.median(times):.1f} ms, "
              f"p95 {1000 * sorted(times)[int(0.95 * (len(times) - 1))]:.1f} ms, "
              f"throughput {size / 1024 / sum(times):.0f} KB/s")
    if args.no_reference:
        bad = [r for r in rs if r["ours"] != "ok"]
        print(f"accepted {len(rs) - len(bad)}/{len(rs)}")
        for r in bad[: args.show]:
            print(f"  {r['id']}: {r['ours_error'][:200]}")
        return 0
    ref_ok = [r for r in rs if r["ref"] == "ok"]
    ref_bad = [r for r in rs if r["ref"] == "error"]
    accepted = [r for r in ref_ok if r["ours"] == "ok"]
    rejected = [r for r in ref_bad if r["ours"] != "ok"]
    print(f"accepted {len(accepted)}/{len(ref_ok)} of the shaders the reference compiles "
          f"= {100 * len(accepted) / max(1, len(ref_ok)):.2f}% (target >= 99.5%)")
    print(f"rejected {len(rejected)}/{len(ref_bad)} of the shaders the reference rejects "
          f"= {100 * len(rejected) / max(1, len(ref_bad)):.2f}% (target 100%)")
    false_rej = [r for r in ref_ok if r["ours"] != "ok"]
    false_acc = [r for r in ref_bad if r["ours"] == "ok"]
    kinds = collections.Counter(r["ours_error"].split("error: ", 1)[-1][:60] for r in false_rej)
    if false_rej:
        print("\nrejected by us, compiled by the reference (most common first messages):")
        for msg, n in kinds.most_common(15):
            print(f"  {n:4d}  {msg}")
        print()
        for r in false_rej[: args.show]:
            print(f"  {r['id']}: {r['ours_error'][:220]}")
    if false_acc:
        print("\naccepted by us, rejected by the reference:")
        for r in false_acc[: args.show]:
            print(f"  {r['id']}: reference says {r['ref_error'][:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
