"""GLSL types as small immutable values: scalars, vectors, matrices, samplers, structs, arrays.

A :class:`Type` is hashable and compares by value; the checker attaches one to every expression and the
back end reads it to emit code. Shorthands (``FLOAT``, ``VEC3``, ``MAT4``...) and :func:`parse_type_name`
cover every built-in type name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCALARS = ("float", "int", "uint", "bool", "double")
_VEC_PREFIX = {"float": "vec", "int": "ivec", "uint": "uvec", "bool": "bvec", "double": "dvec"}

SAMPLER_NAMES = tuple(
    p + s
    for p in ("", "i", "u")
    for s in ("sampler1D", "sampler2D", "sampler3D", "samplerCube", "sampler2DRect", "sampler1DArray",
              "sampler2DArray", "samplerCubeArray", "samplerBuffer", "sampler2DMS", "sampler2DMSArray")
) + ("sampler1DShadow", "sampler2DShadow", "samplerCubeShadow", "sampler2DRectShadow", "sampler1DArrayShadow",
     "sampler2DArrayShadow", "samplerCubeArrayShadow", "samplerExternalOES")


@dataclass(frozen=True)
class Type:
    """A GLSL type.

    ``kind``: ``scalar``, ``vector``, ``matrix``, ``sampler``, ``struct``, ``array``, ``void``.
    ``base``: the scalar type of scalars/vectors/matrices (``float``, ``int``, ``uint``, ``bool``,
    ``double``); a sampler's name for samplers; a struct's name for structs.
    ``size``: vector length; for matrices ``cols`` and ``rows``; for arrays ``length`` (None when unsized)
    and ``element``; for structs ``fields`` (name, type) pairs.
    """

    kind: str
    base: str = ""
    size: int = 1
    cols: int = 0
    rows: int = 0
    length: int | None = None
    element: Type | None = None
    fields: tuple[tuple[str, Type], ...] = field(default=(), compare=True)

    # --- classification -------------------------------------------------------------------------
    @property
    def is_scalar(self) -> bool:
        return self.kind == "scalar"

    @property
    def is_vector(self) -> bool:
        return self.kind == "vector"

    @property
    def is_matrix(self) -> bool:
        return self.kind == "matrix"

    @property
    def is_numeric(self) -> bool:
        return self.kind in ("scalar", "vector", "matrix") and self.base != "bool"

    @property
    def components(self) -> int:
        """Number of scalar components (1 for scalars, n for vectors, cols*rows for matrices)."""
        if self.kind == "vector":
            return self.size
        if self.kind == "matrix":
            return self.cols * self.rows
        return 1

    def with_base(self, base: str) -> Type:
        """The same shape with another scalar type (``vec3`` -> ``ivec3``)."""
        if self.kind == "scalar":
            return scalar(base)
        if self.kind == "vector":
            return vector(base, self.size)
        if self.kind == "matrix":
            return matrix(self.cols, self.rows, base)
        raise ValueError(f"{self} has no scalar base")

    @property
    def column(self) -> Type:
        """A matrix's column type."""
        return vector(self.base, self.rows)

    def __str__(self) -> str:
        if self.kind in ("scalar", "sampler", "struct"):
            return self.base
        if self.kind == "void":
            return "void"
        if self.kind == "vector":
            return f"{_VEC_PREFIX[self.base]}{self.size}"
        if self.kind == "matrix":
            prefix = "dmat" if self.base == "double" else "mat"
            return f"{prefix}{self.cols}" if self.cols == self.rows else f"{prefix}{self.cols}x{self.rows}"
        if self.kind == "array":
            return f"{self.element}[{'' if self.length is None else self.length}]"
        return self.kind


def scalar(base: str) -> Type:
    return Type("scalar", base)


def vector(base: str, n: int) -> Type:
    return scalar(base) if n == 1 else Type("vector", base, n)


def matrix(cols: int, rows: int, base: str = "float") -> Type:
    return Type("matrix", base, cols=cols, rows=rows)


def array(element: Type, length: int | None) -> Type:
    return Type("array", length=length, element=element)


def struct(name: str, fields: tuple[tuple[str, Type], ...]) -> Type:
    return Type("struct", name, fields=tuple(fields))


def sampler(name: str) -> Type:
    return Type("sampler", name)


VOID = Type("void")
FLOAT, INT, UINT, BOOL, DOUBLE = (scalar(b) for b in SCALARS)
VEC2, VEC3, VEC4 = (vector("float", n) for n in (2, 3, 4))
IVEC2, IVEC3, IVEC4 = (vector("int", n) for n in (2, 3, 4))
UVEC2, UVEC3, UVEC4 = (vector("uint", n) for n in (2, 3, 4))
BVEC2, BVEC3, BVEC4 = (vector("bool", n) for n in (2, 3, 4))
MAT2, MAT3, MAT4 = (matrix(n, n) for n in (2, 3, 4))


def _builtin_type_names() -> dict[str, Type]:
    names: dict[str, Type] = {"void": VOID}
    for b in SCALARS:
        names[b] = scalar(b)
        for n in (2, 3, 4):
            names[f"{_VEC_PREFIX[b]}{n}"] = vector(b, n)
    for base, prefix in (("float", "mat"), ("double", "dmat")):
        for c in (2, 3, 4):
            names[f"{prefix}{c}"] = matrix(c, c, base)
            for r in (2, 3, 4):
                names[f"{prefix}{c}x{r}"] = matrix(c, r, base)
    for s in SAMPLER_NAMES:
        names[s] = sampler(s)
    return names


BUILTIN_TYPES: dict[str, Type] = _builtin_type_names()


def parse_type_name(name: str) -> Type | None:
    """The built-in type with this name (``vec3``, ``mat2x3``, ``usampler2D``...), or None."""
    return BUILTIN_TYPES.get(name)
