// Control flow: a while loop (Euclid's gcd), a do-while loop (bit count),
// a switch with fall-through cases and a default, plus break/continue in
// a for loop. Each grid cell shows gcd/popcount of its scrolling coords.

int gcd(int a, int b)
{
    while (b != 0) {
        int t = a % b;
        a = b;
        b = t;
    }
    return a;
}

int popcount(uint x)
{
    int n = 0;
    do {
        n += int(x & 1u);
        x >>= 1;
    } while (x != 0u);
    return n;
}

vec3 styleColor(int kind)
{
    vec3 c = vec3(0.08, 0.08, 0.1);
    switch (kind) {
        case 0:
            c = vec3(0.95, 0.35, 0.3);
            break;
        case 1:
            c += vec3(0.2, 0.1, 0.0);   // falls through into case 2
        case 2:
            c += vec3(0.1, 0.45, 0.6);
            break;
        case 3:
        case 4:
            c = vec3(0.95, 0.8, 0.3);
            break;
        default:
            c = vec3(0.4, 0.85, 0.5);
            break;
    }
    return c;
}

void mainImage(out vec4 fragColor, in vec2 fragCoord)
{
    float cells = 10.0;
    vec2 g = fragCoord / iResolution.y * cells;
    int scroll = int(floor(iTime * 1.5));
    ivec2 id = ivec2(floor(g)) + ivec2(scroll + 1, 2 * scroll + 1);
    vec2 f = fract(g) - 0.5;

    int d = gcd(id.x, id.y);
    int bits = popcount(uint(id.x ^ id.y));

    int kind = d > 1 ? 3 + min(d, 5) - 2 : bits % 3;   // 0..2 for coprime cells
    vec3 col = styleColor(kind);

    // concentric rings: one per set bit, skipping every third with continue
    float rings = 0.0;
    for (int i = 0; i < 8; i++) {
        if (i >= bits) break;
        if (i % 3 == 2) continue;
        float r = 0.1 + 0.07 * float(i);
        rings += smoothstep(0.03, 0.0, abs(length(f) - r));
    }
    float pulse = 0.5 + 0.5 * sin(iTime * 3.0 + float(d));
    col = mix(col * (0.55 + 0.45 * pulse), vec3(1.0), clamp(rings, 0.0, 1.0) * 0.8);

    float edge = max(abs(f.x), abs(f.y));
    col *= smoothstep(0.5, 0.44, edge) * 0.8 + 0.2;
    fragColor = vec4(clamp(col, 0.0, 1.0), 1.0);
}
