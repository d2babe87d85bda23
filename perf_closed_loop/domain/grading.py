# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Grade bands: a grade covers [min, max), the top grade (max 100) also
holds 100; bands cover 0–100 without gap or overlap."""

import math
from typing import NamedTuple

from . import numbers


class BandProblem(NamedTuple):
    kind: str
    codes: tuple
    low: float
    high: float


def _bound(value):
    """A band's bound as a float; NaN (out of range) when it is not a finite
    number."""
    try:
        return numbers.finite(value, "A grade bound")
    except ValueError:
        return math.nan


def band_problems(bands):
    """Problems of a list of (code, min_score, max_score) bands; a bound
    that is not a finite number is out of range."""
    bands = [(str(code), _bound(low), _bound(high)) for code, low, high in bands]
    if not bands:
        return [BandProblem("empty", (), 0.0, 100.0)]
    problems = []
    seen = set()
    for code, low, high in bands:
        if code in seen:
            problems.append(BandProblem("duplicate_code", (code,), low, high))
        seen.add(code)
        if low >= high:
            problems.append(BandProblem("inverted", (code,), low, high))
        if not (low >= 0 and high <= 100):
            problems.append(BandProblem("out_of_range", (code,), low, high))
    valid = sorted((b for b in bands if b[1] < b[2]), key=lambda b: (b[1], b[2]))
    if not valid:
        return problems
    if valid[0][1] > 0:
        problems.append(BandProblem("gap", (valid[0][0],), 0.0, valid[0][1]))
    for (code_a, _low_a, high_a), (code_b, low_b, high_b) in zip(
        valid, valid[1:], strict=False
    ):
        if low_b > high_a:
            problems.append(BandProblem("gap", (code_a, code_b), high_a, low_b))
        elif low_b < high_a:
            problems.append(
                BandProblem(
                    "overlap",
                    tuple(sorted((code_a, code_b))),
                    low_b,
                    min(high_a, high_b),
                )
            )
    top = max(valid, key=lambda b: b[2])
    if top[2] < 100:
        problems.append(BandProblem("gap", (top[0],), top[2], 100.0))
    return problems


def validate_bands(bands):
    """ValueError naming the offending grades when the bands are invalid."""
    problems = band_problems(bands)
    if problems:
        details = "; ".join(
            f"{p.kind} {'/'.join(p.codes)} [{p.low:g}, {p.high:g}]" for p in problems
        )
        raise ValueError(f"Invalid grade bands: {details}.")


def grade_for_score(score, bands):
    """Code of the band holding score (clamped to 0–100); ValueError when
    the score is not a finite number."""
    validate_bands(bands)
    score = min(max(numbers.finite(score, "A score"), 0.0), 100.0)
    for code, low, high in bands:
        if low <= score < high or (score == 100.0 and float(high) == 100.0):
            return code
    raise ValueError(f"No grade holds the score {score}.")  # pragma: no cover
