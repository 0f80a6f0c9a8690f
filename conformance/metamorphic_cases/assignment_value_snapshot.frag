// Metamorphic case (fixed in glslc/emit.py, x_Assign / x_PreIncDec): the value of an assignment (or of
// `++x`) used as an operand, when a later operand writes the same variable. GLSL (and Mesa, which keeps
// the value in a temporary) gives vec2(0.35, 0.45) below; the generated code read `seed` after both
// writes and gave vec2(0.45, 0.45). Found by the `select` rewrite on a corpus path tracer's hash
// (`vec2(seed += .1, seed += .1)`): wrapping the first operand in `?:` made the code generator take a
// temporary there, so the rewritten shader was right and the original wrong.
// Expected: (0.35, 0.45, 0.45) everywhere (the reference agrees).
vec2 hash(inout float seed) {
    return vec2(seed += 0.1, seed += 0.1);
}

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    float s = 0.25;
    vec2 v = hash(s);
    fragColor = vec4(v, s, 1.0);
}
