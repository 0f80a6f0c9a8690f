// Early returns: a function returning from inside a loop at the first
// pane that contains the point, one returning early from an if on the
// lead lines, and mainImage itself returning early for the frame border.

const int PANES = 7;
const vec3 LEAD = vec3(0.06, 0.05, 0.05);

vec2 paneCenter(int i, float time)
{
    float fi = float(i);
    return 0.55 * vec2(sin(fi * 2.4 + 0.3 * time), cos(fi * 1.7 + 0.23 * time));
}

// width of the gap between the two nearest pane centres (0 on a lead line)
float leading(vec2 p, float time)
{
    float d1 = 1e5, d2 = 1e5;
    for (int i = 0; i < PANES; i++) {
        float d = length(p - paneCenter(i, time));
        if (d < d1) { d2 = d1; d1 = d; } else if (d < d2) { d2 = d; }
    }
    return d2 - d1;
}

// colour of the first pane (in order) whose disc contains p
vec3 paneColor(vec2 p, float time)
{
    float nearEdge = 1.0;   // closest edge of the panes passed over so far
    for (int i = 0; i < PANES; i++) {
        vec2 c = paneCenter(i, time);
        float r = 0.35 + 0.1 * sin(float(i) + time);
        float d = length(p - c) - r;
        if (d < 0.0) {
            float fi = float(i);
            vec3 glass = 0.55 + 0.45 * cos(vec3(0.0, 2.1, 4.2) + fi * 0.9);
            glass *= 0.75 + 0.35 * smoothstep(-r, 0.0, d);
            float rim = smoothstep(0.012, 0.024, min(-d, nearEdge));
            return mix(LEAD, glass, rim);                 // early return inside loop
        }
        nearEdge = min(nearEdge, d);
    }
    return mix(LEAD, vec3(0.85, 0.85, 0.75), smoothstep(0.012, 0.024, nearEdge));
}

vec3 window(vec2 p, float time)
{
    float l = leading(p, time);
    if (l < 0.02) {
        return LEAD;                                      // early return inside if
    }
    return mix(LEAD, paneColor(p, time), smoothstep(0.02, 0.035, l));
}

void mainImage(out vec4 fragColor, in vec2 fragCoord)
{
    vec2 uv = fragCoord / iResolution.xy;
    vec2 frame = min(uv, 1.0 - uv);
    if (min(frame.x, frame.y) < 0.04) {
        fragColor = vec4(0.25, 0.15, 0.08, 1.0);          // wooden frame
        return;
    }
    vec2 p = (fragCoord - 0.5 * iResolution.xy) / iResolution.y;
    vec3 col = window(p, iTime);
    col *= 0.7 + 0.5 * uv.y;                              // brighter towards the top
    fragColor = vec4(clamp(col, 0.0, 1.0), 1.0);
}
