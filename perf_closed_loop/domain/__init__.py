# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Business maths of the performance loop, in pure Python (no Odoo import):
weights, scores, grades, forced distribution, flow rules and goal rules.
The Odoo models call these functions; tests/ unit-tests them."""

from . import (  # noqa: F401
    assignment,
    distribution,
    flow,
    goals,
    grading,
    measures,
    scoring,
    weights,
)
