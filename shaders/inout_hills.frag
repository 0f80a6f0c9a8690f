// out / inout parameters: a function returning height and slope through
// out floats, a compositing helper that updates the colour via inout, an
// inout counter, and an out vec3 sky. Parallax hills at dusk.

void sincos2(float x, out float s, out float c)
{
    s = sin(x);
    c = cos(x);
}

// height of a hill layer at x, plus its slope (derivative) via out
void hillProfile(float x, float seed, out float height, out float slope)
{
    float s1, c1, s2, c2;
    sincos2(x * 1.7 + seed, s1, c1);
    sincos2(x * 3.9 + seed * 2.3, s2, c2);
    height = 0.12 * s1 + 0.05 * s2;
    slope = 0.12 * 1.7 * c1 + 0.05 * 3.9 * c2;
}

void blendLayer(inout vec3 col, vec3 layerColor, float mask, inout int layersHit)
{
    col = mix(col, layerColor, mask);
    if (mask > 0.5) layersHit++;
}

void skyColor(vec2 uv, float time, out vec3 sky)
{
    sky = mix(vec3(0.98, 0.6, 0.35), vec3(0.2, 0.25, 0.55), smoothstep(0.3, 1.0, uv.y));
    float sunY = 0.78 + 0.1 * sin(0.4 * time);
    float d = length(uv - vec2(0.7, sunY));
    sky += vec3(1.0, 0.85, 0.5) * smoothstep(0.08, 0.07, d);
    sky += vec3(1.0, 0.6, 0.3) * 0.25 * exp(-6.0 * d);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord)
{
    vec2 uv = vec2(fragCoord.x / iResolution.y, fragCoord.y / iResolution.y);
    vec3 col;
    skyColor(uv, iTime, col);

    int hits = 0;
    for (int i = 0; i < 4; i++) {
        float fi = float(i);
        float depth = 1.0 + fi;               // far layers first
        float speed = 0.25 / (5.0 - depth);
        float x = uv.x + iTime * speed;
        float h, slope;
        hillProfile(x * (1.0 + 0.4 * fi), fi * 3.17, h, slope);
        float base = 0.55 - 0.12 * fi;
        float line = base + h;
        float aa = 1.5 / iResolution.y;
        float mask = smoothstep(line + aa, line - aa, uv.y);
        // light the sun-facing slopes
        float light = 0.5 + 0.5 * clamp(-slope * 0.8, -1.0, 1.0);
        vec3 layer = mix(vec3(0.55, 0.35, 0.5), vec3(0.08, 0.1, 0.16), fi / 3.0);
        layer *= 0.8 + 0.4 * light;
        blendLayer(col, layer, mask, hits);
    }
    // darker where more layers overlap the pixel (inout counter result)
    col *= 1.0 - 0.05 * float(hits);
    fragColor = vec4(clamp(col, 0.0, 1.0), 1.0);
}
