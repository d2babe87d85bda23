# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..domain import grading

# The scales of data/perf_rating_scale_data.xml.
SHIPPED_SCALES = ("rating_scale_5", "rating_scale_3")


class PerfRatingScale(models.Model):
    """A grade scale (S/A/B/C/D …): each grade covers a band of the 0–100
    score, and the bands together cover 0–100 without gap or overlap.

    Access: every employee reads the scales (their reviews show grades);
    only performance administrators create, edit, archive or delete them.
    """

    _name = "perf.rating.scale"
    _inherit = ["perf.config.parent.mixin"]
    _description = "Rating Scale"
    _order = "sequence, id"
    _check_company_auto = True

    # ------------------------------------------------------------ fields
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share the scale between companies.",
        index=True,
    )
    description = fields.Text(translate=True)
    grade_ids = fields.One2many(
        "perf.rating.grade", "scale_id", string="Grades", copy=True
    )
    grade_count = fields.Integer(compute="_compute_grade_count")

    # ----------------------------------------------------------- compute
    @api.depends("grade_ids")
    def _compute_grade_count(self):
        for scale in self:
            scale.grade_count = len(scale.grade_ids)

    # ------------------------------------------------------- constraints
    @api.constrains("grade_ids")
    def _check_grade_bands(self):
        for scale in self:
            bands = [(g.code, g.min_score, g.max_score) for g in scale.grade_ids]
            messages = [
                scale._band_problem_message(problem)
                for problem in grading.band_problems(bands)
            ]
            if messages:
                raise ValidationError(
                    self.env._(
                        "The grades of the scale “%(scale)s” must cover the scores "
                        "0 to 100 without gaps or overlaps:\n%(problems)s",
                        scale=scale.name,
                        problems="\n".join(f"• {m}" for m in messages),
                    )
                )

    def _perf_check_lines(self):
        self._check_grade_bands()

    def _band_problem_message(self, problem):
        codes = " / ".join(problem.codes)
        # 60.0 reads as 60, 59.5 stays 59.5
        low, high = f"{problem.low:g}", f"{problem.high:g}"
        if problem.kind == "empty":
            return self.env._("the scale has no grade.")
        if problem.kind == "inverted":
            return self.env._(
                "grade %(codes)s: the minimum score must be below the maximum score.",
                codes=codes,
            )
        if problem.kind == "out_of_range":
            return self.env._(
                "grade %(codes)s: scores must stay between 0 and 100.", codes=codes
            )
        if problem.kind == "gap":
            return self.env._(
                "no grade covers the scores from %(low)s to %(high)s "
                "(next to %(codes)s).",
                low=low,
                high=high,
                codes=codes,
            )
        if problem.kind == "overlap":
            return self.env._(
                "grades %(codes)s overlap between %(low)s and %(high)s.",
                codes=codes,
                low=low,
                high=high,
            )
        if problem.kind == "duplicate_code":
            return self.env._("the code %(codes)s is used twice.", codes=codes)
        return self.env._("grades %(codes)s are not valid.", codes=codes)

    # ---------------------------------------------------------- business
    def _bands(self):
        self.ensure_one()
        return [(g.code, g.min_score, g.max_score) for g in self.grade_ids]

    def _grade_for_score(self, score):
        """The grade of this scale whose band holds ``score``."""
        self.ensure_one()
        if score is None or score is False or not self.grade_ids:
            return self.env["perf.rating.grade"]
        code = grading.grade_for_score(score, self._bands())
        return self.grade_ids.filtered(lambda g: g.code == code)[:1]

    @api.model
    def _name_shipped_grades(self):
        """Give each grade of the scales this add-on ships an XML id
        (``perf_closed_loop.<scale>_grade_<code>``): the grades are created
        inside their scale (they are checked together), and only records with
        an XML id get their names translated from ``i18n/``. Idempotent; run
        at install and at each upgrade. A grade already named, or whose code
        an administrator changed into something no XML id can hold, is left
        alone."""
        Data = self.env["ir.model.data"]
        data_list = []
        for scale_name in SHIPPED_SCALES:
            scale = self.env.ref(f"perf_closed_loop.{scale_name}", False)
            if not scale:
                continue
            named = scale.grade_ids._get_external_ids()
            for grade in scale.grade_ids:
                code = (grade.code or "").lower()
                if named.get(grade.id) or not code.isalnum() or not code.isascii():
                    continue
                data_list.append(
                    {
                        "xml_id": f"perf_closed_loop.{scale_name}_grade_{code}",
                        "record": grade,
                        "noupdate": True,
                    }
                )
        Data._update_xmlids(data_list)
