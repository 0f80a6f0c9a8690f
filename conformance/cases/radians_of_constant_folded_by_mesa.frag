// expect: agree  reason: Mesa folds radians(3.14159) at compile time (0.05483109) while the run-time radians of llvmpipe gives 0.054831088 (1 ULP); glslc's checker now folds constant built-in calls the same way (each folded float result rounded to float32), so both halves agree. The fuzzer still gives built-in calls with constant arguments an error bound (FOLDS_EXACTLY)
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
