// expect: reject  reason: GLSL 4.20+ lets a local const take a non-constant initializer (a read-only variable); Mesa compiles it, our checker still demands a constant expression (glslc/checker.py, const declarations)
// words: 0 0 0 0
// features:
// size: 2x2
#version 450
uniform vec3 iResolution;
uniform float iTime;
out vec4 fragColor;
void main() {
    const float x = gl_FragCoord.x / iResolution.x;
    const vec2 p = vec2(x, iTime);
    fragColor = vec4(x, p.y, p.x * 2.0, 1.0);
}
