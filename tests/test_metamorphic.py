"""Metamorphic checks: semantics-preserving rewrites of a shader must not change the Taichi output."""

from __future__ import annotations

import random

import numpy as np
import pytest

from conftest import SHADERS
from glslc import ast as A
from glslc.conformance import metamorphic as M
from glslc.sources import from_corpus_record, from_text, load_source

# Written for this test: loops with break/continue, switch with fall-through, a struct, an out parameter,
# early returns, discard, while/do-while, ternaries and constants.
SHADER = """
struct Hit { float d; vec3 col; };
const int N = 6;
const float SCALE = 2.0 * 1.5;
float hash(vec2 p) { return fract(sin(dot(p, vec2(12.9898, 78.233))) * 43758.5453); }
float sdCircle(vec2 p, float r) { return length(p) - r; }
void polar(vec2 p, out float r, out float a) { r = length(p); a = atan(p.y, p.x); }
Hit scene(vec2 p) {
    Hit h = Hit(1e9, vec3(0.0));
    for (int i = 0; i < N; i++) {
        if (i == 4) break;
        float fi = float(i);
        vec2 c = vec2(cos(fi * 1.3 + iTime), sin(fi * 2.1)) * 0.5;
        float d = sdCircle(p - c, 0.15 + 0.05 * fi);
        if (d > 0.5) continue;
        if (d < h.d) { h.d = d; h.col = 0.5 + 0.5 * cos(vec3(0.0, 2.0, 4.0) + fi); }
    }
    return h;
}
int band(float x) {
    int k = int(floor(x * 4.0));
    switch (k) {
        case 0: return 1;
        case 1:
        case 2: k += 3; break;
        default: k = 0;
    }
    return k;
}
vec3 shade(vec2 p) {
    float r, a;
    polar(p, r, a);
    if (r > 0.9) return vec3(0.1);
    Hit h = scene(p);
    vec3 col = h.d < 0.0 ? h.col : vec3(0.05) * float(band(fract(a)));
    int j = 0;
    while (j < 3 && col.r < 0.5) { col += 0.05; j++; }
    do { col *= 0.98; j--; } while (j > 0);
    return col;
}
void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
    if (uv.x > 1.2) { fragColor = vec4(1.0, 0.0, 1.0, 1.0); return; }
    if (uv.y < -0.95) discard;
    vec3 col = shade(uv * SCALE / 3.0);
    float v = 0.0;
    for (int k = 0; k < 4; ++k) { v += hash(uv + float(k)); }
    fragColor = vec4(col + 0.02 * v, 1.0);
}
"""

MARKERS = {
    "print": None,
    "loop": ("_mm_i", "while (false)", "while (_mm_once", "switch (0)"),
    "dead": ("gl_FragCoord", "_mm_false()", "iResolution.x < 0.0"),
    "identity": ("_mm_id_",),
    "macro": ("#define _MM_",),
    "reorder": None,
    "select": (" ? ", "||", "&&"),
    "temp": ("_mm_t",),
    "arith": ("* 1.0", "- 0.0", "+ 0", "* 1", "== true"),
    "fold": ("_mm_id_",),
}


def test_every_rewrite_has_a_marker_and_the_combined_variant_is_exact():
    assert set(MARKERS) == set(M.REWRITES)
    assert all(M.REWRITES[n].exact for n in M.ALL if n != "arith")
    assert M.DEFAULT_VARIANTS[0] == M.ALL and "fold" not in M.ALL


@pytest.fixture(scope="module")
def source():
    return from_text(SHADER, "<metamorphic>", name="metamorphic_test")


@pytest.mark.parametrize("name", list(M.REWRITES))
def test_each_rewrite_is_accepted_and_renders_the_same(source, name, tmp_path):
    printed = M.rewrite(source, ("print",)).text
    out = M.rewrite(source, (name,), seed=3)
    assert out.applied == [name]
    if MARKERS[name] is None:
        assert name == "print" and out.text == printed or name == "reorder" and out.text != printed
    else:
        assert any(m in out.text for m in MARKERS[name]), out.text
    [res] = M.check_shader(source, [(name,)], seed=3, size=(16, 16), out_dir=tmp_path)
    assert res.ok, res.line()
    assert res.status == (M.SAME if name != "fold" else res.status), res.line()


def test_rewrites_compose_and_are_deterministic(source):
    a = M.rewrite(source, M.ALL, seed=5)
    b = M.rewrite(source, M.ALL, seed=5)
    assert a.text == b.text and a.applied == list(M.ALL)
    assert M.rewrite(source, M.ALL, seed=6).text != a.text
    for marker in ("#define _MM_", "_mm_id_", "_mm_t"):
        assert marker in a.text


def _added_loops(unit: A.TranslationUnit) -> list[tuple[A.Node, list[A.Node]]]:
    """The loop-like wrappers rw_loop adds, with the statements they wrap."""
    out = []
    for n in A.walk(unit):
        if isinstance(n, A.For) and isinstance(n.init, A.DeclStmt) and n.init.decls[0].name.startswith("_mm_i"):
            body = n.body.stmts
            out.append((n, body[:-1] if body and isinstance(body[-1], A.Break) else body))
        elif isinstance(n, A.DoWhile) and isinstance(n.cond, A.BoolLit) and not n.cond.value:
            out.append((n, n.body.stmts))
        elif isinstance(n, A.While) and isinstance(n.cond, A.Ident) and n.cond.name.startswith("_mm_once"):
            out.append((n, n.body.stmts[1:]))
        elif isinstance(n, A.Switch) and isinstance(n.expr, A.IntLit) and len(n.cases) == 1:
            out.append((n, n.cases[0].body))
    return out


def test_loop_wrapping_never_captures_a_break_or_continue(source):
    seen = 0
    for seed in range(25):
        text = M.rewrite(source, ("loop",), seed=seed).text
        prog = M.analyse(from_text(text, "<loop>", "shadertoy"), allow_prefix=True)
        for loop, wrapped in _added_loops(prog.checked.unit):
            seen += 1
            assert not M._loose_jumps(wrapped), A.to_glsl(loop)
    assert seen >= 25


def test_ranges_that_declare_names_used_later_are_not_wrapped():
    code = ("void mainImage(out vec4 c, in vec2 f) {\n float a = f.x; a *= 2.0; float b = a;\n"
            " for (int i = 0; i < 3; i++) { if (b > 9.0) break; b += 1.0; }\n c = vec4(b); }\n")
    prog = M.analyse(from_text(code, "<r>"))
    body = prog.functions()[0].body.stmts
    assert not M._wrappable_range(prog, body, 0, 1, loop=True)  # a is used after
    assert M._wrappable_range(prog, body, 1, 2, loop=True)
    assert not M._wrappable_range(prog, body, 1, 3, loop=True)  # b is used after
    assert M._wrappable_range(prog, body, 3, 4, loop=True)  # the loop's own break stays inside
    loop_body = body[3].body.stmts
    assert not M._wrappable_range(prog, loop_body, 0, 1, loop=True)  # the break would change its loop
    assert M._wrappable_range(prog, loop_body, 0, 1, loop=False)  # an if around it is fine


def test_reordering_keeps_declarations_before_uses():
    code = """
const float A = 1.0;
const float B = A * 2.0;
float g(float x);
float f(float x) { return g(x) + B; }
float g(float x) { return x * A; }
float h(float x) { return x + 1.0; }
float h(vec2 x) { return x.x; }
uniform float unusedName;
void mainImage(out vec4 c, in vec2 p) {
    float u = p.x; float v = p.y; float w = u + v; float z = 3.0;
    c = vec4(f(u), h(v), h(p) + w, z);
}
"""
    src = from_text(code, "<reorder>")
    orders = set()
    for seed in range(20):
        out = M.rewrite(src, ("reorder",), seed=seed)  # the front end checks every result
        prog = M.analyse(out.source, allow_prefix=True)
        names = [sorted(M._declared(d)) for d in prog.decls]
        assert names.index(["A"]) < names.index(["B"]) < names.index(["f"])
        assert [n for n in names if n == ["g"]] == [["g"], ["g"]]  # prototype and definition both kept
        orders.add(tuple(map(tuple, names)))
    assert len(orders) > 3


def test_dead_branches_write_visible_variables_and_jump():
    src = from_text(SHADER, "<dead>")
    texts = [M.rewrite(src, ("dead",), seed=s).text for s in range(12)]
    joined = "\n".join(texts)
    for word in ("discard;", "return", "break;", "continue;", "* 2.0 + 1.0"):
        assert word in joined


def test_shaders_that_use_the_prefix_are_left_alone():
    src = from_text("float _mm_x = 1.0;\nvoid mainImage(out vec4 c, in vec2 f) { c = vec4(_mm_x); }\n", "<p>")
    with pytest.raises(M.NotApplicable):
        M.rewrite(src, ("loop",))


def test_other_dialects_keep_their_directives():
    glsl = ("#version 300 es\n#extension GL_EXT_shader_texture_lod : enable\nprecision highp float;\n"
            "uniform vec2 resolution;\nout vec4 o;\n"
            "void main() { o = vec4(gl_FragCoord.xy / resolution, 0.0, 1.0); }\n")
    text = M.rewrite_text(glsl, ("loop", "macro"), seed=1)
    lines = text.splitlines()
    assert lines[0] == "#version 300 es" and lines[1].startswith("#extension GL_EXT_shader_texture_lod")
    body = "o = vec4(FC.xy / r, 0.5, 1.0);\n"
    text = M.rewrite_text(body, ("identity",), seed=1, dialect="twigl-geekest300")
    assert "void main()" in text and "_mm_id_" in text


def test_compare_frames():
    a = np.zeros((2, 4, 4, 4), np.float32)
    b = a.copy()
    a[0, 0, 0, 0] = b[0, 0, 0, 0] = np.nan
    assert M.compare_frames(a, b)[0] == M.SAME
    b[1, 1, 1, 1] = 1e-6
    assert M.compare_frames(a, b)[:1] + M.compare_frames(a, b)[2:] == (M.AGREE, 0, 1)
    b[:, :, :, 0] = 1.0
    assert M.compare_frames(a, b)[0] == M.DIFFER


def test_parse_variants():
    assert M.parse_variants("loop, dead+identity,all") == [("loop",), ("dead", "identity"), M.ALL]
    with pytest.raises(ValueError, match="unknown rewrite"):
        M.parse_variants("loop+nope")


def _render_case(name: str) -> np.ndarray:
    from glslc.runtime.inputs import RenderInputs
    from glslc.runtime.taichi_backend import compile_taichi

    return compile_taichi(load_source(M.CASES / name)).render(RenderInputs.conformance(4, 4))


def test_case_inout_argument_that_the_callee_also_writes_as_a_global():
    """Found by the ``dead`` rewrite: the copy-out of an inout argument comes after the callee's own write."""
    frames = _render_case("inout_global_alias.frag")
    assert np.allclose(frames[..., 0], 0.75)


def test_case_assignment_value_is_a_snapshot():
    """Found by the ``select`` rewrite: ``vec2(seed += 0.1, seed += 0.1)`` is (s + 0.1, s + 0.2)."""
    frames = _render_case("assignment_value_snapshot.frag")
    assert np.allclose(frames[..., :3], [0.35, 0.45, 0.45])


def test_case_array_index_out_of_bounds_is_clamped():
    """Found by ``dead``: an out-of-bounds palette index read the stack, which moved with the code's shape."""
    from glslc.runtime.inputs import RenderInputs
    from glslc.runtime.taichi_backend import compile_taichi

    frames = compile_taichi(load_source(M.CASES / "array_index_out_of_bounds.frag")).render(
        RenderInputs.conformance(4, 18, (1.0,)))
    column = frames[0, :, 0, :3]
    assert np.array_equal(column[:6], np.tile([0.0, 0.0, 1.0], (6, 1)))  # indices -2, -1, 0
    assert np.array_equal(column[-6:], np.tile([1.0, 0.0, 1.0], (6, 1)))  # indices 4, 5, 6


def test_case_unused_values_of_different_types_in_one_scope():
    """Found by the ``arith`` rewrite: ``v - 0.5;`` (vec3) then ``fragColor - 0.25;`` (vec4) in one block."""
    frames = _render_case("unused_values_of_two_types.frag")
    y, x = np.mgrid[3:-1:-1, 0:4] + 0.5  # top-down rows
    assert np.allclose(frames[0], np.stack([x + 0.5, y + 0.5, np.full_like(x, 1.5), np.full_like(x, 1.5)], -1))


def test_case_folded_constants_equal_their_run_time_value():
    """The checker rounds each folded float operation to float32, as the run time does."""
    frames = _render_case("const_fold_double.frag")
    assert (frames[..., 0] == 0.0).all()


def test_case_component_writes_between_inlined_loops():
    """Taichi 1.7.4 loses a whole vector store after component stores (taichi_cfg_component_store.py shows it
    in plain Taichi); the code generator stores such vectors from their components (Emitter.store)."""
    from glslc.runtime.inputs import RenderInputs
    from glslc.runtime.taichi_backend import compile_taichi

    src = load_source(M.CASES / "taichi_cfg_component_store.frag")
    straight = from_text(src.code.replace("do {", "{").replace("} while (false);", "}"), "<straight>")
    inputs = RenderInputs.conformance(32, 32)
    a, b = (compile_taichi(s).render(inputs) for s in (src, straight))
    assert M.compare_frames(a, b)[0] == M.SAME


BUNDLED = sorted(p.name for p in SHADERS.glob("*.frag"))


@pytest.mark.parametrize("name", BUNDLED)
def test_bundled_shader_renders_the_same_after_all_rewrites(name, tmp_path):
    results = M.check_shader(load_source(SHADERS / name), [M.ALL], seed=0, size=(24, 24), out_dir=tmp_path)
    bad = [r.line() for r in results if not r.ok or r.status == M.SKIP]
    assert not bad, "\n".join(bad)


SINGLES = [v for v in M.DEFAULT_VARIANTS if v != M.ALL and v != ("fold",)]


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(BUNDLED)), ids=BUNDLED)
def test_bundled_shader_renders_the_same_after_single_rewrites(index, tmp_path):
    """Each rewrite alone, three per shader in rotation: every rewrite meets eight of the bundled shaders."""
    variants = [SINGLES[(3 * index + k) % len(SINGLES)] for k in range(3)]
    results = M.check_shader(load_source(SHADERS / BUNDLED[index]), variants, seed=1, size=(16, 16),
                             out_dir=tmp_path)
    bad = [r.line() for r in results if not r.ok or (r.status == M.SKIP and "original" in r.detail)]
    assert not bad, "\n".join(bad)


def test_corpus_rewrites_are_accepted_by_the_front_end(corpus_records):
    """Front end only (no rendering): the combined rewrite of a few corpus shaders still checks."""
    from glslc.errors import GlslErrors

    picked = random.Random(0).sample(corpus_records, 6)
    done = 0
    for rec in picked:
        try:
            src = from_corpus_record(rec, "corpus")
            M.analyse(src)
        except (GlslErrors, M.NotApplicable):
            continue  # shaders our front end refuses are not this test's business
        M.rewrite(src, M.ALL, seed=0)  # raises RewriteError on a refused rewrite
        done += 1
    assert done >= 4


def test_cli_prints_a_line_per_check(tmp_path, capsys):
    shader = tmp_path / "tiny.frag"
    shader.write_text("void mainImage(out vec4 c, in vec2 f) {\n    float x = f.x / iResolution.x;\n"
                      "    c = vec4(x, 1.0 - x, 0.5, 1.0);\n}\n")
    code = M.main([str(shader), "--rewrites", "print,loop+dead", "--size", "8", "--out", str(tmp_path / "o")])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "ok   tiny  print: same" in out and "ok   tiny  loop+dead: same" in out
    assert "1 shaders (0 not renderable" in out and "0 failures" in out
