// Raymarched metaballs: four spheres blended with a polynomial smooth
// minimum, a mat3 camera, one reflection bounce, Fresnel, soft shadow on
// a glossy floor, and an environment gradient. Blobs merge and split.

float smin(float a, float b, float k)
{
    float h = max(k - abs(a - b), 0.0) / k;
    return min(a, b) - h * h * k * 0.25;
}

vec3 ballPos(int i, float t)
{
    float fi = float(i);
    return vec3(0.9 * sin(t * (0.7 + 0.1 * fi) + fi * 1.9),
                0.4 + 0.3 * sin(t * 1.1 + fi * 2.3),
                0.9 * cos(t * (0.6 + 0.13 * fi) + fi * 0.7));
}

float blobs(vec3 p)
{
    float d = 1e5;
    for (int i = 0; i < 4; i++) {
        d = smin(d, length(p - ballPos(i, iTime)) - 0.42, 0.6);
    }
    return d;
}

float map(vec3 p)
{
    return min(blobs(p), p.y + 0.5);
}

vec3 normalAt(vec3 p)
{
    const vec2 e = vec2(0.0015, -0.0015);
    return normalize(e.xyy * map(p + e.xyy) + e.yyx * map(p + e.yyx) +
                     e.yxy * map(p + e.yxy) + e.xxx * map(p + e.xxx));
}

float march(vec3 ro, vec3 rd, float tmax)
{
    float t = 0.0;
    for (int i = 0; i < 80; i++) {
        float d = map(ro + rd * t);
        if (d < 0.001 * (1.0 + t)) return t;
        t += d;
        if (t > tmax) return -1.0;
    }
    return t;   // ran out of steps close to a surface: treat as a hit
}

float shadow(vec3 ro, vec3 rd)
{
    float res = 1.0, t = 0.03;
    for (int i = 0; i < 20; i++) {
        float h = blobs(ro + rd * t);
        res = min(res, 8.0 * h / t);
        t += clamp(h, 0.04, 0.4);
        if (res < 0.005 || t > 6.0) break;
    }
    return clamp(res, 0.0, 1.0);
}

vec3 environment(vec3 rd)
{
    vec3 c = mix(vec3(0.75, 0.55, 0.45), vec3(0.1, 0.2, 0.5), clamp(rd.y * 2.0 + 0.2, 0.0, 1.0));
    return c + vec3(1.0, 0.9, 0.7) * pow(max(dot(rd, normalize(vec3(0.5, 0.6, -0.6))), 0.0), 24.0);
}

vec3 surface(vec3 p, vec3 n, float gridAmount)
{
    vec3 sun = normalize(vec3(0.5, 0.6, -0.6));
    float dif = clamp(dot(n, sun), 0.0, 1.0) * shadow(p + n * 0.01, sun);
    vec3 albedo;
    if (p.y < -0.49) {
        vec2 g = abs(fract(p.xz * 1.5) - 0.5);
        float line = smoothstep(0.46, 0.5, max(g.x, g.y)) * exp(-0.12 * dot(p.xz, p.xz));
        albedo = mix(vec3(0.08, 0.09, 0.12), vec3(0.3, 0.5, 0.7), line * gridAmount);
    } else {
        albedo = 0.45 + 0.45 * cos(vec3(0.0, 2.0, 4.0) + 2.5 * p.y + 0.7 * iTime);
    }
    return albedo * (0.15 + 1.1 * dif);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord)
{
    vec2 uv = (2.0 * fragCoord - iResolution.xy) / iResolution.y;
    float a = 0.25 * iTime + 0.5;
    vec3 ro = vec3(3.2 * sin(a), 1.3, 3.2 * cos(a));
    vec3 fw = normalize(vec3(0.0, 0.2, 0.0) - ro);
    vec3 rt = normalize(cross(fw, vec3(0.0, 1.0, 0.0)));
    mat3 cam = mat3(rt, cross(rt, fw), fw);
    vec3 rd = cam * normalize(vec3(uv, 1.7));

    vec3 col = environment(rd);
    float t = march(ro, rd, 12.0);
    if (t > 0.0) {
        vec3 p = ro + rd * t;
        vec3 n = normalAt(p);
        col = surface(p, n, 1.0);
        // one reflection bounce, weighted by Schlick Fresnel
        vec3 rr = reflect(rd, n);
        float fre = 0.04 + 0.96 * pow(1.0 - clamp(dot(n, -rd), 0.0, 1.0), 5.0);
        float t2 = march(p + n * 0.02, rr, 8.0);
        vec3 refl = t2 > 0.0 ? surface(p + n * 0.02 + rr * t2, normalAt(p + n * 0.02 + rr * t2), 0.2)
                             : environment(rr);
        col = mix(col, refl, 0.1 + 0.6 * fre);
        float fogT = max(t - 3.0, 0.0);
        col = mix(col, environment(rd), 1.0 - exp(-0.03 * fogT * fogT));
    }
    col = pow(clamp(col, 0.0, 1.0), vec3(0.4545));
    fragColor = vec4(col, 1.0);
}
