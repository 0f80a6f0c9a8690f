"""Shared fixtures: the corpus location, one GL context per session, small shader helpers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHADERS = ROOT / "shaders"
CORPUS_DIR = ROOT.parent / "shared" / "corpus"
CORPUS = CORPUS_DIR / "shadertoy-dev.jsonl"


@pytest.fixture(scope="session")
def gl():
    """The reference renderer's context; skips (with the reason) where no OpenGL can be had."""
    from glslc.runtime.gl import GLUnavailable, gl_context

    try:
        return gl_context()
    except GLUnavailable as e:
        pytest.skip(f"no OpenGL here: {e}")


@pytest.fixture(scope="session")
def corpus_records():
    if not CORPUS.exists():
        pytest.skip(f"corpus not found at {CORPUS} (it lives in ../shared/corpus beside the repo)")
    return [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]


def render_code(code: str, size=(8, 4), times=(1.0,), channels=None, dialect=None, **frame_kwargs):
    """Render shader text with the reference: (F, H, W, 4) float32, top-down."""
    from glslc.runtime.gl import render_gl
    from glslc.runtime.inputs import RenderInputs, make_frames
    from glslc.sources import from_text

    src = from_text(code, "<test>", dialect)
    inputs = RenderInputs(size[0], size[1], make_frames(times, **frame_kwargs), channels or [None] * 4)
    return render_gl(src, inputs)
