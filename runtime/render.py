"""One entry point for rendering a shader source with either backend."""

from __future__ import annotations

from ..sources import ShaderSource
from .inputs import RenderInputs

BACKENDS = ("gl", "taichi")


class BackendUnavailable(RuntimeError):
    """The requested backend cannot run here (with the reason and the way out)."""


def render(source: ShaderSource, inputs: RenderInputs, backend: str = "taichi", arch: str = "cpu"):
    """Render every frame of ``inputs``: (F, H, W, 4) float32, top-down."""
    if backend == "gl":
        from .gl import GLUnavailable, render_gl

        try:
            return render_gl(source, inputs)
        except GLUnavailable as e:
            raise BackendUnavailable(str(e)) from None
    if backend == "taichi":
        from .taichi_backend import compile_taichi

        try:
            return compile_taichi(source, arch).render(inputs)
        except RuntimeError as e:
            if "Taichi" in str(e):
                raise BackendUnavailable(str(e)) from None
            raise
    raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
