# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class PerfDistributionPolicyLine(models.Model):
    """Quota of one grade in a distribution policy. Same access as its
    policy."""

    _name = "perf.distribution.policy.line"
    _inherit = ["perf.config.line.mixin"]
    _description = "Distribution Quota"
    _order = "policy_id, sequence, id"
    _perf_parent_field = "policy_id"

    policy_id = fields.Many2one(
        "perf.distribution.policy", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    sequence = fields.Integer(related="grade_id.sequence", store=True)
    grade_id = fields.Many2one("perf.rating.grade", required=True, ondelete="cascade")
    min_pct = fields.Float(string="Minimum (%)", default=0.0)
    max_pct = fields.Float(string="Maximum (%)", default=100.0)

    _sql_constraints = [
        (
            "grade_unique",
            "UNIQUE(policy_id, grade_id)",
            "Each grade has one quota line per policy.",
        ),
    ]

    def _perf_number_problem(self, name, value):
        problem = super()._perf_number_problem(name, value)
        if problem:
            return self.env._("The quota cannot be saved: %(problem)s", problem=problem)
        return problem
