// expect: diverge  reason: Mesa folds radians(3.14159) at compile time in higher precision (0.05483109) while the run-time radians of llvmpipe and ours gives 0.054831088 (1 ULP); reference behaviour we do not imitate, so the fuzzer gives built-in calls with constant arguments an error bound (FOLDS_EXACTLY)
// words: 0 0 0 0
// features:
// size: 2x2
#version 450
uniform vec3 iResolution;
out vec4 fragColor;
void main() {
    float c = radians(3.14159);
    float x = radians(3.14159 + 0.0 * gl_FragCoord.x);
    fragColor = vec4(c, x, c - x, 1.0);
}
