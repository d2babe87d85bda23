# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Free text as people type it (reasons, names, comments)."""

import unicodedata


def is_blank(text):
    """Whether ``text`` shows nothing: empty, or only spaces (ideographic
    ones included) and invisible format characters (zero-width space, byte
    order mark…), in any order."""
    return all(
        char.isspace() or unicodedata.category(char) == "Cf" for char in text or ""
    )
