# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from . import perf_bulk_insert


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

    @api.model
    def _insert_for_reviews(self, vals_list):
        """The goal approval chains the launch gives its reviews,
        set-based: one ``INSERT`` instead of the ORM's ``create``.

        Safe (issue 21): nobody reads these rows while the launch makes
        them (the chain is read when the goals are submitted); the model has
        no mail thread, no ``create`` override, no constraint and no
        translated column; defaults, required fields and selection values
        are completed and checked as the ORM would (``complete_rows``);
        ``company_id`` (stored computed) is the review's, as
        ``_compute_company_id`` gives it; the review and the approver must
        exist (foreign keys). Private, for the loop in ``sudo``: no access
        rule is checked."""
        reviews = self.env["perf.review"].browse(
            {vals["review_id"] for vals in vals_list}
        )
        companies = {review.id: review.company_id.id for review in reviews}
        rows = perf_bulk_insert.complete_rows(
            self,
            [dict(vals, company_id=companies[vals["review_id"]]) for vals in vals_list],
        )
        return perf_bulk_insert.insert_row_groups(self, rows)
