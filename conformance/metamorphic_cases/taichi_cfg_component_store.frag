// Metamorphic case (a Taichi 1.7.4 bug, worked around in glslc/emit.py Emitter.store): component writes into a vector (`col.r = ...`, emitted as
// in-place `col[0] = ...`) between two inlined calls of a function whose body is a loop (here the
// single-exit form of a `return` inside `do { } while (false)`), then the whole vector read (`col *=`):
// Taichi's cfg_optimization pass computes the wrong value at the circle's edge. Without the do/while the
// shader renders right; with `GLSLC_TI_OPTIONS=cfg_optimization=0` too. Found by the `loop`, `dead` and
// `select` rewrites on a corpus shader (a bouncing ball), reduced by hand; `taichi_cfg_component_store.py`
// beside this file reproduces it in plain Taichi. Expected: a dark disc with a tinted ring (the reference;
// the Taichi back end gets 34 of 1024 pixels wrong at 32x32).
float circle(vec2 uv, vec2 p, float r, float blur) {
    do {
        float d = length(uv - p);
        return smoothstep(r - blur, r + blur, d);
    } while (false);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec2 uv = fragCoord / iResolution.xy;
    vec2 p = vec2(0.3, 0.303) * iTime;
    vec3 col = vec3(0);
    float shadow = 1.0 - circle(uv, p, 0.15, 0.05);
    vec3 tint = vec3(0);
    tint.b = sin(iTime * 1.2) * 0.5 + 0.5;
    col.r = mix(col.r, tint.r, shadow);
    col.g = mix(col.g, tint.g, shadow);
    col.b = mix(col.b, tint.b, shadow);
    float mask = circle(uv, p, 0.1, 0.003);
    col *= vec3(mask);
    fragColor = vec4(col, 1.0);
}
