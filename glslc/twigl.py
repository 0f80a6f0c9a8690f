"""TwiGL (https://twigl.app, github.com/doxas/twigl) shader modes: templates, uniforms and detection.

TwiGL runs one fragment shader in one of several modes; ``src/fragmen.js`` (``preprocessFragmentCode``)
turns the user's text into a complete shader by prepending a fixed prefix:

============  ==========================================================================================
mode          what TwiGL compiles
============  ==========================================================================================
classic       the text as written (GLSLSandbox style: the user declares precision, ``resolution``,
              ``mouse``, ``time``, ``backbuffer`` (and may add ``frame``, ``sound``) and ``void main``)
geek          the text as written, uniforms named ``r m t f s b``
geeker        ``precision highp float;uniform vec2 r;uniform vec2 m;uniform float t;uniform float f;``
              ``uniform float s;uniform sampler2D b;`` on one line, then the text (which has ``main``)
geekest       ``#define FC gl_FragCoord``, the geeker line, the helper library, then the text; the text
              is wrapped in ``void main(){`` ... ``}`` unless it contains ``void main(`` itself
X (300 es)    ``#version 300 es`` first; geeker/geekest also declare ``out vec4 o;`` (after the library)
============  ==========================================================================================

Differences from TwiGL, all to make the output a self-contained shader for desktop/ES drivers:

- every output starts with a ``#version`` line; the WebGL 1 modes get ``#version 100`` (TwiGL adds
  none, so the line offsets of those modes are one more than TwiGL's error-line correction);
- a ``#version`` directive at the top of the user's text is taken out of the text (its line is left
  blank, so line numbers hold) and becomes the first line: in classic/geek it picks the version (as it
  does in TwiGL on a WebGL 2 context), elsewhere it must agree with the mode (TwiGL itself rejects it);
- ``#extension`` directives in the text move up to just after ``#version`` (their lines are left blank):
  GLSLSandbox-style shaders put them after ``precision``, which WebGL accepts and Mesa rejects;
- the geekest ``void main`` test ignores comments; TwiGL greps the raw text.

The geekest helper library is glslc's own GLSL (:data:`GEEKEST_LIBRARY`), written from the algorithms
with TwiGL's names, signatures and conventions, valid in GLSL ES 1.00 and 3.00:

- ``float snoise2D(vec2)``, ``float snoise3D(vec3)``, ``float snoise4D(vec4)``: simplex noise in
  about [-1, 1] (3D/4D overshoot slightly, to about +-1.05, as TwiGL's do). It is the texture-less
  algorithm TwiGL uses (McEwan/Gustavson: skewed simplex grid, the permutation polynomial
  ``(34 n^2 + n) mod 289``, gradients on a diamond / octahedron / 4-cross polytope, the same tie rules),
  with the hash done in exact whole-number arithmetic, so the values equal TwiGL's to float precision
  (within 3e-6 on a 256x256 grid at scales 8..30000, compared on Mesa llvmpipe);
- ``float fsnoise(vec2 c)`` = ``fract(sin(dot(c, vec2(12.9898, 78.233))) * 43758.5453)`` and
  ``float fsnoiseDigits(vec2 c)`` = ``fract(sin(dot(c, vec2(0.129898, 0.78233))) * 437.585453)``;
- ``vec3 hsv(float h, float s, float v)``: HSV to RGB, ``h`` in turns (``hsv(0., 1., 1.)`` is red);
- ``mat2 rotate2D(float a)`` = ``mat2(cos a, sin a, -sin a, cos a)``: ``rotate2D(a) * v`` turns ``v``
  counter-clockwise by ``a``, ``v * rotate2D(a)`` (the usual ``p *= rotate2D(t)``) clockwise;
- ``mat3 rotate3D(float angle, vec3 axis)``: the right-handed rotation about ``normalize(axis)``
  (``rotate3D(a, axis) * v``);
- ``const float PI``, ``PI2`` (= 2 PI); plus TwiGL's noise internals ``mod289``, ``permute``,
  ``taylorInvSqrt``, ``grad4`` and ``#define F4``, kept so that the name space matches TwiGL's (the
  library's other functions are named ``twigl_*``). ``snoise4D`` picks its gradients through ``grad4``'s
  ``floor(fract(j * ip) * 7.0)`` exactly as TwiGL does, so it needs that evaluated in float32 to match.

Uniform values, as TwiGL feeds them (:func:`uniforms_for_mode` maps names to these roles): resolution
in pixels; mouse in [0, 1] with y up; time in seconds; frame the count of frames drawn, 1 on the first;
sound the audio level (0 without audio); backbuffer the previous frame (RGBA8, linear, clamp-to-edge).
TwiGL's MRT modes are not supported.
"""

from __future__ import annotations

import re

TWIGL_MODES: tuple[str, ...] = (
    "classic", "geek", "geeker", "geekest", "classic300", "geek300", "geeker300", "geekest300",
)
"""Canonical mode names, in TwiGL's order (TwiGL's numeric mode ``i`` is ``TWIGL_MODES[i]``)."""

TWIGL_MODE_LABELS: dict[str, str] = {
    m: (m[:-3] + " (300 es)" if m.endswith("300") else m) for m in TWIGL_MODES
}
"""Each canonical mode's label in TwiGL's mode menu (e.g. ``"geekest (300 es)"``)."""

GEEKEST_HELPERS: tuple[str, ...] = (
    "snoise2D", "snoise3D", "snoise4D", "fsnoise", "fsnoiseDigits", "hsv", "rotate2D", "rotate3D", "PI", "PI2",
)
"""The documented names the geekest modes predefine (besides ``FC``)."""

_INTERNAL_HELPERS = ("mod289", "permute", "taylorInvSqrt", "grad4", "F4")

CLASSIC_UNIFORMS: dict[str, str] = {
    "resolution": "resolution", "mouse": "mouse", "time": "time",
    "frame": "frame", "sound": "sound", "backbuffer": "backbuffer",
}
SHORT_UNIFORMS: dict[str, str] = {
    "r": "resolution", "m": "mouse", "t": "time", "f": "frame", "s": "sound", "b": "backbuffer",
}

GEEKER_DECLARATIONS = (
    "precision highp float;uniform vec2 r;uniform vec2 m;uniform float t;uniform float f;uniform float s;"
    "uniform sampler2D b;"
)
"""The one line the geeker and geekest modes prepend (TwiGL's ``GEEKER_CHUNK``)."""

GEEKEST_LIBRARY = """\
// TwiGL geekest helpers (glslc's implementation; see glslc/twigl.py)
#define F4 0.309016994374947451
const float PI = 3.141592653589793;
const float PI2 = PI * 2.0;
float mod289(float x){return x - 289.0 * floor(x * (1.0 / 289.0));}
vec2 mod289(vec2 x){return x - 289.0 * floor(x * (1.0 / 289.0));}
vec3 mod289(vec3 x){return x - 289.0 * floor(x * (1.0 / 289.0));}
vec4 mod289(vec4 x){return x - 289.0 * floor(x * (1.0 / 289.0));}
float permute(float x){return mod289(x * (34.0 * x + 1.0));}
vec3 permute(vec3 x){return mod289(x * (34.0 * x + 1.0));}
vec4 permute(vec4 x){return mod289(x * (34.0 * x + 1.0));}
float taylorInvSqrt(float d){return 1.79284291400159 - 0.85373472095314 * d;}
vec4 taylorInvSqrt(vec4 d){return 1.79284291400159 - 0.85373472095314 * d;}
vec4 grad4(float j, vec4 ip){
    vec4 g = vec4(floor(fract(j * ip.xyz) * 7.0) * ip.z - 1.0, 0.0);
    g.w = 1.5 - abs(g.x) - abs(g.y) - abs(g.z);
    vec4 neg = vec4(1.0) - step(vec4(0.0), g);
    g.xyz += (2.0 * neg.xyz - 1.0) * neg.w;
    return g;
}
// exact n mod 289 for whole numbers n (|n| < 2^22), whatever the rounding of the division
float twigl_imod(float n){return n - 289.0 * floor((n + 0.5) * (1.0 / 289.0));}
vec3 twigl_imod(vec3 n){return n - 289.0 * floor((n + 0.5) * (1.0 / 289.0));}
vec4 twigl_imod(vec4 n){return n - 289.0 * floor((n + 0.5) * (1.0 / 289.0));}
// the permutation polynomial (34 n^2 + n) mod 289 on whole numbers
float twigl_hash(float n){n = twigl_imod(n); return twigl_imod(n * (34.0 * n + 1.0));}
vec3 twigl_hash(vec3 n){n = twigl_imod(n); return twigl_imod(n * (34.0 * n + 1.0));}
vec4 twigl_hash(vec4 n){n = twigl_imod(n); return twigl_imod(n * (34.0 * n + 1.0));}
// 2D gradient: 41 points on a line folded onto a diamond, then roughly normalised
vec2 twigl_grad2(float h){
    float u = 2.0 * fract(h / 41.0) - 1.0;
    vec2 g = vec2(u - floor(u + 0.5), abs(u) - 0.5);
    return g * taylorInvSqrt(dot(g, g));
}
// 3D gradient: a 7x7 grid on a square folded onto an octahedron, worked in sevenths (exact); points on
// the fold line go the way float32 rounding sends them in the reference code (folded when x, y > 0)
vec3 twigl_grad3(float h){
    float j = h - 49.0 * floor((h + 0.5) / 49.0);
    float gi = floor((j + 0.5) / 7.0);
    vec2 q = 2.0 * vec2(gi, j - 7.0 * gi) - 6.5;
    float qz = 7.0 - abs(q.x) - abs(q.y);
    if (qz < 0.0 || (qz == 0.0 && q.x > 0.0)) { q -= 7.0 * sign(q); }
    vec3 g = vec3(q, qz) / 7.0;
    return g * taylorInvSqrt(dot(g, g));
}
float snoise2D(vec2 v){
    const float SKEW = 0.366025403784439;
    const float UNSKEW = 0.211324865405187;
    vec2 cell = floor(v + dot(v, vec2(SKEW)));
    vec2 p0 = v - cell + dot(cell, vec2(UNSKEW));
    vec2 o1 = p0.x > p0.y ? vec2(1.0, 0.0) : vec2(0.0, 1.0);
    vec2 p1 = p0 - o1 + UNSKEW;
    vec2 p2 = p0 - 1.0 + 2.0 * UNSKEW;
    vec3 h = twigl_hash(twigl_hash(cell.y + vec3(0.0, o1.y, 1.0)) + cell.x + vec3(0.0, o1.x, 1.0));
    vec3 w = max(0.5 - vec3(dot(p0, p0), dot(p1, p1), dot(p2, p2)), 0.0);
    w *= w;
    w *= w;
    vec3 d = vec3(dot(twigl_grad2(h.x), p0), dot(twigl_grad2(h.y), p1), dot(twigl_grad2(h.z), p2));
    return 130.0 * dot(w, d);
}
float snoise3D(vec3 v){
    vec3 cell = floor(v + dot(v, vec3(1.0 / 3.0)));
    vec3 p0 = v - cell + dot(cell, vec3(1.0 / 6.0));
    // corner offsets from comparing coordinates cyclically (with the reference's behaviour on ties)
    vec3 ge = step(p0.yzx, p0);
    vec3 lt = 1.0 - ge;
    vec3 o1 = min(ge, lt.zxy);
    vec3 o2 = max(ge, lt.zxy);
    vec3 p1 = p0 - o1 + 1.0 / 6.0;
    vec3 p2 = p0 - o2 + 1.0 / 3.0;
    vec3 p3 = p0 - 0.5;
    vec4 h = twigl_hash(twigl_hash(twigl_hash(cell.z + vec4(0.0, o1.z, o2.z, 1.0))
        + cell.y + vec4(0.0, o1.y, o2.y, 1.0)) + cell.x + vec4(0.0, o1.x, o2.x, 1.0));
    vec4 w = max(0.6 - vec4(dot(p0, p0), dot(p1, p1), dot(p2, p2), dot(p3, p3)), 0.0);
    w *= w;
    w *= w;
    vec4 d = vec4(dot(twigl_grad3(h.x), p0), dot(twigl_grad3(h.y), p1),
                  dot(twigl_grad3(h.z), p2), dot(twigl_grad3(h.w), p3));
    return 42.0 * dot(w, d);
}
float snoise4D(vec4 v){
    const float UNSKEW = 0.138196601125011;
    vec4 cell = floor(v + dot(v, vec4(F4)));
    vec4 p0 = v - cell + dot(cell, vec4(UNSKEW));
    vec4 rank = vec4(0.0);
    float k = step(p0.y, p0.x);
    rank += vec4(k, 1.0 - k, 0.0, 0.0);
    k = step(p0.z, p0.x);
    rank += vec4(k, 0.0, 1.0 - k, 0.0);
    k = step(p0.w, p0.x);
    rank += vec4(k, 0.0, 0.0, 1.0 - k);
    k = step(p0.z, p0.y);
    rank += vec4(0.0, k, 1.0 - k, 0.0);
    k = step(p0.w, p0.y);
    rank += vec4(0.0, k, 0.0, 1.0 - k);
    k = step(p0.w, p0.z);
    rank += vec4(0.0, 0.0, k, 1.0 - k);
    vec4 o1 = clamp(rank - 2.0, 0.0, 1.0);
    vec4 o2 = clamp(rank - 1.0, 0.0, 1.0);
    vec4 o3 = clamp(rank, 0.0, 1.0);
    vec4 p1 = p0 - o1 + UNSKEW;
    vec4 p2 = p0 - o2 + 2.0 * UNSKEW;
    vec4 p3 = p0 - o3 + 3.0 * UNSKEW;
    vec4 p4 = p0 - 1.0 + 4.0 * UNSKEW;
    float h0 = twigl_hash(twigl_hash(twigl_hash(twigl_hash(cell.w) + cell.z) + cell.y) + cell.x);
    vec4 h = twigl_hash(twigl_hash(twigl_hash(twigl_hash(cell.w + vec4(o1.w, o2.w, o3.w, 1.0))
        + cell.z + vec4(o1.z, o2.z, o3.z, 1.0)) + cell.y + vec4(o1.y, o2.y, o3.y, 1.0))
        + cell.x + vec4(o1.x, o2.x, o3.x, 1.0));
    vec4 w = max(0.6 - vec4(dot(p0, p0), dot(p1, p1), dot(p2, p2), dot(p3, p3)), 0.0);
    float w4 = max(0.6 - dot(p4, p4), 0.0);
    w *= w;
    w *= w;
    w4 *= w4;
    w4 *= w4;
    const vec4 IP = vec4(1.0 / 294.0, 1.0 / 49.0, 1.0 / 7.0, 0.0);
    vec4 g0 = grad4(h0, IP);
    vec4 g1 = grad4(h.x, IP);
    vec4 g2 = grad4(h.y, IP);
    vec4 g3 = grad4(h.z, IP);
    vec4 g4 = grad4(h.w, IP);
    vec4 d = vec4(dot(g0, p0) * taylorInvSqrt(dot(g0, g0)), dot(g1, p1) * taylorInvSqrt(dot(g1, g1)),
                  dot(g2, p2) * taylorInvSqrt(dot(g2, g2)), dot(g3, p3) * taylorInvSqrt(dot(g3, g3)));
    return 49.0 * (dot(w, d) + w4 * dot(g4, p4) * taylorInvSqrt(dot(g4, g4)));
}
float fsnoise(vec2 c){return fract(43758.5453 * sin(dot(c, vec2(12.9898, 78.233))));}
float fsnoiseDigits(vec2 c){return fract(437.585453 * sin(dot(c, vec2(0.129898, 0.78233))));}
vec3 hsv(float h, float s, float v){
    vec3 rgb = clamp(abs(mod(6.0 * h + vec3(0.0, 4.0, 2.0), 6.0) - 3.0) - 1.0, 0.0, 1.0);
    return v * mix(vec3(1.0), rgb, s);
}
mat2 rotate2D(float a){
    float c = cos(a);
    float s = sin(a);
    return mat2(c, s, -s, c);
}
mat3 rotate3D(float angle, vec3 axis){
    vec3 u = normalize(axis);
    float c = cos(angle);
    vec3 k = u * (1.0 - c);
    vec3 sn = u * sin(angle);
    return mat3(k * u.x + vec3(c, sn.z, -sn.y),
                k * u.y + vec3(-sn.z, c, sn.x),
                k * u.z + vec3(sn.y, -sn.x, c));
}
"""
"""The geekest helper library (GLSL ES 1.00 and 3.00); it expects ``precision highp float`` before it."""

_ES300 = {"classic300", "geek300", "geeker300", "geekest300"}
_FULL_TEXT_MODES = {"classic", "geek", "classic300", "geek300"}


def normalize_mode(name: str | int) -> str:
    """Canonical mode name for ``name``: a canonical name, TwiGL's menu label (``"geekest (300 es)"``), a
    variant spelling (``"geekest-300es"``, ``"GEEKEST_300"``, ``"geekest300es"``) or TwiGL's numeric mode
    (``7`` or ``"7"``, as in its share URLs). Raises ValueError naming the valid modes otherwise."""
    if isinstance(name, bool) or not isinstance(name, (str, int)):
        raise TypeError(f"TwiGL mode must be a string or an int, got {name!r}")
    key = str(name).strip().lower()
    if key.isdigit() and int(key) < len(TWIGL_MODES):
        return TWIGL_MODES[int(key)]
    key = re.sub(r"[^a-z0-9]", "", key)
    key = key.replace("es300", "300").replace("300es", "300")
    if key in TWIGL_MODES:
        return key
    hint = " (TwiGL's MRT modes are not supported)" if "mrt" in key or key in ("8", "9", "10", "11") else ""
    raise ValueError(
        f"unknown TwiGL mode {name!r}{hint}; valid modes: {', '.join(TWIGL_MODES)} "
        f"(or TwiGL's labels such as 'geekest (300 es)', or its numbers 0-7)"
    )


def is_es300(mode: str) -> bool:
    """Whether ``mode`` is one of the GLSL ES 3.00 modes."""
    return normalize_mode(mode) in _ES300


def uniforms_for_mode(mode: str) -> dict[str, str]:
    """Uniform names TwiGL sets in ``mode``, each mapped to its role (resolution, mouse, time, frame,
    sound, backbuffer). Classic modes use the long names, the others ``r m t f s b``."""
    mode = normalize_mode(mode)
    return dict(CLASSIC_UNIFORMS if mode.startswith("classic") else SHORT_UNIFORMS)


# ----------------------------------------------------------------------------------------------------
# Wrapping

_LEADING_VERSION_RE = re.compile(
    r"\A(?:\s|//[^\n]*(?:\n|\Z)|/\*.*?\*/)*(#[ \t]*version[ \t]+([^\n]*?))[ \t]*(?://[^\n]*)?$",
    re.DOTALL | re.MULTILINE,
)
_MAIN_DEF_RE = re.compile(r"\bvoid\s+main\s*\(")


def _strip_comments(text: str) -> str:
    """``text`` with comments replaced by spaces (newlines kept, so offsets and lines hold)."""

    def blank(m: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", m.group(0))

    return re.sub(r"//[^\n]*|/\*.*?(?:\*/|\Z)", blank, text, flags=re.DOTALL)


def _split_version(body: str) -> tuple[str | None, str]:
    """The ``#version`` at the top of ``body`` (normalized, e.g. ``"300 es"``) and the body with that
    directive blanked out (its newline kept); ``(None, body)`` when there is none."""
    m = _LEADING_VERSION_RE.match(body)
    if not m:
        return None, body
    version = " ".join(m.group(2).split()).lower()
    return version, body[: m.start(1)] + body[m.end(1):]


_EXTENSION_RE = re.compile(r"^[ \t]*#[ \t]*extension\b[^\n]*", re.MULTILINE)


def _hoist_extensions(body: str) -> tuple[list[str], str]:
    """The ``#extension`` directives of ``body`` (outside comments) and the body with them blanked.

    GLSL wants them before any code, but GLSLSandbox-style shaders (and TwiGL's prefixes) put code first;
    WebGL's compiler tolerates that, Mesa's does not, so they move up to just after ``#version``."""
    found = list(_EXTENSION_RE.finditer(_strip_comments(body)))
    if not found:
        return [], body
    directives = [body[m.start():m.end()].strip() for m in found]
    for m in reversed(found):
        body = body[: m.start()] + body[m.end():]
    return directives, body


def shader_version(source: str) -> str:
    """The GLSL version of a complete shader from :func:`wrap_twigl`: ``"100"`` or ``"300 es"``."""
    version, _ = _split_version(source)
    return version or "100"


def wrap_twigl(body: str, mode: str) -> tuple[str, int]:
    """The complete fragment shader TwiGL compiles for ``body`` in ``mode``, and the number of lines put
    before the body's first line (user line ``n`` is line ``n + offset`` of the result).

    The result always starts with ``#version 100`` or ``#version 300 es`` (see the module docstring for
    the templates). Raises ValueError for an unknown mode or a ``#version`` in ``body`` that the mode
    cannot take."""
    mode = normalize_mode(mode)
    version = "300 es" if mode in _ES300 else "100"
    user_version, text = _split_version(body)
    if user_version is not None:
        if user_version not in ("100", "300 es"):
            raise ValueError(f"TwiGL shaders are GLSL ES: '#version {user_version}' must be 100 or 300 es")
        if mode in ("classic", "geek"):
            version = user_version
        elif user_version != version:
            raise ValueError(
                f"the shader says '#version {user_version}' but TwiGL mode {mode!r} is GLSL ES {version}; "
                f"choose mode {_other_version_mode(mode)!r}"
            )
    extensions, text = _hoist_extensions(text)
    head = [f"#version {version}", *extensions]
    wrap_main = False
    if mode in ("geeker", "geeker300"):
        head.append(GEEKER_DECLARATIONS + ("out vec4 o;" if mode == "geeker300" else ""))
    elif mode in ("geekest", "geekest300"):
        head += ["#define FC gl_FragCoord", GEEKER_DECLARATIONS, GEEKEST_LIBRARY.rstrip("\n")]
        if mode == "geekest300":
            head.append("out vec4 o;")
        wrap_main = _MAIN_DEF_RE.search(_strip_comments(text)) is None
        if wrap_main:
            head.append("void main(){")
    prefix = "\n".join(head) + "\n"
    tail = "\n}\n" if wrap_main else ("" if text.endswith("\n") else "\n")
    return prefix + text + tail, prefix.count("\n")


def _other_version_mode(mode: str) -> str:
    return mode[:-3] if mode.endswith("300") else mode + "300"


# ----------------------------------------------------------------------------------------------------
# Detection

_TOKEN_RE = re.compile(
    r"[A-Za-z_]\w*|0[xX][0-9a-fA-F]+[uU]?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[uUfF]?|\S"
)
_TYPE_WORDS = frozenset({
    "void", "bool", "int", "uint", "float", "double", "vec2", "vec3", "vec4", "bvec2", "bvec3", "bvec4",
    "ivec2", "ivec3", "ivec4", "uvec2", "uvec3", "uvec4", "mat2", "mat3", "mat4", "mat2x2", "mat2x3", "mat2x4",
    "mat3x2", "mat3x3", "mat3x4", "mat4x2", "mat4x3", "mat4x4", "sampler2D", "sampler3D", "samplerCube",
    "sampler2DArray", "sampler2DShadow", "isampler2D", "usampler2D",
})
_UNIFORM_RE = re.compile(
    r"\buniform\s+(?:(?:lowp|mediump|highp)\s+)?(\w+)\s+([^;{}]+);"
)
_OUT_DECL_RE = re.compile(r"(?:\blayout\s*\([^)]*\)\s*)?\bout\s+(?:(?:lowp|mediump|highp)\s+)?vec4\s+\w+\s*;")
_DEFINE_RE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+(\w+)(\()?([^\n]*)$", re.MULTILINE)
_DIRECTIVE_RE = re.compile(r"^[ \t]*#[^\n]*$", re.MULTILINE)


def _free_identifiers(code: str) -> tuple[set[str], set[str], set[str]]:
    """Identifier analysis of comment-free ``code``: ``(used, declared, called)``, where ``used`` are the
    names read outside member access, ``declared`` the variables/functions/macros the code itself
    declares, ``called`` the names used as ``name(``."""
    declared: set[str] = set()
    lines: list[str] = []
    for m in _DEFINE_RE.finditer(code):
        declared.add(m.group(1))
        if not m.group(2):  # object-like macro: its body is code
            lines.append(m.group(3))
    code = _DIRECTIVE_RE.sub("", code) + "\n" + "\n".join(lines)
    types = set(_TYPE_WORDS) | set(re.findall(r"\bstruct\s+(\w+)", code))
    tokens = [t.group(0) for t in _TOKEN_RE.finditer(code)]
    used: set[str] = set()
    called: set[str] = set()
    for i, tok in enumerate(tokens):
        if not (tok[0].isalpha() or tok[0] == "_") or tok in types:
            continue
        prev = tokens[i - 1] if i else ""
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if prev == ".":
            continue
        if prev in types:
            declared.add(tok)
            _declare_list(tokens, i + 1, types, declared)
            continue
        used.add(tok)
        if nxt == "(":
            called.add(tok)
    return used, declared, called


def _declare_list(tokens: list[str], i: int, types: set[str], declared: set[str]) -> None:
    """Add the further names of a declaration list (``vec2 a = f(x, y), b;``) starting after the first."""
    depth = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok in "([{":
            depth += 1
        elif tok in ")]}":
            depth -= 1
            if depth < 0:
                return
        elif tok == ";" and depth == 0:
            return
        elif tok == "," and depth == 0:
            if i + 1 < len(tokens) and tokens[i + 1] not in types and re.match(r"[A-Za-z_]", tokens[i + 1]):
                declared.add(tokens[i + 1])
            else:
                return
        i += 1


def detect_twigl_mode(text: str) -> str | None:
    """Guess the TwiGL mode of ``text``, or None when it does not look like a TwiGL shader.

    Heuristics (on the text without comments; "free" means used but not declared by the text itself):

    - None for a Shadertoy shader (``mainImage``) and for any text with a leading ``#version``;
    - the text declares uniforms: ``classic`` when they are all among ``resolution mouse time frame
      sound backbuffer``, ``geek`` when all among ``r m t f s b``; it must define ``void main`` and write
      ``gl_FragColor`` or a declared ``out vec4`` (then the ``300`` variant), and not use ``FC`` or a
      geekest helper; anything else is None;
    - no uniforms declared: TwiGL-only evidence is required, i.e. a free ``FC``, a free geekest helper
      (``snoise2D``, ``hsv``, ``rotate2D``, ``PI``...) or a free short uniform (``r m t f s b``); and the
      text must write an output: ``gl_FragColor`` (GLSL ES 1.00 mode) or a free ``o`` (the 300 es mode;
      both at once is None). ``FC``/helpers mean ``geekest``; short uniforms only mean ``geeker`` when
      the text defines ``void main`` and ``geekest`` when it is a bare body.
    """
    code = _strip_comments(text)
    if re.search(r"\bmainImage\b", code) or _split_version(code)[0] is not None:
        return None
    has_main = _MAIN_DEF_RE.search(code) is not None
    uniforms: set[str] = set()
    for m in _UNIFORM_RE.finditer(code):
        uniforms.update(n.split("[")[0].strip() for n in m.group(2).split(","))
    code_wo_uniforms = _UNIFORM_RE.sub(" ", code)
    used, declared, called = _free_identifiers(code_wo_uniforms)
    free = used - declared - uniforms
    writes_fragcolor = "gl_FragColor" in used
    declares_out = _OUT_DECL_RE.search(code) is not None
    geekest_evidence = bool(free & ({"FC"} | set(GEEKEST_HELPERS)) or (called - declared) & set(_INTERNAL_HELPERS))
    if uniforms:
        if geekest_evidence or not has_main or not (writes_fragcolor or declares_out):
            return None
        es300 = declares_out and not writes_fragcolor
        if uniforms <= set(CLASSIC_UNIFORMS):
            return "classic300" if es300 else "classic"
        if uniforms <= set(SHORT_UNIFORMS):
            return "geek300" if es300 else "geek"
        return None
    short_free = free & set(SHORT_UNIFORMS)
    if not (geekest_evidence or short_free):
        return None
    free_o = "o" in free
    if writes_fragcolor == free_o:  # neither output, or both
        return None
    suffix = "300" if free_o else ""
    if geekest_evidence or not has_main:
        return "geekest" + suffix
    return "geeker" + suffix
