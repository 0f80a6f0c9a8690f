// Truchet tiles: quarter-circle arcs on a grid, each cell flipped by an
// integer hash of its coordinates. Shows 2D tiling, mod/floor/fract,
// smoothstep anti-aliasing and a flowing colour band driven by iTime.

uint cellHash(ivec2 c)
{
    uint h = uint(c.x) * 0x9E3779B1u ^ uint(c.y) * 0x85EBCA77u;
    h ^= h >> 15;
    h *= 0x2C1B3C6Du;
    h ^= h >> 13;
    return h;
}

void mainImage(out vec4 fragColor, in vec2 fragCoord)
{
    float scale = 7.0;
    vec2 uv = (fragCoord - 0.5 * iResolution.xy) / iResolution.y;
    uv += vec2(0.11 * iTime, 0.05 * iTime);

    vec2 g = uv * scale;
    ivec2 cell = ivec2(floor(g));
    vec2 f = fract(g) - 0.5;

    // flip the tile horizontally for half of the cells
    if ((cellHash(cell) & 1u) == 1u) f.x = -f.x;

    // distance to the two arcs centred on opposite corners
    float d1 = abs(length(f - vec2(0.5, 0.5)) - 0.5);
    float d2 = abs(length(f + vec2(0.5, 0.5)) - 0.5);
    float d = min(d1, d2);

    float px = scale / iResolution.y;
    float band = 1.0 - smoothstep(0.09 - px, 0.09 + px, d);
    float edge = 1.0 - smoothstep(0.0, 2.0 * px, abs(d - 0.09));

    // colour varies along the plane and with time
    vec3 bg = mix(vec3(0.06, 0.07, 0.12), vec3(0.12, 0.05, 0.10), fragCoord.y / iResolution.y);
    vec3 tint = 0.55 + 0.45 * cos(vec3(0.0, 2.1, 4.2) + 0.6 * (g.x + g.y) + 1.3 * iTime);
    vec3 col = mix(bg, tint, band);
    col = mix(col, vec3(1.0, 0.95, 0.85), 0.6 * edge);

    fragColor = vec4(col, 1.0);
}
