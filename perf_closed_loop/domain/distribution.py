# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Forced distribution: quotas per grade (min/max % of a group), turned
into seats for a group of n people (a divisor method tops up the
maximums, so no grade loses a seat when the group grows)."""

import math
from typing import NamedTuple

from . import numbers

TOLERANCE = 1e-9
# Largest group (and count per grade) taken: beyond it nobody is counting
# people any more, and n * max % / 100 would lose whole seats to rounding.
MAX_PEOPLE = 10**9


class PolicyProblem(NamedTuple):
    kind: str
    codes: tuple
    value: float | None


class DistributionProblem(NamedTuple):
    code: str
    count: int
    min_count: int
    max_count: int


class DistributionCheck(NamedTuple):
    ok: bool
    blocking: bool
    problems: tuple


def _bounds(bounds):
    low, high = bounds
    low = 0.0 if low is None else float(low)
    high = 100.0 if high is None else float(high)
    return low, high


def policy_problems(policy, grade_codes):
    """Problems of a policy (code -> (min %, max %)) for a scale's grades."""
    problems = []
    bounds = {code: _bounds(b) for code, b in policy.items()}
    for code, (low, high) in bounds.items():
        if not (0 <= low <= 100 and 0 <= high <= 100):
            problems.append(PolicyProblem("out_of_range", (code,), None))
        elif low > high:
            problems.append(PolicyProblem("min_above_max", (code,), None))
    missing = tuple(code for code in grade_codes if code not in bounds)
    if missing:
        problems.append(PolicyProblem("missing_grade", missing, None))
    unknown = tuple(code for code in bounds if code not in set(grade_codes))
    if unknown:
        problems.append(PolicyProblem("unknown_grade", unknown, None))
    total_min = sum(low for low, _high in bounds.values())
    total_max = sum(high for _low, high in bounds.values())
    if total_min > 100 + TOLERANCE:
        problems.append(PolicyProblem("infeasible_min", (), round(total_min, 2)))
    if bounds and not missing and total_max < 100 - TOLERANCE:
        problems.append(PolicyProblem("infeasible_max", (), round(total_max, 2)))
    return problems


def _divisor_seats(n, weights):
    """n seats shared by weights (code -> max %) with the Sainte-Laguë
    divisor method: seat after seat goes to the grade with the highest
    weight / (seats + 0.5), earlier grade first on ties. A divisor method
    never takes a seat from a grade when the group grows (largest
    remainder does: the Alabama paradox)."""
    codes = [code for code, weight in weights.items() if weight > 0]
    seats = dict.fromkeys(weights, 0)
    if not codes or not n:
        return seats
    total = math.fsum(weights[code] for code in codes)
    # Each grade's seats stay within len(codes) of its exact share: start
    # below that and hand out the rest one by one, as from zero.
    for code in codes:
        share = n * weights[code] / total
        seats[code] = max(0, math.floor(share) - len(codes) - 1)
    order = {code: index for index, code in enumerate(weights)}
    while sum(seats.values()) < n:
        best = min(
            codes,
            key=lambda code: (-weights[code] / (seats[code] + 0.5), order[code]),
        )
        seats[best] += 1
    return seats


def quota_counts(group_size, policy):
    """Seats per grade for a group: code -> (min_count, max_count).

    Maximums are floor(n * max %), raised where needed so that everybody
    has a seat: the seats of the n people shared in proportion to the max %
    (Sainte-Laguë), so a grade never loses a seat when the group grows.
    Minimums are floor(n * min %), never above the maximum. ValueError when
    the group size is not a whole number from 0 to MAX_PEOPLE."""
    n = numbers.whole(group_size, "The group size", MAX_PEOPLE)
    bounds = {code: _bounds(b) for code, b in policy.items()}
    for code, (low, high) in bounds.items():
        if not (0 <= low <= high <= 100):
            raise ValueError(f"Invalid quota for grade {code}: {low}–{high} %.")
    shared = _divisor_seats(n, {code: high for code, (_low, high) in bounds.items()})
    result = {}
    for code, (low, high) in bounds.items():
        max_count = min(max(math.floor(n * high / 100.0 + TOLERANCE), shared[code]), n)
        min_count = min(math.floor(n * low / 100.0 + TOLERANCE), max_count)
        result[code] = (min_count, max_count)
    return result


def check_distribution(counts, policy, min_group_size=0):
    """Check grade counts against a policy. Outside the quotas is blocking
    only for groups of at least min_group_size people. ValueError on a
    count that is not a whole number from 0 to MAX_PEOPLE."""
    for code in counts:
        if code not in policy:
            raise ValueError(f"Grade {code} is not in the policy.")
    counts = _counts(counts)
    n = sum(counts.values())
    quotas = quota_counts(n, policy)
    problems = tuple(
        DistributionProblem(code, counts.get(code, 0), low, high)
        for code, (low, high) in quotas.items()
        if not low <= counts.get(code, 0) <= high
    )
    ok = not problems
    return DistributionCheck(ok, (not ok) and n >= min_group_size, problems)


def _counts(counts):
    """The counts per grade as ints; ValueError on a count that is not a
    whole number from 0 to MAX_PEOPLE."""
    return {
        code: numbers.whole(count, f"The count of grade {code}", MAX_PEOPLE)
        for code, count in counts.items()
    }


def distribution_percentages(counts):
    """Share of each grade in percent (0 for an empty group); ValueError on
    a count that is not a whole number from 0 to MAX_PEOPLE."""
    counts = _counts(counts)
    n = sum(counts.values())
    return {code: (count * 100.0 / n if n else 0.0) for code, count in counts.items()}
