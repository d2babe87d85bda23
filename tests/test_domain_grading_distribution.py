# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Grade bands and forced distribution quotas."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perf_closed_loop.domain import distribution, grading

SETTINGS = settings(max_examples=200, deadline=None)
FIVE = [("S", 90, 100), ("A", 80, 90), ("B", 60, 80), ("C", 40, 60), ("D", 0, 40)]
DEFAULT_POLICY = {
    "S": (0, 5),
    "A": (0, 15),
    "B": (0, 70),
    "C": (5, 100),
    "D": (0, 100),
}


# ------------------------------------------------------------------ grading
def test_valid_bands_and_lookup():
    assert grading.band_problems(FIVE) == []
    assert grading.grade_for_score(100, FIVE) == "S"
    assert grading.grade_for_score(90, FIVE) == "S"
    assert grading.grade_for_score(89.99, FIVE) == "A"
    assert grading.grade_for_score(0, FIVE) == "D"
    assert grading.grade_for_score(130, FIVE) == "S"
    assert grading.grade_for_score(-5, FIVE) == "D"


def test_band_problems_name_the_grades():
    kinds = {p.kind: p for p in grading.band_problems([("A", 70, 100), ("B", 0, 75)])}
    assert kinds["overlap"].codes == ("A", "B")
    assert (kinds["overlap"].low, kinds["overlap"].high) == (70, 75)
    gap = grading.band_problems([("A", 70, 100), ("B", 0, 60)])
    assert [(p.kind, p.codes, p.low, p.high) for p in gap] == [
        ("gap", ("B", "A"), 60, 70)
    ]
    kinds = [p.kind for p in grading.band_problems([("A", 50, 90)])]
    assert kinds == ["gap", "gap"]
    assert grading.band_problems([])[0].kind == "empty"
    kinds = {p.kind for p in grading.band_problems([("A", 0, 100), ("A", 100, 80)])}
    assert {"duplicate_code", "inverted"} <= kinds
    assert grading.band_problems([("A", -10, 110)])[0].kind == "out_of_range"
    with pytest.raises(ValueError, match="A/B"):
        grading.validate_bands([("A", 70, 100), ("B", 0, 75)])


@st.composite
def bands(draw):
    cuts = sorted(draw(st.sets(st.integers(1, 99), max_size=6)))
    edges = [0, *cuts, 100]
    return [(f"G{i}", edges[i], edges[i + 1]) for i in range(len(edges) - 1)]


@SETTINGS
@given(bands(), st.floats(-50, 150), st.floats(-50, 150))
def test_grade_lookup_is_monotone(scale, a, b):
    assert grading.band_problems(scale) == []
    low, high = sorted((a, b))
    mins = {code: lo for code, lo, _hi in scale}
    assert (
        mins[grading.grade_for_score(high, scale)]
        >= mins[grading.grade_for_score(low, scale)]
    )


# ------------------------------------------------------------- distribution
def test_policy_problems():
    codes = ["S", "A", "B", "C", "D"]
    assert distribution.policy_problems(DEFAULT_POLICY, codes) == []
    bad = dict(DEFAULT_POLICY, S=(10, 5))
    assert distribution.policy_problems(bad, codes)[0].kind == "min_above_max"
    missing = {k: v for k, v in DEFAULT_POLICY.items() if k != "D"}
    kinds = [p.kind for p in distribution.policy_problems(missing, codes)]
    assert "missing_grade" in kinds
    infeasible = dict(DEFAULT_POLICY, C=(60, 100), B=(50, 70))
    problem = distribution.policy_problems(infeasible, codes)[0]
    assert (problem.kind, problem.value) == ("infeasible_min", 110)
    tight = {"S": (0, 10), "A": (0, 20), "B": (0, 30), "C": (0, 10), "D": (0, 10)}
    problem = distribution.policy_problems(tight, codes)[0]
    assert (problem.kind, problem.value) == ("infeasible_max", 80)


def test_quota_counts_small_groups():
    assert distribution.quota_counts(20, DEFAULT_POLICY) == {
        "S": (0, 1),
        "A": (0, 3),
        "B": (0, 14),
        "C": (1, 20),
        "D": (0, 20),
    }
    three = distribution.quota_counts(3, DEFAULT_POLICY)
    assert three["S"] == (0, 0) and three["B"] == (0, 2)
    exact = {"A": (0, 50), "B": (0, 50)}
    # Largest remainder: 3 people, 1.5 + 1.5 → the earlier grade gets the seat.
    assert distribution.quota_counts(3, exact) == {"A": (0, 2), "B": (0, 1)}
    with pytest.raises(ValueError):
        distribution.quota_counts(-1, DEFAULT_POLICY)
    with pytest.raises(ValueError):
        distribution.quota_counts(3, {"A": (60, 50)})


@st.composite
def feasible_policies(draw):
    n = draw(st.integers(1, 6))
    maxes = [draw(st.integers(0, 100)) for _ in range(n)]
    if sum(maxes) < 100:
        maxes[-1] = 100
    mins = [draw(st.integers(0, m)) for m in maxes]
    while sum(mins) > 100:
        i = mins.index(max(mins))
        mins[i] -= 1
    return {f"G{i}": (mins[i], maxes[i]) for i in range(n)}


@SETTINGS
@given(feasible_policies(), st.integers(0, 500))
def test_quota_counts_properties(policy, n):
    counts = distribution.quota_counts(n, policy)
    assert set(counts) == set(policy)
    for low, high in counts.values():
        assert 0 <= low <= high <= n
    assert sum(low for low, _h in counts.values()) <= n
    assert sum(high for _l, high in counts.values()) >= n
    bigger = distribution.quota_counts(n + 1, policy)
    for code in policy:
        assert bigger[code][1] >= counts[code][1]


def test_check_distribution():
    ok = distribution.check_distribution(
        {"S": 1, "A": 3, "B": 14, "C": 2, "D": 0}, DEFAULT_POLICY, 5
    )
    assert ok.ok and not ok.blocking
    bad = distribution.check_distribution(
        {"S": 3, "A": 3, "B": 14, "C": 0, "D": 0}, DEFAULT_POLICY, 5
    )
    assert not bad.ok and bad.blocking
    assert {p.code: (p.count, p.min_count, p.max_count) for p in bad.problems} == {
        "S": (3, 0, 1),
        "C": (0, 1, 20),
    }
    small = distribution.check_distribution({"S": 2, "B": 1}, DEFAULT_POLICY, 5)
    assert not small.ok and not small.blocking
    with pytest.raises(ValueError):
        distribution.check_distribution({"Z": 1}, DEFAULT_POLICY)
    assert distribution.distribution_percentages({"S": 1, "B": 3}) == {
        "S": 25.0,
        "B": 75.0,
    }
    assert distribution.distribution_percentages({"S": 0}) == {"S": 0.0}
