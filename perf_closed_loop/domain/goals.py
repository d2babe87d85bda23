# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Rules a set of goals must meet before it is submitted for approval."""

from typing import NamedTuple

from . import numbers
from . import weights as weights_mod


class GoalProblem(NamedTuple):
    kind: str
    value: object
    expected: object


def goal_problems(kpi_lines, objectives, rules):
    """Problems of a review's goals.

    kpi_lines: (origin, weight) per KPI line, origin 'template',
    'employee', 'manager' or 'carried' (an action agreed in the last
    interview: weighed like any line, never counted as an added one).
    objectives: (weight, key result count) per objective. rules:
    kpi_enabled, allow_added, added_min, added_max, added_budget,
    okr_enabled, objectives_min, objectives_max, key_results_min,
    key_results_max. An added_budget that is not a
    finite number is an added_budget problem: nothing fits in it."""
    problems = []
    kpi_lines = list(kpi_lines)
    objectives = list(objectives)
    added = [w for origin, w in kpi_lines if origin not in ("template", "carried")]
    if rules.get("kpi_enabled"):
        total = weights_mod.weights_total(w for _o, w in kpi_lines)
        if not kpi_lines:
            problems.append(GoalProblem("no_kpi", 0, None))
        elif not weights_mod.weights_ok([total]):
            problems.append(GoalProblem("kpi_weights", round(total, 2), 100.0))
    if added and not rules.get("allow_added"):
        problems.append(GoalProblem("added_not_allowed", len(added), 0))
    elif rules.get("allow_added") and rules.get("kpi_enabled"):
        low, high = rules.get("added_min", 0), rules.get("added_max", 0)
        if not low <= len(added) <= high:
            problems.append(GoalProblem("added_count", len(added), (low, high)))
        problems += _budget_problems(added, rules.get("added_budget", 0.0))
    if rules.get("okr_enabled"):
        low, high = rules.get("objectives_min", 1), rules.get("objectives_max", 1)
        if not low <= len(objectives) <= high:
            problems.append(
                GoalProblem("objective_count", len(objectives), (low, high))
            )
        if objectives:
            total = weights_mod.weights_total(w for w, _n in objectives)
            if not weights_mod.weights_ok([total]):
                problems.append(
                    GoalProblem("objective_weights", round(total, 2), 100.0)
                )
        low, high = rules.get("key_results_min", 1), rules.get("key_results_max", 1)
        for index, (_weight, count) in enumerate(objectives, start=1):
            if not low <= count <= high:
                problems.append(
                    GoalProblem("key_result_count", (index, count), (low, high))
                )
    elif objectives:
        problems.append(GoalProblem("okr_disabled", len(objectives), 0))
    return problems


def _budget_problems(added, budget):
    """An added_budget problem when the added weights exceed the budget, or
    when the budget is not a finite number (nothing fits in it)."""
    added_total = weights_mod.weights_total(added)
    try:
        budget = numbers.finite(budget, "The weight budget")
    except ValueError:
        fits = False
    else:
        fits = added_total <= budget + weights_mod.TOLERANCE
    if fits:
        return []
    return [GoalProblem("added_budget", round(added_total, 2), budget)]
