# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class PerfCycleCalibrationLine(models.TransientModel):
    """One point of the calibration preview: a review still waiting for
    ratings, or a calibration group."""

    _name = "perf.cycle.calibration.line"
    _description = "Start of the Calibration: Group or Review"
    _order = "kind, sequence, id"

    wizard_id = fields.Many2one(
        "perf.cycle.calibration", required=True, ondelete="cascade"
    )
    kind = fields.Selection(
        [("incomplete", "Ratings not all in"), ("group", "Calibration group")],
        required=True,
        readonly=True,
    )
    sequence = fields.Integer(readonly=True)
    # Incomplete review
    review_id = fields.Many2one("perf.review", readonly=True)
    employee_id = fields.Many2one(related="review_id.employee_id")
    open_rating_count = fields.Integer(string="Ratings still open", readonly=True)
    decision = fields.Selection(
        [
            ("wait", "Wait for them"),
            ("close", "Close with the ratings given"),
            ("leave_out", "Leave out of the calibration"),
        ],
        default="wait",
    )
    # Group
    department_id = fields.Many2one("hr.department", readonly=True, string="Group")
    department_ids = fields.Many2many("hr.department", readonly=True)
    pooled_department_ids = fields.Many2many(
        "hr.department",
        "perf_cycle_calibration_line_pooled_rel",
        string="Small teams pooled in",
        readonly=True,
    )
    group_review_ids = fields.Many2many("perf.review", readonly=True)
    group_size = fields.Integer(string="People", compute="_compute_group_size")
    calibrator_id = fields.Many2one(
        "res.users", string="Calibrated by", domain="[('share', '=', False)]"
    )
    proposed_calibrator_id = fields.Many2one("res.users", readonly=True)
    merge_into_id = fields.Many2one(
        "perf.cycle.calibration.line",
        string="Calibrate with",
        domain="[('wizard_id', '=', wizard_id), ('kind', '=', 'group'), "
        "('id', '!=', id)]",
        help="Merge this group into another one.",
    )

    @api.depends("group_review_ids")
    def _compute_group_size(self):
        for line in self:
            line.group_size = len(line.group_review_ids)

    @api.depends("department_id", "kind", "employee_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = (
                line.department_id.name or self.env._("Top of the chart (HR)")
                if line.kind == "group"
                else line.employee_id.name
            )
