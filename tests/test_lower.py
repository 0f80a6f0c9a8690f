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
    code = "#version 330\nout vec4 c;\nvoid main() {\n  float s[2];\n  c = vec4(noise1(s[0]));\n}\n"
    fe = front_end(from_text(code, "u.frag", "glsl"))
    err = unsupported(fe.checked)
    assert err is not None and "noise1" in err.message and fe.wrapped.user_line(err.span.line) == 5
    code = "float noise2(vec2 p) { return p.x; }\nvoid mainImage(out vec4 c, in vec2 p) { c = vec4(noise2(p)); }\n"
    assert unsupported(front_end(from_text(code, "u.frag", "shadertoy")).checked) is None  # a user function
