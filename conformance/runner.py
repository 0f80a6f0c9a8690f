"""The parity runner behind ``glslc parity``: each shader rendered by both backends under CONFORMANCE.md.

Every (shader, backend) render is its own item in :func:`glslc.conformance.pool.run_isolated`, so each
backend gets its own timeout (CONFORMANCE.md: 120 s to compile and render both frames) and a crash, hang or
SIGFPE costs that one render, never the run. The two renders of a shader are queued next to each other; when
both are back the shader gets its verdict and its row.

A corpus run writes into an output folder (see :class:`RunDir`): ``results.jsonl`` (one row per shader,
appended as shaders finish, so a killed run loses at most the shaders in flight and a re-run skips what the
folder already holds), ``thumbs/`` (first frame of each backend and the difference heat map),
``frames/`` (all frames as ``.npy`` with ``--save-frames``), ``summary.json``/``summary.txt`` and
``report.html``.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import GlslError, GlslErrors, InputError
from ..sources import ShaderSource
from .compare import match_fractions, max_difference, verdict
from .pool import run_isolated

BACKENDS = ("gl", "taichi")
DEFAULT_TIMEOUT = 120.0


@dataclass(frozen=True)
class Settings:
    """What a parity run renders: CONFORMANCE.md's inputs unless the caller says otherwise."""

    width: int = 128
    height: int = 128
    times: tuple[float, ...] = (1.0, 4.7)
    arch: str = "cpu"
    timeout: float = DEFAULT_TIMEOUT
    timing_size: tuple[int, int] | None = None  # where warm frame times are measured (None: the render size)

    def as_json(self) -> dict[str, Any]:
        return {"size": [self.width, self.height], "times": list(self.times), "arch": self.arch,
                "timeout": self.timeout,
                "timing_size": list(self.timing_size) if self.timing_size else [self.width, self.height]}


# ---------------------------------------------------------------------------------------------- worker side

def format_error(e: BaseException, source: ShaderSource | None) -> str:
    """A diagnostic as the CLI prints it (``file:line:col: error: ...`` with the line and a caret)."""
    text = source.code if source is not None else None  # spans point into the user's code
    if isinstance(e, GlslErrors) and e.errors:
        shown = [err.format(text) for err in e.errors[:3]]
        more = len(e.errors) - 3
        return "\n".join(shown) + (f"\n({more} more errors)" if more > 0 else "")
    if isinstance(e, GlslError):
        return e.format(text)
    if isinstance(e, InputError):
        return str(e)
    return f"{type(e).__name__}: {e}"


#: Warm frame timing: after one untimed frame at the timing size, up to TIMING_REPEATS frames are timed (fewer
#: once TIMING_BUDGET_S seconds are spent) and the fastest counts: the usual best-of-N of benchmarks, the same
#: for both backends.
TIMING_REPEATS = 3
TIMING_BUDGET_S = 1.5


@contextlib.contextmanager
def _exclusive(lock_path: str | None):
    """Hold an exclusive lock on ``lock_path`` (a file shared by the run's workers), so that no two
    workers time frames at once: each backend renders on all cores while it is timed."""
    if not lock_path:
        yield
        return
    import fcntl

    with open(lock_path, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _warm_frame_seconds(render: Callable[[Any], Any], inputs: Any, lock_path: str | None = None) -> float:
    """Seconds for one frame (the first time of ``inputs``) of a compiled shader: the best of a few warm
    frames. Both backends have compiled and drawn once already (at the conformance size); a new size costs
    neither a recompile, and the untimed first frame at this size takes allocations out of the timing."""
    from ..runtime.inputs import RenderInputs

    one = RenderInputs(inputs.width, inputs.height, inputs.frames[:1], inputs.channels)
    with _exclusive(lock_path):
        render(one)
        best, spent = math.inf, 0.0
        for _ in range(TIMING_REPEATS):
            t0 = time.perf_counter()
            render(one)
            took = time.perf_counter() - t0
            best, spent = min(best, took), spent + took
            if spent >= TIMING_BUDGET_S:
                break
    return best


def render_task(job: dict[str, Any]) -> dict[str, Any]:
    """Render one shader with one backend (runs in a worker process).

    ``job``: ``source`` (a ShaderSource), ``backend`` ("gl" or "taichi"), ``settings`` (Settings), ``timing``
    (whether to measure the warm frame time). Returns ``status`` "ok" with ``frames``, ``compile_s`` (source
    to the first frame ready), ``frame_s``; or ``status`` "error" with the formatted ``error``.
    """
    from ..runtime.inputs import RenderInputs

    source: ShaderSource = job["source"]
    s: Settings = job["settings"]
    inputs = RenderInputs.conformance(s.width, s.height, s.times)
    first = RenderInputs(s.width, s.height, inputs.frames[:1])
    out: dict[str, Any] = {}
    try:
        t0 = time.perf_counter()
        if job["backend"] == "gl":
            from ..runtime.gl import compile_gl

            prog = compile_gl(source)
            out["arch"] = "llvmpipe"
        else:
            from ..runtime.taichi_backend import compile_taichi

            prog = compile_taichi(source, s.arch)
            out["arch"] = prog.arch
        prog.render(first)
        out["compile_s"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        frames = prog.render(inputs)
        out["render_s"] = time.perf_counter() - t1
        if job.get("timing"):
            tw, th = s.timing_size or (s.width, s.height)
            out["frame_s"] = _warm_frame_seconds(prog.render, RenderInputs(tw, th, inputs.frames),
                                                 job.get("timing_lock"))
        else:
            out["frame_s"] = out["render_s"] / len(inputs.frames)
        if hasattr(prog, "release"):
            prog.release()
        out.update(status="ok", frames=frames)
    except Exception as e:  # noqa: BLE001 - every failure of a render is a result
        out.update(status="error", error=format_error(e, source))
    return out


# ---------------------------------------------------------------------------------------------- results

def error_kind(status: str, error: str | None) -> str:
    """A short class of a failure, for ranking and filtering: names and numbers taken out."""
    if status == "timeout":
        return "timeout"
    if status == "crash":
        m = re.search(r"signal (\w+)", error or "")
        return f"crash ({m.group(1)})" if m else "crash"
    msg = (error or "").splitlines()[0] if error else ""
    msg = msg.split("error: ", 1)[-1]
    msg = re.sub(r"'[^']*'", "'…'", msg)
    msg = re.sub(r"\b\d+(\.\d+)?\b", "N", msg)
    return msg[:90] or status


def shader_id(source: ShaderSource, taken: set[str]) -> str:
    """A file-name-safe id, unique in the run: the corpus id, else the file's stem."""
    raw = str(source.meta.get("id") or Path(source.filename.split("#")[0]).stem or "shader")
    ident = re.sub(r"[^A-Za-z0-9_.-]", "_", raw)[:80].lstrip(".") or "shader"
    base, n = ident, 2
    while ident in taken:
        ident = f"{base}-{n}"
        n += 1
    taken.add(ident)
    return ident


def make_row(ident: str, source: ShaderSource, ref: dict[str, Any], ours: dict[str, Any]) -> dict[str, Any]:
    """One results row (see ``docs/conformance.md``) from the two backends' outcomes."""
    row: dict[str, Any] = {"id": ident, "name": source.meta.get("name") or source.name,
                           "author": source.meta.get("author"), "source": source.filename}
    for prefix, r in (("ref", ref), ("ours", ours)):
        row[f"{prefix}_status"] = r["status"]
        if r["status"] != "ok":
            row[f"{prefix}_error"] = r.get("error", "")
        for k in ("compile_s", "frame_s"):
            if r.get(k) is not None:
                row[f"{prefix}_{k}"] = round(float(r[k]), 6)
    row["arch"] = ours.get("arch")
    a, b = ours.get("frames"), ref.get("frames")
    fr = None
    if a is not None and b is not None:
        fr = match_fractions(a, b)
        row["max_diff"] = max_difference(a, b)
        import numpy as np

        row["ours_nan"] = float(np.isnan(a).mean())
    row["match"] = [round(f, 6) for f in fr] if fr is not None else None
    row["verdict"] = verdict(fr, ours["status"] == "ok", ref["status"] == "ok")
    if row["verdict"] == "skip":
        row["error_kind"] = "reference: " + error_kind(ref["status"], ref.get("error"))
    elif row["verdict"] == "fail":
        row["error_kind"] = error_kind(ours["status"], ours.get("error"))
    elif row["verdict"] == "diverge":
        row["error_kind"] = "diverge"
    return row


def _pct(values: list[float], q: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, int(round(q / 100 * (len(v) - 1))))]


def _stats(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    return {"median": statistics.median(values), "p95": _pct(values, 95), "max": max(values), "n": len(values)}


def summarize(rows: list[dict[str, Any]], settings: Settings | None = None, corpus: str = "",
              wall_s: float | None = None) -> dict[str, Any]:
    """Rates per verdict (over shaders the reference renders), error kinds ranked, timing percentiles."""
    counted = [r for r in rows if r["verdict"] != "skip"]
    n = len(counted)
    v = Counter(r["verdict"] for r in rows)
    verdicts = {k: v.get(k, 0) for k in ("agree", "close", "diverge", "fail", "skip")}

    def rate(k: int) -> float | None:
        return k / n if n else None

    rendered = sum(1 for r in counted if r.get("ours_status") == "ok")
    kinds = Counter(r["error_kind"] for r in counted if r["verdict"] == "fail")
    both = [r for r in counted if r.get("ours_status") == "ok"]
    ratios = [r["ours_frame_s"] / r["ref_frame_s"] for r in both if r.get("ours_frame_s") and r.get("ref_frame_s")]
    cratios = [r["ours_compile_s"] / r["ref_compile_s"] for r in both
               if r.get("ours_compile_s") and r.get("ref_compile_s")]
    timing = {
        "ours_compile_s": _stats([r["ours_compile_s"] for r in both if r.get("ours_compile_s") is not None]),
        "ref_compile_s": _stats([r["ref_compile_s"] for r in counted if r.get("ref_compile_s") is not None]),
        "ours_frame_s": _stats([r["ours_frame_s"] for r in both if r.get("ours_frame_s") is not None]),
        "ref_frame_s": _stats([r["ref_frame_s"] for r in counted if r.get("ref_frame_s") is not None]),
        "frame_ratio_geomean": math.exp(sum(map(math.log, ratios)) / len(ratios)) if ratios else None,
        "compile_ratio_median": statistics.median(cratios) if cratios else None,
        "ours_compile_over_90s": sum(1 for r in counted if r.get("ours_status") == "timeout"),
    }
    return {
        "corpus": corpus, "total": len(rows), "counted": n, "verdicts": verdicts,
        "rates": {"agree": rate(verdicts["agree"]), "agree_or_close": rate(verdicts["agree"] + verdicts["close"]),
                  "fail": rate(verdicts["fail"]), "render": rate(rendered)},
        "error_kinds": kinds.most_common(),
        "skip_kinds": Counter(r.get("error_kind", "") for r in rows if r["verdict"] == "skip").most_common(),
        "timing": timing, "wall_s": wall_s, "settings": settings.as_json() if settings else None,
    }


def _p(x: float | None, digits: int = 1) -> str:
    return "n/a" if x is None else f"{100 * x:.{digits}f}%"


def _sec(d: dict[str, float] | None, key: str, scale: float = 1.0, unit: str = "s") -> str:
    return "n/a" if not d else f"{scale * d[key]:.3g} {unit}"


def format_summary(s: dict[str, Any]) -> str:
    """The summary as text: rates against the back end's targets, failure kinds, timing for both backends."""
    v, r, t = s["verdicts"], s["rates"], s["timing"]
    settings = s.get("settings") or {}
    size = settings.get("size", ["?", "?"])
    lines = [
        f"parity: {s['total']} shaders ({s['corpus'] or 'files'}), {s['counted']} rendered by the reference; "
        f"{size[0]}x{size[1]}, iTime {settings.get('times')}, taichi on {settings.get('arch')}",
        f"  rendered with taichi: {_p(r['render'])}   agree: {v['agree']} ({_p(r['agree'])})   "
        f"close: {v['close']}   agree+close: {_p(r['agree_or_close'])}",
        f"  diverge: {v['diverge']}   fail: {v['fail']} ({_p(r['fail'])})   skip (reference failed): {v['skip']}",
    ]
    oc, rc, of, rf = t["ours_compile_s"], t["ref_compile_s"], t["ours_frame_s"], t["ref_frame_s"]
    lines.append(f"  compile (source to first frame): taichi median {_sec(oc, 'median')}, p95 {_sec(oc, 'p95')}, "
                 f"max {_sec(oc, 'max')} | llvmpipe median {_sec(rc, 'median')}, p95 {_sec(rc, 'p95')}")
    ts = settings.get("timing_size") or size
    gm = t["frame_ratio_geomean"]
    lines.append(f"  render per frame at {ts[0]}x{ts[1]}: taichi median {_sec(of, 'median', 1000, 'ms')} | "
                 f"llvmpipe median {_sec(rf, 'median', 1000, 'ms')} | geometric-mean ratio "
                 f"{'n/a' if gm is None else f'{gm:.2f}'}")
    if s["error_kinds"]:
        lines.append("  failures by kind:")
        lines += [f"    {c:5d}  {k}" for k, c in s["error_kinds"][:20]]
    if s.get("wall_s") is not None:
        lines.append(f"  wall time {s['wall_s']:.0f} s")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- the run

def write_images(folder: Path, ident: str, ref, ours) -> None:
    """``ID.ref.png``, ``ID.ours.png`` (first frames, 8-bit as CONFORMANCE.md quantizes) and ``ID.diff.png``
    (the heat map of :func:`glslc.conformance.compare.diff_image`) for whichever frames exist."""
    from PIL import Image

    from ..runtime.output import atomic_write, to_uint8
    from .compare import diff_image

    def save(name: str, img) -> None:
        atomic_write(folder / f"{ident}.{name}.png", lambda fh: Image.fromarray(img).save(fh, format="PNG"))

    if ref is not None:
        save("ref", to_uint8(ref[0])[..., :3])
    if ours is not None:
        save("ours", to_uint8(ours[0])[..., :3])
    if ref is not None and ours is not None:
        save("diff", diff_image(ours, ref))


@dataclass
class RunDir:
    """The output folder of a corpus run; rows are appended (and flushed) as shaders finish."""

    path: Path
    save_frames: bool = False
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            (self.path / "thumbs").mkdir(exist_ok=True)
            if self.save_frames:
                (self.path / "frames").mkdir(exist_ok=True)
            probe = self.path / ".write-test"
            probe.write_text("")
            probe.unlink()
        except OSError as e:
            raise InputError(f"{self.path}: cannot write the output folder ({e.strerror or e})") from None
        self._load()

    @property
    def results(self) -> Path:
        return self.path / "results.jsonl"

    def _load(self) -> None:
        """Rows of an earlier run; a last line cut off by a kill is dropped (that shader runs again)."""
        if not self.results.exists():
            return
        good = []
        for line in self.results.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(row, dict) and "id" in row and "verdict" in row:
                self.rows[row["id"]] = row
                good.append(json.dumps(row))
        tmp = self.results.with_suffix(".jsonl.tmp")
        tmp.write_text("".join(g + "\n" for g in good), encoding="utf-8")
        os.replace(tmp, self.results)

    def add(self, row: dict[str, Any], ref: dict[str, Any], ours: dict[str, Any]) -> None:
        from ..runtime.output import atomic_write

        ident = row["id"]
        write_images(self.path / "thumbs", ident, ref.get("frames"), ours.get("frames"))
        if self.save_frames:
            import numpy as np

            for name, r in (("gl", ref), ("taichi", ours)):
                if r.get("frames") is not None:
                    atomic_write(self.path / "frames" / f"{ident}.{name}.npy",
                                 lambda fh, a=r["frames"]: np.save(fh, a))
        with open(self.results, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        self.rows[ident] = row

    def finish(self, settings: Settings, corpus: str, wall_s: float | None, report: bool = True) -> dict[str, Any]:
        from ..runtime.output import atomic_write

        summary = summarize(list(self.rows.values()), settings, corpus, wall_s)
        atomic_write(self.path / "summary.json", lambda fh: fh.write(json.dumps(summary, indent=1).encode()))
        atomic_write(self.path / "summary.txt", lambda fh: fh.write((format_summary(summary) + "\n").encode()))
        if report:
            from .report import write_report

            write_report(self.path)
        return summary


def run_parity(sources: Iterable[tuple[str, ShaderSource]], settings: Settings, *, jobs: int = 2,
               timing: bool = True) -> Iterator[tuple[str, ShaderSource, dict[str, Any], dict[str, Any]]]:
    """Yield ``(id, source, ref_outcome, ours_outcome)`` per shader as both its renders finish.

    Each outcome is a :func:`render_task` result, or ``{"status": "timeout"|"crash", "error": ...}`` when
    the worker was stopped or died.
    """
    lock_path = None
    if timing and jobs > 1:  # workers take turns timing frames (see _exclusive)
        import tempfile

        fd, lock_path = tempfile.mkstemp(prefix="glslc-timing-", suffix=".lock")
        os.close(fd)
    try:
        yield from _run_parity(sources, settings, jobs, timing, lock_path)
    finally:
        if lock_path:
            with contextlib.suppress(OSError):
                os.unlink(lock_path)


def _run_parity(sources: Iterable[tuple[str, ShaderSource]], settings: Settings, jobs: int, timing: bool,
                lock_path: str | None) -> Iterator[tuple[str, ShaderSource, dict[str, Any], dict[str, Any]]]:
    srcs: dict[str, ShaderSource] = {}

    def items() -> Iterator[tuple[tuple[str, str], dict[str, Any]]]:
        for ident, src in sources:
            srcs[ident] = src
            for backend in BACKENDS:
                yield (ident, backend), {"source": src, "backend": backend, "settings": settings, "timing": timing,
                                          "timing_lock": lock_path}

    halves: dict[str, dict[str, dict[str, Any]]] = {}
    for (ident, backend), oc in run_isolated(items(), render_task, jobs=jobs, timeout=settings.timeout):
        if oc.status == "ok":
            res = oc.value
        elif oc.status == "timeout":
            res = {"status": "timeout",
                   "error": f"did not compile and render within {settings.timeout:g} s (stopped)"}
        elif oc.status == "crash":
            res = {"status": "crash", "error": f"the renderer crashed: {oc.error}"}
        else:
            res = {"status": "error", "error": oc.error}
        got = halves.setdefault(ident, {})
        got[backend] = res
        if len(got) == len(BACKENDS):
            del halves[ident]
            yield ident, srcs.pop(ident), got["gl"], got["taichi"]
