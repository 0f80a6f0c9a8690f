// Preprocessor: object-like and function-like macros (with several
// arguments, nested calls, a multi-line macro), #if/#elif/#else with
// arithmetic, #ifdef/#ifndef/defined() and #undef. Interfering ripples.

#define TAU 6.28318530718
#define QUALITY 2
#define USE_TINT
#define SQ(x) ((x) * (x))
#define REMAP01(v) (0.5 + 0.5 * (v))
#define WAVE(p, c, k, w) sin(length((p) - (c)) * (k) - iTime * (w))
#define PALETTE(t, a, b) (a + b * cos(TAU * (vec3(0.0, 0.33, 0.67) + (t))))
#define SOURCE(i) vec2(0.45 * cos(0.5 * iTime + float(i) * TAU / float(SOURCES)), \
                       0.45 * sin(0.7 * iTime + float(i) * TAU / float(SOURCES)))

#if QUALITY >= 2
    #define SOURCES 4
#elif QUALITY == 1
    #define SOURCES 3
#else
    #define SOURCES 2
#endif

#ifndef GAMMA
#define GAMMA 1.4
#endif

void mainImage(out vec4 fragColor, in vec2 fragCoord)
{
    vec2 p = (fragCoord - 0.5 * iResolution.xy) / iResolution.y;

    float h = 0.0;
    for (int i = 0; i < SOURCES; i++) {
        vec2 c = SOURCE(i);
        h += WAVE(p, c, 45.0, 4.0) / (1.0 + 4.0 * SQ(length(p - c)));
    }
    h /= float(SOURCES) * 0.5;

#ifdef USE_TINT
    vec3 col = PALETTE(0.35 * h + 0.1 * iTime, vec3(0.45), vec3(0.45));
#else
    vec3 col = vec3(REMAP01(h));
#endif

#if defined(USE_TINT) && QUALITY > 1
    col *= 0.35 + 0.65 * REMAP01(h);
    col += vec3(0.9, 0.95, 1.0) * smoothstep(0.75, 1.0, h);
#endif

#undef SQ
#ifdef SQ
    col = vec3(1.0, 0.0, 1.0);   // never compiled
#endif

    col = pow(clamp(col, 0.0, 1.0), vec3(1.0 / GAMMA));
    fragColor = vec4(col, 1.0);
}
