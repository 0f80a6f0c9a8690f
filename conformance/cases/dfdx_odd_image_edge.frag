// expect: diverge  reason: in the last column of an odd-width image the pixel's quad partner lies outside the image; the GPU runs it as a helper invocation and dFdx is the true difference (1/3 here), runtime/derivs.py has no value there and returns 0 (ddx: x1 = min(x0 + 1, width - 1)). The fuzzer renders even sizes.
// words: 0 0 0 0
// features:
// size: 3x4
#version 450
uniform vec3 iResolution;
out vec4 fragColor;
void main() {
    vec2 uv = gl_FragCoord.xy / iResolution.xy;
    fragColor = vec4(dFdx(uv.x), dFdy(uv.y), fwidth(uv.x), 1.0);
}
