# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Flow rules, approval chains, assignment resolution and goal rules."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perf_closed_loop.domain import assignment, flow, goals

SETTINGS = settings(max_examples=200, deadline=None)
FULL = [
    ("goal_setting", "employee", 0),
    ("goal_approval", "manager", 0),
    ("self", "employee", 10),
    ("peer", "employee", 20),
    ("manager", "manager", 50),
    ("skip_level", "skip_level", 20),
    ("calibration", "department_head", 0),
    ("hr_approval", "hr", 0),
]


def kinds(steps):
    return [p.kind for p in flow.flow_problems(steps)]


def test_valid_flows():
    assert flow.flow_problems(FULL) == []
    light = [
        ("goal_setting", "manager", 0),
        ("self", "employee", 30),
        ("manager", "manager", 70),
        ("calibration", "hr", 0),
    ]
    assert flow.flow_problems(light) == []
    assert flow.first_goal_actor(light) == "manager"
    assert flow.rating_weights(FULL) == {2: 10, 3: 20, 4: 50, 5: 20}


def test_flow_problems():
    assert kinds(FULL[2:]) == ["no_goal_setting"]
    assert "no_rating_step" in kinds([("goal_setting", "employee", 0)])
    assert kinds([FULL[2], FULL[0], ("manager", "manager", 90)]) == [
        "goal_setting_after_rating"
    ]
    assert kinds([FULL[1], FULL[0], ("manager", "manager", 100)]) == [
        "approval_before_goal_setting"
    ]
    weights = [FULL[0], ("self", "employee", 20), ("manager", "manager", 70)]
    problem = flow.flow_problems(weights)[0]
    assert (problem.kind, problem.detail) == ("rating_weights", 90)
    swapped = FULL[:6] + [FULL[7], FULL[6]]
    assert kinds(swapped) == ["calibration_after_hr"]
    assert "duplicate_kind" in kinds(FULL + [("self", "employee", 0)])
    assert "bad_actor" in kinds([("goal_setting", "hr", 0), ("self", "manager", 100)])
    assert "hr_before_rating" in kinds(
        [FULL[0], ("hr_approval", "hr", 0), ("manager", "manager", 100)]
    )
    with pytest.raises(ValueError, match="Unknown step"):
        flow.flow_problems([("dance", "employee", 0)])
    with pytest.raises(ValueError, match="goal-setting"):
        flow.first_goal_actor(FULL[2:])


people_ids = st.one_of(st.none(), st.integers(1, 6))


@SETTINGS
@given(
    st.lists(st.sampled_from(["manager", "skip_level", "department_head", "hr"])),
    st.fixed_dictionaries(
        {
            "manager": people_ids,
            "skip_level": people_ids,
            "department_head": people_ids,
            "hr": people_ids,
        }
    ),
    people_ids,
)
def test_approval_chain_properties(actors, people, employee):
    chain = flow.approval_chain(actors, people, employee_user=employee)
    assert len(chain) == len(set(chain))
    assert employee not in chain or employee is None
    assert set(chain) <= {v for v in people.values() if v}
    expected_order = [people[a] for a in actors if people[a]]
    positions = [expected_order.index(user) for user in chain]
    assert positions == sorted(positions)


def test_approval_chain_example():
    people = {"manager": 2, "skip_level": 3, "department_head": 2, "hr": 9}
    chain = flow.approval_chain(
        ["manager", "skip_level", "department_head", "hr"], people, employee_user=3
    )
    assert chain == [2, 9]
    with pytest.raises(ValueError):
        flow.approval_chain(["boss"], {})


def test_resolve_assignments_most_specific_then_later():
    result = assignment.resolve_assignments(
        [
            ("company", {1: assignment.department_specificity(2), 2: -1}),
            ("rd", {1: assignment.department_specificity(0)}),
            ("named", {2: assignment.EXPLICIT}),
            ("company2", {2: -1}),
        ]
    )
    assert result[1] == ("rd", ("company", "rd"))
    assert result[2] == ("named", ("company", "named", "company2"))
    later = assignment.resolve_assignments([("a", {5: 0}), ("b", {5: 0})])
    assert later[5][0] == "b"
    with pytest.raises(ValueError):
        assignment.department_specificity(-1)


RULES = {
    "kpi_enabled": True,
    "allow_added": True,
    "added_min": 1,
    "added_max": 2,
    "added_budget": 20,
    "okr_enabled": True,
    "objectives_min": 1,
    "objectives_max": 2,
    "key_results_min": 1,
    "key_results_max": 3,
}


def test_goal_problems():
    good = goals.goal_problems([("template", 80), ("employee", 20)], [(100, 2)], RULES)
    assert good == []
    problems = goals.goal_problems(
        [("template", 80), ("employee", 15), ("manager", 15)],
        [(60, 0), (30, 4), (10, 1)],
        RULES,
    )
    found = {p.kind: p for p in problems}
    assert found["kpi_weights"].value == 110
    assert found["added_budget"].value == 30
    assert found["objective_count"].value == 3
    assert "objective_weights" not in found  # 60 + 30 + 10
    assert [p.value for p in problems if p.kind == "key_result_count"] == [
        (1, 0),
        (2, 4),
    ]
    uneven = goals.goal_problems([("template", 80)], [(70, 1)], RULES)
    assert [(p.kind, p.value) for p in uneven] == [
        ("kpi_weights", 80),
        ("added_count", 0),
        ("objective_weights", 70),
    ]
    no_added = dict(RULES, allow_added=False, okr_enabled=False)
    kinds = [
        p.kind for p in goals.goal_problems([("employee", 100)], [(100, 1)], no_added)
    ]
    assert kinds == ["added_not_allowed", "okr_disabled"]
    assert goals.goal_problems([], [], dict(RULES, okr_enabled=False))[0].kind == (
        "no_kpi"
    )


def test_carried_lines_are_not_added_ones():
    """An action carried over from the last interview is weighed like any
    line but never counts against the template's added indicators."""
    no_added = dict(RULES, allow_added=False, okr_enabled=False)
    kinds = {
        p.kind
        for p in goals.goal_problems([("template", 100), ("carried", 0)], [], no_added)
    }
    assert "added_not_allowed" not in kinds
    assert "kpi_weights" not in kinds
    weighed = goals.goal_problems(
        [("template", 80), ("carried", 30), ("employee", 20)], [(100, 2)], RULES
    )
    assert {p.kind for p in weighed} >= {"kpi_weights"}
