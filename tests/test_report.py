"""The visual report of a parity corpus run (conformance/report.py): static checks of the HTML, then the page
opened in headless Chromium (Debian's ``chromium``): rows, decoded images, URL-hash filters, a screenshot."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from glslc.conformance.compare import diff_image
from glslc.conformance.report import load_results, merge_summary, summarize, write_report

HOSTILE_NAME = "<script>document.title='pwned-name'</script>"
HOSTILE_ERROR = "corpus:12:5: error: unsupported construct </script><script>document.title='pwned-error'</script>\n" \
    "  float a[2][3];\n      ^"
SIZE = 32  # small thumbnails keep the test fast; the page shows them in 128 px boxes, pixelated


def _render(seed: int) -> np.ndarray:
    """A (1, H, W, 4) float32 frame, top-down, standing in for a backend's render."""
    y, x = np.mgrid[0:SIZE, 0:SIZE] / SIZE
    rgb = np.stack([0.5 + 0.5 * np.sin(6 * x + seed), 0.5 + 0.5 * np.cos(5 * y + 2 * seed), x * y], -1)
    return np.concatenate([rgb, np.ones_like(x)[..., None]], -1)[None].astype(np.float32)


def _png(frames: np.ndarray, path: Path) -> None:
    q = (np.clip(frames[0, ..., :3], 0, 1) * 255).round().astype(np.uint8)
    Image.fromarray(q).save(path)


ROWS = [
    # first, so that its heat map (a block of pure red) is inside the screenshot's window
    dict(id="div001", name=HOSTILE_NAME, author="<b>mallory</b>", source="shadertoy-dev.jsonl#4tjfWV",
         verdict="diverge", ref_status="ok", ours_status="ok", match=[0.61, 0.55], max_diff=255, ours_nan=0.01,
         ours_compile_s=2.0, ref_compile_s=0.03, ours_frame_s=0.01, ref_frame_s=0.001, arch="cpu",
         note="hash noise magnifies sin's last bits"),
    dict(id="agr001", name="simple sea", author="darkfox", source="shadertoy-dev.jsonl#wtXcz7", verdict="agree",
         ref_status="ok", ours_status="ok", match=[1.0, 0.9995], max_diff=2, ours_compile_s=1.3, ref_compile_s=0.02,
         ours_frame_s=0.004, ref_frame_s=0.0009, arch="cpu"),
    dict(id="clo001", name="noise clouds", verdict="close", ref_status="ok", ours_status="ok", match=[0.97, 0.93],
         max_diff=40, ours_compile_s=2.3, ref_compile_s=0.05, ours_frame_s=0.02, ref_frame_s=0.002, arch="cpu"),
    dict(id="fai001", name="arrays", verdict="fail", ref_status="ok", ours_status="error",
         error_kind="unsupported: arrays of arrays", ours_error=HOSTILE_ERROR, ref_compile_s=0.01),
    dict(id="fai002", name="slow one", verdict="fail", ref_status="ok", ours_status="timeout", error_kind="timeout",
         ours_error="timed out after 120 s"),
    dict(id="ski001", name=None, verdict="skip", ref_status="error", ours_status="skipped",
         ref_error="0:3(1): error: syntax error, unexpected '}'"),
]


def make_run(out: Path, rows=ROWS, summary: bool = True) -> int:
    """A run directory as ``glslc parity --corpus`` writes it; returns how many thumbnails it holds."""
    thumbs = out / "thumbs"
    thumbs.mkdir(parents=True)
    n = 0
    for i, row in enumerate(rows):
        ref = _render(i)
        if row["ref_status"] == "ok":
            _png(ref, thumbs / f"{row['id']}.ref.png")
            n += 1
        if row["ours_status"] == "ok":
            ours = ref.copy()
            if row["verdict"] != "agree":
                ours[:, 8:20, 4:28, :3] = 1 - ours[:, 8:20, 4:28, :3]
            _png(ours, thumbs / f"{row['id']}.ours.png")
            Image.fromarray(diff_image(ours, ref)).save(thumbs / f"{row['id']}.diff.png")
            n += 2
    (out / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows) + "not json\n\n")
    if summary:
        s = summarize(rows)
        s.update(corpus="shadertoy-dev.jsonl", wall_s=12.5,
                 settings={"size": [SIZE, SIZE], "times": [1.0, 4.7], "arch": "cpu", "timeout": 120})
        (out / "summary.json").write_text(json.dumps(s))
    return n


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    n = make_run(out)
    return out, n, write_report(out)


def test_static_html(run_dir):
    out, n_thumbs, path = run_dir
    assert path == out / "report.html"
    page = path.read_text(encoding="utf-8")
    assert page.count("<article ") == len(ROWS)
    # untrusted text only ever arrives escaped; the page's one script is ours
    assert page.count("<script") == 1 and page.count("</script>") == 1
    assert HOSTILE_NAME not in page and html.escape(HOSTILE_NAME) in page
    assert "document.title='pwned-error'</script>" not in page
    assert html.escape("</script><script>document.title='pwned-error'") in page
    assert "<b>mallory</b>" not in page and "&lt;b&gt;mallory&lt;/b&gt;" in page
    # self-contained: every image inline, nothing fetched
    srcs = re.findall(r'<img[^>]*\ssrc="([^"]*)"', page)
    assert len(srcs) == n_thumbs and all(s.startswith("data:image/") for s in srcs)
    assert not re.search(r'\s(src|href)="(?!data:|#|https://www\.shadertoy\.com/view/)', page)
    assert 'loading="lazy"' in page and "Content-Security-Policy" in page
    # summary, filters and diagnostics
    assert "shadertoy-dev.jsonl" in page and 'data-verdict="fail"' in page
    for v in ("agree", "close", "diverge", "fail", "skip"):
        assert f'class="row v-{v}"' in page
    assert page.count('<details class="diag">') == 3
    assert 'data-kind="unsupported: arrays of arrays"' in page and 'data-kind="timeout"' in page
    assert 'href="https://www.shadertoy.com/view/4tjfWV"' in page


def test_summary_from_rows_alone(tmp_path):
    make_run(tmp_path, summary=False)
    rows = load_results(tmp_path / "results.jsonl")
    assert len(rows) == len(ROWS)  # the malformed and blank lines are left out
    s = summarize(rows)
    assert s["verdicts"] == {"agree": 1, "close": 1, "diverge": 1, "fail": 2, "skip": 1}
    assert s["counted"] == 5 and s["rates"]["agree_or_close"] == pytest.approx(0.4)
    assert s["rates"]["render"] == pytest.approx(0.6)
    assert s["error_kinds"] == [("timeout", 1), ("unsupported: arrays of arrays", 1)]
    assert s["timing"]["ours_compile_s"]["max"] == 2.3
    assert s["timing"]["frame_ratio_geomean"] == pytest.approx((4 / 0.9 * 10 * 10) ** (1 / 3))
    merged = merge_summary({"corpus": "c.jsonl", "rates": {"agree": 0.5, "fail": None}}, rows)
    assert merged["corpus"] == "c.jsonl" and merged["rates"]["agree"] == 0.5
    assert merged["rates"]["fail"] == pytest.approx(0.4)
    page = write_report(tmp_path).read_text()
    assert page.count("<article ") == len(ROWS) and "40.0%" in page


def test_degrades_on_bad_inputs(tmp_path):
    rows = [dict(id="../evil", verdict="agree"), dict(id="x1", verdict="weird", name=7, match="no"),
            dict(verdict="fail", ours_error="e" * 30_000), dict(id="x1", verdict=None)]
    (tmp_path / "thumbs").mkdir()
    (tmp_path / "thumbs" / "x1.ref.png").write_bytes(b"\x89PNG truncated")
    (tmp_path / "results.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (tmp_path / "summary.json").write_text("[1, 2")
    page = write_report(tmp_path).read_text()
    assert page.count("<article ") == 4 and '<img class="t-' not in page  # no path outside thumbs/, no bad PNG
    assert 'id="r-x1"' in page and 'id="r-x1-2"' in page  # anchors stay unique
    assert "more characters in results.jsonl" in page


def test_png_thumbnails_are_the_runners_files(tmp_path):
    make_run(tmp_path, rows=ROWS[1:2])
    page = write_report(tmp_path, thumb_format="png").read_text()
    assert page.count('src="data:image/png;base64,') == 3


CHROMIUM = shutil.which("chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--hide-scrollbars", "--virtual-time-budget=3000"]


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


def _dom(tmp_path: Path, url: str) -> str:
    r = _chromium(tmp_path, "--dump-dom", url)
    assert r.returncode == 0 and "<html" in r.stdout, r.stderr[-2000:]
    return r.stdout


def _root_attr(dom: str, name: str) -> str:
    m = re.search(rf'<html[^>]*\s{name}="([^"]*)"', dom)
    assert m, f"{name} not set on <html>: the page's script did not run"
    return m.group(1)


def _visible_rows(dom: str) -> list[str]:
    tags = [m.group(1) for m in re.finditer(r"<article ([^>]*)>", dom)]
    return [t for t in tags if not re.search(r"\shidden(=|\s|$)", t)]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (Debian: apt-get install chromium; .ci/run does)")
def test_renders_in_chromium(run_dir, tmp_path):
    out, n_thumbs, path = run_dir
    url = path.resolve().as_uri()

    dom = _dom(tmp_path, url)
    assert _root_attr(dom, "data-ready") == "1"
    assert int(_root_attr(dom, "data-shown")) == len(ROWS) == len(_visible_rows(dom))
    assert int(_root_attr(dom, "data-images")) == n_thumbs
    assert int(_root_attr(dom, "data-images-loaded")) == n_thumbs  # every thumbnail decoded (naturalWidth > 0)
    assert int(_root_attr(dom, "data-images-broken")) == 0
    assert "pwned" not in re.search(r"<title>(.*?)</title>", dom, re.S).group(1)

    # filters driven by the URL hash, as a shared link would
    dom = _dom(tmp_path, url + "#verdict=fail")
    rows = _visible_rows(dom)
    assert _root_attr(dom, "data-shown") == "2" and all('data-verdict="fail"' in r for r in rows)
    dom = _dom(tmp_path, url + "#verdict=fail,diverge&kind=timeout")
    assert [re.search(r'id="([^"]*)"', r).group(1) for r in _visible_rows(dom)] == ["r-fai002"]
    dom = _dom(tmp_path, url + "#q=SEA&sort=match")
    assert _root_attr(dom, "data-shown") == "1"
    dom = _dom(tmp_path, url + "#sort=match")  # worst match first, rows without a match last
    order = [re.search(r'id="([^"]*)"', r).group(1) for r in _visible_rows(dom)]
    assert order[:3] == ["r-div001", "r-clo001", "r-agr001"]

    shot = tmp_path / "report.png"
    r = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,900", url)
    assert r.returncode == 0 and shot.is_file(), r.stderr[-2000:]
    img = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    assert img.shape == (900, 1200, 3)
    assert img.std() > 20 and len(np.unique(img.reshape(-1, 3), axis=0)) > 500  # not blank
    # the diverging row's heat map: pure red where the block differs, drawn 4x (32 px thumbnails in 128 px boxes)
    red = (img[..., 0] > 240) & (img[..., 1] < 15) & (img[..., 2] < 15)
    assert red.sum() > 2000, f"no heat map painted in {shot}"
    print(f"screenshot: {shot}")
