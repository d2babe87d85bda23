# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class PerfTemplateQuestion(models.Model):
    """A qualitative question of a template (e.g. teamwork, values), rated by
    each rater on the template's scale. Same access as its template."""

    _name = "perf.template.question"
    _inherit = ["perf.config.line.mixin"]
    _description = "Template Question"
    _order = "template_id, sequence, id"
    _perf_parent_field = "template_id"

    template_id = fields.Many2one(
        "perf.template", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="template_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Question", required=True, translate=True)
    description = fields.Text(
        string="Guidance", translate=True, help="What raters should look at."
    )
    weight = fields.Float(string="Weight (%)", required=True, default=0.0)
    comment_required = fields.Boolean(
        help="Raters must explain their rating in a comment."
    )

    _sql_constraints = [
        ("weight_positive", "CHECK(weight >= 0)", "A weight cannot be negative."),
    ]
