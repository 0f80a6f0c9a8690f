"""The lowering analyses, each on its own: call order, global usage, exits, effects, unsupported constructs."""

from __future__ import annotations

import pytest

from glslc import ast as A
from glslc.errors import GlslError
from glslc.frontend import front_end
from glslc.lower import (
    DISCARD,
    function_order,
    global_usage,
    has_effects,
    lvalue_root,
    returns_inside_control_flow,
    unsupported,
)
from glslc.sources import from_text

CODE = """
float g = 1.0;
float leaf(float x) { return x * iTime; }
float mid(float x) { g += leaf(x); return g; }
void writes(out float y) { y = 2.0; }
float early(float x) { if (x > 0.0) return 1.0; return 0.0; }
float last(float x) { x += 1.0; return x; }
void killer() { discard; }
void mainImage(out vec4 c, in vec2 f) {
    float k;
    writes(k);
    if (f.x > 3.0) killer();
    c = vec4(mid(f.x) + early(k) + last(k));
}
"""


@pytest.fixture(scope="module")
def checked():
    return front_end(from_text(CODE, "l.frag", "shadertoy")).checked


def fn(checked, name):
    return checked.functions[name][0]


def test_callees_come_before_callers(checked):
    names = [f.name for f in function_order(checked)]
    assert names.index("leaf") < names.index("mid") < names.index("mainImage") < names.index("main")


def test_recursion_is_a_diagnostic():
    code = "float f(float x);\nfloat g(float x) { return f(x); }\nfloat f(float x) { return g(x); }\n" \
           "void mainImage(out vec4 c, in vec2 p) { c = vec4(f(1.0)); }"
    c = front_end(from_text(code, "r.frag", "shadertoy")).checked
    with pytest.raises(GlslError, match="recursion"):
        function_order(c)


def test_global_usage_is_transitive(checked):
    usage = global_usage(checked, function_order(checked))
    leaf = usage[id(fn(checked, "leaf"))]
    assert [v.name for v in leaf.reads] == ["iTime"] and leaf.writes == []
    mid = usage[id(fn(checked, "mid"))]
    assert {v.name for v in mid.reads} == {"g", "iTime"} and [v.name for v in mid.writes] == ["g"]
    main_image = usage[id(fn(checked, "mainImage"))]
    assert {v.name for v in main_image.writes} == {"g", DISCARD.name} and main_image.discards
    assert not usage[id(fn(checked, "early"))].reads


def test_single_exit_is_needed_only_for_returns_in_control_flow(checked):
    assert returns_inside_control_flow(fn(checked, "early").definition.body)
    assert not returns_inside_control_flow(fn(checked, "last").definition.body)
    # discard does not leave: the fragment's output is dropped, so running on changes nothing visible
    assert not returns_inside_control_flow(fn(checked, "killer").definition.body)


def test_effects(checked):
    body = fn(checked, "mainImage").definition.body.stmts
    final = body[-1].expr  # c = vec4(mid(f.x) + ...)
    assert has_effects(final, checked, {})
    assert not has_effects(final.lhs, checked, {})


def test_lvalue_root():
    e = A.Field(A.Index(A.Ident("a"), A.IntLit(1)), "xy")
    assert lvalue_root(e).name == "a"
    assert lvalue_root(A.Call("f", [])) is None


def test_unsupported_constructs_are_named():
    code = ("#version 330\nout vec4 c;\nstruct S { float a[2]; };\nvoid main() {\n  S s[2];\n"
            "  c = vec4(s[1].a[0]);\n}\n")
    fe = front_end(from_text(code, "u.frag", "glsl"))
    err = unsupported(fe.checked)
    assert err is not None and "'s'" in err.message and fe.wrapped.user_line(err.span.line) == 5
    code = "struct S { float a[2]; };\nvoid mainImage(out vec4 c, in vec2 p) { S s; c = vec4(s.a[0]); }\n"
    assert unsupported(front_end(from_text(code, "u.frag", "shadertoy")).checked) is None  # not in an array


MARCH = """
float prim(vec3 p, float r) { return length(p) - r; }
float scene(vec3 p) { return min(prim(p, 1.0), min(prim(p - vec3(2.0), 0.5), p.y + 1.0)); }
vec3 normal(vec3 p) {
    vec2 e = vec2(0.001, 0.0);
    return normalize(vec3(scene(p + e.xyy) - scene(p - e.xyy), scene(p + e.yxy) - scene(p - e.yxy),
                          scene(p + e.yyx) - scene(p - e.yyx)));
}
void mainImage(out vec4 c, in vec2 f) {
    vec3 p = vec3(f, 1.0);
    for (int i = 0; i < 64; i++) p += vec3(0.0, 0.0, scene(p));
    c = vec4(normal(p), 1.0);
}
"""


def test_inline_plan_measures_the_expanded_kernel_and_picks_the_hot_function():
    from glslc.lower import inline_plan

    c = front_end(from_text(MARCH, "m.frag", "shadertoy")).checked
    order = function_order(c)
    keys = {f.name: id(f) for f in order}
    real, stats = inline_plan(c, order, set(), budget=10)
    assert real == set()  # nothing eligible: sizes only
    before = stats["expanded_before"]
    assert stats["expanded_after"] == before > 0
    # scene() is expanded 7 times (1 march + 6 normal taps): the one worth compiling once
    real, stats = inline_plan(c, order, set(keys.values()), budget=10, min_saving=1)
    assert keys["scene"] in real and stats["expanded_after"] < before / 2
    real, _ = inline_plan(c, order, set(keys.values()), budget=10 * before)
    assert real == set()  # under budget: everything inlined


def test_big_kernels_compile_with_less_optimization():
    pytest.importorskip("taichi")
    from glslc.runtime.taichi_backend import LOW_EFFORT_SIZE, _compile_effort, init

    init("cpu")
    import taichi as ti

    cfg = ti.lang.impl.current_cfg()
    assert cfg.advanced_optimization
    with _compile_effort(LOW_EFFORT_SIZE):
        assert not cfg.advanced_optimization
    with _compile_effort(LOW_EFFORT_SIZE - 1):
        assert cfg.advanced_optimization
    assert cfg.advanced_optimization


def test_a_taichi_compile_failure_is_a_diagnostic_on_the_shader():
    from glslc.runtime.taichi_backend import _compile_failure

    src = from_text("void mainImage(out vec4 c, in vec2 f) { c = vec4(1.0); }\n", "s.frag", "shadertoy")
    err = _compile_failure(src, TypeError("File \"x.py\", line 3, in fn:\n    _o = iChannel1\n    ^^^^^\n"
                                          "Invalid constant scalar data type"))
    assert str(err) == ("s.frag:1:1: error: Taichi could not compile the generated kernel (TypeError: Invalid "
                        "constant scalar data type); please report this shader")
