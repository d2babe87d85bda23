# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..domain import distribution


class PerfDistributionPolicy(models.Model):
    """Forced distribution (分布比例): for each grade of a scale, the share of
    a calibrated group that may (max) or must (min) get it. Groups smaller
    than ``min_group_size`` only get a warning.

    Access: every employee reads policies (managers calibrate against one);
    only performance administrators create, edit, archive or delete.
    """

    _name = "perf.distribution.policy"
    _inherit = ["perf.config.parent.mixin", "mail.thread"]
    _description = "Distribution Policy"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to share the policy between companies.",
    )
    rating_scale_id = fields.Many2one(
        "perf.rating.scale",
        string="Rating scale",
        required=True,
        check_company=True,
        tracking=True,
    )
    line_ids = fields.One2many(
        "perf.distribution.policy.line", "policy_id", string="Quotas", copy=True
    )
    min_group_size = fields.Integer(
        string="Enforced from group size",
        default=5,
        tracking=True,
        help="Calibration groups smaller than this only get a warning when "
        "their distribution is outside the quotas.",
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        (
            "min_group_size_positive",
            "CHECK(min_group_size >= 0)",
            "The group size cannot be negative.",
        ),
    ]

    @api.onchange("rating_scale_id")
    def _onchange_rating_scale_id(self):
        if self.rating_scale_id and not self.line_ids:
            self.line_ids = [
                fields.Command.create({"grade_id": grade.id, "max_pct": 100.0})
                for grade in self.rating_scale_id.grade_ids
            ]

    @api.constrains("line_ids", "rating_scale_id")
    def _check_quotas(self):
        for policy in self:
            messages = [
                policy._policy_problem_message(p) for p in policy._policy_problems()
            ]
            if messages:
                raise ValidationError(
                    self.env._(
                        "The distribution policy “%(policy)s” cannot be saved:\n"
                        "%(problems)s",
                        policy=policy.name,
                        problems="\n".join(f"• {m}" for m in messages),
                    )
                )

    def _perf_check_lines(self):
        self._check_quotas()

    def _policy(self):
        """The policy as the domain functions take it: code → (min, max)."""
        self.ensure_one()
        return {
            line.grade_id.code: (line.min_pct, line.max_pct) for line in self.line_ids
        }

    def _policy_problems(self):
        self.ensure_one()
        codes = self.rating_scale_id.grade_ids.mapped("code")
        problems = distribution.policy_problems(self._policy(), codes)
        foreign = self.line_ids.grade_id - self.rating_scale_id.grade_ids
        if foreign:
            problems.append(
                distribution.PolicyProblem(
                    "unknown_grade", tuple(foreign.mapped("code")), None
                )
            )
        return problems

    def _policy_problem_message(self, problem):
        _ = self.env._
        codes = ", ".join(problem.codes or ())
        if problem.kind == "min_above_max":
            return _("grade %(codes)s: the minimum is above the maximum.", codes=codes)
        if problem.kind == "out_of_range":
            return _("grade %(codes)s: percentages go from 0 to 100.", codes=codes)
        if problem.kind == "missing_grade":
            return _("grade %(codes)s of the scale has no quota line.", codes=codes)
        if problem.kind == "unknown_grade":
            return _(
                "grade %(codes)s is not a grade of the scale, or has two lines.",
                codes=codes,
            )
        if problem.kind == "infeasible_min":
            return _(
                "the minimums add up to %(value)s%%: no distribution can meet them.",
                value=problem.value,
            )
        if problem.kind == "infeasible_max":
            return _(
                "the maximums add up to %(value)s%% only: no distribution of the "
                "whole group fits.",
                value=problem.value,
            )
        return _("invalid quotas (%(problem)s).", problem=problem.kind)

    def _quota_counts(self, group_size):
        self.ensure_one()
        return distribution.quota_counts(group_size, self._policy())

    def _check_counts(self, counts):
        """``DistributionCheck`` of grade counts (code → number of people)."""
        self.ensure_one()
        return distribution.check_distribution(
            counts, self._policy(), min_group_size=self.min_group_size
        )
