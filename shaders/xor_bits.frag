// Bitwise integer patterns: the classic XOR / AND / OR textures of pixel
// coordinates (^, &, |, ~, <<, >>, % on ints and ivec2), scrolled by
// iFrame, coloured through a cycling palette, with one bit plane overlaid.

int layerValue(ivec2 c, int mode)
{
    int v;
    if (mode == 0) {
        v = (c.x ^ c.y) & 255;
    } else if (mode == 1) {
        v = ((c.x & c.y) << 1) & 255;
    } else {
        v = ((c.x | c.y) ^ ~c.x) & 255;
    }
    return v;
}

void mainImage(out vec4 fragColor, in vec2 fragCoord)
{
    ivec2 pix = ivec2(fragCoord);                 // integer pixel coordinate
    ivec2 c = pix + ivec2(iFrame, iFrame / 2);    // scroll with the frame counter

    float x = float(layerValue(c, 0)) / 256.0;
    float a = float(layerValue(c >> 1, 1)) / 256.0;
    int o = layerValue(c >> 2, 2);

    // which bit plane of the OR layer is overlaid changes every second
    int plane = 4 + int(iTime) % 4;
    float bitOn = float((o >> plane) & 1);

    vec3 col = 0.5 + 0.5 * cos(6.2831853 * (x + vec3(0.0, 0.33, 0.67)) + 0.5 * iTime);
    col *= 0.75 + 0.4 * a;
    col = mix(col, col.gbr * 1.2, 0.35 * bitOn);

    vec2 uv = fragCoord / iResolution.xy - 0.5;
    col *= 1.0 - 0.8 * dot(uv, uv);
    fragColor = vec4(clamp(col, 0.0, 1.0), 1.0);
}
