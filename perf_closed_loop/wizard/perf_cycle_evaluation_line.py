# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class PerfCycleEvaluationLine(models.TransientModel):
    """One point to decide before the evaluation starts: a review still in a
    goal phase, or a rating step nobody can give."""

    _name = "perf.cycle.evaluation.line"
    _description = "Start of the Evaluation: Point to Decide"
    _order = "kind, required desc, id"

    wizard_id = fields.Many2one(
        "perf.cycle.evaluation", required=True, ondelete="cascade"
    )
    kind = fields.Selection(
        [("straggler", "Goals not approved"), ("no_rater", "Nobody to rate")],
        required=True,
        readonly=True,
    )
    review_id = fields.Many2one("perf.review", readonly=True)
    employee_id = fields.Many2one(related="review_id.employee_id")
    department_id = fields.Many2one(related="review_id.department_id")
    review_state = fields.Selection(related="review_id.state", string="Phase")
    step_id = fields.Many2one("perf.flow.step", readonly=True, string="Step")
    required = fields.Boolean(readonly=True)
    reason = fields.Char(readonly=True, string="Why")
    decision = fields.Selection(
        [
            ("include", "Evaluate as they are"),
            ("leave_out", "Leave out for now"),
            ("cancel", "Cancel the review"),
        ],
        default="include",
    )
    rater_id = fields.Many2one(
        "res.users",
        string="Rater",
        domain="[('share', '=', False)]",
        help="Who gives this rating instead.",
    )
