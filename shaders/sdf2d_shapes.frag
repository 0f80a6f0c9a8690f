// 2D signed distance functions: circle, rounded box, segment and an
// equilateral triangle, combined with a smooth minimum, shown with the
// classic inside/outside colouring and animated iso-distance bands.

float circleDist(vec2 p, float r) { return length(p) - r; }

float roundedBoxDist(vec2 p, vec2 b, float r)
{
    vec2 q = abs(p) - b + r;
    return length(max(q, 0.0)) + min(max(q.x, q.y), 0.0) - r;
}

float sdSegment(vec2 p, vec2 a, vec2 b)
{
    vec2 pa = p - a, ba = b - a;
    float h = clamp(dot(pa, ba) / dot(ba, ba), 0.0, 1.0);
    return length(pa - ba * h);
}

float sdTriangle(vec2 p, float r)
{
    const float k = 1.7320508;
    p.x = abs(p.x) - r;
    p.y = p.y + r / k;
    if (p.x + k * p.y > 0.0) p = vec2(p.x - k * p.y, -k * p.x - p.y) / 2.0;
    p.x -= clamp(p.x, -2.0 * r, 0.0);
    return -length(p) * sign(p.y);
}

float smin(float a, float b, float k)
{
    float h = clamp(0.5 + 0.5 * (b - a) / k, 0.0, 1.0);
    return mix(b, a, h) - h * (1.0 - h) * k;
}

void mainImage(out vec4 fragColor, in vec2 fragCoord)
{
    vec2 p = (fragCoord * 2.0 - iResolution.xy) / iResolution.y;
    float t = iTime;

    float d = circleDist(p - vec2(0.55 * cos(0.9 * t), 0.35 * sin(1.1 * t)), 0.3);
    d = smin(d, roundedBoxDist(p - vec2(-0.45, 0.1), vec2(0.3, 0.22), 0.08), 0.2);
    d = smin(d, sdSegment(p, vec2(-0.7, -0.6), vec2(0.6, -0.45 + 0.2 * sin(t))) - 0.05, 0.15);
    vec2 tp = p - vec2(0.45, 0.45);
    float c = cos(0.7 * t), s = sin(0.7 * t);
    tp = mat2(c, s, -s, c) * tp;
    d = smin(d, sdTriangle(tp, 0.22), 0.12);

    vec3 col = d > 0.0 ? vec3(0.95, 0.6, 0.3) : vec3(0.35, 0.65, 0.95);
    col *= 1.0 - exp(-5.0 * abs(d));
    col *= 0.8 + 0.2 * cos(120.0 * d - 4.0 * t);
    col = mix(col, vec3(1.0), smoothstep(0.015, 0.0, abs(d)));

    fragColor = vec4(col, 1.0);
}
