"""GLSL preprocessor: source text -> a flat list of tokens, each with its place in the user's file.

Why not ``pcpp``
----------------
``pcpp`` (1.30, installed) was evaluated and rejected. It is a C99 preprocessor built on PLY and is a
reasonable cpp, but for GLSL it falls short where this compiler needs it most:

* Positions: PLY tokens carry a line and a *file offset*, no column. Through a macro expansion the
  replacement tokens keep the offset of the ``#define`` body (the line is patched to the invocation's,
  the offset is not), so a token cannot be mapped back to the column the user wrote.
* Lexing is C's, not GLSL's: ``"strings"`` and ``'c'`` literals are accepted, and characters such as
  ``$`` or ``@`` pass through as tokens instead of being diagnosed.
* Errors are *logged and skipped* (``1/0`` in ``#if`` prints a message and evaluates on); we need one
  :class:`GlslError` with a span, and nothing else, on any input.
* No GLSL semantics: ``#version``/``#extension`` are not recorded, ``GL_ES`` and ``__VERSION__`` are not
  defined, ``#`` stringizing (not GLSL) is accepted.
* Hostile input is unbounded: expansion is recursive (``f(f(f(...)))`` 2,000 deep, or a chain of 3,000
  ``#define`` s, raises ``RecursionError``) and output size is not capped (``#define m0 m1 m1`` ...
  18 levels took 5.6 s for 524k tokens; 30 levels would take hours).
* Speed: 2.5 ms per median corpus shader (2.5 KB), against 0.9 ms here.

So this module is a small, self-contained preprocessor. Design:

* One compiled regex tokenizes the whole text (after splicing ``\\``-newlines and keeping a map back to
  original offsets); tokens are produced a logical line at a time, lazily, so ``#line`` applies at once.
* Macro expansion follows Prosser's hide-set algorithm (the one behind C's rules: argument pre-expansion,
  rescanning, no recursive self-expansion), with C99 placemarkers for ``##`` and empty arguments. It is
  *iterative*: an explicit stack of frames (one per argument being pre-expanded) replaces recursion,
  nesting is capped at :data:`MAX_DEPTH`, and every token a macro produces counts against ``max_tokens``.
* ``#if`` expressions are parsed by an iterative shunting-yard (ternary included) over 64-bit wrapping
  integers; errors such as division by zero are *poison values* so ``0 && 1/0`` is fine, as in C.
* Spans: a token written in the file keeps its own line/column. A token produced by a macro body gets
  the span of the outermost invocation's name; tokens that come from macro *arguments* keep the span
  where the user wrote them; a token made by ``##`` gets the span of its left operand.
"""

from __future__ import annotations

import gc
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

from glslc.errors import GlslError, Span

__all__ = ["MAX_DEPTH", "PreprocessResult", "Token", "preprocess"]

#: Deepest allowed nesting of macro invocations inside arguments / rescans.
MAX_DEPTH = 500

_OUT_KINDS = frozenset(("IDENT", "INT", "FLOAT", "PUNCT"))


@dataclass(frozen=True, slots=True)
class Token:
    """One preprocessed token: kind is "IDENT", "INT", "FLOAT" or "PUNCT"."""

    kind: str
    text: str
    span: Span


# --------------------------------------------------------------------------------------------------
# Tokenizer

_PUNCT = (
    r"<<=|>>=|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||\^\^|\+=|-=|\*=|/=|%=|&=|\|=|\^="
    r"|[()\[\]{}.,;:?+\-*/%<>!~&|^=]"
)
# Leading blanks are absorbed into every match so whitespace never costs a loop iteration.
_TOKEN_RE = re.compile(
    r"[ \t\f\v]*(?:"
    r"(?P<IDENT>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<FLOAT>(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?(?:lf|LF|[fF])?"
    r"|[0-9]+[eE][+-]?[0-9]+(?:lf|LF|[fF])?)"
    r"|(?P<INT>0[xX][0-9a-fA-F]+[uU]?|[0-9]+[uU]?)"
    r"|(?P<NL>\n)"
    r"|(?P<LC>//[^\n]*)"
    r"|(?P<BC>/\*[^*]*\*+(?:[^/*][^*]*\*+)*/)"
    r"|(?P<UBC>/\*)"
    r"|(?P<PUNCT>" + _PUNCT + r")"
    r"|(?P<HASH>\#\#?)"
    r"|(?P<BAD>.)"
    r"|(?P<END>[ \t\f\v]*\Z)"  # trailing blanks at end of text
    r")",
    re.DOTALL,
)
_GROUP_KIND: tuple[str | None, ...] = (None,) + tuple(
    name for name, _ in sorted(_TOKEN_RE.groupindex.items(), key=lambda kv: kv[1])
)
_SINGLE_TOKEN_RE = re.compile(
    r"(?:(?P<IDENT>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<FLOAT>(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?(?:lf|LF|[fF])?"
    r"|[0-9]+[eE][+-]?[0-9]+(?:lf|LF|[fF])?)"
    r"|(?P<INT>0[xX][0-9a-fA-F]+[uU]?|[0-9]+[uU]?)"
    r"|(?P<PUNCT>" + _PUNCT + r"))\Z"
)
_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _bad_token_error(tok: Token) -> GlslError:
    """The diagnostic for a BAD or HASH token that reached the output."""
    if tok.kind == "HASH":
        if tok.text == "#":
            return GlslError("'#' is only allowed at the start of a preprocessor directive", tok.span)
        return GlslError("'##' is only allowed inside a macro definition", tok.span)
    ch = tok.text
    if ch in "\"'":
        return GlslError(f"invalid character {ch!r}: GLSL has no string or character literals", tok.span)
    if ch == "\\":
        return GlslError("invalid character '\\' (a backslash may only end a line)", tok.span)
    return GlslError(f"invalid character {ch!r} (U+{ord(ch):04X})", tok.span)


# --------------------------------------------------------------------------------------------------
# Result


@dataclass
class PreprocessResult:
    """Expanded tokens plus what the directives recorded."""

    tokens: list[Token]
    version: int | None = None
    version_profile: str | None = None
    extensions: dict[str, str] = field(default_factory=dict)
    pragmas: list[str] = field(default_factory=list)

    def text(self) -> str:
        """Render the tokens as GLSL source, one output line per original line where possible."""
        parts: list[str] = []
        prev: Token | None = None
        for tok in self.tokens:
            span = tok.span
            if prev is None:
                parts.append(" " * min(span.col - 1, 80))
            else:
                ps = prev.span
                if span.line > ps.line:
                    parts.append("\n" * min(span.line - ps.line, 2))
                    parts.append(" " * min(span.col - 1, 80))
                elif span is ps or span == ps:  # tokens of one macro expansion
                    if _need_space(prev.text, tok.text) or not (
                        prev.text in _NO_SPACE_AFTER
                        or tok.text in _NO_SPACE_BEFORE
                        or (tok.text == "(" and prev.kind == "IDENT")
                    ):
                        parts.append(" ")
                elif not (span.line == ps.line and span.col == ps.col + len(prev.text)) or _need_space(
                    prev.text, tok.text
                ):
                    parts.append(" ")
            parts.append(tok.text)
            prev = tok
        if parts:
            parts.append("\n")
        return "".join(parts)


def _join(toks: list[Token]) -> str:
    """Directive tokens back to text, with a space wherever the source had a gap."""
    parts: list[str] = []
    prev: Token | None = None
    for t in toks:
        if prev is not None and not (
            t.span.line == prev.span.line and t.span.col == prev.span.col + len(prev.text)
        ):
            parts.append(" ")
        parts.append(t.text)
        prev = t
    return "".join(parts)


_NO_SPACE_AFTER = frozenset(("(", "[", ".", "~", "!"))
_NO_SPACE_BEFORE = frozenset((")", "]", ",", ";", ".", "[", "++", "--"))
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_GLUING = frozenset(
    ("++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "^^", "+=", "-=", "*=", "/=", "%=",
     "&=", "|=", "^=", "//", "/*", "<<=", ">>=")
)


def _need_space(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` written without a space would lex differently."""
    x, y = a[-1], b[0]
    if x in _WORD and y in _WORD:
        return True
    a_is_number = a[0].isdigit() or (a[0] == "." and len(a) > 1)
    if y == ".":
        return a_is_number  # 1 .5 -> 1.5
    if x == ".":
        return y.isdigit() or (a_is_number and y in _WORD)  # . 5 -> .5 ; 1. e5 -> 1.e5
    return (x + y) in _GLUING or (a + y) in _GLUING


# --------------------------------------------------------------------------------------------------
# Macros and expansion state


class _Macro:
    """A macro definition; ``body`` items are (kind, text, param_index or -1, next_to_##)."""

    __slots__ = ("body", "dynamic", "has_paste", "name", "needs_exp", "nparams", "params", "self_hs", "simple")

    def __init__(
        self,
        name: str,
        params: tuple[str, ...] | None,
        body: list[tuple[str, str, int, bool]],
        dynamic: str | None = None,
    ) -> None:
        self.name = name
        self.params = params
        self.nparams = len(params) if params is not None else 0
        self.body = body
        self.dynamic = dynamic
        self.has_paste = any(k == "PASTE" for k, _, _, _ in body)
        self.simple = params is None and not self.has_paste and dynamic is None
        self.self_hs = frozenset((name,))
        # needs_exp[i]: parameter i occurs somewhere not next to ## (so its argument is pre-expanded)
        self.needs_exp = [False] * self.nparams
        for _, _, p, adj in body:
            if p >= 0 and not adj:
                self.needs_exp[p] = True


_Pair = tuple[Token, "frozenset[str] | None"]  # a token with its hide-set (None = empty)

_DUMMY_SPAN = Span()
_PASTE: _Pair = (Token("PASTE", "##", _DUMMY_SPAN), None)
_PLACEMARKER: _Pair = (Token("PLACEMARKER", "", _DUMMY_SPAN), None)


class _Frame:
    """A token stream being expanded: the file (top), an argument, or an #if/#line expression."""

    __slots__ = ("argi", "depth", "inv", "out", "pending", "src", "top")

    def __init__(self, pending: list[_Pair], out: list, *, top: bool, src: bool, depth: int,
                 inv: _Inv | None = None, argi: int = 0) -> None:
        self.pending = pending  # reversed: pop() gives the next token
        self.out = out  # Tokens when top, else pairs
        self.top = top
        self.src = src  # may pull more tokens from the file when pending runs out
        self.depth = depth
        self.inv = inv
        self.argi = argi


class _Inv:
    """A function-like macro invocation waiting for its arguments to be pre-expanded."""

    __slots__ = ("args", "exp", "frame", "hs", "macro", "name", "todo")

    def __init__(self, macro: _Macro, name: Token, hs: frozenset[str], args: list[list[_Pair]],
                 exp: list[list[_Pair]], todo: list[int], frame: _Frame) -> None:
        self.macro = macro
        self.name = name
        self.hs = hs
        self.args = args
        self.exp = exp
        self.todo = todo
        self.frame = frame


class _Cond:
    """One level of #if nesting."""

    __slots__ = ("active", "parent", "seen_else", "span", "taken")

    def __init__(self, span: Span, parent: bool, active: bool) -> None:
        self.span = span
        self.parent = parent
        self.active = active
        self.taken = active or not parent  # no later branch may be taken
        self.seen_else = False


# --------------------------------------------------------------------------------------------------
# #if expressions

_BINARY_PREC = {
    "*": 10, "/": 10, "%": 10, "+": 9, "-": 9, "<<": 8, ">>": 8, "<": 7, ">": 7, "<=": 7, ">=": 7,
    "==": 6, "!=": 6, "&": 5, "^": 4, "|": 3, "&&": 2, "||": 1,
}
_UNARY = frozenset(("+", "-", "~", "!"))
_MASK64 = (1 << 64) - 1
_SIGN64 = 1 << 63


def _wrap(v: int) -> int:
    """Wrap to a signed 64-bit integer."""
    v &= _MASK64
    return v - (1 << 64) if v & _SIGN64 else v


class _Poison:
    """An #if value whose evaluation failed; discarded by short-circuiting, raised otherwise."""

    __slots__ = ("error",)

    def __init__(self, error: GlslError) -> None:
        self.error = error


def _int_value(tok: Token) -> int:
    """Value of an INT token (decimal, octal, hex; u suffix ignored)."""
    s = tok.text.rstrip("uU")
    if len(s) > 64:
        raise GlslError("integer constant too large", tok.span)
    if s[:2] in ("0x", "0X"):
        return _wrap(int(s, 0))
    if len(s) > 1 and s[0] == "0":
        if "8" in s or "9" in s:
            raise GlslError(f"invalid octal constant '{tok.text}'", tok.span)
        return _wrap(int(s, 8))
    return _wrap(int(s))


def _apply_binary(op: str, a: int | _Poison, b: int | _Poison, tok: Token) -> int | _Poison:
    """One binary operator with C semantics on 64-bit values."""
    if op == "&&":
        if isinstance(a, _Poison):
            return a
        if not a:
            return 0
        return b if isinstance(b, _Poison) else int(b != 0)
    if op == "||":
        if isinstance(a, _Poison):
            return a
        if a:
            return 1
        return b if isinstance(b, _Poison) else int(b != 0)
    if isinstance(a, _Poison):
        return a
    if isinstance(b, _Poison):
        return b
    if op == "+":
        return _wrap(a + b)
    if op == "-":
        return _wrap(a - b)
    if op == "*":
        return _wrap(a * b)
    if op in ("/", "%"):
        if b == 0:
            return _Poison(GlslError("division by zero in preprocessor expression", tok.span))
        q = abs(a) // abs(b)
        if (a < 0) != (b < 0):
            q = -q
        return _wrap(q) if op == "/" else _wrap(a - q * b)
    if op in ("<<", ">>"):
        if b < 0:
            return _Poison(GlslError("negative shift count in preprocessor expression", tok.span))
        if op == "<<":
            return _wrap(a << min(b, 64))
        return a >> min(b, 64)
    if op == "<":
        return int(a < b)
    if op == ">":
        return int(a > b)
    if op == "<=":
        return int(a <= b)
    if op == ">=":
        return int(a >= b)
    if op == "==":
        return int(a == b)
    if op == "!=":
        return int(a != b)
    if op == "&":
        return a & b
    if op == "^":
        return a ^ b
    return a | b  # "|"


def _evaluate(toks: list[Token], where: Token) -> int:
    """Evaluate an integer constant expression iteratively (shunting-yard, ternary included)."""
    if not toks:
        raise GlslError(f"#{where.text} with no expression", where.span)
    vals: list[int | _Poison] = []
    # operator stack entries: (op, precedence, token); "(" has -1, "?" and "?:" have 0, unary 11
    ops: list[tuple[str, int, Token]] = []

    def reduce() -> None:
        op, _, tok = ops.pop()
        if op == "?:":
            c = vals.pop()
            b = vals.pop()
            a = vals.pop()
            vals.append(a if isinstance(a, _Poison) else (b if a else c))
        elif op[0] == "u":
            v = vals.pop()
            if not isinstance(v, _Poison):
                u = op[1]
                v = _wrap(-v) if u == "-" else (~v if u == "~" else (int(not v) if u == "!" else v))
            vals.append(v)
        else:
            b = vals.pop()
            a = vals.pop()
            vals.append(_apply_binary(op, a, b, tok))

    expect_operand = True
    for tok in toks:
        kind, text = tok.kind, tok.text
        if expect_operand:
            if kind == "INT":
                vals.append(_int_value(tok))
                expect_operand = False
            elif kind == "IDENT":
                vals.append(0)  # undefined identifiers are 0, as in C
                expect_operand = False
            elif kind == "PUNCT" and text in _UNARY:
                ops.append(("u" + text, 11, tok))
            elif kind == "PUNCT" and text == "(":
                ops.append(("(", -1, tok))
            elif kind == "FLOAT":
                raise GlslError("floating-point constant in preprocessor expression", tok.span)
            else:
                raise GlslError(f"expected a value in preprocessor expression, found '{text}'", tok.span)
            continue
        if kind != "PUNCT":
            raise GlslError(f"expected an operator in preprocessor expression, found '{text}'", tok.span)
        prec = _BINARY_PREC.get(text)
        if prec is not None:
            while ops and ops[-1][1] >= prec:
                reduce()
            ops.append((text, prec, tok))
            expect_operand = True
        elif text == ")":
            while ops and ops[-1][0] != "(":
                if ops[-1][0] == "?":
                    raise GlslError("'?' without ':' in preprocessor expression", ops[-1][2].span)
                reduce()
            if not ops:
                raise GlslError("unbalanced ')' in preprocessor expression", tok.span)
            ops.pop()
        elif text == "?":
            while ops and ops[-1][1] > 0:
                reduce()
            ops.append(("?", 0, tok))
            expect_operand = True
        elif text == ":":
            while ops and ops[-1][0] != "?":
                if ops[-1][0] == "(":
                    raise GlslError("':' without '?' in preprocessor expression", tok.span)
                reduce()
            if not ops:
                raise GlslError("':' without '?' in preprocessor expression", tok.span)
            ops[-1] = ("?:", 0, ops[-1][2])
            expect_operand = True
        else:
            raise GlslError(f"invalid operator '{text}' in preprocessor expression", tok.span)
    if expect_operand:
        raise GlslError("preprocessor expression ends where a value is expected", toks[-1].span)
    while ops:
        op = ops[-1][0]
        if op == "(":
            raise GlslError("missing ')' in preprocessor expression", ops[-1][2].span)
        if op == "?":
            raise GlslError("'?' without ':' in preprocessor expression", ops[-1][2].span)
        reduce()
    result = vals[-1]
    if isinstance(result, _Poison):
        raise result.error
    return result


# --------------------------------------------------------------------------------------------------
# The preprocessor


class _Preprocessor:
    """State of one preprocess() run."""

    def __init__(self, text: str, filename: str, predefined: dict[str, str] | None, max_tokens: int) -> None:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.filename = filename
        self.max_tokens = max_tokens
        self.work = 0
        self.line_delta = 0
        self.file_number = 0
        self.macros: dict[str, _Macro] = {}
        self.out: list[Token] = []
        self.cond: list[_Cond] = []
        self.active = True
        self.seen_text = False
        self.in_if = False  # expanding an #if/#elif line (operands of `defined` stay unexpanded)
        self.result = PreprocessResult(tokens=self.out)
        # line splices: remove backslash-newlines, remember where, map offsets back
        self.splices: list[int] | None = None
        self.line_starts: list[int] = []
        if "\\\n" in text:
            starts = [0]
            starts.extend(m.end() for m in re.finditer("\n", text))
            self.line_starts = starts
            self.splices = [m.start() - 2 * i for i, m in enumerate(re.finditer(r"\\\n", text))]
            text = text.replace("\\\n", "")
        self.text = text
        self.cur: list[Token] = []
        self.ci = 0
        self.src = self._lines()
        # predefined macros
        self.macros["__LINE__"] = _Macro("__LINE__", None, [], dynamic="line")
        self.macros["__FILE__"] = _Macro("__FILE__", None, [], dynamic="file")
        self._define_text("__VERSION__", "100")
        self._define_text("GL_ES", "1")
        for name, value in (predefined or {}).items():
            if not _IDENT_RE.match(name):
                raise ValueError(f"predefined macro name {name!r} is not an identifier")
            self._define_text(name, value)

    # ---------------------------------------------------------------- tokens and lines

    def _locate(self, pos: int) -> tuple[int, int]:
        """Physical (line, col) of an offset in the spliced text."""
        assert self.splices is not None
        orig = pos + 2 * bisect_right(self.splices, pos)
        line = bisect_right(self.line_starts, orig)
        return line, orig - self.line_starts[line - 1] + 1

    def _logical_lines(self) -> Iterator[tuple[list[Token], int, bool]]:
        """Yield (tokens, physical line of the ending newline, has BAD/HASH tokens) per non-empty line."""
        text = self.text
        file = self.filename
        spliced = self.splices is not None
        kinds = _GROUP_KIND
        line = 1
        ls = 0
        toks: list[Token] = []
        flagged = False
        delta = self.line_delta
        for m in _TOKEN_RE.finditer(text):
            gi = m.lastindex
            kind = kinds[gi]  # type: ignore[index]
            if kind == "NL":
                if spliced:
                    line = self._locate(m.start(gi))[0]
                if toks:
                    yield toks, line, flagged
                    toks = []
                    flagged = False
                    delta = self.line_delta
                line += 1
                ls = m.end()
                continue
            if kind == "LC" or kind == "END":
                continue
            start = m.start(gi)
            if kind == "BC":
                if not spliced:
                    s = m.group(gi)
                    k = s.count("\n")
                    if k:
                        line += k
                        ls = start + s.rfind("\n") + 1
                continue
            if spliced:
                ln, col = self._locate(start)
            else:
                ln, col = line, start - ls + 1
            if kind == "UBC":
                raise GlslError("unterminated /* comment", Span(file, ln + delta, col))
            if kind == "BAD" or kind == "HASH":
                flagged = True
            toks.append(Token(kind, m.group(gi), Span(file, ln + delta, col)))  # type: ignore[arg-type]
        if toks:
            if spliced:
                line = self._locate(len(text))[0]
            yield toks, line, flagged

    def _lines(self) -> Iterator[list[Token]]:
        """Yield the active non-directive lines, handling directives on the way."""
        for toks, nl_line, flagged in self._logical_lines():
            first = toks[0]
            if first.kind == "HASH" and first.text == "#":
                self._directive(toks, nl_line)
                continue
            if not self.active:
                continue
            if flagged:
                for t in toks:
                    if t.kind == "BAD" or t.kind == "HASH":
                        raise _bad_token_error(t)
            self.seen_text = True
            yield toks
        if self.cond:
            c = self.cond[-1]
            raise GlslError("unterminated #if (no matching #endif)", c.span)

    def _pull(self) -> Token | None:
        """Next token of the file after the cursor (crossing lines and directives), or None at the end."""
        while self.ci >= len(self.cur):
            nxt = next(self.src, None)
            if nxt is None:
                return None
            self.cur = nxt
            self.ci = 0
        t = self.cur[self.ci]
        self.ci += 1
        return t

    def run(self) -> PreprocessResult:
        """Preprocess the whole text."""
        out = self.out
        macros = self.macros
        src = self.src
        cur: list[Token] = []
        i = 0
        while True:
            n = len(cur)
            while i < n:
                t = cur[i]
                i += 1
                if t.text in macros:
                    self.cur, self.ci = cur, i
                    self._expand([_Frame([(t, None)], out, top=True, src=True, depth=0)])
                    cur, i = self.cur, self.ci
                    n = len(cur)
                else:
                    out.append(t)
            nxt = next(src, None)
            if nxt is None:
                break
            cur = nxt
            i = 0
            self.cur, self.ci = cur, 0
        return self.result

    # ---------------------------------------------------------------- expansion

    def _too_large(self, span: Span, why: str) -> GlslError:
        return GlslError(f"macro expansion too large ({why})", span)

    def _expand(self, frames: list[_Frame]) -> None:
        """Run the expansion engine until the bottom frame's pending tokens are exhausted."""
        macros = self.macros
        while True:
            f = frames[-1]
            pending = f.pending
            if not pending:
                frames.pop()
                inv = f.inv
                if inv is None:
                    return
                inv.exp[f.argi] = f.out
                if inv.todo:
                    self._push_arg(frames, inv, f.depth)
                else:
                    res = self._substitute(inv.macro, inv.name, inv.hs, inv.args, inv.exp)
                    inv.frame.pending.extend(reversed(res))
                continue
            tok, hs = pending.pop()
            m = macros.get(tok.text)
            if tok.text == "defined" and self.in_if and tok.kind == "IDENT":
                # `defined` produced while expanding an #if line: keep its operand unexpanded
                n = 1
                if pending and pending[-1][0].text == "(":
                    n = 3
                keep = [(tok, hs)] + [pending.pop() for _ in range(min(n, len(pending)))]
                f.out.extend(keep)
                continue
            if m is None or (hs is not None and tok.text in hs):
                if f.top:
                    if tok.kind not in _OUT_KINDS:
                        raise _bad_token_error(tok)
                    f.out.append(tok)
                else:
                    f.out.append((tok, hs))
                continue
            if m.params is None:
                if m.dynamic is not None:
                    value = str(tok.span.line) if m.dynamic == "line" else str(self.file_number)
                    pending.append((Token("INT", value, tok.span), None))
                    continue
                if hs is None:
                    nhs = m.self_hs
                else:
                    if len(hs) >= MAX_DEPTH:
                        raise self._too_large(tok.span, f"more than {MAX_DEPTH} nested macros")
                    nhs = hs | m.self_hs
                span = tok.span
                if m.simple:
                    body = m.body
                    self.work += len(body)
                    if self.work > self.max_tokens:
                        raise self._too_large(span, f"more than {self.max_tokens} tokens")
                    for k, text, _, _ in reversed(body):
                        pending.append((Token(k, text, span), nhs))
                else:
                    pending.extend(reversed(self._substitute(m, tok, nhs, [], [])))
                continue
            # function-like: only an invocation when the next token is "("
            if not self._next_is_lparen(f):
                if f.top:
                    f.out.append(tok)
                else:
                    f.out.append((tok, hs))
                continue
            args, rhs = self._collect_args(f, tok, m)
            if hs is None or rhs is None:
                nhs = m.self_hs
            else:
                if len(hs) >= MAX_DEPTH:
                    raise self._too_large(tok.span, f"more than {MAX_DEPTH} nested macros")
                nhs = (hs & rhs) | m.self_hs
            exp: list[list[_Pair]] = list(args)
            todo = [
                i for i in range(m.nparams)
                if m.needs_exp[i] and any(t.text in macros for t, _ in args[i])
            ]
            if todo:
                todo.reverse()
                inv = _Inv(m, tok, nhs, args, exp, todo, f)
                self._push_arg(frames, inv, f.depth + 1)
            else:
                pending.extend(reversed(self._substitute(m, tok, nhs, args, exp)))

    def _push_arg(self, frames: list[_Frame], inv: _Inv, depth: int) -> None:
        """Start pre-expanding the next argument of ``inv``."""
        if depth > MAX_DEPTH:
            raise self._too_large(inv.name.span, f"macro arguments nested deeper than {MAX_DEPTH}")
        i = inv.todo.pop()
        arg = inv.args[i]
        frames.append(_Frame(arg[::-1], [], top=False, src=False, depth=depth, inv=inv, argi=i))

    def _next_is_lparen(self, f: _Frame) -> bool:
        """Consume the next token of ``f`` if it is "(" (reading on into the file for the top frame)."""
        if f.pending:
            t = f.pending[-1][0]
            if t.text == "(" and t.kind == "PUNCT":
                f.pending.pop()
                return True
            return False
        if not f.src:
            return False
        t2 = self._pull()
        if t2 is None:
            return False
        if t2.text == "(" and t2.kind == "PUNCT":
            return True
        f.pending.append((t2, None))
        return False

    def _collect_args(self, f: _Frame, name: Token, m: _Macro) -> tuple[list[list[_Pair]], frozenset[str] | None]:
        """Read the arguments after "(" up to the matching ")"; returns them and the ")" hide-set."""
        args: list[list[_Pair]] = [[]]
        cur = args[0]
        depth = 0
        pending = f.pending
        budget = self.max_tokens - self.work
        count = 0
        while True:
            if pending:
                pair = pending.pop()
            else:
                t = self._pull() if f.src else None
                if t is None:
                    raise GlslError(f"unterminated invocation of macro '{name.text}'", name.span)
                pair = (t, None)
            count += 1
            if count > budget:
                raise self._too_large(name.span, f"more than {self.max_tokens} tokens")
            t = pair[0]
            if t.kind == "PUNCT":
                text = t.text
                if text == "(":
                    depth += 1
                elif text == ")":
                    if depth == 0:
                        break
                    depth -= 1
                elif text == "," and depth == 0:
                    cur = []
                    args.append(cur)
                    continue
            cur.append(pair)
        self.work += count
        if m.nparams == 0 and len(args) == 1 and not args[0]:
            args = []
        if len(args) != m.nparams:
            raise GlslError(
                f"macro '{name.text}' expects {m.nparams} argument{'s' if m.nparams != 1 else ''}, "
                f"got {len(args)}",
                name.span,
            )
        return args, pair[1]

    def _substitute(self, m: _Macro, name: Token, hs: frozenset[str], args: list[list[_Pair]],
                    exp: list[list[_Pair]]) -> list[_Pair]:
        """The replacement list of one invocation with hide-set ``hs`` added (Prosser's subst)."""
        span = name.span
        res: list[_Pair] = []
        for kind, text, p, adj in m.body:
            if p >= 0:
                if adj:
                    arg = args[p]
                    if arg:
                        res.extend(arg)
                    else:
                        res.append(_PLACEMARKER)
                else:
                    res.extend(exp[p])
            elif kind == "PASTE":
                res.append(_PASTE)
            else:
                res.append((Token(kind, text, span), None))
        if m.has_paste:
            res = self._paste(res)
        self.work += len(res)
        if self.work > self.max_tokens:
            raise self._too_large(span, f"more than {self.max_tokens} tokens")
        out: list[_Pair] = []
        for t, h in res:
            if h is None or h is hs:
                out.append((t, hs))
            else:
                if len(h) >= MAX_DEPTH:
                    raise self._too_large(span, f"more than {MAX_DEPTH} nested macros")
                out.append((t, h | hs))
        return out

    def _paste(self, res: list[_Pair]) -> list[_Pair]:
        """Apply ## operators left to right and drop placemarkers."""
        out: list[_Pair] = []
        i = 0
        n = len(res)
        while i < n:
            item = res[i]
            if item is _PASTE:
                left = out.pop()
                right = res[i + 1]
                i += 2
                if left is _PLACEMARKER:
                    out.append(right)
                elif right is _PLACEMARKER:
                    out.append(left)
                else:
                    lt, rt = left[0], right[0]
                    text = lt.text + rt.text
                    mm = _SINGLE_TOKEN_RE.match(text)
                    if mm is None:
                        raise GlslError(
                            f"pasting '{lt.text}' and '{rt.text}' does not give a valid token", lt.span
                        )
                    hs = left[1] if left[1] == right[1] else None
                    out.append((Token(mm.lastgroup, text, lt.span), hs))  # type: ignore[arg-type]
            else:
                out.append(item)
                i += 1
        return [p for p in out if p is not _PLACEMARKER]

    def _expand_line(self, toks: list[Token]) -> list[Token]:
        """Macro-expand a directive's tokens in isolation (for #if and #line)."""
        f = _Frame([(t, None) for t in reversed(toks)], [], top=False, src=False, depth=0)
        self.in_if = True
        try:
            self._expand([f])
        finally:
            self.in_if = False
        return [t for t, _ in f.out]

    # ---------------------------------------------------------------- directives

    def _define_text(self, name: str, value: str) -> None:
        """Define an object-like macro from text (predefined macros)."""
        toks: list[Token] = []
        for m in _TOKEN_RE.finditer(value.replace("\n", " ")):
            gi = m.lastindex
            kind = _GROUP_KIND[gi]  # type: ignore[index]
            if kind in _OUT_KINDS:
                toks.append(Token(kind, m.group(gi), Span("<predefined>", 1, m.start(gi) + 1)))  # type: ignore[arg-type]
            elif kind not in ("LC", "END", "BC", "NL"):
                raise ValueError(f"predefined macro {name}={value!r} is not valid GLSL")
        self.macros[name] = _Macro(name, None, [(t.kind, t.text, -1, False) for t in toks])

    def _directive(self, toks: list[Token], nl_line: int) -> None:
        """Handle one directive line (``toks[0]`` is the '#')."""
        if len(toks) == 1:
            return  # the null directive
        hash_tok, d = toks[0], toks[1]
        if d.kind != "IDENT":
            if self.active:
                raise GlslError(f"invalid preprocessor directive '#{d.text}'", d.span)
            return
        name = d.text
        rest = toks[2:]
        if name in ("if", "ifdef", "ifndef"):
            parent = self.active
            value = False
            if parent:
                if name == "if":
                    value = self._eval_if(d, rest)
                else:
                    if not rest or rest[0].kind != "IDENT":
                        raise GlslError(f"#{name} needs a macro name", (rest[0] if rest else d).span)
                    value = (rest[0].text in self.macros) == (name == "ifdef")
            self.cond.append(_Cond(hash_tok.span, parent, value))
            self.active = value
            return
        if name in ("elif", "else", "endif"):
            if not self.cond:
                raise GlslError(f"#{name} without #if", hash_tok.span)
            c = self.cond[-1]
            if name == "endif":
                self.cond.pop()
                self.active = c.parent
                return
            if c.seen_else:
                raise GlslError(f"#{name} after #else", hash_tok.span)
            if name == "else":
                c.seen_else = True
                c.active = not c.taken
                c.taken = True
            elif c.taken:
                c.active = False
            else:
                c.active = self._eval_if(d, rest)
                c.taken = c.active
            self.active = c.active
            return
        if not self.active:
            return
        if name == "define":
            self._define(d, rest)
        elif name == "undef":
            if not rest or rest[0].kind != "IDENT":
                raise GlslError("#undef needs a macro name", (rest[0] if rest else d).span)
            if rest[0].text == "defined":
                raise GlslError("'defined' cannot be undefined", rest[0].span)
            self.macros.pop(rest[0].text, None)
        elif name == "error":
            msg = _join(rest)
            raise GlslError(f"#error {msg}".rstrip(), hash_tok.span)
        elif name == "pragma":
            self.result.pragmas.append(_join(rest))
        elif name == "version":
            self._version(hash_tok, d, rest)
        elif name == "extension":
            self._extension(d, rest)
        elif name == "line":
            self._line(d, rest, nl_line)
        else:
            raise GlslError(f"unknown preprocessor directive '#{name}'", d.span)

    def _check_plain(self, toks: list[Token]) -> None:
        """Reject BAD/HASH tokens in a directive that uses its tokens as GLSL tokens."""
        for t in toks:
            if t.kind not in _OUT_KINDS:
                raise _bad_token_error(t)

    def _define(self, d: Token, rest: list[Token]) -> None:
        """#define NAME body / #define NAME(params) body."""
        if not rest or rest[0].kind != "IDENT":
            raise GlslError("#define needs a macro name", (rest[0] if rest else d).span)
        name = rest[0]
        if name.text == "defined":
            raise GlslError("'defined' cannot be defined as a macro", name.span)
        params: tuple[str, ...] | None = None
        i = 1
        if (len(rest) > 1 and rest[1].text == "(" and rest[1].span.line == name.span.line
                and rest[1].span.col == name.span.col + len(name.text)):
            plist: list[str] = []
            i = 2
            while True:
                if i >= len(rest):
                    raise GlslError("unterminated macro parameter list", rest[1].span)
                t = rest[i]
                if t.text == ")" and not plist:
                    i += 1
                    break
                if t.kind != "IDENT":
                    raise GlslError(f"expected a parameter name, found '{t.text}'", t.span)
                if t.text in plist:
                    raise GlslError(f"duplicate macro parameter '{t.text}'", t.span)
                plist.append(t.text)
                i += 1
                if i >= len(rest):
                    raise GlslError("unterminated macro parameter list", rest[1].span)
                t = rest[i]
                i += 1
                if t.text == ")":
                    break
                if t.text != ",":
                    raise GlslError(f"expected ',' or ')' in macro parameters, found '{t.text}'", t.span)
            params = tuple(plist)
        btoks = rest[i:]
        pmap = {p: j for j, p in enumerate(params or ())}
        body: list[tuple[str, str, int, bool]] = []
        n = len(btoks)
        for j, t in enumerate(btoks):
            if t.kind == "HASH":
                if t.text == "#":
                    raise GlslError("'#' (stringizing) is not supported in GLSL", t.span)
                if j == 0 or j == n - 1:
                    raise GlslError("'##' cannot appear at either end of a macro body", t.span)
                if btoks[j + 1].kind == "HASH":
                    raise GlslError("'##' cannot be followed by '##'", btoks[j + 1].span)
                body.append(("PASTE", "##", -1, False))
                continue
            p = pmap.get(t.text, -1) if t.kind == "IDENT" else -1
            adj = p >= 0 and (
                (j > 0 and btoks[j - 1].kind == "HASH") or (j + 1 < n and btoks[j + 1].kind == "HASH")
            )
            body.append((t.kind, t.text, p, adj))
        self.macros[name.text] = _Macro(name.text, params, body)

    def _resolve_defined(self, toks: list[Token]) -> list[Token]:
        """Replace ``defined X`` / ``defined(X)`` by 1 or 0."""
        out: list[Token] = []
        i = 0
        n = len(toks)
        while i < n:
            t = toks[i]
            if t.kind == "IDENT" and t.text == "defined":
                if i + 1 < n and toks[i + 1].kind == "IDENT":
                    name = toks[i + 1].text
                    i += 2
                elif (i + 3 < n and toks[i + 1].text == "(" and toks[i + 2].kind == "IDENT"
                      and toks[i + 3].text == ")"):
                    name = toks[i + 2].text
                    i += 4
                else:
                    raise GlslError("'defined' must be followed by a macro name", t.span)
                out.append(Token("INT", "1" if name in self.macros else "0", t.span))
            else:
                out.append(t)
                i += 1
        return out

    def _eval_if(self, d: Token, rest: list[Token]) -> bool:
        """Value of an #if/#elif condition."""
        self._check_plain(rest)
        toks = self._resolve_defined(rest)
        toks = self._expand_line(toks)
        toks = self._resolve_defined(toks)
        return _evaluate(toks, d) != 0

    def _version(self, hash_tok: Token, d: Token, rest: list[Token]) -> None:
        """#version N [profile]."""
        res = self.result
        if res.version is not None:
            raise GlslError("#version may appear only once", hash_tok.span)
        if self.seen_text:
            raise GlslError("#version must come before anything else in the shader", hash_tok.span)
        if not rest or rest[0].kind != "INT" or not rest[0].text.isdigit() or len(rest[0].text) > 6:
            raise GlslError("#version needs a version number", (rest[0] if rest else d).span)
        version = int(rest[0].text)
        profile: str | None = None
        if len(rest) > 1:
            p = rest[1]
            if p.kind != "IDENT" or p.text not in ("es", "core", "compatibility"):
                raise GlslError(f"unknown #version profile '{p.text}'", p.span)
            profile = p.text
        if len(rest) > 2:
            raise GlslError("unexpected tokens after #version", rest[2].span)
        res.version = version
        res.version_profile = profile
        self._define_text("__VERSION__", str(version))
        if profile == "es" or version == 100:
            self._define_text("GL_ES", "1")
        else:
            self.macros.pop("GL_ES", None)

    def _extension(self, d: Token, rest: list[Token]) -> None:
        """#extension name : behavior."""
        if len(rest) != 3 or rest[0].kind != "IDENT" or rest[1].text != ":" or rest[2].kind != "IDENT":
            raise GlslError("#extension must have the form '#extension name : behavior'",
                            (rest[0] if rest else d).span)
        behavior = rest[2].text
        if behavior not in ("require", "enable", "warn", "disable"):
            raise GlslError(f"unknown #extension behavior '{behavior}'", rest[2].span)
        self.result.extensions[rest[0].text] = behavior

    def _line(self, d: Token, rest: list[Token], nl_line: int) -> None:
        """#line N [source-number]: the next line is reported as line N."""
        self._check_plain(rest)
        toks = self._expand_line(rest)
        if not 1 <= len(toks) <= 2 or any(t.kind != "INT" or not t.text.isdigit() for t in toks):
            raise GlslError("#line must be followed by a line number and an optional source number",
                            (toks[0] if toks else d).span)
        if any(len(t.text) > 9 for t in toks):
            raise GlslError("#line number too large", toks[0].span)
        self.line_delta = int(toks[0].text) - (nl_line + 1)
        if len(toks) == 2:
            self.file_number = int(toks[1].text)


def preprocess(
    text: str,
    filename: str = "<shader>",
    *,
    predefined: dict[str, str] | None = None,
    max_tokens: int = 2_000_000,
) -> PreprocessResult:
    """Preprocess GLSL source; raises :class:`GlslError` (with a span) on any problem in the text.

    ``predefined`` adds object-like macros (name -> replacement text) after the built-ins
    (``__LINE__``, ``__FILE__``, ``__VERSION__`` = 100 and ``GL_ES`` = 1 until a ``#version`` says
    otherwise). ``max_tokens`` bounds the tokens macro expansion may produce.
    """
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as e:
            raise GlslError(f"source is not valid UTF-8 (byte {e.start})", Span(filename)) from None
    # Tokens and spans hold no reference cycles; the cyclic GC only slows building a million of them
    # (2-3x on large inputs), so it is paused for the run and restored after.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _Preprocessor(text, filename, predefined, max_tokens).run()
    finally:
        if gc_was_enabled:
            gc.enable()
