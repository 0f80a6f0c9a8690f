"""The built-in function table: expansion, availability, and a call-by-call cross-check against Mesa.

The Mesa check compiles, per ``#version``, one fragment shader that calls every expanded signature whose
types exist in that version, one call per line, and compares the lines Mesa rejects with the lines the
table calls unavailable: both directions must agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from glslc.builtins import (
    BUILTIN_FUNCTION_NAMES,
    BUILTIN_VARIABLES,
    MAX_DRAW_BUFFERS,
    Signature,
    all_signatures,
    availability_allows,
    available,
    intersect_availability,
    overloads,
    overloads_in,
    type_availability,
    variable_available,
)
from glslc.types import (
    BOOL,
    BUILTIN_TYPES,
    BVEC3,
    FLOAT,
    INT,
    IVEC2,
    MAT2,
    UINT,
    UVEC2,
    VEC2,
    VEC3,
    VEC4,
    Type,
    array,
    matrix,
    parse_type_name,
    sampler,
    vector,
)

try:
    import moderngl
except ImportError:  # pragma: no cover - a dependency
    moderngl = None

# the GLSL ES 1.00 extensions of the table that Mesa supports under a desktop core context (it warns
# "extension unsupported" for GL_EXT_shader_texture_lod and GL_EXT_shadow_samplers there)
ES100_EXTENSIONS = ("GL_OES_standard_derivatives", "GL_OES_texture_3D", "GL_EXT_frag_depth")


def sigs(name: str) -> set[str]:
    return {str(s) for s in overloads(name)}


# ----------------------------------------------------------------------------------------------------
# Expansion


def test_counts() -> None:
    assert len(overloads("sin")) == 4
    assert [s.params for s in overloads("sin")] == [(FLOAT,), (VEC2,), (VEC3,), (VEC4,)]
    # float: genF,genF (4) + genF,float (3 new); the same for int, uint and double
    assert len(overloads("min")) == 28
    assert len([s for s in overloads("min") if s.ret.base == "float"]) == 7
    assert "vec3 min(vec3 x, float y)" in sigs("min")
    assert "ivec2 min(ivec2 x, int y)" in sigs("min")
    assert "uvec4 min(uvec4 x, uint y)" in sigs("min")
    assert len(overloads("cross")) == 2  # vec3 and dvec3
    assert len(overloads("outerProduct")) == 18 and len(overloads("transpose")) == 18
    assert len(overloads("determinant")) == 6 and len(overloads("inverse")) == 6
    assert len(overloads("matrixCompMult")) == 18
    assert len(overloads("not")) == 3 and len(overloads("any")) == 3
    assert len(overloads("lessThan")) == 12 and len(overloads("equal")) == 15  # vec ivec uvec (bvec) dvec
    assert overloads("nosuchfunction") == ()
    assert {"texture", "texture2D", "texture2DLodEXT", "fma", "findMSB", "dFdxFine", "noise1"} <= BUILTIN_FUNCTION_NAMES


def test_mix_selectors() -> None:
    mixes = sigs("mix")
    assert "vec3 mix(vec3 x, vec3 y, vec3 a)" in mixes
    assert "vec3 mix(vec3 x, vec3 y, float a)" in mixes
    assert "vec3 mix(vec3 x, vec3 y, bvec3 a)" in mixes
    assert "float mix(float x, float y, bool a)" in mixes
    assert "ivec2 mix(ivec2 x, ivec2 y, bvec2 a)" in mixes
    assert "bvec4 mix(bvec4 x, bvec4 y, bvec4 a)" in mixes
    assert len(mixes) == 34


def test_same_size_rule() -> None:
    for name in ("mix", "isnan", "isinf", "frexp", "ldexp", "floatBitsToInt", "uintBitsToFloat", "lessThan", "equal",
                 "bitCount", "findMSB", "uaddCarry", "imulExtended", "clamp", "smoothstep", "modf"):
        for s in overloads(name):
            sizes = {t.size for t in (s.ret, *s.params) if t.kind in ("scalar", "vector")}
            if name in ("mix", "clamp", "smoothstep") and 1 in sizes:  # the scalar-selector/bound forms
                sizes.discard(1)
            assert len(sizes) <= 1, s
        if name in ("isnan", "frexp", "floatBitsToInt", "lessThan"):
            assert len(overloads(name)) == (8 if name in ("isnan", "frexp") else 4 if name != "lessThan" else 12)
    assert "vec3 mix(vec3 x, vec3 y, bvec2 a)" not in sigs("mix")
    assert "vec2 frexp(vec2 x, out ivec2 exp)" in sigs("frexp")
    assert all(s.params[1].size == s.params[0].size for s in overloads("frexp"))
    assert all(s.ret.size == s.params[0].size for s in overloads("lessThan"))


def test_shapes() -> None:
    by_params = {s.params: s for s in overloads("outerProduct")}
    assert by_params[(VEC3, VEC2)].ret == matrix(2, 3)  # 2 columns (r), 3 rows (c)
    assert {s.params[0]: s.ret for s in overloads("transpose")}[matrix(2, 4)] == matrix(4, 2)
    assert {s.ret for s in overloads("determinant")} == {FLOAT, Type("scalar", "double")}
    texture = {s.params: s for s in overloads("texture")}
    assert texture[(sampler("usampler2D"), VEC2)].ret == vector("uint", 4)
    assert texture[(sampler("sampler2DShadow"), VEC3, FLOAT)].ret == FLOAT
    modf = overloads("modf")[0]
    assert modf.qualifiers == ("in", "out") and modf.param_names == ("x", "i")
    umul = overloads("umulExtended")[1]
    assert umul.ret.kind == "void" and umul.params == (UVEC2,) * 4 and umul.qualifiers == ("in", "in", "out", "out")
    off = {s.params: s for s in overloads("textureOffset")}[(sampler("sampler2D"), VEC2, IVEC2)]
    assert off.constant == (False, False, True)
    assert [str(t) for t in overloads("textureGatherOffsets")[0].params] == ["sampler2D", "vec2", "ivec2[4]"]


def test_availability() -> None:
    def ok(name: str, params: tuple[Type, ...], version: int, es: bool, ext: tuple[str, ...] = ()) -> bool:
        (sig,) = [s for s in overloads(name) if s.params == params]
        return available(sig, version, es, ext)

    s2d = sampler("sampler2D")
    assert ok("sin", (VEC3,), 100, True) and ok("sin", (VEC3,), 450, False)
    # Mesa keeps the ES 1.00 names in GLSL ES 3.00 (the spec drops them) and in desktop core up to 4.10
    assert ok("texture2D", (s2d, VEC2), 100, True) and ok("texture2D", (s2d, VEC2), 300, True)
    assert not ok("texture2DLod", (s2d, VEC2, FLOAT), 100, True) and ok("texture2DLod", (s2d, VEC2, FLOAT), 300, True)
    assert ok("texture2D", (s2d, VEC2), 330, False) and not ok("texture2D", (s2d, VEC2), 450, False)
    assert not ok("texture", (s2d, VEC2), 100, True) and ok("texture", (s2d, VEC2), 300, True)
    assert ok("round", (FLOAT,), 300, True) and not ok("round", (FLOAT,), 100, True)
    assert not ok("fma", (VEC2, VEC2, VEC2), 300, True) and ok("fma", (VEC2, VEC2, VEC2), 400, False)
    assert ok("bitfieldExtract", (INT, INT, INT), 310, True) and not ok("bitfieldExtract", (INT, INT, INT), 330, False)
    assert ok("packHalf2x16", (VEC2,), 300, True) and not ok("packHalf2x16", (VEC2,), 410, False)
    assert ok("inverse", (MAT2,), 300, True) and not ok("inverse", (MAT2,), 130, False)
    assert not ok("dFdx", (FLOAT,), 100, True) and ok("dFdx", (FLOAT,), 100, True, ("GL_OES_standard_derivatives",))
    assert ok("texture2DLodEXT", (s2d, VEC2, FLOAT), 100, True, ("GL_EXT_shader_texture_lod",))
    assert not ok("texture2DLodEXT", (s2d, VEC2, FLOAT), 100, True)
    assert ok("mix", (VEC3, VEC3, BVEC3), 300, True) and not ok("mix", (BOOL, BOOL, BOOL), 300, True)
    assert ok("min", (UINT, UINT), 300, True) and ok("min", (INT, INT), 100, True)  # Mesa: int min/max/abs in 1.00
    assert [str(s) for s in overloads_in("sin", 100, True)] == [str(s) for s in overloads("sin")]
    assert overloads_in("textureQueryLevels", 420, False) == ()
    assert intersect_availability("es300 gl130", "es100-100 gl110-410") == "gl130-410"
    assert intersect_availability("all", "gl400") == "gl400"
    assert intersect_availability("es300", "gl110") == "none"
    assert availability_allows("all", 100, True) and not availability_allows("none", 450, False)
    assert type_availability(sampler("isampler3D")) == "es300 gl130"
    assert type_availability(matrix(2, 3)) == "es300 gl120"
    assert variable_available("gl_FragColor", 100, True) and not variable_available("gl_FragColor", 300, True)
    assert BUILTIN_VARIABLES["gl_FragCoord"] == (VEC4, "in", "all")


# ----------------------------------------------------------------------------------------------------
# Mesa cross-check


@pytest.fixture(scope="module")
def gl() -> Iterator[moderngl.Context]:
    """A standalone EGL context (Mesa llvmpipe on CI); skips where none can be made."""
    if moderngl is None:
        pytest.skip("moderngl is not installed")
    try:
        ctx = moderngl.create_standalone_context(backend="egl")
    except Exception as e:  # noqa: BLE001 - any EGL/driver failure means: no GL here
        pytest.skip(f"cannot create a headless EGL OpenGL context (Mesa EGL missing?): {e}")
    yield ctx
    ctx.release()


@dataclass(frozen=True)
class Profile:
    """A ``#version`` to check, with the ``#extension`` names it enables."""

    version: int
    es: bool
    extensions: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        suffix = " es" if self.es and self.version > 100 else ""
        return "\n".join([f"#version {self.version}{suffix}"] + [f"#extension {e} : enable" for e in self.extensions])

    @property
    def old_style(self) -> bool:
        """``attribute``/``varying`` and ``gl_FragColor`` instead of ``in``/``out``."""
        return self.version < 130 or (self.es and self.version == 100)

    def __str__(self) -> str:
        return self.header.replace("\n", " ")


def type_exists(t: Type, p: Profile) -> bool:
    return availability_allows(type_availability(t), p.version, p.es, p.extensions)


def _vname(t: Type) -> str:
    return re.sub(r"\W", "_", str(t))


def _const(t: Type) -> str:
    if t.kind == "array":
        return f"{t.element}[{t.length}](" + ", ".join([_const(t.element)] * (t.length or 0)) + ")"
    return f"{t}(0)"


def _precision(p: Profile) -> str:
    """A precision qualifier where the language has them (ES needs one on most sampler types)."""
    return "highp " if p.es or p.version >= 130 else ""


def _compile_errors(ctx: moderngl.Context, p: Profile, fragment: str, vertex: str) -> str | None:
    """Mesa's log when the program fails to build, else None."""
    try:
        prog = ctx.program(vertex_shader=vertex, fragment_shader=fragment)
    except Exception as e:  # noqa: BLE001 - moderngl raises its own Error with the log
        return str(e)
    prog.release()
    return None


def _interpolants(p: Profile, types: list[Type]) -> tuple[str, str]:
    fs_kw, vs_kw = ("varying", "varying") if p.old_style else ("in", "out")
    fs = "".join(f"{fs_kw} {t} i_{_vname(t)};\n" for t in types)
    vs = "".join(f"{vs_kw} {t} i_{_vname(t)};\n" for t in types)
    return fs, vs


def _vertex(p: Profile, extra: str = "") -> str:
    attr = "attribute" if p.old_style else "in"
    prec = "precision highp float;\n" if p.es else ""
    return f"#version {p.version}{' es' if p.es and p.version > 100 else ''}\n{prec}{extra}{attr} vec2 p;\n" \
           "void main(){gl_Position=vec4(p,0.,1.);}\n"


def call_shader(p: Profile, signatures: list[Signature]) -> tuple[str, str, dict[int, Signature]]:
    """A fragment shader calling each signature on its own line, its vertex shader, and line -> signature."""
    strict_ret = not p.es and p.version >= 120  # implicit conversions: check the result type exactly
    samplers = sorted({t.base for s in signatures for t in s.params if t.kind == "sampler"})
    interp = sorted({s.params[0] for s in signatures if s.param_names[:1] == ("interpolant",)}, key=str)
    rets = sorted({s.ret for s in signatures if s.ret.kind != "void"}, key=str)
    values = sorted({t for s in signatures for t in s.params if t.kind not in ("sampler", "array")}, key=str)
    head = p.header.splitlines()
    if p.es:
        head += ["precision highp float;", "precision highp int;"]
    head += [f"uniform {_precision(p)}{s} u_{s};" for s in samplers]
    fs_in, vs_out = _interpolants(p, interp)
    head += fs_in.splitlines()
    if not p.old_style:
        head.append("out vec4 o_color;")
    tag = {t: k + 1 for k, t in enumerate(rets)}
    if strict_ret:  # float[k] tag(T): only an exact T picks it, and float[k] only assigns to float[k]
        head += [f"float[{k}] tag({t} x) {{ return float[{k}]({', '.join(['0.0'] * k)}); }}" for t, k in tag.items()]
    head.append("void main() {")
    head += [f"{t} v_{_vname(t)};" for t in values]
    if strict_ret:
        head += [f"float r_{k}[{k}];" for k in tag.values()]
    else:
        head += [f"{t} r_{_vname(t)};" for t in rets]
    lines: dict[int, Signature] = {}
    body = list(head)  # one source line per element: a call's line number is len(body) once appended
    for s in signatures:
        args = []
        for t, q, name, const in zip(s.params, s.qualifiers, s.param_names, s.constant, strict=True):
            if t.kind == "sampler":
                args.append(f"u_{t.base}")
            elif const and q == "in":
                args.append(_const(t))
            elif name == "interpolant":
                args.append(f"i_{_vname(t)}")
            elif q == "in":  # an r-value: Mesa refuses it where the parameter is really out/inout
                args.append(f"(true ? v_{_vname(t)} : v_{_vname(t)})")
            else:
                args.append(f"v_{_vname(t)}")
        call = f"{s.name}({', '.join(args)})"
        if s.ret.kind == "void":
            stmt = f"{call};"
        elif strict_ret:
            stmt = f"r_{tag[s.ret]} = tag({call});"
        else:
            stmt = f"r_{_vname(s.ret)} = {call};"
        body.append(stmt)
        lines[len(body)] = s
    body.append("gl_FragColor = vec4(0.0);" if p.old_style else "o_color = vec4(0.0);")
    body.append("}")
    return "\n".join(body) + "\n", _vertex(p, vs_out), lines


_ERROR_RE = re.compile(r"^\d+:(\d+)\(\d+\): error:", re.M)


def mesa_disagreements(ctx: moderngl.Context, p: Profile) -> tuple[list[str], list[str]]:
    """(accepted by Mesa but unavailable in the table, rejected by Mesa but available in it)."""
    signatures = [s for s in all_signatures() if all(type_exists(t, p) for t in (s.ret, *s.params))]
    fragment, vertex, lines = call_shader(p, signatures)
    log = _compile_errors(ctx, p, fragment, vertex)
    bad_lines = {int(m) for m in _ERROR_RE.findall(log or "")}
    if log is not None and (not bad_lines or not bad_lines <= set(lines)):
        pytest.fail(f"{p}: the test shader itself does not build:\n{log[:3000]}")
    extra, missing = [], []
    for line, s in lines.items():
        expected = available(s, p.version, p.es, p.extensions)
        if line in bad_lines and expected:
            missing.append(f"{s}  [{s.availability}]")
        elif line not in bad_lines and not expected:
            extra.append(f"{s}  [{s.availability}]")
    return extra, missing


PROFILES = [
    Profile(100, True), Profile(100, True, ES100_EXTENSIONS), Profile(300, True), Profile(310, True),
    Profile(320, True), Profile(110, False), Profile(120, False), Profile(130, False), Profile(140, False),
    Profile(150, False), Profile(330, False), Profile(400, False), Profile(410, False), Profile(420, False),
    Profile(430, False), Profile(440, False), Profile(450, False),
]


@pytest.mark.parametrize("profile", PROFILES, ids=str)
def test_functions_match_mesa(gl: moderngl.Context, profile: Profile) -> None:
    """Every signature the table offers in this version compiles; every one it withholds is rejected."""
    extra, missing = mesa_disagreements(gl, profile)
    assert not missing, f"{profile}: Mesa rejects {len(missing)} signatures the table offers:\n" + "\n".join(missing)
    assert not extra, f"{profile}: Mesa accepts {len(extra)} signatures the table withholds:\n" + "\n".join(extra)


@pytest.mark.parametrize("profile", PROFILES, ids=str)
def test_types_match_mesa(gl: moderngl.Context, profile: Profile) -> None:
    """type_availability (which signatures inherit) says exactly which built-in types Mesa lets a fragment
    shader declare as a uniform (one small shader per type)."""
    wrong = []
    head = profile.header + ("\nprecision highp float;\nprecision highp int;" if profile.es else "")
    for name, t in BUILTIN_TYPES.items():
        if t.kind == "void" or name == "samplerExternalOES" or re.fullmatch(r"d?mat\dx\d", name) and t.cols == t.rows:
            continue
        qualifier = _precision(profile) if t.kind == "sampler" else ""
        fragment = f"{head}\nuniform {qualifier}{name} u;\nvoid main() {{}}\n"
        accepted = _compile_errors(gl, profile, fragment, _vertex(profile)) is None
        if accepted != type_exists(t, profile):
            wrong.append(f"{name}: Mesa {'accepts' if accepted else 'rejects'} it, table: {type_availability(t)}")
    assert not wrong, f"{profile}:\n" + "\n".join(wrong)


_CANDIDATE_RE = re.compile(r"^\d+:\d+\(\d+\): error:\s{3,}(\w+) (\w+)\((.*)\)\s*$", re.M)


def _type(name: str) -> Type | None:
    m = re.fullmatch(r"(\w+)\[(\d+)\]", name)
    if m:
        element = parse_type_name(m.group(1))
        return None if element is None else array(element, int(m.group(2)))
    return parse_type_name(name)


def mesa_candidates(ctx: moderngl.Context, p: Profile) -> set[str]:
    """Mesa's own overload list for every name of the table, as ``ret name(types)`` strings, from its
    "no matching function ... candidates are" errors (only those whose types can be declared here)."""
    names = sorted(BUILTIN_FUNCTION_NAMES)
    prec = "precision highp float;\n" if p.es else ""
    body = "\n".join(f"{n}(q);" for n in names)
    fragment = f"{p.header}\n{prec}struct Q {{ float x; }};\nvoid main() {{\nQ q;\n{body}\n}}\n"
    log = _compile_errors(ctx, p, fragment, _vertex(p)) or ""
    out = set()
    for ret, name, args in _CANDIDATE_RE.findall(log):
        types = [_type(ret)] + [_type(a.split()[-1]) for a in args.split(", ") if a]
        if all(t is not None and (t.kind == "void" or type_exists(t, p)) for t in types):
            out.add(f"{types[0]} {name}({', '.join(str(t) for t in types[1:])})")
    return out


@pytest.mark.parametrize("profile", PROFILES, ids=str)
def test_overload_sets_match_mesa(gl: moderngl.Context, profile: Profile) -> None:
    """For every name in the table, Mesa's candidate list is exactly the table's available signatures:
    nothing Mesa has is missing from the table (the call test covers the other direction too)."""
    mesa = mesa_candidates(gl, profile)
    table = {f"{s.ret} {s.name}({', '.join(str(t) for t in s.params)})" for s in all_signatures()
             if available(s, profile.version, profile.es, profile.extensions)}
    assert len(mesa) > 200
    assert not mesa - table, f"{profile}: Mesa has signatures the table lacks:\n" + "\n".join(sorted(mesa - table))
    assert not table - mesa, f"{profile}: the table has signatures Mesa lacks:\n" + "\n".join(sorted(table - mesa))


def _variable_shader(p: Profile, name: str) -> tuple[str, str]:
    t, kind, _ = BUILTIN_VARIABLES[name]
    head = p.header.splitlines()
    if p.es:
        head += ["precision highp float;", "precision highp int;"]
    if kind == "out":
        value = "0" if t.element == INT else "vec4(0.0)" if t.element == VEC4 else f"{t}(0)"
        stmt = f"{name}[0] = {value};" if t.kind == "array" else f"{name} = {t}(0);"
        return "\n".join([*head, "void main() {", stmt, "}"]) + "\n", _vertex(p)
    read = f"{name}[0]" if t.kind == "array" else f"{name}.near" if t.kind == "struct" else name
    rtype = t.element if t.kind == "array" else FLOAT if t.kind == "struct" else t
    out = [] if p.old_style else ["out vec4 o_color;"]
    assign = "gl_FragColor" if p.old_style else "o_color"
    return "\n".join([*head, *out, "void main() {", f"{rtype} r = {read};", f"{assign} = vec4(float(r));", "}"]) + \
        "\n", _vertex(p)


@pytest.mark.parametrize("profile", PROFILES, ids=str)
def test_variables_match_mesa(gl: moderngl.Context, profile: Profile) -> None:
    """Each built-in variable and constant exists exactly where the table says (one small shader each)."""
    wrong = []
    for name in BUILTIN_VARIABLES:
        if not type_exists(BUILTIN_VARIABLES[name][0], profile):
            continue
        fragment, vertex = _variable_shader(profile, name)
        accepted = _compile_errors(gl, profile, fragment, vertex) is None
        if accepted != variable_available(name, profile.version, profile.es, profile.extensions):
            wrong.append(f"{name}: Mesa {'accepts' if accepted else 'rejects'} it, table: {BUILTIN_VARIABLES[name][2]}")
    assert not wrong, f"{profile}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("profile", [Profile(100, True), Profile(330, False)], ids=str)
def test_frag_data_length(gl: moderngl.Context, profile: Profile) -> None:
    """gl_FragData has MAX_DRAW_BUFFERS elements on Mesa: the last index compiles, one past it does not."""
    def builds(index: int) -> bool:
        prec = "precision highp float;\n" if profile.es else ""
        fs = f"{profile.header}\n{prec}void main() {{ gl_FragData[{index}] = vec4(0.0); }}\n"
        return _compile_errors(gl, profile, fs, _vertex(profile)) is None

    assert builds(MAX_DRAW_BUFFERS - 1) and not builds(MAX_DRAW_BUFFERS)


@pytest.mark.parametrize("code, profile", [
    ("vec4 r = texture2DLod(u_sampler2D, vec2(0.5), 0.0);", Profile(100, True)),
    ("vec4 r = shadow2D(u_shadow, vec3(0.5));", Profile(300, True)),
    ("float r = trunc(1.5);", Profile(100, True)),
    ("vec4 r = texture2D(u_sampler2D, vec2(0.5));", Profile(450, False)),
    ("vec4 r = texture(u_sampler2D, vec2(0.5));", Profile(100, True)),
    ("float r = fma(1.0, 2.0, 3.0);", Profile(300, True)),
    ("float r = dFdx(1.0);", Profile(100, True)),
    ("vec4 r = texture2DLodEXT(u_sampler2D, vec2(0.5), 0.0);", Profile(100, True)),
    ("uint r = packHalf2x16(vec2(0.5));", Profile(330, False)),
    ("int r = bitfieldExtract(1, 0, 1);", Profile(300, True)),
])
def test_mesa_rejects_unavailable(gl: moderngl.Context, code: str, profile: Profile) -> None:
    """Spot checks, independent of the batch machinery: unavailable calls fail to compile on Mesa."""
    name = re.search(r"= (\w+)\(", code).group(1)  # type: ignore[union-attr]
    assert not any(available(s, profile.version, profile.es) for s in overloads(name) if s.params[0].kind == "sampler"
                   or s.params[0] in (FLOAT, VEC2, INT))
    prec = "precision highp float;\nprecision highp int;\n" if profile.es else ""
    out = "gl_FragColor" if profile.old_style else "o"
    decl = "" if profile.old_style else "out vec4 o;\n"
    uniforms = "uniform sampler2D u_sampler2D;\n" + ("" if profile.version == 100 else
                                                      "uniform highp sampler2DShadow u_shadow;\n")
    fs = f"{profile.header}\n{prec}{uniforms}{decl}void main() {{ {code} {out} = vec4(0.0); }}\n"
    assert _compile_errors(gl, profile, fs, _vertex(profile)) is not None
    fixed = fs.replace(code, "")
    assert _compile_errors(gl, profile, fixed, _vertex(profile)) is None


def test_reference_unsupported_extensions(gl: moderngl.Context) -> None:
    """Mesa (desktop core context) warns that these ES 1.00 extensions are unsupported, and exactly these."""
    from glslc.builtins import REFERENCE_UNSUPPORTED_EXTENSIONS

    extensions = sorted(set(ES100_EXTENSIONS) | REFERENCE_UNSUPPORTED_EXTENSIONS)
    head = "\n".join(["#version 100"] + [f"#extension {e} : enable" for e in extensions])
    fragment = f"{head}\nvoid main() {{ no_such_name; }}\n"  # an error, to get the log with its warnings
    log = _compile_errors(gl, Profile(100, True), fragment, _vertex(Profile(100, True))) or ""
    assert {e for e in extensions if f"`{e}'" in log} == REFERENCE_UNSUPPORTED_EXTENSIONS, log
