// Parallax starfield: several layers of hashed stars (one candidate per
// grid cell, uint hash) drifting at depth-dependent speeds, with twinkle,
// coloured temperatures and a faint nebula band.

uint hashU(uvec3 v)
{
    v = v * 1664525u + 1013904223u;
    v.x += v.y * v.z; v.y += v.z * v.x; v.z += v.x * v.y;
    v ^= v >> 16u;
    v.x += v.y * v.z; v.y += v.z * v.x; v.z += v.x * v.y;
    return v.x ^ v.y ^ v.z;
}

vec3 hash3(uvec3 v)
{
    uint h = hashU(v);
    uvec3 k = uvec3(h, h * 0x9E3779B9u, h * 0x85EBCA6Bu) >> 8u;
    return vec3(k) * (1.0 / 16777216.0);
}

vec3 starLayer(vec2 p, uint layer, float time)
{
    vec2 cell = floor(p);
    vec2 f = p - cell;
    vec3 col = vec3(0.0);
    ivec2 c = ivec2(cell);
    vec3 rnd = hash3(uvec3(uvec2(c + 1000), layer));
    if (rnd.z > 0.55) {                       // not every cell has a star
        vec2 star = 0.2 + 0.6 * rnd.xy;
        float d = length(f - star);
        float size = 0.03 + 0.1 * (rnd.z - 0.55);
        float twinkle = 0.6 + 0.4 * sin(time * (2.0 + 3.0 * rnd.x) + 6.2831853 * rnd.y);
        vec3 tint = mix(vec3(1.0, 0.7, 0.45), vec3(0.6, 0.75, 1.0), rnd.x);
        float glow = 0.25 * size / (d + 0.02) * smoothstep(0.2, 0.05, d);   // fades before the cell edge
        col += tint * twinkle * (smoothstep(size * 2.5, 0.0, d) + glow);
    }
    return col;
}

void mainImage(out vec4 fragColor, in vec2 fragCoord)
{
    vec2 p = (fragCoord - 0.5 * iResolution.xy) / iResolution.y;
    vec3 col = vec3(0.01, 0.01, 0.03);

    // nebula band across the diagonal
    float band = exp(-8.0 * (p.y + 0.3 * p.x) * (p.y + 0.3 * p.x));
    col += band * (0.2 + 0.1 * sin(vec3(3.0, 4.0, 5.0) * p.x + 0.4 * iTime)) * vec3(0.7, 0.3, 0.9);

    for (int i = 0; i < 4; i++) {
        float depth = 1.0 + float(i);
        vec2 q = p * (6.0 + 4.0 * depth) + vec2(iTime * 1.2 / depth, 0.3 * float(i));
        col += starLayer(q, uint(i), iTime) * (1.4 / depth);
    }
    fragColor = vec4(clamp(col, 0.0, 1.0), 1.0);
}
