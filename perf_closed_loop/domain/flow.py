# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Review flows: which steps, in which order, done by whom, and the
approval chain they give for one employee."""

import math
from typing import NamedTuple

from . import numbers
from . import weights as weights_mod

STEP_KINDS = (
    "goal_setting",
    "goal_approval",
    "self",
    "peer",
    "manager",
    "skip_level",
    "designated",
    "calibration",
    "hr_approval",
)
RATING_KINDS = ("self", "peer", "manager", "skip_level", "designated")
ACTORS = ("employee", "manager", "skip_level", "department_head", "designated", "hr")
SINGLE_KINDS = ("goal_setting", "self", "calibration", "hr_approval")
ALLOWED_ACTORS = {
    "goal_setting": ("employee", "manager"),
    "goal_approval": ("manager", "skip_level", "department_head", "hr"),
    "self": ("employee",),
    "peer": ("employee",),
    "manager": ("manager",),
    "skip_level": ("skip_level",),
    "designated": ("designated",),
    "calibration": ("department_head", "hr"),
    "hr_approval": ("hr",),
}


class FlowProblem(NamedTuple):
    kind: str
    detail: object


def flow_problems(steps):
    """Problems of an ordered list of (kind, actor, weight) steps. A weight
    (None: 0) that is not a finite number, is negative, or is a rating
    weight too small to tell from 0 within the tolerance is a problem."""
    steps = list(steps)
    problems = []
    kinds = [kind for kind, _actor, _weight in steps]
    for kind in kinds:
        if kind not in STEP_KINDS:
            raise ValueError(f"Unknown step kind {kind!r}.")
    for kind in SINGLE_KINDS:
        if kinds.count(kind) > 1:
            problems.append(FlowProblem("duplicate_kind", kind))
    for kind, actor, _weight in steps:
        if actor not in ALLOWED_ACTORS[kind]:
            problems.append(FlowProblem("bad_actor", kind))
    weight_problems, weights = _weight_problems(steps)
    problems += weight_problems
    rating_positions = [i for i, kind in enumerate(kinds) if kind in RATING_KINDS]
    if "goal_setting" not in kinds:
        problems.append(FlowProblem("no_goal_setting", None))
    else:
        goal_at = kinds.index("goal_setting")
        if rating_positions and rating_positions[0] < goal_at:
            problems.append(FlowProblem("goal_setting_after_rating", None))
        if any(k == "goal_approval" and i < goal_at for i, k in enumerate(kinds)):
            problems.append(FlowProblem("approval_before_goal_setting", None))
    if rating_positions and any(
        k == "goal_approval" and i > rating_positions[0] for i, k in enumerate(kinds)
    ):
        problems.append(FlowProblem("goal_setting_after_rating", None))
    if not rating_positions:
        problems.append(FlowProblem("no_rating_step", None))
    elif all(weights[i] is not None for i in rating_positions):
        total = _exact_sum(max(weights[i], 0) for i in rating_positions)
        if abs(total - 100.0) > weights_mod.TOLERANCE:
            problems.append(FlowProblem("rating_weights", round(total, 2)))
    problems += _closing_problems(kinds, rating_positions)
    return list(dict.fromkeys(problems))


def _weight_problems(steps):
    """Problems of the steps' weights, and each step's weight as a float
    (None when it is not a finite number)."""
    problems = []
    weights = []
    for kind, _actor, weight in steps:
        try:
            value = 0.0 if weight is None else numbers.finite(weight, "A weight")
        except ValueError:
            problems.append(FlowProblem("weight_not_a_number", kind))
            value = None
        else:
            if value < 0:
                problems.append(FlowProblem("negative_weight", None))
            elif kind in RATING_KINDS and 0 < value < weights_mod.TOLERANCE:
                problems.append(FlowProblem("tiny_weight", kind))
        weights.append(value)
    return problems, weights


def _exact_sum(values):
    """Sum of finite floats rounded once (a weight of 0.01 next to 100 is
    not lost to rounding in the tolerance); infinity when it overflows."""
    try:
        return math.fsum(values)
    except OverflowError:
        return math.inf


def _closing_problems(kinds, rating_positions):
    """Calibration and HR approval come after the ratings, in that order."""
    problems = []
    if "hr_approval" in kinds:
        hr_at = kinds.index("hr_approval")
        if "calibration" in kinds and kinds.index("calibration") > hr_at:
            problems.append(FlowProblem("calibration_after_hr", None))
        if rating_positions and rating_positions[-1] > hr_at:
            problems.append(FlowProblem("hr_before_rating", None))
    if "calibration" in kinds and rating_positions:
        if rating_positions[-1] > kinds.index("calibration"):
            problems.append(FlowProblem("calibration_before_rating", None))
    return problems


def rating_weights(steps):
    """Index -> weight of the rating steps of an ordered step list."""
    return {
        i: float(weight or 0)
        for i, (kind, _actor, weight) in enumerate(steps)
        if kind in RATING_KINDS
    }


def approval_steps(actors, people, employee_user=None):
    """Ordered (actor, user id) approvals of goal approval: missing people
    are skipped, nobody approves twice, and nobody approves their own
    goals."""
    steps = []
    for actor in actors:
        if actor not in ACTORS:
            raise ValueError(f"Unknown actor {actor!r}.")
        user = people.get(actor)
        if not user or user == employee_user or user in (u for _a, u in steps):
            continue
        steps.append((actor, user))
    return steps


def approval_chain(actors, people, employee_user=None):
    """Ordered distinct approvers (user ids) for goal approval: missing
    people are skipped, and nobody approves their own goals."""
    return [user for _actor, user in approval_steps(actors, people, employee_user)]


def first_goal_actor(steps):
    """Who sets the goals: 'employee' or 'manager'."""
    for kind, actor, _weight in steps:
        if kind == "goal_setting":
            return actor
    raise ValueError("The flow has no goal-setting step.")
