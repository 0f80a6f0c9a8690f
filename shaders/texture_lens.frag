// Texture sampling: iChannel0 is viewed through a wobbling water surface
// and a moving magnifying lens with chromatic aberration. A procedural
// backdrop is blended in, so it still looks sensible when iChannel0 is
// unbound (texture() then returns vec4(0, 0, 0, 1)).

// mirror-repeat in the shader so the result does not depend on wrap mode
vec2 mirrorUV(vec2 uv)
{
    return 1.0 - abs(1.0 - mod(uv, 2.0));
}

vec3 sampleTex(vec2 uv)
{
    return texture(iChannel0, mirrorUV(uv)).rgb;
}

void mainImage(out vec4 fragColor, in vec2 fragCoord)
{
    vec2 uv = fragCoord / iResolution.xy;
    vec2 p = (fragCoord - 0.5 * iResolution.xy) / iResolution.y;

    // water-like wobble of the lookup coordinates
    vec2 st = uv * 0.9 + vec2(0.3 + 0.03 * iTime, 0.3);   // stays inside (0, 2)
    st += 0.012 * vec2(sin(14.0 * uv.y + 2.0 * iTime), cos(11.0 * uv.x + 1.7 * iTime));

    // moving lens: magnify inside a disc, offset each colour channel
    vec2 lensPos = 0.3 * vec2(sin(0.8 * iTime), cos(0.6 * iTime));
    vec2 dl = p - lensPos;
    float r = length(dl);
    float lensR = 0.28;
    float inLens = smoothstep(lensR, lensR - 0.01, r);
    float k = 1.0 - 0.5 * inLens * (1.0 - clamp((r / lensR) * (r / lensR), 0.0, 1.0));
    vec2 lensOffset = (k - 1.0) * dl * vec2(iResolution.y / iResolution.x, 1.0);
    vec2 ca = 0.006 * inLens * dl / max(r, 1e-3);

    vec3 tex;
    tex.r = sampleTex(st + lensOffset + ca).r;
    tex.g = sampleTex(st + lensOffset).g;
    tex.b = sampleTex(st + lensOffset - ca).b;

    // procedural backdrop (visible on its own when the channel is unbound)
    vec3 backdrop = 0.5 + 0.4 * cos(vec3(0.0, 1.8, 3.6) + 3.0 * uv.x + 2.0 * uv.y + 0.5 * iTime);
    float stripes = 0.5 + 0.5 * sin(40.0 * (st.x + st.y));
    backdrop *= 0.75 + 0.25 * stripes;

    float lum = dot(tex, vec3(0.299, 0.587, 0.114));
    vec3 col = backdrop * 0.45 * (1.0 - 0.6 * lum) + tex * 0.8;
    col += inLens * 0.08 * backdrop;
    // lens rim and highlight
    col += vec3(1.0) * smoothstep(0.012, 0.0, abs(r - lensR)) * 0.6;
    col += vec3(1.0, 0.95, 0.85) * 0.35 * inLens * smoothstep(0.12, 0.0, length(dl - vec2(-0.09, 0.1)));
    col *= 1.0 - 0.35 * dot(p, p);

    fragColor = vec4(clamp(col, 0.0, 1.0), 1.0);
}
