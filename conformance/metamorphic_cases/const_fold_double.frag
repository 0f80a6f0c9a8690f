// Metamorphic case (fixed): glslc's checker folded float constant expressions in double precision and
// rounded once, at the end; computed at run time (and by Mesa's constant folding, which works in float32)
// every operation rounds to float32. Here 43758.5453 * 0.001 folded to 43.758545 but is 43.75855 at run
// time, one float32 step apart. Now every folded float operation rounds to float32. The `fold` rewrite
// (conformance/metamorphic.py) finds this kind of difference: it wraps a folded operand in an identity
// function, which moves the operation to run time.
// Expected (the reference): black everywhere; the Taichi back end gave red before the fix.
float id(float x) { return x; }

void mainImage(out vec4 fragColor, in vec2 fragCoord) {
    float folded = 43758.5453 * 0.001;        // a constant expression: folded by the checker
    float runtime = 43758.5453 * id(0.001);   // the same product, computed in float32 at run time
    fragColor = vec4(folded == runtime ? 0.0 : 1.0, 0.0, 0.0, 1.0);
}
