"""Loading shaders, telling dialects apart, and wrapping them."""

from __future__ import annotations

import json

import pytest

from glslc.errors import InputError
from glslc.sources import (
    ChannelSpec,
    detect_dialect,
    from_shadertoy_json,
    from_text,
    load_source,
    parse_dialect,
    wrap_shadertoy,
)

SHADERTOY = "void mainImage(out vec4 fragColor, in vec2 fragCoord) {\n    fragColor = vec4(1.0);\n}\n"
FULL = "#version 300 es\nprecision highp float;\nout vec4 o;\nvoid main() { o = vec4(1.0); }\n"
CLASSIC = "precision mediump float;\nuniform float time;\nvoid main() { gl_FragColor = vec4(time); }\n"


def export(code=SHADERTOY, passes=None, inputs=None):
    return {"ver": "0.1", "info": {"id": "abc123", "name": "Test", "username": "me", "license": "MIT"},
            "renderpass": passes or [{"type": "image", "name": "Image", "code": code, "inputs": inputs or [],
                                      "outputs": [{"id": "4dfGRr", "channel": 0}]}]}


@pytest.mark.parametrize("code,expected", [
    (SHADERTOY, "shadertoy"),
    ("void  mainImage( out vec4 c , vec2 f ){c=vec4(0);}", "shadertoy"),
    (FULL, "glsl"),
    (CLASSIC, "twigl"),  # GLSL Sandbox style: TwiGL's classic mode, which compiles it as written
    ("void main(void){gl_FragColor=vec4(1.0);}", "glsl"),
])
def test_detect_dialect(code, expected):
    assert detect_dialect(code)[0] == expected


def test_twigl_marker_forces_mode():
    assert detect_dialect("// twigl: geekest300\no=vec4(1);") == ("twigl", "geekest300")
    with pytest.raises(InputError, match="TwiGL mode"):
        detect_dialect("// twigl: nonsense\no=vec4(1);")


def test_undetectable_text_names_the_way_out():
    with pytest.raises(InputError, match="--dialect"):
        detect_dialect("float f(float x) { return x; }")


def test_parse_dialect():
    assert parse_dialect("SHADERTOY") == ("shadertoy", None)
    assert parse_dialect("twigl-geekest300") == ("twigl", "geekest300")
    with pytest.raises(InputError, match="unknown dialect 'hlsl'"):
        parse_dialect("hlsl")


def test_wrapper_maps_lines_back():
    w = wrap_shadertoy("line1\nline2\n")
    lines = w.text.splitlines()
    assert lines[0] == "#version 300 es"
    assert lines[w.line_offset] == "line1" and lines[w.line_offset + 1] == "line2"
    assert w.user_line(w.line_offset + 2) == 2 and w.user_line(1) is None
    for decl in ("uniform vec3 iResolution;", "uniform float iChannelTime[4];", "uniform vec4 iDate;",
                 "uniform int iFrame;", "uniform sampler2D iChannel3;", "uniform float iSampleRate;"):
        assert decl in w.text


def test_cubemap_and_volume_channels_change_sampler_types():
    w = wrap_shadertoy("", [ChannelSpec(1, "cubemap"), ChannelSpec(2, "volume")])
    assert "uniform samplerCube iChannel1;" in w.text and "uniform sampler3D iChannel2;" in w.text
    assert "uniform sampler2D iChannel0;" in w.text


def test_full_shader_without_version_is_es100():
    w = from_text(CLASSIC, dialect="glsl").wrap()
    assert w.version == "100" and w.text.startswith("#version 100\n") and w.user_line(4) == 2


def test_load_frag(tmp_path):
    p = tmp_path / "a.frag"
    p.write_text(SHADERTOY)
    src = load_source(p)
    assert (src.dialect, src.name, src.filename) == ("shadertoy", "a", str(p))


def test_crlf_and_bom_are_normalised(tmp_path):
    p = tmp_path / "a.glsl"
    p.write_bytes(b"\xef\xbb\xbf" + SHADERTOY.replace("\n", "\r\n").encode())
    assert load_source(p).code == SHADERTOY


def test_load_shadertoy_export(tmp_path):
    inputs = [{"id": 1, "channel": 2, "ctype": "texture", "src": "/media/a/x.png",
               "sampler": {"filter": "nearest", "wrap": "clamp", "vflip": "false", "srgb": "false"}}]
    p = tmp_path / "e.json"
    p.write_text(json.dumps(export(inputs=inputs)))
    src = load_source(p)
    assert src.dialect == "shadertoy" and src.meta["author"] == "me" and src.name == "abc123"
    ch = src.channel(2)
    assert (ch.filter, ch.wrap, ch.vflip, ch.ctype) == ("nearest", "clamp", False, "texture")
    # the API's {"Shader": ...} envelope and a one-element list load the same
    assert from_shadertoy_json({"Shader": export()}).code == SHADERTOY
    assert from_shadertoy_json([export()]).code == SHADERTOY


def test_export_with_common_pass_prepends_common():
    passes = [{"type": "common", "code": "float twice(float x) { return 2.0 * x; }"},
              {"type": "image", "code": SHADERTOY, "inputs": []}]
    src = from_shadertoy_json(export(passes=passes))
    w = src.wrap()
    assert w.text.index("float twice") < w.text.index("void mainImage")
    assert w.text.splitlines()[w.line_offset] == SHADERTOY.splitlines()[0]


@pytest.mark.parametrize("text,message", [
    ("{\"ver\": ", "malformed JSON"),
    ("[1, 2]", "a JSON list of 2 shaders"),
    ("{\"info\": {}}", "no 'renderpass'"),
    (json.dumps(export(passes=[{"type": "buffer", "code": ""}, {"type": "image", "code": SHADERTOY}])),
     "multipass shaders are not supported yet"),
    (json.dumps(export(passes=[{"type": "image", "code": 3}])), "no 'code' string"),
    (json.dumps(export(inputs=[{"channel": 7}])), "iChannel0..3"),
])
def test_malformed_exports(tmp_path, text, message):
    p = tmp_path / "bad.json"
    p.write_text(text)
    with pytest.raises(InputError, match=message):
        load_source(p)


def test_corpus_jsonl_records(tmp_path):
    recs = [{"id": "aaa", "name": "A", "author": "x", "license": None, "image_code": SHADERTOY,
             "image_inputs": [{"channel": 0, "ctype": "cubemap", "sampler": {}}]},
            {"id": "bbb", "name": "B", "author": "y", "license": "MIT", "image_code": SHADERTOY, "image_inputs": []}]
    p = tmp_path / "c.jsonl"
    p.write_text("\n".join(json.dumps(r) for r in recs) + "\n")
    a = load_source(f"{p}#aaa")
    assert a.name == "aaa" and a.channel(0).sampler_type == "samplerCube"
    assert a.meta["license"] == "CC-BY-NC-SA-3.0"  # Shadertoy's default licence when the record has none
    assert load_source(f"{p}#bbb").meta["author"] == "y"
    with pytest.raises(InputError, match="several records"):
        load_source(p)
    with pytest.raises(InputError, match="no record with id 'zzz'"):
        load_source(f"{p}#zzz")


def test_bad_files(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_source(tmp_path / "missing.frag")
    with pytest.raises(InputError, match="is a folder"):
        load_source(tmp_path)
    junk = tmp_path / "junk.frag"
    junk.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(InputError, match="binary data"):
        load_source(junk)
