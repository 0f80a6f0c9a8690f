"""The command line: renders, output files, and one-line errors with exit status 2 for bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from glslc.cli import main

GRADIENT = ("void mainImage(out vec4 fragColor, in vec2 fragCoord) {\n"
            "    fragColor = vec4(fragCoord.x / iResolution.x, 0.5 + 0.5 * sin(iTime), 0.0, 1.0);\n}\n")


@pytest.fixture()
def shader(tmp_path):
    p = tmp_path / "g.frag"
    p.write_text(GRADIENT)
    return p


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.usefixtures("gl")
def test_render_png_pixels(shader, tmp_path, capsys):
    out = tmp_path / "x.png"
    code, stdout, _ = run(capsys, "render", shader, "-o", out, "--size", "16x8", "--time", "0", "--backend", "gl")
    assert code == 0 and str(out) in stdout
    img = np.asarray(Image.open(out))
    assert img.shape == (8, 16, 3)
    # red = round(255 * (x + 0.5) / 16), green = round(255 * 0.5)
    assert tuple(img[0, 0]) == (8, 128, 0) and tuple(img[7, 15]) == (247, 128, 0)


@pytest.mark.usefixtures("gl")
def test_render_several_frames(shader, tmp_path, capsys):
    code, _, _ = run(capsys, "render", shader, "-o", tmp_path / "f.png", "--size", "4x4", "--times", "0,1.5708")
    assert code == 0
    a, b = (np.asarray(Image.open(tmp_path / f"f_{i:04d}.png")) for i in range(2))
    assert a[0, 0, 1] == 128 and b[0, 0, 1] == 255
    code, _, _ = run(capsys, "render", shader, "-o", tmp_path / "s.npy", "--size", "4x2", "--times", "0,1,2")
    arr = np.load(tmp_path / "s.npy")
    assert code == 0 and arr.shape == (3, 2, 4, 4) and arr.dtype == np.float32
    assert arr[0, 0, 0, 0] == pytest.approx(0.125)
    run(capsys, "render", shader, "-o", tmp_path / "one.npy", "--size", "4x2", "--time", "1")
    assert np.load(tmp_path / "one.npy").shape == (2, 4, 4)
    code, _, _ = run(capsys, "render", shader, "-o", tmp_path / "p{i}.png", "--size", "2x2", "--times", "0,1", "-q")
    assert code == 0 and (tmp_path / "p0.png").exists() and (tmp_path / "p1.png").exists()


@pytest.mark.usefixtures("gl")
def test_render_with_a_channel_image(tmp_path, capsys):
    img = tmp_path / "c.png"
    Image.fromarray(np.array([[[10, 20, 30]]], np.uint8)).save(img)
    src = tmp_path / "t.frag"
    src.write_text("void mainImage(out vec4 c, in vec2 f) { c = texture(iChannel0, vec2(0.5)); }")
    code, _, _ = run(capsys, "render", src, "-o", tmp_path / "o.png", "--size", "2x2",
                     "--channel0", f"{img},filter=linear")
    assert code == 0 and tuple(np.asarray(Image.open(tmp_path / "o.png"))[0, 0]) == (10, 20, 30)


def test_bad_inputs_give_one_line_and_status_2(shader, tmp_path, capsys):
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{\"renderpass\": [")
    bad_img = tmp_path / "bad.png"
    bad_img.write_text("not an image")
    cases = [
        (["render", tmp_path / "missing.frag", "-o", tmp_path / "o.png"], "no such file"),
        (["render", shader, "-o", tmp_path / "o.png", "--dialect", "hlsl"], "unknown dialect"),
        (["render", bad_json, "-o", tmp_path / "o.png"], "malformed JSON"),
        (["render", shader, "-o", tmp_path / "o.png", "--channel0", bad_img], "cannot read image"),
        (["render", shader, "-o", tmp_path / "nodir" / "o.png"], "output folder does not exist"),
        (["render", shader, "-o", tmp_path / "o.xyz"], "unknown image type"),
    ]
    for argv, message in cases:
        code, out, err = run(capsys, *argv)
        assert code == 2, argv
        assert message in err and err.count("\n") == 1 and "Traceback" not in err, (argv, err)


def test_usage_errors_exit_2_with_one_line(shader):
    for argv, message in ((["frobnicate"], "invalid choice"), (["render", str(shader)], "required: -o"),
                          (["render", str(shader), "-o", "x.png", "--size", "big"], "size must be WIDTHxHEIGHT"),
                          (["render", str(shader), "-o", "x.png", "--times", "1,nan"], "finite numbers")):
        p = subprocess.run([sys.executable, "-m", "glslc", *argv], capture_output=True, text=True)
        assert p.returncode == 2 and message in p.stderr and p.stderr.count("\n") == 1, (argv, p.stderr)


@pytest.mark.usefixtures("gl")
def test_shader_diagnostics_exit_1_with_location_and_caret(tmp_path, capsys):
    src = tmp_path / "e.frag"
    src.write_text("void mainImage(out vec4 c, in vec2 f) {\n    c = vec4(nope);\n}\n")
    code, _, err = run(capsys, "render", src, "-o", tmp_path / "o.png")
    assert code == 1
    first, line, caret = err.splitlines()[:3]
    assert first.startswith(f"{src}:2:") and "error:" in first and "nope" in first
    assert line.strip() == "c = vec4(nope);" and caret.strip() == "^"


@pytest.mark.usefixtures("gl")
def test_render_a_shadertoy_export_and_a_corpus_record(tmp_path, capsys):
    export = {"ver": "0.1", "info": {"id": "x1", "name": "n", "username": "u"},
              "renderpass": [{"type": "image", "code": GRADIENT, "inputs": [], "outputs": []}]}
    (tmp_path / "e.json").write_text(json.dumps(export))
    code, _, _ = run(capsys, "render", tmp_path / "e.json", "-o", tmp_path / "e.png", "--size", "4x4")
    assert code == 0
    rec = {"id": "r1", "name": "n", "author": "a", "license": None, "image_code": GRADIENT, "image_inputs": []}
    (tmp_path / "c.jsonl").write_text(json.dumps(rec) + "\n")
    code, _, _ = run(capsys, "render", f"{tmp_path / 'c.jsonl'}#r1", "-o", tmp_path / "c.png", "--size", "4x4")
    assert code == 0
    assert np.array_equal(np.asarray(Image.open(tmp_path / "e.png")), np.asarray(Image.open(tmp_path / "c.png")))


def test_console_script_is_installed():
    p = subprocess.run(["glslc", "--version"], capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout.startswith("glslc ")


def test_unavailable_arch_is_one_line_and_status_2(shader, tmp_path):
    # a fresh process: Taichi takes one arch per process. This machine has no CUDA.
    import shutil

    if shutil.which("nvidia-smi"):
        pytest.skip("a CUDA machine")
    p = subprocess.run([sys.executable, "-m", "glslc", "render", str(shader), "-o", str(tmp_path / "o.png"),
                        "--arch", "cuda"], capture_output=True, text=True)
    assert p.returncode == 2 and "could not start on cuda" in p.stderr and p.stderr.count("\n") == 1, p.stderr


def test_auto_arch_skips_software_vulkan_without_a_gpu(shader, tmp_path, monkeypatch):
    """Without a GPU, Vulkan would be lavapipe on the CPU, slower than the cpu arch's lane kernels: auto runs cpu."""
    from glslc.runtime import taichi_backend as tb

    monkeypatch.setattr("glob.glob", lambda pattern: [])
    assert not tb.gpu_present() or not sys.platform.startswith("linux")
    monkeypatch.setattr("glob.glob", lambda pattern: ["/dev/dri/renderD128"] if "dri" in pattern else [])
    assert tb.gpu_present()
    monkeypatch.undo()
    if tb.gpu_present():
        pytest.skip("this machine shows a GPU")
    p = subprocess.run([sys.executable, "-m", "glslc", "render", str(shader), "-o", str(tmp_path / "o.png"),
                        "--arch", "auto", "--size", "16x16"], capture_output=True, text=True)
    assert p.returncode == 0 and "taichi on cpu" in p.stdout + p.stderr, p.stdout + p.stderr
