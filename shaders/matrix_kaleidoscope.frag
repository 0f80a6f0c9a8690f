// Matrices: mat2 rotations built per layer, vector*matrix (transposed
// rotation), matrix*matrix products, transpose() and inverse() of a
// shear-scale mat2, and a mat3 homogeneous 2D transform, forming a
// rotating kaleidoscope.

mat2 rot(float a)
{
    float c = cos(a), s = sin(a);
    return mat2(c, s, -s, c);   // column-major: first column is (c, s)
}

mat3 translate2D(vec2 t)
{
    return mat3(1.0, 0.0, 0.0,
                0.0, 1.0, 0.0,
                t.x, t.y, 1.0);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord)
{
    vec2 p = (fragCoord - 0.5 * iResolution.xy) / iResolution.y;

    // rotate the whole plane; p * M equals transpose(M) * p
    mat2 spin = rot(0.25 * iTime);
    p = p * spin;

    // fold into 6 wedges
    float a = atan(p.y, p.x);
    float r = length(p);
    float wedge = 6.2831853 / 6.0;
    a = mod(a, wedge) - 0.5 * wedge;
    a = abs(a);
    p = vec2(cos(a), sin(a)) * r;

    // shear-and-scale matrix and its inverse
    mat2 shear = mat2(1.0, 0.0, 0.35 * sin(0.7 * iTime), 1.0) * mat2(1.3, 0.0, 0.0, 0.8);
    mat2 unshear = inverse(shear);
    vec2 q = shear * p;

    // repeat a pattern in homogeneous coordinates
    mat3 T = translate2D(vec2(-0.15, 0.0));
    vec3 h = T * vec3(q, 1.0);
    vec3 col = vec3(0.0);
    for (int i = 0; i < 4; i++) {
        float fi = float(i);
        mat2 m = rot(0.4 * fi + 0.3 * iTime) * transpose(rot(0.1 * fi));
        vec2 g = m * h.xy * (2.0 + fi);
        vec2 cell = fract(g) - 0.5;
        float d = abs(length(cell) - 0.3);
        vec3 tint = 0.5 + 0.5 * cos(vec3(0.0, 2.0, 4.0) + fi + 1.5 * r + 0.5 * iTime);
        col += tint * smoothstep(0.06, 0.0, d) * (0.7 - 0.12 * fi);
    }

    // check: unshear * q recovers p (shows as a faint ring at radius 0.35)
    vec2 back = unshear * q;
    col += vec3(0.9, 0.9, 1.0) * smoothstep(0.01, 0.0, abs(length(back) - 0.35));

    col *= smoothstep(0.75, 0.2, r);
    col += vec3(0.02, 0.02, 0.05);
    fragColor = vec4(clamp(col, 0.0, 1.0), 1.0);
}
