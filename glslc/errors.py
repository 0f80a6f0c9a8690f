"""Errors with source spans, and the one way they are printed.

Every problem in a shader is a :class:`GlslError` carrying a :class:`Span` that points into the user's
file (through macro expansion, the span is the place the user wrote). Problems with the *invocation*
(a missing file, a malformed export, an unreadable image) are :class:`InputError`: the CLI prints them on
one line and exits with status 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """A place in a source file: 1-based line and column, and optionally where it ends."""

    file: str = "<shader>"
    line: int = 1
    col: int = 1
    end_line: int | None = None
    end_col: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


class InputError(Exception):
    """Bad input to the tool itself (not a shader diagnostic): reported in one line, exit status 2."""


class GlslError(Exception):
    """A diagnostic in a shader, with the span it points at."""

    def __init__(self, message: str, span: Span | None = None, *, notes: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.span = span or Span()
        self.notes = list(notes or [])

    def format(self, source: str | None = None) -> str:
        """``file:line:col: error: message`` followed by the source line and a caret when known."""
        out = [f"{self.span}: error: {self.message}"]
        if source is not None:
            lines = source.splitlines()
            if 1 <= self.span.line <= len(lines):
                text = lines[self.span.line - 1].expandtabs(1)
                if len(text) > 200:  # keep pathological one-line inputs readable
                    start = max(0, self.span.col - 100)
                    text = text[start : start + 200]
                    caret_col = self.span.col - start
                else:
                    caret_col = self.span.col
                out.append("  " + text)
                out.append("  " + " " * max(0, caret_col - 1) + "^")
        out.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(out)

    def __str__(self) -> str:
        return f"{self.span}: error: {self.message}"


@dataclass
class GlslErrors(Exception):
    """Several independent diagnostics from one run (the checker reports more than the first)."""

    errors: list[GlslError] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)
