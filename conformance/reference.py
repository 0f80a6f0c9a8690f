"""Rendering corpus records with the reference in worker processes (used by benchmarks and parity)."""

from __future__ import annotations

import json
import time
from typing import Any

from ..errors import GlslError, GlslErrors, InputError


def reference_task(job: dict[str, Any]) -> dict[str, Any]:
    """Render one corpus record with moderngl; runs inside a worker process.

    ``job``: ``{"record": <corpus JSON line>, "width", "height", "times", "keep_frames"}``. Returns the
    status, the first error, and timings: ``compile_s`` (program build), ``first_frame_s`` (first draw, which
    is when llvmpipe JIT-compiles), ``frame_s`` (median time of the later draws of the same frames).
    """
    import numpy as np

    from ..runtime.gl import compile_gl
    from ..runtime.inputs import RenderInputs
    from ..sources import from_corpus_record

    rec = json.loads(job["record"])
    out: dict[str, Any] = {"id": rec.get("id"), "status": "ok", "error": ""}
    try:
        source = from_corpus_record(rec, "corpus")
        inputs = RenderInputs.conformance(job.get("width", 128), job.get("height", 128), job.get("times", (1.0, 4.7)))
        t0 = time.perf_counter()
        prog = compile_gl(source)
        out["compile_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        frames = prog.render(inputs)
        out["first_frame_s"] = time.perf_counter() - t0
        reps = []
        for _ in range(job.get("repeats", 2)):
            t0 = time.perf_counter()
            prog.render(inputs)
            reps.append((time.perf_counter() - t0) / len(inputs.frames))
        out["frame_s"] = float(np.median(reps)) if reps else None
        out["nan_fraction"] = float(np.isnan(frames).mean())
        if job.get("keep_frames"):
            out["frames"] = frames
        prog.release()
    except GlslErrors as e:
        out.update(status="compile_error", error=str(e.errors[0]) if e.errors else "compile error")
    except (GlslError, InputError) as e:
        out.update(status="compile_error", error=str(e))
    return out
