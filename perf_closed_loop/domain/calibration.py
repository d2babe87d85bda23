# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Calibration (绩效校准): who calibrates whom, and what a calibrator sees
beside the grades (each manager's leniency, section scores).

Groups follow the department tree: each department with a head is a group
calibrated by that head, with the departments below it that have no head
of their own; a group smaller than the policy's minimum is pooled into its
parent's group (the small-team problem); nobody calibrates their own grade:
a head's own review goes one group up, and a review with no group above it
goes to a group HR calibrates (key ``None``).
"""

from typing import NamedTuple

from . import scoring

TOP = None  # the group HR calibrates: heads with nobody above them


class Group(NamedTuple):
    root: object  # department id at the top of the group, TOP for HR's
    departments: frozenset
    reviews: frozenset
    pooled_from: tuple  # roots of the small groups pooled into this one


def _group_root(department, departments):
    """Nearest department at or above ``department`` that has a head."""
    seen = set()
    current = department
    while current is not None and current not in seen:
        seen.add(current)
        parent, head = departments.get(current, (None, None))
        if head is not None:
            return current
        current = parent
    return TOP


def _parent_root(root, departments):
    if root is TOP:
        return TOP
    parent = departments.get(root, (None, None))[0]
    return _group_root(parent, departments) if parent is not None else TOP


def calibration_groups(departments, reviews, min_size=0):
    """Calibration groups of a cycle.

    ``departments``: {department: (parent department or None, head employee
    or None)}; ``reviews``: {review: (employee, department or None)}.
    Returns {root: Group}: the reviews of each group's tree, a head's own
    review one group up, small groups pooled upwards until they reach
    ``min_size`` or the top."""

    def placed(review, root):
        """``root``, or the nearest group above it that its employee does
        not head: a head is calibrated one level up."""
        employee = reviews[review][0]
        while root is not TOP and departments[root][1] == employee:
            root = _parent_root(root, departments)
        return root

    covered = {}
    for department in departments:
        covered.setdefault(_group_root(department, departments), set()).add(department)

    def new_group(root):
        return {
            "reviews": set(),
            "departments": set(covered.get(root, ())),
            "pooled": [],
        }

    groups = {}
    for review, (_employee, department) in reviews.items():
        root = placed(review, _group_root(department, departments))
        groups.setdefault(root, new_group(root))["reviews"].add(review)

    depths = {}

    def depth(root):
        if root not in depths:
            level, current, seen = 0, root, set()
            while current is not TOP and current not in seen:
                seen.add(current)
                current = _parent_root(current, departments)
                level += 1
            depths[root] = level
        return depths[root]

    # The deepest small group first, one at a time: a parent group made
    # here (it held no review of its own) is checked in its turn, and a
    # pooled head's review skips the group they head. Groups only grow, so
    # the depth pooled never rises again and each group is pooled once.
    while True:
        small = [
            root
            for root, group in groups.items()
            if root is not TOP and len(group["reviews"]) < min_size
        ]
        if not small:
            break
        root = max(small, key=depth)
        group = groups.pop(root)
        parent = _parent_root(root, departments)
        target = groups.setdefault(parent, new_group(parent))
        target["departments"] |= group["departments"]
        target["pooled"] += [root, *group["pooled"]]
        for review in group["reviews"]:
            above = placed(review, parent)
            groups.setdefault(above, new_group(above))["reviews"].add(review)
    return {
        root: Group(
            root,
            frozenset(group["departments"]),
            frozenset(group["reviews"]),
            tuple(group["pooled"]),
        )
        for root, group in groups.items()
        if group["reviews"]
    }


def ordered_roots(groups):
    """The roots of ``groups`` in the order the groups are shown: by
    department id, HR's group (``TOP``) last."""
    return sorted(groups, key=lambda root: (root is TOP, root or 0))


def leniency(scores):
    """How each manager rates compared with the group: {manager: (count,
    their mean manager score, their mean minus the group's mean)} from
    (manager, manager score) pairs. ValueError on a score that is not a
    number from 0 to scoring.SCORE_MAX."""
    scores = [(manager, scoring.checked_score(score)) for manager, score in scores]
    if not scores:
        return {}
    overall = sum(score for _m, score in scores) / len(scores)
    by_manager = {}
    for manager, score in scores:
        by_manager.setdefault(manager, []).append(score)
    return {
        manager: (
            len(values),
            scoring.round_score(sum(values) / len(values)),
            scoring.round_score(sum(values) / len(values) - overall),
        )
        for manager, values in by_manager.items()
    }


def grade_counts(grades, codes):
    """Number of people per grade code (every code of the scale, zeros
    included) from each person's final grade code (None: no grade)."""
    counts = dict.fromkeys(codes, 0)
    for code in grades:
        if code is not None:
            if code not in counts:
                raise ValueError(f"Grade {code!r} is not in the scale {codes!r}.")
            counts[code] += 1
    return counts
