"""Faster versions of two pure-Python steps of Taichi 1.7.4's front end (the pinned version), applied once
when :mod:`glslc.runtime.glsl` is imported, before any ``@ti.func`` of the runtime or of a generated module
is defined.

Measured on a light shader (shaders/hex_grid.frag, warm compile cache): of 1.2 s from source to first
frame, 0.28 s went to ``kernel_impl._inside_class`` (every ``@ti.func``/``@ti.kernel`` decoration asks
``inspect.getframeinfo`` for the caller's source line, which scans ``sys.modules`` through
``inspect.getmodule``) and 0.23 s to ``ASTTransformerContext.get_pos_info`` (the position text of every
statement's debug info, line-wrapped with ``textwrap`` although it is only shown in Taichi's own error
messages). Both replacements compute the same answer from the same source lines:

- ``_inside_class``: the caller's current line from :mod:`linecache`, matched against the same patterns;
- ``get_pos_info``: the same ``File "...", line N, in F:`` header, the source line(s) and a caret line,
  without re-wrapping them at 80 columns.

Anything unexpected (another Taichi version, a missing attribute) leaves Taichi untouched, and so does
``GLSLC_TAICHI_SPEEDUPS=0``.
"""

from __future__ import annotations

import linecache
import os
import sys

APPLIED: list[str] = []


def _fast_inside_class(level_of_class_stackframe: int) -> bool:
    from taichi.lang import kernel_impl

    try:
        frame = sys._getframe(level_of_class_stackframe)
        line = linecache.getline(frame.f_code.co_filename, frame.f_lineno, frame.f_globals).strip()
    except Exception:  # as Taichi: any failure means "not inside a class"
        return False
    return any(p.match(line) for p in kernel_impl._KERNEL_CLASS_STACKFRAME_STMT_RES)


def _fast_get_pos_info(self, node) -> str:  # noqa: ANN001 - Taichi's ASTTransformerContext and ast node
    msg = f'File "{self.file}", line {node.lineno + self.lineno_offset}, in {self.func.func.__name__}:\n'
    first = node.lineno - 1
    last = getattr(node, "end_lineno", None) or node.lineno
    if type(node).__name__ in ("For", "While", "FunctionDef", "If") and getattr(node, "body", None):
        last = max(node.body[0].lineno - 1, node.lineno)
    lines = self.src[first:last]
    if not lines:
        return msg + "\n"
    if len(lines) == 1 and node.end_col_offset is not None:
        col, end = self.indent + node.col_offset, self.indent + node.end_col_offset
        return msg + lines[0] + "\n" + " " * col + "^" * max(1, end - col) + "\n"
    return msg + "\n".join(lines) + "\n"


def apply() -> None:
    """Install both replacements (once); records what was installed in :data:`APPLIED`."""
    if APPLIED or os.environ.get("GLSLC_TAICHI_SPEEDUPS", "1") == "0":
        return
    try:
        import taichi
        from taichi.lang import kernel_impl
        from taichi.lang.ast import ast_transformer_utils as utils
    except Exception:
        return
    if tuple(getattr(taichi, "__version__", ())) != (1, 7, 4):  # measured on the pinned version only
        return
    if callable(getattr(kernel_impl, "_inside_class", None)) and hasattr(
            kernel_impl, "_KERNEL_CLASS_STACKFRAME_STMT_RES"):
        kernel_impl._inside_class = _fast_inside_class
        APPLIED.append("_inside_class")
    ctx = getattr(utils, "ASTTransformerContext", None)
    if ctx is not None and callable(getattr(ctx, "get_pos_info", None)):
        ctx.get_pos_info = _fast_get_pos_info
        APPLIED.append("get_pos_info")
