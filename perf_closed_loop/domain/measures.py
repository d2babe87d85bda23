# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""KPI actuals measured from Odoo's own records (``perf.measure``).

A measure counts, sums or averages records per person over a review
period, or gives the share (%) of them that meet a second condition. The
model reads the records with one grouped query per measure and period;
what is left is pure maths, here:

- the period's bounds: its dates are calendar days in the company's time
  zone, so a datetime field is compared with the UTC instants at which
  the first day starts and the day after the last one starts;
- the currency rate at a record's date, picked as Odoo does (the latest
  rate on or before the day, the company's own before a shared one, else
  1), and the conversion of an amount into the company's currency;
- the aggregation of the grouped rows per person (count, sum, average,
  ratio), a person without rows getting 0;
- whether a new value is a change, and how a value reads in a check-in.
"""

import math
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

AGGREGATES = ("count", "sum", "avg", "ratio")
# Values are compared and shown at this precision: a refresh that moves an
# actual by less is no change (floats summed in another order differ).
DIGITS = 2


def zone(tz_name):
    """The time zone called ``tz_name``; UTC for an empty or unknown name."""
    try:
        return ZoneInfo(tz_name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def period_bounds(date_start, date_end, tz_name=None):
    """The UTC instants (naive, as Odoo stores datetimes) between which a
    datetime falls in the days ``date_start`` … ``date_end`` of the time
    zone ``tz_name``: ``start <= value < end``. ValueError when the period
    ends before it starts."""
    if date_end < date_start:
        raise ValueError("the period ends before it starts")
    tz = zone(tz_name)
    utc = ZoneInfo("UTC")

    def instant(day):
        local = datetime.combine(day, time.min, tzinfo=tz)
        return local.astimezone(utc).replace(tzinfo=None)

    return instant(date_start), instant(date_end + timedelta(days=1))


def date_bounds(date_start, date_end):
    """The same for a date field: ``start <= value <= end``."""
    if date_end < date_start:
        raise ValueError("the period ends before it starts")
    return date_start, date_end


def rate_at(rates, day):
    """The rate of a currency on ``day``, from ``rates`` = [(date,
    company_specific, rate)]: the latest rate on or before the day, the
    company's own before a shared one (as ``res.currency._get_rates``),
    1.0 when there is none."""
    for specific in (True, False):
        known = [(when, rate) for when, own, rate in rates if own == specific]
        known = [(when, rate) for when, rate in known if when <= day and rate]
        if known:
            return max(known)[1]
    return 1.0


def convert(amount, from_rate, to_rate):
    """``amount`` in a currency of rate ``from_rate`` expressed in the
    currency of rate ``to_rate`` (rates are per unit of the base)."""
    if not from_rate:
        raise ValueError("a currency rate cannot be 0")
    return amount * to_rate / from_rate


def ratio(numerator, denominator):
    """``numerator`` as a percentage of ``denominator``; 0 for nothing."""
    if not denominator:
        return 0.0
    return 100.0 * numerator / denominator


def aggregate(aggregate_kind, rows, people):
    """Per person of ``people``: (value, count) from the grouped ``rows``
    = [(person, amount, count, matched)], where ``amount`` is the summed
    (converted) value, ``count`` the records and ``matched`` how many of
    them meet the ratio's condition. A person may have several rows (one
    per currency and day); a person with none gets (0.0, 0)."""
    if aggregate_kind not in AGGREGATES:
        raise ValueError(f"not an aggregate: {aggregate_kind!r}")
    totals = {person: [0.0, 0, 0] for person in people}
    for person, amount, count, matched in rows:
        if person not in totals:
            continue
        total = totals[person]
        total[0] += amount or 0.0
        total[1] += count or 0
        total[2] += matched or 0
    result = {}
    for person, (amount, count, matched) in totals.items():
        if aggregate_kind == "count":
            value = float(count)
        elif aggregate_kind == "sum":
            value = amount
        elif aggregate_kind == "avg":
            value = amount / count if count else 0.0
        else:
            value = ratio(matched, count)
        result[person] = (value, count)
    return result


def rounded(value):
    """``value`` at the precision actuals are kept at."""
    if value is None or not math.isfinite(value):
        return 0.0
    return round(value, DIGITS) + 0.0


def changed(old, new):
    """Whether ``new`` is another actual than ``old`` (at 2 decimals)."""
    return rounded(old) != rounded(new)


def format_value(value, unit=None, monetary=False):
    """``value`` as a check-in shows it: thousands separated, two decimals
    for an amount or a fraction, none for a whole count, then the unit:
    340,000.00 CNY, 12 orders, 87.5%."""
    value = rounded(value)
    digits = DIGITS if monetary or value != int(value) else 0
    text = f"{value:,.{digits}f}"
    unit = (unit or "").strip()
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def day_of(value):
    """The day of a grouped date or datetime key (None stays None)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None
