// expect: diverge  reason: the reference is wrong here: Mesa's compile-time folding of umulExtended, imulExtended and uaddCarry with constant arguments gives garbage (each word is the folded result minus the same call on run-time values: 0 for us, up to 4.3e9 for Mesa, whose run-time results agree with ours in tests/test_glsl_runtime.py). The fuzzer gives such calls a varying argument.
// words: 0 0 0 0
// features:
// size: 2x2
#version 450
uniform vec3 iResolution;
out vec4 fragColor;
void main() {
    uint one = uint(iResolution.x) / 2u;
    uvec3 m1, l1, m2, l2;
    umulExtended(uvec3(1u, 3u, 0xffffffffu), uvec3(1u, 5u, 3u), m1, l1);
    umulExtended(uvec3(one, 3u * one, 0xffffffffu * one), uvec3(1u, 5u, 3u), m2, l2);
    ivec2 a1, b1, a2, b2;
    imulExtended(ivec2(-1, 70000), ivec2(3, 70000), a1, b1);
    imulExtended(ivec2(-int(one), 70000 * int(one)), ivec2(3, 70000), a2, b2);
    uint c1, c2;
    uint s1 = uaddCarry(0xffffffffu, 2u, c1);
    uint s2 = uaddCarry(0xffffffffu * one, 2u, c2);
    ivec2 p = ivec2(gl_FragCoord.xy);
    vec4 o;
    if (p.x == 0) o = vec4(m1 - m2, float(c1 - c2));
    else o = vec4(l1 - l2, float(s1 - s2));
    if (p.y == 1) o = vec4(vec2(a1 - a2), vec2(b1 - b2));
    fragColor = o;
}
