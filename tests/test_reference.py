"""The moderngl reference renderer: pixel values computed by hand, the wrapper's contract, channels."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import render_code
from glslc.errors import GlslErrors
from glslc.runtime.channels import Channel

pytestmark = pytest.mark.usefixtures("gl")


def st(body: str) -> str:
    return "void mainImage(out vec4 fragColor, in vec2 fragCoord) {\n" + body + "\n}\n"


def test_pixel_centres_and_orientation():
    # red = x / W, green = y / H at pixel centres; row 0 of the result is the top of the image (y = H - 0.5)
    (f,) = render_code(st("fragColor = vec4(fragCoord / iResolution.xy, 0.25, 1.0);"), size=(8, 4))
    assert f.shape == (4, 8, 4) and f.dtype == np.float32
    assert f[0, 0, :3] == pytest.approx((0.5 / 8, 3.5 / 4, 0.25))
    assert f[3, 7, :3] == pytest.approx((7.5 / 8, 0.5 / 4, 0.25))


def test_uniform_values_per_frame():
    code = st("fragColor = vec4(iTime, float(iFrame), iDate.w, iResolution.z);")
    frames = render_code(code, times=(1.0, 4.7))
    assert frames[0, 0, 0] == pytest.approx((1.0, 60.0, 43201.0, 1.0))
    assert frames[1, 0, 0] == pytest.approx((4.7, 282.0, 43204.7, 1.0))
    code = st("fragColor = vec4(iTimeDelta * 60.0, iFrameRate, iSampleRate, iChannelTime[2]);")
    assert render_code(code, times=(2.5,))[0, 0, 0] == pytest.approx((1.0, 60.0, 44100.0, 2.5))
    code = st("fragColor = iMouse + vec4(iDate.xyz, 0.0);")
    assert render_code(code, mouse=[3, 4, 5, 6])[0, 0, 0] == pytest.approx((2024.0, 14.0, 8.0, 6.0))


def test_unbound_channels_behave_as_mesa():
    code = st("fragColor = texture(iChannel0, fragCoord / iResolution.xy)"
              " + vec4(vec2(textureSize(iChannel1, 0)), iChannelResolution[2].xy) * 10.0;")
    assert render_code(code)[0, 0, 0] == pytest.approx((10.0, 10.0, 0.0, 1.0))
    code = st("fragColor = texelFetch(iChannel3, ivec2(0), 0) + textureLod(iChannel2, vec2(0.5), 2.0);")
    assert render_code(code)[0, 0, 0] == pytest.approx((0.0, 0.0, 0.0, 2.0))


def test_discard_keeps_the_clear_colour():
    # (A path that returns without writing fragColor is undefined in GLSL: `out` parameters are not
    # copied in, and Mesa folds the unwritten path into the written value. No test relies on it.)
    code = st("if (fragCoord.x < 4.0) discard;\nfragColor = vec4(0.5);")
    (f,) = render_code(code, size=(8, 4))
    assert tuple(f[0, 0]) == (0.0, 0.0, 0.0, 0.0) and tuple(f[3, 3]) == (0.0, 0.0, 0.0, 0.0)
    assert tuple(f[0, 7]) == (0.5, 0.5, 0.5, 0.5) and tuple(f[3, 4]) == (0.5, 0.5, 0.5, 0.5)


def checker_channel(**kw) -> Channel:
    picture = np.zeros((2, 2, 3), np.uint8)
    picture[0, 0] = (255, 0, 0)
    picture[0, 1] = (0, 255, 0)
    picture[1, 0] = (0, 0, 255)
    picture[1, 1] = (255, 255, 255)
    return Channel.from_image(picture, **kw)


def test_bound_channel_nearest_vflip_and_resolution():
    code = st("fragColor = texture(iChannel0, fragCoord / iResolution.xy);")
    (f,) = render_code(code, size=(2, 2), channels=[checker_channel(filter="nearest")])
    # vflip (Shadertoy's default): the image appears as it does in the file
    assert tuple(f[0, 0, :3]) == (1, 0, 0) and tuple(f[0, 1, :3]) == (0, 1, 0)
    assert tuple(f[1, 0, :3]) == (0, 0, 1) and tuple(f[1, 1, :3]) == (1, 1, 1)
    (f,) = render_code(code, size=(2, 2), channels=[checker_channel(filter="nearest", vflip=False)])
    assert tuple(f[0, 0, :3]) == (0, 0, 1)  # without vflip the file's top row is at v = 0
    code = st("fragColor = vec4(iChannelResolution[0], float(textureSize(iChannel0, 0).x));")
    assert render_code(code, channels=[checker_channel()])[0, 0, 0] == pytest.approx((2, 2, 1, 2))


def test_linear_filter_and_wrap_modes():
    # sampling at u = 0 (the left edge) between texel centres: linear + repeat blends the left and right
    # columns; linear + clamp gives the left column.
    code = st("fragColor = texture(iChannel0, vec2(0.0, 0.75));")
    rep = render_code(code, channels=[checker_channel(filter="linear", wrap="repeat")])[0, 0, 0]
    clamp = render_code(code, channels=[checker_channel(filter="linear", wrap="clamp")])[0, 0, 0]
    assert rep[:3] == pytest.approx((0.5, 0.5, 0.0), abs=1e-3)
    assert clamp[:3] == pytest.approx((1.0, 0.0, 0.0), abs=1e-3)


def test_complete_shaders_and_their_own_uniforms():
    es3 = ("#version 300 es\nprecision highp float;\nuniform vec3 iResolution;\nuniform float iTime;\n"
           "out vec4 outColor;\nvoid main() { outColor = vec4(gl_FragCoord.xy / iResolution.xy, iTime, 1.0); }\n")
    (f,) = render_code(es3, size=(4, 4), times=(0.5,))
    assert f[3, 0] == pytest.approx((0.125, 0.125, 0.5, 1.0))
    sandbox = ("precision mediump float;\nuniform vec2 resolution;\nuniform float time;\n"
               "void main() { gl_FragColor = vec4(gl_FragCoord.xy / resolution, time, 1.0); }\n")
    (f,) = render_code(sandbox, size=(4, 4), times=(0.25,), dialect="glsl")
    assert f[0, 3] == pytest.approx((0.875, 0.875, 0.25, 1.0))


def test_compile_errors_point_at_user_lines():
    with pytest.raises(GlslErrors) as info:
        render_code(st("fragColor = vec4(undeclared_thing);"))
    err = info.value.errors[0]
    assert err.span.file == "<test>" and err.span.line == 2 and "undeclared_thing" in err.message


def test_mediump_and_lowp_compute_at_32_bits():
    # llvmpipe lowers mediump to 16 bits; the reference renders as desktop GPUs do (fp32), including
    # ES 1.00's mediump gl_FragCoord. At x = 0.5, 0.5 * 1000.1 - 500.0 is 0.05 in fp32 and 0 in fp16.
    body = "float k = gl_FragCoord.x * 1000.1;\ngl_FragColor = vec4(k - 500.0, 3.14159265, 0.0, 1.0);"
    es1 = "precision mediump float;\nvoid main() {\n" + body + "\n}\n"
    (f,) = render_code(es1, size=(1, 1), dialect="glsl")
    assert f[0, 0, :2] == pytest.approx((0.05, 3.14159265), abs=1e-4)
    st_code = st("lowp float x = 1.0 + 1e-4;\nfragColor = vec4(x - 1.0, 0.0, 0.0, 1.0);")
    assert render_code("precision lowp float;\n" + st_code)[0, 0, 0, 0] == pytest.approx(1e-4, rel=1e-3)
    with pytest.raises(GlslErrors) as info:  # diagnostics keep the user's line numbers
        render_code("precision mediump float;\nvoid main() {\n  gl_FragColor = vec4(nope);\n}\n", dialect="glsl")
    assert info.value.errors[0].span.line == 3


def test_mipmap_filter_averages_at_coarser_levels():
    # level 1 of the 2x2 checker is the average of its four texels
    code = st("fragColor = textureLod(iChannel0, vec2(0.5), 1.0);")
    (f,) = render_code(code, channels=[checker_channel(filter="mipmap")])
    assert f[0, 0, :3] == pytest.approx((0.5, 0.5, 0.5), abs=2e-3)
    (f,) = render_code(code, channels=[checker_channel(filter="linear")])  # no mipmaps: level 0, bilinear
    assert f[0, 0, :3] == pytest.approx((0.5, 0.5, 0.5), abs=2e-3)
    code = st("fragColor = textureLod(iChannel0, vec2(0.25, 0.75), 0.0);")
    (f,) = render_code(code, channels=[checker_channel(filter="mipmap")])
    assert f[0, 0, :3] == pytest.approx((1.0, 0.0, 0.0), abs=2e-3)


def test_no_opengl_names_the_taichi_backend(monkeypatch):
    import moderngl

    import glslc.runtime.gl as gl_mod
    from glslc.runtime.gl import GLUnavailable

    def refuse(*args, **kwargs):
        raise Exception("eglInitialize failed")

    monkeypatch.setattr(gl_mod, "_context", None)
    monkeypatch.setattr(moderngl, "create_standalone_context", refuse)
    with pytest.raises(GLUnavailable, match="--backend taichi"):
        gl_mod.gl_context()
