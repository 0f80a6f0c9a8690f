// Metamorphic case (fixed in glslc/emit.py, expr_stmt): expression statements whose values are unused,
// of different types in one scope. The generated code assigned each to the Python name `_`, and a Taichi
// variable keeps the type of its first value, so the vec4 statement after the vec3 one failed to compile
// ("cannot assign '[Tensor (4) f32]' to '[Tensor (3) f32]'"). Found by the `arith` rewrite, which turned
// `outColor = ...;` into `(outColor = ...) - 0.0;` after another statement of type vec3.
// Expected: the pixel at fragCoord (x, y) is (x + 0.5, y + 0.5, 1.5, 1.5) before clamping.
void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    vec3 v = vec3(fragCoord, 1.0);
    float x = fragCoord.x;
    v - 0.5;
    x > 3.0 ? x : 1.0;
    fragColor = vec4(v, 1.0) + 0.5;
    fragColor - 0.25;
}
