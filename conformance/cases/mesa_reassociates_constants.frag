// expect: diverge  reason: Mesa reassociates 0.5 + (uv.x + 0.5) into uv.x + 1.0 and 0.5 + (uv.x - uv.y) into (0.5 + uv.x) - uv.y (NIR's inexact algebraic rules gather constants; GLSL arithmetic is not 'precise'), 1 ULP from evaluating it as written, which we do; reference behaviour we do not imitate: the fuzzer gives such sums and products an error bound
// words: 0 0 0 0
// features:
// size: 3x4
#version 450
uniform vec3 iResolution;
out vec4 fragColor;
float g = 0.5;
void main() {
    vec2 uv = gl_FragCoord.xy / iResolution.xy;
    float x = g + (uv.x + g);
    fragColor = vec4(x, (uv.y * 3.0) * 7.0, 0.5 + (uv.x - uv.y), 1.0);
}
