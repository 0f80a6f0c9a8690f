"""The minimized fuzz findings in ``conformance/cases/``: each keeps the verdict its header states.

A case file starts with ``// expect: VERDICT  reason: ...`` (agree, diverge, fail, reject or invalid; see
:func:`glslc.conformance.fuzz.case_verdict`), ``// words: ...`` (the error bound of each output word) and
``// features: ...``. A fix that changes a verdict must update the file (and its reason).
"""

from __future__ import annotations

import pytest

from glslc.conformance import fuzz

CASES = sorted(fuzz.CASES_DIR.glob("*.frag"))


@pytest.fixture(scope="module")
def backends(gl):
    from glslc.runtime.taichi_backend import init

    init("cpu")


def test_cases_exist_and_parse():
    assert CASES, f"no cases in {fuzz.CASES_DIR}"
    for path in CASES:
        case = fuzz.load_case(path)
        assert case.errs, f"{path.name}: no '// words:' header"
        assert case.expect == "agree" or case.reason, f"{path.name}: a non-agree case needs a reason"


@pytest.mark.usefixtures("backends")
@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case_keeps_its_verdict(path):
    case = fuzz.load_case(path)
    got, detail = fuzz.case_verdict(case)
    assert got == case.expect, f"{path.name}: expected {case.expect}, now {got}: {detail}"
