"""Datasets (issue #6): ``glslc dataset`` layout, manifest, determinism, resume after a kill, failure
isolation, bad input, and the on-the-fly ``ShaderStream``.

Shaders are the repository's own (``shaders/``) and tiny ones written here, rendered at 16x16 or 32x32.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from conftest import CORPUS, ROOT, SHADERS
from glslc.errors import InputError
from glslc.runtime import dataset as D

GOOD = "void mainImage(out vec4 c, in vec2 f) { c = vec4(f / iResolution.xy, 0.5 + 0.5 * sin(iTime), 1.0); }\n"
WAVES = ("void mainImage(out vec4 c, in vec2 f) {\n  vec2 uv = f / iResolution.xy;\n"
         "  c = vec4(0.5 + 0.5 * cos(iTime + uv.xyx * 6.0 + vec3(0, 2, 4)), 1.0);\n}\n")
BAD = "void mainImage(out vec4 c, in vec2 f) { c = vec4(not_declared, 1.0); }\n"
FLAT = "void mainImage(out vec4 c, in vec2 f) { c = vec4(0.2, 0.4, 0.5 + 0.2 * sin(iTime), 1.0); }\n"
NAN = ("void mainImage(out vec4 c, in vec2 f) {\n  float z = f.x - f.x;\n"
       "  c = vec4(f.x < 8.0 ? sqrt(z - 1.0) : 0.5, f.y / iResolution.y, 0.0, 1.0);\n}\n")
# never ends (the exit depends on a uniform, so no compiler can drop the loop)
HANG = ("void mainImage(out vec4 c, in vec2 f) {\n  float x = 0.0;\n"
        "  for (int i = 0; i >= 0; i += int(iTime > -1.0)) { x += sin(x + f.x); if (iTime < -5.0) break; }\n"
        "  c = vec4(x, 0.0, 0.0, 1.0);\n}\n")
# takes a second or two at 32x32 (the run is killed while it renders)
SLOW = ("void mainImage(out vec4 c, in vec2 f) {\n  float x = f.x * 0.01;\n  int n = 100000 + int(iTime);\n"
        "  for (int i = 0; i < n; i++) { x = fract(x * 1.618 + 0.1); }\n"
        "  c = vec4(x, f.y / iResolution.y, 0.5, 1.0);\n}\n")
BUNDLED = ["hex_grid", "xor_bits", "classic_fragcolor", "twigl_geekest"]


def _cli_main():
    """glslc's own main when the whole CLI imports; the dataset command's standalone main otherwise."""
    try:
        from glslc.cli import build_parser, main

        build_parser()
        return main
    except ImportError:
        from glslc.cli_dataset import main

        return main


def run(capsys, *argv):
    try:
        code = _cli_main()(["dataset", *[str(a) for a in argv]])
    except SystemExit as e:  # argparse's usage errors
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def write(folder: Path, name: str, code: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(code)
    return p


def manifest(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text().splitlines() if line.strip()]


def hashes(out: Path) -> dict[tuple[str, int], str]:
    return {(r["shader"], r["index"]): r["sha256"] for r in manifest(out)}


def bundled(names=BUNDLED) -> list[Path]:
    return [SHADERS / f"{n}.frag" for n in names]


def no_temporaries(out: Path) -> bool:
    return not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


# ----------------------------------------------------------------------------------------------------
# Sources and times


def test_collect_sources(tmp_path):
    src = tmp_path / "src"
    write(src, "a.frag", GOOD)
    write(src / "sub", "a.frag", WAVES)  # same stem, other folder: its own id
    write(src, "notes.frag", "not a shader at all")  # inside a folder: recorded, not fatal
    write(src, "README.md", "ignored: not a shader suffix")
    records = [{"id": "rec1", "name": "one", "author": "me", "license": "CC0", "image_code": GOOD},
               {"id": "rec2", "name": "two", "author": "you", "image_code": WAVES}]
    corpus = write(tmp_path, "c.jsonl", "\n".join(json.dumps(r) for r in records) + "\n{broken\n")
    export = write(tmp_path, "e.json", json.dumps({"info": {"id": "exp1", "name": "E", "username": "u"},
                                                   "renderpass": [{"type": "image", "code": GOOD}]}))
    es = D.collect_sources([src, corpus, export, corpus])  # the corpus twice: kept once
    ids = [e.sid for e in es]
    assert ids == ["a", "notes", "sub__a", "rec1", "rec2", "c-record3", "exp1"]
    assert [e.label for e in es] == list(range(len(es)))
    by = {e.sid: e for e in es}
    assert by["notes"].source is None and "dialect" in by["notes"].error
    assert by["c-record3"].source is None and "malformed JSON" in by["c-record3"].error
    assert by["rec1"].source.meta["author"] == "me" and by["exp1"].source.meta["author"] == "u"
    assert [e.sid for e in D.collect_sources([src, corpus], limit=4)] == ids[:4]
    # two different shaders with one name: the second gets a short hash
    other = write(tmp_path / "o", "a.frag", FLAT)
    ids2 = [e.sid for e in D.collect_sources([src / "a.frag", other])]
    assert ids2[0] == "a" and ids2[1].startswith("a-") and len(ids2[1]) == 10
    # bad sources named directly are errors
    (tmp_path / "empty").mkdir()
    write(tmp_path, "empty.jsonl", "\n")
    clean = write(tmp_path, "clean.jsonl", json.dumps(records[0]) + "\n")
    for spec, msg in [(tmp_path / "empty", "no shader files"), (tmp_path / "missing.frag", "no such file"),
                      (src / "notes.frag", "cannot tell the shader's dialect"),
                      (tmp_path / "empty.jsonl", "no records"), (f"{clean}#nope", "no record with id")]:
        with pytest.raises(InputError, match=msg):
            D.collect_sources([spec])


def test_shader_times_are_seeded_by_seed_and_shader():
    t = D.shader_times(7, "abc", 50, (0.1, 10.0))
    assert t.shape == (50,) and t.min() >= 0.1 and t.max() < 10.0 and len(set(t.tolist())) == 50
    assert np.array_equal(t, D.shader_times(7, "abc", 50, (0.1, 10.0)))
    assert np.array_equal(D.shader_times(7, "abc", 5, (0.1, 10.0)), t[:5])  # more images keep the first ones
    assert not np.array_equal(D.shader_times(8, "abc", 5, (0.1, 10.0)), t[:5])
    assert not np.array_equal(D.shader_times(7, "abd", 5, (0.1, 10.0)), t[:5])
    assert np.all(D.shader_times(1, "x", 3, (2.0, 2.0)) == 2.0)


def test_constant_and_nan_helpers():
    img = np.full((4, 4, 3), 100, np.uint8)
    assert D.is_constant(img)
    img[0, 0, 2] = 102
    assert D.is_constant(img)
    img[0, 0, 2] = 103
    assert not D.is_constant(img)
    f = np.zeros((2, 2, 4), np.float32)
    f[0, 0, 1] = np.nan
    f[1, 1, 3] = np.nan  # alpha is ignored, as in CONFORMANCE.md
    assert D.nan_fraction(f) == 0.25


# ----------------------------------------------------------------------------------------------------
# The command: layout, manifest, determinism


@pytest.fixture(scope="module")
def folder_run(tmp_path_factory):
    """One ImageFolder dataset of four bundled shaders and a corpus-style record, shared by several tests."""
    tmp = tmp_path_factory.mktemp("ds")
    rec = {"id": "rec1", "name": "waves", "author": "someone", "license": "CC-BY-4.0", "image_code": WAVES}
    corpus = write(tmp, "mini.jsonl", json.dumps(rec) + "\n")
    out = tmp / "out"
    argv = [*bundled(), corpus, "--out", out, "-n", "3", "--size", "24x16", "--time-range", "0.5:4", "--seed", "3",
            "--jobs", "2", "-q"]
    code = _cli_main()(["dataset", *map(str, argv)])
    return code, out, argv, corpus


def test_imagefolder_layout_and_manifest(folder_run):
    code, out, _, corpus = folder_run
    assert code == 0
    ids = [*BUNDLED, "rec1"]
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == sorted(ids)  # one folder per shader
    rows = manifest(out)
    assert len(rows) == 15 and len({(r["shader"], r["index"]) for r in rows}) == 15
    for r in rows:
        p = out / r["file"]
        assert p.parent.name == r["shader"] and p.name == f"{r['shader']}_{r['index']:05d}.png"
        assert hashlib.sha256(p.read_bytes()).hexdigest() == r["sha256"]
        with Image.open(p) as im:
            assert im.size == (24, 16) and im.mode == "RGB"
        assert 0.5 <= r["time"] < 4.0 and r["frame"] == round(60 * r["time"]) and r["seed"] == 3
        assert r["label"] == ids.index(r["shader"]) and r["nan"] == 0.0 and r["backend"] == "taichi-cpu"
        assert D.read_image_meta(p)["time"] == r["time"]  # the image says where it came from
        want = D.shader_times(3, r["shader"], 3, (0.5, 4.0))[r["index"]]
        assert r["time"] == float(want)
    rec = [r for r in rows if r["shader"] == "rec1"][0]
    assert (rec["author"], rec["license"], rec["name"]) == ("someone", "CC-BY-4.0", "waves")
    assert rec["source"] == f"{corpus}#rec1"
    s = json.loads((out / "summary.json").read_text())
    assert (s["shaders"], s["rendered"], s["failed"], s["images"]) == (5, 5, 0, 15)
    assert s["run"]["images_rendered"] == 15 and s["run"]["images_per_second"] > 0
    assert s["classes"] == sorted(ids)
    cfg = json.loads((out / "dataset.json").read_text())
    assert cfg["size"] == [24, 16] and cfg["seed"] == 3 and cfg["time_range"] == [0.5, 4.0]
    assert no_temporaries(out)


def test_same_seed_same_images_any_job_order(folder_run, tmp_path, capsys):
    _, out, argv, _ = folder_run
    other = list(argv)
    other[other.index(out)] = tmp_path / "again"
    other[other.index("2")] = "1"  # --jobs 1: another order
    code, _, _ = run(capsys, *other)
    assert code == 0 and hashes(tmp_path / "again") == hashes(out)
    seeded = list(other)
    seeded[seeded.index(tmp_path / "again")] = tmp_path / "seed4"
    seeded[seeded.index("3")] = "4"
    code, _, _ = run(capsys, *seeded, "--limit", "1")
    times = {r["index"]: r["time"] for r in manifest(tmp_path / "seed4")}
    assert code == 0 and times != {r["index"]: r["time"] for r in manifest(out) if r["shader"] == "hex_grid"}


def test_rerun_renders_nothing_and_more_images_add_only_the_new(folder_run, tmp_path, capsys):
    _, out, argv, _ = folder_run
    copy = tmp_path / "copy"
    import shutil

    shutil.copytree(out, copy)
    before = {p: p.stat().st_mtime_ns for p in copy.rglob("*.png")}
    args = list(argv)
    args[args.index(out)] = copy
    args.remove("-q")
    code, stdout, _ = run(capsys, *args)
    assert code == 0 and "0 images rendered" in stdout and "15 already there" in stdout
    args[args.index("3")] = "4"  # -n 4
    code, stdout, _ = run(capsys, *args, "--limit", "2")
    rows = manifest(copy)
    assert code == 0 and "2 images rendered" in stdout and len(rows) == 17
    assert {p: p.stat().st_mtime_ns for p in before} == before  # nothing rewritten
    assert sorted(r["index"] for r in rows if r["shader"] == "hex_grid") == [0, 1, 2, 3]


# ----------------------------------------------------------------------------------------------------
# Failures, NaN, constant images


def test_failures_are_recorded_and_skipped(tmp_path, capsys):
    src = tmp_path / "src"
    for name, code in [("bad", BAD), ("flat", FLAT), ("good", GOOD), ("hang", HANG), ("nan", NAN)]:
        write(src, f"{name}.frag", code)
    write(src, "notes.frag", "this is not a shader")
    out = tmp_path / "out"
    code, stdout, err = run(capsys, src, "--out", out, "-n", "2", "--size", "16", "--timeout", "6", "--drop-constant")
    assert code == 0
    fails = {json.loads(x)["shader"]: json.loads(x) for x in (out / "failures.jsonl").read_text().splitlines()}
    assert fails["bad"]["status"] == "error" and "bad.frag:1:" in fails["bad"]["error"]
    assert "not_declared" in fails["bad"]["error"]
    assert fails["hang"]["status"] == "timeout"
    assert fails["flat"]["status"] == "constant"
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["good", "nan"]
    s = json.loads((out / "summary.json").read_text())
    assert (s["rendered"], s["failed"], s["dropped_constant"], s["images"]) == (2, 3, 1, 4)
    assert s["failed_by_status"] == {"error": 1, "input": 1, "timeout": 1}
    assert "failed (timeout)" in err and "dropped" in err and "not a shader" in err
    # NaN: written as black (CONFORMANCE.md quantisation), the fraction recorded
    nan_rows = [r for r in manifest(out) if r["shader"] == "nan"]
    assert all(r["nan"] == 0.5 for r in nan_rows) and s["images_with_nan"] == 2 and "NaN" in stdout
    img = np.asarray(Image.open(out / nan_rows[0]["file"]))
    assert (img[:, :8, 0] == 0).all() and (img[:, 8:, 0] == 128).all()
    # a re-run does not try the failures again; --retry-failed does (here: the fixed shader)
    code, stdout, _ = run(capsys, src / "bad.frag", src / "good.frag", "--out", out, "-n", "2", "--size", "16")
    assert code == 0 and "0 images rendered" in stdout and "1 failed" in stdout
    write(src, "bad.frag", WAVES)
    code, stdout, _ = run(capsys, src / "bad.frag", "--out", out, "-n", "2", "--size", "16", "--retry-failed")
    assert code == 0 and "1/1 shaders rendered" in stdout and (out / "bad" / "bad_00001.png").exists()


def test_nothing_renders_exit_1(tmp_path, capsys):
    code, _, err = run(capsys, write(tmp_path, "bad.frag", BAD), "--out", tmp_path / "o", "--size", "8", "-n", "1")
    assert code == 1 and "no shader rendered" in err


# ----------------------------------------------------------------------------------------------------
# Resume: a real kill, and the windows a kill can leave


def _cmd() -> list[str]:
    try:
        from glslc.cli import build_parser

        build_parser()
        return [sys.executable, "-m", "glslc", "dataset"]
    except ImportError:
        return [sys.executable, "-m", "glslc.cli_dataset"]


def test_killed_run_resumes_without_rendering_twice(tmp_path):
    src = tmp_path / "src"
    names = ["hex_grid", "xor_bits", "classic_fragcolor", "slow", "twigl_geekest", "voronoi_cells"]
    files = [SHADERS / f"{n}.frag" if n != "slow" else write(src, "slow.frag", SLOW) for n in names]
    opts = ["-n", "3", "--size", "32", "--jobs", "1", "-q"]
    out = tmp_path / "killed"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([*_cmd(), *map(str, files), "--out", str(out), *opts], cwd=ROOT, env=env,
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:  # until the three shaders before the slow one are written
            if (out / "manifest.jsonl").exists() and len(manifest(out)) >= 9 or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert proc.poll() is None, f"the run ended before it could be killed: {proc.stderr.read().decode()}"
        os.killpg(proc.pid, signal.SIGKILL)  # the command and its workers, as a power cut would
    finally:
        proc.wait(10)
    left = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.rglob("*.png")}
    n_left = len(left)
    assert 9 <= n_left < 18, "killed midway"
    r = subprocess.run([*_cmd(), *map(str, files), "--out", str(out), *opts[:-1], "--json"], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert s["images"] == 18 and s["rendered"] == 6
    assert s["run"]["images_rendered"] + s["run"]["images_adopted"] == 18 - s["run"]["images_present"]
    assert s["run"]["images_rendered"] + s["run"]["images_adopted"] + s["run"]["images_present"] == 18
    assert s["run"]["images_present"] + s["run"]["images_adopted"] >= n_left  # every file left was kept...
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in left} == left  # ...and never rewritten
    rows = manifest(out)
    assert len(rows) == 18 and len({(x["shader"], x["index"]) for x in rows}) == 18  # each image once
    assert no_temporaries(out)
    # the same set as a run that was never interrupted
    whole = tmp_path / "whole"
    r = subprocess.run([*_cmd(), *map(str, files), "--out", str(whole), *opts, "--jobs", "2"], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert hashes(whole) == hashes(out)


def test_images_a_kill_left_unlisted_are_adopted(folder_run, tmp_path, capsys):
    """Killed after an image was renamed into place but before its manifest row: the file is adopted (not
    rendered again); a torn last manifest line is cut; a temporary file is removed."""
    _, out, argv, _ = folder_run
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    lines = (copy / "manifest.jsonl").read_text().splitlines(keepends=True)
    (copy / "manifest.jsonl").write_text("".join(lines[:10]) + lines[10][:25])  # a torn last line
    (copy / "hex_grid" / ".hex_grid_00009.png.abc123.tmp").write_bytes(b"half")
    args = list(argv)
    args[args.index(out)] = copy
    code, _, _ = run(capsys, *args)
    assert code == 0
    summary = json.loads((copy / "summary.json").read_text())
    assert summary["run"]["images_rendered"] == 0 and summary["run"]["images_adopted"] == 5
    assert hashes(copy) == hashes(out) and len(manifest(copy)) == 15 and no_temporaries(copy)


def test_webdataset_shards_and_resume(tmp_path, capsys, monkeypatch):
    out = tmp_path / "wds"
    files = bundled(["hex_grid", "xor_bits", "classic_fragcolor"])
    args = [*files, "--out", out, "-n", "2", "--size", "16", "--format", "webdataset", "--shard-size", "4", "-q"]
    code, _, _ = run(capsys, *args)
    assert code == 0
    shards = sorted(out.glob("shard-*.tar"))
    assert [p.name for p in shards] == ["shard-000000.tar", "shard-000001.tar"]
    rows = manifest(out)
    assert len(rows) == 6 and {r["file"] for r in rows} == {p.name for p in shards}
    seen = set()
    for shard in shards:
        with tarfile.open(shard) as tf:
            names = tf.getnames()
            for key in {n.split(".")[0] for n in names}:
                assert {f"{key}.png", f"{key}.json", f"{key}.cls"} <= set(names)
                meta = json.loads(tf.extractfile(f"{key}.json").read())
                data = tf.extractfile(f"{key}.png").read()
                assert meta["key"] == key and meta["sha256"] == hashlib.sha256(data).hexdigest()
                assert int(tf.extractfile(f"{key}.cls").read()) == meta["label"]
                seen.add(key)
    assert len(seen) == 6 and not list(out.glob(".staging/*"))
    # killed after the last shard was renamed into place, before its manifest rows: adopted from the shard
    lines = (out / "manifest.jsonl").read_text().splitlines(keepends=True)
    (out / "manifest.jsonl").write_text("".join(lines[:4]))
    code, _, _ = run(capsys, *args)
    assert code == 0 and len(manifest(out)) == 6 and len(list(out.glob("shard-*.tar"))) == 2
    assert json.loads((out / "summary.json").read_text())["run"]["images_rendered"] == 0
    # killed with rendered samples staged for the next shard: they are packed, not rendered again
    real_flush = D._Builder.flush_shards

    def interrupted(self, final):
        if final:
            raise KeyboardInterrupt
        return real_flush(self, final)

    more = [*args[:3], SHADERS / "voronoi_cells.frag", *args[3:]]
    monkeypatch.setattr(D._Builder, "flush_shards", interrupted)
    with pytest.raises(KeyboardInterrupt):
        D.build_dataset(more[:4], D.DatasetOptions(out=out, images_per_shader=2, size=(16, 16), format="webdataset",
                                                   shard_size=4, quiet=True))
    assert len(list((out / ".staging").iterdir())) == 2
    monkeypatch.setattr(D._Builder, "flush_shards", real_flush)
    code, _, _ = run(capsys, *more)
    s = json.loads((out / "summary.json").read_text())
    assert code == 0 and s["run"]["images_rendered"] == 0 and s["run"]["images_adopted"] == 2
    assert len(manifest(out)) == 8 and len(list(out.glob("shard-*.tar"))) == 3
    assert not list((out / ".staging").iterdir())


# ----------------------------------------------------------------------------------------------------
# Bad input


def test_bad_input_is_one_line_exit_2(tmp_path, capsys):
    good = write(tmp_path, "g.frag", GOOD)
    (tmp_path / "empty").mkdir()
    afile = write(tmp_path, "afile", "x")
    full = tmp_path / "full"
    write(full, "mine.txt", "someone's files")
    made = tmp_path / "made"
    assert run(capsys, good, "--out", made, "-n", "1", "--size", "8", "-q")[0] == 0
    cases = [
        ([tmp_path / "nope.frag", "--out", tmp_path / "o"], "no such file"),
        ([afile, "--out", tmp_path / "o"], "cannot tell the shader's dialect"),
        ([tmp_path / "empty", "--out", tmp_path / "o"], "no shader files"),
        ([good, "--out", afile], "not a folder"),
        ([good, "--out", afile / "sub"], "cannot create the output folder"),
        ([good, "--out", full], "not empty and holds no glslc dataset"),
        ([good, "--out", made, "-n", "1", "--size", "9"], "other settings: size"),
        ([good, "--out", tmp_path / "o", "--time-range", "5:1"], "time range"),
        ([good, "--out", tmp_path / "o", "--size", "0"], "out of range"),
        ([good, "--out", tmp_path / "o", "--shard-image", "jpeg"], "--format webdataset only"),
    ]
    for argv, msg in cases:
        code, _, err = run(capsys, *argv)
        assert code == 2, (argv, err)
        assert msg in err and err.startswith("glslc") and "error: " in err and err.count("\n") == 1, err
    assert not (tmp_path / "o").exists()


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write anywhere")
def test_unwritable_output_folder(tmp_path, capsys):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        code, _, err = run(capsys, write(tmp_path, "g.frag", GOOD), "--out", ro)
        assert code == 2 and "not writable" in err
    finally:
        ro.chmod(0o700)


def test_full_disk_stops_cleanly_and_resumes(tmp_path, monkeypatch):
    """A write that fails with ENOSPC: a clear message, no half-written file, and the same call resumes."""
    import errno

    real = D.atomic_write
    calls = {"n": 0}

    def filling(path, write):
        calls["n"] += 1
        if calls["n"] == 4:  # dataset.json, then two images, then the disk is full
            def half(fh):
                fh.write(b"\x89PNG half")
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return real(path, half)
        return real(path, write)

    monkeypatch.setattr(D, "atomic_write", filling)
    out = tmp_path / "out"
    opts = D.DatasetOptions(out=out, images_per_shader=3, size=(8, 8), jobs=1, quiet=True)
    with pytest.raises(InputError, match="No space left on device.*re-run the same command to resume"):
        D.build_dataset([write(tmp_path, "g.frag", GOOD)], opts)
    assert no_temporaries(out) and not (out / "manifest.jsonl").exists()
    assert sorted(p.name for p in (out / "g").iterdir()) == ["g_00000.png", "g_00001.png"]  # complete files
    monkeypatch.setattr(D, "atomic_write", real)
    s = D.build_dataset([tmp_path / "g.frag"], opts)
    assert s["images"] == 3 and s["run"]["images_adopted"] == 2 and s["run"]["images_rendered"] == 1


# ----------------------------------------------------------------------------------------------------
# The stream


def test_stream_per_shader_yields_the_dataset_images(folder_run):
    _, out, _, corpus = folder_run
    stream = D.ShaderStream([*bundled(), corpus], size=(24, 16), time_range=(0.5, 4.0), seed=3,
                            images_per_shader=3)
    assert len(stream) == 15 and stream.num_classes == 5
    samples = list(stream)
    assert len(samples) == 15
    ids = stream.shader_ids
    for k, (img, label) in enumerate(samples):
        assert img.shape == (16, 24, 3) and img.dtype == np.uint8
        file = out / ids[label] / f"{ids[label]}_{k % 3:05d}.png"
        assert np.array_equal(np.asarray(Image.open(file)), img)


def test_stream_random_mode_determinism_sharding_mixup(tmp_path):
    srcs = [*bundled(["hex_grid", "xor_bits", "classic_fragcolor"]), write(tmp_path, "bad.frag", BAD)]
    kw = dict(size=8, length=12, seed=5, batch=5)
    a = list(D.ShaderStream(srcs, **kw))
    b = list(D.ShaderStream(srcs, **kw))
    assert len(a) == 12 and all(np.array_equal(x[0], y[0]) and x[1] == y[1] for x, y in zip(a, b, strict=True))
    assert {lab for _, lab in a} <= {0, 1, 2} and len({lab for _, lab in a}) > 1  # bad.frag never drawn
    # shards (ranks, or DataLoader workers) split the samples: disjoint, and together the same set
    s0 = D.ShaderStream(srcs, rank=0, world_size=2, **kw)
    parts = [list(s0), list(D.ShaderStream(srcs, rank=1, world_size=2, **kw))]
    assert len(s0) == 6 and [len(p) for p in parts] == [6, 6]
    merged = [x for pair in zip(*parts, strict=True) for x in pair]
    assert all(np.array_equal(x[0], y[0]) and x[1] == y[1] for x, y in zip(merged, a, strict=True))
    s0.set_epoch(1)
    assert not all(np.array_equal(x[0], y[0]) for x, y in zip(list(s0), parts[0], strict=True))
    # MixUp of k images: a convex blend of k shaders' images, labelled by the heaviest (or soft labels)
    mix = D.ShaderStream(srcs, size=8, length=4, seed=5, mixup=3, dtype="float32", soft_labels=True)
    for j, (img, soft) in enumerate(mix):
        labels, times, w = mix._draw(j, 0)
        assert img.dtype == np.float32 and img.shape == (8, 8, 3) and 0.0 <= img.min() and img.max() <= 1.0
        assert len(set(labels)) == 3 and soft.shape == (4,) and soft.sum() == pytest.approx(1.0)
        if 3 not in labels:
            parts3 = [mix.render(lab, [t])[0] for lab, t in zip(labels, times, strict=True)]
            assert np.allclose(img, sum(wi * p for wi, p in zip(w, parts3, strict=True)), atol=1e-5)
    assert "bad" in mix.failed
    hard = D.ShaderStream(srcs, size=8, length=2, seed=5, mixup=2)
    assert all(isinstance(lab, int) for _, lab in hard)


def test_stream_without_or_with_torch(tmp_path):
    stream = D.ShaderStream([SHADERS / "hex_grid.frag"], size=4, length=2)
    try:
        import torch  # noqa: F401
    except ImportError:
        assert D.ShaderStream.__mro__[1:] == (D._ShaderStreamImpl, object)  # a plain iterable
        assert len(list(iter(stream))) == 2
        return
    from torch.utils.data import DataLoader, IterableDataset

    assert isinstance(stream, IterableDataset)
    stream = D.ShaderStream([SHADERS / "hex_grid.frag", SHADERS / "xor_bits.frag"], size=4, length=8, batch=2)
    loader = DataLoader(stream, batch_size=None, num_workers=2, multiprocessing_context="spawn")
    got = [(img.numpy().tobytes(), int(lab)) for img, lab in loader]
    want = [(img.tobytes(), lab) for img, lab in stream]
    assert sorted(got) == sorted(want) and len(got) == 8


@pytest.mark.skipif(not CORPUS.exists(), reason=f"corpus not found at {CORPUS} (it lives in ../shared/corpus)")
def test_corpus_records_carry_author_and_licence(tmp_path):
    es = D.collect_sources([CORPUS], limit=3)
    assert len(es) == 3 and all(e.source is not None and e.source.meta.get("license") for e in es)
    assert es[0].sid == json.loads(CORPUS.read_text().split("\n", 1)[0])["id"]
