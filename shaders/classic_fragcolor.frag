// Classic GLSL ES 1.00 (WebGL 1 / GLSL Sandbox style): no version directive,
// precision statement, `resolution`/`time` uniforms and gl_FragColor.
// Scrolling sine-wave bands over a rotating colour plasma.
precision mediump float;

uniform vec2 resolution;
uniform float time;

void main(void)
{
    vec2 uv = gl_FragCoord.xy / resolution.xy;
    vec2 p = (gl_FragCoord.xy * 2.0 - resolution) / min(resolution.x, resolution.y);

    float v = sin(p.x * 3.0 + time);
    v += sin((p.y * 3.0 + time) * 0.7);
    v += sin(length(p * 4.0) - time * 1.3);
    v *= 0.333;

    vec3 col = vec3(0.5 + 0.5 * sin(3.14159 * v), 0.5 + 0.5 * sin(3.14159 * v + 2.0), 0.5 + 0.5 * sin(3.14159 * v + 4.0));

    // three scrolling wave lines
    for (int i = 0; i < 3; i++) {
        float fi = float(i);
        float y = 0.25 + 0.25 * fi + 0.06 * sin(uv.x * 8.0 + time * (1.0 + 0.3 * fi));
        col += vec3(1.0, 0.95, 0.9) * 0.3 * exp(-abs(uv.y - y) / 0.03);   // soft glow: kind to mediump
    }

    gl_FragColor = vec4(clamp(col, 0.0, 1.0), 1.0);
}
