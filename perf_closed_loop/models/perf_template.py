# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..domain import scoring, weights


class PerfTemplate(models.Model):
    """Review template (考核模板): the frame employees fill in during a cycle.

    Three sections share the score: KPI (quantitative indicators, 定量维度),
    OKR (objectives and key results written when goals are set) and
    qualitative questions rated on the template's scale. The weights of the
    enabled sections sum to 100, and inside each section the weights of the
    lines sum to 100 (for KPI: together with the budget left to
    employee-added indicators).

    Access: every employee reads templates (their review copies one);
    only performance administrators create, edit, copy, archive or delete.
    """

    _name = "perf.template"
    _inherit = ["perf.config.parent.mixin", "mail.thread"]
    _description = "Review Template"
    _order = "sequence, name, id"
    _check_company_auto = True

    # ------------------------------------------------------------ fields
    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        index=True,
        help="Leave empty to share the template between companies.",
    )
    description = fields.Html(translate=True)
    flow_id = fields.Many2one(
        "perf.flow",
        string="Review flow",
        required=True,
        check_company=True,
        tracking=True,
        default=lambda self: self.env.ref(
            "perf_closed_loop.flow_full", raise_if_not_found=False
        ),
    )
    rating_scale_id = fields.Many2one(
        "perf.rating.scale",
        string="Rating scale",
        required=True,
        check_company=True,
        tracking=True,
        default=lambda self: self.env.ref(
            "perf_closed_loop.rating_scale_5", raise_if_not_found=False
        ),
    )
    # Section weights
    kpi_weight = fields.Float(string="KPI weight (%)", default=100.0, tracking=True)
    okr_enabled = fields.Boolean(string="OKR section", tracking=True)
    okr_weight = fields.Float(string="OKR weight (%)", tracking=True)
    question_weight = fields.Float(string="Questions weight (%)", tracking=True)
    section_weight_total = fields.Float(compute="_compute_weight_totals")
    # KPI section
    kpi_line_ids = fields.One2many(
        "perf.template.kpi", "template_id", string="KPI indicators", copy=True
    )
    kpi_line_weight_total = fields.Float(compute="_compute_weight_totals")
    allow_employee_indicators = fields.Boolean(
        string="Employees may add indicators",
        help="When goals are set, the employee (or the manager) may add their "
        "own KPI indicators within the count and weight budget below.",
    )
    indicator_min_count = fields.Integer(string="Minimum added indicators")
    indicator_max_count = fields.Integer(string="Maximum added indicators", default=5)
    indicator_weight_budget = fields.Float(
        string="Weight budget for added indicators (%)",
        help="Share of the KPI section left to indicators added when goals "
        "are set; the template's own indicators take the rest.",
    )
    # OKR section
    okr_min_objectives = fields.Integer(string="Minimum objectives", default=1)
    okr_max_objectives = fields.Integer(string="Maximum objectives", default=5)
    okr_min_key_results = fields.Integer(
        string="Minimum key results per objective", default=1
    )
    okr_max_key_results = fields.Integer(
        string="Maximum key results per objective", default=5
    )
    key_result_mode = fields.Selection(
        [
            ("linear", "Progress is the score"),
            ("okr", "70% progress is a full score"),
        ],
        string="Key result scoring",
        default="linear",
        required=True,
    )
    # Questions
    question_ids = fields.One2many(
        "perf.template.question", "template_id", string="Questions", copy=True
    )
    question_weight_total = fields.Float(compute="_compute_weight_totals")
    kpi_line_count = fields.Integer(compute="_compute_weight_totals")
    question_count = fields.Integer(compute="_compute_weight_totals")

    _sql_constraints = [
        (
            "section_weights_range",
            "CHECK(kpi_weight >= 0 AND kpi_weight <= 100 AND okr_weight >= 0 "
            "AND okr_weight <= 100 AND question_weight >= 0 "
            "AND question_weight <= 100)",
            "Each section weight must be between 0 and 100.",
        ),
    ]

    # ----------------------------------------------------------- compute
    @api.depends(
        "kpi_weight",
        "okr_weight",
        "question_weight",
        "kpi_line_ids.weight",
        "question_ids.weight",
    )
    def _compute_weight_totals(self):
        for template in self:
            template.section_weight_total = (
                template.kpi_weight + template.okr_weight + template.question_weight
            )
            template.kpi_line_weight_total = sum(template.kpi_line_ids.mapped("weight"))
            template.question_weight_total = sum(template.question_ids.mapped("weight"))
            template.kpi_line_count = len(template.kpi_line_ids)
            template.question_count = len(template.question_ids)

    def _section_weights(self):
        """Weight of each section in a rating's total (kpi, okr, question)."""
        self.ensure_one()
        return {
            "kpi": self.kpi_weight,
            "okr": self.okr_weight if self.okr_enabled else 0.0,
            "question": self.question_weight,
        }

    @api.onchange("okr_enabled")
    def _onchange_okr_enabled(self):
        if not self.okr_enabled:
            self.okr_weight = 0.0

    @api.onchange("allow_employee_indicators")
    def _onchange_allow_employee_indicators(self):
        if not self.allow_employee_indicators:
            self.indicator_weight_budget = 0.0

    # ------------------------------------------------------- constraints
    @api.constrains(
        "kpi_weight",
        "okr_weight",
        "question_weight",
        "okr_enabled",
        "kpi_line_ids",
        "question_ids",
        "allow_employee_indicators",
        "indicator_weight_budget",
        "indicator_min_count",
        "indicator_max_count",
        "okr_min_objectives",
        "okr_max_objectives",
        "okr_min_key_results",
        "okr_max_key_results",
    )
    def _check_weights(self):
        for template in self:
            try:
                problems = template._weight_problems()
            except ValueError:
                # A weight the maths refuses (negative, too large to add).
                problems = [
                    self.env._(
                        "a weight cannot be negative and must be a number small "
                        "enough to add up."
                    )
                ]
            if problems:
                raise ValidationError(
                    self.env._(
                        "The template “%(template)s” cannot be saved:\n%(problems)s",
                        template=template.name,
                        problems="\n".join(f"• {p}" for p in problems),
                    )
                )

    def _perf_check_lines(self):
        self._check_weights()

    def _weight_problems(self):
        """Human-readable problems of this template's weights and counts."""
        self.ensure_one()
        _ = self.env._
        problems = []
        sections = (self.kpi_weight, self.okr_weight, self.question_weight)
        if not weights.weights_ok(sections):
            problems.append(
                _(
                    "the section weights (KPI %(kpi)s + OKR %(okr)s + questions "
                    "%(question)s) add up to %(total)s instead of 100.",
                    kpi=self.kpi_weight,
                    okr=self.okr_weight,
                    question=self.question_weight,
                    total=weights.weights_total(sections),
                )
            )
        if self.okr_enabled and not self.okr_weight:
            problems.append(_("the OKR section is enabled but weighs 0."))
        if not self.okr_enabled and self.okr_weight:
            problems.append(
                _(
                    "the OKR section weighs %(weight)s but is not enabled.",
                    weight=self.okr_weight,
                )
            )
        if self.kpi_weight:
            kpi_total = weights.weights_total(self.kpi_line_ids.mapped("weight"))
            budget = (
                self.indicator_weight_budget if self.allow_employee_indicators else 0.0
            )
            if not weights.weights_ok([kpi_total, budget]):
                problems.append(
                    _(
                        "the KPI indicators weigh %(total)s%(budget)s; together "
                        "they must make 100.",
                        total=kpi_total,
                        budget=_(
                            " plus %(budget)s left to added indicators", budget=budget
                        )
                        if budget
                        else "",
                    )
                )
        elif self.kpi_line_ids:
            problems.append(
                _(
                    "the KPI section weighs 0 but has indicators; remove them or give "
                    "the section a weight."
                )
            )
        if self.question_weight:
            question_total = weights.weights_total(self.question_ids.mapped("weight"))
            if not weights.weights_ok([question_total]):
                problems.append(
                    _(
                        "the questions weigh %(total)s in all instead of 100.",
                        total=question_total,
                    )
                )
        elif self.question_ids:
            problems.append(
                _(
                    "the questions section weighs 0 but has questions; remove them or "
                    "give the section a weight."
                )
            )
        if self.allow_employee_indicators and (
            self.indicator_min_count < 0
            or self.indicator_max_count < self.indicator_min_count
        ):
            problems.append(
                _(
                    "the number of added indicators must go from a minimum to a larger "
                    "or equal maximum."
                )
            )
        if self.okr_enabled and (
            self.okr_min_objectives < 1
            or self.okr_max_objectives < self.okr_min_objectives
            or self.okr_min_key_results < 1
            or self.okr_max_key_results < self.okr_min_key_results
        ):
            problems.append(
                _(
                    "OKR: at least one objective and one key result each, and maximums "
                    "not below minimums."
                )
            )
        return problems

    # ---------------------------------------------------------- business
    def _section_weights(self):
        self.ensure_one()
        return {
            "kpi": self.kpi_weight,
            "okr": self.okr_weight if self.okr_enabled else 0.0,
            "question": self.question_weight,
        }

    def _key_result_score(self, progress):
        self.ensure_one()
        return scoring.key_result_score(progress or 0.0, mode=self.key_result_mode)
