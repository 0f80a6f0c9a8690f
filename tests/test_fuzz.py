"""Differential fuzzing (``glslc.conformance.fuzz``): random well-typed GLSL programs rendered by both back ends
and compared value by value, each within the error bound the generator derived for it.

The budget here is small (``GLSLC_FUZZ_EXAMPLES``, default 40 programs, derandomized so that every run tries
the same programs); long local runs: ``python -m glslc.conformance.fuzz --examples 2000 --seed N`` (see
docs/fuzzing.md). A failure prints the minimized program as a case file ready for ``conformance/cases/``.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from glslc.conformance import fuzz

EXAMPLES = int(os.environ.get("GLSLC_FUZZ_EXAMPLES", "40"))


@pytest.fixture(scope="module")
def backends(gl):
    from glslc.runtime.taichi_backend import init

    init("cpu")
    return fuzz.known_case_features()


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None, print_blob=False,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
@given(program=fuzz.programs())
def test_backends_agree_on_random_programs(backends, program):
    if fuzz.is_known(program, backends):  # a finding already recorded in conformance/cases
        return
    fuzz.check_program(program)


def test_every_builtin_has_a_rule_and_the_exclusions_are_explained():
    from glslc.builtins import BUILTIN_FUNCTION_NAMES

    covered = fuzz.covered_builtins()
    left_out = {n for n in BUILTIN_FUNCTION_NAMES if n not in covered}
    assert all(fuzz._excluded(n) for n in left_out), sorted(n for n in left_out if not fuzz._excluded(n))
    assert covered <= set(fuzz.RULES)
    assert len(covered) >= 100


@settings(max_examples=60, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(program=fuzz.programs())
def test_generated_programs_pass_the_checker(program):
    """Generation alone (no render): every program is well typed by our front end."""
    from glslc.frontend import front_end
    from glslc.sources import from_text

    try:
        front_end(from_text(program.glsl, "<fuzz>.frag", "glsl"))
    except Exception as e:  # noqa: BLE001
        raise AssertionError(f"{e}\n{program.glsl}") from None
    assert 1 <= len(program.words) <= 4 * program.slots


def test_word_comparison_uses_each_bound():
    ref = np.zeros((1, 1, 3, 4), np.float32)
    ref[..., 0] = 1.0
    ref[..., 1] = 100.0
    ours = ref.copy()
    ours[..., 0] = np.nextafter(np.float32(1.0), np.float32(2.0))  # 1 ULP off: fails an exact word
    ours[..., 1] = 100.001
    assert fuzz.compare_words(ours, ref, [fuzz.EXACT, (1e-4, 0.0)])[0].startswith("word 0")
    assert len(fuzz.compare_words(ours, ref, [fuzz.EXACT, (1e-4, 0.0)])) == 1
    assert fuzz.compare_words(ours, ref, [(1e-6, 0.0), (1e-4, 0.0)]) == []
    nan = np.full_like(ref, np.nan)
    assert fuzz.compare_words(nan, nan, [fuzz.EXACT] * 4) == []


def test_case_text_round_trips(tmp_path):
    p = fuzz.Program("#version 450\nout vec4 fragColor;\nvoid main() { fragColor = vec4(1.0); }\n",
                     [fuzz.Word("1.0", fuzz.EXACT), fuzz.Word("1.0", (1e-6, 2e-7))], frozenset({"exp", "op+"}))
    path = tmp_path / "x.frag"
    path.write_text(p.case_text("diverge", "why"))
    case = fuzz.load_case(path)
    assert (case.expect, case.reason, case.features) == ("diverge", "why", frozenset({"exp", "op+"}))
    assert case.errs[0] == fuzz.EXACT and case.errs[1] == pytest.approx((1e-6, 2e-7))
    assert case.glsl.strip() == p.glsl.strip()
