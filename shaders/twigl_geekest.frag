// twigl: geekest300
// TwiGL "geekest" body: glowing contour lines of 3D simplex noise on
// five rotated slices, coloured with hsv(), rotate3D()/rotate2D() and PI.
vec2 p = (FC.xy * 2. - r) / r.y;
p *= rotate2D(PI / 8. + t * .1);
vec3 c = vec3(0);
for (float i = 0.; i < 5.; i++) {
  vec3 q = rotate3D(t * .15 + i * PI2 / 5., vec3(1, 1, .5)) * vec3(p * (1. + i * .35), i * .7);
  float n = snoise3D(q + vec3(0, 0, t * .25));
  float line = smoothstep(.06, 0., abs(n)) * (1. - i * .15);
  c += hsv(i * .19 + t * .05 + n * .3, .75, 1.) * line * .6;
}
c += hsv(.65 + p.y * .1, .6, .18 + .1 * snoise2D(p * 2. + t * .1));
o = vec4(clamp(c, 0., 1.), 1);
