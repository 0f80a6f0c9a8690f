"""The ``glslc`` command line: thin argument parsing over the library.

Every failure is reported without a traceback: bad invocations and unusable inputs as one line
(``glslc: error: ...``, exit 2), shader diagnostics as ``file:line:col: error: ...`` with the source line
and a caret (exit 1). Set ``GLSLC_DEBUG=1`` to see tracebacks of internal errors.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .errors import GlslError, GlslErrors, InputError

EXIT_OK, EXIT_DIAGNOSTIC, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, as for every bad input
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must be WIDTHxHEIGHT, e.g. 512x288, not {text!r}") from None
    if not (1 <= w <= 16384 and 1 <= h <= 16384):
        raise argparse.ArgumentTypeError(f"size {w}x{h} out of range 1..16384")
    return w, h


def _floats(text: str) -> list[float]:
    import math

    try:
        vals = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers, not {text!r}") from None
    if not vals or not all(math.isfinite(v) for v in vals):
        raise argparse.ArgumentTypeError(f"expected finite numbers, not {text!r}")
    return vals


def build_parser() -> argparse.ArgumentParser:
    from .sources import dialect_names

    p = _Parser(prog="glslc", description="GLSL fragment shaders (Shadertoy, TwiGL, plain GLSL) rendered "
                "without OpenGL through Taichi, with a moderngl reference renderer.")
    from . import __version__

    p.add_argument("--version", action="version", version=f"glslc {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    r = sub.add_parser("render", help="render a shader to PNG (one per frame) or .npy",
                       description="Render a shader to images. SHADER is a .frag/.glsl file (Shadertoy Image "
                       "code, a complete fragment shader or a TwiGL body), a Shadertoy JSON export, or a corpus "
                       "JSONL file (FILE.jsonl#ID picks a record).")
    r.add_argument("shader", metavar="SHADER")
    r.add_argument("-o", "--output", required=True, metavar="OUT",
                   help="output file: .png/.jpg (one per frame: OUT_0000.png... or a {i} pattern) or .npy")
    r.add_argument("--size", type=_size, default=(512, 288), metavar="WxH", help="image size (default 512x288)")
    t = r.add_mutually_exclusive_group()
    t.add_argument("--time", type=float, default=None, help="iTime of the one frame (default 0)")
    t.add_argument("--times", type=_floats, default=None, metavar="T0,T1,...", help="several frames at once")
    r.add_argument("--frame", type=int, default=None, help="iFrame (default round(60 * iTime))")
    r.add_argument("--mouse", type=_floats, default=None, metavar="x,y[,z,w]", help="iMouse in pixels")
    for i in range(4):
        r.add_argument(f"--channel{i}", default=None, metavar="IMG[,filter=..][,wrap=..][,vflip=..]",
                       help=f"bind an image to iChannel{i}" if i == 0 else argparse.SUPPRESS)
    r.add_argument("--backend", choices=("taichi", "gl"), default="taichi",
                   help="taichi: the Taichi back end (default); gl: the moderngl reference (needs OpenGL/EGL)")
    r.add_argument("--arch", choices=("auto", "cpu", "vulkan", "cuda"), default="cpu",
                   help="where Taichi runs (default cpu; auto tries cuda, vulkan, then cpu)")
    r.add_argument("--dialect", default=None, metavar="D", help="force the dialect: " + ", ".join(dialect_names()))
    r.add_argument("--timeout", type=float, default=None, metavar="S",
                   help="stop a shader that has not compiled and rendered after S seconds (runs in a worker process)")
    r.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    r.set_defaults(func=cmd_render)

    c = sub.add_parser("check", help="check shaders for errors (exit 0: all valid, 1: errors, 2: bad usage)",
                       description="Preprocess, parse and type-check shaders, printing every independent error as "
                       "file:line:col: error: ... A corpus .jsonl file checks each of its records.")
    c.add_argument("shaders", nargs="+", metavar="SHADER")
    c.add_argument("--dialect", default=None, metavar="D", help="force the dialect: " + ", ".join(dialect_names()))
    c.add_argument("-q", "--quiet", action="store_true", help="print diagnostics only, no summary")
    c.set_defaults(func=cmd_check)

    k = sub.add_parser("compile", help="write the generated Python/Taichi module of a shader",
                       description="Compile a shader to a Python module that renders with nothing but taichi, "
                       "numpy, Pillow and glslc.runtime: python shader.py --time 1.5 -o out.png")
    k.add_argument("shader", metavar="SHADER")
    k.add_argument("-o", "--output", default=None, metavar="FILE.py", help="where to write (default: stdout)")
    k.add_argument("--dialect", default=None, metavar="D", help="force the dialect: " + ", ".join(dialect_names()))
    k.set_defaults(func=cmd_compile)

    # Larger commands live in their own modules; each adds its subparser and handler.
    from . import cli_dataset, cli_parity

    cli_parity.register(sub)
    cli_dataset.register(sub)
    return p


def cmd_compile(args: argparse.Namespace) -> int:
    from .runtime.taichi_backend import generate
    from .sources import load_source

    source = load_source(args.shader, args.dialect)
    text = generate(source)
    if args.output is None:
        sys.stdout.write(text)
        return EXIT_OK
    from .runtime.output import atomic_write

    out = Path(args.output)
    atomic_write(out, lambda fh: fh.write(text.encode()))
    return EXIT_OK


def _sources(spec: str, dialect: str | None):
    """The sources a command-line argument names (every record of a corpus file without #ID)."""
    from .sources import iter_jsonl, load_source

    if spec.endswith(".jsonl") and Path(spec).is_file():
        yield from iter_jsonl(spec, dialect)
    else:
        try:
            yield load_source(spec, dialect)
        except InputError as e:
            yield e


def cmd_check(args: argparse.Namespace) -> int:
    from .frontend import front_end

    ok = bad = 0
    for spec in args.shaders:
        for source in _sources(spec, args.dialect):
            if isinstance(source, InputError):
                print(f"glslc: error: {source}", file=sys.stderr)
                return EXIT_USAGE
            try:
                front_end(source)
                ok += 1
            except GlslErrors as es:
                bad += 1
                text = source.code
                for e in es.errors:
                    print(e.format(text), file=sys.stderr)
    if not args.quiet and ok + bad > 1:
        print(f"{ok + bad} shaders checked: {ok} valid, {bad} with errors")
    return EXIT_DIAGNOSTIC if bad else EXIT_OK


def cmd_render(args: argparse.Namespace) -> int:
    from .runtime.channels import parse_channel_arg
    from .runtime.inputs import RenderInputs, make_frames
    from .runtime.output import save_frames
    from .runtime.render import render
    from .sources import load_source

    out = Path(args.output)
    if out.parent != Path("") and not out.parent.is_dir():
        raise InputError(f"{out.parent}: output folder does not exist")
    source = load_source(args.shader, args.dialect)
    channels = []
    for i in range(4):
        arg = getattr(args, f"channel{i}")
        if arg is None:
            channels.append(None)
            continue
        spec = source.channel(i)
        defaults = {"filter": spec.filter, "wrap": spec.wrap, "vflip": spec.vflip} if spec else None
        channels.append(parse_channel_arg(arg, defaults))
    times = args.times if args.times is not None else [args.time if args.time is not None else 0.0]
    try:
        frames = make_frames(times, frame=args.frame, mouse=args.mouse)
    except ValueError as e:
        raise InputError(str(e)) from None
    inputs = RenderInputs(args.size[0], args.size[1], frames, channels)
    t0 = time.perf_counter()
    if args.timeout is not None:
        from .runtime.isolated import RenderCrashed, RenderTimeout, render_with_timeout

        try:
            result = render_with_timeout(source, inputs, backend=args.backend, arch=args.arch, timeout=args.timeout)
        except (RenderTimeout, RenderCrashed) as e:
            raise InputError(f"{source.filename}: {e}") from None
    else:
        result = render(source, inputs, backend=args.backend, arch=args.arch)
    elapsed = time.perf_counter() - t0
    paths = save_frames(result, out, single=args.times is None)
    if not args.quiet:
        names = str(paths[0]) if len(paths) == 1 else f"{paths[0]} .. {paths[-1]}"
        from .runtime.taichi_backend import current_arch

        how = (f"taichi on {current_arch() or args.arch}" if args.backend == "taichi" else "gl (moderngl)")
        print(f"{source.filename}: {source.dialect_name}, {len(frames)} frame(s) at "
              f"{inputs.width}x{inputs.height} with {how} in {elapsed:.2f} s -> {names}")
    return EXIT_OK


def _read_source_text(filename: str) -> str | None:
    path = filename.split("#")[0]
    try:
        if path.endswith((".json", ".jsonl")):
            return None
        return Path(path).read_text(errors="replace")
    except OSError:
        return None


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return EXIT_USAGE
        return args.func(args)
    except InputError as e:
        print(f"glslc: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except GlslErrors as es:
        for e in es.errors:
            print(e.format(_read_source_text(e.span.file)), file=sys.stderr)
        return EXIT_DIAGNOSTIC
    except GlslError as e:
        print(e.format(_read_source_text(e.span.file)), file=sys.stderr)
        return EXIT_DIAGNOSTIC
    except KeyboardInterrupt:
        print("glslc: interrupted", file=sys.stderr)
        return 130
    except Exception as e:  # noqa: BLE001 - the CLI never shows a traceback unless asked
        from .runtime.render import BackendUnavailable

        if isinstance(e, BackendUnavailable):
            print(f"glslc: error: {e}", file=sys.stderr)
            return EXIT_USAGE
        if os.environ.get("GLSLC_DEBUG"):
            raise
        print(f"glslc: internal error: {type(e).__name__}: {e} (set GLSLC_DEBUG=1 for a traceback; "
              "please report it with the shader)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
