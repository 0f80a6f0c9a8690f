#version 300 es
// A complete GLSL ES 3.00 fragment shader (not Shadertoy-wrapped): its own
// precision, uniforms (iResolution, iTime), `out vec4` and void main().
// Polar flower of rounded petals with a soft glow, spinning over time.
precision highp float;

uniform vec3 iResolution;
uniform float iTime;

out vec4 outColor;

const float PI = 3.14159265;

float petals(vec2 p, float n, float t)
{
    float a = atan(p.y, p.x) + 0.6 * t;
    float r = length(p);
    float shape = 0.32 + 0.12 * cos(n * a) + 0.03 * sin(3.0 * n * a - 2.0 * t);
    return r - shape;
}

void main()
{
    vec2 p = (2.0 * gl_FragCoord.xy - iResolution.xy) / iResolution.y * 0.6;
    float d1 = petals(p, 5.0, iTime);
    float d2 = petals(p * 1.6, 8.0, -1.3 * iTime);

    vec3 bg = mix(vec3(0.05, 0.1, 0.2), vec3(0.15, 0.05, 0.2), 0.5 + 0.5 * p.y);
    bg += vec3(0.05, 0.12, 0.15) * (0.5 + 0.5 * sin(30.0 * length(p) - 3.0 * iTime));
    vec3 col = bg + vec3(0.6, 0.3, 0.5) * 0.03 / (0.03 + abs(d1));
    col = mix(col, vec3(0.95, 0.45, 0.55) * (0.6 + 0.6 * -d1), smoothstep(0.01, -0.01, d1));
    col = mix(col, vec3(1.0, 0.85, 0.35) * (0.7 + 0.5 * -d2), smoothstep(0.01, -0.01, d2));
    col += vec3(1.0, 0.95, 0.7) * smoothstep(0.09, 0.0, length(p));

    outColor = vec4(clamp(col, 0.0, 1.0), 1.0);
}
