# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""tools/screenshots.py fits each calibration group of the demo cycle to
the distribution policy before HR approves it: the grades it chooses must
pass the add-on's own check, or the walk stops at "Submit to HR"."""

import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from perf_closed_loop.domain import distribution

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import screenshots  # noqa: E402

CODES = ["S", "A", "B", "C", "D"]
# The default policy of the add-on (data/perf_distribution_policy_data.xml).
POLICY = {"S": (0, 5), "A": (0, 15), "B": (0, 70), "C": (5, 100), "D": (0, 100)}


@settings(max_examples=60)
@given(st.lists(st.sampled_from(CODES), min_size=1, max_size=60))
def test_fitted_grades_pass_the_policy(grades):
    current = sorted(grades, key=CODES.index)  # best scores first
    quotas = distribution.quota_counts(len(current), POLICY)
    wanted = screenshots.Scenario.fitted(current, CODES, quotas)
    counts = {code: wanted.count(code) for code in CODES}
    assert distribution.check_distribution(counts, POLICY).ok, (current, wanted)
    # Nobody is moved up, and the order of merit is kept.
    for before, after in zip(current, wanted, strict=True):
        assert CODES.index(after) >= CODES.index(before)
    assert [CODES.index(c) for c in wanted] == sorted(CODES.index(c) for c in wanted)


def test_fitted_keeps_a_group_that_fits():
    current = ["A"] + ["B"] * 7 + ["C"] * 2
    counts = {code: current.count(code) for code in CODES}
    assert distribution.check_distribution(counts, POLICY).ok
    quotas = distribution.quota_counts(len(current), POLICY)
    assert screenshots.Scenario.fitted(current, CODES, quotas) == current
