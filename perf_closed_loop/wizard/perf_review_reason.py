# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class PerfReviewReason(models.TransientModel):
    """Asks for the reason of a goal rejection or a goal change request."""

    _name = "perf.review.reason"
    _description = "Reason"

    review_ids = fields.Many2many("perf.review", required=True)
    action = fields.Selection(
        [
            ("reject_goals", "Reject the goals"),
            ("request_goal_change", "Ask for a goal change"),
        ],
        required=True,
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        method = getattr(self.review_ids, f"action_{self.action}")
        method(reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
