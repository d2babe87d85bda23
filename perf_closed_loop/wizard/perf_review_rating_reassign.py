# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class PerfReviewRatingReassign(models.TransientModel):
    """HR gives open ratings to somebody else (a rater left, a manager
    changed, a designated reviewer is away)."""

    _name = "perf.review.rating.reassign"
    _description = "Give Ratings to Somebody Else"

    rating_ids = fields.Many2many("perf.review.rating", required=True)
    user_id = fields.Many2one(
        "res.users",
        string="New rater",
        required=True,
        domain="[('share', '=', False)]",
    )
    reason = fields.Text()

    def action_confirm(self):
        self.ensure_one()
        self.rating_ids.action_reassign(self.user_id.id, self.reason)
        return {"type": "ir.actions.act_window_close"}
