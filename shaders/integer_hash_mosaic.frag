// Integer hashing: a 3D uint hash built from multiply, xor-shift and
// rotate (<<, >>, |, ^, &, %), with 0x...u literals, drives a random
// quadtree mosaic whose layout reshuffles every two seconds.

uint rotl(uint x, uint r) { return (x << r) | (x >> (32u - r)); }

uint hash3(uvec3 v)
{
    uint h = 0x165667B1u;
    h += v.x * 0xC2B2AE3Du; h = rotl(h, 17u) * 0x27D4EB2Fu;
    h += v.y * 0xC2B2AE3Du; h = rotl(h, 17u) * 0x27D4EB2Fu;
    h += v.z * 0xC2B2AE3Du; h = rotl(h, 17u) * 0x27D4EB2Fu;
    h ^= h >> 15; h *= 0x85EBCA77u;
    h ^= h >> 13; h *= 0xC2B2AE3Du;
    h ^= h >> 16;
    return h;
}

float toUnit(uint h) { return float(h >> 8) / 16777216.0; }

void mainImage(out vec4 fragColor, in vec2 fragCoord)
{
    vec2 p = fragCoord / iResolution.y;           // square cells
    uint epoch = uint(iTime * 0.5);              // new layout every 2 s
    float fade = fract(iTime * 0.5);

    float size = 2.0;
    uvec2 cell = uvec2(0u);
    uint h = 0u;
    int level = 0;
    for (level = 0; level < 4; level++) {
        cell = uvec2(floor(p * size));
        h = hash3(uvec3(cell, uint(level) + (epoch << 4)));
        if ((h >> 24) >= 150u) break;             // ~41% of cells stop splitting
        if (level == 3) break;
        size *= 2.0;
    }

    vec2 f = fract(p * size) - 0.5;               // position inside the cell
    float edge = max(abs(f.x), abs(f.y));
    float border = smoothstep(0.5 - 2.0 * size / iResolution.y, 0.5, edge);

    // pick one of 5 palette entries from the hash
    uint pick = (h >> 3) % 5u;
    vec3 pal[5] = vec3[5](vec3(0.95, 0.3, 0.3), vec3(0.98, 0.75, 0.2),
                          vec3(0.25, 0.75, 0.55), vec3(0.25, 0.5, 0.95), vec3(0.9, 0.9, 0.92));
    vec3 col = pal[pick];

    // per-cell twinkle phase from other hash bits
    float phase = toUnit(hash3(uvec3(cell, h ^ 0xA511E9B3u))) * 6.2831853;
    col *= 0.65 + 0.35 * sin(phase + 2.0 * iTime);

    // circles in the cells that stopped early
    if ((h & 0x30u) == 0x10u) {
        float c = smoothstep(0.32, 0.3, length(f));
        col = mix(col, vec3(0.08), c);
    }

    col = mix(col, vec3(0.05, 0.05, 0.08), border);
    col *= 0.85 + 0.15 * smoothstep(0.0, 0.2, fade) * smoothstep(1.0, 0.8, fade);
    fragColor = vec4(col, 1.0);
}
