# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Who is whose manager, and the maths of the evaluation: step order,
suggested scores, submission problems, peer nominations, rating totals and
final scores."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perf_closed_loop.domain import evaluation, org

SETTINGS = settings(max_examples=200, deadline=None)
P, D = org.Person, org.Department


# ------------------------------------------------------------------ org chart
def _chart():
    """Company (CEO) > R&D (head inside R&D: Odoo makes her her own
    manager) > Back-end (manager) > employee; a team lead without user."""
    people = {
        "ceo": P("ceo", "co", True),
        "rd": P("rd", "rd", True),
        "mgr": P("rd", "be", True),
        "emp": P("mgr", "be", True),
        "lead": P("mgr", "be", False),
        "junior": P("lead", "be", True),
    }
    departments = {
        "co": D(None, "ceo"),
        "rd": D("co", "rd"),
        "be": D("rd", "mgr"),
    }
    return people, departments


def test_head_inside_own_department_is_managed_one_level_up():
    people, departments = _chart()
    rd = org.resolve("rd", people, departments)
    assert rd.manager == "ceo"
    assert rd.department_head == "ceo"
    assert rd.skip_manager is None
    assert org.OWN_HEAD in rd.cases
    mgr = org.resolve("mgr", people, departments)
    assert (mgr.manager, mgr.skip_manager, mgr.department_head) == ("rd", "ceo", "rd")
    assert mgr.cases == ()


def test_top_of_the_chart_has_nobody():
    people, departments = _chart()
    ceo = org.resolve("ceo", people, departments)
    assert ceo.manager is None and ceo.skip_manager is None
    assert ceo.department_head is None
    assert org.NO_MANAGER in ceo.cases


def test_a_manager_who_cannot_act_is_passed_over():
    people, departments = _chart()
    junior = org.resolve("junior", people, departments)
    assert junior.manager == "mgr"
    assert junior.skip_manager == "rd"
    assert org.MANAGER_CANNOT_ACT in junior.cases


def test_no_manager_in_odoo_falls_to_the_department_head():
    people, departments = _chart()
    people["loose"] = P(None, "be", True)
    loose = org.resolve("loose", people, departments)
    assert loose.manager == "mgr"
    assert loose.skip_manager == "rd"


def test_a_loop_stops_and_is_named():
    people = {"a": P("b", None, True), "b": P("a", None, True)}
    a = org.resolve("a", people, {})
    assert a.manager == "b"
    assert a.skip_manager is None
    assert org.LOOP in a.cases
    with pytest.raises(ValueError):
        org.resolve("zz", people, {})


@st.composite
def charts(draw):
    size = draw(st.integers(1, 12))
    ids = list(range(size))
    departments = {}
    for d in range(draw(st.integers(0, 4))):
        departments[f"d{d}"] = D(
            draw(st.one_of(st.none(), st.sampled_from([f"d{i}" for i in range(d)])))
            if d
            else None,
            draw(st.one_of(st.none(), st.sampled_from(ids))),
        )
    people = {
        i: P(
            draw(st.one_of(st.none(), st.sampled_from(ids))),
            draw(st.one_of(st.none(), st.sampled_from(sorted(departments))))
            if departments
            else None,
            draw(st.booleans()),
        )
        for i in ids
    }
    return people, departments


@SETTINGS
@given(charts())
def test_nobody_is_their_own_manager_on_any_chart(chart):
    """Whatever the data: manager, skip-level and head are other people who
    can act, and the skip-level manager is not the manager."""
    people, departments = chart
    for employee, found in org.resolve_all(people, people, departments).items():
        for other in (found.manager, found.skip_manager, found.department_head):
            assert other != employee
            assert other is None or people[other].can_act
        if found.skip_manager is not None:
            assert found.skip_manager != found.manager
            assert found.manager is not None
        assert (found.manager is None) == (org.NO_MANAGER in found.cases)


# ---------------------------------------------------------------- step order
def test_steps_of_equal_sequence_open_together():
    groups = evaluation.step_groups(
        [("self", 30), ("peer", 30), ("manager", 50), ("skip", 60)]
    )
    assert groups == [["self", "peer"], ["manager"], ["skip"]]
    assert evaluation.open_group(groups, set()) == 0
    assert evaluation.open_group(groups, {"self"}) == 0
    assert evaluation.open_group(groups, {"self", "peer"}) == 1
    assert evaluation.open_group(groups, {"self", "peer", "manager", "skip"}) is None
    assert evaluation.open_group([], set()) is None


# ---------------------------------------------------------- suggested scores
def test_suggested_scores():
    assert evaluation.suggested_score("kpi", actual=80, target=100) == 80
    # lower is better: 2 incidents against a target of 4 is 200 %, capped.
    assert (
        evaluation.suggested_score("kpi", actual=2, target=4, direction="lower") == 100
    )
    assert (
        evaluation.suggested_score(
            "kpi", actual=2, target=4, direction="lower", auto_score=True, cap=120
        )
        == 120
    )
    assert evaluation.suggested_score("key_result", progress=35) == 35
    assert (
        evaluation.suggested_score("key_result", progress=35, key_result_mode="okr")
        == 50
    )
    assert evaluation.suggested_score("key_result", progress=140) == 100
    assert evaluation.suggested_score("question") is None
    with pytest.raises(ValueError):
        evaluation.suggested_score("bonus")


def test_score_bounds():
    assert evaluation.score_bounds("question") == (0, 100)
    assert evaluation.score_bounds("kpi") == (0, 100)
    assert evaluation.score_bounds("kpi", True, 120) == (0, 120)
    assert evaluation.score_bounds("kpi", True, 500) == (0, 150)
    assert evaluation.score_bounds("kpi", True, 0) == (0, 100)


@SETTINGS
@given(
    st.floats(0, 1e6, allow_nan=False),
    st.floats(0, 1e6, allow_nan=False),
    st.sampled_from(["higher", "lower"]),
    st.booleans(),
    st.floats(100, 150, allow_nan=False),
)
def test_suggested_kpi_score_stays_in_bounds(actual, target, direction, auto, cap):
    low, high = evaluation.score_bounds("kpi", auto, cap)
    score = evaluation.suggested_score(
        "kpi", actual, target, direction, auto_score=auto, cap=cap
    )
    assert low <= score <= high + 0.005


def test_comment_needed():
    assert not evaluation.comment_needed(85, 80, 10)
    assert not evaluation.comment_needed(90, 80, 10)
    assert evaluation.comment_needed(90.5, 80, 10)
    assert evaluation.comment_needed(60, 80, 10)
    assert evaluation.comment_needed(80, 80, 10, always=True)
    assert not evaluation.comment_needed(10, None, 10)


def test_score_problems_name_the_line():
    problems = evaluation.score_problems(
        [
            ("Revenue", 80, 0, 100, "", False),
            ("Teamwork", None, 0, 100, "", False),
            ("Delivery", 130, 0, 120, "", False),
            ("Quality", 40, 0, 100, "  ", True),
            ("Bugs", float("nan"), 0, 100, "x", False),
        ]
    )
    assert [(p.line, p.kind) for p in problems] == [
        ("Teamwork", "missing"),
        ("Delivery", "out_of_range"),
        ("Quality", "comment"),
        ("Bugs", "out_of_range"),
    ]
    assert problems[1].detail == (0, 120)


# ----------------------------------------------------------------- totals
def test_rating_total_by_sections():
    # KPI 60 %: (80*60 + 100*40)/100 = 88; OKR 40 %: objective A (70 %)
    # mean of 50 and 100 by 1:1 = 75, objective B (30 %) 60 -> 70.5.
    total = evaluation.rating_total(
        [(80, 60), (100, 40)],
        [(70, [(50, 1), (100, 1)]), (30, [(60, 1)])],
        [],
        {"kpi": 60, "okr": 40, "question": 0},
    )
    assert total == round(88 * 0.6 + 70.5 * 0.4, 2)
    assert evaluation.rating_total([], [], [], {"kpi": 100}) is None
    # A section without lines gives its weight to the others.
    assert evaluation.rating_total([(90, 1)], [], [], {"kpi": 50, "question": 50}) == 90


def test_rating_totals_store_what_the_sections_give():
    weights = {"kpi": 60, "okr": 40, "question": 0}
    lines = [
        ("kpi", 80, 60, (False, 0.0)),
        ("kpi", 100, 40, (False, 0.0)),
        ("key_result", 50, 1, (1, 70)),
        ("key_result", 100, 1, (1, 70)),
        ("key_result", 60, 1, (2, 30)),
        ("question", None, 10, (False, 0.0)),
    ]
    totals = evaluation.rating_totals(lines, weights)
    assert totals == {
        "total": round(88 * 0.6 + 70.5 * 0.4, 2),
        "kpi": 88,
        "okr": 70.5,
        "question": 0.0,
        "scored": 5,
        "lines": 6,
    }
    # No line: every total 0, nothing scored.
    assert evaluation.rating_totals([], {}) == {
        "total": 0.0,
        "kpi": 0.0,
        "okr": 0.0,
        "question": 0.0,
        "scored": 0,
        "lines": 0,
    }
    # A score no total can use (stored outside the form): totals 0, counts kept.
    hostile = evaluation.rating_totals([("kpi", math.nan, 100, (False, 0.0))], weights)
    assert hostile["total"] == hostile["kpi"] == 0.0
    assert (hostile["scored"], hostile["lines"]) == (1, 1)


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["kpi", "key_result", "question"]),
            st.one_of(st.none(), st.integers(0, 120)),
            st.integers(0, 100),
            st.sampled_from([(1, 60), (2, 40)]),
        ),
        max_size=12,
    )
)
def test_rating_totals_agree_with_rating_total(lines):
    weights = {"kpi": 50, "okr": 30, "question": 20}
    kpis = [(score, weight) for section, score, weight, _o in lines if section == "kpi"]
    questions = [(s, w) for section, s, w, _o in lines if section == "question"]
    objectives = {}
    for section, score, weight, objective in lines:
        if section == "key_result":
            objectives.setdefault(objective, []).append((score, weight))
    okrs = [(key[1], results) for key, results in objectives.items()]
    try:
        expected = evaluation.rating_total(kpis, okrs, questions, weights) or 0.0
    except ValueError:
        expected = 0.0
    totals = evaluation.rating_totals(lines, weights)
    assert totals["total"] == expected
    assert totals["lines"] == len(lines)
    assert totals["scored"] == sum(1 for line in lines if line[1] is not None)


def test_final_score_matches_the_hand_computation():
    # self 20 % at 90, manager 80 % at 70 -> 18 + 56 = 74
    assert evaluation.final_score([(20, True, [90]), (80, True, [70])]) == 74
    # peers are averaged within their step
    assert evaluation.final_score([(50, True, [70]), (50, False, [80, 90, 100])]) == 80


def test_final_score_redistributes_missing_optional_steps():
    # skip-level (20 %, optional) missing: self 10, manager 50 -> 1:5
    score = evaluation.final_score(
        [(10, True, [60]), (50, True, [90]), (20, False, []), (20, False, [])]
    )
    assert score == round((60 * 10 + 90 * 50) / 60, 2)
    # a required step without score: no final score yet, unless forced
    assert evaluation.final_score([(30, True, [80]), (70, True, [])]) is None
    assert evaluation.final_score([(30, True, [80]), (70, True, [])], force=True) == 80


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.floats(0, 100, allow_nan=False),
            st.booleans(),
            st.lists(st.floats(0, 100, allow_nan=False), max_size=4),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_final_score_is_within_the_step_scores(steps):
    result = evaluation.final_score(steps, force=True)
    means = [sum(s) / len(s) for _w, _r, s in steps if s]
    if not means:
        assert result is None
    else:
        assert min(means) - 0.01 <= result <= max(means) + 0.01
        assert not math.isnan(result)


# ------------------------------------------------------------------ peers
def test_nomination_problems():
    assert evaluation.nomination_problems("e", [], ["a", "b"], 2, 5) == []
    kinds = [
        p.kind
        for p in evaluation.nomination_problems(
            "e", ["a"], ["a", "e", "m"], 1, 2, excluded={"m"}
        )
    ]
    assert kinds == ["self", "excluded", "twice", "count"]
    count = evaluation.nomination_problems("e", [], ["a"], 2, 5)
    assert count == [evaluation.NominationProblem("count", (1, 2, 5))]
    assert evaluation.nomination_problems("e", ["a", "b"], [], 0, 1)[0].kind == "count"
