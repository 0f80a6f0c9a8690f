"""The Python API: compile a shader once, render it many times, on either backend."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..sources import ShaderSource, from_text, load_source
from .channels import Channel
from .inputs import RenderInputs, make_frames


@dataclass
class Shader:
    """A compiled shader. ``render`` returns top-down float32 frames: (F, H, W, 4)."""

    source: ShaderSource
    backend: str
    arch: str
    _compiled: object

    def render(self, size: tuple[int, int] = (512, 288), times: Sequence[float] = (0.0,), *,
               frame: int | None = None, mouse: Sequence[float] | None = None,
               channels: Sequence[Channel | None] | None = None) -> np.ndarray:
        inputs = RenderInputs(size[0], size[1], make_frames(list(times), frame=frame, mouse=mouse),
                              list(channels or [None] * 4))
        return self._compiled.render(inputs)  # type: ignore[attr-defined]


def compile_shader(shader: str | os.PathLike[str] | ShaderSource, *, backend: str = "taichi", arch: str = "cpu",
                   dialect: str | None = None) -> Shader:
    """Compile a shader given as a path, as shader text (anything containing a newline or a '('), or a
    loaded :class:`ShaderSource`. Compiled Taichi shaders are cached: compiling the same text again in the
    process costs nothing."""
    if isinstance(shader, ShaderSource):
        source = shader
    elif isinstance(shader, str) and ("\n" in shader or "(" in shader):
        source = from_text(shader, "<string>", dialect)
    else:
        source = load_source(shader, dialect)
    if backend == "gl":
        from .gl import compile_gl

        return Shader(source, "gl", "gl", compile_gl(source))
    if backend != "taichi":
        raise ValueError(f"unknown backend {backend!r}; choose taichi or gl")
    from .taichi_backend import compile_taichi

    compiled = compile_taichi(source, arch)
    return Shader(source, "taichi", compiled.arch, compiled)
