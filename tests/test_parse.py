"""The parser: grammar coverage, tree shapes, precedence, struct type names, errors, round trips, corpus."""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glslc import ast as A
from glslc.errors import GlslError
from glslc.parser import MAX_NESTING, _simple_tokens, parse_source, parse_tokens
from glslc.sources import load_source

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "shadertoy-dev.jsonl"


def unit(src: str) -> A.TranslationUnit:
    return parse_source(src, "t.frag")


def body(src: str) -> list[A.Node]:
    """The statements of ``void main() { src }``."""
    fn = unit("void main() {\n" + src + "\n}")
    assert isinstance(fn.decls[0], A.FunctionDef)
    return fn.decls[0].body.stmts


def expr(src: str) -> A.Expr:
    """The expression of the statement ``src;`` inside a function."""
    (stmt,) = body(src + ";")
    assert isinstance(stmt, A.ExprStmt)
    return stmt.expr


def full(src: str) -> str:
    return A.to_glsl(expr(src), full_parens=True)


def roundtrip(src: str) -> A.TranslationUnit:
    tu = unit(src)
    for fp in (False, True):
        text = A.to_glsl(tu, full_parens=fp)
        again = unit(text)
        assert A.dump(again) == A.dump(tu), text
    return tu


# ---------------------------------------------------------------------------------------- declarations


def test_qualified_global_declarations() -> None:
    tu = unit(
        """
        precision highp float;
        precision mediump int;
        const float PI = 3.14159;
        uniform vec3 iResolution;
        uniform highp sampler2D tex;
        in vec2 uv;
        out vec4 color;
        attribute vec3 pos;
        varying lowp vec2 v;
        centroid in vec2 c;
        flat in int id;
        smooth out vec3 n;
        noperspective in float z;
        invariant gl_Position;
        precise out float p;
        layout(location = 0, std140, binding=1) out vec4 frag;
        layout(early_fragment_tests) in;
        """
    )
    d = tu.decls
    assert isinstance(d[0], A.PrecisionDecl) and d[0].precision == "highp" and d[0].type.name == "float"
    assert isinstance(d[1], A.PrecisionDecl) and d[1].type.name == "int"
    const = d[2]
    assert isinstance(const, A.DeclStmt) and const.type.qualifiers == ["const"] and const.type.name == "float"
    assert isinstance(const.decls[0].init, A.FloatLit) and const.decls[0].init.value == pytest.approx(3.14159)
    assert d[4].type.qualifiers == ["uniform"] and d[4].type.precision == "highp" and d[4].type.name == "sampler2D"
    assert [x.type.qualifiers for x in d[5:9]] == [["in"], ["out"], ["attribute"], ["varying"]]
    assert d[8].type.precision == "lowp"
    assert [x.type.qualifiers for x in d[9:13]] == [["centroid", "in"], ["flat", "in"], ["smooth", "out"],
                                                     ["noperspective", "in"]]  # fmt: skip
    inv = d[13]
    assert isinstance(inv, A.QualifierDecl) and inv.type.qualifiers == ["invariant"] and inv.names == ["gl_Position"]
    assert d[14].type.qualifiers == ["precise", "out"]
    lay = d[15].type.layout
    assert [(x.name, x.value.value if x.value else None) for x in lay] == [("location", 0), ("std140", None),
                                                                           ("binding", 1)]  # fmt: skip
    assert d[15].type.qualifiers == ["out"]
    early = d[16]
    assert isinstance(early, A.QualifierDecl) and early.type.layout[0].name == "early_fragment_tests"
    assert early.type.qualifiers == ["in"] and early.names == []


def test_interface_block() -> None:
    tu = unit("layout(std140) uniform Globals { mat4 m; vec3 a, b[2]; } globals[2];\nuniform U { float t; };")
    blk = tu.decls[0]
    assert isinstance(blk, A.InterfaceBlock)
    assert blk.block_name == "Globals" and blk.instance == "globals" and len(blk.dims) == 1
    assert [f.name for f in blk.fields] == ["m", "a", "b"] and blk.type.qualifiers == ["uniform"]
    assert blk.type.layout[0].name == "std140"
    assert tu.decls[1].instance is None


def test_multiple_declarators_and_arrays() -> None:
    (d,) = unit("float a = 1.0, b[3], c;").decls
    assert isinstance(d, A.DeclStmt)
    assert [v.name for v in d.decls] == ["a", "b", "c"]
    assert all(v.type is d.type for v in d.decls)  # one shared type, not a child of each declarator
    assert isinstance(d.decls[0].init, A.FloatLit) and d.decls[1].init is None
    assert isinstance(d.decls[1].dims[0], A.IntLit) and d.decls[1].dims[0].value == 3
    tu = unit(
        """
        float[3] a = float[3](1.0, 2.0, 3.0);
        float b[] = float[](1.0, 2.0);
        float c[2][3];
        vec2[2] d[4];
        const int N = 4;
        float e[N * 2];
        """
    )
    a, b, c, d2, _, e = tu.decls
    assert len(a.type.dims) == 1 and a.decls[0].dims == []
    ctor = a.decls[0].init
    assert isinstance(ctor, A.Call) and isinstance(ctor.callee, A.TypeSpec) and ctor.callee.name == "float"
    assert ctor.callee.dims[0].value == 3 and len(ctor.args) == 3
    assert b.decls[0].dims == [None] and b.decls[0].init.callee.dims == [None]
    assert [x.value for x in c.decls[0].dims] == [2, 3]
    assert len(d2.type.dims) == 1 and len(d2.decls[0].dims) == 1
    assert isinstance(e.decls[0].dims[0], A.Binary)


def test_initializer_lists() -> None:
    tu = unit("vec2 v = {1.0, 2.0};\nfloat m[2][2] = {{1.0, 2.0}, {3.0, 4.0},};")
    v = tu.decls[0].decls[0].init
    assert isinstance(v, A.InitList) and [x.value for x in v.items] == [1.0, 2.0]
    m = tu.decls[1].decls[0].init
    assert len(m.items) == 2 and all(isinstance(x, A.InitList) for x in m.items)
    roundtrip("vec2 v = {1.0, 2.0};\nfloat m[2][2] = {{1.0, 2.0}, {3.0, 4.0},};")


def test_empty_declarations() -> None:
    tu = unit("float;\nstruct S { float x; };\n;\nstruct Ray { vec3 o, d; }, _ray;")
    assert isinstance(tu.decls[0], A.DeclStmt) and tu.decls[0].decls == []
    s = tu.decls[1]
    assert s.type.struct is not None and s.type.struct.name == "S" and s.decls == []
    ray = tu.decls[2]  # the lone ';' is dropped; `struct R {...}, r;` has an empty first declarator
    assert ray.type.struct.name == "Ray" and [v.name for v in ray.decls] == ["_ray"]
    assert [f.name for f in ray.type.struct.fields] == ["o", "d"]


def test_structs() -> None:
    tu = unit(
        """
        struct Light { vec3 dir; float power; };
        struct Scene { Light lights[2]; highp float t; } scene, scenes[3];
        struct { float a; } anon;
        Light key = Light(vec3(1.0), 2.0);
        Scene make(Light l, float t) { return Scene(Light[2](l, l), t); }
        void main() {
            Scene s = make(key, 1.0);
            s.lights[1].dir = vec3(0.0);
            struct Local { int k; } loc;
            Local l2 = Local(3);
        }
        """
    )
    light, scene, anon, key, make, main = tu.decls
    assert light.type.struct.name == "Light" and [f.name for f in light.type.struct.fields] == ["dir", "power"]
    sc = scene.type.struct
    assert sc.fields[0].type.name == "Light" and sc.fields[0].dims[0].value == 2
    assert sc.fields[1].type.precision == "highp"
    assert [v.name for v in scene.decls] == ["scene", "scenes"]
    assert anon.type.struct.name is None and anon.type.name is None and anon.decls[0].name == "anon"
    assert key.type.name == "Light" and isinstance(key.decls[0].init.callee, A.TypeSpec)
    assert make.proto.ret.name == "Scene" and [p.type.name for p in make.proto.params] == ["Light", "float"]
    ret = make.body.stmts[0].value
    assert ret.callee.name == "Scene" and ret.args[0].callee.name == "Light" and ret.args[0].callee.dims
    stmts = main.body.stmts
    assert isinstance(stmts[0], A.DeclStmt) and stmts[0].type.name == "Scene"
    assert isinstance(stmts[3].decls[0].init.callee, A.TypeSpec)


def test_struct_names_are_types_only_where_not_hidden() -> None:
    tu = unit(
        """
        struct camera { vec3 pos; };
        struct ray { vec3 o; };
        struct rig { ray ray; camera cam; };
        vec3 g(camera camera) { return camera.pos; }
        camera h() { camera camera; camera.pos = vec3(1.0); return camera; }
        camera k() { return camera(vec3(2.0)); }
        void main() { float ray = 1.0; ray += 2.0; }
        """
    )
    rig = tu.decls[2].type.struct
    assert [(f.type.name, f.name) for f in rig.fields] == [("ray", "ray"), ("camera", "cam")]
    g = tu.decls[3]
    assert g.proto.params[0].type.name == "camera" and g.proto.params[0].name == "camera"
    assert isinstance(g.body.stmts[0].value, A.Field) and isinstance(g.body.stmts[0].value.base, A.Ident)
    h = tu.decls[4]
    assert h.body.stmts[0].type.name == "camera" and h.body.stmts[0].decls[0].name == "camera"
    assert isinstance(h.body.stmts[1].expr.lhs.base, A.Ident)
    assert isinstance(h.body.stmts[2].value, A.Ident)
    k = tu.decls[5]  # the type is back after h's body
    assert isinstance(k.body.stmts[0].value.callee, A.TypeSpec)
    m = tu.decls[6].body.stmts
    assert m[0].type.name == "float" and m[0].decls[0].name == "ray" and isinstance(m[1].expr.lhs, A.Ident)


def test_soft_keywords_are_names() -> None:
    tu = unit(
        """
        float sample = 1.0;
        vec3 input, output, filter, active, common, partition, buffer, shared, smooth;
        float patch(float x) { return x * sample; }
        sample in vec2 ms;
        void main() { float varying = patch(sample); }
        """
    )
    assert tu.decls[0].decls[0].name == "sample"
    assert [v.name for v in tu.decls[1].decls] == ["input", "output", "filter", "active", "common", "partition",
                                                   "buffer", "shared", "smooth"]  # fmt: skip
    assert tu.decls[2].proto.name == "patch"
    assert tu.decls[3].type.qualifiers == ["sample", "in"]
    call = tu.decls[4].body.stmts[0].decls[0].init
    assert call.callee == "patch" and call.args[0].name == "sample"


# ------------------------------------------------------------------------------------------ functions


def test_functions_prototypes_overloads_params() -> None:
    tu = unit(
        """
        float f(void);
        float f(float x);
        float f(vec2 v) { return v.x; }
        void g(in float a, out vec3 b, inout int c[2], const highp float d, float) {}
        vec4 tex(sampler2D s, samplerCube c, sampler3D v, sampler2DArray a, isampler2D i, usampler2D u,
                 sampler2DShadow sh, vec2 uv) { return texture(s, uv); }
        float[2] arr() { return float[2](1.0, 2.0); }
        void main() { float h(float); }
        """
    )
    f0, f1, f2, g, tex, arr, main = tu.decls
    assert isinstance(f0, A.FunctionProto) and f0.params == []
    assert isinstance(f1, A.FunctionProto) and f1.params[0].name == "x"
    assert isinstance(f2, A.FunctionDef) and f2.proto.name == "f"
    ps = g.proto.params
    assert [p.type.qualifiers for p in ps] == [["in"], ["out"], ["inout"], ["const"], []]
    assert ps[2].dims[0].value == 2 and ps[3].type.precision == "highp" and ps[4].name is None
    assert [p.type.name for p in tex.proto.params] == ["sampler2D", "samplerCube", "sampler3D", "sampler2DArray",
                                                      "isampler2D", "usampler2D", "sampler2DShadow", "vec2"]
    assert arr.proto.ret.dims[0].value == 2
    assert isinstance(main.body.stmts[0], A.FunctionProto)


@pytest.mark.parametrize(
    "ty",
    ["float", "int", "uint", "bool", "vec2", "vec3", "vec4", "ivec2", "ivec3", "ivec4", "uvec2", "uvec3", "uvec4",
     "bvec2", "bvec3", "bvec4", "dvec2", "dvec4", "mat2", "mat3", "mat4", "mat2x3", "mat3x2", "mat4x3", "mat2x4",
     "dmat3", "dmat2x4", "double"],
)  # fmt: skip
def test_constructors_for_every_builtin_type(ty: str) -> None:
    e = expr(f"x = {ty}(1)")
    assert isinstance(e.rhs, A.Call) and isinstance(e.rhs.callee, A.TypeSpec) and e.rhs.callee.name == ty
    d = body(f"{ty} v = {ty}(1);")[0]
    assert isinstance(d, A.DeclStmt) and d.type.name == ty


def test_calls_and_postfix() -> None:
    e = expr("f()")
    assert isinstance(e, A.Call) and e.callee == "f" and e.args == []
    assert expr("f(void)").args == []
    e = expr("a.length()")
    assert isinstance(e, A.Length) and isinstance(e.base, A.Ident)
    e = expr("f(a, b)[2].xy.length()")
    assert isinstance(e, A.Length) and isinstance(e.base, A.Field) and e.base.name == "xy"
    assert isinstance(e.base.base, A.Index) and isinstance(e.base.base.base, A.Call)
    e = expr("m[i][j]++")
    assert isinstance(e, A.PostIncDec) and isinstance(e.operand, A.Index) and isinstance(e.operand.base, A.Index)
    e = expr("--v.x")
    assert isinstance(e, A.PreIncDec) and e.op == "--" and isinstance(e.operand, A.Field)
    e = expr("texture(iChannel0, uv).rgb")
    assert isinstance(e, A.Field) and e.base.callee == "texture"


def test_literals() -> None:
    e = expr("f(0x1F, 017, 3u, 0xFFu, 1.5e3, .5, 2., 1e-2, 2.0f, 1.0lf, true, false, 0)")
    a = e.args
    assert [(x.value, x.unsigned) for x in a[:4]] == [(31, False), (15, False), (3, True), (255, True)]
    assert [x.value for x in a[4:9]] == [1500.0, 0.5, 2.0, 0.01, 2.0]
    assert a[9].double and not a[8].double
    assert isinstance(a[10], A.BoolLit) and a[10].value is True and a[11].value is False
    assert isinstance(a[12], A.IntLit) and a[12].value == 0


# ------------------------------------------------------------------------------------------- statements


def test_statements() -> None:
    s = body(
        """
        { int a; }
        ;
        if (a) b(); else if (c) d(); else { e(); }
        if (a) if (b) c(); else d();
        for (int i = 0, j = 1; i < 10; i++, j++) {}
        for (i = 0; ; ) break;
        for (;;) { continue; }
        while (x < 3) x++;
        while (bool more = step()) {}
        if (bool ok = check()) {}
        do x--; while (x > 0);
        switch (k) { case 0: case 1: a = 1; break; case 2: { b = 2; } default: c = 3; }
        switch (k) { }
        return;
        return a + 1;
        discard;
        """
    )
    kinds = [type(x).__name__ for x in s]
    assert kinds == ["Block", "EmptyStmt", "If", "If", "For", "For", "For", "While", "While", "If", "DoWhile",
                     "Switch", "Switch", "Return", "Return", "Discard"]  # fmt: skip
    chain = s[2]
    assert isinstance(chain.else_, A.If) and isinstance(chain.else_.else_, A.Block)
    dangling = s[3]  # the else belongs to the inner if
    assert dangling.else_ is None and isinstance(dangling.then, A.If) and dangling.then.else_ is not None
    f1, f2, f3 = s[4:7]
    assert isinstance(f1.init, A.DeclStmt) and [v.name for v in f1.init.decls] == ["i", "j"]
    assert isinstance(f1.step, A.Comma) and len(f1.step.exprs) == 2
    assert isinstance(f2.init, A.ExprStmt) and f2.cond is None and f2.step is None and isinstance(f2.body, A.Break)
    assert isinstance(f3.init, A.EmptyStmt) and f3.cond is None and isinstance(f3.body.stmts[0], A.Continue)
    assert isinstance(s[8].cond, A.DeclStmt) and s[8].cond.decls[0].name == "more"
    assert isinstance(s[9].cond, A.DeclStmt)
    assert isinstance(s[10].body, A.ExprStmt) and isinstance(s[10].cond, A.Binary)
    sw = s[11]
    assert [None if c.value is None else c.value.value for c in sw.cases] == [0, 1, 2, None]
    assert sw.cases[0].body == [] and [type(x).__name__ for x in sw.cases[1].body] == ["ExprStmt", "Break"]
    assert isinstance(sw.cases[2].body[0], A.Block)
    assert s[12].cases == []
    assert s[13].value is None and isinstance(s[14].value, A.Binary)


# ------------------------------------------------------------------------------------------ precedence


@pytest.mark.parametrize(
    ("src", "shape"),
    [
        ("a + b * c", "(a + (b * c))"),
        ("a * b + c", "((a * b) + c)"),
        ("a - b - c", "((a - b) - c)"),
        ("a / b * c % d", "(((a / b) * c) % d)"),
        ("a = b = c", "(a = (b = c))"),
        ("a += b -= c *= d", "(a += (b -= (c *= d)))"),
        ("a <<= b >>= c &= d |= e ^= f %= g /= h", "(a <<= (b >>= (c &= (d |= (e ^= (f %= (g /= h)))))))"),
        ("a ? b : c ? d : e", "(a ? b : (c ? d : e))"),
        ("a ? b ? c : d : e", "(a ? (b ? c : d) : e)"),
        ("x = a ? b : c", "(x = (a ? b : c))"),
        ("a ? b, c : d", "(a ? (b, c) : d)"),
        ("a || b ^^ c && d", "(a || (b ^^ (c && d)))"),
        ("a && b ^^ c || d", "(((a && b) ^^ c) || d)"),
        ("a | b ^ c & d", "(a | (b ^ (c & d)))"),
        ("a & b == c", "(a & (b == c))"),
        ("a == b != c", "((a == b) != c)"),
        ("a == b < c", "(a == (b < c))"),
        ("a < b <= c", "((a < b) <= c)"),
        ("a < b << c", "(a < (b << c))"),
        ("a << b + c", "(a << (b + c))"),
        ("a >> b >> c", "((a >> b) >> c)"),
        ("-a * b", "((-a) * b)"),
        ("-a.x++", "(-(a.x++))"),
        ("!a[i] && b", "((!a[i]) && b)"),
        ("~i + 1", "((~i) + 1)"),
        ("++a.b * 2", "((++a.b) * 2)"),
        ("- -a", "(-(-a))"),
        ("-(-a)", "(-(-a))"),
        ("a, b = c", "(a, (b = c))"),
        ("a, b, c", "(a, b, c)"),
        ("(a + b) * c", "((a + b) * c)"),
        ("a - (b - c)", "(a - (b - c))"),
        ("f(a, (b, c))", "f(a, (b, c))"),
        ("a = b || c ? d : e", "(a = ((b || c) ? d : e))"),
    ],
)
def test_precedence_and_associativity(src: str, shape: str) -> None:
    assert full(src) == shape


def test_minimal_parentheses_keep_the_tree() -> None:
    for src in ["(a + b) * c", "a - (b - c)", "(a = b) + 1", "(a ? b : c) + 1", "a ? (b = c) : d", "-(-a)",
                "-(--a)", "(a, b)[0]", "f((a, b))", "(a++)++", "!(a == b)", "(a << 1) < b", "(a + 1).x"]:  # fmt: skip
        e = expr(src)
        again = expr(A.to_glsl(e))
        assert A.dump(again) == A.dump(e), (src, A.to_glsl(e))
    assert A.to_glsl(expr("(a + b) * c")) == "(a + b) * c"
    assert A.to_glsl(expr("a - (b - c)")) == "a - (b - c)"
    assert A.to_glsl(expr("a - b - c")) == "a - b - c"


def test_tree_shape_of_left_associative_minus() -> None:
    e = expr("a - b - c")
    assert isinstance(e, A.Binary) and e.op == "-" and isinstance(e.lhs, A.Binary)
    assert e.lhs.lhs.name == "a" and e.lhs.rhs.name == "b" and e.rhs.name == "c"


# ---------------------------------------------------------------------------------------------- spans


def test_spans_point_into_the_file() -> None:
    tu = unit("void main() {\n    float x = a +\n        b;\n}\n")
    decl = tu.decls[0].body.stmts[0]
    assert (decl.span.file, decl.span.line, decl.span.col) == ("t.frag", 2, 5)
    plus = decl.decls[0].init
    assert (plus.span.line, plus.span.col) == (2, 17)  # a binary node points at its operator
    assert (plus.rhs.span.line, plus.rhs.span.col) == (3, 9)
    assert (decl.decls[0].span.line, decl.decls[0].span.col) == (2, 11)
    assert all(n.span.file == "t.frag" for n in A.walk(tu))


def test_spans_through_macros() -> None:
    tu = unit("#define SQ(x) ((x) * (x))\nvoid main() {\n  float y = SQ(b);\n}\n")
    init = tu.decls[0].body.stmts[0].decls[0].init
    assert init.span.line == 3
    assert (init.lhs.span.line, init.lhs.span.col) == (3, 16)  # the argument keeps where it was written


# ---------------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("src", "line", "col", "message"),
    [
        ("void main() {\n  float a = 1.0\n  float b = 2.0;\n}", 2, 16, "expected ';' after declaration"),
        ("void main() { f(a,); }", 1, 19, "unexpected ')'; expected an expression"),
        ("void main() {\n  x = (1 + );\n}", 2, 12, "unexpected ')'; expected an expression"),
        ("void main() { x = 1 +* 2; }", 1, 22, "unexpected '*'; expected an expression"),
        ("void main() {\n  if (x) {\n  }\n", 3, 4, "unexpected end of input: missing '}'"),
        ("void main() { if x > 0 {} }", 1, 18, "unexpected name 'x'; expected '('"),
        ("float f(float x { return x; }", 1, 17, "unexpected '{'; expected ')'"),
        ("void main() { int i = 0 for(;;){} }", 1, 25, "expected ';' after declaration, found 'for'"),
        ("struct S { float x; }\nvoid main() {}", 1, 22, "expected ';' after struct definition"),
        ("void main() { return 1 }", 1, 24, "expected ';' after 'return' statement, found '}'"),
        ("void main() { a[1 = 2; }", 1, 22, "unexpected ';'; expected ']'"),
        ("void main() { x = a ? b; }", 1, 24, "unexpected ';'; expected ':'"),
        ("uniform float u;\nvoid main() { float 3x = 1.0; }", 2, 21, "unexpected number '3'"),
        ("void main() { vec3 v = vec3(1.0, 2.0 3.0); }", 1, 38, "unexpected number '3.0'; expected ')', ','"),
        ("void main() {\n  case 1: break;\n}", 2, 3, "'case' label outside a switch"),
        ("void main() { switch (x) { x = 1; case 1: break; } }", 1, 28, "before the first 'case' label"),
        ("void main() { x = y.z(); }", 1, 21, "only '.length()' can be called"),
        ("void main() { else {} }", 1, 15, "unexpected 'else'; expected a statement"),
        ("void main() }", 1, 13, "unexpected '}'; expected ';' or '{'"),
        ("void main() { x = 09; }", 1, 19, "invalid integer constant '09'"),
        ("void main() { do { } while (x) }", 1, 32, "expected ';' after do-while statement"),
        ("void main() { x = a.length(1); }", 1, 28, "'.length()' takes no arguments"),
        ("void main() { x = (a + b)(c); }", 1, 20, "only a function name or a type can be called"),
    ],
)
def test_syntax_errors(src: str, line: int, col: int, message: str) -> None:
    with pytest.raises(GlslError) as info:
        unit(src)
    err = info.value
    assert message in err.message
    assert (err.span.file, err.span.line, err.span.col) == ("t.frag", line, col), err.message
    assert err.format(src).count("^") == 1


def test_unclosed_brace_note() -> None:
    with pytest.raises(GlslError) as info:
        unit("void main() {\n  if (x) {\n")
    assert any("2:10" in n for n in info.value.notes)


def test_empty_input_is_an_empty_unit() -> None:
    assert unit("").decls == []
    assert unit("// nothing\n#define X 1\n").decls == []


# ----------------------------------------------------------------------------------------- round trips

ROUND_TRIP = [
    "precision highp float;\nuniform vec2 r;\nvoid main() { gl_FragColor = vec4(r / 2.0, 0.0, 1.0); }",
    "struct S { vec3 p; float d[2]; } s1, s2;\nS f(S s) { s.d[1] += 1.0; return s; }",
    "struct { float a; } anon;\nconst float k[3] = float[3](1.0, 2.0, 3.0), m = -k[0];",
    "layout(location = 0) out vec4 o;\nlayout(std140) uniform B { mat4 m; } b;\ninvariant gl_Position;",
    "void main() { for (int i = 0; i < 4; ++i) { if (i == 2) continue; else if (i > 2) break; } }",
    "void main() { int k = 3; switch (k) { case 1: case 2: k++; break; default: k--; } }",
    "void main() { do { x -= 1.0; } while (x > 0.0); while (bool b = f()) { } for (;;) ; }",
    "float f(void) { return a ? b : c ? d : e; }\nvoid g(inout float x[2], out int y) { y = ~x.length() << 2; }",
    "void main() { a = (b, c); x = a - (b - c) * -(-d) / (e % f); y = a ^^ b || !c && d; z = 1u | 2u & 3u ^ 4u; }",
    "void main() { float[2] a = float[](1.0, 2.0); int n = a.length(); vec2 v = vec2(a[0], a[1]).yx; }",
    "void main() { x = 1e-5 + 2.5e10 + 0.1 + 3.0 + 1.0lf; discard; return; }",
    "float a = 1.0, b[3], c;\nfloat[3] d[2];\nvoid main() { if (a > 0.0) if (b[0] > 0.0) c = 1.0; else c = 2.0; }",
]


@pytest.mark.parametrize("src", ROUND_TRIP)
def test_round_trip(src: str) -> None:
    roundtrip(src)


def test_round_trip_repo_shaders() -> None:
    shaders = sorted((ROOT / "shaders").glob("*.frag"))
    if not shaders:
        pytest.skip("no shaders/*.frag in the repository")
    for p in shaders:  # as the compiler gets them: wrapped into complete shaders by their dialect
        tu = parse_source(load_source(p).wrap().text, str(p))
        again = parse_source(A.to_glsl(tu), "printed")
        assert A.dump(again) == A.dump(tu), p.name


# ------------------------------------------------------------------------------------------ ast helpers


def test_walk_children_visitor_and_dump() -> None:
    tu = unit("float g = 1.0;\nvoid main() { float x = g * 2.0; }")
    names = [type(n).__name__ for n in A.walk(tu)]
    assert names[:3] == ["TranslationUnit", "DeclStmt", "TypeSpec"]
    assert names.count("TypeSpec") == 3  # each declaration's type once (VarDecl.type is a reference)

    class Idents(A.NodeVisitor):
        def __init__(self) -> None:
            self.seen: list[str] = []

        def visit_Ident(self, node: A.Ident) -> None:  # noqa: N802 - visitor naming
            self.seen.append(node.name)

    v = Idents()
    v.visit(tu)
    assert v.seen == ["g"]
    assert A.dump(tu) == A.dump(unit("float g=1.;void main(){float x=g*2.;}"))
    assert A.dump(tu) != A.dump(unit("float g = 1.0;\nvoid main() { float x = g * 3.0; }"))
    assert A.depth(tu) >= 6


def test_printing_hand_built_trees() -> None:
    inner = A.If(A.Ident("b"), A.ExprStmt(A.Call("c", [])))
    outer = A.If(A.Ident("a"), inner, A.ExprStmt(A.Call("d", [])))
    text = "void main() {\n" + A.to_glsl(outer) + "\n}"
    reparsed = unit(text).decls[0].body.stmts[0]
    assert reparsed.else_ is not None and isinstance(reparsed.then, A.Block)  # the else stays outside
    assert A.to_glsl(A.Binary("*", A.FloatLit(-1.0), A.Ident("x"))) == "-1.0 * x"
    assert A.to_glsl(A.Field(A.FloatLit(-1.0), "x")) == "(-1.0).x"
    assert A.to_glsl(A.Unary("-", A.Unary("-", A.Ident("x")))) == "- -x"
    assert A.to_glsl(A.Unary("-", A.PreIncDec("--", A.Ident("x")))) == "- --x"
    assert A.to_glsl(A.FloatLit(1e20)) == "1.0e+20"
    d = unit("float a[2] = float[2](1.0, 2.0), b;").decls[0]
    assert A.to_glsl(d.decls[0]) == "a[2] = float[2](1.0, 2.0)" and A.to_glsl(d.type) == "float"
    sw = body("switch (x) { case 1: a(); break; default: b(); }")[0]
    assert A.to_glsl(sw.cases[0]) == "case 1:\n    a();\n    break;"


# --------------------------------------------------------------------------------------- deep nesting


def test_deep_parentheses_parse() -> None:
    src = "void main() { float x = " + "(" * 10_000 + "1.0" + ")" * 10_000 + "; }"
    tu = unit(src)
    assert isinstance(tu.decls[0].body.stmts[0].decls[0].init, A.FloatLit)


@pytest.mark.parametrize(
    "src",
    [
        "void main() { " + "{" * 10_000 + "}" * 10_000 + " }",
        "void main() { float x = " + "+".join(["a"] * 10_000) + "; }",
        "void main() { x = " + "-" * 9_999 + " a; }",
        "void main() { " + "if (a) " * 10_000 + "x = 1; }",
        "void main() { " + "a = " * 10_000 + "1; }",
        "void main() { x = " + "f(" * 5_000 + "0" + ")" * 5_000 + "; }",
        "void main() { x = " + "a[" * 5_000 + "0" + "]" * 5_000 + "; }",
    ],
    ids=["blocks", "sum", "negations", "ifs", "assignments", "calls", "indexing"],
)
def test_too_deep_nesting_is_a_glsl_error(src: str) -> None:
    start = time.perf_counter()
    with pytest.raises(GlslError, match="nesting too deep"):
        unit(src)
    assert time.perf_counter() - start < 5.0


def test_nesting_below_the_limit_prints_and_reparses() -> None:
    n = MAX_NESTING - 20
    tu = unit("void main() { float x = " + "+".join(["a"] * n) + "; }")
    assert A.dump(unit(A.to_glsl(tu))) == A.dump(tu)
    tu = unit("void main() { " + "{" * (n // 2) + "}" * (n // 2) + " }")
    assert A.dump(unit(A.to_glsl(tu))) == A.dump(tu)


# ---------------------------------------------------------------------------------------------- fuzzing

SEEDS = [
    "struct S { vec3 p; float d[2]; };\nS f(S s) { return S(s.p * 2.0, float[2](1.0, 2.0)); }\n"
    "void mainImage(out vec4 o, in vec2 u) { S s = f(S(vec3(u, 1.0), float[2](0.0, 1.0)));\n"
    "  for (int i = 0; i < 3; i++) { if (s.d[i & 1] > .5) break; else continue; }\n"
    "  switch (int(u.x)) { case 0: o = vec4(1); break; default: o = vec4(s.p, 1.); }\n"
    "  o.xyz += -s.p.zyx * (u.x > 0. ? 1. : 2.); }\n",
    "#define R iResolution\nprecision highp float;\nuniform vec3 iResolution;\nuniform float iTime;\n"
    "float h(vec2 p) { return fract(sin(dot(p, vec2(12.9898, 78.233))) * 43758.5453); }\n"
    "void main() { vec2 uv = gl_FragCoord.xy / R.xy; float t = iTime, a[3];\n"
    "  do { t -= 1.0; } while (t > 0.0); int k = 1 << 3 | 2 ^ 1; k %= 3; a[k] = h(uv);\n"
    "  gl_FragColor = vec4(uv, a.length() == 3 ? t : h(uv), 1.0); }\n",
]
_SEED_TOKENS = [[t.text for t in _simple_tokens(s)] for s in SEEDS]  # (directive lines are skipped)
_GLSL_ALPHABET = st.sampled_from(
    list("abxyz019_.;,(){}[]+-*/%<>=!&|^~?: \n#\"'\\@$")
    + ["vec3", "struct", "float", "for", "if", "else", "return", "S", "//", "/*", "*/", "#define", "0x", "1e", "."]
)


def _must_be_glsl_error_only(text: str) -> None:
    try:
        tu = parse_source(text, "fuzz")
    except GlslError:
        return
    again = parse_source(A.to_glsl(tu), "printed")  # whatever parses also prints, and reparses the same
    assert A.dump(again) == A.dump(tu)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_GLSL_ALPHABET, max_size=80).map("".join))
def test_fuzz_random_text_raises_only_glsl_error(text: str) -> None:
    _must_be_glsl_error_only(text)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, len(SEEDS) - 1),
    st.lists(st.tuples(st.sampled_from(["delete", "duplicate", "swap"]), st.integers(0, 10_000),
                       st.integers(0, 10_000)), min_size=1, max_size=6),  # fmt: skip
)
def test_fuzz_token_mutations_raise_only_glsl_error(seed: int, edits: list[tuple[str, int, int]]) -> None:
    toks = list(_SEED_TOKENS[seed])
    for op, i, j in edits:
        if not toks:
            break
        i %= len(toks)
        j %= len(toks)
        if op == "delete":
            del toks[i]
        elif op == "duplicate":
            toks.insert(i, toks[i])
        else:
            toks[i], toks[j] = toks[j], toks[i]
    _must_be_glsl_error_only(" ".join(toks))
    try:  # the parser alone, on the raw tokens
        parse_tokens(_simple_tokens(" ".join(toks)), "fuzz")
    except GlslError:
        pass


# ----------------------------------------------------------------------------------------------- corpus


@pytest.mark.slow
def test_corpus_parses() -> None:
    if not CORPUS.exists():
        pytest.skip(f"corpus not found at {CORPUS} (it lives in ../shared/corpus beside the repo)")
    records = [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]
    failures: list[str] = []
    times: list[float] = []
    for i, rec in enumerate(records):
        code = rec["image_code"]
        start = time.perf_counter()
        try:
            tu = parse_source(code, rec["id"])
        except GlslError as e:
            failures.append(f"{rec['id']} {rec['name']!r}: {e}")
            continue
        times.append(time.perf_counter() - start)
        if i % 10 == 0:  # a sample also round-trips through the printer
            assert A.dump(parse_source(A.to_glsl(tu), "printed")) == A.dump(tu), rec["id"]
    rate = 1 - len(failures) / len(records)
    median_ms = 1000 * statistics.median(times)
    print(f"\ncorpus: {len(records) - len(failures)}/{len(records)} parse ({100 * rate:.2f}%), "
          f"median preprocess+parse {median_ms:.1f} ms")  # fmt: skip
    for f in failures:
        print("  FAIL", f)
    assert rate >= 0.995, "\n".join(failures[:20])
    assert median_ms < 30


def test_member_of_a_number_round_trips() -> None:
    roundtrip("void main() { float a = 1 .x + 2.0 .x; int n = 3 .length(); }")
