// Metamorphic case (fixed in glslc/emit.py, index_code): a dynamic array index out of bounds. GLSL leaves
// the result undefined; the generated Taichi code read whatever lay beside the array on the stack, which
// changed with the shape of the code (a dead branch three functions away changed 700 of 2048 pixels of a
// corpus flag shader, 3tcfDf, whose palette index runs past the end). The back end now clamps dynamic
// array indices into range (reads and writes): deterministic, and it cannot touch other variables. The
// reference reads past the array too (llvmpipe: other uniforms, garbage), so out-of-bounds pixels are not
// comparable; on 3tcfDf the clamped render matches the reference on every pixel (607 of 2048 pixels
// differed before). Expected here (Taichi): the top rows blue (index -2 clamps to 0), the bottom rows
// magenta (index 6 clamps to 4).
void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec3 palette[5] = vec3[](vec3(0.0, 0.0, 1.0), vec3(0.0, 1.0, 0.0), vec3(0.0, 1.0, 1.0),
                             vec3(1.0, 0.0, 0.0), vec3(1.0, 0.0, 1.0));
    int i = int(floor((1.0 - fragCoord.y / iResolution.y) * 9.0)) - 2;  // -2 .. 6
    fragColor = vec4(palette[i], 1.0);
}
