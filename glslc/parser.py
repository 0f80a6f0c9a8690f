"""Parse preprocessed GLSL tokens into a :mod:`glslc.ast` tree.

The grammar (``grammar.lark``) is LALR(1); Lark runs it with our own lexer, which maps preprocessor tokens
to the grammar's terminals and, like glsl-lang's lexer, knows which identifiers name struct types (a name
becomes a TYPE_NAME once it follows ``struct``), so ``S(1.0)`` is a constructor and ``S s;`` a declaration.
The tree is built by a Transformer run inline by the LALR parser (no intermediate parse tree), so
parsing never recurses: 10,000 nested parentheses parse, then hit the nesting limit that protects the
recursive passes downstream. Lark's syntax errors become :class:`GlslError` with the offending token's
span and a message in shader-author words.

``parse_source(text)`` runs the preprocessor first; ``parse_tokens(tokens)`` takes its tokens.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer

from . import ast as A
from .errors import GlslError, Span
from .preprocess import preprocess

__all__ = ["MAX_NESTING", "parse_source", "parse_tokens"]

MAX_NESTING = 500
"""Deepest tree the parser returns (longest chain of nested nodes); deeper input is a GlslError, so that
recursive passes after the parser can rely on a bounded depth."""


class TokenLike(Protocol):
    """What the parser needs of a preprocessor token (``glslc.preprocess.Token`` is one)."""

    @property
    def kind(self) -> str:
        """``"IDENT"``, ``"INT"``, ``"FLOAT"`` or ``"PUNCT"``."""

    @property
    def text(self) -> str:
        """The token as written (after macro expansion)."""

    @property
    def span(self) -> Span:
        """Where the user wrote it."""


# ------------------------------------------------------------------------------------ token classes


def _builtin_type_names() -> frozenset[str]:
    names = {"float", "double", "int", "uint", "bool", "atomic_uint"}
    for n in "234":
        names.update(p + "vec" + n for p in ("", "i", "u", "b", "d"))
        names.update(p + "mat" + n for p in ("", "d"))
        names.update(p + "mat" + n + "x" + m for p in ("", "d") for m in "234")
    dims = ["1D", "2D", "3D", "Cube", "2DRect", "1DArray", "2DArray", "CubeArray", "Buffer", "2DMS", "2DMSArray"]
    for p in ("", "i", "u"):
        names.update(p + "sampler" + d for d in dims)
        names.update(p + "image" + d for d in dims)
    names.update("sampler" + d + "Shadow" for d in ("1D", "2D", "Cube", "2DRect", "1DArray", "2DArray", "CubeArray"))
    names.add("samplerExternalOES")
    return frozenset(names)


BUILTIN_TYPES = _builtin_type_names()
"""Every builtin type keyword except ``void`` (lexed as BUILTIN_TYPE)."""

_KEYWORDS: dict[str, str] = {
    "if": "IF", "else": "ELSE", "switch": "SWITCH", "case": "CASE", "default": "DEFAULT", "while": "WHILE",
    "do": "DO", "for": "FOR", "continue": "CONTINUE", "break": "BREAK", "return": "RETURN",
    "discard": "DISCARD", "struct": "STRUCT", "precision": "PRECISION", "layout": "LAYOUT", "void": "VOID",
    "true": "BOOLCONSTANT", "false": "BOOLCONSTANT",
    "const": "STORAGE", "in": "STORAGE", "out": "STORAGE", "inout": "STORAGE", "uniform": "STORAGE",
    "highp": "PRECISION_QUALIFIER", "mediump": "PRECISION_QUALIFIER", "lowp": "PRECISION_QUALIFIER",
}  # fmt: skip

# Qualifiers that some GLSL versions make keywords and others leave free (or reserve), and that real
# shaders use as names (`float sample;`, `vec3 patch(...)`): they are qualifiers only when the next token
# is a word (a type, a qualifier or a name), as in `sample in vec2 uv;` or `buffer Data { ... };`.
_SOFT_QUALIFIERS: dict[str, str] = {
    "attribute": "STORAGE", "varying": "STORAGE", "centroid": "STORAGE", "buffer": "STORAGE",
    "shared": "STORAGE", "patch": "STORAGE", "sample": "STORAGE", "coherent": "STORAGE",
    "volatile": "STORAGE", "restrict": "STORAGE", "readonly": "STORAGE", "writeonly": "STORAGE",
    "flat": "INTERP", "smooth": "INTERP", "noperspective": "INTERP",
    "invariant": "INVARIANT", "precise": "PRECISE",
}  # fmt: skip

_PUNCT: dict[str, str] = {
    "(": "_LPAREN", ")": "_RPAREN", "[": "_LBRACKET", "]": "_RBRACKET", "{": "_LBRACE", "}": "_RBRACE",
    ".": "_DOT", ",": "_COMMA", ":": "_COLON", ";": "_SEMICOLON", "?": "QUESTION", "=": "EQUAL",
    "+=": "ASSIGN_OP", "-=": "ASSIGN_OP", "*=": "ASSIGN_OP", "/=": "ASSIGN_OP", "%=": "ASSIGN_OP",
    "<<=": "ASSIGN_OP", ">>=": "ASSIGN_OP", "&=": "ASSIGN_OP", "^=": "ASSIGN_OP", "|=": "ASSIGN_OP",
    "++": "INC_OP", "--": "INC_OP", "+": "ADD_OP", "-": "ADD_OP", "*": "MUL_OP", "/": "MUL_OP",
    "%": "MUL_OP", "<<": "SHIFT_OP", ">>": "SHIFT_OP", "<": "REL_OP", ">": "REL_OP", "<=": "REL_OP",
    ">=": "REL_OP", "==": "EQ_OP", "!=": "EQ_OP", "&": "AMPERSAND", "^": "CARET", "|": "BAR",
    "&&": "AND_OP", "^^": "XOR_OP", "||": "OR_OP", "!": "BANG", "~": "TILDE",
}  # fmt: skip


class _Tok(Token):
    """A Lark token that keeps the preprocessor token's span and its index in the token list."""

    __slots__ = ("index", "span")
    span: Span
    index: int


def _make_tok(type_: str, text: str, span: Span, index: int) -> _Tok:
    t = str.__new__(_Tok, text)
    t.type = type_
    t.value = text
    t.span = span
    t.index = index
    t.start_pos = index
    t.line = span.line
    t.column = span.col
    t.end_line = span.end_line
    t.end_column = span.end_col
    t.end_pos = index + 1
    return t


class _GlslLexer(Lexer):
    """Feeds Lark our token list, classifying each token (see the module docstring)."""

    def __init__(self, lexer_conf: Any) -> None:
        pass

    def lex(self, data: Any) -> Iterator[Token]:  # type: ignore[override]  # Lark's custom-lexer interface 0
        """Yield Lark tokens for the preprocessor tokens in ``data`` (what was passed to ``parse``).

        A struct name is a TYPE_NAME from its ``struct Name`` on, except where a variable of the same name
        hides it (``camera camera;`` then ``camera.pos``): a type name right after a type declares such a
        variable, which hides the type until the enclosing ``}`` (for a parameter, until its function
        body's ``}``).
        """
        toks: Sequence[TokenLike] = data
        type_names: set[str] = set()
        hidden: list[set[str]] = [set()]  # per brace scope: names whose variable hides a struct type
        pending: set[str] = set()  # hidden by a parameter (or for-loop variable): for the next scope
        parens = 0
        keywords, soft, punct, builtins = _KEYWORDS, _SOFT_QUALIFIERS, _PUNCT, BUILTIN_TYPES
        prev = ""
        n = len(toks)
        for i, tok in enumerate(toks):
            kind, text = tok.kind, tok.text
            if kind == "IDENT":
                if prev == "_DOT":
                    ty = "IDENTIFIER"
                elif text in builtins:
                    ty = "BUILTIN_TYPE"
                elif text in keywords:
                    ty = keywords[text]
                elif text in type_names:
                    if prev == "BUILTIN_TYPE" or prev == "TYPE_NAME":
                        ty = "IDENTIFIER"
                        (pending if parens else hidden[-1]).add(text)
                    elif any(text in h for h in hidden):
                        ty = "IDENTIFIER"
                    else:
                        ty = "TYPE_NAME"
                elif prev == "STRUCT":
                    ty = "TYPE_NAME"
                    type_names.add(text)
                elif text in soft and i + 1 < n and toks[i + 1].kind == "IDENT":
                    ty = soft[text]
                else:
                    ty = "IDENTIFIER"
            elif kind == "PUNCT":
                ty = punct.get(text, "")
                if not ty:
                    what = "'#'-directive" if text.startswith("#") else f"character {text!r}"
                    raise GlslError(f"unexpected {what} in shader code", tok.span)
                if ty == "_LBRACE":
                    hidden.append(pending)
                    pending = set()
                elif ty == "_RBRACE":
                    if len(hidden) > 1:
                        hidden.pop()
                elif ty == "_LPAREN":
                    parens += 1
                elif ty == "_RPAREN":
                    parens = max(0, parens - 1)
                elif ty == "_SEMICOLON" and not parens and pending:
                    pending = set()
            elif kind == "INT":
                ty = "UINTCONSTANT" if text[-1] in "uU" else "INTCONSTANT"
            elif kind == "FLOAT":
                ty = "FLOATCONSTANT"
            else:
                raise GlslError(f"unexpected token {text!r}", tok.span)
            prev = ty
            yield _make_tok(ty, text, tok.span, i)


# ------------------------------------------------------------------------------------------ building


@dataclass(slots=True)
class _Quals:
    """Collected ``type_qualifier`` words (not a tree node: merged into a TypeSpec)."""

    span: Span
    qualifiers: list[str]
    precision: str | None
    layout: list[A.LayoutId]


def _apply_quals(ts: A.TypeSpec, q: _Quals | None) -> A.TypeSpec:
    if q is not None:
        ts.qualifiers = q.qualifiers
        ts.precision = q.precision
        ts.layout = q.layout
        ts.span = q.span
    return ts


def _int_value(tok: _Tok) -> int:
    text = tok.rstrip("uU")
    try:
        if text[:2] in ("0x", "0X"):
            return int(text, 16)
        if len(text) > 1 and text[0] == "0":
            return int(text[1:], 8)
        return int(text)
    except ValueError:
        raise GlslError(f"invalid integer constant '{tok}'", tok.span) from None


def _float_value(tok: _Tok) -> tuple[float, bool]:
    text = str(tok)
    double = text[-2:] in ("lf", "LF")
    if double:
        text = text[:-2]
    elif text[-1:] in ("f", "F"):
        text = text[:-1]
    try:
        return float(text), double
    except ValueError:
        raise GlslError(f"invalid floating-point constant '{tok}'", tok.span) from None


def _start(e: A.Node) -> Span:
    """Where an expression begins (binary and postfix nodes point at their operator or member)."""
    while True:
        t = type(e)
        if t is A.Binary or t is A.Assign:
            e = e.lhs  # type: ignore[attr-defined]
        elif t is A.Ternary:
            e = e.cond  # type: ignore[attr-defined]
        elif t is A.Comma:
            e = e.exprs[0]  # type: ignore[attr-defined]
        elif t is A.Field or t is A.Length or t is A.Index:
            e = e.base  # type: ignore[attr-defined]
        elif t is A.PostIncDec:
            e = e.operand  # type: ignore[attr-defined]
        else:
            return e.span


def _dims(x: list[A.Expr | None] | None) -> list[A.Expr | None]:
    return x if x is not None else []


class _Build(Transformer):
    """Callbacks named after grammar rules and aliases; each gets the rule's kept children."""

    # -- declarations --
    def start(self, c: list[Any]) -> A.TranslationUnit:
        return A.TranslationUnit(c, span=c[0].span if c else A._NO_SPAN)

    def function_definition(self, c: list[Any]) -> A.FunctionDef:
        return A.FunctionDef(c[0], c[1], span=c[0].span)

    def proto_declaration(self, c: list[Any]) -> A.FunctionProto:
        return c[0]

    def var_declaration(self, c: list[Any]) -> A.DeclStmt:
        ts = c[0]
        decls = [d for d in c[1:] if d is not None]
        for d in decls:
            d.type = ts
        return A.DeclStmt(ts, decls, span=ts.span)

    def precision_declaration(self, c: list[Any]) -> A.PrecisionDecl:
        return A.PrecisionDecl(str(c[1]), c[2], span=c[0].span)

    def interface_block(self, c: list[Any]) -> A.InterfaceBlock:
        q: _Quals = c[0]
        ts = _apply_quals(A.TypeSpec(None, span=q.span), q)
        fields_: list[A.StructField] = []
        instance, dims = None, []
        for x in c[2:]:
            if isinstance(x, list):
                if x and isinstance(x[0], A.StructField):
                    fields_.extend(x)
                else:
                    dims = x
            elif isinstance(x, Token):
                instance = str(x)
        return A.InterfaceBlock(ts, str(c[1]), fields_, instance, dims, span=c[1].span)

    def qualifier_declaration(self, c: list[Any]) -> A.QualifierDecl:
        q: _Quals = c[0]
        ts = _apply_quals(A.TypeSpec(None, span=q.span), q)
        return A.QualifierDecl(ts, [str(t) for t in c[1:]], span=q.span)

    def function_prototype(self, c: list[Any]) -> A.FunctionProto:
        params: list[A.Param] = c[2:]
        if len(params) == 1:
            p = params[0]
            if p.name is None and p.type.name == "void" and not p.type.dims and not p.type.qualifiers:
                params = []
        return A.FunctionProto(c[0], str(c[1]), params, span=c[1].span)

    def parameter(self, c: list[Any]) -> A.Param:
        ts = _apply_quals(c[1], c[0])
        if len(c) == 2:
            return A.Param(ts, None, span=ts.span)
        return A.Param(ts, str(c[2]), _dims(c[3]), span=c[2].span)

    def declarator(self, c: list[Any]) -> A.VarDecl:
        return A.VarDecl(None, str(c[0]), _dims(c[1]), c[3], span=c[0].span)  # type: ignore[arg-type]

    def init_list(self, c: list[Any]) -> A.InitList:
        return A.InitList(c, span=c[0].span)

    def fully_specified_type(self, c: list[Any]) -> A.TypeSpec:
        return _apply_quals(c[1], c[0])

    def type_qualifier(self, c: list[Any]) -> _Quals:
        quals: list[str] = []
        precision: str | None = None
        layout: list[A.LayoutId] = []
        for x in c:
            if isinstance(x, list):
                layout.extend(x)
            elif x.type == "PRECISION_QUALIFIER":
                precision = str(x)
            else:
                quals.append(str(x))
        first = c[0]
        span = first.span if isinstance(first, Token) else first[0].span
        return _Quals(span, quals, precision, layout)

    def layout_qualifier(self, c: list[Any]) -> list[A.LayoutId]:
        ids: list[A.LayoutId] = c[1:]
        if ids:
            ids[0].span = c[0].span
        return ids

    def layout_id(self, c: list[Any]) -> A.LayoutId:
        return A.LayoutId(str(c[0]), c[2], span=c[0].span)

    def type_specifier(self, c: list[Any]) -> A.TypeSpec:
        base = c[0]
        if isinstance(base, A.StructSpec):
            return A.TypeSpec(base.name, base, _dims(c[1]), span=base.span)
        return A.TypeSpec(str(base), None, _dims(c[1]), span=base.span)

    def array_specifier(self, c: list[Any]) -> list[A.Expr | None]:
        return c

    def struct_specifier(self, c: list[Any]) -> A.StructSpec:
        fields_: list[A.StructField] = []
        for group in c[2:]:
            fields_.extend(group)
        return A.StructSpec(None if c[1] is None else str(c[1]), fields_, span=c[0].span)

    def struct_member(self, c: list[Any]) -> list[A.StructField]:
        ts = _apply_quals(c[1], c[0])
        out = []
        for i, (name, dims) in enumerate(c[2:]):
            out.append(A.StructField(ts if i == 0 else copy.copy(ts), str(name), _dims(dims), span=name.span))
        return out

    def struct_declarator(self, c: list[Any]) -> tuple[Token, list[A.Expr | None] | None]:
        return c[0], c[1]

    # -- statements --
    def compound_statement(self, c: list[Any]) -> A.Block:
        stmts = c[1:-1]
        for s in stmts:
            if type(s) is A.Case:
                word = "default" if s.value is None else "case"
                raise GlslError(f"'{word}' label outside a switch statement", s.span)
        return A.Block(stmts, span=c[0].span)

    def empty_statement(self, c: list[Any]) -> A.EmptyStmt:
        return A.EmptyStmt(span=c[0].span)

    def expression_statement(self, c: list[Any]) -> A.ExprStmt:
        return A.ExprStmt(c[0], span=_start(c[0]))

    def selection_statement(self, c: list[Any]) -> A.If:
        return A.If(c[1], c[2], c[4], span=c[0].span)

    def condition_declaration(self, c: list[Any]) -> A.DeclStmt:
        ts = c[0]
        return A.DeclStmt(ts, [A.VarDecl(ts, str(c[1]), [], c[3], span=c[1].span)], span=ts.span)

    def switch_statement(self, c: list[Any]) -> A.Switch:
        cases: list[A.Case] = []
        for s in c[2:]:
            if type(s) is A.Case:
                cases.append(s)
            elif not cases:
                raise GlslError("statement before the first 'case' label of a switch", s.span)
            else:
                cases[-1].body.append(s)
        return A.Switch(c[1], cases, span=c[0].span)

    def case_label(self, c: list[Any]) -> A.Case:
        return A.Case(c[1] if len(c) > 1 else None, [], span=c[0].span)

    def while_statement(self, c: list[Any]) -> A.While:
        return A.While(c[1], c[2], span=c[0].span)

    def do_statement(self, c: list[Any]) -> A.DoWhile:
        return A.DoWhile(c[1], c[3], span=c[0].span)

    def for_statement(self, c: list[Any]) -> A.For:
        return A.For(c[1], c[2], c[3], c[4], span=c[0].span)

    def continue_statement(self, c: list[Any]) -> A.Continue:
        return A.Continue(span=c[0].span)

    def break_statement(self, c: list[Any]) -> A.Break:
        return A.Break(span=c[0].span)

    def discard_statement(self, c: list[Any]) -> A.Discard:
        return A.Discard(span=c[0].span)

    def return_statement(self, c: list[Any]) -> A.Return:
        return A.Return(c[1], span=c[0].span)

    # -- expressions --
    def comma(self, c: list[Any]) -> A.Comma:
        lhs = c[0]
        if type(lhs) is A.Comma:
            lhs.exprs.append(c[1])
            return lhs
        return A.Comma([lhs, c[1]], span=lhs.span)

    def assign(self, c: list[Any]) -> A.Assign:
        op = c[1]
        return A.Assign(str(op), c[0], c[2], span=op.span)

    def ternary(self, c: list[Any]) -> A.Ternary:
        return A.Ternary(c[0], c[2], c[3], span=c[1].span)

    def binary(self, c: list[Any]) -> A.Binary:
        op = c[1]
        return A.Binary(str(op), c[0], c[2], span=op.span)

    def unary(self, c: list[Any]) -> A.Unary:
        op = c[0]
        return A.Unary(str(op), c[1], span=op.span)

    def pre_incdec(self, c: list[Any]) -> A.PreIncDec:
        op = c[0]
        return A.PreIncDec(str(op), c[1], span=op.span)

    def post_incdec(self, c: list[Any]) -> A.PostIncDec:
        op = c[1]
        return A.PostIncDec(str(op), c[0], span=op.span)

    def index(self, c: list[Any]) -> A.Index:
        return A.Index(c[0], c[1], span=c[0].span)

    def field(self, c: list[Any]) -> A.Field:
        name = c[1]
        return A.Field(c[0], str(name), span=name.span)

    def ident(self, c: list[Any]) -> A.Ident:
        t = c[0]
        return A.Ident(str(t), span=t.span)

    def int_literal(self, c: list[Any]) -> A.IntLit:
        t = c[0]
        return A.IntLit(_int_value(t), False, span=t.span)

    def uint_literal(self, c: list[Any]) -> A.IntLit:
        t = c[0]
        return A.IntLit(_int_value(t), True, span=t.span)

    def float_literal(self, c: list[Any]) -> A.FloatLit:
        t = c[0]
        value, double = _float_value(t)
        return A.FloatLit(value, double, span=t.span)

    def bool_literal(self, c: list[Any]) -> A.BoolLit:
        t = c[0]
        return A.BoolLit(t == "true", span=t.span)

    def function_call(self, c: list[Any]) -> A.Expr:
        callee = c[0]
        args = c[1:]
        if args and isinstance(args[0], Token):  # f(void)
            args = []
        if type(callee) is A.Ident:
            return A.Call(callee.name, args, span=callee.span)
        if type(callee) is A.TypeSpec:
            return A.Call(callee, args, span=callee.span)
        if type(callee) is A.Field and callee.name == "length":
            if args:
                raise GlslError("'.length()' takes no arguments", args[0].span)
            return A.Length(callee.base, span=callee.span)
        if type(callee) is A.Field:
            raise GlslError(f"'.{callee.name}(...)': only '.length()' can be called on a value", callee.span)
        raise GlslError("only a function name or a type can be called", _start(callee))


# --------------------------------------------------------------------------------------------- errors

_EXPR_START = {"IDENTIFIER", "INTCONSTANT", "UINTCONSTANT", "FLOATCONSTANT", "BOOLCONSTANT", "_LPAREN",
               "ADD_OP", "BANG", "TILDE", "INC_OP", "BUILTIN_TYPE", "TYPE_NAME", "VOID", "STRUCT"}
_OPERATORS = {"QUESTION", "EQUAL", "ASSIGN_OP", "INC_OP", "ADD_OP", "MUL_OP", "SHIFT_OP", "REL_OP", "EQ_OP",
              "AMPERSAND", "CARET", "BAR", "AND_OP", "XOR_OP", "OR_OP", "_LBRACKET", "_DOT"}
_TYPE_START = {"BUILTIN_TYPE", "VOID", "TYPE_NAME", "STRUCT", "STORAGE", "PRECISION_QUALIFIER", "INTERP",
               "INVARIANT", "PRECISE", "LAYOUT"}
_STMT_START = {"IF", "FOR", "WHILE", "DO", "SWITCH", "RETURN", "BREAK", "CONTINUE", "DISCARD", "_LBRACE",
               "CASE", "DEFAULT", "PRECISION", "_SEMICOLON"}
_WORDS: dict[str, str] = {
    "IDENTIFIER": "a name", "TYPE_NAME": "a struct type", "BUILTIN_TYPE": "a type", "VOID": "'void'",
    "_SEMICOLON": "';'", "_RPAREN": "')'", "_RBRACKET": "']'", "_RBRACE": "'}'", "_LPAREN": "'('",
    "_LBRACE": "'{'", "_LBRACKET": "'['", "_COMMA": "','", "_COLON": "':'", "EQUAL": "'='", "_DOT": "'.'",
    "QUESTION": "'?'", "ELSE": "'else'", "WHILE": "'while'", "INTCONSTANT": "an integer",
    "PRECISION_QUALIFIER": "a precision (highp, mediump, lowp)", "$END": "end of input",
}  # fmt: skip
# The order in which expected things are listed (most helpful first).
_ORDER = ["_SEMICOLON", "_RPAREN", "_RBRACKET", "_RBRACE", "_COLON", "IDENTIFIER", "_COMMA", "EQUAL", "_LPAREN",
          "_LBRACE", "WHILE", "PRECISION_QUALIFIER"]


def _describe(tok: Token) -> str:
    if tok.type == "$END":
        return "end of input"
    if tok.type == "IDENTIFIER":
        return f"name '{tok}'"
    if tok.type in ("INTCONSTANT", "UINTCONSTANT", "FLOATCONSTANT"):
        return f"number '{tok}'"
    if tok.type in ("BUILTIN_TYPE", "TYPE_NAME"):
        return f"type '{tok}'"
    return f"'{tok}'"


def _expected_words(expected: set[str]) -> list[str]:
    words: list[str] = []
    rest = set(expected)
    if "IF" in rest:
        words.append("a statement")
        rest -= _STMT_START | _EXPR_START | _TYPE_START
    if "INTCONSTANT" in rest:
        words.append("an expression")
        rest -= _EXPR_START
    if "BUILTIN_TYPE" in rest:
        words.append("a type")
        rest -= _TYPE_START
    if "ADD_OP" in rest:  # an expression may go on: '(' (a call) and '=' are operators here
        rest -= {"_LPAREN", "EQUAL"}
        rest.add("ADD_OP")
    for t in _ORDER:
        if t in rest:
            words.append(_WORDS[t])
            rest.discard(t)
    if rest & _OPERATORS:
        words.append("an operator")
        rest -= _OPERATORS
    words.extend(sorted(_WORDS.get(t, "'" + t.lstrip("_").lower() + "'") for t in rest))
    return words


def _acceptable(state: Any, candidates: set[str]) -> set[str]:
    """The candidates that the LALR automaton can really shift in ``state`` (Lark's own set also holds
    lookaheads merged in from other contexts); simulated on the state stack alone, no callbacks run."""
    try:
        from lark.parsers.lalr_analysis import Shift

        table = state.parse_conf.states
        out = set()
        for term in candidates:
            stack = list(state.state_stack)
            for _ in range(10_000):
                action, arg = table[stack[-1]].get(term, (None, None))
                if action is None:
                    break
                if action is Shift or term == "$END":
                    out.add(term)
                    break
                size = len(arg.expansion)
                if size:
                    del stack[-size:]
                stack.append(table[stack[-1]][arg.origin.name][1])
        return out or candidates
    except Exception:  # noqa: BLE001 - an internal of Lark changed: fall back on its own (larger) set
        return candidates


def _context(stack: list[Any]) -> str:
    """What construct a missing ';' should end, judged from the parser's value stack."""
    i = len(stack) - 1
    if i >= 0 and isinstance(stack[i], Token) and stack[i].type == "_RBRACE":
        depth = 0
        while i >= 0:  # find the matching '{' and look at what precedes it
            v = stack[i]
            if isinstance(v, Token) and v.type == "_RBRACE":
                depth += 1
            elif isinstance(v, Token) and v.type == "_LBRACE":
                depth -= 1
                if depth == 0:
                    break
            i -= 1
        before = stack[i - 2 : i] if i >= 2 else stack[:i]
        if any(isinstance(v, Token) and v.type == "STRUCT" for v in before):
            return "struct definition"
        if any(isinstance(v, _Quals) for v in before):
            return "block declaration"
        return "'}'"
    for v in reversed(stack):
        if isinstance(v, Token):
            if v.type in ("RETURN", "BREAK", "CONTINUE", "DISCARD"):
                return f"'{v}' statement"
            if v.type == "WHILE" and any(isinstance(w, Token) and w.type == "DO" for w in stack):
                return "do-while statement"
            if v.type in ("_LBRACE", "_SEMICOLON", "_RBRACE", "IF", "FOR"):
                break
        elif isinstance(v, (A.TypeSpec, A.VarDecl, A.FunctionProto, _Quals)):
            return "declaration"
        elif isinstance(v, A.StructSpec):
            return "struct definition"
    return "expression"


def _syntax_error(e: UnexpectedToken, toks: Sequence[TokenLike], filename: str) -> GlslError:
    tok = e.token
    stack = getattr(e.state, "value_stack", None) or []
    expected = _acceptable(e.state, set(e.expected or ()))
    words = _expected_words(expected)
    if len(words) > 3:
        listed = ", ".join(words[:3]) + " or ..."
    else:
        listed = " or ".join(w for w in (", ".join(words[:-1]), words[-1] if words else "") if w)
    if tok.type == "$END":
        span = _end_span(toks, filename)
        if "_RBRACE" in expected:
            opened = [v for v in stack if isinstance(v, Token) and v.type == "_LBRACE"]
            notes = [f"the '{{' at {opened[-1].span} is not closed"] if opened else []
            return GlslError("unexpected end of input: missing '}'", span, notes=notes)
        return GlslError(f"unexpected end of input; expected {listed}", span)
    span = tok.span
    prev_tok = toks[tok.index - 1] if 0 < tok.index <= len(toks) else None
    if (tok.type == "IDENTIFIER" and prev_tok is not None and prev_tok.kind == "IDENT"
            and prev_tok.text not in _NOT_TYPE_NAMES and prev_tok.text not in _builtin_type_names()):
        # `vec5 v` / `Foo x`: a name where a type belongs
        return GlslError(f"unknown type '{prev_tok.text}'", prev_tok.span)
    only_end = not (expected - _OPERATORS - {"_SEMICOLON", "_COMMA", "_LPAREN"})
    starts_next = tok.type in _TYPE_START or tok.type in _STMT_START and tok.type not in ("_LBRACE", "_SEMICOLON")
    if "_SEMICOLON" in expected and (only_end or starts_next):
        # ';' (or more of the expression) is what can come, or the next declaration or statement starts:
        # the statement or declaration before was not ended
        prev = toks[tok.index - 1] if tok.index > 0 else None
        if prev is not None and (prev.span.line != span.line or prev.span.file != span.file):
            # at the end of a line: point just after the previous token, as C compilers do
            end_col = prev.span.end_col if prev.span.end_col is not None else prev.span.col + len(prev.text)
            end_line = prev.span.end_line if prev.span.end_line is not None else prev.span.line
            where = Span(prev.span.file, end_line, end_col)
            return GlslError(f"expected ';' after {_context(stack)} (before {_describe(tok)})", where)
        return GlslError(f"expected ';' after {_context(stack)}, found {_describe(tok)}", span)
    return GlslError(f"unexpected {_describe(tok)}; expected {listed}", span)


_NOT_TYPE_NAMES = frozenset(
    "const uniform in out inout return highp mediump lowp precision struct flat smooth centroid invariant layout "
    "if else for while do switch case default break continue discard true false attribute varying void "
    "noperspective precise patch sample buffer shared coherent volatile restrict readonly writeonly".split()
)


def _end_span(toks: Sequence[TokenLike], filename: str) -> Span:
    if not toks:
        return Span(filename, 1, 1)
    last = toks[-1].span
    end_col = last.end_col if last.end_col is not None else last.col + len(toks[-1].text)
    return Span(last.file, last.end_line or last.line, end_col)


# ---------------------------------------------------------------------------------------------- entry


@functools.cache
def _lark() -> Lark:
    grammar = (Path(__file__).with_name("grammar.lark")).read_text(encoding="utf-8")
    return Lark(grammar, parser="lalr", lexer=_GlslLexer, transformer=_Build(), cache=True,
                maybe_placeholders=True, start="start")


def parse_tokens(tokens: Sequence[TokenLike], filename: str = "<shader>") -> A.TranslationUnit:
    """Parse a preprocessed token list into a translation unit; raise GlslError on any syntax error."""
    lark = _lark()
    try:
        tu = lark.parse(tokens)  # type: ignore[arg-type]
    except UnexpectedToken as e:
        raise _syntax_error(e, tokens, filename) from None
    except UnexpectedInput as e:  # other Lark input errors (not expected with our lexer)
        raise GlslError(f"syntax error: {e}", _end_span(tokens, filename)) from None
    except RecursionError:  # pragma: no cover - the LALR parser and the callbacks do not recurse
        raise GlslError("nesting too deep", _end_span(tokens, filename)) from None
    if len(tokens) + 8 > MAX_NESTING:  # each level of nesting takes at least one token
        _check_depth(tu)
    return tu


def _check_depth(tu: A.TranslationUnit) -> None:
    stack: list[tuple[A.Node, int]] = [(tu, 1)]
    while stack:
        n, d = stack.pop()
        if d > MAX_NESTING:
            raise GlslError(f"nesting too deep (more than {MAX_NESTING} levels)", n.span)
        d += 1
        stack.extend((c, d) for c in n.children())


def parse_source(text: str, filename: str = "<shader>") -> A.TranslationUnit:
    """Preprocess and parse shader text (GLSL, with directives and macros) into a translation unit."""
    return parse_tokens(preprocess(text, filename).tokens, filename)


# ----------------------------------------------------------------------------- a stand-alone tokenizer


@dataclass(frozen=True, slots=True)
class _SimpleToken:
    kind: str
    text: str
    span: Span


_PUNCT_BY_LENGTH = sorted([p for p in _PUNCT] + ["#"], key=len, reverse=True)
_TOKEN_RE = re.compile(
    r"(?P<ws>[ \t\r\f\v]+|\\\n)|(?P<nl>\n)|(?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))"
    r"|(?P<float>(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?(?:lf|LF|[fF])?|\d+[eE][+-]?\d+(?:lf|LF|[fF])?)"
    r"|(?P<int>0[xX][0-9a-fA-F]+[uU]?|\d+[uU]?)"
    r"|(?P<ident>[A-Za-z_]\w*)"
    r"|(?P<punct>" + "|".join(re.escape(p) for p in _PUNCT_BY_LENGTH) + r")"
    r"|(?P<other>.)",
    re.DOTALL,
)


def _simple_tokens(text: str, filename: str = "<shader>") -> list[_SimpleToken]:
    """Tokenize GLSL without preprocessing (directive lines are skipped): for parser tests."""
    out: list[_SimpleToken] = []
    line, line_start = 1, 0
    at_line_start = True
    skip_line = False
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        s = m.start()
        if kind == "nl":
            line, line_start = line + 1, m.end()
            at_line_start, skip_line = True, False
            continue
        if kind == "ws" or kind == "comment":
            nl = m.group().count("\n")
            if nl:
                line += nl
                line_start = s + m.group().rfind("\n") + 1
            continue
        if skip_line:
            continue
        tok = m.group()
        if at_line_start and tok == "#":
            skip_line = True
            continue
        at_line_start = False
        col = s - line_start + 1
        span = Span(filename, line, col, line, col + len(tok))
        k = {"float": "FLOAT", "int": "INT", "ident": "IDENT"}.get(kind or "", "PUNCT")
        out.append(_SimpleToken(k, tok, span))
    return out
