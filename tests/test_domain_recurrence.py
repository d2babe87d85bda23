# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Recurring cycles: next period, catch-up, due date, labels, deadlines."""

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from perf_closed_loop.domain import recurrence as rec

SETTINGS = settings(max_examples=300, deadline=None)
RECURRENCES = st.sampled_from(sorted(rec.RECURRENCE_MONTHS))
DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2200, 12, 31))


def month_end(year, month):
    return date(year, month, calendar.monthrange(year, month)[1])


@st.composite
def calendar_periods(draw):
    """A recurrence and a period of it over whole calendar months."""
    recurrence = draw(RECURRENCES)
    months = rec.RECURRENCE_MONTHS[recurrence]
    year = draw(st.integers(1990, 2200))
    month = draw(st.integers(1, 12))
    start = date(year, month, 1)
    end = rec.add_months(start, months) - timedelta(days=1)
    return recurrence, start, end


@st.composite
def any_periods(draw):
    """A recurrence and a period starting any day, as HR may enter it."""
    recurrence = draw(RECURRENCES)
    start = draw(DAYS)
    end = rec.add_months(start, rec.RECURRENCE_MONTHS[recurrence]) - timedelta(days=1)
    return recurrence, start, end


# ------------------------------------------------------------ examples
@pytest.mark.parametrize(
    "recurrence, start, end, expected",
    [
        ("monthly", date(2026, 1, 1), date(2026, 1, 31), (2026, 2, 1, 2026, 2, 28)),
        ("monthly", date(2028, 1, 1), date(2028, 1, 31), (2028, 2, 1, 2028, 2, 29)),
        ("monthly", date(2026, 2, 1), date(2026, 2, 28), (2026, 3, 1, 2026, 3, 31)),
        ("monthly", date(2026, 12, 1), date(2026, 12, 31), (2027, 1, 1, 2027, 1, 31)),
        ("quarterly", date(2026, 1, 1), date(2026, 3, 31), (2026, 4, 1, 2026, 6, 30)),
        ("quarterly", date(2026, 10, 1), date(2026, 12, 31), (2027, 1, 1, 2027, 3, 31)),
        (
            "half_yearly",
            date(2026, 1, 1),
            date(2026, 6, 30),
            (2026, 7, 1, 2026, 12, 31),
        ),
        (
            "half_yearly",
            date(2026, 7, 1),
            date(2026, 12, 31),
            (2027, 1, 1, 2027, 6, 30),
        ),
        # Not on the 1st: from the next day, as many months.
        ("monthly", date(2026, 3, 15), date(2026, 4, 14), (2026, 4, 15, 2026, 5, 14)),
    ],
)
def test_next_period_examples(recurrence, start, end, expected):
    y1, m1, d1, y2, m2, d2 = expected
    assert rec.next_period(start, end, recurrence) == (
        date(y1, m1, d1),
        date(y2, m2, d2),
    )


def test_add_months_keeps_the_month_end():
    assert rec.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert rec.add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert rec.add_months(date(2026, 1, 31), 3) == date(2026, 4, 30)
    assert rec.add_months(date(2026, 11, 15), 2) == date(2027, 1, 15)
    with pytest.raises(OverflowError):
        rec.add_months(date(9999, 12, 1), 1)


def test_a_year_of_monthly_cycles_is_the_twelve_months():
    start, end = date(2026, 1, 1), date(2026, 1, 31)
    periods = [(start, end)]
    for _month in range(11):
        periods.append(rec.next_period(*periods[-1], "monthly"))
    assert periods == [
        (date(2026, month, 1), month_end(2026, month)) for month in range(1, 13)
    ]


def test_not_a_recurrence():
    with pytest.raises(ValueError):
        rec.next_period(date(2026, 1, 1), date(2026, 1, 31), "none")
    with pytest.raises(ValueError):
        rec.months_of("weekly")


def test_period_to_prepare_catches_up_to_the_current_period():
    jan = (date(2026, 1, 1), date(2026, 1, 31))
    # On time (a few days before January ends): February.
    assert rec.period_to_prepare(*jan, "monthly", date(2026, 1, 27)) == (
        date(2026, 2, 1),
        date(2026, 2, 28),
        0,
    )
    # The scheduler stopped until mid-April: February and March are over,
    # April is prepared.
    assert rec.period_to_prepare(*jan, "monthly", date(2026, 4, 12)) == (
        date(2026, 4, 1),
        date(2026, 4, 30),
        2,
    )
    # On the last day of March, March is not over yet.
    assert rec.period_to_prepare(*jan, "monthly", date(2026, 3, 31))[:2] == (
        date(2026, 3, 1),
        date(2026, 3, 31),
    )
    with pytest.raises(OverflowError):
        rec.period_to_prepare(
            date(1, 1, 1), date(1, 1, 31), "monthly", date(2026, 1, 1)
        )


def test_due_date_and_labels():
    assert rec.due_date(date(2026, 1, 31), 5) == date(2026, 1, 26)
    assert not rec.is_due(date(2026, 1, 31), 5, date(2026, 1, 25))
    assert rec.is_due(date(2026, 1, 31), 5, date(2026, 1, 26))
    assert rec.is_due(date(2026, 1, 31), 0, date(2026, 1, 31))
    label = rec.period_label
    assert label(date(2026, 3, 1), date(2026, 3, 31), "monthly") == "2026-03"
    assert label(date(2026, 4, 1), date(2026, 6, 30), "quarterly") == "2026 Q2"
    assert label(date(2026, 7, 1), date(2026, 12, 31), "half_yearly") == "2026 H2"
    assert label(date(2026, 2, 1), date(2026, 4, 30), "quarterly") == (
        "2026-02 – 2026-04"
    )
    assert label(date(2026, 3, 15), date(2026, 4, 14), "monthly") == (
        "2026-03-15 – 2026-04-14"
    )


def test_next_name():
    assert rec.next_name("Monthly review 2026-03", "2026-03", "2026-04") == (
        "Monthly review 2026-04"
    )
    assert rec.next_name("Monthly review", "2026-03", "2026-04") == (
        "Monthly review 2026-04"
    )
    assert rec.next_name("2026-03 业务考核", "2026-03", "2026-04") == "2026-04 业务考核"
    assert rec.next_name("", "2026-03", "2026-04") == "2026-04"


def test_shift_deadline_examples():
    jan, feb = date(2026, 1, 1), date(2026, 2, 1)
    assert rec.shift_deadline(date(2026, 1, 10), jan, feb) == date(2026, 2, 10)
    assert rec.shift_deadline(date(2026, 1, 31), jan, feb) == date(2026, 2, 28)
    assert rec.shift_deadline(date(2026, 2, 28), feb, date(2026, 3, 1)) == date(
        2026, 3, 31
    )
    # Evaluation after the period: moves with it.
    assert rec.shift_deadline(date(2026, 2, 5), jan, feb) == date(2026, 3, 5)
    # Not whole months: by days, never after the period's end.
    start, new_start = date(2026, 1, 15), date(2026, 2, 15)
    assert rec.shift_deadline(date(2026, 1, 20), start, new_start) == date(2026, 2, 20)
    assert rec.shift_deadline(
        date(2026, 2, 14), start, date(2026, 2, 15), date(2026, 3, 14)
    ) == date(2026, 3, 14)
    assert rec.shift_deadline(None, jan, feb) is None
    assert rec.shift_deadline(False, jan, feb) is False


# ---------------------------------------------------------- properties
@SETTINGS
@given(any_periods(), st.integers(1, 30))
def test_periods_tile_the_calendar(period, count):
    """Each period starts the day after the last ends, and lasts about as
    many months as the recurrence: no gap, no overlap."""
    recurrence, start, end = period
    months = rec.RECURRENCE_MONTHS[recurrence]
    for _step in range(count):
        new_start, new_end = rec.next_period(start, end, recurrence)
        assert new_start == end + timedelta(days=1)
        assert new_end >= new_start
        days = (new_end - new_start).days + 1
        assert 28 * months - 3 <= days <= 31 * months + 1
        start, end = new_start, new_end


@SETTINGS
@given(calendar_periods(), st.integers(1, 30))
def test_calendar_periods_stay_calendar_periods(period, count):
    """A period of whole calendar months is followed by whole calendar
    months, as many; quarters and halves stay aligned when they were."""
    recurrence, start, end = period
    months = rec.RECURRENCE_MONTHS[recurrence]
    aligned = (start.month - 1) % months == 0
    for _step in range(count):
        start, end = rec.next_period(start, end, recurrence)
        assert start.day == 1
        assert end == month_end(end.year, end.month)
        assert (end.year - start.year) * 12 + end.month - start.month + 1 == months
        if aligned:
            assert (start.month - 1) % months == 0


@SETTINGS
@given(any_periods(), DAYS)
def test_period_to_prepare_is_the_first_not_over(period, today):
    recurrence, start, end = period
    # A chain more than a century behind is refused (tested above).
    assume(today.year - start.year < 100)
    new_start, new_end, skipped = rec.period_to_prepare(start, end, recurrence, today)
    assert new_end >= today
    assert new_start > end
    # It is in the chain: as many steps as skipped + 1 lead to it.
    walk = (start, end)
    for _step in range(skipped + 1):
        walk = rec.next_period(*walk, recurrence)
    assert walk == (new_start, new_end)
    # The one before it (if skipped) was over.
    if skipped:
        assert new_start - timedelta(days=1) < today
    # On time: simply the next period; preparing again gives the same.
    if today <= end:
        assert (new_start, new_end) == rec.next_period(start, end, recurrence)
    assert rec.period_to_prepare(start, end, recurrence, today) == (
        new_start,
        new_end,
        skipped,
    )


@SETTINGS
@given(DAYS, st.integers(0, 60), DAYS)
def test_due_is_lead_days_before_the_end(end, lead, today):
    assert rec.due_date(end, lead) + timedelta(days=lead) == end
    assert rec.is_due(end, lead, today) == (today + timedelta(days=lead) >= end)


@SETTINGS
@given(any_periods(), st.integers(1, 40))
def test_names_do_not_grow(period, count):
    """A chain's names replace the label; they do not pile up."""
    recurrence, start, end = period
    name = "Review " + rec.period_label(start, end, recurrence)
    length = len(name)
    for _step in range(count):
        new_start, new_end = rec.next_period(start, end, recurrence)
        name = rec.next_name(
            name,
            rec.period_label(start, end, recurrence),
            rec.period_label(new_start, new_end, recurrence),
        )
        start, end = new_start, new_end
        assert name == "Review " + rec.period_label(start, end, recurrence)
    assert len(name) <= length + 30


@SETTINGS
@given(
    any_periods(),
    st.lists(st.integers(-10, 80), min_size=3, max_size=3).map(sorted),
    st.integers(1, 24),
)
def test_shifted_deadlines_keep_their_order_and_the_goals_in_the_period(
    period, offsets, steps
):
    recurrence, start, end = period
    deadlines = [start + timedelta(days=offset) for offset in offsets]
    assume(deadlines[0] <= end)
    for _step in range(steps):
        new_start, new_end = rec.next_period(start, end, recurrence)
        goal = rec.shift_deadline(deadlines[0], start, new_start, new_end)
        rest = [rec.shift_deadline(d, start, new_start) for d in deadlines[1:]]
        assert goal <= new_end
        assert goal <= rest[0] <= rest[1]
        deadlines = [goal, *rest]
        start, end = new_start, new_end
