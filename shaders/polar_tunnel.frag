// Polar tunnel: screen position mapped to (angle, 1/radius) texture
// space, a procedural brick pattern scrolls along the tunnel while it
// twists with time; depth fog darkens the vanishing point.

float bricks(vec2 uv, out vec2 cellId)
{
    uv.x += 0.5 * floor(uv.y);          // offset every other row
    cellId = floor(uv);
    vec2 f = fract(uv);
    vec2 e = min(f, 1.0 - f);
    return smoothstep(0.0, 0.06, min(e.x * 0.5, e.y));
}

void mainImage(out vec4 fragColor, in vec2 fragCoord)
{
    vec2 p = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
    p += 0.15 * vec2(sin(0.5 * iTime), cos(0.4 * iTime));

    float r = max(length(p), 1e-3);
    float a = atan(p.y, p.x);                 // -PI..PI

    float depth = 0.4 / r + 0.6 * iTime;
    float twist = a / 6.2831853 + 0.1 * depth + 0.03 * iTime;
    vec2 uv = vec2(twist * 12.0, depth * 3.0);

    vec2 id;
    float mortar = bricks(uv, id);
    // per-brick shade from an integer hash of the (wrapped) brick id
    ivec2 iid = ivec2(id);
    iid.x = (iid.x + 1200) % 12;            // keep % operands non-negative
    uint h = uint(iid.x) * 0x27D4EB2Du ^ uint(iid.y) * 0x165667B1u;
    h ^= h >> 15; h *= 0x2C1B3C6Du; h ^= h >> 12;
    float v = float(h & 255u) / 255.0;

    vec3 brick = mix(vec3(0.55, 0.22, 0.15), vec3(0.85, 0.5, 0.3), v);
    vec3 col = mix(vec3(0.12, 0.1, 0.1), brick, mortar);
    float light = 0.5 + 0.5 * sin(a * 3.0 + iTime);
    col *= 0.6 + 0.4 * light;
    col *= smoothstep(0.0, 0.9, r);           // fog towards the centre
    col += vec3(0.9, 0.6, 0.3) * 0.06 / (r + 0.06) * 0.4;

    fragColor = vec4(clamp(col, 0.0, 1.0), 1.0);
}
