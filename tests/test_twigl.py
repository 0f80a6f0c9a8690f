"""TwiGL modes: names, templates, detection, and real-OpenGL compiles of every mode and helper."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

import numpy as np
import pytest

try:
    import moderngl
except ImportError:  # the pure-Python tests still run; the GL ones skip
    moderngl = None  # type: ignore[assignment]

from glslc.twigl import (
    GEEKER_DECLARATIONS,
    GEEKEST_HELPERS,
    GEEKEST_LIBRARY,
    TWIGL_MODES,
    detect_twigl_mode,
    normalize_mode,
    shader_version,
    uniforms_for_mode,
    wrap_twigl,
)

SIZE = 32

# ----------------------------------------------------------------------------------------------------
# Mode names


def test_modes_in_twigl_order() -> None:
    assert TWIGL_MODES == ("classic", "geek", "geeker", "geekest", "classic300", "geek300", "geeker300",
                           "geekest300")


@pytest.mark.parametrize(("alias", "mode"), [
    ("geekest", "geekest"),
    ("GEEKEST", "geekest"),
    ("  geeker ", "geeker"),
    ("geekest (300 es)", "geekest300"),
    ("classic (300 es)", "classic300"),
    ("geekest-300es", "geekest300"),
    ("geekest300es", "geekest300"),
    ("geek_300_es", "geek300"),
    ("geeker 300", "geeker300"),
    ("geekest (ES 300)", "geekest300"),
    (3, "geekest"),
    ("7", "geekest300"),
    (0, "classic"),
])
def test_normalize_mode(alias: str | int, mode: str) -> None:
    assert normalize_mode(alias) == mode


@pytest.mark.parametrize("bad", ["geekiest", "", "shadertoy", "geekest (MRT)", "9", "classic400"])
def test_normalize_mode_rejects(bad: str) -> None:
    with pytest.raises(ValueError) as e:
        normalize_mode(bad)
    for m in TWIGL_MODES:
        assert m in str(e.value)
    if "MRT" in bad or bad == "9":
        assert "MRT" in str(e.value)


def test_normalize_mode_type() -> None:
    with pytest.raises(TypeError):
        normalize_mode(None)  # type: ignore[arg-type]


def test_uniforms_for_mode() -> None:
    roles = {"resolution", "mouse", "time", "frame", "sound", "backbuffer"}
    for mode in TWIGL_MODES:
        u = uniforms_for_mode(mode)
        assert set(u.values()) == roles
        if mode.startswith("classic"):
            assert u == {r: r for r in roles}
        else:
            assert u == {"r": "resolution", "m": "mouse", "t": "time", "f": "frame", "s": "sound",
                         "b": "backbuffer"}
    assert uniforms_for_mode("geekest (300 es)") == uniforms_for_mode("geekest")


# ----------------------------------------------------------------------------------------------------
# Templates

FIRST = "/*FIRST*/ float qq = 1.0;"


def _line_of(text: str, needle: str) -> int:
    """1-based line of the first line containing ``needle``."""
    for i, line in enumerate(text.split("\n"), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in text")


@pytest.mark.parametrize("mode", TWIGL_MODES)
def test_wrap_prefix_and_offset(mode: str) -> None:
    body = FIRST + "\nx\ny"
    text, offset = wrap_twigl(body, mode)
    es300 = mode.endswith("300")
    assert text.startswith("#version 300 es\n" if es300 else "#version 100\n")
    assert shader_version(text) == ("300 es" if es300 else "100")
    assert _line_of(text, "/*FIRST*/") == offset + 1
    assert text.split("\n")[offset + 2] == "y"
    geeker, geekest = mode.startswith("geeker"), mode.startswith("geekest")
    assert (GEEKER_DECLARATIONS in text) == (geeker or geekest)
    assert ("#define FC gl_FragCoord" in text) == geekest
    assert ("snoise2D" in text) == geekest
    assert ("out vec4 o;" in text) == (es300 and (geeker or geekest))
    assert ("void main(){" in text) == geekest
    if geekest:
        assert text.rstrip().endswith("y\n}")
        assert _line_of(text, "void main(){") == offset
    expected_offset = {"classic": 1, "geek": 1, "geeker": 2}.get(mode.replace("300", ""))
    if expected_offset is not None:
        assert offset == expected_offset
    else:
        assert offset == 3 + GEEKEST_LIBRARY.count("\n") + (2 if es300 else 1)


def test_geeker300_matches_twigl_chunk() -> None:
    text, offset = wrap_twigl("void main(){o=vec4(1);}", "geeker300")
    assert text.split("\n")[:2] == ["#version 300 es", GEEKER_DECLARATIONS + "out vec4 o;"]
    assert offset == 2


def test_geekest_keeps_user_main() -> None:
    body = "float g(float x){return x;}\nvoid main(){gl_FragColor=vec4(g(1.));}"
    text, offset = wrap_twigl(body, "geekest")
    assert "void main(){\n" not in text
    assert text.split("\n")[offset] == body.split("\n")[0]
    # a main only in a comment does not count
    text2, offset2 = wrap_twigl("// void main() is implied\ngl_FragColor=vec4(1);", "geekest")
    assert text2.split("\n")[offset2 - 1] == "void main(){"


def test_version_in_body() -> None:
    full = "#version 300 es\nprecision highp float;\nout vec4 c;\nvoid main(){c=vec4(1);}"
    for mode in ("classic", "geek", "classic300", "geek300"):
        text, offset = wrap_twigl(full, mode)
        assert text.startswith("#version 300 es\n") and text.count("#version") == 1
        assert text.split("\n")[offset + 1] == "precision highp float;"
    text, offset = wrap_twigl("// comment\n#version 100\nvoid main(){gl_FragColor=vec4(1);}", "geek")
    assert text.startswith("#version 100\n") and text.count("#version") == 1
    assert text.split("\n")[offset + 2].startswith("void main")
    text, _ = wrap_twigl("#version 300 es\no=vec4(1);", "geekest300")
    assert text.count("#version") == 1
    with pytest.raises(ValueError, match="geekest300"):
        wrap_twigl("#version 300 es\no=vec4(1);", "geekest")
    with pytest.raises(ValueError, match="GLSL ES"):
        wrap_twigl("#version 330\nvoid main(){}", "classic")
    with pytest.raises(ValueError):
        wrap_twigl("#version 100\nvoid main(){}", "classic300")


def test_wrap_unknown_mode() -> None:
    with pytest.raises(ValueError):
        wrap_twigl("o=vec4(1);", "shadertoy")


def test_library_names() -> None:
    for name in GEEKEST_HELPERS:
        assert re.search(rf"\b{name}\b\s*[(=]", GEEKEST_LIBRARY), name


# ----------------------------------------------------------------------------------------------------
# Detection

DETECT_CASES = [
    ("o=vec4(FC.xy/r,t,1);", "geekest300"),
    ("vec2 p=(FC.xy*2.-r)/min(r.x,r.y);gl_FragColor=vec4(p,sin(t),1);", "geekest"),
    ("for(float i=0.;i<9.;i++){o+=.1/length(FC.xy/r-.5);}", "geekest300"),
    ("gl_FragColor=vec4(hsv(gl_FragCoord.x,1.,1.),1);", "geekest"),
    ("float n=snoise2D(gl_FragCoord.xy*.01);o=vec4(n);", "geekest300"),
    ("gl_FragColor=vec4(gl_FragCoord.xy/r,0,1);", "geekest"),
    ("float g(vec2 p){return length(p);}\nvoid main(){o=vec4(g(FC.xy/r));}", "geekest300"),
    ("void main(){gl_FragColor=vec4(gl_FragCoord.xy/r,sin(t),1);}", "geeker"),
    ("void main(){vec2 p=gl_FragCoord.xy/r;o=vec4(p,m);}", "geeker300"),
    (("precision highp float;uniform vec2 r;uniform float t;\n"
      "void main(){gl_FragColor=vec4(gl_FragCoord.xy/r,t,1);}"), "geek"),
    (("precision highp float;uniform vec2 r;uniform float t;out vec4 o;\n"
      "void main(){o=vec4(gl_FragCoord.xy/r,t,1);}"), "geek300"),
    (("precision highp float;\nuniform vec2 resolution;\nuniform vec2 mouse;\nuniform float time;\n"
      "uniform sampler2D backbuffer;\nvoid main(){vec2 r=resolution,p=gl_FragCoord.xy/r;"
      "gl_FragColor=vec4(p,time,1);}"), "classic"),
    (("precision highp float;uniform vec2 resolution;uniform float time;out vec4 outColor;\n"
      "void main(){outColor=vec4(gl_FragCoord.xy/resolution,time,1);}"), "classic300"),
]

NOT_TWIGL = [
    # Shadertoy
    "void mainImage(out vec4 o, in vec2 u){o=vec4(u/iResolution.xy,0,1);}",
    "void mainImage(out vec4 fragColor, vec2 fragCoord){vec2 r=iResolution.xy;fragColor=vec4(fragCoord/r,0,1);}",
    # full shaders with #version and declared uniforms
    ("#version 300 es\nprecision highp float;\nuniform vec2 r;\nuniform float t;\nout vec4 o;\n"
     "void main(){o=vec4(gl_FragCoord.xy/r,t,1);}"),
    "#version 330\nuniform vec2 resolution;\nout vec4 c;\nvoid main(){c=vec4(gl_FragCoord.xy/resolution,0,1);}",
    # plain shaders: other uniforms, or no TwiGL names at all
    ("precision mediump float;\nuniform vec2 u_resolution;\nuniform float u_time;\n"
     "void main(){gl_FragColor=vec4(gl_FragCoord.xy/u_resolution,u_time,1);}"),
    ("precision highp float;uniform vec2 resolution;uniform vec2 surfacePosition;\n"
     "void main(){gl_FragColor=vec4(surfacePosition,0,1);}"),
    "void main(){gl_FragColor=vec4(1.0,0.0,0.0,1.0);}",
    "void main(){float t=1.;vec2 r=vec2(2.);gl_FragColor=vec4(r,t,1);}",
    # a function library and a vertex shader
    "float hash(vec2 p){return fract(sin(dot(p,vec2(12.9898,78.233)))*43758.5453);}",
    "attribute vec2 p;void main(){gl_Position=vec4(p,0,1);}",
    # prose, empty
    "This is not a shader at all, just some text with r and t in it.",
    "",
    # comments mentioning TwiGL things do not count
    "// FC r t o gl_FragColor\nvoid main(){gl_FragColor=vec4(1);}",
]


@pytest.mark.parametrize(("text", "mode"), DETECT_CASES)
def test_detect(text: str, mode: str) -> None:
    assert detect_twigl_mode(text) == mode


@pytest.mark.parametrize("text", NOT_TWIGL)
def test_detect_not_twigl(text: str) -> None:
    assert detect_twigl_mode(text) is None


# ----------------------------------------------------------------------------------------------------
# Real OpenGL (moderngl + EGL)


@pytest.fixture(scope="module")
def gl() -> Iterator[moderngl.Context]:
    if moderngl is None:
        pytest.skip("moderngl is not installed")
    try:
        ctx = moderngl.create_standalone_context(backend="egl")
    except Exception as e:  # noqa: BLE001 - any EGL/driver failure means: no GL here
        pytest.skip(f"cannot create a headless EGL OpenGL context: {e}")
    yield ctx
    ctx.release()


_VS = {
    "100": "#version 100\nattribute vec2 pos;\nvoid main(){gl_Position=vec4(pos,0.0,1.0);}\n",
    "300 es": "#version 300 es\nin vec2 pos;\nvoid main(){gl_Position=vec4(pos,0.0,1.0);}\n",
}


def render(ctx: moderngl.Context, body: str, mode: str, values: dict[str, object] | None = None,
           backbuffer: np.ndarray | None = None) -> np.ndarray:
    """Wrap ``body`` for ``mode``, draw it on a SIZE x SIZE float framebuffer; pixels as [y, x, rgba]."""
    text, _ = wrap_twigl(body, mode)
    prog = ctx.program(vertex_shader=_VS[shader_version(text)], fragment_shader=text)
    role_values: dict[str, object] = {"resolution": (float(SIZE), float(SIZE)), "mouse": (0.25, 0.75),
                                      "time": 1.0, "frame": 3.0, "sound": 0.5, "backbuffer": 0}
    role_values.update(values or {})
    for name, role in uniforms_for_mode(mode).items():
        if name in prog:
            prog[name].value = role_values[role]
    tex = None
    if backbuffer is not None:
        tex = ctx.texture((SIZE, SIZE), 4, backbuffer.astype("f4").tobytes(), dtype="f4")
        tex.filter = (moderngl.NEAREST, moderngl.NEAREST)
        tex.use(0)
    vbo = ctx.buffer(np.array([-1.0, -1.0, 3.0, -1.0, -1.0, 3.0], dtype="f4").tobytes())
    vao = ctx.vertex_array(prog, [(vbo, "2f", "pos")])
    fbo = ctx.simple_framebuffer((SIZE, SIZE), components=4, dtype="f4")
    fbo.use()
    fbo.clear(0.0, 0.0, 0.0, 0.0)
    vao.render(moderngl.TRIANGLES)
    out = np.frombuffer(fbo.read(components=4, dtype="f4"), dtype="f4").reshape(SIZE, SIZE, 4).copy()
    for obj in (vao, vbo, fbo, prog, tex):
        if obj is not None:
            obj.release()
    return out


GRADIENT_BODIES = {
    "classic": "precision highp float;\nuniform vec2 resolution;\nuniform float time;\n"
               "void main(){gl_FragColor=vec4(gl_FragCoord.xy/resolution,time*.25,1.);}",
    "classic300": "precision highp float;\nuniform vec2 resolution;\nuniform float time;\nout vec4 outColor;\n"
                  "void main(){outColor=vec4(gl_FragCoord.xy/resolution,time*.25,1.);}",
    "geek": "precision highp float;\nuniform vec2 r;\nuniform float t;\n"
            "void main(){gl_FragColor=vec4(gl_FragCoord.xy/r,t*.25,1.);}",
    "geek300": "precision highp float;\nuniform vec2 r;\nuniform float t;\nout vec4 o;\n"
               "void main(){o=vec4(gl_FragCoord.xy/r,t*.25,1.);}",
    "geeker": "void main(){gl_FragColor=vec4(gl_FragCoord.xy/r,t*.25,1.);}",
    "geeker300": "void main(){o=vec4(gl_FragCoord.xy/r,t*.25,1.);}",
    "geekest": "gl_FragColor=vec4(FC.xy/r,t*.25,1.);",
    "geekest300": "o=vec4(FC.xy/r,t*.25,1.);",
}


@pytest.mark.parametrize("mode", TWIGL_MODES)
def test_render_every_mode(gl: moderngl.Context, mode: str) -> None:
    body = GRADIENT_BODIES[mode]
    assert detect_twigl_mode(body) == mode
    img = render(gl, body, mode, {"time": 2.0})
    for x, y in [(0, 0), (5, 3), (31, 17), (16, 31)]:
        assert img[y, x] == pytest.approx([(x + 0.5) / SIZE, (y + 0.5) / SIZE, 0.5, 1.0], abs=1e-6)


@pytest.mark.parametrize("mode", ["classic", "geekest", "geekest300", "geeker300"])
def test_render_all_uniforms(gl: moderngl.Context, mode: str) -> None:
    """mouse, frame, sound and the backbuffer reach the shader under each mode's names."""
    u = {role: name for name, role in uniforms_for_mode(mode).items()}
    es300 = mode.endswith("300")
    tex, out = ("texture", "o") if es300 else ("texture2D", "gl_FragColor")
    expr = (f"vec4({u['mouse']}+{tex}({u['backbuffer']},gl_FragCoord.xy/{u['resolution']}).xy,"
            f"{u['frame']},{u['sound']})")
    if mode.startswith("classic"):
        decl = "".join(f"uniform {t} {u[k]};" for k, t in [("resolution", "vec2"), ("mouse", "vec2"),
                                                            ("frame", "float"), ("sound", "float"),
                                                            ("backbuffer", "sampler2D")])
        body = f"precision highp float;{decl}\nvoid main(){{{out}={expr};}}"
    elif mode.startswith("geeker"):
        body = f"void main(){{{out}={expr};}}"
    else:
        body = f"{out}={expr};"
    back = np.zeros((SIZE, SIZE, 4), dtype="f4")
    back[..., 0] = np.arange(SIZE)[None, :] / 100.0  # x
    back[..., 1] = np.arange(SIZE)[:, None] / 1000.0  # y
    img = render(gl, body, mode, {"mouse": (0.25, 0.75), "frame": 3.0, "sound": 0.5}, backbuffer=back)
    for x, y in [(0, 0), (7, 20), (31, 31)]:
        # (samplers default to lowp in GLSL ES, so the texel comes back a little rounded)
        assert img[y, x] == pytest.approx([0.25 + x / 100.0, 0.75 + y / 1000.0, 3.0, 0.5], abs=1e-3)
        assert img[y, x, 2:] == pytest.approx([3.0, 0.5], abs=1e-6)


HELPER_BODY = """\
vec2 px = floor(FC.xy);
vec4 c = vec4(0.0);
if (px.y < 0.5) {
    if (px.x < 0.5) c = vec4(hsv(0.0, 1.0, 1.0), 1.0);
    else if (px.x < 1.5) c = vec4(hsv(1.0 / 3.0, 1.0, 1.0), hsv(0.5, 0.5, 0.8).x);
    else if (px.x < 2.5) c = vec4(hsv(0.5, 0.5, 0.8), hsv(2.0 / 3.0, 1.0, 1.0).z);
    else if (px.x < 3.5) c = vec4(rotate2D(PI / 2.0) * vec2(1.0, 0.0), vec2(1.0, 0.0) * rotate2D(PI / 2.0));
    else if (px.x < 4.5) c = vec4(rotate3D(PI / 2.0, vec3(0.0, 0.0, 1.0)) * vec3(1.0, 0.0, 0.0), 0.0);
    else if (px.x < 5.5) c = vec4(rotate3D(PI / 2.0, vec3(2.0, 0.0, 0.0)) * vec3(0.0, 1.0, 0.0), 0.0);
    else if (px.x < 6.5) c = vec4(PI, PI2, PI2 / PI, 0.0);
    else if (px.x < 7.5) c = vec4(snoise2D(vec2(0.0)), snoise3D(vec3(0.0)), snoise4D(vec4(0.0)), 0.0);
    else if (px.x < 8.5) c = vec4(fsnoise(vec2(0.01, 0.02)), fsnoiseDigits(vec2(1.0, 2.0)),
                                  fsnoise(vec2(3.0, 4.0)), 0.0);
    else if (px.x < 9.5) c = vec4(snoise2D(vec2(0.3, 0.7)), snoise3D(vec3(0.3, 0.7, 1.9)),
                                  snoise4D(vec4(0.3, 0.7, 1.9, -2.3)), 0.0);
    else if (px.x < 10.5) c = vec4(mod289(300.0), permute(2.0), taylorInvSqrt(1.0), grad4(5.0, vec4(1.0)).w);
} else {
    vec2 p = FC.xy / r * 6.0 - 3.0;
    c = vec4(snoise2D(p), snoise3D(vec3(p, t)), snoise4D(vec4(p, t, -t)), fsnoise(p));
}
OUT = c;
"""


@pytest.mark.parametrize("mode", ["geekest", "geekest300"])
def test_geekest_helpers(gl: moderngl.Context, mode: str) -> None:
    out = "o" if mode.endswith("300") else "gl_FragColor"
    body = HELPER_BODY.replace("OUT", out)
    assert detect_twigl_mode(body) == mode
    img = render(gl, body, mode, {"time": 0.37})
    row = img[0]
    # GLSL ES 1.00 makes gl_FragCoord mediump, and Mesa may then compute parts of the body in fp16
    tol = 1e-5 if mode.endswith("300") else 5e-3
    assert row[0] == pytest.approx([1, 0, 0, 1], abs=tol)  # hsv(0,1,1) is red
    assert row[1] == pytest.approx([0, 1, 0, 0.4], abs=tol)  # hsv(1/3,1,1) green; hsv(.5,.5,.8).r
    assert row[2] == pytest.approx([0.4, 0.8, 0.8, 1.0], abs=tol)  # hsv(.5,.5,.8); hsv(2/3,1,1) is blue
    # rotate2D(a) * v turns v counter-clockwise, v * rotate2D(a) clockwise (TwiGL's mat2(c,s,-s,c))
    assert row[3] == pytest.approx([0, 1, 0, -1], abs=tol)
    assert row[4][:3] == pytest.approx([0, 1, 0], abs=tol)  # right-handed about +z
    assert row[5][:3] == pytest.approx([0, 0, 1], abs=tol)  # about +x, axis normalized
    assert row[6][:3] == pytest.approx([math.pi, 2 * math.pi, 2.0], rel=tol, abs=tol)
    # at the origin 2D/4D noise is 0; TwiGL's 3D noise picks a degenerate simplex on exact ties
    # (x = y = z in the cell) and gives -0.4122 there, which we reproduce
    assert row[7][:3] == pytest.approx([0, -0.41220, 0], abs=max(tol, 1e-4))

    def frac(v: float) -> float:
        return v - math.floor(v)

    if mode.endswith("300"):  # (fsnoise's large multiplier makes it meaningless at reduced precision)
        assert row[8][0] == pytest.approx(frac(math.sin(0.01 * 12.9898 + 0.02 * 78.233) * 43758.5453), abs=2e-2)
    assert 0.0 <= row[8][0] < 1.0
    assert row[8][1] == pytest.approx(frac(math.sin(0.129898 + 2 * 0.78233) * 437.585453), abs=max(tol, 1e-3))
    assert 0.0 <= row[8][2] < 1.0
    # values of TwiGL's own noise.glsl at these points (rendered with it once, on Mesa llvmpipe)
    assert row[9][:3] == pytest.approx([-0.44262, -0.33809, 0.45538], abs=max(tol, 1e-4))
    assert row[10] == pytest.approx([11.0, 138.0, 1.79284291400159 - 0.85373472095314, -1.5], abs=max(tol, 1e-4))
    noise = img[1:]
    for ch in range(3):
        vals = noise[..., ch]
        assert np.all(np.abs(vals) <= 1.1)
        assert vals.std() > 0.1 and vals.max() > 0.3 and vals.min() < -0.3
    assert np.all((noise[..., 3] >= 0) & (noise[..., 3] < 1)) and noise[..., 3].std() > 0.2


def test_error_lines_map_back(gl: moderngl.Context) -> None:
    """A compile error on the body's line 3 is reported on line offset + 3 of the wrapped text."""
    for mode, body in [("geekest300", "vec2 p = FC.xy;\nfloat a = 1.0;\nfloat b = nosuchname;\no = vec4(p, a, b);"),
                       ("geeker", "void main(){\nfloat a = 1.0;\nfloat b = nosuchname;\ngl_FragColor = vec4(a);}")]:
        text, offset = wrap_twigl(body, mode)
        with pytest.raises(moderngl.Error) as e:
            gl.program(vertex_shader=_VS[shader_version(text)], fragment_shader=text)
        lines = {int(n) for n in re.findall(r"\b0:(\d+)\(", str(e.value))}
        assert offset + 3 in lines, str(e.value)


SANDBOX = """\
#ifdef GL_ES
precision mediump float;
#endif
#extension GL_OES_standard_derivatives : enable
uniform float time;
uniform vec2 resolution;
void main(void){
    vec2 p = gl_FragCoord.xy / resolution;
    gl_FragColor = vec4(p, dFdx(p.x) * resolution.x, 1.0);
}
"""


def test_extension_hoisted(gl: moderngl.Context) -> None:
    """GLSLSandbox puts ``#extension`` after ``precision``; it moves up (line kept blank) so Mesa takes it."""
    assert detect_twigl_mode(SANDBOX) == "classic"
    text, offset = wrap_twigl(SANDBOX, "classic")
    lines = text.split("\n")
    assert lines[:2] == ["#version 100", "#extension GL_OES_standard_derivatives : enable"]
    assert offset == 2 and lines[offset + 3] == "" and lines[offset + 4] == "uniform float time;"
    img = render(gl, SANDBOX, "classic")
    assert img[4, 9] == pytest.approx([9.5 / SIZE, 4.5 / SIZE, 1.0, 1.0], abs=2e-3)
    body = "#extension GL_OES_standard_derivatives : enable\ngl_FragColor = vec4(dFdx(FC.x), dFdy(t * FC.y), 0, 1);"
    text, offset = wrap_twigl(body, "geekest")
    assert text.split("\n")[1].startswith("#extension") and text.count("#extension") == 1
    assert render(gl, body, "geekest", {"time": 2.0})[7, 7] == pytest.approx([1.0, 2.0, 0.0, 1.0], abs=1e-3)


def test_version_words_inside_a_leading_comment_are_not_a_directive():
    body = "// this body has no #version line, on purpose\ngl_FragColor = vec4(1.0);\n"
    text, _ = wrap_twigl(body, "geekest")
    assert text.startswith("#version 100")
