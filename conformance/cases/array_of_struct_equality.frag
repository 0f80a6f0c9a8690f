// expect: agree  reason: was 'diverge' (== on arrays of structs was always false: G.vec_equal got the struct-of-arrays values); fixed in glslc/emit.py struct_equal, member arrays compared one by one
// words: 0 0 0 0
// features:
// size: 2x2
#version 450
uniform vec3 iResolution;
uniform float iTime;
out vec4 fragColor;
struct S0 { float m0; float m1; };
void main() {
    float t = iTime;
    bool a = (S0[](S0(t, t), S0(1.0, gl_FragCoord.x)) == S0[](S0(t, t), S0(1.0, gl_FragCoord.x)));
    bool b = (S0(t, t) == S0(t, t));
    float c[2] = float[](t, gl_FragCoord.x);
    bool d = c == float[](t, gl_FragCoord.x);
    bool e = (S0[](S0(t, t), S0(1.0, gl_FragCoord.x)) != S0[](S0(t, t), S0(1.0, gl_FragCoord.y)));
    fragColor = vec4(float(a), float(b), float(d), float(e));
}
