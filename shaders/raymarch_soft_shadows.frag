// SDF raymarching: a sphere, a rounded box and a torus on a checker floor,
// lit by a sun with penumbra soft shadows and ambient occlusion. Shows a
// struct hit record, mat3 look-at camera, central-difference normals.

struct Hit {
    float d;    // signed distance
    float mat;  // material id
};

float sdSphere(vec3 p, float r) { return length(p) - r; }

float sdRoundBox(vec3 p, vec3 b, float r)
{
    vec3 q = abs(p) - b;
    return length(max(q, 0.0)) + min(max(q.x, max(q.y, q.z)), 0.0) - r;
}

float torusDist(vec3 p, vec2 t)
{
    vec2 q = vec2(length(p.xz) - t.x, p.y);
    return length(q) - t.y;
}

mat2 rot(float a) { float c = cos(a), s = sin(a); return mat2(c, -s, s, c); }

Hit closer(Hit a, Hit b) { return a.d < b.d ? a : b; }

Hit map(vec3 p)
{
    Hit h = Hit(p.y + 1.0, 0.0);
    h = closer(h, Hit(sdSphere(p - vec3(-1.3, -0.25 + 0.25 * sin(iTime * 1.5), 0.0), 0.75), 1.0));
    vec3 q = p - vec3(1.3, -0.35, 0.2);
    q.xz *= rot(0.6 * iTime);
    h = closer(h, Hit(sdRoundBox(q, vec3(0.45), 0.12), 2.0));
    vec3 k = p - vec3(0.0, -0.1, -1.6);
    k.yz *= rot(1.2);
    h = closer(h, Hit(torusDist(k, vec2(0.6, 0.2)), 3.0));
    return h;
}

vec3 calcNormal(vec3 p)
{
    const vec2 h = vec2(0.001, 0.0);
    return normalize(vec3(map(p + h.xyy).d - map(p - h.xyy).d,
                          map(p + h.yxy).d - map(p - h.yxy).d,
                          map(p + h.yyx).d - map(p - h.yyx).d));
}

float penumbraShadow(vec3 ro, vec3 rd)
{
    float res = 1.0;
    float t = 0.02;
    for (int i = 0; i < 24; i++) {
        float h = map(ro + rd * t).d;
        res = min(res, 10.0 * h / t);
        if (res < 0.001 || t > 8.0) break;
        t += clamp(h, 0.03, 0.5);
    }
    return clamp(res, 0.0, 1.0);
}

float occlusionTerm(vec3 p, vec3 n)
{
    float occ = 0.0;
    float w = 1.0;
    for (int i = 1; i <= 4; i++) {
        float h = 0.05 + 0.12 * float(i);
        occ += (h - map(p + n * h).d) * w;
        w *= 0.6;
    }
    return clamp(1.0 - 1.8 * occ, 0.0, 1.0);
}

mat3 lookAt(vec3 ro, vec3 ta)
{
    vec3 f = normalize(ta - ro);
    vec3 r = normalize(cross(f, vec3(0.0, 1.0, 0.0)));
    vec3 u = cross(r, f);
    return mat3(r, u, f);
}

vec3 materialColor(float m, vec3 p)
{
    if (m < 0.5) {
        float c = mod(floor(p.x * 1.5) + floor(p.z * 1.5), 2.0);
        return mix(vec3(0.25, 0.25, 0.3), vec3(0.7, 0.7, 0.65), c);
    }
    if (m < 1.5) return vec3(0.9, 0.25, 0.2);
    if (m < 2.5) return vec3(0.2, 0.55, 0.9);
    return vec3(0.95, 0.75, 0.2);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord)
{
    vec2 uv = (2.0 * fragCoord - iResolution.xy) / iResolution.y;

    float a = 0.3 * iTime;
    vec3 ro = vec3(4.5 * sin(a), 1.6, -4.5 * cos(a));
    vec3 rd = lookAt(ro, vec3(0.0, -0.3, 0.0)) * normalize(vec3(uv, 1.8));

    vec3 sky = mix(vec3(0.75, 0.85, 1.0), vec3(0.3, 0.45, 0.8), clamp(rd.y * 2.0, 0.0, 1.0));
    vec3 col = sky;

    float t = 0.0;
    Hit h = Hit(1e9, -1.0);
    for (int i = 0; i < 80; i++) {
        h = map(ro + rd * t);
        if (h.d < 0.001 * t || t > 20.0) break;
        t += h.d;
    }

    if (t < 20.0) {
        vec3 p = ro + rd * t;
        vec3 n = calcNormal(p);
        vec3 sun = normalize(vec3(0.6, 0.8, -0.4));
        float dif = max(dot(n, sun), 0.0);
        float sha = dif > 0.0 ? penumbraShadow(p + n * 0.01, sun) : 0.0;
        float occ = occlusionTerm(p, n);
        vec3 hal = normalize(sun - rd);
        float spe = pow(max(dot(n, hal), 0.0), 32.0) * dif * sha;

        vec3 albedo = materialColor(h.mat, p);
        vec3 light = vec3(1.3, 1.15, 0.95) * dif * sha
                   + vec3(0.25, 0.3, 0.45) * occ * (0.5 + 0.5 * n.y);
        col = albedo * light + 0.4 * spe;
        col = mix(col, sky, 1.0 - exp(-0.004 * t * t));
    }

    col = pow(clamp(col, 0.0, 1.0), vec3(0.4545));
    fragColor = vec4(col, 1.0);
}
