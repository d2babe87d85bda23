# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Calibration: the groups (who calibrates whom, small groups pooled
upwards), the order they are shown in, each manager's leniency and the
number of people per grade."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perf_closed_loop.domain import calibration

SETTINGS = settings(max_examples=200, deadline=None)
TOP = calibration.TOP
groups_of = calibration.calibration_groups


def _shape(groups):
    """{root: (departments, reviews, pooled_from as a set)} of ``groups``."""
    return {
        root: (set(g.departments), set(g.reviews), set(g.pooled_from))
        for root, g in groups.items()
    }


# --------------------------------------------------------- groups: examples
def test_a_head_calibrates_their_department_and_the_headless_ones_below():
    departments = {
        1: (None, 10),  # company, head 10
        2: (1, None),  # headless, under 1
        3: (2, None),  # headless, under 2
        4: (1, 40),  # its own head
        5: (4, None),  # headless, under 4
    }
    reviews = {
        100: (11, 1),
        101: (12, 2),
        102: (13, 3),
        103: (41, 4),
        104: (42, 5),
    }
    groups = groups_of(departments, reviews)
    assert _shape(groups) == {
        1: ({1, 2, 3}, {100, 101, 102}, set()),
        4: ({4, 5}, {103, 104}, set()),
    }
    group = groups[1]
    assert isinstance(group, calibration.Group)
    assert group.root == 1
    assert isinstance(group.departments, frozenset)
    assert isinstance(group.reviews, frozenset)
    assert group.pooled_from == ()


def test_a_heads_own_review_goes_one_group_up():
    departments = {
        1: (None, 10),
        2: (1, 20),
        3: (2, None),  # headless: in 2's group
        5: (None, 50),
        6: (5, 50),  # 50 heads 5 and 6
    }
    reviews = {
        100: (20, 2),  # head of 2 in 2: calibrated by 10
        101: (20, 3),  # head of 2 in a headless department below 2: idem
        102: (10, 1),  # head of 1, nobody above: HR
        103: (21, 3),  # an employee of 2's group
        104: (50, 6),  # head of 6 and of 5 above it: HR
        105: (51, 6),
    }
    assert _shape(groups_of(departments, reviews)) == {
        1: ({1}, {100, 101}, set()),
        2: ({2, 3}, {103}, set()),
        6: ({6}, {105}, set()),
        TOP: (set(), {102, 104}, set()),
    }


def test_reviews_with_no_headed_department_above_go_to_top():
    departments = {
        1: (None, None),  # headless company
        2: (1, None),
        3: (1, 30),
    }
    reviews = {
        100: (11, None),  # no department
        101: (12, 1),
        102: (13, 2),
        103: (31, 3),
        104: (14, 99),  # a department not in the tree
    }
    assert _shape(groups_of(departments, reviews)) == {
        TOP: ({1, 2}, {100, 101, 102, 104}, set()),
        3: ({3}, {103}, set()),
    }


def test_groups_without_reviews_are_not_returned():
    departments = {1: (None, 10), 2: (1, 20), 3: (1, 30)}
    assert groups_of(departments, {}) == {}
    assert groups_of({}, {}) == {}
    # 2 and 3 hold no review; 1 only has its head's, which goes to HR.
    groups = groups_of(departments, {100: (10, 1)})
    assert _shape(groups) == {TOP: (set(), {100}, set())}


def test_a_group_smaller_than_min_size_is_pooled_into_its_parent_group():
    departments = {
        1: (None, 10),
        2: (1, 20),
        3: (2, None),
        4: (1, 40),
    }
    reviews = {
        100: (11, 1),
        101: (12, 1),
        102: (21, 3),  # 2's group: one review
        103: (41, 4),
        104: (42, 4),
    }
    assert _shape(groups_of(departments, reviews, min_size=2)) == {
        1: ({1, 2, 3}, {100, 101, 102}, {2}),
        4: ({4}, {103, 104}, set()),
    }
    assert groups_of(departments, reviews, min_size=2)[1].pooled_from == (2,)
    # Both under 1 are too small at 3: each is pooled into 1's group.
    assert _shape(groups_of(departments, reviews, min_size=3)) == {
        1: ({1, 2, 3, 4}, {100, 101, 102, 103, 104}, {2, 4}),
    }


def test_pooling_continues_upwards_deepest_first():
    departments = {1: (None, 10), 2: (1, 20), 3: (2, 30)}
    reviews = {100: (11, 1), 101: (21, 2), 102: (31, 3)}
    # 3 (1 review) joins 2 (now 2 reviews), still small: joins 1 (3 reviews).
    groups = groups_of(departments, reviews, min_size=3)
    assert _shape(groups) == {1: ({1, 2, 3}, {100, 101, 102}, {2, 3})}
    assert len(groups[1].pooled_from) == 2
    # At 2, 3 joins 2 which is then big enough; 1 alone is pooled into HR's.
    assert _shape(groups_of(departments, reviews, min_size=2)) == {
        2: ({2, 3}, {101, 102}, {3}),
        TOP: ({1}, {100}, {1}),
    }
    # At 4 every group is too small: everything ends in HR's group.
    assert _shape(groups_of(departments, reviews, min_size=4)) == {
        TOP: ({1, 2, 3}, {100, 101, 102}, {1, 2, 3}),
    }


def test_a_group_made_by_pooling_is_pooled_on_when_small():
    """A director whose department holds only sub-teams: the team pooled
    into the director's group (which had no review of its own) is still
    too small, so the group goes on up to the CEO's."""
    departments = {1: (None, 10), 2: (1, 20), 3: (2, 30)}
    reviews = {"r10": (10, 1), "r20": (20, 2), "r31": (31, 3), "r32": (32, 3)}
    assert _shape(groups_of(departments, reviews, min_size=3)) == {
        1: ({1, 2, 3}, {"r20", "r31", "r32"}, {2, 3}),
        TOP: (set(), {"r10"}, set()),
    }


def test_pooling_never_takes_a_heads_review_into_their_own_group():
    """The head of 1 is reviewed in 2 (headed by somebody else): when 2 is
    pooled into 1, their review goes one group further up."""
    departments = {1: (None, 10), 2: (1, 20)}
    reviews = {"r10": (10, 2), "r21": (21, 2), "r11": (11, 1), "r12": (12, 1)}
    assert _shape(groups_of(departments, reviews, min_size=3)) == {
        1: ({1, 2}, {"r21", "r11", "r12"}, {2}),
        TOP: (set(), {"r10"}, set()),
    }


def test_a_small_group_with_nobody_above_is_pooled_into_top():
    departments = {1: (None, 10), 2: (None, None)}
    reviews = {100: (11, 1), 101: (10, 1), 102: (21, 2), 103: (22, 2)}
    assert _shape(groups_of(departments, reviews, min_size=2)) == {
        TOP: ({1, 2}, {100, 101, 102, 103}, {1}),
    }


def test_a_group_exactly_at_min_size_is_not_pooled():
    departments = {1: (None, 10), 2: (1, 20)}
    reviews = {100: (11, 1), 101: (21, 2), 102: (22, 2)}
    assert _shape(groups_of(departments, reviews, min_size=2)) == {
        2: ({2}, {101, 102}, set()),
        TOP: ({1}, {100}, {1}),
    }
    assert _shape(groups_of(departments, reviews, min_size=1)) == {
        1: ({1}, {100}, set()),
        2: ({2}, {101, 102}, set()),
    }


def test_min_size_zero_pools_nothing():
    departments = {1: (None, 10), 2: (1, 20), 3: (2, 30)}
    reviews = {100: (11, 1), 101: (21, 2), 102: (31, 3)}
    expected = {
        1: ({1}, {100}, set()),
        2: ({2}, {101}, set()),
        3: ({3}, {102}, set()),
    }
    assert _shape(groups_of(departments, reviews, min_size=0)) == expected
    assert _shape(groups_of(departments, reviews)) == expected


# ------------------------------------------------------- groups: properties
def _headed_root(department, departments):
    """Nearest department at or above ``department`` with a head, else TOP."""
    while department in departments:
        parent, head = departments[department]
        if head is not None:
            return department
        department = parent
    return TOP


def _calibrated_in(employee, department, departments):
    """The nearest department at or above ``department`` whose head is
    somebody else than ``employee``, else TOP (HR)."""
    while department in departments:
        parent, head = departments[department]
        if head is not None and head != employee:
            return department
        department = parent
    return TOP


def _ancestors(department, departments):
    seen = []
    while department in departments:
        department = departments[department][0]
        seen.append(department)
    return seen


@st.composite
def organisations(draw, staffed=False):
    """(departments, reviews): a random forest of departments (each one's
    parent is an earlier one or None), heads and reviews.

    ``staffed``: a realistic organisation, each employee heading at most
    one department, a head's own review in the department they head, and
    every headed department holding the review of one of its employees."""
    departments = {}
    for department in range(1, draw(st.integers(0, 8)) + 1):
        parent = draw(st.sampled_from([None, *range(1, department)]))
        if staffed:
            head = draw(st.sampled_from([None, 100 + department]))
        else:
            head = draw(st.one_of(st.none(), st.integers(1, 4)))
        departments[department] = (parent, head)
    places = st.sampled_from([None, *departments])
    if staffed:
        # Employees 1..9 head nothing.
        pairs = draw(st.lists(st.tuples(st.integers(1, 9), places), max_size=12))
        for department, (_parent, head) in departments.items():
            if head is not None:
                pairs.append((200 + department, department))
                if draw(st.booleans()):
                    pairs.append((head, department))
    else:
        pairs = draw(st.lists(st.tuples(st.integers(1, 6), places), max_size=15))
    return departments, dict(enumerate(pairs))


@SETTINGS
@given(organisations(), st.integers(0, 6))
def test_every_review_is_in_exactly_one_group(organisation, min_size):
    departments, reviews = organisation
    groups = groups_of(departments, reviews, min_size)
    held = [review for group in groups.values() for review in group.reviews]
    assert sorted(held) == sorted(reviews)
    for root, group in groups.items():
        assert group.root == root
        assert group.reviews


@SETTINGS
@given(organisations())
def test_without_pooling_each_review_goes_to_the_nearest_other_head(organisation):
    """min_size 0: a review is calibrated by the nearest head at or above its
    department who is not the reviewed employee, HR when there is none; so
    no group holds the review of its root's head."""
    departments, reviews = organisation
    groups = groups_of(departments, reviews, 0)
    for root, group in groups.items():
        assert group.pooled_from == ()
        for review in group.reviews:
            employee, department = reviews[review]
            assert root == _calibrated_in(employee, department, departments)
            if root is not TOP:
                assert departments[root][1] != employee
        expected = {d for d in departments if _headed_root(d, departments) == root}
        assert group.departments == expected


@SETTINGS
@given(organisations(), st.integers(0, 6))
def test_group_departments_are_consistent(organisation, min_size):
    departments, reviews = organisation
    groups = groups_of(departments, reviews, min_size)
    returned = set(groups)
    covered = [d for group in groups.values() for d in group.departments]
    assert len(covered) == len(set(covered))  # no department in two groups
    assert set(covered) <= set(departments)
    for root, group in groups.items():
        if root is not TOP:
            assert len(group.reviews) >= min_size  # pooled until big enough
        pooled = set(group.pooled_from)
        assert len(pooled) == len(group.pooled_from)
        assert not pooled & returned  # a pooled group is not shown itself
        if root is not TOP:
            assert root in group.departments
            assert departments[root][1] is not None
        for small in pooled:
            # Pooled upwards: from a headed department below the root.
            assert departments[small][1] is not None
            assert root is TOP or root in _ancestors(small, departments)
        for department in group.departments:
            assert _headed_root(department, departments) in {root, *pooled}
        for review in group.reviews:
            employee, department = reviews[review]
            if root is not TOP:
                # Nobody calibrates their own review, pooled or not.
                assert departments[root][1] != employee
            # Whoever is not calibrated one level up is with their
            # department, unless pooling took the department into a group
            # they head: then they are above it.
            if _calibrated_in(employee, department, departments) == _headed_root(
                department, departments
            ) and (department in departments):
                home = next(r for r, g in groups.items() if department in g.departments)
                if home is not TOP and departments[home][1] == employee:
                    assert root is TOP or root in _ancestors(home, departments)
                else:
                    assert root == home


@SETTINGS
@given(organisations(staffed=True), st.integers(0, 6))
def test_pooling_reaches_min_size_in_a_staffed_organisation(organisation, size):
    """Every group but HR's has at least ``size`` reviews; every group that
    is big enough in itself stays as it is; nobody calibrates their own
    review."""
    departments, reviews = organisation
    groups = groups_of(departments, reviews, size)
    unpooled = groups_of(departments, reviews, 0)
    pooled = {small for group in groups.values() for small in group.pooled_from}
    for root, group in groups.items():
        if root is not TOP:
            assert len(group.reviews) >= size
            head = departments[root][1]
            assert head not in {reviews[review][0] for review in group.reviews}
    for root, group in unpooled.items():
        if root is not TOP:
            # Shown as a group, or pooled into one (never both).
            assert (root in groups) != (root in pooled)
            if len(group.reviews) >= size:
                assert root in groups


# ------------------------------------------------------------ ordered roots
def test_ordered_roots_by_department_id_top_last():
    groups = {5: "e", TOP: "hr", 2: "b", 10: "j"}
    assert calibration.ordered_roots(groups) == [2, 5, 10, TOP]
    assert calibration.ordered_roots({7: "g", 3: "c"}) == [3, 7]
    assert calibration.ordered_roots({TOP: "hr"}) == [TOP]
    assert calibration.ordered_roots({}) == []


@SETTINGS
@given(st.sets(st.integers(1, 10**6), max_size=10), st.booleans())
def test_ordered_roots_sorts_any_roots(ids, with_top):
    roots = list(ids) + ([TOP] if with_top else [])
    groups = dict.fromkeys(reversed(roots))
    result = calibration.ordered_roots(groups)
    assert result[: len(ids)] == sorted(ids)
    assert result[len(ids) :] == ([TOP] if with_top else [])


# ---------------------------------------------------------------- leniency
def test_leniency_compares_each_manager_with_the_group():
    # Overall (80 + 90 + 70) / 3 = 80.
    assert calibration.leniency([("m1", 80), ("m1", 90), ("m2", 70)]) == {
        "m1": (2, 85.0, 5.0),
        "m2": (1, 70.0, -10.0),
    }
    # Overall 279.75 / 4 = 69.9375; a: 70.125 rounds half up to 70.13 and
    # 0.1875 to 0.19; b: 69.75, -0.1875 to -0.19.
    scores = [("a", 70.25), ("b", 69.75), ("a", 70.0), ("b", 69.75)]
    assert calibration.leniency(scores) == {
        "a": (2, 70.13, 0.19),
        "b": (2, 69.75, -0.19),
    }
    # Overall 312 / 4 = 78; a: 242 / 3 = 80.666… → 80.67, +2.67.
    scores = [("a", 80), ("a", 81), ("a", 81), ("b", 70)]
    assert calibration.leniency(scores) == {
        "a": (3, 80.67, 2.67),
        "b": (1, 70.0, -8.0),
    }
    assert calibration.leniency([("m", 150)]) == {"m": (1, 150.0, 0.0)}


def test_leniency_of_nothing_and_of_bad_scores():
    assert calibration.leniency([]) == {}
    for bad in (-1, 150.01, None, "80"):
        with pytest.raises(ValueError):
            calibration.leniency([("m", 80), ("n", bad)])


@SETTINGS
@given(
    st.lists(
        st.tuples(st.sampled_from("abcd"), st.integers(0, 15000)),
        min_size=1,
        max_size=20,
    )
)
def test_leniency_properties(pairs):
    scores = [(manager, cents / 100) for manager, cents in pairs]
    result = calibration.leniency(scores)
    assert set(result) == {manager for manager, _s in scores}
    assert sum(count for count, _m, _d in result.values()) == len(scores)
    for manager, (_count, mean, _difference) in result.items():
        own = [score for m, score in scores if m == manager]
        assert min(own) <= mean <= max(own)
    # The differences from the overall mean weigh to zero, up to rounding.
    total = sum(count * difference for count, _m, difference in result.values())
    assert abs(total) <= 0.005 * len(scores) + 1e-9


# ------------------------------------------------------------- grade counts
def test_grade_counts():
    codes = ["S", "A", "B", "C"]
    counts = calibration.grade_counts(["A", "B", None, "A"], codes)
    assert counts == {"S": 0, "A": 2, "B": 1, "C": 0}
    assert list(counts) == codes
    assert calibration.grade_counts([], codes) == dict.fromkeys(codes, 0)
    assert calibration.grade_counts([None, None], codes) == dict.fromkeys(codes, 0)
    with pytest.raises(ValueError, match="Z"):
        calibration.grade_counts(["A", "Z"], codes)
    with pytest.raises(ValueError):
        calibration.grade_counts(["A"], [])


@SETTINGS
@given(st.lists(st.one_of(st.none(), st.sampled_from("SABCD")), max_size=30))
def test_grade_counts_count_every_grade(grades):
    counts = calibration.grade_counts(grades, "SABCD")
    assert set(counts) == set("SABCD")
    for code, count in counts.items():
        assert count == grades.count(code)
    assert sum(counts.values()) == len(grades) - grades.count(None)
