"""Render one shader with both backends under CONFORMANCE.md and compare (a worker-process task)."""

from __future__ import annotations

import json
import time
from typing import Any

from ..errors import GlslError, GlslErrors, InputError


def _first_error(e: BaseException) -> str:
    if isinstance(e, GlslErrors) and e.errors:
        return str(e.errors[0])
    return f"{type(e).__name__}: {e}" if not isinstance(e, (GlslError, InputError)) else str(e)


def _frame_seconds(render: Any, inputs: Any) -> float:
    """Seconds per frame of a warm render (one warm-up call at this size, then one timed call)."""
    render(inputs)
    t0 = time.perf_counter()
    render(inputs)
    return (time.perf_counter() - t0) / len(inputs.frames)


def parity_task(job: dict[str, Any]) -> dict[str, Any]:
    """``job``: ``{"record"}`` (a corpus JSON line) or ``{"path"}``, plus ``width``, ``height``, ``times``,
    ``arch``, ``timing_size`` (render-time measurement size, or None), ``keep_frames``."""
    import numpy as np

    from ..runtime.inputs import RenderInputs
    from ..sources import from_corpus_record, load_source
    from .compare import match_fractions, max_difference, verdict

    if "record" in job:
        rec = json.loads(job["record"])
        sid = rec.get("id")
    else:
        rec, sid = None, job["path"]
    out: dict[str, Any] = {"id": sid}
    try:
        source = from_corpus_record(rec, "corpus") if rec is not None else load_source(job["path"])
    except InputError as e:
        return {**out, "verdict": "skip", "ref_status": "input_error", "ref_error": str(e), "ours_status": "skip"}
    inputs = RenderInputs.conformance(job.get("width", 128), job.get("height", 128), job.get("times", (1.0, 4.7)))
    timing = job.get("timing_size")
    ref = ours = None
    # reference
    try:
        from ..runtime.gl import compile_gl

        t0 = time.perf_counter()
        prog = compile_gl(source)
        ref = prog.render(RenderInputs(inputs.width, inputs.height, inputs.frames[:1]))
        out["ref_compile_s"] = time.perf_counter() - t0
        ref = prog.render(inputs)
        if timing:
            out["ref_frame_s"] = _frame_seconds(prog.render, RenderInputs(timing, timing, inputs.frames))
        prog.release()
        out["ref_status"] = "ok"
    except Exception as e:  # noqa: BLE001 - every failure is a verdict
        out.update(ref_status="error", ref_error=_first_error(e))
    # ours
    try:
        from ..runtime.taichi_backend import compile_taichi

        t0 = time.perf_counter()
        shader = compile_taichi(source, job.get("arch", "cpu"))
        out["ours_generate_s"] = time.perf_counter() - t0
        ours = shader.render(RenderInputs(inputs.width, inputs.height, inputs.frames[:1]))
        out["ours_compile_s"] = time.perf_counter() - t0
        ours = shader.render(inputs)
        if timing:
            out["ours_frame_s"] = _frame_seconds(shader.render, RenderInputs(timing, timing, inputs.frames))
        out["ours_status"] = "ok"
        out["arch"] = shader.arch
    except Exception as e:  # noqa: BLE001
        out.update(ours_status="error", ours_error=_first_error(e))
    fr = match_fractions(ours, ref) if ours is not None and ref is not None else None
    out["match"] = fr
    out["max_diff"] = max_difference(ours, ref) if fr is not None else None
    out["verdict"] = verdict(fr, ours is not None, ref is not None)
    if job.get("keep_frames"):
        out["frames"] = {"ours": ours, "ref": ref}
    if ours is not None:
        out["ours_nan"] = float(np.isnan(ours).mean())
    return out
