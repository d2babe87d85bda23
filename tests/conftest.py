# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Tier 1 runs without Odoo. ``perf_closed_loop/__init__.py`` imports the
Odoo models, so register a bare package for ``perf_closed_loop`` whose path
is the add-on folder: ``perf_closed_loop.domain`` (pure Python) then imports
normally while the add-on's ``__init__`` is never executed."""

import sys
import types
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ADDON = REPO / "perf_closed_loop"

if "perf_closed_loop" not in sys.modules:
    _package = types.ModuleType("perf_closed_loop")
    _package.__path__ = [str(ADDON)]
    sys.modules["perf_closed_loop"] = _package
