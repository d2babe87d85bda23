# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Scores: weighted means, KPI auto-scores, key-result scores, section and
final scores. Scores live on 0–100; an auto-scored KPI may reach its cap."""

import math
from decimal import ROUND_HALF_UP, Context, Decimal

from . import numbers
from . import weights as weights_mod

SCORE_MAX = 150.0
DIRECTIONS = ("higher", "lower")
KEY_RESULT_MODES = ("linear", "okr")
OKR_FULL_PROGRESS = 70.0
# Enough digits to round the largest float (309 digits) to two decimals.
_DIGITS = Context(prec=320)


def checked_score(value):
    """``value`` as a float score from 0 to SCORE_MAX; ValueError otherwise."""
    value = numbers.finite(value, "A score")
    if not 0.0 <= value <= SCORE_MAX:
        raise ValueError(f"A score must be between 0 and {SCORE_MAX:g} ({value}).")
    return value


def weighted_mean(items):
    """Weight-weighted mean of (score, weight) pairs. Unscored items (score
    None) give their weight to the scored ones; None when nothing is scored.
    When every scored item weighs 0, the plain mean of their scores.
    ValueError when the weights are too large to weigh the scores with."""
    scored = []
    for score, weight in items:
        weight = weights_mod._checked(weight)
        if score is not None:
            scored.append((checked_score(score), weight))
    if not scored:
        return None
    total = weights_mod.weights_total(w for _s, w in scored)
    if total <= 0:
        return sum(s for s, _w in scored) / len(scored)
    weighted = sum(s * w for s, w in scored)
    if not math.isfinite(weighted):
        raise ValueError("The weights are too large to weigh the scores with.")
    mean = weighted / total
    low = min(s for s, _w in scored)
    high = max(s for s, _w in scored)
    return min(max(mean, low), high)


def review_progress(lines):
    """A review's progress (%) from its measured indicators' (weight,
    progress) pairs: weight-weighted; the plain mean when they weigh
    nothing; 0 without any."""
    lines = list(lines)
    if not lines:
        return 0.0
    total = sum(weight for weight, _progress in lines)
    if total:
        return sum(progress * weight for weight, progress in lines) / total
    return sum(progress for _weight, progress in lines) / len(lines)


def kpi_auto_score(actual, target, direction="higher", cap=120.0):
    """Score of an actual value against its target: actual/target for
    higher-is-better, target/actual for lower-is-better, within [0, cap].
    No value (None, False) counts as 0; ValueError on anything else that is
    not a finite number."""
    if direction not in DIRECTIONS:
        raise ValueError(f"Direction must be one of {DIRECTIONS}, not {direction!r}.")
    cap = numbers.finite(cap, "The cap")
    if not 100.0 <= cap <= SCORE_MAX:
        raise ValueError(f"The cap must be between 100 and {SCORE_MAX:g} ({cap}).")
    actual = numbers.finite(actual or 0.0, "The actual value")
    target = numbers.finite(target or 0.0, "The target")
    if direction == "higher":
        if target <= 0:
            return 100.0 if actual >= target else 0.0
        raw = actual / target * 100.0
    else:
        if target <= 0:
            return 100.0 if actual <= target else 0.0
        if actual <= 0:
            return cap
        raw = target / actual * 100.0
    return min(max(raw, 0.0), cap)


def key_result_score(progress, mode="linear"):
    """Score of a key result from its progress (0–100): the progress itself
    (linear), or full marks from 70 % progress (okr, the usual OKR reading)."""
    if mode not in KEY_RESULT_MODES:
        raise ValueError(f"Mode must be one of {KEY_RESULT_MODES}, not {mode!r}.")
    progress = numbers.finite(progress, "Progress")
    if not 0.0 <= progress <= 100.0:
        raise ValueError(f"Progress must be between 0 and 100 ({progress}).")
    if mode == "okr":
        return min(100.0, progress * 100.0 / OKR_FULL_PROGRESS)
    return progress


def section_score(sections, section_weights):
    """Score of a rating: each section's weighted mean of its lines, then
    the section-weighted mean; a section without score gives its weight to
    the others. None when nothing is scored."""
    unknown = set(sections) - set(section_weights)
    if unknown:
        raise ValueError(f"Sections without weight: {sorted(unknown)!r}.")
    items = []
    for name, weight in section_weights.items():
        weight = weights_mod._checked(weight)
        if weight <= 0:
            continue
        items.append((weighted_mean(sections.get(name, ())), weight))
    return weighted_mean(items)


def final_score(steps):
    """Final score from (score or None, weight, required) per rating step:
    a missing optional step gives its weight to the others; a missing
    required step means the score is not final yet (None)."""
    items = []
    for score, weight, required in steps:
        if score is None and required:
            return None
        items.append((score, weight))
    return weighted_mean(items)


def round_score(value):
    """Round half up to two decimals; ValueError when ``value`` is not a
    finite number."""
    value = numbers.finite(value, "A score to round")
    cents = Decimal(str(value)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP, context=_DIGITS
    )
    return float(cents)
