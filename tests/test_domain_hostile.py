# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Hostile and broken input to the domain functions (issue 11, point 4).

NaN, infinities, negative, huge, text, booleans, None and containers where
numbers are expected. Each function either raises a ``ValueError`` with a
message (the Odoo models turn it into a refusal), or returns a result that is
finite and within its documented bounds: never NaN, never an infinity, never
another exception (``TypeError``, ``OverflowError``, ``decimal``'s
``InvalidOperation``) and never a silently wrong number.

The other ``test_domain_*`` files test the valid inputs; the examples here
(``@example``) are the hostile inputs found to break the rule, so that they
run on every run, before hypothesis explores further.
"""

import math

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from perf_closed_loop.domain import (
    assignment,
    calibration,
    distribution,
    evaluation,
    flow,
    goals,
    grading,
    scoring,
    text,
    weights,
)

SETTINGS = settings(max_examples=150, deadline=None)
NAN = float("nan")
INF = float("inf")
HUGE = 1e308
FIVE = [("S", 90, 100), ("A", 80, 90), ("B", 60, 80), ("C", 40, 60), ("D", 0, 40)]

# Numbers a form, an import or an RPC call can send, valid or not.
any_float = st.floats(allow_nan=True, allow_infinity=True)
special_float = st.sampled_from([NAN, INF, -INF, HUGE, -HUGE, 1e-320, -0.0, -1.0])
not_a_number = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=20),
    st.sampled_from(["", "abc", "1e999", "nan", "-inf", "<script>", "五十"]),
)
hostile = st.one_of(any_float, special_float, st.integers(), not_a_number)


def _outcome(func, *args, **kwargs):
    """``func``'s result, or None when it refused with a ValueError that says
    something. Any other exception propagates and fails the test."""
    try:
        return func(*args, **kwargs)
    except ValueError as error:
        assert str(error).strip(), f"{func.__name__} raised a ValueError without text"
        return None


def _numbers(value):
    """Every number inside ``value`` (nested tuples, lists, dicts)."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int | float):
        return [value]
    if isinstance(value, dict):
        return [n for item in value.values() for n in _numbers(item)]
    if isinstance(value, list | tuple | set | frozenset):
        return [n for item in value for n in _numbers(item)]
    return []


def _assert_finite(value, label):
    for number in _numbers(value):
        assert math.isfinite(number), f"{label} returned {value!r}"


def _assert_score(value, label, high=scoring.SCORE_MAX):
    """``value`` is None (refused) or a score between 0 and ``high``."""
    if value is not None:
        _assert_finite(value, label)
        assert 0.0 <= value <= high, f"{label} returned {value!r}"


# ------------------------------------------------------------------ scoring
@SETTINGS
@given(hostile, hostile, st.sampled_from(scoring.DIRECTIONS))
@example(NAN, 100.0, "higher")
@example(50.0, NAN, "higher")
@example(NAN, 100.0, "lower")
def test_kpi_auto_score_never_returns_nan(actual, target, direction):
    result = _outcome(scoring.kpi_auto_score, actual, target, direction)
    _assert_score(result, f"kpi_auto_score({actual!r}, {target!r})", high=120.0)


@SETTINGS
@given(hostile, st.sampled_from(scoring.KEY_RESULT_MODES))
@example(None, "linear")
def test_key_result_score_refuses_what_is_not_a_progress(progress, mode):
    result = _outcome(scoring.key_result_score, progress, mode)
    if result is not None:
        assert 0.0 <= result <= 100.0


@SETTINGS
@given(hostile)
@example(NAN)
@example(INF)
@example(1e30)
@example(None)
@example("abc")
def test_round_score_gives_a_number_or_a_value_error(value):
    result = _outcome(scoring.round_score, value)
    if result is not None:
        _assert_finite(result, f"round_score({value!r})")


@SETTINGS
@given(
    st.lists(
        st.tuples(st.one_of(st.none(), st.floats(0, 150)), st.floats(0, HUGE)),
        min_size=1,
        max_size=4,
    )
)
@example([(50.0, HUGE), (60.0, HUGE)])
def test_weighted_mean_survives_huge_weights(items):
    """Weights each valid (finite, >= 0) may still overflow their sum."""
    result = _outcome(scoring.weighted_mean, items)
    scored = [s for s, _w in items if s is not None]
    if result is not None:
        _assert_finite(result, f"weighted_mean({items!r})")
        assert min(scored) - 1e-9 <= result <= max(scored) + 1e-9


@SETTINGS
@given(hostile, hostile)
@example(HUGE, HUGE)
def test_section_score_survives_any_section_weight(kpi, question):
    sections = {"kpi": [(50.0, 100.0)], "question": [(70.0, 100.0)]}
    result = _outcome(
        scoring.section_score, sections, {"kpi": kpi, "question": question}
    )
    if result is not None:
        _assert_finite(result, f"section_score(weights {kpi!r}, {question!r})")
        assert 50.0 <= result <= 70.0


@SETTINGS
@given(st.lists(st.tuples(hostile, st.floats(0, 100), st.booleans()), min_size=1))
def test_final_score_refuses_hostile_scores(steps):
    result = _outcome(scoring.final_score, steps)
    _assert_score(result, f"final_score({steps!r})")


# ------------------------------------------------------------------ weights
@SETTINGS
@given(st.lists(hostile, max_size=4))
@example([HUGE, HUGE])
def test_weights_total_is_finite_or_refused(values):
    result = _outcome(weights.weights_total, values)
    if result is not None:
        _assert_finite(result, f"weights_total({values!r})")
        assert result >= 0


@SETTINGS
@given(st.dictionaries(st.integers(0, 5), hostile, min_size=1, max_size=4))
@example({0: HUGE, 1: HUGE})
def test_redistribute_is_finite_or_refused(all_weights):
    result = _outcome(weights.redistribute, all_weights, list(all_weights))
    if result is not None:
        _assert_finite(result, f"redistribute({all_weights!r})")
        assert math.isclose(sum(result.values()), 100.0, abs_tol=1e-6)


# ------------------------------------------------------------------ grading
@SETTINGS
@given(hostile, hostile)
@example(NAN, NAN)
@example(NAN, 100.0)
@example(None, 100.0)
def test_a_band_with_hostile_bounds_is_a_problem(low, high):
    """A scale's bands checked with one more grade whose bounds are hostile:
    the bands are valid only if that grade is (which it never is: the five
    grades already cover 0-100, so any extra band overlaps, is inverted, out
    of range or not a number)."""
    problems = _outcome(grading.band_problems, [*FIVE, ("X", low, high)])
    if problems is not None:
        assert problems, f"a grade X from {low!r} to {high!r} was accepted"
        with pytest.raises(ValueError):
            grading.validate_bands([*FIVE, ("X", low, high)])


@SETTINGS
@given(hostile)
@example(None)
def test_grade_for_score_gives_a_grade_or_a_value_error(score):
    result = _outcome(grading.grade_for_score, score, FIVE)
    if result is not None:
        assert result in {code for code, _l, _h in FIVE}


# ------------------------------------------------------------- distribution
@SETTINGS
@given(hostile, hostile)
def test_policy_problems_refuse_hostile_percentages(low, high):
    problems = _outcome(distribution.policy_problems, {"A": (low, high)}, ["A"])
    if problems is not None:
        lo = 0.0 if low is None else float(low)
        hi = 100.0 if high is None else float(high)
        if not (0 <= lo <= hi <= 100) or hi < 100:
            assert problems, f"quota {low!r}-{high!r} accepted"


@SETTINGS
@given(hostile)
@example(INF)
@example(-INF)
def test_quota_counts_refuses_a_hostile_group_size(size):
    result = _outcome(distribution.quota_counts, size, {"A": (0, 100)})
    if result is not None:
        assert not isinstance(size, bool)
        assert result["A"][1] == size


@SETTINGS
@given(hostile)
@example(INF)
def test_check_distribution_refuses_hostile_counts(count):
    result = _outcome(
        distribution.check_distribution,
        {"A": count, "B": 1},
        {"A": (0, 100)} | {"B": (0, 100)},
    )
    if result is not None:
        assert result.problems == ()


@SETTINGS
@given(st.dictionaries(st.sampled_from("ABC"), hostile, min_size=1))
@example({"A": -1, "B": 1})
@example({"A": NAN})
def test_distribution_percentages_are_shares(counts):
    result = _outcome(distribution.distribution_percentages, counts)
    if result is not None:
        _assert_finite(result, f"distribution_percentages({counts!r})")
        assert all(0.0 <= pct <= 100.0 for pct in result.values())
        if any(result.values()):
            assert math.isclose(sum(result.values()), 100.0, abs_tol=1e-6)


# --------------------------------------------------------------- evaluation
@SETTINGS
@given(hostile, hostile, st.booleans())
@example(50.0, NAN, False)
@example(NAN, 100.0, False)
def test_suggested_kpi_score_is_a_score_or_refused(actual, target, auto):
    result = _outcome(
        evaluation.suggested_score, "kpi", actual, target, auto_score=auto
    )
    _assert_score(result, f"suggested_score(kpi, {actual!r}, {target!r})", high=120.0)


@SETTINGS
@given(hostile)
def test_suggested_key_result_score_is_a_score_or_refused(progress):
    result = _outcome(evaluation.suggested_score, "key_result", progress=progress)
    if result is not None:
        assert 0.0 <= result <= 100.0


@SETTINGS
@given(st.floats(0, 100), st.floats(0, 100), hostile)
@example(50.0, 90.0, NAN)
def test_comment_needed_refuses_a_hostile_threshold(score, suggested, threshold):
    """A threshold that is not a number >= 0 cannot silently mean "never"."""
    result = _outcome(evaluation.comment_needed, score, suggested, threshold)
    if result is not None:
        value = float(threshold)
        assert math.isfinite(value) or value == INF
        assert value >= 0 or result is True


@SETTINGS
@given(st.floats(0, 100), st.floats(0, 100), st.floats(0, 100), hostile)
def test_score_problems_report_hostile_scores(low, high, _unused, score):
    low, high = min(low, high), max(low, high)
    problems = _outcome(
        evaluation.score_problems, [("Line", score, low, high, "ok", False)]
    )
    if problems is not None:
        try:
            value = float(score)
        except (TypeError, ValueError):
            value = NAN
        if score is None or isinstance(score, bool) or not low <= value <= high:
            assert problems, f"score {score!r} accepted within {low}-{high}"


@pytest.mark.parametrize(
    "comment", ["", "   ", "\n\t", "\u00a0", "\u200b", "\u3000", "\u00a0\u200b\ufeff"]
)
def test_a_blank_comment_is_no_comment(comment):
    """A needed comment made of spaces, or of invisible characters only, is
    missing."""
    problems = evaluation.score_problems([("Line", 50, 0, 100, comment, True)])
    assert [p.kind for p in problems] == ["comment"], repr(comment)


@pytest.mark.parametrize(
    "blank",
    [None, "", " \u3000 ", "\u200b \u200b \u200b", "\u200e\u2066\u2069", "\ufeff\n"],
)
def test_blank_text_shows_nothing(blank):
    """Spaces and invisible characters in any order (a zero-width space
    between spaces, direction marks) are blank: no reason, no name."""
    assert text.is_blank(blank), repr(blank)


@pytest.mark.parametrize("shown", ["a", " 原因 ", "\u200b.\u200b", "0"])
def test_text_showing_something_is_not_blank(shown):
    assert not text.is_blank(shown), repr(shown)


@SETTINGS
@given(st.lists(hostile, min_size=1, max_size=3))
@example([NAN])
@example([INF, 50.0])
@example([-50.0])
@example([HUGE, HUGE])
def test_step_score_is_a_score_or_refused(scores):
    result = _outcome(evaluation.step_score, scores)
    _assert_score(result, f"step_score({scores!r})")


@SETTINGS
@given(hostile)
def test_rating_total_refuses_a_hostile_line_score(score):
    result = _outcome(evaluation.rating_total, [(score, 100.0)], [], [], {"kpi": 100.0})
    _assert_score(result, f"rating_total({score!r})")


# -------------------------------------------------------------- calibration
@SETTINGS
@given(st.lists(hostile, min_size=1, max_size=3))
@example([NAN])
@example([INF])
@example([HUGE, HUGE])
def test_leniency_is_finite_or_refused(scores):
    result = _outcome(calibration.leniency, [("m", s) for s in scores])
    if result is not None:
        _assert_finite(result, f"leniency({scores!r})")


# --------------------------------------------------------------------- flow
@SETTINGS
@given(hostile)
@example(NAN)
@example("100")
def test_a_flow_with_a_hostile_weight_has_a_problem(weight):
    steps = [("goal_setting", "employee", 0.0), ("self", "employee", weight)]
    problems = _outcome(flow.flow_problems, steps)
    if problems is not None and not problems:
        assert not isinstance(weight, bool)
        assert float(weight) == 100.0, f"a self step weighing {weight!r} accepted"


@SETTINGS
@given(hostile)
@example(NAN)
def test_a_hostile_weight_among_valid_ones_has_a_problem(weight):
    steps = [
        ("goal_setting", "employee", 0.0),
        ("self", "employee", 50.0),
        ("manager", "manager", weight),
        ("designated", "designated", 50.0),
    ]
    problems = _outcome(flow.flow_problems, steps)
    if problems is not None and not problems:
        # No weight (None) counts as 0, as the flow's empty field does.
        assert weight is None or (weight == 0 and not isinstance(weight, bool))


# -------------------------------------------------------------------- goals
@SETTINGS
@given(hostile)
@example(NAN)
def test_a_hostile_added_budget_is_a_problem(budget):
    rules = {
        "kpi_enabled": True,
        "allow_added": True,
        "added_min": 0,
        "added_max": 2,
        "added_budget": budget,
    }
    problems = _outcome(
        goals.goal_problems, [("template", 80.0), ("employee", 20.0)], [], rules
    )
    if problems is not None and not problems:
        value = float(budget)
        assert math.isfinite(value) and value >= 20.0 - weights.TOLERANCE


@SETTINGS
@given(hostile)
def test_goal_problems_refuse_hostile_weights(weight):
    rules = {"kpi_enabled": True}
    problems = _outcome(goals.goal_problems, [("template", weight)], [], rules)
    if problems is not None and not problems:
        assert not isinstance(weight, bool)
        assert abs(float(weight) - 100.0) <= weights.TOLERANCE


# --------------------------------------------------------------- assignment
@SETTINGS
@given(hostile)
@example(NAN)
@example("x")
def test_department_specificity_takes_whole_distances(distance):
    result = _outcome(assignment.department_specificity, distance)
    if result is not None:
        value = float(distance)
        assert math.isfinite(value) and value.is_integer() and value >= 0
        assert result == -value
