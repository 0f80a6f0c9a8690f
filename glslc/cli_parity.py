"""``glslc parity``: both backends on the same shaders under CONFORMANCE.md (registered by :mod:`glslc.cli`).

    glslc parity SHADER... [--size 128x128] [--times 1,4.7] [--arch cpu] [--diff DIR]
    glslc parity --corpus FILE.jsonl --out DIR [--jobs 2] [--timeout 120] [--limit N] [--save-frames]

Exit status: 0 when every shader the reference renders agrees, 1 when some do not, 2 for bad usage.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from .errors import InputError
from .sources import ShaderSource

EXIT_OK, EXIT_DIFFERENT = 0, 1
_SHADER_SUFFIXES = (".frag", ".glsl", ".fs", ".txt", ".json")


def register(sub: argparse._SubParsersAction) -> None:
    from .cli import _floats, _size

    p = sub.add_parser(
        "parity", help="render shaders with both backends and compare them (CONFORMANCE.md)",
        description="Render each shader with the Taichi back end and the moderngl reference under the parity "
        "contract (../shared/CONFORMANCE.md: 128x128, iTime 1.0 and 4.7, 8-bit RGB, 3/255 tolerance) and print "
        "one line per shader: verdict, matching pixels per frame, largest difference, both backends' compile and "
        "render times. With --corpus, run a whole JSONL corpus into --out DIR (resumable; results.jsonl, "
        "summary, report.html). Exit status 0 only when every shader the reference renders agrees.")
    p.add_argument("shaders", nargs="*", metavar="SHADER",
                   help="shader files, folders of them, Shadertoy JSON exports or FILE.jsonl#ID")
    p.add_argument("--corpus", action="append", default=[], metavar="FILE.jsonl",
                   help="run every record of a corpus file (repeatable); needs --out")
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="output folder: results.jsonl, thumbs/, frames/, summary.json/.txt, report.html")
    p.add_argument("--size", type=_size, default=(128, 128), metavar="WxH", help="render size (default 128x128)")
    p.add_argument("--times", type=_floats, default=[1.0, 4.7], metavar="T0,T1,...",
                   help="iTime of each frame (default 1.0,4.7)")
    p.add_argument("--arch", choices=("auto", "cpu", "vulkan", "cuda"), default="cpu",
                   help="where Taichi runs (default cpu)")
    p.add_argument("--jobs", type=int, default=2, metavar="N", help="worker processes (default 2)")
    p.add_argument("--timeout", type=float, default=120.0, metavar="S",
                   help="per backend and shader: compile and render within S seconds (default 120)")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="only the first N shaders")
    p.add_argument("--timing-size", type=int, default=None, metavar="PX",
                   help="measure warm frame times at PXxPX (default: the render size)")
    p.add_argument("--save-frames", action="store_true", help="keep frames/ID.taichi.npy and ID.gl.npy in --out")
    p.add_argument("--diff", type=Path, default=None, metavar="DIR",
                   help="write ID.ref.png, ID.ours.png and ID.diff.png (heat map) of each shader into DIR")
    p.add_argument("--no-report", action="store_true", help="skip report.html")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar; only the summary (corpus runs)")
    p.set_defaults(func=cmd_parity)


def _expand(spec: str) -> Iterator[ShaderSource]:
    from .sources import iter_jsonl, load_source

    path = Path(spec.split("#")[0])
    if path.is_dir():
        files = sorted(f for f in path.rglob("*") if f.is_file() and f.suffix.lower() in _SHADER_SUFFIXES)
        if not files:
            raise InputError(f"{spec}: no shader files (*.frag, *.glsl, *.json...) in this folder")
        for f in files:
            yield load_source(str(f))
    elif spec.endswith(".jsonl") and path.is_file():
        for s in iter_jsonl(spec):
            if isinstance(s, InputError):
                raise s
            yield s
    else:
        yield load_source(spec)


def _fmt_time(x: float | None, unit: str = "s") -> str:
    if x is None:
        return "-"
    return f"{1000 * x:.1f} ms" if unit == "ms" else f"{x:.2f} s"


def shader_line(name: str, row: dict) -> str:
    """One line per shader: verdict, match per frame, largest difference, both backends' timings."""
    v = row["verdict"]
    parts = [f"{name}: {v.upper()}"]
    if row.get("match") is not None:
        parts.append("match " + " ".join(f"{100 * m:.2f}%" for m in row["match"]))
        parts.append(f"max diff {row.get('max_diff')}/255")
    parts.append(f"gl: compile {_fmt_time(row.get('ref_compile_s'))}, {_fmt_time(row.get('ref_frame_s'), 'ms')}"
                 "/frame")
    parts.append(f"taichi ({row.get('arch') or '?'}): compile {_fmt_time(row.get('ours_compile_s'))}, "
                 f"{_fmt_time(row.get('ours_frame_s'), 'ms')}/frame")
    line = "  ".join(parts[:3]) + "  | " + " | ".join(parts[3:]) if row.get("match") is not None else \
        "  ".join(parts[:1]) + "  | " + " | ".join(parts[1:])
    for prefix, who in (("ref", "reference"), ("ours", "taichi")):
        if row.get(f"{prefix}_status") not in (None, "ok"):
            err = (row.get(f"{prefix}_error") or "").rstrip()
            line += f"\n  {who} {row[f'{prefix}_status']}: " + err.replace("\n", "\n    ")
    return line


def cmd_parity(args: argparse.Namespace) -> int:
    from .conformance.runner import RunDir, Settings, format_summary, make_row, run_parity, shader_id, write_images

    if not args.shaders and not args.corpus:
        raise InputError("name shaders to compare, or a corpus with --corpus FILE.jsonl")
    if args.corpus and args.out is None:
        raise InputError("--corpus needs --out DIR (where results.jsonl, the summary and report.html go)")
    if args.jobs < 1:
        raise InputError("--jobs must be at least 1")
    if args.timeout <= 0:
        raise InputError("--timeout must be positive")
    for c in args.corpus:
        if not Path(c).is_file():
            raise InputError(f"{c}: corpus file not found")
    timing_size = (args.timing_size, args.timing_size) if args.timing_size else None
    settings = Settings(args.size[0], args.size[1], tuple(args.times), args.arch, args.timeout, timing_size)
    run_dir = RunDir(args.out, args.save_frames) if args.out is not None else None
    if args.diff is not None:
        try:
            args.diff.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise InputError(f"{args.diff}: cannot create the diff folder ({e.strerror or e})") from None

    # Every source, loaded up front so that a bad argument is reported before anything renders.
    taken: set[str] = set(run_dir.rows) if run_dir else set()
    todo: list[tuple[str, ShaderSource]] = []
    done_before = 0
    specs = [*args.shaders, *args.corpus]
    for spec in specs:
        for src in _expand(spec):
            if args.limit is not None and len(todo) + done_before >= args.limit:
                break
            if run_dir is not None:
                ident = shader_id(src, set())
                if ident in run_dir.rows:
                    done_before += 1
                    continue
                taken.add(ident)
            else:
                ident = shader_id(src, taken)
            todo.append((ident, src))
    corpus_mode = bool(args.corpus)
    show_lines = not corpus_mode and not args.quiet
    counts: Counter[str] = Counter(r["verdict"] for r in run_dir.rows.values()) if run_dir else Counter()
    if corpus_mode and done_before and not args.quiet:
        print(f"resuming: {done_before} shaders already in {run_dir.results}, {len(todo)} to go", file=sys.stderr)

    from tqdm import tqdm

    bar = tqdm(total=len(todo), unit="shader", file=sys.stderr, disable=True if args.quiet or not corpus_mode
               else None, dynamic_ncols=True)
    t0 = time.perf_counter()
    rows = []
    interrupted = False
    try:
        for ident, src, ref, ours in run_parity(todo, settings, jobs=args.jobs):
            row = make_row(ident, src, ref, ours)
            rows.append(row)
            if run_dir is not None:
                run_dir.add(row, ref, ours)
            if args.diff is not None:
                write_images(args.diff, ident, ref.get("frames"), ours.get("frames"))
            counts[row["verdict"]] += 1
            if show_lines:
                print(shader_line(src.filename, row), flush=True)
            bar.set_postfix({k: counts[k] for k in ("agree", "close", "diverge", "fail", "skip") if counts[k]},
                            refresh=False)
            bar.update(1)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        bar.close()
    wall = time.perf_counter() - t0
    all_rows = list(run_dir.rows.values()) if run_dir else rows
    if run_dir is not None:
        summary = run_dir.finish(settings, ",".join(specs), wall, report=not args.no_report)
        if not args.quiet or corpus_mode:
            print(format_summary(summary))
            print(f"results: {run_dir.results}" + ("" if args.no_report else
                                                   f"   report: {run_dir.path / 'report.html'}"))
    elif len(rows) > 1 and not args.quiet:
        c = Counter(r["verdict"] for r in rows)
        print(f"{len(rows)} shaders: " + ", ".join(f"{c[k]} {k}" for k in ("agree", "close", "diverge", "fail", "skip")
                                                   if c[k]))
    if interrupted:
        print("glslc: interrupted (finished shaders are kept; run the same command again to resume)",
              file=sys.stderr)
        return 130
    return EXIT_OK if all(r["verdict"] in ("agree", "skip") for r in all_rows) else EXIT_DIFFERENT
