"""The lane kernel (glslc/lanes.py, glslc/uniformity.py): 8 pixels per thread on the CPU.

Every lane case and bundled shader is rendered by both cpu kernels of its module in a fresh process
(tests/lanes_worker.py): the lane kernel must reproduce the scalar kernel bit for bit, and agree with the
reference. The uniformity analysis is checked on its own on small functions.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from lanes_cases import CASES, FALLBACK

from conftest import ROOT, SHADERS
from glslc.conformance.compare import match_fractions, verdict
from glslc.runtime.inputs import RenderInputs
from glslc.sources import from_text, load_source

# a width that is no multiple of 8: the last lane group of each row sticks out of the image (even: at an odd
# edge llvmpipe differentiates against a pixel outside the image, conformance/cases/dfdx_odd_image_edge.frag)
W, H = 30, 18


def _run_worker(paths, tmp_path, width=W, height=H):
    out = tmp_path / "lanes.npz"
    env = dict(os.environ, GLSLC_EXACT_EXP_LOG="1", GLSLC_CACHE=str(tmp_path / "cache"))
    p = subprocess.run([sys.executable, str(ROOT / "tests" / "lanes_worker.py"), str(out), str(width), str(height),
                        *map(str, paths)], capture_output=True, text=True, timeout=1200, env=env)
    assert p.returncode == 0, p.stderr[-3000:]
    data = np.load(out)
    return {k: data[k] for k in data.files}


@pytest.fixture(scope="module")
def case_renders(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lanes_cases")
    paths = []
    for name, code in CASES.items():
        p = tmp / f"{name}.frag"
        p.write_text(code)
        paths.append(p)
    return _run_worker(paths, tmp)


@pytest.mark.parametrize("name", sorted(CASES))
def test_lane_kernel_reproduces_the_scalar_kernel(name, case_renders):
    key = f"{name}.frag"
    assert f"error:{key}" not in case_renders, str(case_renders.get(f"error:{key}"))
    fallback = str(case_renders[f"fallback:{key}"])
    if name in FALLBACK:
        assert FALLBACK[name] in fallback, fallback
    else:
        assert fallback == "", fallback
    scalar, lanes = case_renders[f"scalar:{key}"], case_renders[f"lanes:{key}"]
    assert scalar.shape == lanes.shape == (2, H, W, 4)
    np.testing.assert_array_equal(lanes, scalar)


@pytest.mark.usefixtures("gl")
@pytest.mark.parametrize("name", sorted(CASES))
def test_lane_cases_agree_with_the_reference(name, case_renders):
    from glslc.runtime.gl import render_gl

    ref = render_gl(from_text(CASES[name], f"{name}.frag", "shadertoy"), RenderInputs.conformance(W, H))
    fr = match_fractions(case_renders[f"lanes:{name}.frag"], ref)
    assert verdict(fr) == "agree", (name, fr)


@pytest.mark.slow
def test_bundled_shaders_have_lane_kernels_that_match_the_scalar_ones(tmp_path):
    paths = sorted(SHADERS.glob("*.frag"))
    renders = _run_worker(paths, tmp_path, 37, 21)
    for p in paths:
        assert f"error:{p.name}" not in renders, str(renders.get(f"error:{p.name}"))
        assert str(renders[f"fallback:{p.name}"]) == "", (p.name, str(renders[f"fallback:{p.name}"]))
        np.testing.assert_array_equal(renders[f"lanes:{p.name}"], renders[f"scalar:{p.name}"], err_msg=p.name)


def test_module_dispatches_by_arch_and_can_be_turned_off(monkeypatch):
    """`render` runs the lane kernel on the CPU arches, the scalar one elsewhere or with GLSLC_LANES=0."""
    from glslc.runtime import lanes as L
    from glslc.runtime.taichi_backend import generate, init

    init("cpu")
    text = generate(load_source(SHADERS / "fbm_clouds.frag"))
    assert "def render_lanes(" in text and "def render_scalar(" in text and "LANES_FALLBACK = None" in text
    calls = []
    monkeypatch.delenv("GLSLC_LANES", raising=False)
    L.launch(lambda *a: calls.append("lanes"), lambda *a: calls.append("scalar"), ())
    monkeypatch.setenv("GLSLC_LANES", "0")
    L.launch(lambda *a: calls.append("lanes"), lambda *a: calls.append("scalar"), ())
    L.launch(None, lambda *a: calls.append("scalar"), ())
    assert calls == ["lanes", "scalar", "scalar"]


# ------------------------------------------------------------------------------------------ uniformity

def _uniformity(code: str, fn: str):
    from glslc.frontend import front_end
    from glslc.lanes import LaneEmitter
    from glslc.uniformity import analyse

    fe = front_end(from_text(code, "u.frag", "shadertoy"))
    em = LaneEmitter(fe)
    em.module()  # runs the analyses the emitter needs (usage, lane globals)
    f = next(f for f in em.order if f.name == fn)
    res = analyse(f, em.c, em.usage, em.is_lane_global)
    names = {v.name: res.is_uniform_var(v) for v in em.c.symbols.values()
             if getattr(v, "kind", "") == "local"}
    loops = [n for n in __import__("glslc.ast", fromlist=["walk"]).walk(f.definition)
             if type(n).__name__ in ("For", "While", "DoWhile")]
    return names, [id(n) in res.loops for n in loops]


def test_uniform_loop_counter_and_factors():
    names, loops = _uniformity("""
float fbm(vec2 p) {
    float v = 0.0, a = 0.5;
    for (int i = 0; i < 5; i++) { v += a * sin(p.x); p *= 2.0; }
    float b = 0.5;
    for (int j = 0; j < 5; j++) { b *= 0.5; }
    return v + b;
}
void mainImage(out vec4 c, in vec2 f) { c = vec4(fbm(f)); }
""", "fbm")
    assert names["i"] and names["j"] and names["b"]
    assert not names["v"] and not names["a"]  # declared together with v, which varies
    assert loops == [True, True]


def test_varying_break_makes_the_loop_and_its_counter_varying():
    names, loops = _uniformity("""
float march(vec2 p) {
    float t = 0.0;
    int i;
    for (i = 0; i < 64; i++) { float d = length(p) - t; if (d < 0.01) break; t += d; }
    float k = 1.0;
    for (int j = 0; j < 3; j++) { if (iTime > 1.0) break; k += 1.0; }
    return t + float(i) + k;
}
void mainImage(out vec4 c, in vec2 f) { c = vec4(march(f)); }
""", "march")
    assert not names["i"] and not names["t"] and not names["d"]
    assert names["k"] and names["j"]  # a break on a uniform condition keeps a loop uniform
    assert loops == [False, True]


def test_assignments_under_varying_control_or_after_a_return_vary():
    names, _ = _uniformity("""
float g(vec2 p) {
    float a = 1.0, b = 2.0, c = 3.0;
    if (p.x > 0.5) a = 2.0;
    for (int i = 0; i < 4; i++) { if (p.y > 0.5) return a; }
    c = 4.0;
    return a + b + c;
}
void mainImage(out vec4 o, in vec2 f) { o = vec4(g(f)); }
""", "g")
    assert not names["a"] and not names["c"]
    assert not names["b"]  # declared with a and c
    assert not names["i"]  # the loop holds a return: its lanes part ways
