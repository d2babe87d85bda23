# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Measured actuals: period bounds, rates, aggregation, change, display."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perf_closed_loop.domain import measures as m

SETTINGS = settings(max_examples=200, deadline=None)
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
ZONES = st.sampled_from(
    ["UTC", "Asia/Shanghai", "America/New_York", "Europe/Paris", "Pacific/Chatham"]
)


def test_period_bounds_in_shanghai_start_the_evening_before_in_utc():
    start, end = m.period_bounds(date(2026, 7, 1), date(2026, 12, 31), "Asia/Shanghai")
    assert start == datetime(2026, 6, 30, 16, 0)
    assert end == datetime(2026, 12, 31, 16, 0)


def test_period_bounds_follow_daylight_saving():
    start, end = m.period_bounds(date(2026, 3, 1), date(2026, 3, 31), "Europe/Paris")
    assert start == datetime(2026, 2, 28, 23, 0)  # winter time, UTC+1
    assert end == datetime(2026, 3, 31, 22, 0)  # summer time, UTC+2


def test_unknown_or_empty_zone_is_utc():
    assert m.period_bounds(date(2026, 1, 1), date(2026, 1, 1), "Mars/Olympus") == (
        datetime(2026, 1, 1),
        datetime(2026, 1, 2),
    )
    assert m.period_bounds(date(2026, 1, 1), date(2026, 1, 1), None)[0] == datetime(
        2026, 1, 1
    )


def test_period_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        m.period_bounds(date(2026, 2, 1), date(2026, 1, 1), "UTC")
    with pytest.raises(ValueError):
        m.date_bounds(date(2026, 2, 1), date(2026, 1, 1))


@SETTINGS
@given(DAYS, st.integers(0, 400), ZONES)
def test_period_bounds_hold_every_local_day_and_no_other(start, length, tz):
    end_day = start + timedelta(days=length)
    low, high = m.period_bounds(start, end_day, tz)
    assert low < high
    # A day lasts 23 to 25 hours (or 24 ± 1 hour in odd zones).
    hours = (high - low).total_seconds() / 3600
    assert abs(hours - 24 * (length + 1)) <= 2
    # Consecutive periods tile time: the next one starts where this ends.
    assert (
        m.period_bounds(end_day + timedelta(days=1), end_day + timedelta(1), tz)[0]
        == high
    )


def test_rate_prefers_the_latest_before_the_day_and_the_company_own():
    rates = [
        (date(2026, 1, 1), False, 0.14),
        (date(2026, 6, 1), False, 0.13),
        (date(2026, 9, 1), False, 0.12),
    ]
    assert m.rate_at(rates, date(2026, 7, 15)) == 0.13
    assert m.rate_at(rates, date(2026, 9, 1)) == 0.12
    # Before the first rate: no rate, 1.0 (as Odoo).
    assert m.rate_at(rates, date(2025, 12, 31)) == 1.0
    own = rates + [(date(2026, 2, 1), True, 0.2)]
    assert m.rate_at(own, date(2026, 7, 15)) == 0.2
    assert m.rate_at([], date(2026, 7, 15)) == 1.0


def test_convert():
    # 100 USD at 0.14 USD per CNY is 714.29 CNY (rate of CNY: 1).
    assert round(m.convert(100, 0.14, 1.0), 2) == 714.29
    with pytest.raises(ValueError):
        m.convert(1, 0, 1)


@SETTINGS
@given(
    st.floats(-1e9, 1e9, allow_nan=False),
    st.floats(0.001, 1000),
    st.floats(0.001, 1000),
)
def test_convert_there_and_back(amount, rate_a, rate_b):
    back = m.convert(m.convert(amount, rate_a, rate_b), rate_b, rate_a)
    assert back == pytest.approx(amount, rel=1e-9, abs=1e-6)


def test_ratio():
    assert m.ratio(3, 4) == 75.0
    assert m.ratio(0, 0) == 0.0
    assert m.ratio(5, 0) == 0.0


@SETTINGS
@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_ratio_is_a_percentage_of_the_whole(part, rest):
    assert 0.0 <= m.ratio(part, part + rest) <= 100.0


ROWS = [
    (1, 100.0, 2, 1),
    (1, 50.0, 1, 1),  # same person, another currency or day
    (2, 30.0, 3, 0),
    (9, 999.0, 9, 9),  # nobody of the cycle: ignored
]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("count", {1: (3.0, 3), 2: (3.0, 3), 3: (0.0, 0)}),
        ("sum", {1: (150.0, 3), 2: (30.0, 3), 3: (0.0, 0)}),
        ("avg", {1: (50.0, 3), 2: (10.0, 3), 3: (0.0, 0)}),
        ("ratio", {1: (pytest.approx(200 / 3), 3), 2: (0.0, 3), 3: (0.0, 0)}),
    ],
)
def test_aggregate_per_person_with_zero_for_nobody(kind, expected):
    assert m.aggregate(kind, ROWS, [1, 2, 3]) == expected


def test_aggregate_refuses_an_unknown_kind():
    with pytest.raises(ValueError):
        m.aggregate("median", ROWS, [1])


@SETTINGS
@given(
    st.lists(
        st.tuples(
            st.integers(1, 5),
            st.floats(-1e6, 1e6, allow_nan=False),
            st.integers(0, 50),
        ),
        max_size=30,
    )
)
def test_aggregate_keeps_every_record_of_the_people(raw):
    rows = [(p, a, c, c // 2) for p, a, c in raw]
    counts = m.aggregate("count", rows, range(1, 6))
    assert sum(v[1] for v in counts.values()) == sum(c for _p, _a, c in raw)
    sums = m.aggregate("sum", rows, range(1, 6))
    assert sum(v[0] for v in sums.values()) == pytest.approx(
        sum(a for _p, a, _c in raw), abs=1e-3
    )
    for value, _count in m.aggregate("ratio", rows, range(1, 6)).values():
        assert 0.0 <= value <= 100.0


def test_changed_at_two_decimals():
    assert not m.changed(12.0, 12.001)
    assert m.changed(12.0, 12.01)
    assert m.changed(0.0, 1)
    assert not m.changed(None, 0.0)
    assert m.rounded(float("nan")) == 0.0


def test_format_value():
    assert m.format_value(340000, "CNY", monetary=True) == "340,000.00 CNY"
    assert m.format_value(12, "orders") == "12 orders"
    assert m.format_value(87.5, "%") == "87.50%"
    assert m.format_value(0) == "0"
    assert m.format_value(1234.5) == "1,234.50"


def test_day_of():
    assert m.day_of(datetime(2026, 7, 1, 23, 0)) == date(2026, 7, 1)
    assert m.day_of(date(2026, 7, 1)) == date(2026, 7, 1)
    assert m.day_of(False) is None
