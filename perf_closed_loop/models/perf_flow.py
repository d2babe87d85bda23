# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..domain import flow as flow_rules


class PerfFlow(models.Model):
    """Review flow (考核流程): the ordered steps a review goes through —
    goal setting, goal approval chain, the rating steps (self, peers,
    manager, skip-level, designated reviewer) with their weight in the final
    score, calibration and HR approval.

    Access: every employee reads flows (their review follows one);
    only performance administrators create, edit, copy, archive or delete.
    """

    _name = "perf.flow"
    _inherit = ["perf.config.parent.mixin", "mail.thread"]
    _description = "Review Flow"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to share the flow between companies.",
    )
    description = fields.Text(translate=True)
    step_ids = fields.One2many("perf.flow.step", "flow_id", string="Steps", copy=True)
    rating_weight_total = fields.Float(
        string="Rating weights", compute="_compute_summary"
    )
    goal_setter = fields.Selection(
        [("employee", "Employee"), ("manager", "Manager")],
        string="Goals set by",
        compute="_compute_summary",
    )
    has_peer_review = fields.Boolean(compute="_compute_summary")
    has_skip_level_review = fields.Boolean(compute="_compute_summary")
    approval_level_count = fields.Integer(
        string="Goal approval levels", compute="_compute_summary"
    )

    @api.depends("step_ids.kind", "step_ids.actor", "step_ids.weight")
    def _compute_summary(self):
        for flow in self:
            steps = flow.step_ids
            flow.rating_weight_total = sum(
                s.weight for s in steps if s.kind in flow_rules.RATING_KINDS
            )
            setter = steps.filtered(lambda s: s.kind == "goal_setting")[:1].actor
            flow.goal_setter = setter if setter in ("employee", "manager") else False
            flow.has_peer_review = "peer" in steps.mapped("kind")
            flow.has_skip_level_review = "skip_level" in steps.mapped("kind")
            flow.approval_level_count = len(
                steps.filtered(lambda s: s.kind == "goal_approval")
            )

    @api.constrains("step_ids")
    def _check_steps(self):
        for flow in self:
            messages = [flow._flow_problem_message(p) for p in flow._flow_problems()]
            if messages:
                raise ValidationError(
                    self.env._(
                        "The review flow “%(flow)s” cannot be saved:\n%(problems)s",
                        flow=flow.name,
                        problems="\n".join(f"• {m}" for m in messages),
                    )
                )

    def _perf_check_lines(self):
        self._check_steps()

    def _ordered_steps(self):
        self.ensure_one()
        return self.step_ids.sorted(lambda s: (s.sequence, s.id))

    def _flow_problems(self):
        self.ensure_one()
        return flow_rules.flow_problems(
            [(s.kind, s.actor, s.weight) for s in self._ordered_steps()]
        )

    def _flow_problem_message(self, problem):
        _ = self.env._
        kinds = dict(
            self.env["perf.flow.step"]._fields["kind"]._description_selection(self.env)
        )
        messages = {
            "no_goal_setting": _("add a goal-setting step."),
            "goal_setting_after_rating": _(
                "goals must be set before any evaluation step."
            ),
            "approval_before_goal_setting": _(
                "goal approval must come after goal setting."
            ),
            "no_rating_step": _(
                "add at least one rating step (self, peers, manager, skip-level "
                "or designated reviewer)."
            ),
            "calibration_after_hr": _("calibration must come before HR approval."),
            "hr_before_rating": _("HR approval must come after the rating steps."),
            "calibration_before_rating": _(
                "calibration must come after the rating steps."
            ),
            "negative_weight": _("a step weight cannot be negative."),
            "weight_not_a_number": _("a step weight must be a number."),
            "tiny_weight": _(
                "a rating step weighs less than 0.01: give it a weight or 0."
            ),
        }
        if problem.kind in messages:
            return messages[problem.kind]
        if problem.kind == "rating_weights":
            return _(
                "the rating steps weigh %(total)s in all instead of 100.",
                total=problem.detail,
            )
        if problem.kind == "duplicate_kind":
            return _(
                "the step “%(kind)s” appears more than once.",
                kind=kinds.get(problem.detail, problem.detail),
            )
        if problem.kind == "bad_actor":
            return _(
                "the step “%(kind)s” cannot be done by that actor.",
                kind=kinds.get(problem.detail, problem.detail),
            )
        return _("invalid step order (%(problem)s).", problem=problem.kind)

    def _goal_approval_actors(self):
        self.ensure_one()
        return (
            self._ordered_steps()
            .filtered(lambda s: s.kind == "goal_approval")
            .mapped("actor")
        )

    def _rating_steps(self):
        self.ensure_one()
        return self._ordered_steps().filtered(
            lambda s: s.kind in flow_rules.RATING_KINDS
        )
