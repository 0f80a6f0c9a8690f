// Domain warping: fbm evaluated at a point displaced by two more fbm
// fields (f(p + 4 q(p + 4 r(p)))), slowly animated with iTime. Uses
// value noise from an integer hash; warp vectors also tint the colour.

float hash21(vec2 p)
{
    uvec2 q = uvec2(ivec2(p));
    uint h = (q.x * 0x1B873593u) ^ (q.y * 0xCC9E2D51u);
    h ^= h >> 16; h *= 0x7FEB352Du;
    h ^= h >> 15; h *= 0x846CA68Bu;
    h ^= h >> 16;
    return float(h >> 8) * (1.0 / 16777216.0);
}

float noise(vec2 p)
{
    vec2 i = floor(p);
    vec2 f = p - i;
    vec2 u = f * f * (3.0 - 2.0 * f);
    return mix(mix(hash21(i), hash21(i + vec2(1.0, 0.0)), u.x),
               mix(hash21(i + vec2(0.0, 1.0)), hash21(i + vec2(1.0, 1.0)), u.x), u.y);
}

float fbm(vec2 p)
{
    float s = 0.0, a = 0.5;
    mat2 m = mat2(0.8, 0.6, -0.6, 0.8) * 2.02;
    for (int i = 0; i < 4; i++) {
        s += a * noise(p);
        p = m * p;
        a *= 0.5;
    }
    return s / 0.9375;
}

void mainImage(out vec4 fragColor, in vec2 fragCoord)
{
    vec2 p = (fragCoord - 0.5 * iResolution.xy) / iResolution.y * 3.0;
    float t = 0.15 * iTime;

    vec2 q = vec2(fbm(p + vec2(0.0, 0.0) + t), fbm(p + vec2(5.2, 1.3) - t));
    vec2 r = vec2(fbm(p + 4.0 * q + vec2(1.7, 9.2) + 0.7 * t),
                  fbm(p + 4.0 * q + vec2(8.3, 2.8) - 0.5 * t));
    float f = fbm(p + 4.0 * r);

    vec3 col = mix(vec3(0.1, 0.25, 0.35), vec3(0.85, 0.55, 0.25), clamp(f * f * 2.5, 0.0, 1.0));
    col = mix(col, vec3(0.05, 0.05, 0.25), clamp(length(q) - 0.6, 0.0, 1.0));
    col = mix(col, vec3(0.95, 0.9, 0.8), clamp(r.x * r.x * 1.2, 0.0, 1.0) * 0.6);
    col *= 0.6 + 0.8 * f;

    fragColor = vec4(clamp(col, 0.0, 1.0), 1.0);
}
