# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class PerfReviewGradeChange(models.Model):
    """One change of a review's calibrated grade (绩效校准): who, when, from
    which grade to which, and why. Kept for good.

    Access: like the review's results: HR, and the people above the
    employee (the calibrator included); never the employee, nor anybody
    for their own review. Written only by the calibration.
    """

    _name = "perf.review.grade.change"
    _description = "Grade Change"
    _order = "date desc, id desc"

    review_id = fields.Many2one(
        "perf.review", required=True, ondelete="cascade", index=True, readonly=True
    )
    calibration_id = fields.Many2one(
        "perf.calibration", ondelete="set null", index=True, readonly=True
    )
    company_id = fields.Many2one(related="review_id.company_id", store=True)
    employee_id = fields.Many2one(
        related="review_id.employee_id", store=True, string="Employee"
    )
    user_id = fields.Many2one("res.users", string="By", required=True, readonly=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    from_grade_id = fields.Many2one("perf.rating.grade", string="From", readonly=True)
    to_grade_id = fields.Many2one("perf.rating.grade", string="To", readonly=True)
    note = fields.Text(string="Why", readonly=True)
