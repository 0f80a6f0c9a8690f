// Voronoi (cellular) noise: feature points jittered by a uint hash and
// orbiting with time; F1 and F2 distances give cell shading and borders.
// Searches the 3x3 neighbourhood with nested loops and ivec2 offsets.

uvec2 pcg2d(uvec2 v)
{
    v = v * 1664525u + 1013904223u;
    v.x += v.y * 1664525u;
    v.y += v.x * 1664525u;
    v ^= v >> 16u;
    v.x += v.y * 1664525u;
    v.y += v.x * 1664525u;
    v ^= v >> 16u;
    return v;
}

vec2 random2(ivec2 c)
{
    uvec2 h = pcg2d(uvec2(c));
    return vec2(h >> 8u) * (1.0 / 16777216.0);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord)
{
    vec2 p = fragCoord / iResolution.y * 5.0 + vec2(0.2 * iTime, 0.0);
    ivec2 base = ivec2(floor(p));
    vec2 f = p - floor(p);

    float f1 = 8.0, f2 = 8.0;
    ivec2 nearest = ivec2(0);
    for (int j = -1; j <= 1; j++) {
        for (int i = -1; i <= 1; i++) {
            ivec2 o = ivec2(i, j);
            vec2 rnd = random2(base + o);
            vec2 pt = vec2(o) + 0.5 + 0.3 * sin(iTime * 0.8 + 6.2831853 * rnd);
            float d = length(pt - f);
            if (d < f1) {
                f2 = f1;
                f1 = d;
                nearest = base + o;
            } else if (d < f2) {
                f2 = d;
            }
        }
    }

    vec2 cellRnd = random2(nearest + ivec2(17, 31));
    vec3 cellCol = 0.5 + 0.45 * cos(vec3(0.0, 2.0, 4.0) + 6.2831853 * cellRnd.x);
    float edge = f2 - f1;

    vec3 col = cellCol * (1.0 - 0.6 * f1);
    col *= smoothstep(0.0, 0.08, edge);
    col += vec3(1.0) * smoothstep(0.06, 0.0, f1) * 0.8;   // feature points

    fragColor = vec4(clamp(col, 0.0, 1.0), 1.0);
}
