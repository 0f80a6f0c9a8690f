// Metamorphic case (fixed in glslc/emit.py, user_call): a global passed as an `inout` argument to a
// function that also writes that global. GLSL copies the argument out at the return, after the function's
// own write, so `g` ends as 0.75; the generated code wrote the threaded global back after the copy-out and
// left 5.0. Found by the `dead` rewrite on a corpus path tracer (a dead `g_seed = ...` in a function called
// as `hash3(g_seed)`). Expected: red 0.75 everywhere (the reference agrees).
float g = 0.0;

float bump(inout float s) {
    g = 5.0;
    s += 0.25;
    return s;
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    g = 0.5;
    bump(g);
    fragColor = vec4(g, 0.0, 0.0, 1.0);
}
