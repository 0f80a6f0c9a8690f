// expect: agree  reason: was 'fail' (KeyError 'S0': the back end cast a written array-of-struct parameter with ti.cast); fixed in glslc/emit.py function_body
// words: 0 0 0 0
// features:
// size: 2x2
#version 450
uniform vec3 iResolution;
out vec4 fragColor;
struct S0 { float m0; };
float f1(in float a, in S0 b[2]) {
    b[1].m0 += a;
    b = b;
    return a + b[1].m0 * b[0].m0;
}
void main() {
    fragColor = vec4(f1(gl_FragCoord.x, S0[2](S0(1.5), S0(2.0))));
}
