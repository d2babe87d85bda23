# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Weights and scores: totals, redistribution, weighted means, KPI
auto-scores, key results, section and final scores."""

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from perf_closed_loop.domain import scoring, weights

SETTINGS = settings(max_examples=200, deadline=None)
weight = st.floats(min_value=0, max_value=100, allow_nan=False)
score = st.floats(min_value=0, max_value=100, allow_nan=False)


# ------------------------------------------------------------------ weights
def test_weights_total_and_ok():
    assert weights.weights_total([60, 40]) == 100
    assert weights.weights_ok([60, 40])
    assert weights.weights_ok([33.33, 33.33, 33.34])
    assert not weights.weights_ok([60, 30])
    for bad in ([-1, 101], [float("nan")], [None], [True]):
        with pytest.raises(ValueError):
            weights.weights_total(bad)


@SETTINGS
@given(st.dictionaries(st.integers(0, 20), weight, min_size=1), st.data())
def test_redistribute_sums_to_100_and_keeps_ratios(all_weights, data):
    present = data.draw(st.sets(st.sampled_from(sorted(all_weights)), min_size=1))
    result = weights.redistribute(all_weights, present)
    assert set(result) == present
    assert math.isclose(sum(result.values()), 100.0, abs_tol=1e-9)
    positive = [k for k in present if all_weights[k] > 1e-6]
    for a in positive:
        for b in positive:
            assert math.isclose(
                result[a] / result[b], all_weights[a] / all_weights[b], rel_tol=1e-6
            )


def test_redistribute_edges():
    assert weights.redistribute({"a": 10}, []) == {}
    assert weights.redistribute({"a": 0, "b": 0}, ["a", "b"]) == {"a": 50, "b": 50}
    with pytest.raises(ValueError, match="Unknown"):
        weights.redistribute({"a": 10}, ["z"])
    with pytest.raises(ValueError, match="negative"):
        weights.redistribute({"a": -10}, ["a"])


# ------------------------------------------------------------ weighted mean
@SETTINGS
@given(st.lists(st.tuples(st.one_of(st.none(), score), weight), min_size=1))
def test_weighted_mean_within_bounds(items):
    result = scoring.weighted_mean(items)
    scored = [s for s, _w in items if s is not None]
    if not scored:
        assert result is None
    else:
        assert min(scored) - 1e-9 <= result <= max(scored) + 1e-9


@SETTINGS
@given(st.lists(st.tuples(score, weight), min_size=1), st.integers(0, 50), score)
def test_weighted_mean_monotone_in_each_score(items, index, bump):
    index %= len(items)
    old_score, w = items[index]
    assume(bump >= old_score)
    raised = list(items)
    raised[index] = (bump, w)
    assert scoring.weighted_mean(raised) >= scoring.weighted_mean(items) - 1e-9


def test_weighted_mean_redistributes_unscored_weight():
    assert scoring.weighted_mean([(80, 50), (None, 50)]) == 80
    assert scoring.weighted_mean([(80, 60), (50, 40)]) == pytest.approx(68)
    assert scoring.weighted_mean([(80, 0), (60, 0)]) == 70
    with pytest.raises(ValueError, match="score"):
        scoring.weighted_mean([(151, 10)])
    with pytest.raises(ValueError, match="negative"):
        scoring.weighted_mean([(50, -1)])


# ------------------------------------------------------------ KPI auto-score
@SETTINGS
@given(
    st.floats(min_value=-1000, max_value=1000, allow_nan=False),
    st.floats(min_value=-1000, max_value=1000, allow_nan=False),
    st.floats(min_value=0.01, max_value=1000, allow_nan=False),
    st.floats(min_value=100, max_value=150),
)
def test_kpi_auto_score_bounded_and_monotone(a, b, target, cap):
    low, high = sorted((a, b))
    for direction in scoring.DIRECTIONS:
        s_low = scoring.kpi_auto_score(low, target, direction, cap)
        s_high = scoring.kpi_auto_score(high, target, direction, cap)
        assert 0 <= s_low <= cap and 0 <= s_high <= cap
        if direction == "higher":
            assert s_high >= s_low - 1e-9
        else:
            assert s_high <= s_low + 1e-9


def test_kpi_auto_score_examples():
    assert scoring.kpi_auto_score(80, 100) == 80
    assert scoring.kpi_auto_score(200, 100) == 120
    assert scoring.kpi_auto_score(200, 100, cap=150) == 150
    assert scoring.kpi_auto_score(2, 4, "lower") == 120
    assert scoring.kpi_auto_score(5, 4, "lower") == 80
    assert scoring.kpi_auto_score(0, 4, "lower") == 120
    assert scoring.kpi_auto_score(0, 0) == 100
    with pytest.raises(ValueError, match="Direction"):
        scoring.kpi_auto_score(1, 1, "sideways")
    with pytest.raises(ValueError, match="cap"):
        scoring.kpi_auto_score(1, 1, cap=90)


# --------------------------------------------------------------- key results
@SETTINGS
@given(st.floats(0, 100), st.floats(0, 100))
def test_key_result_score_monotone(a, b):
    low, high = sorted((a, b))
    for mode in scoring.KEY_RESULT_MODES:
        assert 0 <= scoring.key_result_score(low, mode) <= 100
        assert scoring.key_result_score(high, mode) >= scoring.key_result_score(
            low, mode
        )


def test_key_result_score_examples():
    assert scoring.key_result_score(70, "okr") == 100
    assert scoring.key_result_score(35, "okr") == pytest.approx(50)
    assert scoring.key_result_score(35) == 35
    with pytest.raises(ValueError):
        scoring.key_result_score(101)
    with pytest.raises(ValueError, match="Mode"):
        scoring.key_result_score(10, "magic")


# ------------------------------------------------------ section and final
def test_section_score_redistributes_empty_sections():
    sections = {"kpi": [(80, 60), (60, 40)], "okr": [(90, 100)], "question": []}
    result = scoring.section_score(sections, {"kpi": 60, "okr": 40, "question": 0})
    assert result == pytest.approx(0.6 * 72 + 0.4 * 90)
    only_kpi = scoring.section_score(
        {"kpi": [(80, 100)], "okr": []}, {"kpi": 60, "okr": 40}
    )
    assert only_kpi == 80
    assert scoring.section_score({"kpi": []}, {"kpi": 100}) is None
    with pytest.raises(ValueError, match="without weight"):
        scoring.section_score({"extra": [(1, 1)]}, {"kpi": 100})


def test_final_score_optional_and_required_steps():
    steps = [(80, 10, True), (None, 20, False), (70, 50, True), (90, 20, False)]
    assert scoring.final_score(steps) == pytest.approx((800 + 3500 + 1800) / 80)
    assert scoring.final_score([(80, 50, True), (None, 50, True)]) is None
    assert scoring.final_score([]) is None


@SETTINGS
@given(st.lists(st.tuples(score, weight, st.booleans()), min_size=1))
def test_final_score_bounds(steps):
    result = scoring.final_score(steps)
    scores = [s for s, _w, _r in steps]
    assert min(scores) - 1e-9 <= result <= max(scores) + 1e-9


def test_round_score_half_up():
    assert scoring.round_score(2.675) == 2.68
    assert scoring.round_score(89.995) == 90.0


# ---------------------------------------------------------- review progress
def test_review_progress_examples():
    assert scoring.review_progress([]) == 0.0
    assert scoring.review_progress([(60, 50.0), (40, 100.0)]) == 70.0
    # Indicators that weigh nothing: the plain mean.
    assert scoring.review_progress([(0, 20.0), (0, 40.0)]) == 30.0
    assert scoring.review_progress(iter([(10, 80.0)])) == 80.0


@SETTINGS
@given(st.lists(st.tuples(weight, score), min_size=1))
def test_review_progress_between_its_indicators(lines):
    progress = scoring.review_progress(lines)
    low = min(p for _w, p in lines)
    high = max(p for _w, p in lines)
    assert low - 1e-9 <= progress <= high + 1e-9
