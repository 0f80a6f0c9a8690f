"""glslc.runtime.taichi_speedups: the faster replacements give Taichi the answers its own code gives."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

ti = pytest.importorskip("taichi")

from glslc.runtime import glsl, taichi_speedups  # noqa: E402,F401  (importing glsl applies the speedups)


def test_both_speedups_are_installed_on_the_pinned_taichi():
    from taichi.lang import kernel_impl
    from taichi.lang.ast import ast_transformer_utils as utils

    assert tuple(ti.__version__) == (1, 7, 4)
    assert taichi_speedups.APPLIED == ["_inside_class", "get_pos_info"]
    assert kernel_impl._inside_class is taichi_speedups._fast_inside_class
    assert utils.ASTTransformerContext.get_pos_info is taichi_speedups._fast_get_pos_info


def _original_inside_class(level):
    """Taichi 1.7.4's kernel_impl._inside_class, as shipped."""
    import inspect

    from taichi.lang import kernel_impl

    try:
        frame = sys._getframe(level)
        first = inspect.getframeinfo(frame)[3][0].strip()
        return any(p.match(first) for p in kernel_impl._KERNEL_CLASS_STACKFRAME_STMT_RES)
    except Exception:
        return False


def test_inside_class_agrees_with_taichis_version():
    def probe():  # level 1 is the caller of probe
        return taichi_speedups._fast_inside_class(2), _original_inside_class(2)

    fast, orig = probe()
    assert fast is orig is False

    class Inside: result = probe()  # noqa: E701 - the class body's line must start with "class "

    assert Inside.result == (True, True)
    assert taichi_speedups._fast_inside_class(10_000) is False  # no such frame


class _Ctx:
    """What get_pos_info reads from Taichi's ASTTransformerContext."""

    def __init__(self, src: list[str]):
        self.file, self.lineno_offset, self.indent, self.src = "gen.py", 10, 4, src
        self.func = type("F", (), {"func": staticmethod(lambda: None)})()
        self.func.func.__name__ = "fn_main"


def test_position_text_names_file_line_function_and_marks_the_node():
    src = ["x = foo(a, b)", "for i in range(3):", "    y = i"]
    tree = ast.parse("\n".join(src))
    ctx = _Ctx(src)
    call = tree.body[0].value
    text = taichi_speedups._fast_get_pos_info(ctx, call)
    header, line, caret = text.splitlines()
    assert header == 'File "gen.py", line 11, in fn_main:'
    assert line == src[0]
    assert caret == " " * (4 + call.col_offset) + "^" * (call.end_col_offset - call.col_offset)
    loop = taichi_speedups._fast_get_pos_info(ctx, tree.body[1])
    assert loop.splitlines()[:2] == ['File "gen.py", line 12, in fn_main:', src[1]]
    assert src[2] not in loop  # the loop's header line, not its body


def test_a_kernel_error_still_points_into_the_source(tmp_path):
    """In a fresh process (ti.init here would reset the runtime that other tests' compiled shaders use)."""
    script = tmp_path / "bad_kernel.py"
    script.write_text(
        "import taichi as ti\n"
        "from glslc.runtime import glsl, taichi_speedups\n"
        "assert taichi_speedups.APPLIED\n"
        "ti.init(arch=ti.cpu, offline_cache=False)\n"
        "@ti.kernel\n"
        "def bad():\n"
        "    x = undefined_name + 1\n"
        "try:\n"
        "    bad()\n"
        "except Exception as e:\n"
        "    print(e)\n")
    p = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    assert 'bad_kernel.py", line 7, in bad:' in p.stdout, p.stdout
    assert "x = undefined_name + 1" in p.stdout
    assert "undefined_name" in p.stdout.split("in bad:", 1)[1]
