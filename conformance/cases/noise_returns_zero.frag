// expect: agree  reason: was 'fail' (the back end rejected noise1..noise4 as unsupported); Mesa returns 0 for them, and so does runtime/glsl.py now
// words: 0 0 0 0
// features:
// size: 2x2
#version 450
uniform vec3 iResolution;
out vec4 fragColor;
void main() {
    vec2 uv = gl_FragCoord.xy / iResolution.xy;
    fragColor = vec4(noise1(uv.x), noise2(uv).y, noise3(uv.xyx).z, noise4(vec4(uv, 1.0, 2.0)).w);
}
