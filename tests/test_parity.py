"""``glslc parity``: per-shader lines and exit status, the corpus runner's folder, resume, isolation."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from conftest import SHADERS
from glslc.cli import main
from glslc.conformance.pool import run_isolated
from glslc.conformance.runner import error_kind, summarize

pytestmark = pytest.mark.usefixtures("gl")

AGREES = "void mainImage(out vec4 c, in vec2 p) { c = vec4(p / iResolution.xy, 0.5 + 0.5 * sin(iTime), 1.0); }\n"
# Valid GLSL ES 3.00 that the Taichi back end does not lower yet (a struct with an array member, in an array).
UNSUPPORTED = ("struct S { float a[2]; };\n"
               "void mainImage(out vec4 c, in vec2 p) {\n"
               "    S s[2];\n"
               "    s[0].a[1] = p.x / iResolution.x;\n"
               "    c = vec4(s[0].a[1]);\n"
               "}\n")
REJECTED = "void mainImage(out vec4 c, in vec2 p) { c = vec4(p, 0.0); undefined_thing(); }\n"
HANGS = ("void mainImage(out vec4 c, in vec2 p) {\n"
         "    float x = 0.0;\n"
         "    for (int i = 0; i >= 0 || iTime > -1.0; i += 0) { x += 1.0; }\n"
         "    c = vec4(x);\n"
         "}\n")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_bundled_shaders_agree_with_lines_and_diff_images(tmp_path, capsys):
    shaders = [SHADERS / "hex_grid.frag", SHADERS / "xor_bits.frag"]
    code, out, _ = run(capsys, "parity", *shaders, "--size", "32x24", "--diff", tmp_path / "d")
    assert code == 0, out
    lines = [ln for ln in out.splitlines() if ln.startswith(str(SHADERS))]
    assert len(lines) == 2
    for ln in lines:
        assert ": AGREE" in ln and "match 100.00% 100.00%" in ln or "match 99." in ln
        assert "gl: compile" in ln and "taichi (cpu): compile" in ln and "ms/frame" in ln
    for name in ("hex_grid", "xor_bits"):
        ref = np.asarray(Image.open(tmp_path / "d" / f"{name}.ref.png"))
        ours = np.asarray(Image.open(tmp_path / "d" / f"{name}.ours.png"))
        diff = np.asarray(Image.open(tmp_path / "d" / f"{name}.diff.png"))
        assert ref.shape == ours.shape == diff.shape == (24, 32, 3)
        assert np.abs(ref.astype(int) - ours).max() <= 3 and ref.std() > 0


def test_a_failing_shader_exits_1_with_its_diagnostic(tmp_path, capsys):
    bad = tmp_path / "structs.frag"
    bad.write_text(UNSUPPORTED)
    ok = tmp_path / "ok.frag"
    ok.write_text(AGREES)
    code, out, _ = run(capsys, "parity", ok, bad, "--size", "16x16")
    assert code == 1
    assert f"{ok}: AGREE" in out
    assert f"{bad}: FAIL" in out and "taichi error:" in out and "structs.frag:3:" in out


def test_bad_usage_is_one_line(tmp_path, capsys):
    code, _, err = run(capsys, "parity")
    assert code == 2 and "name shaders" in err
    code, _, err = run(capsys, "parity", "--corpus", tmp_path / "none.jsonl", "--out", tmp_path / "o")
    assert code == 2 and "corpus file not found" in err
    (tmp_path / "c.jsonl").write_text("")
    code, _, err = run(capsys, "parity", "--corpus", tmp_path / "c.jsonl")
    assert code == 2 and "--out" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = run(capsys, "parity", empty)
    assert code == 2 and "no shader files" in err


def _corpus(tmp_path):
    records = [("agree1", AGREES), ("unsup", UNSUPPORTED), ("rejected", REJECTED),
               ("hangs", HANGS), ("agree2", AGREES.replace("0.5 + 0.5", "0.25 + 0.5"))]
    path = tmp_path / "mini.jsonl"
    path.write_text("".join(json.dumps({"id": i, "name": f"<b>{i}</b>", "author": "test", "image_code": c}) + "\n"
                            for i, c in records))
    return path


@pytest.mark.slow
def test_corpus_run_survives_hangs_writes_its_folder_and_resumes(tmp_path):
    corpus, out = _corpus(tmp_path), tmp_path / "run"
    cmd = [sys.executable, "-m", "glslc.cli", "parity", "--corpus", str(corpus), "--out", str(out),
           "--timeout", "20", "--size", "24x16", "--no-report"]
    env = {**os.environ, "GLSLC_DEBUG": ""}
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert p.returncode == 1, p.stderr  # some shaders do not agree
    assert "Traceback" not in p.stderr + p.stdout
    rows = {r["id"]: r for r in map(json.loads, (out / "results.jsonl").read_text().splitlines())}
    assert set(rows) == {"agree1", "unsup", "rejected", "hangs", "agree2"}
    assert rows["agree1"]["verdict"] == rows["agree2"]["verdict"] == "agree"
    assert rows["agree1"]["match"] == [1.0, 1.0] and rows["agree1"]["ref_compile_s"] > 0
    assert rows["unsup"]["verdict"] == "fail" and "does not support" in rows["unsup"]["ours_error"]
    assert rows["unsup"]["error_kind"].startswith("the Taichi back end does not support")
    assert rows["rejected"]["verdict"] == "skip" and rows["rejected"]["ref_status"] == "error"
    # llvmpipe caps loop iterations, so only our render hangs: stopped at the timeout, the run goes on.
    assert rows["hangs"]["ours_status"] == "timeout" and rows["hangs"]["verdict"] == "fail"
    assert rows["hangs"]["error_kind"] == "timeout" and "within 20 s" in rows["hangs"]["ours_error"]
    for name in ("ref", "ours", "diff"):
        assert Image.open(out / "thumbs" / f"agree1.{name}.png").size == (24, 16)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["counted"] == 4 and summary["verdicts"]["agree"] == 2 and summary["verdicts"]["fail"] == 2
    assert summary["rates"]["agree"] == pytest.approx(2 / 4)
    assert dict(summary["error_kinds"])["timeout"] == 1
    assert "agree+close: 50.0%" in (out / "summary.txt").read_text()
    assert "agree+close: 50.0%" in p.stdout

    # A run killed while writing leaves a cut-off last line: that shader (only) runs again.
    lines = (out / "results.jsonl").read_text().splitlines()
    last = json.loads(lines[-1])["id"]
    (out / "results.jsonl").write_text("\n".join(lines[:-1]) + "\n" + lines[-1][: len(lines[-1]) // 2])
    p = subprocess.run(cmd + ["--timeout", "5"], capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert f"resuming: 4 shaders already in {out / 'results.jsonl'}, 1 to go" in p.stderr
    again = [json.loads(ln) for ln in (out / "results.jsonl").read_text().splitlines()]
    assert sorted(r["id"] for r in again) == sorted(rows) and again[-1]["id"] == last
    for r in again[:-1]:
        assert r == rows[r["id"]]  # untouched


def _suicide(how: str) -> str:
    if how == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    if how == "fpe":
        os.kill(os.getpid(), signal.SIGFPE)
    if how == "raise":
        raise ValueError("task failed")
    return how


def test_pool_survives_crashes_and_keeps_going():
    items = [(i, how) for i, how in enumerate(["ok", "segv", "ok", "fpe", "raise", "ok"])]
    got = dict(run_isolated(items, _suicide, jobs=2, timeout=60))
    assert [got[i].status for i in range(6)] == ["ok", "crash", "ok", "crash", "error", "ok"]
    assert "SIGSEGV" in got[1].error and "SIGFPE" in got[3].error and "task failed" in got[4].error
    assert error_kind("crash", "the renderer crashed: worker killed by signal SIGSEGV") == "crash (SIGSEGV)"


def test_summary_rates_count_only_what_the_reference_renders():
    rows = [{"verdict": v, "ours_status": "ok" if v != "fail" else "error", "error_kind": "x" if v == "fail" else None}
            for v in ["agree"] * 6 + ["close", "diverge", "fail", "skip", "skip"]]
    s = summarize(rows)
    assert s["counted"] == 9 and s["total"] == 11
    assert s["rates"]["agree"] == pytest.approx(6 / 9)
    assert s["rates"]["agree_or_close"] == pytest.approx(7 / 9)
    assert s["rates"]["render"] == pytest.approx(8 / 9)
    assert s["error_kinds"] == [("x", 1)]


def test_error_kinds_drop_names_and_numbers():
    a = error_kind("error", "f.frag:3:5: error: the Taichi back end does not support 'noise1' yet\n  x\n  ^")
    b = error_kind("error", "g.frag:9:1: error: the Taichi back end does not support 'noise2' yet")
    assert a == b == "the Taichi back end does not support '…' yet"
    assert error_kind("timeout", "whatever") == "timeout"
