"""Shadertoy shaders that exercise the lane kernel (glslc/lanes.py): control flow that differs between
neighbouring pixels, uniform loops and branches, calls of functions with loops in every position, and what
lane functions pass around. tests/test_lanes.py renders each against the reference and against the scalar
kernel."""

CASES = {
    # a varying break and continue in a for loop (the step must run after continue)
    "loop_break_continue": """
float walk(vec2 p) {
    float acc = 0.0;
    for (int i = 0; i < 40; i++) {
        if (fract(p.x * 7.0 + float(i) * 0.37) < 0.3) continue;
        acc += 0.03 * sin(p.y * 9.0 + float(i));
        if (acc > 0.25 + 0.5 * p.x) break;
    }
    return acc;
}
void mainImage(out vec4 c, in vec2 f) {
    vec2 p = f / iResolution.xy;
    c = vec4(walk(p), walk(p.yx), 0.5, 1.0);
}
""",
    # returns from inside nested loops; code after the loops runs only for lanes that did not return
    "nested_loop_return": """
vec3 scan(vec2 p) {
    for (int j = 0; j < 6; j++) {
        for (int i = 0; i < 6; i++) {
            vec2 q = p * 6.0 - vec2(i, j);
            if (dot(q, q) < 0.12 + 0.05 * sin(iTime)) return vec3(float(i) / 6.0, float(j) / 6.0, 1.0);
        }
        if (p.y * 6.0 < float(j)) return vec3(0.2);
    }
    return vec3(p, 0.0);
}
void mainImage(out vec4 c, in vec2 f) { c = vec4(scan(f / iResolution.xy), 1.0); }
""",
    # while with a varying condition, do-while, and a loop without condition left by break
    "while_do_forever": """
void mainImage(out vec4 c, in vec2 f) {
    vec2 p = f / iResolution.xy;
    float x = p.x * 3.0; int n = 0;
    while (x > 0.1 && n < 50) { x *= 0.8; n++; }
    float y = p.y; int m = 0;
    do { y = y * y + 0.2; m++; } while (y < 0.9 && m < 30);
    int k = 0;
    for (;;) { k++; if (float(k) > p.x * 20.0) break; }
    c = vec4(float(n) / 50.0, float(m) / 30.0, float(k) / 20.0, 1.0);
}
""",
    # a function with a loop called in a branch of ?:, on the right of && and ||
    "conditional_calls": """
float march(vec2 p) {
    float t = 0.0;
    for (int i = 0; i < 32; i++) {
        float d = length(p + vec2(t, 0.0)) - 0.3;
        if (d < 0.001) break;
        t += d * 0.5;
    }
    return t;
}
void mainImage(out vec4 c, in vec2 f) {
    vec2 p = (f - 0.5 * iResolution.xy) / iResolution.y;
    float a = p.x > 0.0 ? march(p) : -march(p.yx);
    bool b = p.y > 0.0 && march(p * 2.0) > 0.4;
    bool d = p.y < -0.2 || march(p * 0.5) < 0.2;
    c = vec4(a, b ? 1.0 : 0.0, d ? 1.0 : 0.0, 1.0);
}
""",
    # out/inout parameters and a global written by a function with a loop, under varying control
    "outs_and_globals": """
float hits = 0.0;
void count(in vec2 p, out float n, inout vec3 col) {
    n = 0.0;
    for (int i = 0; i < 8; i++) {
        if (length(p - vec2(float(i) / 8.0, 0.5)) < 0.1) { n += 1.0; hits += 1.0; col.r += 0.2; }
    }
}
void mainImage(out vec4 c, in vec2 f) {
    vec2 p = f / iResolution.xy;
    vec3 col = vec3(0.1);
    float n = -1.0;
    if (p.x > 0.25) count(p, n, col);
    c = vec4(col.r, n * 0.5, hits * 0.25, 1.0);
}
""",
    # discard decided inside a loop
    "discard_in_loop": """
void mainImage(out vec4 c, in vec2 f) {
    vec2 p = f / iResolution.xy;
    for (int i = 0; i < 5; i++) {
        if (length(p - vec2(0.2 * float(i), 0.5)) < 0.08) discard;
    }
    c = vec4(p, 0.3, 1.0);
}
""",
    # uniform loops (counter, accumulated factor, uniform break and continue) around varying bodies
    "uniform_loops": """
void mainImage(out vec4 c, in vec2 f) {
    vec2 p = f / iResolution.xy;
    float v = 0.0, a = 0.5, w = 1.0;
    int last = int(mod(iTime, 3.0)) + 3;
    for (int i = 0; i < 8; i++) {
        if (i == 2) continue;
        if (i > last) break;
        v += a * sin(p.x * w * 6.0 + iTime);
        a *= 0.5; w *= 2.0;
    }
    float s = 0.0;
    for (int k = 0; k < 4; k++) {
        if (iTime > 2.0) { s += p.y * float(k); } else { s -= p.x; }
    }
    c = vec4(v * 0.5 + 0.5, s * 0.2, a, 1.0);
}
""",
    # a uniform if around a varying break (the loop mask changes inside a plain branch)
    "uniform_if_varying_break": """
void mainImage(out vec4 c, in vec2 f) {
    vec2 p = f / iResolution.xy;
    float t = 0.0;
    for (int i = 0; i < 30; i++) {
        if (iTime > 0.5) {
            if (t > p.x + 0.013) break;
        }
        t += 0.05;
    }
    c = vec4(t, p.y, 0.0, 1.0);
}
""",
    # structs and arrays in a function with a loop: varying index, members written in a loop
    "structs_arrays": """
struct Hit { float d; vec3 col; };
Hit best(vec2 p) {
    float rad[4] = float[](0.1, 0.15, 0.2, 0.12);
    vec3 cols[4] = vec3[](vec3(1, 0, 0), vec3(0, 1, 0), vec3(0, 0, 1), vec3(1, 1, 0));
    Hit h = Hit(1e9, vec3(0.0));
    for (int i = 0; i < 4; i++) {
        float d = length(p - vec2(0.2 + 0.2 * float(i), 0.5)) - rad[i];
        if (d < h.d) { h.d = d; h.col = cols[i]; }
    }
    int k = int(clamp(p.x * 4.0, 0.0, 3.0));
    h.col += 0.25 * cols[k] * rad[k];
    return h;
}
void mainImage(out vec4 c, in vec2 f) {
    Hit h = best(f / iResolution.xy);
    c = vec4(h.col * smoothstep(0.01, 0.0, h.d), 1.0);
}
""",
    # varying arrays read and written element by element in their lane arrays: uniform and varying indices,
    # declared with and without initialiser inside a loop, an element's component written, an array passed whole
    "varying_arrays": """
float sum4(float v[4]) { float s = 0.0; for (int i = 0; i < 4; i++) s += v[i]; return s; }
void mainImage(out vec4 c, in vec2 f) {
    vec2 uv = f / iResolution.xy;
    vec2 p[5];
    for (int i = 0; i < 5; i++) p[i] = uv * float(i + 1) + sin(iTime + float(i));
    int k = int(uv.x * 5.0);
    float acc = 0.0;
    for (int j = 0; j < 3; j++) {
        float w[4] = float[4](uv.x, uv.y, float(j), 0.5);
        vec3 q[2];
        q[0] = vec3(p[k], 1.0);
        q[1].yz = p[(k + j) % 5];
        w[j + 1] += q[1].y;
        acc += sum4(w) * 0.1 + q[0].x * 0.2;
        if (uv.y > 0.6 && j == 1) p[k].x = 0.0;
    }
    c = vec4(fract(acc), p[k], 1.0);
}
""",
    # a global that one function with a loop assigns first and then uses (a file-scope temporary: the lane
    # kernel keeps it as that function's local, uniform here), beside a global that another function reads
    "global_temporaries": """
mat2 rot;
float shade = 0.0;
float field(vec2 p) {
    rot = mat2(cos(iTime), sin(iTime), -sin(iTime), cos(iTime));
    float d = 1e9;
    for (int i = 0; i < 4; i++) {
        p = rot * p + 0.1;
        d = min(d, length(p - vec2(0.3, 0.1) * float(i)));
        if (d < 0.05) shade += 0.25;
    }
    return d;
}
float glow() { return shade * 0.5; }
void mainImage(out vec4 c, in vec2 f) {
    vec2 p = (f - 0.5 * iResolution.xy) / iResolution.y;
    float d = field(p);
    c = vec4(smoothstep(0.1, 0.0, d), glow(), d, 1.0);
}
""",
    # constant global arrays read by index live in module-level fields (CONST_TABLES); one passed whole to a
    # function stays a value
    "const_tables": """
const int perm[40] = int[](23, 7, 31, 2, 18, 39, 11, 0, 27, 14, 5, 36, 20, 9, 33, 1, 25, 16, 38, 3,
                           29, 12, 6, 35, 21, 8, 30, 15, 4, 37, 19, 10, 32, 24, 13, 26, 34, 17, 28, 22);
const vec2 pts[16] = vec2[](vec2(0.1, 0.2), vec2(0.8, 0.3), vec2(0.4, 0.9), vec2(0.6, 0.5),
    vec2(0.2, 0.7), vec2(0.9, 0.9), vec2(0.3, 0.1), vec2(0.7, 0.6), vec2(0.5, 0.4), vec2(0.05, 0.95),
    vec2(0.95, 0.05), vec2(0.35, 0.65), vec2(0.65, 0.35), vec2(0.15, 0.45), vec2(0.85, 0.75), vec2(0.5, 0.5));
const float w[4] = float[](0.1, 0.2, 0.3, 0.4);
const uvec4 bits[8] = uvec4[](
    uvec4(4053965289u, 1764818493u, 7u, 4294967295u),
    uvec4(3487312697u, 1198165901u, 3203986401u, 914839605u),
    uvec4(0u, 631513309u, 2637333809u, 348187013u),
    uvec4(2354007513u, 64860717u, 2070681217u, 4076501717u),
    uvec4(1787354921u, 3793175421u, 1504028625u, 3509849125u),
    uvec4(1220702329u, 3226522829u, 937376033u, 2943196533u),
    uvec4(654049737u, 2659870237u, 370723441u, 2376543941u),
    uvec4(87397145u, 2093217645u, 4099038145u, 1809891349u));
float total(float v[4]) { return v[0] + v[1] + v[2] + v[3]; }
void mainImage(out vec4 c, in vec2 f) {
    vec2 uv = f / iResolution.xy;
    int h = perm[(perm[int(uv.x * 39.0)] + int(uv.y * 3.0)) % 40];
    float d = 1e9;
    for (int i = 0; i < 16; i++) d = min(d, length(uv - pts[i]));
    uvec4 b = bits[int(uv.y * 7.99)];
    uint word = b[int(uv.x * 3.99)];
    c = vec4(float(h) / 40.0, smoothstep(0.05, 0.0, d), total(w) * uv.x, float(word >> 24u) / 255.0);
}
""",
    # derivatives inside a function with a loop that pixels leave at different iterations (whole 2x2 quads
    # together: a derivative where the quad's pixels part ways is undefined, and llvmpipe and the scalar kernel
    # then differ in what the departed neighbour contributes)
    "derivatives_in_loop": """
float rings(vec2 p, vec2 f) {
    float v = 0.0;
    float quad = floor(f.x * 0.5) + floor(f.y * 0.5);
    for (int i = 1; i < 6; i++) {
        float d = length(p) * float(i) * 8.0;
        float w = fwidth(d);
        v += smoothstep(w, 0.0, abs(fract(d) - 0.5) - 0.25);
        if (mod(quad, 4.0) < float(i)) break;
    }
    return v / 3.0;
}
void mainImage(out vec4 c, in vec2 f) {
    vec2 p = (f - 0.5 * iResolution.xy) / iResolution.y;
    c = vec4(rings(p, f), dFdx(p.x) * 20.0, dFdy(p.y) * 20.0, 1.0);
}
""",
    # stores into a vector or matrix at a dynamic index out of bounds are dropped (Mesa lowers them to
    # per-component selects); past a lane kernel's vector they once corrupted memory (7dXGzB)
    "vector_store_out_of_bounds": """
void mainImage(out vec4 c, in vec2 f) {
    vec2 uv = f / iResolution.xy;
    vec3 col = vec3(0.2);
    mat3 m = mat3(0.5);
    for (float j = 0.0; j < 4.0; j++) {
        uv.x += uv.y * 0.3;
        col[int(j)] = fract(uv.x + uv.y);
        m[int(j) + int(uv.x * 2.0) - 1] = vec3(uv, j * 0.1);
    }
    col[int(uv.y * 5.0) - 1] = 0.9;
    c = vec4(col * 0.5 + (m * vec3(0.3)) * 0.5, 1.0);
}
""",
    # a switch (with fall-through) inside a function with a loop, integer arithmetic per lane
    "switch_and_ints": """
vec3 pick(ivec2 q) {
    vec3 col = vec3(0.0);
    for (int i = 0; i < 3; i++) {
        int k = (q.x / 3 + q.y % 5 + i) % 4;
        switch (k) {
            case 0: col.r += 0.3; break;
            case 1: col.g += 0.3;
            case 2: col.b += 0.2; break;
            default: col += 0.05;
        }
    }
    return col;
}
void mainImage(out vec4 c, in vec2 f) { c = vec4(pick(ivec2(f)), 1.0); }
""",
    # a switch with a loop inside a function with a loop: the shader keeps the scalar kernel (fallback)
    "switch_with_loop": """
float f1(int k, vec2 p) {
    float s = 0.0;
    for (int j = 0; j < 2; j++) {
        switch (k) {
            case 0: for (int i = 0; i < 3; i++) s += p.x; break;
            default: s = p.y;
        }
    }
    return s;
}
void mainImage(out vec4 c, in vec2 f) {
    vec2 p = f / iResolution.xy;
    c = vec4(f1(int(p.x * 2.0), p), 0.0, 0.0, 1.0);
}
""",
}

#: cases expected to keep the scalar kernel, and a word of the reason
FALLBACK = {"switch_with_loop": "switch"}
