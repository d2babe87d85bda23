# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class PerfRatingGrade(models.Model):
    """One grade of a rating scale: a score band [min, max) — the top grade
    also holds 100 — and the bonus coefficient it earns. Same access as its
    scale."""

    _name = "perf.rating.grade"
    _inherit = ["perf.config.line.mixin"]
    _description = "Rating Grade"
    _order = "scale_id, sequence, min_score desc, id"
    _perf_parent_field = "scale_id"

    scale_id = fields.Many2one(
        "perf.rating.scale", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="scale_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    code = fields.Char(required=True, help="Short code, e.g. S, A, B, C, D.")
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    min_score = fields.Float(
        string="From score", required=True, help="Lowest score of the band."
    )
    max_score = fields.Float(
        string="To score",
        required=True,
        help="The band holds scores below this one (100 is held by the top grade).",
    )
    coefficient = fields.Float(
        string="Bonus coefficient",
        default=1.0,
        digits=(4, 2),
        help="Multiplier applied to the target bonus for this grade.",
    )
    color = fields.Integer()

    _sql_constraints = [
        (
            "coefficient_positive",
            "CHECK(coefficient >= 0)",
            "The bonus coefficient cannot be negative.",
        ),
    ]

    @api.depends("code", "name")
    def _compute_display_name(self):
        for grade in self:
            grade.display_name = (
                f"{grade.code} – {grade.name}" if grade.code else grade.name
            )

    def _band_score(self):
        """The score a rater gives by picking this grade: the middle of its
        band."""
        self.ensure_one()
        return round((self.min_score + self.max_score) / 2.0, 2)
