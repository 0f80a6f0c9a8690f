// expect: diverge  reason: reference behaviour we do not imitate: NIR optimizes inside Mesa's expansion of refract (with a constant eta it computes k = 1 - (eta*eta)*(1 - d*d) instead of 1 - eta*(eta*(1 - d*d)); with repeated operands such as N = uv.xxxx it factors products), 1 ULP from the formula as written, which we evaluate; the fuzzer gives multi-step built-ins (COMPOSITE) and matrix products a few ULP
// words: 0 0 0 0
// features:
// size: 8x8
#version 450
uniform vec3 iResolution;
out vec4 fragColor;
void main() {
    vec2 uv = gl_FragCoord.xy / iResolution.xy;
    ivec2 ip = ivec2(gl_FragCoord.xy);
    uint h = uint(ip.x * 1973 + ip.y * 9277) * 2654435761u;
    fragColor = refract(unpackSnorm4x8(h), vec4(uv.x, uv.y, 0.3, 0.1), 0.7) + refract(unpackSnorm4x8(h * 3u), uv.xxxx, uv.y);
}
