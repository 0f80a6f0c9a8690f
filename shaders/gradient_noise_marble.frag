// Gradient (Perlin-style) noise: pseudo-random unit gradients at lattice
// points from an integer hash, dotted with the offset and blended.
// Turbulence (sum of |noise|) bends sine stripes into animated marble.

vec2 gradientAt(ivec2 c)
{
    uint h = uint(c.x) * 0x8DA6B343u + uint(c.y) * 0xD8163841u;
    h ^= h >> 13;
    h *= 0x5BD1E995u;
    h ^= h >> 15;
    float a = float(h & 0xFFFFu) * (6.2831853 / 65536.0);
    return vec2(cos(a), sin(a));
}

float gradientNoise(vec2 p)
{
    vec2 i = floor(p);
    vec2 f = p - i;
    ivec2 c = ivec2(i);
    vec2 u = f * f * (3.0 - 2.0 * f);
    float n00 = dot(gradientAt(c), f);
    float n10 = dot(gradientAt(c + ivec2(1, 0)), f - vec2(1.0, 0.0));
    float n01 = dot(gradientAt(c + ivec2(0, 1)), f - vec2(0.0, 1.0));
    float n11 = dot(gradientAt(c + ivec2(1, 1)), f - vec2(1.0, 1.0));
    return mix(mix(n00, n10, u.x), mix(n01, n11, u.x), u.y);   // ~[-0.7, 0.7]
}

float turbulence(vec2 p)
{
    float s = 0.0;
    float a = 1.0;
    for (int i = 0; i < 4; i++) {
        s += a * abs(gradientNoise(p));
        p *= 2.03;
        a *= 0.5;
    }
    return s;
}

void mainImage(out vec4 fragColor, in vec2 fragCoord)
{
    vec2 p = (fragCoord - 0.5 * iResolution.xy) / iResolution.y * 2.5;
    p += vec2(0.0, 0.2 * iTime);

    float tb = turbulence(p + vec2(0.15 * iTime, 0.0));
    float v = sin(3.0 * p.x + p.y + 2.6 * tb + 0.8 * iTime) * 0.5 + 0.5;

    vec3 dark = vec3(0.12, 0.16, 0.28);
    vec3 mid = vec3(0.55, 0.62, 0.78);
    vec3 vein = vec3(0.98, 0.93, 0.85);
    vec3 col = mix(dark, mid, smoothstep(0.0, 0.6, v));
    col = mix(col, vein, smoothstep(0.75, 1.0, v));
    col *= 0.92 + 0.12 * gradientNoise(p * 6.0);

    fragColor = vec4(clamp(col, 0.0, 1.0), 1.0);
}
