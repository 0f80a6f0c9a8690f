"""The distribution: one `glslc` package with glslc.runtime and glslc.conformance, no stray top-level modules."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT


@pytest.mark.slow
def test_wheel_maps_runtime_and_conformance_under_glslc(tmp_path):
    p = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                        "-w", str(tmp_path), "-q"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr[-2000:]
    (wheel,) = tmp_path.glob("glslc-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith((".dist-info", ".data"))}
    assert tops == {"glslc"}, f"unexpected top-level entries: {tops}"
    for needed in ("glslc/cli.py", "glslc/runtime/gl.py", "glslc/runtime/inputs.py", "glslc/conformance/pool.py"):
        assert needed in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "glslc = glslc.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_package_imports_the_mapped_folders():
    import glslc.conformance
    import glslc.runtime

    assert glslc.runtime.__file__ and glslc.conformance.__file__
    with pytest.raises(ImportError):
        __import__("runtime.gl")  # no bare top-level `runtime` package
