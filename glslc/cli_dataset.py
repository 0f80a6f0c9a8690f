"""``glslc dataset``: Shaders21k-style image datasets (registered by :mod:`glslc.cli`).

    glslc dataset SOURCES... --out DIR [--images-per-shader N] [--size 384] [--time-range 0.1:10] [--seed S]
        [--backend taichi|gl] [--arch cpu] [--jobs 2] [--format png|jpeg|webdataset] [--drop-constant]
        [--limit N] [--timeout 120] [--retry-failed] [-q]

The engine is :func:`glslc.runtime.dataset.build_dataset`; this module parses the arguments and prints the
summary. Bad input (no such source, a file that is not a shader, an empty folder, an output folder that
cannot be written or holds another dataset, a full disk) is one line ``glslc: error: ...`` and exit status
2; a shader that fails is recorded in ``DIR/failures.jsonl`` and the run goes on. Exit status 0 when the
run finished (failed shaders included), 1 when no shader rendered at all.

``python -m glslc.cli_dataset ...`` runs the same command on its own.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence

from .errors import InputError

EXIT_OK, EXIT_NOTHING = 0, 1


def _size(text: str) -> tuple[int, int]:
    """``384`` (square) or ``WxH``."""
    try:
        parts = [int(v) for v in text.lower().split("x")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must be N or WIDTHxHEIGHT, e.g. 384 or 512x288, not {text!r}") from None
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2 or not all(1 <= v <= 16384 for v in parts):
        raise argparse.ArgumentTypeError(f"size {text!r} out of range (1..16384, N or WxH)")
    return parts[0], parts[1]


def _time_range(text: str) -> tuple[float, float]:
    """``START:END`` (a single number T means T:T)."""
    try:
        vals = [float(v) for v in text.split(":")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"time range must be START:END, e.g. 0.1:10, not {text!r}") from None
    if len(vals) == 1:
        vals = vals * 2
    if len(vals) != 2 or not all(math.isfinite(v) for v in vals) or vals[1] < vals[0]:
        raise argparse.ArgumentTypeError(f"time range must be START:END with finite START <= END, not {text!r}")
    return vals[0], vals[1]


def _positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a number >= 1, not {v}")
    return v


def _positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, not {text!r}") from None
    if not (v > 0 and math.isfinite(v)):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, not {text!r}")
    return v


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``dataset`` subcommand."""
    from .sources import dialect_names

    d = sub.add_parser(
        "dataset", help="render shaders into an image dataset (ImageFolder or WebDataset), resumable",
        description="Render every shader of SOURCES at random iTimes into an image dataset, as the Shaders21k "
        "work does: an ImageFolder tree (DIR/<shader>/<shader>_00000.png, the folder is the class) or WebDataset "
        "tar shards, with DIR/manifest.jsonl (one row per image: shader, source, author, licence, time, seed, "
        "file, sha256), DIR/failures.jsonl and DIR/summary.json. SOURCES are shader files (.frag/.glsl, TwiGL "
        "bodies), folders of them (searched recursively), Shadertoy JSON exports, corpus JSONL files (every "
        "record) and FILE.jsonl#ID. Each shader renders in a worker process with a timeout; one that fails "
        "is recorded and skipped. Re-running the same command renders only what is missing; the same seed "
        "gives the same times and images. See docs/dataset.md.")
    d.add_argument("sources", nargs="+", metavar="SOURCE", help="shader files, folders, exports, corpus .jsonl")
    d.add_argument("-o", "--out", required=True, metavar="DIR", help="output folder (created; resumed if it "
                   "holds a dataset made with the same settings)")
    d.add_argument("-n", "--images-per-shader", type=_positive_int, default=10, metavar="N",
                   help="images per shader (default 10); raising N later adds images, keeping the first ones")
    d.add_argument("--size", type=_size, default=(384, 384), metavar="N|WxH", help="image size (default 384)")
    d.add_argument("--time-range", type=_time_range, default=(0.1, 10.0), metavar="START:END",
                   help="iTime is uniform in this range (default 0.1:10); iFrame = round(60 iTime), iMouse 0")
    d.add_argument("--seed", type=int, default=0, help="seed of the times (default 0)")
    d.add_argument("--backend", choices=("taichi", "gl"), default="taichi",
                   help="taichi: the Taichi back end (default); gl: the moderngl reference (needs OpenGL/EGL)")
    d.add_argument("--arch", choices=("auto", "cpu", "vulkan", "cuda"), default="cpu",
                   help="where Taichi runs (default cpu; auto tries cuda, vulkan, then cpu)")
    d.add_argument("-j", "--jobs", type=_positive_int, default=2, metavar="J",
                   help="worker processes (default 2)")
    d.add_argument("--format", choices=("png", "jpeg", "webdataset"), default="png",
                   help="png/jpeg: an ImageFolder tree (default png); webdataset: tar shards of "
                   "<key>.png + <key>.json + <key>.cls")
    d.add_argument("--shard-size", type=_positive_int, default=1000, metavar="N",
                   help="images per WebDataset shard (default 1000)")
    d.add_argument("--shard-image", choices=("png", "jpeg"), default="png",
                   help="image format inside WebDataset shards (default png)")
    d.add_argument("--drop-constant", action="store_true",
                   help="drop a shader whose images are all one flat colour (no channel spans more than "
                   "2 of 255 levels); recorded as 'constant' in failures.jsonl")
    d.add_argument("--limit", type=_positive_int, default=None, metavar="N", help="only the first N shaders")
    d.add_argument("--timeout", type=_positive_float, default=120.0, metavar="S",
                   help="stop a shader that has not compiled and rendered its images in S seconds (default 120)")
    d.add_argument("--retry-failed", action="store_true",
                   help="render again shaders that failed in an earlier run (default: skip them)")
    d.add_argument("--dialect", default=None, metavar="D", help="force the dialect: " + ", ".join(dialect_names()))
    d.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no notes, no summary")
    d.add_argument("--json", action="store_true", help="print the summary as JSON (as DIR/summary.json)")
    d.set_defaults(func=cmd_dataset)


def cmd_dataset(args: argparse.Namespace) -> int:
    from .runtime.dataset import DatasetOptions, build_dataset, format_summary

    if args.format != "webdataset" and args.shard_image != "png":
        raise InputError("--shard-image applies to --format webdataset only")
    opts = DatasetOptions(
        out=args.out, images_per_shader=args.images_per_shader, size=args.size, time_range=args.time_range,
        seed=args.seed, backend=args.backend, arch=args.arch, jobs=args.jobs, format=args.format,
        shard_image=args.shard_image, shard_size=args.shard_size, drop_constant=args.drop_constant,
        limit=args.limit, timeout=args.timeout, retry_failed=args.retry_failed, dialect=args.dialect,
        quiet=args.quiet)
    summary = build_dataset(args.sources, opts)
    if args.json:
        print(json.dumps(summary, indent=1, ensure_ascii=False))
    elif not args.quiet:
        print(format_summary(summary))
    if summary["rendered"] == 0 and summary["images"] == 0:
        if not args.quiet:
            print("glslc: no shader rendered", file=sys.stderr)
        return EXIT_NOTHING
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """``glslc dataset`` on its own (``python -m glslc.cli_dataset SOURCES... --out DIR``): the same command,
    parsing and error handling as ``glslc dataset`` (:func:`glslc.cli.main`)."""
    from .cli import main as cli_main

    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] != "dataset":
        argv = ["dataset", *argv]
    return cli_main(argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
