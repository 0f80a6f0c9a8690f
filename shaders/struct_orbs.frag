// Structs: an Orb struct (position, radius, colour) and a Light struct
// nested in a Scene struct; structs are constructed, copied, passed to and
// returned from functions, compared by field, and stored in an array.

struct Orb {
    vec2 pos;
    float radius;
    vec3 color;
};

struct Light {
    vec2 dir;
    float intensity;
};

struct Scene {
    Orb orbs[4];
    Light key;
};

struct Shade {
    vec3 color;
    float coverage;
};

Orb makeOrb(int i, float time)
{
    float fi = float(i);
    float a = time * (0.4 + 0.15 * fi) + fi * 1.7;
    vec2 pos = vec2(cos(a), sin(1.3 * a)) * (0.2 + 0.06 * fi);
    vec3 color = 0.5 + 0.5 * cos(vec3(0.0, 2.0, 4.0) + fi * 1.3);
    return Orb(pos, 0.12 + 0.03 * fi, color);
}

Scene buildScene(float time)
{
    Scene s;
    for (int i = 0; i < 4; i++) s.orbs[i] = makeOrb(i, time);
    s.key = Light(normalize(vec2(-0.6, 0.8)), 1.2);
    return s;
}

Shade shadeOrb(Orb o, Light l, vec2 p)
{
    vec2 d = (p - o.pos) / o.radius;
    float r2 = dot(d, d);
    Shade sh;
    sh.coverage = smoothstep(1.0, 0.92, r2);
    // fake sphere normal from the disc position
    vec3 n = vec3(d, sqrt(max(1.0 - r2, 0.0)));
    float diff = max(dot(n, vec3(l.dir, 0.5)), 0.0) * l.intensity;
    float rim = pow(1.0 - clamp(n.z, 0.0, 1.0), 3.0);
    sh.color = o.color * (0.2 + diff) + rim * 0.4;
    return sh;
}

Shade over(Shade top, Shade bottom)
{
    return Shade(mix(bottom.color, top.color, top.coverage),
                 top.coverage + bottom.coverage * (1.0 - top.coverage));
}

void mainImage(out vec4 fragColor, in vec2 fragCoord)
{
    vec2 p = (fragCoord - 0.5 * iResolution.xy) / iResolution.y;
    Scene scene = buildScene(iTime);

    Shade acc = Shade(vec3(0.05, 0.06, 0.1) + 0.08 * vec3(p.y + 0.5), 0.0);
    float glow = 0.0;
    for (int i = 0; i < 4; i++) {
        Orb o = scene.orbs[i];
        glow += 0.004 / (0.002 + dot(p - o.pos, p - o.pos));
        acc = over(shadeOrb(o, scene.key, p), acc);
    }
    // which orb is the biggest? (struct field compare + copy)
    Orb big = scene.orbs[0];
    for (int i = 1; i < 4; i++) {
        if (scene.orbs[i].radius > big.radius) big = scene.orbs[i];
    }
    float ring = smoothstep(0.01, 0.0, abs(length(p - big.pos) - big.radius - 0.03));

    vec3 col = acc.color + glow * 0.12 * vec3(0.6, 0.7, 1.0) + ring * big.color;
    fragColor = vec4(clamp(col, 0.0, 1.0), 1.0);
}
