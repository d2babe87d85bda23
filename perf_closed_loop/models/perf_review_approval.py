# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class PerfReviewApproval(models.Model):
    """One approval in a chain (goal approval of a review, HR approval of a
    calibration). Each submission opens a new round; earlier rounds stay as
    history. Read with the review; written only by the review's actions."""

    _name = "perf.review.approval"
    _description = "Approval"
    _order = "review_id, round, sequence, id"

    review_id = fields.Many2one("perf.review", ondelete="cascade", index=True)
    calibration_id = fields.Many2one("perf.calibration", ondelete="cascade", index=True)
    company_id = fields.Many2one(
        "res.company", compute="_compute_company_id", store=True
    )
    kind = fields.Selection(
        [("goal", "Goal approval"), ("hr", "HR approval")],
        required=True,
        default="goal",
    )
    round = fields.Integer(default=1, required=True)
    sequence = fields.Integer(default=10)
    approver_id = fields.Many2one("res.users", required=True, index=True)
    actor = fields.Selection(
        [
            ("manager", "Manager"),
            ("skip_level", "Skip-level manager"),
            ("department_head", "Department head"),
            ("hr", "HR"),
        ],
        help="Whom the flow asked for: an org change moves the approval to the "
        "person who now holds the role.",
    )
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("approved", "Approved"),
            ("rejected", "Rejected"),
            ("cancelled", "Superseded"),
        ],
        default="pending",
        required=True,
        index=True,
    )
    reason = fields.Text()
    date = fields.Datetime()

    @api.depends("review_id.company_id", "calibration_id.company_id")
    def _compute_company_id(self):
        for approval in self:
            approval.company_id = (
                approval.review_id.company_id or approval.calibration_id.company_id
            )
