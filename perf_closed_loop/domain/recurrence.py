# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Recurring cycles: the period of the next cycle, when it is due, its name
and its deadlines.

A recurring cycle repeats every month, quarter or half-year. The next
period starts the day after the current one ends and lasts as many months:
a cycle over whole calendar months (the 1st to a month's last day) is
followed by the next whole months (January → February; Q1 → Q2; H1 → H2),
and the periods of a chain tile the calendar without gap or overlap. A
month's end is its last day whatever its length (31 January → 28 or 29
February → 31 March).
"""

import calendar
from datetime import date, timedelta

RECURRENCE_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6}
# More than this many periods to skip is a chain that cannot catch up (a
# cycle of the year 1): refused rather than looped over.
MAX_SKIPPED = 12 * 100


def months_of(recurrence):
    """Months a period of ``recurrence`` lasts (ValueError for none)."""
    try:
        return RECURRENCE_MONTHS[recurrence]
    except KeyError:
        raise ValueError(f"not a recurrence: {recurrence!r}") from None


def add_months(day, months):
    """``day`` ``months`` later, on the month's last day when it is shorter
    (31 January + 1 month = 28 or 29 February). OverflowError past 9999."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise OverflowError("date out of range")
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def is_month_end(day):
    return (day + timedelta(days=1)).day == 1


def next_period(start, end, recurrence):
    """(start, end) of the period after ``start``–``end``: from the next day,
    for as many months as ``recurrence`` says. OverflowError past 9999."""
    months = months_of(recurrence)
    new_start = end + timedelta(days=1)
    return new_start, add_months(new_start, months) - timedelta(days=1)


def period_to_prepare(start, end, recurrence, today):
    """(start, end, skipped) of the period a chain prepares after
    ``start``–``end`` on ``today``: the next period, or, after a gap (the
    scheduler stopped, a late launch), the first period that is not over
    yet — the periods already over are skipped (``skipped`` of them), since
    nobody reviews a month gone by."""
    period = next_period(start, end, recurrence)
    skipped = 0
    while period[1] < today:
        skipped += 1
        if skipped > MAX_SKIPPED:
            raise OverflowError("too many periods to skip")
        period = next_period(*period, recurrence)
    return period[0], period[1], skipped


def due_date(end, lead_days):
    """The day the next cycle is prepared: ``lead_days`` before ``end``."""
    return end - timedelta(days=lead_days)


def is_due(end, lead_days, today):
    return today >= due_date(end, lead_days)


def period_label(start, end, recurrence):
    """A short label of a period, the same in every language: ``2026-03``
    (a calendar month), ``2026 Q2`` (a calendar quarter), ``2026 H1`` (a
    calendar half-year), else ``2026-02 – 2026-04`` (whole months) or the
    two dates."""
    whole_months = start.day == 1 and is_month_end(end)
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if whole_months and months == 1:
        return f"{start:%Y-%m}"
    if whole_months and start.year == end.year:
        if recurrence == "quarterly" and months == 3 and start.month % 3 == 1:
            return f"{start.year} Q{start.month // 3 + 1}"
        if recurrence == "half_yearly" and months == 6 and start.month in (1, 7):
            return f"{start.year} H{1 if start.month == 1 else 2}"
    if whole_months:
        return f"{start:%Y-%m} – {end:%Y-%m}"
    return f"{start.isoformat()} – {end.isoformat()}"


def next_name(name, old_label, new_label):
    """The next cycle's name: the period's label replaced in ``name`` when it
    is there ("Monthly review 2026-03" → "Monthly review 2026-04"), else
    added after it."""
    name = (name or "").strip()
    if old_label and old_label in name:
        head, _sep, tail = name.rpartition(old_label)
        return f"{head}{new_label}{tail}"
    return f"{name} {new_label}".strip()


def shift_deadline(deadline, old_start, new_start, new_end=None):
    """``deadline`` of a cycle starting ``old_start`` moved to the cycle
    starting ``new_start``: by whole months when the start moves by whole
    months (the 10th stays the 10th, a month's last day stays its last
    day), else by days; never after ``new_end`` when given
    (the goals are due within the period). None stays None."""
    if not deadline:
        return deadline
    months = (new_start.year - old_start.year) * 12 + (
        new_start.month - old_start.month
    )
    if add_months(old_start, months) == new_start:
        moved = add_months(deadline, months)
        if is_month_end(deadline):
            moved = moved.replace(day=calendar.monthrange(moved.year, moved.month)[1])
    else:
        moved = deadline + (new_start - old_start)
    if new_end and moved > new_end:
        moved = new_end
    return moved
