"""The checker and `glslc check`: invalid shaders diagnosed at the right place (and rejected by the reference
too), valid ones accepted, language levels, the CLI's exit codes, and random input never crashing."""

from __future__ import annotations

import json
import random

import pytest
from check_cases import CASES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SHADERS
from glslc.cli import main as cli_main
from glslc.errors import GlslError, GlslErrors, InputError
from glslc.frontend import front_end
from glslc.sources import from_text, load_source


def diagnose(code: str, dialect: str = "shadertoy") -> list[GlslError]:
    try:
        front_end(from_text(code, "case.frag", dialect))
    except GlslErrors as e:
        return e.errors
    return []


def test_at_least_sixty_cases():
    assert len(CASES) >= 60
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("name,code,line,col,message", CASES, ids=[c[0] for c in CASES])
def test_invalid_shader_is_diagnosed_at_the_right_place(name, code, line, col, message):
    errors = diagnose(code)
    assert errors, f"{name}: accepted"
    first = errors[0]
    assert message in first.message, f"{name}: {first}"
    assert (first.span.file, first.span.line, first.span.col) == ("case.frag", line, col), f"{name}: {first}"


@pytest.mark.parametrize("name,code", [(c[0], c[1]) for c in CASES], ids=[c[0] for c in CASES])
def test_the_reference_rejects_each_case_too(gl, name, code):
    from glslc.runtime.gl import compile_gl

    with pytest.raises((GlslErrors, GlslError)):
        compile_gl(from_text(code, "case.frag", "shadertoy")).release()


def test_independent_errors_are_all_reported():
    code = ("void mainImage(out vec4 c, in vec2 p) {\n    float a = nope1;\n    float b = 1;\n"
            "    c = vec4(nope2);\n}\n")
    errors = diagnose(code)
    assert [(e.span.line, e.span.col) for e in errors] == [(2, 15), (3, 15), (4, 14)], errors


def test_desktop_glsl_allows_implicit_conversions_es_does_not():
    body = "out vec4 o;\nvoid main() {\n    float a = 1;\n    uint u = 2;\n    o = vec4(a + 1, float(u), 0, 1);\n}\n"
    assert diagnose("#version 450\n" + body, "glsl") == []
    assert diagnose("#version 330\n" + body.replace("    uint u = 2;\n", "    uint u = 2u;\n"), "glsl") == []
    errors = diagnose("#version 300 es\nprecision highp float;\n" + body, "glsl")
    assert errors and "cannot convert int to float" in errors[0].message


def test_valid_features_are_accepted():
    code = """
struct Light { vec3 dir; float power[2]; };
const float K[3] = float[](1.0, 2.0, 3.0);
const int N = 2 * 2;
float w[N + 1];
vec3 shade(in Light l, inout vec3 n, out float k) { k = l.power[1]; n = normalize(n); return n * k; }
mat2 rot(float a) { float s = sin(a), c = cos(a); return mat2(c, s, -s, c); }
void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    Light l = Light(vec3(0.0, 1.0, 0.0), float[2](0.5, 1.0));
    vec3 n = vec3(fragCoord, 1.0);
    float k;
    vec3 s = shade(l, n, k);
    s.xz *= rot(iTime);
    ivec2 ip = ivec2(fragCoord) >> 1u;
    uint h = uint(ip.x) * 0x9E3779B9u ^ uint(ip.y);
    switch (ip.x & 3) { case 0: s.x += 1.0; case 1: break; default: s.y = float(h & 255u) / 255.0; }
    for (int i = 0; i < K.length(); ++i) { if (i == 1) continue; s += K[i]; }
    int j = 0;
    do { j++; } while (j < 3);
    mat3 m = mat3(vec3(1.0), vec3(0.0), vec3(1.0)) * transpose(mat3(2.0));
    fragColor = vec4(s * m + vec3(w[0]), 1.0) + texture(iChannel0, fragCoord / iResolution.xy).xxxx * 0.0;
}
"""
    assert diagnose(code) == []


@pytest.mark.parametrize("path", sorted(SHADERS.glob("*.frag")), ids=lambda p: p.name)
def test_bundled_shaders_check_clean(path):
    front_end(load_source(path))


def test_check_cli_exit_codes(tmp_path, capsys):
    good = tmp_path / "good.frag"
    good.write_text("void mainImage(out vec4 c, in vec2 p) { c = vec4(1.0); }\n")
    bad = tmp_path / "bad.frag"
    bad.write_text("void mainImage(out vec4 c, in vec2 p) {\n    c = vec4(nope);\n}\n")
    assert cli_main(["check", str(good)]) == 0
    assert cli_main(["check", str(good), str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2:14: error: 'nope' is not declared" in err and "    c = vec4(nope);" in err
    assert cli_main(["check", str(tmp_path / "missing.frag")]) == 2
    rec = {"id": "r", "image_code": good.read_text(), "image_inputs": []}
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(json.dumps(rec) + "\n" + json.dumps({**rec, "id": "s", "image_code": bad.read_text()}) + "\n")
    capsys.readouterr()
    assert cli_main(["check", str(corpus)]) == 1
    assert "2 shaders checked: 1 valid, 1 with errors" in capsys.readouterr().out


# ----------------------------------------------------------------------------------------- robustness

_PIECES = ["void", "mainImage", "(", ")", "{", "}", ";", "float", "vec3", "x", "=", "1.0", "+", "*", ",", "[",
           "]", ".", "xyz", "#define", "#if", "#endif", "\n", " ", "return", "for", "struct", "S", "?", ":",
           "iTime", "sin", "1", "u", "++", "/*", "*/", "//", "\\\n", "int", "uint", "mat2", "if", "else"]


def _no_crash(text: str, dialect: str = "shadertoy") -> None:
    try:
        front_end(from_text(text, "fuzz.frag", dialect))
    except (GlslErrors, InputError):
        pass


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_random_text_never_crashes(text):
    _no_crash(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=60).map(" ".join))
def test_random_glsl_shaped_text_never_crashes(text):
    _no_crash(text)


_SEEDS = [p.read_text() for p in sorted(SHADERS.glob("*.frag"))[:8]]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(_SEEDS) - 1), st.integers(0, 2**32 - 1), st.integers(1, 6))
def test_mutated_real_shaders_never_crash(which, seed, edits):
    rng = random.Random(seed)
    toks = _SEEDS[which].split(" ")
    for _ in range(edits):
        i = rng.randrange(len(toks))
        op = rng.randrange(3)
        if op == 0:
            del toks[i]
        elif op == 1:
            toks.insert(i, rng.choice(toks))
        else:
            j = rng.randrange(len(toks))
            toks[i], toks[j] = toks[j], toks[i]
    _no_crash(" ".join(toks), "shadertoy")


def test_hostile_inputs_give_diagnostics():
    hostile = [
        "(" * 10000 + ")" * 10000,
        "#define a a b\n#define b a\n" + "a " * 50,
        "".join(chr(i) for i in range(1, 256)) * 4,
        "void mainImage(out vec4 c, in vec2 p) {" + "{" * 5000 + "}" * 5000 + "}",
        "float x = " + "1.0 + " * 20000 + "1.0;",
        "/* unterminated",
    ]
    for text in hostile:
        _no_crash(text)
