// expect: diverge  reason: the reference is wrong here: Mesa's compile-time folding of constant matrix constructors puts a stray 0.5 at [3][0] of mat4x2(0.5) (so mat2x4(0.5) * mat4x2(0.5) gets 0.25 there) and drops the identity fill of matrix-from-matrix constructors (mat4(mat4x3(...))[3][3] is 0, not 1); the same constructors computed at run time, and ours, follow the spec. The fuzzer keeps constant arguments out of those constructors.
// words: 0 0 0 0
// features:
// size: 4x3
#version 450
uniform vec3 iResolution;
out vec4 fragColor;
void main() {
    ivec2 ip = ivec2(gl_FragCoord.xy);
    mat4 p = mat2x4(0.5) * mat4x2(0.5);
    mat4x2 d = mat4x2(0.5);
    mat4 f = mat4(mat4x3(0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5));
    fragColor = ip.y == 0 ? p[ip.x] : ip.y == 1 ? vec4(d[ip.x], 0.0, 0.0) : f[ip.x];
}
