"""The front end in one call: wrap, preprocess, parse, check; diagnostics mapped to the user's lines."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .checker import CheckResult, check
from .errors import GlslError, GlslErrors, Span
from .parser import parse_tokens
from .preprocess import preprocess
from .sources import ShaderSource, Wrapped


@dataclass
class FrontEndResult:
    """A checked shader: the wrapped text, the checked unit and its side tables."""

    source: ShaderSource
    wrapped: Wrapped
    checked: CheckResult


def language_level(version: int | None, profile: str | None) -> tuple[int, bool]:
    """(version, es) for a shader's ``#version`` (none means GLSL ES 1.00)."""
    if version is None:
        return 100, True
    return version, profile == "es" or version in (100, 300, 310, 320)


def map_error(e: GlslError, wrapped: Wrapped, filename: str) -> GlslError:
    """Move a diagnostic from wrapped-text coordinates to the user's file."""
    line = wrapped.user_line(e.span.line)
    if line is not None:
        return GlslError(e.message, replace(e.span, file=filename, line=line, end_line=None), notes=e.notes)
    return GlslError(f"{e.message} (in the {_wrapper_name(wrapped)} wrapper)", Span(filename, 1, 1), notes=e.notes)


def _wrapper_name(wrapped: Wrapped) -> str:
    return "Shadertoy" if "glslc_FragColor" in wrapped.text else "dialect's"


def front_end(source: ShaderSource) -> FrontEndResult:
    """Check a source; raises GlslErrors (mapped to the user's lines) on any error."""
    wrapped = source.wrap()
    try:
        pp = preprocess(wrapped.text, source.filename)
        # The wrapper's tail (Shadertoy's main) is parsed on its own, so that a shader that ends inside a
        # block is told so at its own end, not at the wrapper's code.
        tail_start = wrapped.line_offset + wrapped.user_lines
        tail = [t for t in pp.tokens if t.span.line > tail_start] if wrapped.has_tail else []
        head = pp.tokens[: len(pp.tokens) - len(tail)]
        unit = parse_tokens(head, source.filename)
        if tail:
            unit.decls.extend(parse_tokens(tail, source.filename).decls)
        version, es = language_level(pp.version, pp.version_profile)
        checked = check(unit, version=version, es=es, filename=source.filename)
    except GlslErrors as es_:
        raise GlslErrors([map_error(e, wrapped, source.filename) for e in es_.errors]) from None
    except GlslError as e:
        raise GlslErrors([map_error(e, wrapped, source.filename)]) from None
    return FrontEndResult(source, wrapped, checked)
