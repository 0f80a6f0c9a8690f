"""Metamorphic checks over a random corpus sample: rewritten shaders must render as the originals do.

    python benchmarks/metamorphic_corpus.py [--corpus FILE.jsonl] [--sample 60] [--seed 0] [--jobs 1]
        [--rewrites loop,dead+identity,...] [--size 32] [--timeout 300] [--out DIR] [--json FILE] [--all-lines]

Each sampled shader renders with the Taichi back end (cpu, --size square, iTime 1.0 and 4.7), then each
variant (by default every rewrite alone, then all of them together; see ``docs/metamorphic.md``) renders and
is compared with it. A shader runs in a worker process with a time budget for all its variants (variants
that would not fit are skipped; a worker that hangs is stopped); shaders the back end cannot render are
skipped. Prints the failures (with the path of the rewritten GLSL), then the counts per
rewrite and overall. The corpus stays in ../shared/corpus; rewritten corpus shaders are written only under
--out (default: a temporary folder), never into the repository.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from glslc.conformance.metamorphic import DEFAULT_VARIANTS, parse_variants, run

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "shadertoy-dev.jsonl"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--sample", type=int, default=60)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--rewrites", default="")
    ap.add_argument("--size", type=int, default=32)
    ap.add_argument("--timeout", type=float, default=300.0,
                    help="time budget per shader (all its variants; those that would not fit are skipped)")
    ap.add_argument("--out", default=None, help="where failing rewritten shaders go")
    ap.add_argument("--json", type=Path, default=None, help="write every result here")
    ap.add_argument("--all-lines", action="store_true", help="print every (shader, variant) line")
    args = ap.parse_args()
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus} (it lives in ../shared/corpus beside the repo)", file=sys.stderr)
        return 2
    variants = parse_variants(args.rewrites) if args.rewrites else list(DEFAULT_VARIANTS)
    summary = run([], corpus=str(args.corpus), sample=args.sample, seed=args.seed, variants=variants,
                  size=args.size, jobs=args.jobs, timeout=args.timeout, out_dir=args.out,
                  quiet=not args.all_lines, stream=sys.stdout)
    per: dict[str, Counter] = defaultdict(Counter)
    for r in summary["results"]:
        per[r["variant"]][r["status"]] += 1
    buf = io.StringIO()
    statuses = ["same", "agree", "differ", "reject", "error", "timeout", "skip"]
    buf.write(f"\n{'variant':<48}" + "".join(f"{s:>8}" for s in statuses) + "\n")
    for v in variants:
        name = "+".join(v)
        buf.write(f"{name:<48}" + "".join(f"{per[name][s]:>8}" for s in statuses) + "\n")
    checked = sum(1 for r in summary["results"] if r["status"] != "skip")
    buf.write(f"\n{summary['shaders']} shaders sampled (seed {args.seed}), {summary['shaders_skipped']} not "
              f"renderable by the back end; {checked} checks run, {summary['failures']} failures; "
              f"{summary['seconds']:.0f} s\n")
    print(buf.getvalue(), end="")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1, default=str))
    return 1 if summary["failures"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
