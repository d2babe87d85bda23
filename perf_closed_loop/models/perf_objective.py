# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..domain.text import is_blank


class PerfObjective(models.Model):
    """An OKR objective of a review, with its key results (review lines of
    kind key_result). Same access as the review's goals."""

    _name = "perf.objective"
    _description = "Objective"
    _inherit = ["perf.number.mixin"]
    _order = "review_id, sequence, id"

    review_id = fields.Many2one(
        "perf.review", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="review_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Objective", required=True)
    description = fields.Text()
    weight = fields.Float(string="Weight (%)")
    key_result_ids = fields.One2many(
        "perf.review.line",
        "objective_id",
        string="Key results",
        domain=[("kind", "=", "key_result")],
        context={"default_kind": "key_result"},
    )
    key_result_count = fields.Integer(compute="_compute_progress")
    progress = fields.Float(string="Progress (%)", compute="_compute_progress")

    _sql_constraints = [
        ("weight_positive", "CHECK(weight >= 0)", "A weight cannot be negative."),
    ]

    @api.constrains("name")
    def _check_name(self):
        for record in self:
            if is_blank(record.name):
                raise ValidationError(self.env._("An objective needs a name."))

    @api.depends("key_result_ids.progress", "key_result_ids.weight")
    def _compute_progress(self):
        for objective in self:
            results = objective.key_result_ids
            objective.key_result_count = len(results)
            total = sum(results.mapped("weight"))
            if not results:
                objective.progress = 0.0
            elif total:
                objective.progress = sum(r.progress * r.weight for r in results) / total
            else:
                objective.progress = sum(results.mapped("progress")) / len(results)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            self.env["perf.review"].browse(
                {vals.get("review_id") for vals in vals_list}
            )._check_can_edit_goals()
        for vals in vals_list:
            for command in vals.get("key_result_ids") or ():
                if command[0] == 0:
                    command[2]["kind"] = "key_result"
                    command[2]["review_id"] = vals.get("review_id")
        return super().create(vals_list)

    def write(self, vals):
        self.review_id.cycle_id._check_open()
        if not self.env.su:
            self.review_id._check_can_edit_goals()
        for command in vals.get("key_result_ids") or ():
            if command[0] == 0:
                command[2]["kind"] = "key_result"
                command[2]["review_id"] = self.review_id.id
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_locked(self):
        self.review_id.cycle_id._check_open()
        if not self.env.su:
            self.review_id._check_can_edit_goals()
            if self.review_id.filtered("goal_change_state"):
                raise UserError(
                    self.env._(
                        "During a goal change, set an objective's weight to 0 "
                        "instead of removing it."
                    )
                )

    def _check_same_review(self, lines):
        for line in lines.filtered("objective_id"):
            if line.objective_id.review_id != line.review_id:
                raise UserError(
                    self.env._("A key result belongs to an objective of its review.")
                )
