"""Checking a corpus record with our front end and with the reference compiler (a worker-process task)."""

from __future__ import annotations

import json
import time
from typing import Any

from ..errors import GlslError, GlslErrors, InputError


def check_task(job: dict[str, Any]) -> dict[str, Any]:
    """Front end (preprocess + parse + check) and moderngl's compiler on one record: verdicts and timings."""
    from ..frontend import front_end
    from ..sources import from_corpus_record

    rec = json.loads(job["record"])
    out: dict[str, Any] = {"id": rec.get("id"), "bytes": len(rec.get("image_code") or "")}
    try:
        source = from_corpus_record(rec, "corpus")
    except InputError as e:
        return {**out, "ours": "input_error", "ours_error": str(e), "ref": "skip"}
    t0 = time.perf_counter()
    try:
        front_end(source)
        out.update(ours="ok", ours_error="")
    except GlslErrors as e:
        out.update(ours="error", ours_error=str(e.errors[0]) if e.errors else "error")
    except GlslError as e:  # pragma: no cover - front_end raises GlslErrors
        out.update(ours="error", ours_error=str(e))
    out["check_s"] = time.perf_counter() - t0
    if job.get("reference", True):
        from ..runtime.gl import compile_gl

        try:
            compile_gl(source).release()
            out.update(ref="ok", ref_error="")
        except GlslErrors as e:
            out.update(ref="error", ref_error=str(e.errors[0]) if e.errors else "error")
    return out
