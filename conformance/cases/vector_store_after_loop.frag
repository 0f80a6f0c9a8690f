// expect: agree  reason: was 'diverge', a Taichi 1.7.4 miscompile (advanced_optimization): after component stores into a vector and a loop, a whole-vector store was lost (ours 0.5, reference uv). glslc/emit.py store() now writes a whole vector or matrix into a variable that is also written in part (lower.partly_written) as a value built from components, which Taichi keeps
// words: 0 0 0 0
// features:
// size: 2x2
#version 450
uniform vec3 iResolution;
out vec4 fragColor;
vec2 g1 = vec2(0.5, 0.5);
void main() {
    vec2 uv = gl_FragCoord.xy / iResolution.xy;
    vec2 l = vec2(0.5);
    l[0] = uv[1];
    g1.xy = g1;
    for (int i4 = 0; i4 < 1; i4++) {
    }
    g1 = uv;
    l = uv;
    fragColor = vec4(g1.x, l.x, g1.y, l.y);
}
