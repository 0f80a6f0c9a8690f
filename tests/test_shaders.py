"""The bundled shaders: each renders with the reference, and one is checked pixel by pixel by hand."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from conftest import SHADERS
from glslc.cli import main
from glslc.runtime.gl import render_gl
from glslc.runtime.inputs import RenderInputs
from glslc.sources import load_source

ALL = sorted(p.name for p in SHADERS.glob("*.frag"))
COVERED = ["2D pattern", "raymarch", "noise", "hash", "domain warp", "struct", "array", "matri", "inout",
           "early", "while", "switch", "macro", "texture", "twigl", "void main", "gl_FragColor"]


def test_there_are_enough_shaders_and_the_readme_lists_each():
    readme = (SHADERS / "README.md").read_text()
    assert len(ALL) >= 20
    missing = [name for name in ALL if f"`{name}`" not in readme]
    assert not missing, f"shaders/README.md does not list {missing}"
    lowered = readme.lower()
    assert all(topic.lower() in lowered for topic in COVERED)


@pytest.mark.usefixtures("gl")
@pytest.mark.parametrize("name", ALL)
def test_each_shader_renders_with_the_reference(name):
    src = load_source(SHADERS / name)
    frames = render_gl(src, RenderInputs.conformance(96, 64))
    assert frames.shape == (2, 64, 96, 4)
    assert np.isfinite(frames).all(), "NaN or inf in the output"
    rgb = np.clip(frames[..., :3], 0, 1)
    assert rgb.std() > 0.02, "the image is (almost) flat"
    assert np.abs(rgb[0] - rgb[1]).max() > 0.05, "iTime 1.0 and 4.7 look the same"


def _smoothstep(e0, e1, x):
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def hex_grid_by_hand(x: float, y: float, w: int, h: int, t: float) -> np.ndarray:
    """shaders/hex_grid.frag evaluated in numpy (GLSL's mod is x - y * floor(x / y))."""
    hexv = np.array([1.0, 1.7320508])
    uv = (np.array([x, y]) - 0.5 * np.array([w, h])) / h
    p = uv * 6.0 + np.array([0.3, 0.2])
    a = np.mod(p, hexv) - 0.5 * hexv
    b = np.mod(p - 0.5 * hexv, hexv) - 0.5 * hexv
    o = a if a @ a < b @ b else b
    cell = p - o
    q = np.abs(o)
    d = max(q @ (hexv / np.linalg.norm(hexv)), q[0])
    r = np.linalg.norm(cell) * 0.35
    wave = np.sin(r * 2.5 - 2.0 * t) * 0.5 + 0.5
    ring = _smoothstep(0.05, 0.0, abs(d - 0.15 - 0.25 * wave))
    border = _smoothstep(0.44, 0.49, d)
    base = 0.5 + 0.5 * np.cos(np.array([0.0, 0.7, 1.4]) * 3.0 + r + 0.5 * t)
    col = base * (0.25 + 0.5 * (1.0 - d)) + ring * np.array([1.0, 0.85, 0.6])
    col = col * (1 - border) + np.array([0.02, 0.02, 0.05]) * border
    return np.round(np.clip(col, 0, 1) * 255)


@pytest.mark.usefixtures("gl")
def test_cli_renders_a_bundled_shader_to_the_expected_pixels(tmp_path, capsys):
    out = tmp_path / "hex.png"
    w, h, t = 64, 36, 1.0
    assert main(["render", str(SHADERS / "hex_grid.frag"), "-o", str(out), "--size", f"{w}x{h}",
                 "--time", str(t), "--backend", "gl"]) == 0
    img = np.asarray(Image.open(out)).astype(int)
    for px, py in [(0, 0), (31, 17), (50, 5), (10, 30), (63, 35)]:
        expected = hex_grid_by_hand(px + 0.5, h - py - 0.5, w, h, t)  # image row py is y = h - py - 0.5
        assert np.abs(img[py, px] - expected).max() <= 1, (px, py, img[py, px], expected)
