// Value-noise fbm clouds: lattice values from an integer hash, smooth
// (quintic) interpolation, 6 octaves with a rotation between octaves.
// The cloud layer drifts over a sunset gradient as iTime advances.

float latticeValue(ivec2 c)
{
    uint h = uint(c.x) * 1597334673u ^ uint(c.y) * 3812015801u;
    h = (h ^ (h >> 16)) * 0x45D9F3Bu;
    h ^= h >> 16;
    return float(h >> 8) * (1.0 / 16777216.0);   // [0, 1)
}

float valueNoise(vec2 p)
{
    vec2 i = floor(p);
    vec2 f = p - i;
    vec2 u = f * f * f * (f * (f * 6.0 - 15.0) + 10.0);
    ivec2 c = ivec2(i);
    float a = latticeValue(c);
    float b = latticeValue(c + ivec2(1, 0));
    float d = latticeValue(c + ivec2(0, 1));
    float e = latticeValue(c + ivec2(1, 1));
    return mix(mix(a, b, u.x), mix(d, e, u.x), u.y);
}

float fbm(vec2 p)
{
    const mat2 m = mat2(1.6, 1.2, -1.2, 1.6);   // rotate + scale by 2
    float sum = 0.0;
    float amp = 0.5;
    for (int i = 0; i < 6; i++) {
        sum += amp * valueNoise(p);
        p = m * p + vec2(3.1, 1.7);
        amp *= 0.5;
    }
    return sum;   // roughly [0, 1)
}

void mainImage(out vec4 fragColor, in vec2 fragCoord)
{
    vec2 uv = fragCoord / iResolution.xy;
    vec2 p = (fragCoord - 0.5 * iResolution.xy) / iResolution.y;

    vec3 sky = mix(vec3(0.95, 0.55, 0.3), vec3(0.15, 0.25, 0.55), uv.y);
    float sunDist = length(p - vec2(0.25, -0.05));
    sky += vec3(1.0, 0.7, 0.35) * exp(-12.0 * sunDist);

    vec2 q = p * 3.0 + vec2(0.35 * iTime, 0.05 * iTime);
    float n = fbm(q);
    float cover = smoothstep(0.45, 0.75, n + 0.15 * uv.y);
    float shade = fbm(q + vec2(0.12, 0.08));           // offset sample fakes lighting
    vec3 cloud = mix(vec3(1.0, 0.92, 0.85), vec3(0.45, 0.4, 0.5), smoothstep(0.3, 0.8, shade));

    vec3 col = mix(sky, cloud, cover * 0.9);
    fragColor = vec4(clamp(col, 0.0, 1.0), 1.0);
}
