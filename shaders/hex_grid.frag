// Hexagonal grid: finds the nearest hexagon centre among two offset
// rectangular lattices, then draws pulsing rings per cell. Shows 2D
// patterns, vec2/vec4 swizzles, dot-product distance and a radial wave.

const vec2 HEX = vec2(1.0, 1.7320508);

// returns xy = offset from the hexagon centre, zw = hexagon id
vec4 hexCell(vec2 p)
{
    vec2 a = mod(p, HEX) - 0.5 * HEX;
    vec2 b = mod(p - 0.5 * HEX, HEX) - 0.5 * HEX;
    vec2 o = dot(a, a) < dot(b, b) ? a : b;
    return vec4(o, p - o);
}

float hexDist(vec2 p)
{
    p = abs(p);
    return max(dot(p, normalize(HEX)), p.x);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord)
{
    vec2 uv = (fragCoord - 0.5 * iResolution.xy) / iResolution.y;
    vec4 h = hexCell(uv * 6.0 + vec2(0.3, 0.2));
    float d = hexDist(h.xy);          // 0 in the centre, 0.5 on the border
    float r = length(h.zw) * 0.35;

    float wave = sin(r * 2.5 - 2.0 * iTime) * 0.5 + 0.5;
    float ring = smoothstep(0.05, 0.0, abs(d - 0.15 - 0.25 * wave));
    float border = smoothstep(0.44, 0.49, d);

    vec3 base = 0.5 + 0.5 * cos(vec3(0.0, 0.7, 1.4) * 3.0 + r + 0.5 * iTime);
    vec3 col = base * (0.25 + 0.5 * (1.0 - d));
    col += ring * vec3(1.0, 0.85, 0.6);
    col = mix(col, vec3(0.02, 0.02, 0.05), border);

    fragColor = vec4(clamp(col, 0.0, 1.0), 1.0);
}
