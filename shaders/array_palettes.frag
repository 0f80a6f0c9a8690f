// Arrays with dynamic indexing: a const palette array indexed by a
// computed int, a local float array filled in a loop and then read with
// a data-dependent index, and an array passed to a function (bar chart).

const vec3 PALETTE[6] = vec3[6](
    vec3(0.94, 0.33, 0.31), vec3(0.98, 0.65, 0.25), vec3(0.98, 0.88, 0.35),
    vec3(0.36, 0.78, 0.45), vec3(0.26, 0.58, 0.92), vec3(0.56, 0.38, 0.86));

const float WEIGHTS[4] = float[](0.4, 0.3, 0.2, 0.1);

float maxOf(float v[8])
{
    float m = v[0];
    for (int i = 1; i < 8; i++) m = max(m, v[i]);
    return m;
}

void mainImage(out vec4 fragColor, in vec2 fragCoord)
{
    vec2 uv = fragCoord / iResolution.xy;

    // local array written in a loop
    float bars[8];
    for (int i = 0; i < 8; i++) {
        float fi = float(i);
        bars[i] = 0.55 + 0.35 * sin(iTime * (0.7 + 0.13 * fi) + fi * 0.9);
    }
    float top = maxOf(bars);

    // dynamic index from the pixel position
    int col8 = clamp(int(uv.x * 8.0), 0, 7);
    float h = bars[col8];
    vec3 barColor = PALETTE[col8 % 6];

    // background stripes: smoothed blend of palette entries with weights
    vec3 bg = vec3(0.0);
    for (int k = 0; k < 4; k++) {
        int idx = int(mod(floor(uv.y * 12.0 + iTime) + float(k), 6.0));
        bg += WEIGHTS[k] * PALETTE[idx];
    }
    bg *= 0.3;

    float cx = fract(uv.x * 8.0);
    float inBar = step(uv.y, h * 0.9) * smoothstep(0.08, 0.12, cx) * smoothstep(0.92, 0.88, cx);
    vec3 col = mix(bg, barColor * (0.6 + 0.4 * uv.y / max(h, 0.01)), inBar);

    // highlight the tallest bar
    if (h == top) col += 0.25 * inBar * vec3(1.0);
    // horizontal line at the maximum height
    col = mix(col, vec3(1.0), smoothstep(0.006, 0.0, abs(uv.y - top * 0.9)));

    fragColor = vec4(clamp(col, 0.0, 1.0), 1.0);
}
