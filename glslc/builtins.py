"""The GLSL built-in functions and variables a fragment shader can use, as one declarative table.

:data:`TABLE` lists every built-in function in the GLSL specifications' own notation (GLSL 4.50 core
plus the GLSL ES 1.00 / 3.00 / 3.10 / 3.20 specifics and the few ES 1.00 extensions real shaders use).
:func:`overloads` expands it into concrete :class:`Signature` values for the checker's overload
resolution and the code generator; :func:`available` says whether one exists under a ``#version``.

Table notation
--------------
``== AVAIL`` starts a section: the functions below it exist in the versions ``AVAIL`` names (see
*Availability*). A line ``RET name(PARAMS)`` declares a function; ``@ AVAIL`` at its end overrides the
section's availability for that line. Each parameter is ``[in|out|inout] [const] TYPE NAME``; ``const``
marks an argument that must be a constant expression (texel offsets, gather components). A trailing
``[, TYPE NAME ...]`` group is optional: the line stands for the calls with and without it.

Placeholders, expanded into every concrete type (one choice per family for a whole line):

* ``genFType`` ``genIType`` ``genUType`` ``genBType`` ``genDType``: float/int/uint/bool/double scalar or
  vector of 2-4; all ``gen*Type`` of one line share one size (so ``mix(genFType, genFType, genBType)``
  pairs ``vec3`` with ``bvec3``, ``frexp(genFType, out genIType)`` ``vec2`` with ``ivec2``).
* ``vec`` ``ivec`` ``uvec`` ``bvec`` ``dvec``: vectors of 2-4 only, again one size per line.
* ``mat`` / ``dmat``: every float / double matrix type (square and non-square), one per line.
* ``{A}`` ``{B}`` inside a type name: a size 2-4 (``mat{B}x{A} transpose(mat{A}x{B} m)``).
* ``gvec4`` with ``gsampler...``: the float, int and uint sampler variants with ``vec4`` / ``ivec4`` /
  ``uvec4`` results (``isampler2D`` pairs with ``ivec4``).

Availability
------------
A string of space-separated ranges; a signature exists where any range matches:
``es300`` (GLSL ES 3.00 and later), ``gl130`` (desktop GLSL 1.30 and later), ``gl110-410`` (desktop 1.10
up to 4.10), ``es100-100+GL_OES_standard_derivatives`` (GLSL ES 1.00 with that extension enabled).
``all`` means ``es100 gl110``. A signature's availability is its section's intersected with that of
every type it mentions (``uint`` needs ES 3.00 / GL 1.30, ``dvec3`` GL 4.00, ``sampler2DArray`` ES 3.00 /
GL 1.30...; see :func:`type_availability`).

Ranges follow what the reference compiler (Mesa 22, llvmpipe, desktop core context) accepts in fragment
shaders, which ``tests/test_builtins.py`` checks signature by signature for every version Mesa knows.
Where Mesa departs from the specifications, the table follows Mesa (comments in :data:`TABLE` say so):
``texture2D``/``textureCube``/``texture2DProj`` exist in every GLSL ES version (``texture3D`` from ES 3.00)
and in desktop core up to 4.10 (``gl_FragColor`` too, but not in ES 3.00), the ``texture2DLod``-style names
from ES 3.00 / GL 1.30;
``abs``/``sign``/``min``/``max``/``clamp`` on ``int`` exist in GLSL ES 1.00 and GL 1.10; ``determinant``
from GL 1.20; the relational functions also take ``dvec``. Mesa does not support
:data:`REFERENCE_UNSUPPORTED_EXTENSIONS` here: the table keeps their functions, under the extension.

Not covered: image, atomic-counter, memory-barrier and subgroup functions, and the extension-only
``*ARB`` texture names; operators are the checker's business.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import cache

from .types import BOOL, FLOAT, INT, VEC2, VEC4, Type, array, parse_type_name, struct

TABLE = """
# ---- angle and trigonometry ----
== all
genFType radians(genFType degrees)
genFType degrees(genFType radians)
genFType sin(genFType angle)
genFType cos(genFType angle)
genFType tan(genFType angle)
genFType asin(genFType x)
genFType acos(genFType x)
genFType atan(genFType y, genFType x)
genFType atan(genFType y_over_x)
== es300 gl130
genFType sinh(genFType x)
genFType cosh(genFType x)
genFType tanh(genFType x)
genFType asinh(genFType x)
genFType acosh(genFType x)
genFType atanh(genFType x)

# ---- exponential ----
== all
genFType pow(genFType x, genFType y)
genFType exp(genFType x)
genFType log(genFType x)
genFType exp2(genFType x)
genFType log2(genFType x)
genFType sqrt(genFType x)
genFType inversesqrt(genFType x)
== gl400
genDType sqrt(genDType x)
genDType inversesqrt(genDType x)

# ---- common ----
== all
genFType abs(genFType x)
genFType sign(genFType x)
genFType floor(genFType x)
genFType ceil(genFType x)
genFType fract(genFType x)
genFType mod(genFType x, genFType y)
genFType mod(genFType x, float y)
genFType min(genFType x, genFType y)
genFType min(genFType x, float y)
genFType max(genFType x, genFType y)
genFType max(genFType x, float y)
genFType clamp(genFType x, genFType minVal, genFType maxVal)
genFType clamp(genFType x, float minVal, float maxVal)
genFType mix(genFType x, genFType y, genFType a)
genFType mix(genFType x, genFType y, float a)
genFType step(genFType edge, genFType x)
genFType step(float edge, genFType x)
genFType smoothstep(genFType edge0, genFType edge1, genFType x)
genFType smoothstep(float edge0, float edge1, genFType x)
# the spec has the int forms from ES 3.00 / GL 1.30; Mesa offers them in every version
genIType abs(genIType x)
genIType sign(genIType x)
genIType min(genIType x, genIType y)
genIType min(genIType x, int y)
genIType max(genIType x, genIType y)
genIType max(genIType x, int y)
genIType clamp(genIType x, genIType minVal, genIType maxVal)
genIType clamp(genIType x, int minVal, int maxVal)
genUType min(genUType x, genUType y)
genUType min(genUType x, uint y)
genUType max(genUType x, genUType y)
genUType max(genUType x, uint y)
genUType clamp(genUType x, genUType minVal, genUType maxVal)
genUType clamp(genUType x, uint minVal, uint maxVal)
== es300 gl130
genFType trunc(genFType x)
genFType round(genFType x)
genFType roundEven(genFType x)
genFType modf(genFType x, out genFType i)
genFType mix(genFType x, genFType y, genBType a)
genBType isnan(genFType x)
genBType isinf(genFType x)
== es300 gl330
genIType floatBitsToInt(genFType value)
genUType floatBitsToUint(genFType value)
genFType intBitsToFloat(genIType value)
genFType uintBitsToFloat(genUType value)
== es310 gl450
genIType mix(genIType x, genIType y, genBType a)
genUType mix(genUType x, genUType y, genBType a)
genBType mix(genBType x, genBType y, genBType a)
== es320 gl400
genFType fma(genFType a, genFType b, genFType c)
== es310 gl400
genFType frexp(genFType x, out genIType exp)
genFType ldexp(genFType x, genIType exp)
== gl400
genDType abs(genDType x)
genDType sign(genDType x)
genDType floor(genDType x)
genDType trunc(genDType x)
genDType round(genDType x)
genDType roundEven(genDType x)
genDType ceil(genDType x)
genDType fract(genDType x)
genDType mod(genDType x, genDType y)
genDType mod(genDType x, double y)
genDType modf(genDType x, out genDType i)
genDType min(genDType x, genDType y)
genDType min(genDType x, double y)
genDType max(genDType x, genDType y)
genDType max(genDType x, double y)
genDType clamp(genDType x, genDType minVal, genDType maxVal)
genDType clamp(genDType x, double minVal, double maxVal)
genDType mix(genDType x, genDType y, genDType a)
genDType mix(genDType x, genDType y, double a)
genDType mix(genDType x, genDType y, genBType a)
genDType step(genDType edge, genDType x)
genDType step(double edge, genDType x)
genDType smoothstep(genDType edge0, genDType edge1, genDType x)
genDType smoothstep(double edge0, double edge1, genDType x)
genBType isnan(genDType x)
genBType isinf(genDType x)
genDType fma(genDType a, genDType b, genDType c)
genDType frexp(genDType x, out genIType exp)
genDType ldexp(genDType x, genIType exp)

# ---- floating-point pack and unpack ----
== es300 gl400
uint packUnorm2x16(vec2 v)
vec2 unpackUnorm2x16(uint p)
== es300 gl420
uint packSnorm2x16(vec2 v)
vec2 unpackSnorm2x16(uint p)
uint packHalf2x16(vec2 v)
vec2 unpackHalf2x16(uint v)
== es310 gl400
uint packUnorm4x8(vec4 v)
uint packSnorm4x8(vec4 v)
vec4 unpackUnorm4x8(uint p)
vec4 unpackSnorm4x8(uint p)
== gl400
double packDouble2x32(uvec2 v)
uvec2 unpackDouble2x32(double v)

# ---- geometric ----
== all
float length(genFType x)
float distance(genFType p0, genFType p1)
float dot(genFType x, genFType y)
vec3 cross(vec3 x, vec3 y)
genFType normalize(genFType x)
genFType faceforward(genFType N, genFType I, genFType Nref)
genFType reflect(genFType I, genFType N)
genFType refract(genFType I, genFType N, float eta)
== gl400
double length(genDType x)
double distance(genDType p0, genDType p1)
double dot(genDType x, genDType y)
dvec3 cross(dvec3 x, dvec3 y)
genDType normalize(genDType x)
genDType faceforward(genDType N, genDType I, genDType Nref)
genDType reflect(genDType I, genDType N)
genDType refract(genDType I, genDType N, double eta)

# ---- matrix ----
== all
mat matrixCompMult(mat x, mat y)
== es300 gl120
mat{B}x{A} outerProduct(vec{A} c, vec{B} r)
mat{B}x{A} transpose(mat{A}x{B} m)
== es300 gl120  # the spec says GL 1.50; Mesa has it from 1.20
float determinant(mat{A}x{A} m)
== es300 gl140
mat{A}x{A} inverse(mat{A}x{A} m)
== gl400
dmat matrixCompMult(dmat x, dmat y)
dmat{B}x{A} outerProduct(dvec{A} c, dvec{B} r)
dmat{B}x{A} transpose(dmat{A}x{B} m)
double determinant(dmat{A}x{A} m)
dmat{A}x{A} inverse(dmat{A}x{A} m)

# ---- vector relational (the dvec forms are Mesa's; GL 4.00 has doubles) ----
== all
bvec lessThan(vec x, vec y)
bvec lessThan(ivec x, ivec y)
bvec lessThan(uvec x, uvec y)
bvec lessThan(dvec x, dvec y)
bvec lessThanEqual(vec x, vec y)
bvec lessThanEqual(ivec x, ivec y)
bvec lessThanEqual(uvec x, uvec y)
bvec lessThanEqual(dvec x, dvec y)
bvec greaterThan(vec x, vec y)
bvec greaterThan(ivec x, ivec y)
bvec greaterThan(uvec x, uvec y)
bvec greaterThan(dvec x, dvec y)
bvec greaterThanEqual(vec x, vec y)
bvec greaterThanEqual(ivec x, ivec y)
bvec greaterThanEqual(uvec x, uvec y)
bvec greaterThanEqual(dvec x, dvec y)
bvec equal(vec x, vec y)
bvec equal(ivec x, ivec y)
bvec equal(uvec x, uvec y)
bvec equal(dvec x, dvec y)
bvec equal(bvec x, bvec y)
bvec notEqual(vec x, vec y)
bvec notEqual(ivec x, ivec y)
bvec notEqual(uvec x, uvec y)
bvec notEqual(dvec x, dvec y)
bvec notEqual(bvec x, bvec y)
bool any(bvec x)
bool all(bvec x)
bvec not(bvec x)

# ---- integer ----
== es310 gl400
genUType uaddCarry(genUType x, genUType y, out genUType carry)
genUType usubBorrow(genUType x, genUType y, out genUType borrow)
void umulExtended(genUType x, genUType y, out genUType msb, out genUType lsb)
void imulExtended(genIType x, genIType y, out genIType msb, out genIType lsb)
genIType bitfieldExtract(genIType value, int offset, int bits)
genUType bitfieldExtract(genUType value, int offset, int bits)
genIType bitfieldInsert(genIType base, genIType insert, int offset, int bits)
genUType bitfieldInsert(genUType base, genUType insert, int offset, int bits)
genIType bitfieldReverse(genIType value)
genUType bitfieldReverse(genUType value)
genIType bitCount(genIType value)
genIType bitCount(genUType value)
genIType findLSB(genIType value)
genIType findLSB(genUType value)
genIType findMSB(genIType value)
genIType findMSB(genUType value)

# ---- texture queries ----
== es300 gl130
int textureSize(gsampler1D sampler, int lod)
ivec2 textureSize(gsampler2D sampler, int lod)
ivec3 textureSize(gsampler3D sampler, int lod)
ivec2 textureSize(gsamplerCube sampler, int lod)
int textureSize(sampler1DShadow sampler, int lod)
ivec2 textureSize(sampler2DShadow sampler, int lod)
ivec2 textureSize(samplerCubeShadow sampler, int lod)
ivec3 textureSize(gsamplerCubeArray sampler, int lod)
ivec3 textureSize(samplerCubeArrayShadow sampler, int lod)
ivec2 textureSize(gsampler2DRect sampler)
ivec2 textureSize(sampler2DRectShadow sampler)
ivec2 textureSize(gsampler1DArray sampler, int lod)
ivec3 textureSize(gsampler2DArray sampler, int lod)
ivec2 textureSize(sampler1DArrayShadow sampler, int lod)
ivec3 textureSize(sampler2DArrayShadow sampler, int lod)
int textureSize(gsamplerBuffer sampler)
ivec2 textureSize(gsampler2DMS sampler)
ivec3 textureSize(gsampler2DMSArray sampler)
== gl400
vec2 textureQueryLod(gsampler1D sampler, float P)
vec2 textureQueryLod(gsampler2D sampler, vec2 P)
vec2 textureQueryLod(gsampler3D sampler, vec3 P)
vec2 textureQueryLod(gsamplerCube sampler, vec3 P)
vec2 textureQueryLod(gsampler1DArray sampler, float P)
vec2 textureQueryLod(gsampler2DArray sampler, vec2 P)
vec2 textureQueryLod(gsamplerCubeArray sampler, vec3 P)
vec2 textureQueryLod(sampler1DShadow sampler, float P)
vec2 textureQueryLod(sampler2DShadow sampler, vec2 P)
vec2 textureQueryLod(samplerCubeShadow sampler, vec3 P)
vec2 textureQueryLod(sampler1DArrayShadow sampler, float P)
vec2 textureQueryLod(sampler2DArrayShadow sampler, vec2 P)
vec2 textureQueryLod(samplerCubeArrayShadow sampler, vec3 P)
== gl430
int textureQueryLevels(gsampler1D sampler)
int textureQueryLevels(gsampler2D sampler)
int textureQueryLevels(gsampler3D sampler)
int textureQueryLevels(gsamplerCube sampler)
int textureQueryLevels(gsampler1DArray sampler)
int textureQueryLevels(gsampler2DArray sampler)
int textureQueryLevels(gsamplerCubeArray sampler)
int textureQueryLevels(sampler1DShadow sampler)
int textureQueryLevels(sampler2DShadow sampler)
int textureQueryLevels(samplerCubeShadow sampler)
int textureQueryLevels(sampler1DArrayShadow sampler)
int textureQueryLevels(sampler2DArrayShadow sampler)
int textureQueryLevels(samplerCubeArrayShadow sampler)
== gl450
int textureSamples(gsampler2DMS sampler)
int textureSamples(gsampler2DMSArray sampler)

# ---- texel lookup ----
== es300 gl130
gvec4 texture(gsampler1D sampler, float P [, float bias])
gvec4 texture(gsampler2D sampler, vec2 P [, float bias])
gvec4 texture(gsampler3D sampler, vec3 P [, float bias])
gvec4 texture(gsamplerCube sampler, vec3 P [, float bias])
float texture(sampler1DShadow sampler, vec3 P [, float bias])
float texture(sampler2DShadow sampler, vec3 P [, float bias])
float texture(samplerCubeShadow sampler, vec4 P [, float bias])
gvec4 texture(gsampler1DArray sampler, vec2 P [, float bias])
gvec4 texture(gsampler2DArray sampler, vec3 P [, float bias])
gvec4 texture(gsamplerCubeArray sampler, vec4 P [, float bias])
float texture(sampler1DArrayShadow sampler, vec3 P [, float bias])
float texture(sampler2DArrayShadow sampler, vec4 P)
gvec4 texture(gsampler2DRect sampler, vec2 P)
float texture(sampler2DRectShadow sampler, vec3 P)
float texture(samplerCubeArrayShadow sampler, vec4 P, float compare)

gvec4 textureProj(gsampler1D sampler, vec2 P [, float bias])
gvec4 textureProj(gsampler1D sampler, vec4 P [, float bias])
gvec4 textureProj(gsampler2D sampler, vec3 P [, float bias])
gvec4 textureProj(gsampler2D sampler, vec4 P [, float bias])
gvec4 textureProj(gsampler3D sampler, vec4 P [, float bias])
float textureProj(sampler1DShadow sampler, vec4 P [, float bias])
float textureProj(sampler2DShadow sampler, vec4 P [, float bias])
gvec4 textureProj(gsampler2DRect sampler, vec3 P)
gvec4 textureProj(gsampler2DRect sampler, vec4 P)
float textureProj(sampler2DRectShadow sampler, vec4 P)

gvec4 textureLod(gsampler1D sampler, float P, float lod)
gvec4 textureLod(gsampler2D sampler, vec2 P, float lod)
gvec4 textureLod(gsampler3D sampler, vec3 P, float lod)
gvec4 textureLod(gsamplerCube sampler, vec3 P, float lod)
float textureLod(sampler1DShadow sampler, vec3 P, float lod)
float textureLod(sampler2DShadow sampler, vec3 P, float lod)
gvec4 textureLod(gsampler1DArray sampler, vec2 P, float lod)
gvec4 textureLod(gsampler2DArray sampler, vec3 P, float lod)
float textureLod(sampler1DArrayShadow sampler, vec3 P, float lod)
gvec4 textureLod(gsamplerCubeArray sampler, vec4 P, float lod)

gvec4 textureOffset(gsampler1D sampler, float P, const int offset [, float bias])
gvec4 textureOffset(gsampler2D sampler, vec2 P, const ivec2 offset [, float bias])
gvec4 textureOffset(gsampler3D sampler, vec3 P, const ivec3 offset [, float bias])
float textureOffset(sampler1DShadow sampler, vec3 P, const int offset [, float bias])
float textureOffset(sampler2DShadow sampler, vec3 P, const ivec2 offset [, float bias])
gvec4 textureOffset(gsampler1DArray sampler, vec2 P, const int offset [, float bias])
gvec4 textureOffset(gsampler2DArray sampler, vec3 P, const ivec2 offset [, float bias])
float textureOffset(sampler1DArrayShadow sampler, vec3 P, const int offset [, float bias])
float textureOffset(sampler2DArrayShadow sampler, vec4 P, const ivec2 offset) @ gl130
gvec4 textureOffset(gsampler2DRect sampler, vec2 P, const ivec2 offset)
float textureOffset(sampler2DRectShadow sampler, vec3 P, const ivec2 offset)

gvec4 texelFetch(gsampler1D sampler, int P, int lod)
gvec4 texelFetch(gsampler2D sampler, ivec2 P, int lod)
gvec4 texelFetch(gsampler3D sampler, ivec3 P, int lod)
gvec4 texelFetch(gsampler1DArray sampler, ivec2 P, int lod)
gvec4 texelFetch(gsampler2DArray sampler, ivec3 P, int lod)
gvec4 texelFetch(gsampler2DRect sampler, ivec2 P)
gvec4 texelFetch(gsamplerBuffer sampler, int P)
gvec4 texelFetch(gsampler2DMS sampler, ivec2 P, int sample)
gvec4 texelFetch(gsampler2DMSArray sampler, ivec3 P, int sample)

gvec4 texelFetchOffset(gsampler1D sampler, int P, int lod, const int offset)
gvec4 texelFetchOffset(gsampler2D sampler, ivec2 P, int lod, const ivec2 offset)
gvec4 texelFetchOffset(gsampler3D sampler, ivec3 P, int lod, const ivec3 offset)
gvec4 texelFetchOffset(gsampler1DArray sampler, ivec2 P, int lod, const int offset)
gvec4 texelFetchOffset(gsampler2DArray sampler, ivec3 P, int lod, const ivec2 offset)
gvec4 texelFetchOffset(gsampler2DRect sampler, ivec2 P, const ivec2 offset)

gvec4 textureProjOffset(gsampler1D sampler, vec2 P, const int offset [, float bias])
gvec4 textureProjOffset(gsampler1D sampler, vec4 P, const int offset [, float bias])
gvec4 textureProjOffset(gsampler2D sampler, vec3 P, const ivec2 offset [, float bias])
gvec4 textureProjOffset(gsampler2D sampler, vec4 P, const ivec2 offset [, float bias])
gvec4 textureProjOffset(gsampler3D sampler, vec4 P, const ivec3 offset [, float bias])
float textureProjOffset(sampler1DShadow sampler, vec4 P, const int offset [, float bias])
float textureProjOffset(sampler2DShadow sampler, vec4 P, const ivec2 offset [, float bias])
gvec4 textureProjOffset(gsampler2DRect sampler, vec3 P, const ivec2 offset)
gvec4 textureProjOffset(gsampler2DRect sampler, vec4 P, const ivec2 offset)
float textureProjOffset(sampler2DRectShadow sampler, vec4 P, const ivec2 offset)

gvec4 textureLodOffset(gsampler1D sampler, float P, float lod, const int offset)
gvec4 textureLodOffset(gsampler2D sampler, vec2 P, float lod, const ivec2 offset)
gvec4 textureLodOffset(gsampler3D sampler, vec3 P, float lod, const ivec3 offset)
float textureLodOffset(sampler1DShadow sampler, vec3 P, float lod, const int offset)
float textureLodOffset(sampler2DShadow sampler, vec3 P, float lod, const ivec2 offset)
gvec4 textureLodOffset(gsampler1DArray sampler, vec2 P, float lod, const int offset)
gvec4 textureLodOffset(gsampler2DArray sampler, vec3 P, float lod, const ivec2 offset)
float textureLodOffset(sampler1DArrayShadow sampler, vec3 P, float lod, const int offset)

gvec4 textureProjLod(gsampler1D sampler, vec2 P, float lod)
gvec4 textureProjLod(gsampler1D sampler, vec4 P, float lod)
gvec4 textureProjLod(gsampler2D sampler, vec3 P, float lod)
gvec4 textureProjLod(gsampler2D sampler, vec4 P, float lod)
gvec4 textureProjLod(gsampler3D sampler, vec4 P, float lod)
float textureProjLod(sampler1DShadow sampler, vec4 P, float lod)
float textureProjLod(sampler2DShadow sampler, vec4 P, float lod)

gvec4 textureProjLodOffset(gsampler1D sampler, vec2 P, float lod, const int offset)
gvec4 textureProjLodOffset(gsampler1D sampler, vec4 P, float lod, const int offset)
gvec4 textureProjLodOffset(gsampler2D sampler, vec3 P, float lod, const ivec2 offset)
gvec4 textureProjLodOffset(gsampler2D sampler, vec4 P, float lod, const ivec2 offset)
gvec4 textureProjLodOffset(gsampler3D sampler, vec4 P, float lod, const ivec3 offset)
float textureProjLodOffset(sampler1DShadow sampler, vec4 P, float lod, const int offset)
float textureProjLodOffset(sampler2DShadow sampler, vec4 P, float lod, const ivec2 offset)

gvec4 textureGrad(gsampler1D sampler, float P, float dPdx, float dPdy)
gvec4 textureGrad(gsampler2D sampler, vec2 P, vec2 dPdx, vec2 dPdy)
gvec4 textureGrad(gsampler3D sampler, vec3 P, vec3 dPdx, vec3 dPdy)
gvec4 textureGrad(gsamplerCube sampler, vec3 P, vec3 dPdx, vec3 dPdy)
gvec4 textureGrad(gsampler2DRect sampler, vec2 P, vec2 dPdx, vec2 dPdy)
float textureGrad(sampler2DRectShadow sampler, vec3 P, vec2 dPdx, vec2 dPdy)
float textureGrad(sampler1DShadow sampler, vec3 P, float dPdx, float dPdy)
float textureGrad(sampler2DShadow sampler, vec3 P, vec2 dPdx, vec2 dPdy)
float textureGrad(samplerCubeShadow sampler, vec4 P, vec3 dPdx, vec3 dPdy)
gvec4 textureGrad(gsampler1DArray sampler, vec2 P, float dPdx, float dPdy)
gvec4 textureGrad(gsampler2DArray sampler, vec3 P, vec2 dPdx, vec2 dPdy)
float textureGrad(sampler1DArrayShadow sampler, vec3 P, float dPdx, float dPdy)
float textureGrad(sampler2DArrayShadow sampler, vec4 P, vec2 dPdx, vec2 dPdy)
gvec4 textureGrad(gsamplerCubeArray sampler, vec4 P, vec3 dPdx, vec3 dPdy)

gvec4 textureGradOffset(gsampler1D sampler, float P, float dPdx, float dPdy, const int offset)
gvec4 textureGradOffset(gsampler2D sampler, vec2 P, vec2 dPdx, vec2 dPdy, const ivec2 offset)
gvec4 textureGradOffset(gsampler3D sampler, vec3 P, vec3 dPdx, vec3 dPdy, const ivec3 offset)
gvec4 textureGradOffset(gsampler2DRect sampler, vec2 P, vec2 dPdx, vec2 dPdy, const ivec2 offset)
float textureGradOffset(sampler2DRectShadow sampler, vec3 P, vec2 dPdx, vec2 dPdy, const ivec2 offset)
float textureGradOffset(sampler1DShadow sampler, vec3 P, float dPdx, float dPdy, const int offset)
float textureGradOffset(sampler2DShadow sampler, vec3 P, vec2 dPdx, vec2 dPdy, const ivec2 offset)
gvec4 textureGradOffset(gsampler1DArray sampler, vec2 P, float dPdx, float dPdy, const int offset)
gvec4 textureGradOffset(gsampler2DArray sampler, vec3 P, vec2 dPdx, vec2 dPdy, const ivec2 offset)
float textureGradOffset(sampler1DArrayShadow sampler, vec3 P, float dPdx, float dPdy, const int offset)
float textureGradOffset(sampler2DArrayShadow sampler, vec4 P, vec2 dPdx, vec2 dPdy, const ivec2 offset)

gvec4 textureProjGrad(gsampler1D sampler, vec2 P, float dPdx, float dPdy)
gvec4 textureProjGrad(gsampler1D sampler, vec4 P, float dPdx, float dPdy)
gvec4 textureProjGrad(gsampler2D sampler, vec3 P, vec2 dPdx, vec2 dPdy)
gvec4 textureProjGrad(gsampler2D sampler, vec4 P, vec2 dPdx, vec2 dPdy)
gvec4 textureProjGrad(gsampler3D sampler, vec4 P, vec3 dPdx, vec3 dPdy)
gvec4 textureProjGrad(gsampler2DRect sampler, vec3 P, vec2 dPdx, vec2 dPdy)
gvec4 textureProjGrad(gsampler2DRect sampler, vec4 P, vec2 dPdx, vec2 dPdy)
float textureProjGrad(sampler2DRectShadow sampler, vec4 P, vec2 dPdx, vec2 dPdy)
float textureProjGrad(sampler1DShadow sampler, vec4 P, float dPdx, float dPdy)
float textureProjGrad(sampler2DShadow sampler, vec4 P, vec2 dPdx, vec2 dPdy)

gvec4 textureProjGradOffset(gsampler1D sampler, vec2 P, float dPdx, float dPdy, const int offset)
gvec4 textureProjGradOffset(gsampler1D sampler, vec4 P, float dPdx, float dPdy, const int offset)
gvec4 textureProjGradOffset(gsampler2D sampler, vec3 P, vec2 dPdx, vec2 dPdy, const ivec2 offset)
gvec4 textureProjGradOffset(gsampler2D sampler, vec4 P, vec2 dPdx, vec2 dPdy, const ivec2 offset)
gvec4 textureProjGradOffset(gsampler3D sampler, vec4 P, vec3 dPdx, vec3 dPdy, const ivec3 offset)
gvec4 textureProjGradOffset(gsampler2DRect sampler, vec3 P, vec2 dPdx, vec2 dPdy, const ivec2 offset)
gvec4 textureProjGradOffset(gsampler2DRect sampler, vec4 P, vec2 dPdx, vec2 dPdy, const ivec2 offset)
float textureProjGradOffset(sampler2DRectShadow sampler, vec4 P, vec2 dPdx, vec2 dPdy, const ivec2 offset)
float textureProjGradOffset(sampler1DShadow sampler, vec4 P, float dPdx, float dPdy, const int offset)
float textureProjGradOffset(sampler2DShadow sampler, vec4 P, vec2 dPdx, vec2 dPdy, const ivec2 offset)

# ---- texture gather ----
== es310 gl400
gvec4 textureGather(gsampler2D sampler, vec2 P [, const int comp])
gvec4 textureGather(gsampler2DArray sampler, vec3 P [, const int comp])
gvec4 textureGather(gsamplerCube sampler, vec3 P [, const int comp])
gvec4 textureGather(gsamplerCubeArray sampler, vec4 P [, const int comp])
gvec4 textureGather(gsampler2DRect sampler, vec2 P [, const int comp])
vec4 textureGather(sampler2DShadow sampler, vec2 P, float refZ)
vec4 textureGather(sampler2DArrayShadow sampler, vec3 P, float refZ)
vec4 textureGather(samplerCubeShadow sampler, vec3 P, float refZ)
vec4 textureGather(samplerCubeArrayShadow sampler, vec4 P, float refZ)
vec4 textureGather(sampler2DRectShadow sampler, vec2 P, float refZ)
gvec4 textureGatherOffset(gsampler2D sampler, vec2 P, const ivec2 offset [, const int comp])
gvec4 textureGatherOffset(gsampler2DArray sampler, vec3 P, const ivec2 offset [, const int comp])
gvec4 textureGatherOffset(gsampler2DRect sampler, vec2 P, const ivec2 offset [, const int comp])
vec4 textureGatherOffset(sampler2DShadow sampler, vec2 P, float refZ, const ivec2 offset)
vec4 textureGatherOffset(sampler2DArrayShadow sampler, vec3 P, float refZ, const ivec2 offset)
vec4 textureGatherOffset(sampler2DRectShadow sampler, vec2 P, float refZ, const ivec2 offset)
== es320 gl400
gvec4 textureGatherOffsets(gsampler2D sampler, vec2 P, const ivec2[4] offsets [, const int comp])
gvec4 textureGatherOffsets(gsampler2DArray sampler, vec3 P, const ivec2[4] offsets [, const int comp])
gvec4 textureGatherOffsets(gsampler2DRect sampler, vec2 P, const ivec2[4] offsets [, const int comp])
vec4 textureGatherOffsets(sampler2DShadow sampler, vec2 P, float refZ, const ivec2[4] offsets)
vec4 textureGatherOffsets(sampler2DArrayShadow sampler, vec3 P, float refZ, const ivec2[4] offsets)
vec4 textureGatherOffsets(sampler2DRectShadow sampler, vec2 P, float refZ, const ivec2[4] offsets)

# ---- the pre-1.30 texture names ----
# GLSL ES 1.00 names. Mesa keeps them in desktop core profiles up to 4.10 and in every GLSL ES version
# (lenient: ES 3.00 removed them), but has no bias form of texture3D and no shadow* in ES.
== es100 gl110-410
vec4 texture2D(sampler2D sampler, vec2 coord [, float bias])
vec4 texture2DProj(sampler2D sampler, vec3 coord [, float bias])
vec4 texture2DProj(sampler2D sampler, vec4 coord [, float bias])
vec4 textureCube(samplerCube sampler, vec3 coord [, float bias])
vec4 texture3D(sampler3D sampler, vec3 coord) @ es100-100+GL_OES_texture_3D es300 gl110-410
vec4 texture3DProj(sampler3D sampler, vec4 coord) @ es100-100+GL_OES_texture_3D es300 gl110-410
vec4 texture3D(sampler3D sampler, vec3 coord, float bias) @ es100-100+GL_OES_texture_3D gl110-410
vec4 texture3DProj(sampler3D sampler, vec4 coord, float bias) @ es100-100+GL_OES_texture_3D gl110-410
== gl110-410
vec4 texture1D(sampler1D sampler, float coord [, float bias])
vec4 texture1DProj(sampler1D sampler, vec2 coord [, float bias])
vec4 texture1DProj(sampler1D sampler, vec4 coord [, float bias])
vec4 shadow1D(sampler1DShadow sampler, vec3 coord [, float bias])
vec4 shadow2D(sampler2DShadow sampler, vec3 coord [, float bias])
vec4 shadow1DProj(sampler1DShadow sampler, vec4 coord [, float bias])
vec4 shadow2DProj(sampler2DShadow sampler, vec4 coord [, float bias])
== gl110  # GL_ARB_texture_rectangle's names; Mesa has them in every desktop version
vec4 texture2DRect(sampler2DRect sampler, vec2 coord)
vec4 texture2DRectProj(sampler2DRect sampler, vec3 coord)
vec4 texture2DRectProj(sampler2DRect sampler, vec4 coord)
vec4 shadow2DRect(sampler2DRectShadow sampler, vec3 coord)
vec4 shadow2DRectProj(sampler2DRectShadow sampler, vec4 coord)
# the explicit-LOD forms exist in fragment shaders where textureLod does (GLSL ES 1.00 has them in
# vertex shaders only)
== es300 gl130-410
vec4 texture2DLod(sampler2D sampler, vec2 coord, float lod)
vec4 texture2DProjLod(sampler2D sampler, vec3 coord, float lod)
vec4 texture2DProjLod(sampler2D sampler, vec4 coord, float lod)
vec4 textureCubeLod(samplerCube sampler, vec3 coord, float lod)
vec4 texture3DLod(sampler3D sampler, vec3 coord, float lod)
vec4 texture3DProjLod(sampler3D sampler, vec4 coord, float lod)
== gl130-410
vec4 texture1DLod(sampler1D sampler, float coord, float lod)
vec4 texture1DProjLod(sampler1D sampler, vec2 coord, float lod)
vec4 texture1DProjLod(sampler1D sampler, vec4 coord, float lod)
vec4 shadow1DLod(sampler1DShadow sampler, vec3 coord, float lod)
vec4 shadow2DLod(sampler2DShadow sampler, vec3 coord, float lod)
vec4 shadow1DProjLod(sampler1DShadow sampler, vec4 coord, float lod)
vec4 shadow2DProjLod(sampler2DShadow sampler, vec4 coord, float lod)
# GLSL ES 1.00 extensions (Mesa supports neither of these two under a desktop core context)
== es100-100+GL_EXT_shader_texture_lod
vec4 texture2DLodEXT(sampler2D sampler, vec2 coord, float lod)
vec4 texture2DProjLodEXT(sampler2D sampler, vec3 coord, float lod)
vec4 texture2DProjLodEXT(sampler2D sampler, vec4 coord, float lod)
vec4 textureCubeLodEXT(samplerCube sampler, vec3 coord, float lod)
vec4 texture2DGradEXT(sampler2D sampler, vec2 P, vec2 dPdx, vec2 dPdy)
vec4 texture2DProjGradEXT(sampler2D sampler, vec3 P, vec2 dPdx, vec2 dPdy)
vec4 texture2DProjGradEXT(sampler2D sampler, vec4 P, vec2 dPdx, vec2 dPdy)
vec4 textureCubeGradEXT(samplerCube sampler, vec3 P, vec3 dPdx, vec3 dPdy)
== es100-100+GL_EXT_shadow_samplers
float shadow2DEXT(sampler2DShadow sampler, vec3 coord)
float shadow2DProjEXT(sampler2DShadow sampler, vec4 coord)

# ---- fragment processing ----
== es300 gl110 es100-100+GL_OES_standard_derivatives
genFType dFdx(genFType p)
genFType dFdy(genFType p)
genFType fwidth(genFType p)
== gl450
genFType dFdxFine(genFType p)
genFType dFdyFine(genFType p)
genFType dFdxCoarse(genFType p)
genFType dFdyCoarse(genFType p)
genFType fwidthFine(genFType p)
genFType fwidthCoarse(genFType p)
== es320 gl400
genFType interpolateAtCentroid(genFType interpolant)
genFType interpolateAtSample(genFType interpolant, int sample)
genFType interpolateAtOffset(genFType interpolant, vec2 offset)

# ---- noise (deprecated; Mesa returns 0) ----
== gl110
float noise1(genFType x)
vec2 noise2(genFType x)
vec3 noise3(genFType x)
vec4 noise4(genFType x)
"""

# ------------------------------------------------------------------------------------------------
# Availability


@dataclass(frozen=True)
class _Range:
    """Versions ``lo``..``hi`` (None: no upper bound) of ES or desktop GLSL, with required extensions."""

    es: bool
    lo: int
    hi: int | None
    extensions: frozenset[str] = frozenset()

    def __str__(self) -> str:
        text = f"{'es' if self.es else 'gl'}{self.lo}" + ("" if self.hi is None else f"-{self.hi}")
        return text + "".join(f"+{e}" for e in sorted(self.extensions))

    def covers(self, other: _Range) -> bool:
        return (self.es == other.es and self.lo <= other.lo and self.extensions <= other.extensions
                and (self.hi is None or (other.hi is not None and other.hi >= self.hi)))


ALL = "es100 gl110"
# ES 1.00 extensions of the table that the reference (Mesa under a desktop core context) reports as
# unsupported: shaders using their functions build only on real WebGL/GLES implementations.
REFERENCE_UNSUPPORTED_EXTENSIONS = frozenset({"GL_EXT_shader_texture_lod", "GL_EXT_shadow_samplers"})
_RANGE_RE = re.compile(r"^(es|gl)(\d+)(?:-(\d+))?((?:\+\w+)*)$")


@cache
def _parse_availability(text: str) -> tuple[_Range, ...]:
    if text == "all":
        text = ALL
    ranges = []
    for token in text.split():
        m = _RANGE_RE.match(token)
        if not m:
            raise ValueError(f"bad availability range {token!r} in {text!r}")
        exts = frozenset(e for e in m.group(4).split("+") if e)
        ranges.append(_Range(m.group(1) == "es", int(m.group(2)), int(m.group(3)) if m.group(3) else None, exts))
    return tuple(ranges)


def _format_availability(ranges: Collection[_Range]) -> str:
    kept = [r for r in ranges if not any(o != r and o.covers(r) for o in ranges)]
    kept = sorted(set(kept), key=lambda r: (not r.es, r.lo, len(r.extensions), str(r)))
    text = " ".join(str(r) for r in kept)
    return "all" if text == ALL else text or "none"


def intersect_availability(a: str, b: str) -> str:
    """The versions where both availabilities hold (``none`` when there are none)."""
    out = []
    for x in _parse_availability(a):
        for y in _parse_availability(b):
            if x.es != y.es:
                continue
            lo = max(x.lo, y.lo)
            his = [h for h in (x.hi, y.hi) if h is not None]
            hi = min(his) if his else None
            if hi is None or lo <= hi:
                out.append(_Range(x.es, lo, hi, x.extensions | y.extensions))
    return _format_availability(out)


def availability_allows(availability: str, version: int, es: bool, extensions: Collection[str] = ()) -> bool:
    """Whether an availability string includes ``#version version`` (``es``: an ES profile)."""
    if availability == "none":
        return False
    return any(r.es == es and r.lo <= version and (r.hi is None or version <= r.hi)
               and r.extensions <= set(extensions) for r in _parse_availability(availability))


# Where each sampler type can be declared (isampler/usampler: also ES 3.00 / GL 1.30), as Mesa has it:
# it lets GLSL ES 1.00 declare sampler3D, sampler2DShadow and the 1D samplers without an extension (no
# function takes them there unless the extension is on) and desktop 1.10 the rectangle samplers.
SAMPLER_AVAILABILITY: dict[str, str] = {
    "sampler2D": "all",
    "samplerCube": "all",
    "sampler3D": "all",
    "sampler2DShadow": "all",
    "samplerCubeShadow": "es300 gl130",
    "sampler2DArray": "es300 gl130",
    "sampler2DArrayShadow": "es300 gl130",
    "sampler1D": "es100-100 gl110",
    "sampler1DShadow": "es100-100 gl110",
    "sampler1DArray": "gl130",
    "sampler1DArrayShadow": "gl130",
    "sampler2DRect": "gl110",
    "sampler2DRectShadow": "gl110",
    "isampler2DRect": "gl140",  # full names: exceptions to the int/uint rule
    "usampler2DRect": "gl140",
    "samplerBuffer": "es320 gl140",
    "sampler2DMS": "es310 gl150",
    "sampler2DMSArray": "es320 gl150",
    "samplerCubeArray": "es320 gl400",
    "samplerCubeArrayShadow": "es320 gl400",
}


@cache
def type_availability(t: Type) -> str:
    """Where Mesa lets a shader declare a built-in type: ``uint`` from ES 3.00 / GL 1.30, ``dvec``/``dmat``
    from GL 4.00, non-square matrices from ES 3.00 / GL 1.20, samplers per :data:`SAMPLER_AVAILABILITY`.
    The scalar ``double`` is a Mesa quirk: declarable from ES 3.00 / GL 1.30, but no built-in function takes
    it (and no implicit conversion reaches it) before GL 4.00."""
    if t.kind == "array":
        return type_availability(t.element) if t.element is not None else "all"
    if t.kind == "sampler":
        name = t.base
        if name in SAMPLER_AVAILABILITY:
            return SAMPLER_AVAILABILITY[name]
        if name[0] in "iu":
            return intersect_availability(SAMPLER_AVAILABILITY.get(name[1:], "none"), "es300 gl130")
        return "none"
    avail = "all"
    if t.base == "uint":
        avail = "es300 gl130"
    elif t.base == "double":
        avail = "es300 gl130" if t.kind == "scalar" else "gl400"
    if t.kind == "matrix" and t.cols != t.rows:
        avail = intersect_availability(avail, "es300 gl120")
    return avail


# ------------------------------------------------------------------------------------------------
# Signatures


@dataclass(frozen=True)
class Signature:
    """One concrete built-in function overload.

    ``qualifiers`` holds ``in``/``out``/``inout`` per parameter; ``availability`` is a range string (see
    the module docstring and :func:`available`). ``param_names`` are the table's names; ``constant``
    flags the arguments that must be constant expressions (texel offsets, gather components).
    """

    name: str
    ret: Type
    params: tuple[Type, ...]
    qualifiers: tuple[str, ...]
    availability: str
    param_names: tuple[str, ...] = ()
    constant: tuple[bool, ...] = ()

    def __str__(self) -> str:
        args = ", ".join(
            " ".join(p for p in (q if q != "in" else "", "const" if c else "", str(t), n) if p)
            for q, c, t, n in zip(self.qualifiers, self.constant or (False,) * len(self.params), self.params,
                                  self.param_names or ("",) * len(self.params), strict=True)
        )
        return f"{self.ret} {self.name}({args})"


def available(sig: Signature, version: int, es: bool, extensions: Collection[str] = ()) -> bool:
    """Whether ``sig`` exists in a fragment shader with ``#version version`` (``es``: ``... es`` or 100),
    given the ``#extension`` names enabled."""
    return availability_allows(sig.availability, version, es, extensions)


_GEN = {"F": "float", "I": "int", "U": "uint", "B": "bool", "D": "double"}
_GEN_VEC = {"F": "vec", "I": "ivec", "U": "uvec", "B": "bvec", "D": "dvec"}
_GEN_RE = re.compile(r"\bgen([FIUBD])Type\b")
_VEC_RE = re.compile(r"\b([iubd]?)vec\b(?!\{)")
_MAT_RE = re.compile(r"\b(d?)mat\b(?!\{)")
_G_RE = re.compile(r"\bg(vec4|sampler\w+)\b")
_LINE_RE = re.compile(r"^(\w+)\s+(\w+)\s*\((.*)\)\s*(?:@\s*(.+))?$")
_PARAM_RE = re.compile(r"^(?:(in|out|inout)\s+)?(const\s+)?([\w\[\]]+)\s+(\w+)$")
_MAT_SHAPES = [f"{c}x{r}" for c in (2, 3, 4) for r in (2, 3, 4)]


def _expand_placeholders(line: str) -> Iterator[str]:
    """Every concrete spelling of one table line (placeholders substituted consistently)."""
    axes: list[list[tuple[str, object]]] = []
    if _GEN_RE.search(line):
        axes.append([("gen", n) for n in (1, 2, 3, 4)])
    if _VEC_RE.search(line):
        axes.append([("vec", n) for n in (2, 3, 4)])
    if _MAT_RE.search(line):
        axes.append([("mat", s) for s in _MAT_SHAPES])
    for var in ("A", "B"):
        if "{" + var + "}" in line:
            axes.append([(var, n) for n in (2, 3, 4)])
    if _G_RE.search(line):
        axes.append([("g", p) for p in ("", "i", "u")])
    for combo in itertools.product(*axes):
        text = line
        for key, value in combo:
            if key == "gen":
                text = _GEN_RE.sub(lambda m, n=value: f"{_GEN_VEC[m.group(1)]}{n}" if n != 1 else _GEN[m.group(1)],
                                   text)
            elif key == "vec":
                text = _VEC_RE.sub(lambda m, v=value: f"{m.group(1)}vec{v}", text)
            elif key == "mat":
                text = _MAT_RE.sub(lambda m, v=value: f"{m.group(1)}mat{v}", text)
            elif key == "g":
                text = _G_RE.sub(lambda m, v=value: f"{v}{m.group(1)}", text)
            else:
                text = text.replace("{" + key + "}", str(value))
        yield text


def _concrete_type(name: str) -> Type:
    m = re.fullmatch(r"(\w+)\[(\d+)\]", name)
    if m:
        return array(_concrete_type(m.group(1)), int(m.group(2)))
    t = parse_type_name(name)
    if t is None:
        raise ValueError(f"unknown type {name!r} in the built-in table")
    return t


def _parse_params(text: str) -> list[tuple[list[str], bool]]:
    """Parameter groups: the required ones, then the optional group (if any)."""
    m = re.search(r"\[\s*,", text)
    required, optional = (text, "") if not m else (text[: m.start()], text[m.end():].rstrip())
    if optional:
        if not optional.endswith("]"):
            raise ValueError(f"unclosed optional group in {text!r}")
        optional = optional[:-1]
    groups = [([p.strip() for p in required.split(",") if p.strip()], False)]
    if optional:
        groups.append(([p.strip() for p in optional.split(",") if p.strip()], True))
    return groups


def _signatures_of_line(line: str, section: str) -> Iterator[Signature]:
    for text in _expand_placeholders(line):
        m = _LINE_RE.match(text)
        if not m:
            raise ValueError(f"cannot read built-in table line {line!r}")
        ret_name, name, params_text, override = m.groups()
        groups = _parse_params(params_text)
        variants = [groups[0][0]] + ([groups[0][0] + groups[1][0]] if len(groups) > 1 else [])
        for plist in variants:
            types, quals, names, consts = [], [], [], []
            for p in plist:
                pm = _PARAM_RE.match(p)
                if not pm:
                    raise ValueError(f"cannot read parameter {p!r} of {line!r}")
                quals.append(pm.group(1) or "in")
                consts.append(bool(pm.group(2)))
                types.append(_concrete_type(pm.group(3)))
                names.append(pm.group(4))
            ret = _concrete_type(ret_name)
            avail = override.strip() if override else section
            for t in (ret, *types):
                avail = intersect_availability(avail, type_availability(t))
            if avail == "none":
                continue
            yield Signature(name, ret, tuple(types), tuple(quals), avail, tuple(names), tuple(consts))


@cache
def all_signatures() -> tuple[Signature, ...]:
    """Every expanded signature of :data:`TABLE`, in table order; repeats (``min(float, float)`` from
    both ``min`` lines) are kept once, the first time they appear."""
    out: dict[tuple[str, tuple[Type, ...]], Signature] = {}
    section = ALL
    for raw in TABLE.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("=="):
            section = line[2:].strip()
            _parse_availability(section)
            continue
        for sig in _signatures_of_line(line, section):
            out.setdefault((sig.name, sig.params), sig)
    return tuple(out.values())


@cache
def _by_name() -> dict[str, tuple[Signature, ...]]:
    table: dict[str, list[Signature]] = {}
    for sig in all_signatures():
        table.setdefault(sig.name, []).append(sig)
    return {k: tuple(v) for k, v in table.items()}


def overloads(name: str) -> tuple[Signature, ...]:
    """All expanded signatures of the built-in ``name`` (empty for a name that is no built-in)."""
    return _by_name().get(name, ())


def overloads_in(name: str, version: int, es: bool, extensions: Collection[str] = ()) -> tuple[Signature, ...]:
    """The signatures of ``name`` that exist under ``#version version``."""
    return tuple(s for s in overloads(name) if available(s, version, es, extensions))


BUILTIN_FUNCTION_NAMES: frozenset[str] = frozenset(_by_name())

# ------------------------------------------------------------------------------------------------
# Built-in variables and constants of fragment shaders

DEPTH_RANGE_TYPE = struct("gl_DepthRangeParameters", (("near", FLOAT), ("far", FLOAT), ("diff", FLOAT)))
MAX_DRAW_BUFFERS = 8  # Mesa llvmpipe's gl_MaxDrawBuffers (the length of gl_FragData)

_CONSTANTS = """
gl_MaxVertexAttribs all
gl_MaxVertexUniformVectors es100 gl410
gl_MaxVaryingVectors es100-100 gl410
gl_MaxVertexTextureImageUnits all
gl_MaxCombinedTextureImageUnits all
gl_MaxTextureImageUnits all
gl_MaxFragmentUniformVectors es100 gl410
gl_MaxDrawBuffers all
gl_MaxVertexOutputVectors es300
gl_MaxFragmentInputVectors es300
gl_MinProgramTexelOffset es300 gl420
gl_MaxProgramTexelOffset es300 gl420
gl_MaxVertexUniformComponents gl110
gl_MaxFragmentUniformComponents gl110
gl_MaxVaryingFloats gl110-410
gl_MaxVaryingComponents gl130
gl_MaxVertexOutputComponents es320 gl150
gl_MaxFragmentInputComponents es320 gl150
gl_MaxClipDistances gl130
gl_MaxImageUnits es310 gl420
gl_MaxFragmentImageUniforms es310 gl420
gl_MaxCombinedImageUniforms es310 gl420
gl_MaxFragmentAtomicCounters es310 gl420
gl_MaxCombinedAtomicCounters es310 gl420
gl_MaxAtomicCounterBindings es310 gl420
gl_MaxSamples es320 gl450
gl_MaxViewports gl410
gl_MaxCullDistances gl450
gl_MaxCombinedClipAndCullDistances gl450
"""


def _variables() -> dict[str, tuple[Type, str, str]]:
    out: dict[str, tuple[Type, str, str]] = {
        "gl_FragCoord": (VEC4, "in", "all"),
        "gl_FrontFacing": (BOOL, "in", "all"),
        "gl_PointCoord": (VEC2, "in", "es100 gl120"),
        "gl_FragColor": (VEC4, "out", "es100-100 gl110-410"),
        "gl_FragData": (array(VEC4, MAX_DRAW_BUFFERS), "out", "es100-100 gl110-410"),
        "gl_FragDepth": (FLOAT, "out", "es300 gl110"),
        "gl_FragDepthEXT": (FLOAT, "out", "es100-100+GL_EXT_frag_depth"),
        "gl_DepthRange": (DEPTH_RANGE_TYPE, "uniform", "all"),
        "gl_PrimitiveID": (INT, "in", "es320 gl150"),
        "gl_Layer": (INT, "in", "es320 gl430"),
        "gl_ViewportIndex": (INT, "in", "gl430"),
        "gl_SampleID": (INT, "in", "es320 gl400"),
        "gl_SamplePosition": (VEC2, "in", "es320 gl400"),
        "gl_SampleMaskIn": (array(INT, 1), "in", "es320 gl400"),
        "gl_SampleMask": (array(INT, 1), "out", "es320 gl400"),
        "gl_NumSamples": (INT, "uniform", "es320 gl400"),
        "gl_HelperInvocation": (BOOL, "in", "es310 gl450"),
    }
    for line in _CONSTANTS.strip().splitlines():
        name, avail = line.split(None, 1)
        out[name] = (INT, "const", avail)
    return out


# name -> (type, "in" / "out" / "uniform" / "const", availability); the gl_Max* constants are all int.
BUILTIN_VARIABLES: dict[str, tuple[Type, str, str]] = _variables()


def variable_available(name: str, version: int, es: bool, extensions: Collection[str] = ()) -> bool:
    """Whether the built-in variable or constant ``name`` exists under ``#version version``."""
    entry = BUILTIN_VARIABLES.get(name)
    return entry is not None and availability_allows(entry[2], version, es, extensions)
