"""Small Shadertoy shaders that exercise one lowering each; the Taichi output must agree with the reference."""

CASES = {
    "early_return_in_loop": """
float firstHit(vec2 p) {
    for (int i = 0; i < 20; i++) {
        float r = 0.05 * float(i);
        if (length(p - 0.5) < r) return r;
    }
    return 1.0;
}
void mainImage(out vec4 c, in vec2 f) { c = vec4(firstHit(f / iResolution.xy), 0.2, 0.3, 1.0); }
""",
    "return_in_nested_loops_and_if": """
vec3 search(vec2 p) {
    for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 4; x++) {
            vec2 q = vec2(float(x), float(y)) / 4.0;
            if (distance(p, q) < 0.2) {
                if (x == y) return vec3(1.0, 0.0, 0.0);
                return vec3(q, 0.5);
            }
        }
    }
    return vec3(0.1);
}
void mainImage(out vec4 c, in vec2 f) { c = vec4(search(f / iResolution.xy), 1.0); }
""",
    "out_inout_into_swizzles_elements_members": """
struct S { vec3 v; float k; };
void split(in float x, out float a, inout vec2 b) { a = fract(x * 3.0); b = b.yx * 0.5 + x; }
void mainImage(out vec4 c, in vec2 f) {
    vec2 uv = f / iResolution.xy;
    vec4 acc = vec4(0.0);
    float arr[3] = float[3](0.0, 0.0, 0.0);
    S s = S(vec3(0.1), 0.0);
    split(uv.x, acc.z, acc.xy);
    split(uv.y, arr[1], s.v.zy);
    split(uv.x + uv.y, s.k, acc.wx);
    c = vec4(acc.x + arr[1], acc.z, s.v.y + s.k, 1.0) * 0.5;
}
""",
    "globals_written_by_functions": """
float counter = 0.0;
vec3 tint = vec3(0.2, 0.4, 0.6);
void bump(float x) { counter += x; tint.x = counter; }
float read() { return counter * 0.5; }
void mainImage(out vec4 c, in vec2 f) {
    vec2 uv = f / iResolution.xy;
    bump(uv.x); bump(uv.y * 0.5);
    c = vec4(tint.x, read(), tint.z, 1.0);
}
""",
    "for_continue_runs_step_and_do_while": """
void mainImage(out vec4 c, in vec2 f) {
    int n = int(f.x) % 7;
    float s = 0.0;
    for (int i = 0; i < 10; i++) { if (i == n) continue; s += float(i); }
    int k = 0; float t = 0.0;
    do { k++; if (k == 2) continue; t += 1.0; } while (k < n + 2);
    c = vec4(s / 45.0, t / 9.0, 0.0, 1.0);
}
""",
    "switch_fallthrough_and_default": """
void mainImage(out vec4 c, in vec2 f) {
    int m = int(f.x) % 5;
    vec3 col = vec3(0.0);
    switch (m) {
        case 0: col.r += 0.5;
        case 1: col.g += 0.5; break;
        case 2: { col.b = 1.0; break; }
        default: col = vec3(0.2);
        case 4: col.r += 0.25;
    }
    c = vec4(col, 1.0);
}
""",
    "short_circuit_with_effects": """
int calls = 0;
bool probe(float x) { calls++; return x > 0.5; }
void mainImage(out vec4 c, in vec2 f) {
    vec2 uv = f / iResolution.xy;
    bool a = uv.x > 0.3 && probe(uv.y);
    bool b = uv.x > 0.6 || probe(uv.y);
    float t = uv.y > 0.5 ? float(calls++) : 2.0;
    c = vec4(float(a), float(b), float(calls) / 3.0 + t * 0.1, 1.0);
}
""",
    "integer_division_wrap_and_bits": """
void mainImage(out vec4 c, in vec2 f) {
    ivec2 p = ivec2(f) - 16;
    int q = p.x / 3 + (p.y + 32) % 5;  // % of negative operands is undefined in GLSL
    int z = p.x / (p.y - p.y);
    uint h = uint(p.x + 100) * 2654435761u;
    h ^= h >> 13u; h *= 0x5bd1e995u; h ^= h >> 15u;
    c = vec4(float(q & 15) / 15.0, float(h & 255u) / 255.0, float(z != 12345) * 0.5, 1.0);
}
""",
    "matrices_column_major": """
void mainImage(out vec4 c, in vec2 f) {
    vec2 uv = f / iResolution.xy - 0.5;
    mat2 r = mat2(0.8, 0.6, -0.6, 0.8);
    mat3 m = mat3(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0);
    vec3 a = m * vec3(uv, 1.0);
    vec3 b = vec3(uv, 1.0) * m;
    mat3 mi = inverse(m);
    vec2 rv = r * uv + (uv * r) * 0.5 + r[1] * 0.1;
    c = vec4(fract(a.x * 0.1 + b.y * 0.05), fract(rv + mi[2].xy), 1.0);
}
""",
    "structs_equality_and_arrays": """
struct P { vec2 a; float b; };
const vec3 PAL[4] = vec3[4](vec3(1.0, 0.0, 0.0), vec3(0.0, 1.0, 0.0), vec3(0.0, 0.0, 1.0), vec3(1.0));
void mainImage(out vec4 c, in vec2 f) {
    int i = int(f.x / iResolution.x * 4.0);
    P x = P(vec2(1.0, 2.0), 3.0);
    P y = P(vec2(1.0, 2.0), f.y > 16.0 ? 3.0 : 4.0);
    float w[5];
    for (int k = 0; k < 5; k++) w[k] = float(k * k);
    c = vec4(PAL[i] * (x == y ? 1.0 : 0.5) + w[i] * 0.01, 1.0);
}
""",
    "discard_and_shadowing": """
float v = 0.25;
void mainImage(out vec4 c, in vec2 f) {
    float v = 0.5;
    { float v = 0.75; c = vec4(v); }
    if (f.x < 8.0) discard;
    for (int i = 0; i < 2; i++) { float v = float(i); c.g = v; }
    c = vec4(c.r, c.g, v, 1.0);
}
""",
}

CASES["arrays_of_structs_and_matrices"] = """
struct Ball { vec3 c; float r; };
Ball balls[3];
mat2 rots[2] = mat2[2](mat2(1.0, 0.0, 0.0, 1.0), mat2(0.0, 1.0, -1.0, 0.0));
void mainImage(out vec4 col, in vec2 f) {
    vec2 uv = f / iResolution.xy;
    for (int i = 0; i < 3; i++) balls[i] = Ball(vec3(float(i) * 0.4, 0.5, 0.2), 0.1 + 0.05 * float(i));
    balls[1].c.y = 0.25;
    Ball b = balls[int(uv.x * 2.99)];
    vec2 q = rots[int(uv.y * 1.99)] * (uv - 0.5);
    col = vec4(b.c.xy + q * b.r, b.r, 1.0);
}
"""

CASES["return_inside_switch"] = """
vec3 pick(int i) {
    switch (i) {
        case 0: return vec3(1.0, 0.0, 0.0);
        case 1: return vec3(0.0, 1.0, 0.0);
        default: break;
    }
    return vec3(0.0, 0.0, 1.0);
}
void mainImage(out vec4 c, in vec2 f) { c = vec4(pick(int(f.x) % 3), 1.0); }
"""

CASES["effects_inside_expressions_keep_order"] = """
float g(vec2 p) { return length(p) - 0.3; }
void mainImage(out vec4 o, in vec2 f) {
    vec2 p = f / iResolution.xy - 0.5;
    vec2 c;
    vec2 q = vec2(0.01, 0.0);
    vec2 n = vec2(g(p + (c = q.xy)) - g(p - c), g(p + (c = q.yx)) - g(p - c));
    int i = 0;
    float s = float(i++) + float(i++) * 2.0 + float(i);
    o = vec4(n * 20.0 + 0.5, s / 10.0, 1.0);
}
"""

CASES["swizzle_write_after_loop"] = """
void mainImage(out vec4 c, in vec2 f) {
    c = vec4(0.2);
    float acc = 0.0;
    for (float j = 0.0; j < 5.0; j++) acc += j * 0.01;
    c.rgb = sin(f.xyx / iResolution.xyx * 3.0 + acc) * 0.5 + 0.5;
    c.a = 1.0;
}
"""

CASES["derivatives"] = """
float sdCircle(vec2 p, float r) { return length(p) - r; }
void mainImage(out vec4 c, in vec2 f) {
    vec2 uv = (f - 0.5 * iResolution.xy) / iResolution.y;
    float d = sdCircle(uv, 0.3 + 0.05 * sin(iTime));
    float w = fwidth(d);
    float edge = smoothstep(-w, w, d);
    vec2 g = vec2(dFdx(uv.x * uv.y), dFdy(uv.x * uv.x)) * 40.0;
    float acc = 0.0;
    for (int i = 0; i < 3; i++) acc += abs(dFdx(sin(f.x * 0.3 + float(i))));
    c = vec4(edge, g + 0.5, 1.0) + vec4(0.0, 0.0, acc, 0.0);
}
"""

CASES["polar_atan_one_and_two_arguments"] = """
void mainImage(out vec4 c, in vec2 f) {
    vec2 p = f / iResolution.xy - 0.5;
    float a = atan(p.y, p.x);
    float b = atan(p.y / (abs(p.x) + 0.1));
    c = vec4(a / 6.2831853 + 0.5, b / 3.1415927 + 0.5, length(p), 1.0);
}
"""

# Mesa folds pow with a constant exponent of 1, 2 or 4 into multiplications (negative bases then work) and
# pow(2, y) into exp2(y); the back end must do the same where the exponent is a constant
CASES["pow_with_constant_exponents_as_mesa_folds_them"] = """
#define SQ 2.0
const float FOUR = 4.0;
void mainImage(out vec4 c, in vec2 f) {
    vec2 d = f / iResolution.xy - 0.5;
    float r = pow(d.x, SQ) + pow(d.y, 2.0);
    vec2 q = pow(d, vec2(FOUR)) * 8.0 + pow(d, vec2(1.0));
    c = vec4(1.0 - step(0.05, r), q + 0.5, pow(2.0, d.x * 3.0) * 0.5);
}
"""

# a sampler argument followed by an argument that writes (texture(iChannel0, p *= 2.0)) is not read early
CASES["sampler_argument_before_a_write"] = """
void mainImage(out vec4 c, in vec2 f) {
    vec2 p = f / iResolution.xy;
    float r = 0.0;
    for (int i = 0; i < 3; i++) r += texture(iChannel0, p *= 1.5).x + p.x;
    c = vec4(r * 0.2, p * 0.1, 1.0);
}
"""

# Mesa's order of evaluation (measured): calls, vector constructors and ?: run where they stand, but plain
# reads (variables, swizzles, operators, scalar conversions) happen when their consumer runs, after the writes
# of later operands: max(m, (m = x)) reads the new m, f(n) + (n = x) the old n, g + h() the g h wrote
CASES["mesa_reads_operands_after_the_writes_of_later_operands"] = """
float g = 0.25;
float f(float x) { return x; }
float h(float v) { g = v; return 0.0; }
void mainImage(out vec4 c, in vec2 fc) {
    vec2 u = fc / iResolution.xy;
    float m = u.x, n = u.y, k = u.x, q = u.y;
    vec2 v = u;
    float r1 = max(m, 1.0 - max(m = 0.5 * u.y, 0.1));
    float r2 = f(n) + (n = 0.25 * u.x) + float(k) + (k = 0.5 * u.y);
    float r3 = g + h(u.x * 0.5) + vec2(q, 0.0).x + (q = 0.1);
    float r4 = v.x * 2.0 + (v.x = 0.25) + (u.x > 0.5 ? v.y : 0.0) + (v.y = 0.5);
    c = vec4(r1, r2 * 0.5, r3 * 0.5, r4 * 0.25);
}
"""

# mod(x, 0.0) is x on Mesa when the zero is a constant (0 * a folds to 0), as in repetition along some axes
# only, even through a function (inlined there)
CASES["mod_by_a_constant_zero_component"] = """
vec3 rep(vec3 p, vec3 c) { return mod(p + 0.5 * c, c) - 0.5 * c; }
void mainImage(out vec4 c, in vec2 f) {
    vec3 p = vec3(f / iResolution.xy * 4.0 - 2.0, f.x * 0.1);
    vec3 q = rep(p, vec3(0.0, 1.5, 0.0));
    vec2 r = mod(p.xy, vec2(0.0, 0.7));
    c = vec4(q.x * 0.25 + 0.5, q.y + 0.5, fract(q.z) * 0.5 + r.x * 0.1, r.y);
}
"""

# shader globals named like the render kernel's own parameters and loop variables; 1.0 / 0.0 folds to inf
CASES["globals_named_like_the_kernel_and_division_by_constant_zero"] = """
const float BIG = 1.0 / 0.0;
float height = 0.0;
float width = 1.0;
int k = 2;
vec2 u = vec2(0.5);
float px(float py) { return py * 0.5; }
void mainImage(out vec4 c, in vec2 f) {
    height = f.y / iResolution.y;
    width = min(BIG, f.x / iResolution.x);
    k += 1;
    c = vec4(height, width, px(float(k) * 0.1) + u.x * 0.1, isinf(BIG) ? 1.0 : 0.0);
}
"""

# a whole store into a vector or matrix that is also written in part (a component, a column), after the
# component store and after a loop: Taichi 1.7.4's advanced optimization lost it (kept the old value), as in
# the corpus's tsByR1, slS3WG, 3lt3zr
CASES["whole_store_after_component_store"] = """
vec2 g = vec2(0.5);
vec3 same(vec3 x) { return x; }
void mainImage(out vec4 c, in vec2 f) {
    vec2 uv = f / iResolution.xy;
    vec3 v = uv.xxx + uv.xxx;
    v.y = uv.x;
    v /= (abs(v.xxx) + 0.5);
    vec2 l = vec2(0.5);
    l[0] = uv.y;
    g.xy = g;
    for (int i = 0; i < 3; i++) { l.y += 0.1 * uv.x; }
    g = uv;
    l = uv * 0.5;
    vec3 w = v;
    w.z = uv.y;
    w = w / (same(w.zzz) + 0.5);
    mat2 m = mat2(uv, uv.yx);
    m[1] = vec2(0.25);
    m = m * (same(vec3(m[0][0])).x + 0.5);
    c = vec4(v.x + g.x * 0.1, l.x + w.x * 0.2, g.y * 0.5 + m[0][0] * 0.2, w.z * 0.3 + m[1][1]);
}
"""
