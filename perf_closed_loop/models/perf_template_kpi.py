# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models

from ..domain import scoring


class PerfTemplateKpi(models.Model):
    """A quantitative indicator (定量维度) of a template, copied into each
    review at launch. Same access as its template."""

    _name = "perf.template.kpi"
    _inherit = ["perf.config.line.mixin"]
    _description = "Template KPI Indicator"
    _order = "template_id, sequence, id"
    _perf_parent_field = "template_id"

    template_id = fields.Many2one(
        "perf.template", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="template_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Indicator", required=True, translate=True)
    description = fields.Text(
        translate=True,
        help="How the indicator is measured and where the data comes from.",
    )
    weight = fields.Float(string="Weight (%)", required=True, default=0.0)
    target_value = fields.Float(string="Target")
    unit = fields.Char(translate=True, help="e.g. %, ¥10k, tickets, days")
    direction = fields.Selection(
        [("higher", "Higher is better"), ("lower", "Lower is better")],
        required=True,
        default="higher",
    )
    auto_score = fields.Boolean(
        string="Score from actual vs target",
        help="The score is computed from the actual value against the target "
        "(capped), instead of being given by the raters.",
    )
    measure_id = fields.Many2one(
        "perf.measure",
        string="Measured by",
        help="Measure the actual from Odoo's records (sales, tasks …) instead "
        "of people typing it.",
    )
    score_cap = fields.Float(
        string="Score cap",
        default=120.0,
        help="Highest score an over-achieved indicator can reach.",
    )

    _sql_constraints = [
        ("weight_positive", "CHECK(weight >= 0)", "A weight cannot be negative."),
        (
            "score_cap_range",
            "CHECK(score_cap >= 100 AND score_cap <= 150)",
            "The score cap must be between 100 and 150.",
        ),
    ]

    def _auto_score(self, actual):
        """Score of ``actual`` against this indicator's target."""
        self.ensure_one()
        return scoring.kpi_auto_score(
            actual, self.target_value, self.direction, cap=self.score_cap
        )

    def _perf_number_problem(self, name, value):
        problem = super()._perf_number_problem(name, value)
        if problem and name == "score_cap":
            return self.env._(
                "The score cap must be between 100 and 150, not %(value)s.",
                value=value,
            )
        return problem
