# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Which template each employee of a launch gets: assignments name
employees explicitly or through departments; the most specific one wins
(explicit employee, then the nearest department), and among equally
specific ones the later one."""

from . import numbers

EXPLICIT = 1_000_000


def department_specificity(distance):
    """Specificity of a department assignment reaching an employee
    distance levels below the assigned department (0 = its own).
    ValueError when the distance is not a whole number >= 0."""
    return -numbers.whole(distance, "A distance")


def resolve_assignments(assignments):
    """assignments is an ordered list of (key, {employee: specificity})
    (EXPLICIT for a named employee, department_specificity for a
    department member). Returns {employee: (winning key, keys covering)}."""
    best = {}
    covering = {}
    for index, (key, reached) in enumerate(assignments):
        for employee, specificity in reached.items():
            covering.setdefault(employee, []).append(key)
            rank = (specificity, index)
            if employee not in best or rank >= best[employee][0]:
                best[employee] = (rank, key)
    return {
        employee: (best[employee][1], tuple(covering[employee])) for employee in best
    }
