# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Numbers as forms, imports and RPC calls send them: a finite number, or a
whole number, else a ``ValueError`` saying what is wrong. None, booleans,
text, containers, NaN and the infinities are never numbers here."""

import math
import reprlib

# Beyond 2**53 a float no longer holds every whole number.
MAX_WHOLE = 2**53


def finite(value, what):
    """``value`` as a finite float; ValueError naming ``what`` (e.g. "A
    weight") when it is not a number or is NaN or an infinity."""
    if value is None or isinstance(value, bool | str | bytes):
        raise ValueError(f"{what} must be a number, not {reprlib.repr(value)}.")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(
            f"{what} must be a number, not {reprlib.repr(value)}."
        ) from None
    if not math.isfinite(number):
        raise ValueError(f"{what} must be a finite number, not {value!r}.")
    return number


def whole(value, what, maximum=MAX_WHOLE):
    """``value`` as an int from 0 to ``maximum``; ValueError naming ``what``
    otherwise (not a number, a fraction, negative or too large)."""
    number = finite(value, what)
    if not (number.is_integer() and 0 <= number <= maximum and number == value):
        raise ValueError(
            f"{what} must be a whole number from 0 to {maximum}, "
            f"not {reprlib.repr(value)}."
        )
    return int(number)
