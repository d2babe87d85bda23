# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class PerfReviewAcknowledge(models.TransientModel):
    """The employee acknowledges their published result, with a comment if
    they wish."""

    _name = "perf.review.acknowledge"
    _description = "Acknowledge a Result"

    review_id = fields.Many2one("perf.review", required=True, ondelete="cascade")
    comment = fields.Text(help="Optional: what you think of the result.")

    def action_confirm(self):
        self.ensure_one()
        self.review_id.action_acknowledge(comment=self.comment)
        return {"type": "ir.actions.act_window_close"}
