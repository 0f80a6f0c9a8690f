// expect: agree  reason: was 'diverge', a Taichi 1.7.4 miscompile (advanced_optimization): after the component store v4.y = ..., the whole store v4 /= (abs(v4.xxx) + 0.5) was lost (ours 1.5, reference 0.75). glslc/emit.py store() now writes a whole vector or matrix into a variable that is also written in part (lower.partly_written) as a value built from components, which Taichi keeps
// words: 0
// features:
// size: 2x4
#version 450
uniform vec3 iResolution;
out vec4 fragColor;
void main() {
    vec2 uv = gl_FragCoord.xy / iResolution.xy;
    ivec2 ip = ivec2(gl_FragCoord.xy);
    vec3 v4 = (uv.xxx + uv.xxx);
    v4.y = uv.x;
    v4 /= (abs(v4.xxx) + 0.5);
    float s6 = v4.x;
    int sel = ip.x % 1;
    vec4 o = vec4(0.0);
    if (sel == 0) o = vec4(s6, 0.0, 0.0, 0.0);
    fragColor = o;
}
