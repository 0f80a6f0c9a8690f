"""Rendering in a worker process, so that a shader that runs forever can be stopped (``--timeout``).

A Taichi kernel or an OpenGL draw cannot be interrupted from Python; the only safe stop is to end the
process that runs it. :func:`render_with_timeout` runs the whole compile and render in a child process and
raises :class:`RenderTimeout` when it takes longer than asked.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..sources import ShaderSource
from .inputs import RenderInputs


class RenderTimeout(RuntimeError):
    """The shader did not finish compiling and rendering in time."""


class RenderCrashed(RuntimeError):
    """The worker process died (a crash in a driver or the compiler)."""


def _task(job: dict[str, Any]) -> np.ndarray:
    from .render import render

    return render(job["source"], job["inputs"], backend=job["backend"], arch=job["arch"])


def render_with_timeout(source: ShaderSource, inputs: RenderInputs, *, backend: str, arch: str,
                        timeout: float) -> np.ndarray:
    """Render in a child process; RenderTimeout after ``timeout`` seconds, errors re-raised as they were."""
    from ..conformance.pool import run_isolated

    job = {"source": source, "inputs": inputs, "backend": backend, "arch": arch}
    for _, outcome in run_isolated([(0, job)], _task, jobs=1, timeout=timeout, return_exceptions=True):
        if outcome.status == "ok":
            return outcome.value
        if outcome.status == "timeout":
            raise RenderTimeout(f"the shader did not finish within {timeout:g} s (stopped); "
                                "a longer --timeout may help if it is only slow")
        if outcome.status == "crash":
            raise RenderCrashed(f"the renderer crashed ({outcome.error})")
        if isinstance(outcome.value, BaseException):
            raise outcome.value
        raise RuntimeError(outcome.error)
    raise RuntimeError("no result from the worker")  # pragma: no cover
