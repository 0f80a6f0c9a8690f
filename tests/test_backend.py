"""The Taichi back end: each lowering agrees with the reference, bundled shaders agree, the generated module
is safe, standalone and cached, the CLI and API render with it."""

from __future__ import annotations

import ast
import subprocess
import sys

import numpy as np
import pytest
from backend_cases import CASES

from conftest import SHADERS
from glslc.conformance.compare import match_fractions, max_difference, verdict
from glslc.errors import GlslErrors
from glslc.runtime.inputs import RenderInputs
from glslc.sources import from_text, load_source


@pytest.fixture(scope="session")
def taichi_cpu():
    from glslc.runtime.taichi_backend import init

    return init("cpu")


def both(source, size=32, times=(1.0, 4.7)):
    from glslc.runtime.gl import render_gl
    from glslc.runtime.taichi_backend import compile_taichi

    inputs = RenderInputs.conformance(size, size, times)
    ours = compile_taichi(source, "cpu").render(inputs)
    ref = render_gl(source, inputs)
    return ours, ref


@pytest.mark.usefixtures("gl", "taichi_cpu")
@pytest.mark.parametrize("name", sorted(CASES))
def test_lowering_agrees_with_the_reference(name):
    ours, ref = both(from_text(CASES[name], f"{name}.frag", "shadertoy"))
    fr = match_fractions(ours, ref)
    assert verdict(fr) == "agree", (name, fr)


BUNDLED = sorted(p.name for p in SHADERS.glob("*.frag"))


@pytest.mark.slow
@pytest.mark.usefixtures("gl", "taichi_cpu")
@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_shader_agrees_on_cpu(name):
    ours, ref = both(load_source(SHADERS / name), size=64)
    fr = match_fractions(ours, ref)
    assert verdict(fr) == "agree", (name, fr)


HOSTILE = """
float __import__(float os) { return os * 2.0; }
float lambda = 0.5;
struct from { float pass; vec2 def; };
float render(float G) { float ti = G; return ti + 1.0; }
void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    float print = __import__(lambda);  // import os; os.system("echo pwned")
    from exec = from(print, vec2(render(0.25)));
    float np = exec.pass + exec.def.x;
    fragColor = vec4(np * 0.1, 0.0, 0.0, 1.0);
}
"""


def test_hostile_names_compile_to_harmless_code():
    from glslc.runtime.taichi_backend import generate

    text = generate(from_text(HOSTILE, "hostile.frag", "shadertoy"))
    tree = ast.parse(text)
    imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert {a.name for n in imports for a in n.names} <= {"taichi", "glsl", "textures", "derivs", "lanes", "main"}
    assert "pwned" not in text and "system" not in text
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    for hostile in ("__import__", "lambda", "exec", "print"):
        assert hostile not in names, hostile
    defs = [n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    assert defs.count("render") == 1 and "fn_render" in defs  # the shader's render() cannot replace the kernel
    calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert not calls & {"__import__", "exec", "eval", "open", "print", "compile", "getattr"}
    # and it runs: 2 * 0.5 + 1.25 = 2.25 -> 0.225
    from glslc.runtime.taichi_backend import compile_taichi, init

    init("cpu")
    (frame,) = compile_taichi(from_text(HOSTILE, "hostile.frag", "shadertoy")).render(
        RenderInputs.conformance(4, 4, (1.0,)))
    assert frame[0, 0, 0] == pytest.approx(0.225)


@pytest.mark.usefixtures("taichi_cpu")
def test_unsupported_constructs_are_diagnosed_with_their_line():
    code = "#version 330\nout vec4 o;\nstruct S { float a[2]; };\nvoid main() {\n    S s[2];\n    o = vec4(0.5);\n}\n"
    from glslc.runtime.taichi_backend import compile_taichi

    with pytest.raises(GlslErrors) as info:
        compile_taichi(from_text(code, "d.frag", "glsl"))
    err = info.value.errors[0]
    assert (err.span.file, err.span.line) == ("d.frag", 5) and "arrays of structs" in err.message


@pytest.mark.usefixtures("taichi_cpu")
def test_second_compile_is_cached():
    from glslc.runtime.taichi_backend import compile_taichi

    src = load_source(SHADERS / "hex_grid.frag")
    a = compile_taichi(src)
    assert compile_taichi(load_source(SHADERS / "hex_grid.frag")) is a


def test_compile_cli_writes_a_standalone_module(tmp_path):
    from glslc.cli import main

    out = tmp_path / "hex.py"
    assert main(["compile", str(SHADERS / "hex_grid.frag"), "-o", str(out)]) == 0
    png = tmp_path / "hex.png"
    p = subprocess.run([sys.executable, str(out), "--time", "1.0", "--size", "32x18", "-o", str(png)],
                       capture_output=True, text=True, cwd=tmp_path)
    assert p.returncode == 0, p.stderr[-2000:]
    from PIL import Image

    assert Image.open(png).size == (32, 18)


@pytest.mark.usefixtures("gl")
def test_cli_renders_with_taichi_by_default(tmp_path, capsys):
    from PIL import Image

    from glslc.cli import main

    out = tmp_path / "t.png"
    assert main(["render", str(SHADERS / "hex_grid.frag"), "-o", str(out), "--size", "32x32", "--time", "1"]) == 0
    assert "taichi on cpu" in capsys.readouterr().out
    ours = np.asarray(Image.open(out)).astype(int)
    assert main(["render", str(SHADERS / "hex_grid.frag"), "-o", str(tmp_path / "g.png"), "--size", "32x32",
                 "--time", "1", "--backend", "gl"]) == 0
    ref = np.asarray(Image.open(tmp_path / "g.png")).astype(int)
    assert (np.abs(ours - ref).max(axis=-1) <= 3).mean() >= 0.99


@pytest.mark.usefixtures("taichi_cpu")
def test_python_api():
    import glslc

    shader = glslc.compile_shader(SHADERS / "fbm_clouds.frag")
    frames = shader.render((24, 16), times=[0.0, 1.0, 2.0])
    assert frames.shape == (3, 16, 24, 4) and frames.dtype == np.float32
    assert not np.allclose(frames[0], frames[2])
    same = glslc.compile_shader("void mainImage(out vec4 c, in vec2 f) { c = vec4(f.x / iResolution.x); }")
    img = same.render((4, 2))[0]
    assert img[0, 0, 0] == pytest.approx(0.125) and img[1, 3, 0] == pytest.approx(0.875)


@pytest.mark.usefixtures("taichi_cpu")
def test_every_pixel_of_every_frame_is_rendered_once_at_odd_sizes():
    """The kernel's flat loop maps launch index -> (frame, row, column) (G.pixel_of): exact at sizes that
    are no power of two, for several frames in one launch."""
    import glslc

    shader = glslc.compile_shader("void mainImage(out vec4 c, in vec2 f) { c = vec4(f, iTime, 1.0); }")
    for w, h in ((37, 5), (1, 9), (13, 1), (129, 67)):
        times = [0.25, 1.5, 7.0]
        frames = shader.render((w, h), times=times)
        assert frames.shape == (3, h, w, 4)
        cols, rows = np.meshgrid(np.arange(w) + 0.5, np.arange(h)[::-1] + 0.5)
        for k, t in enumerate(times):
            assert np.array_equal(frames[k, ..., 0], cols) and np.array_equal(frames[k, ..., 1], rows)
            assert (frames[k, ..., 2] == np.float32(t)).all()


@pytest.mark.usefixtures("taichi_cpu")
def test_division_without_integer_divide_is_exact():
    """G._div_floor (the Vulkan path of G.pixel_of): a float quotient corrected to floor(a / b), also where
    f32 cannot hold ``a`` exactly."""
    import taichi as ti

    from glslc.runtime import glsl as G

    rng = np.random.default_rng(5)
    a = np.concatenate([rng.integers(0, 2**31 - 1, 4000), rng.integers(0, 2**20, 4000), [0, 2**31 - 1, 2**24 + 1]])
    b = np.concatenate([rng.integers(1, 70000, 8000), [1, 1, 3]])
    a, b = a.astype(np.int32), b.astype(np.int32)
    q = np.zeros_like(a)

    def run(a, b, q):
        for i in range(a.shape[0]):
            q[i] = G._div_floor(a[i], b[i])

    arr = ti.types.ndarray(dtype=ti.i32, ndim=1)
    run.__annotations__ = {"a": arr, "b": arr, "q": arr}  # real types: this file postpones annotations
    ti.kernel(run)(a, b, q)
    assert np.array_equal(q, a.astype(np.int64) // b)


EXPLICIT_LOD = """
void mainImage(out vec4 c, in vec2 f) {
    vec2 uv = f / iResolution.xy * 1.7 - 0.3;
    float lod = floor(f.x / iResolution.x * 4.0) * 0.8;
    ivec2 sz = textureSize(iChannel0, 1);
    c = textureLod(iChannel0, uv, lod) * 0.7 + texelFetch(iChannel0, ivec2(f) % sz, 1) * 0.2
        + vec4(float(sz.x) / 100.0, 0.0, 0.0, 0.0);
}
"""


PROJECTED = """
void mainImage(out vec4 c, in vec2 f) {
    vec2 uv = f / iResolution.xy;
    float q = 0.4 + 1.3 * uv.y;
    c = textureProj(iChannel0, vec3(uv * q * 2.1, q)) * 0.6
        + textureProj(iChannel0, vec4(uv.yx * 1.5 * q, 0.0, q), 0.5) * 0.3
        + textureProjLod(iChannel0, vec3(uv * q, q), 1.2) * 0.1;
}
"""


@pytest.mark.usefixtures("gl", "taichi_cpu")
@pytest.mark.parametrize("filt,wrap", [("nearest", "repeat"), ("linear", "clamp"), ("mipmap", "repeat")])
def test_bound_channel_sampling_agrees(filt, wrap):
    from glslc.runtime.channels import load_channel
    from glslc.runtime.gl import render_gl
    from glslc.runtime.taichi_backend import compile_taichi

    ch = load_channel(SHADERS / "textures" / "checker.png", filter=filt, wrap=wrap)
    inputs = RenderInputs(48, 32, RenderInputs.conformance().frames, [ch, None, None, None])
    for src in (from_text(EXPLICIT_LOD, "lod.frag", "shadertoy"), from_text(PROJECTED, "proj.frag", "shadertoy"),
                load_source(SHADERS / "texture_lens.frag")):
        fr = match_fractions(compile_taichi(src).render(inputs), render_gl(src, inputs))
        assert min(fr) >= 0.99, (src.name, fr)


def _vulkan_available() -> bool:
    import shutil

    return shutil.which("vulkaninfo") is not None or any(
        p.exists() for p in __import__("pathlib").Path("/usr/share/vulkan/icd.d").glob("lvp_icd*.json"))


@pytest.mark.slow
@pytest.mark.usefixtures("gl")
def test_bundled_shaders_agree_on_vulkan(tmp_path):
    """Taichi on Vulkan (Mesa lavapipe on a machine without a GPU; .ci/run installs mesa-vulkan-drivers)."""
    if not _vulkan_available():
        pytest.skip("no Vulkan driver (apt-get install mesa-vulkan-drivers)")
    from glslc.runtime.gl import render_gl

    out = tmp_path / "vk.npz"
    names = [n for n in BUNDLED]
    p = subprocess.run([sys.executable, str(SHADERS.parent / "tests" / "render_worker.py"), "vulkan", str(out), "64",
                        *[str(SHADERS / n) for n in names]], capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stderr[-3000:]
    got = np.load(out)
    if "error:init" in got:
        pytest.skip(f"Taichi cannot start on Vulkan here: {got['error:init']}")
    assert str(got["arch"]) == "vulkan"
    errors = {k: str(got[k]) for k in got.files if k.startswith("error:")}
    assert not errors, errors
    bad = {}
    for n in names:
        fr = match_fractions(got[n], render_gl(load_source(SHADERS / n), RenderInputs.conformance(64, 64)))
        if verdict(fr) != "agree":
            bad[n] = fr
    assert not bad, bad


ROUNDING = """
void mainImage(out vec4 c, in vec2 f) {
    float x = (f.x - 32.5) / 4.0;  // quarters in [-8, 8): every .5 is a tie
    float y = f.y / 64.0;
    uint q = packUnorm2x16(vec2(y)) & 1u;  // roundEven inside: a wrong rounding flips the parity
    c = vec4(round(x) / 16.0 + 0.5, roundEven(x * 3.0 + y) / 48.0 + 0.5, float(q), round(vec2(x, -x)).y / 16.0 + 0.5);
}
"""


@pytest.mark.usefixtures("gl")
def test_round_agrees_on_vulkan(tmp_path):
    """round/roundEven on Vulkan: lavapipe folds the CPU path's ``(|x| + 2^23) - 2^23`` to ``|x|`` (MtlcWX,
    3sBfzV, ss33zn, tljfzG, NddGzn diverged), so Vulkan uses SPIR-V Round, which Mesa rounds half to even."""
    if not _vulkan_available():
        pytest.skip("no Vulkan driver (apt-get install mesa-vulkan-drivers)")
    from glslc.runtime.gl import render_gl

    src, out = tmp_path / "rounding.frag", tmp_path / "vk.npz"
    src.write_text(ROUNDING)
    p = subprocess.run([sys.executable, str(SHADERS.parent / "tests" / "render_worker.py"), "vulkan", str(out), "64",
                        str(src)], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    got = np.load(out)
    if "error:init" in got:
        pytest.skip(f"Taichi cannot start on Vulkan here: {got['error:init']}")
    assert str(got["arch"]) == "vulkan"
    assert "error:rounding.frag" not in got, str(got["error:rounding.frag"])
    ref = render_gl(load_source(src), RenderInputs.conformance(64, 64))
    assert max_difference(got["rounding.frag"], ref) == 0


def test_a_shader_that_never_ends_is_stopped_by_the_timeout(tmp_path, capsys):
    from glslc.cli import main

    src = tmp_path / "forever.frag"
    src.write_text("void mainImage(out vec4 c, in vec2 f) {\n    float x = 0.0;\n"
                   "    while (x >= 0.0) { x = fract(x + 0.25); }\n    c = vec4(x);\n}\n")
    code = main(["render", str(src), "-o", str(tmp_path / "x.png"), "--size", "8x8", "--timeout", "8"])
    err = capsys.readouterr().err
    assert code == 2 and "did not finish within 8 s" in err and err.count("\n") == 1
    assert not (tmp_path / "x.png").exists()


def test_timeout_path_still_reports_shader_errors(tmp_path, capsys):
    from glslc.cli import main

    src = tmp_path / "bad.frag"
    src.write_text("void mainImage(out vec4 c, in vec2 f) {\n    c = vec4(nope);\n}\n")
    code = main(["render", str(src), "-o", str(tmp_path / "x.png"), "--timeout", "60"])
    assert code == 1 and f"{src}:2:14: error: 'nope' is not declared" in capsys.readouterr().err
