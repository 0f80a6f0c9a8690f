// expect: agree  reason: was diverge: Taichi's optimizer (advanced_optimization, on for scalar kernels below LOW_EFFORT_SIZE) merges (x >> 29) >> 16 into x >> 45, which LLVM treats as poison (ours 0 where -1 is right, and garbage once the poison reaches an if/else it turned into a select). The cpu default is now the lane kernel, which compiles without advanced_optimization; the scalar kernel (GLSLC_LANES=0, and the CPU fallback) still diverges. The fuzzer avoids chaining two constant-amount shifts.
// words: 0 0 0 0 0 0 0 0
// features:
// size: 4x4
#version 450
uniform vec3 iResolution;
out vec4 fragColor;
void main() {
    vec2 uv = gl_FragCoord.xy / iResolution.xy;
    ivec2 ip = ivec2(gl_FragCoord.xy) - 1000000000;
    ivec3 s6 = (ip.xxx >> 29);
    int neg = s6.y >> 16;
    int sel = ip.x & 1;
    vec4 o = vec4(0.0);
    if (sel == 0) o = vec4(float(s6.x >> 16), float(s6.x & 0xffff), float(neg), uv.x);
    else if (sel == 1) o = vec4(float(s6.z >> 16), float(s6.z & 0xffff), uv.x, 0.0);
    fragColor = o;
}
