# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Weights: totals, the 100 % check and proportional redistribution."""

import math

from . import numbers

TOLERANCE = 0.01


def _checked(weight):
    weight = numbers.finite(weight, "A weight")
    if weight < 0:
        raise ValueError(f"A weight cannot be negative ({weight}).")
    return weight


def weights_total(weights):
    """Sum of weights; ValueError on a weight that is not a finite number
    >= 0, or on weights too large to add up (the sum overflows)."""
    total = sum(_checked(w) for w in weights)
    if not math.isfinite(total):
        raise ValueError("The weights are too large to add up.")
    return total


def weights_ok(weights, expected=100.0, tolerance=TOLERANCE):
    """Whether weights add up to expected (within tolerance)."""
    return abs(weights_total(weights) - expected) <= tolerance


def redistribute(weights, present):
    """Keep the weights of the present keys and scale them to sum 100,
    keeping their ratios; present keys that all weigh 0 share 100 equally."""
    present = list(dict.fromkeys(present))
    unknown = [key for key in present if key not in weights]
    if unknown:
        raise ValueError(f"Unknown keys: {unknown!r}.")
    checked = {key: _checked(w) for key, w in weights.items()}
    if not present:
        return {}
    total = weights_total(checked[key] for key in present)
    if total <= 0:
        return {key: 100.0 / len(present) for key in present}
    if not math.isfinite(total * 100.0):
        raise ValueError("The weights are too large to share out.")
    return {key: checked[key] * 100.0 / total for key in present}
