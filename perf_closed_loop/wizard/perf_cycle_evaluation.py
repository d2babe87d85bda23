# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError


class PerfCycleEvaluation(models.TransientModel):
    """Preview of the start of the evaluation (考核评价): the reviews still
    setting or approving goals (HR includes them as they are, leaves them
    out or cancels them), and every rating step nobody can give (an
    optional one is skipped and its weight goes to the other steps; HR names
    the rater of a required one before starting)."""

    _name = "perf.cycle.evaluation"
    _description = "Start of the Evaluation"

    cycle_id = fields.Many2one("perf.cycle", required=True, ondelete="cascade")
    line_ids = fields.One2many("perf.cycle.evaluation.line", "wizard_id")
    straggler_line_ids = fields.One2many(
        "perf.cycle.evaluation.line",
        "wizard_id",
        domain=[("kind", "=", "straggler")],
        string="Goals not approved",
    )
    rater_line_ids = fields.One2many(
        "perf.cycle.evaluation.line",
        "wizard_id",
        domain=[("kind", "=", "no_rater")],
        string="Ratings nobody gives",
    )
    review_count = fields.Integer(string="Reviews to evaluate", readonly=True)
    straggler_count = fields.Integer(compute="_compute_counts")
    blocking_count = fields.Integer(compute="_compute_counts")
    skipped_count = fields.Integer(compute="_compute_counts")
    cancel_reason = fields.Text(
        help="Why the reviews you cancel are cancelled (kept on each review)."
    )

    @api.depends("line_ids.rater_id", "line_ids.decision", "line_ids.kind")
    def _compute_counts(self):
        for wizard in self:
            left = wizard._reviews_not_evaluated()
            open_lines = wizard.line_ids.filtered(
                lambda line, left=left: (
                    line.kind == "no_rater" and line.review_id not in left
                )
            )
            wizard.straggler_count = len(
                wizard.line_ids.filtered(lambda line: line.kind == "straggler")
            )
            wizard.blocking_count = len(
                open_lines.filtered(lambda line: line.required and not line.rater_id)
            )
            wizard.skipped_count = len(
                open_lines.filtered(
                    lambda line: not line.required and not line.rater_id
                )
            )

    def _reviews_not_evaluated(self):
        return self.line_ids.filtered(
            lambda line: line.kind == "straggler" and line.decision != "include"
        ).review_id

    def _fill(self):
        self.ensure_one()
        stragglers, missing = self.cycle_id._evaluation_plan()
        lines = [
            {
                "wizard_id": self.id,
                "kind": "straggler",
                "review_id": review.id,
                "decision": "include",
            }
            for review in stragglers
        ] + [
            {
                "wizard_id": self.id,
                "kind": "no_rater",
                "review_id": review.id,
                "step_id": step.id,
                # Peers are nominated, not named by HR: never blocking.
                "required": not step.optional and step.kind != "peer",
                "reason": why,
            }
            for review, step, why in missing
        ]
        self.env["perf.cycle.evaluation.line"].create(lines)
        self.review_count = len(
            self.cycle_id.review_ids.filtered(
                lambda r: r.state in ("goal_setting", "goal_approval", "execution")
            )
        )

    def action_confirm(self):
        self.ensure_one()
        cycle = self.cycle_id
        cycle._check_can_start_evaluation()
        left = self._reviews_not_evaluated()
        blocking = self.line_ids.filtered(
            lambda line: (
                line.kind == "no_rater"
                and line.required
                and not line.rater_id
                and line.review_id not in left
            )
        )
        if blocking:
            raise UserError(
                self.env._(
                    "Name who gives these required ratings first:\n%(lines)s",
                    lines="\n".join(
                        f"• {line.review_id.employee_id.name}: "
                        f"{line.step_id.display_name} ({line.reason})"
                        for line in blocking[:50]
                    ),
                )
            )
        cancel = self.line_ids.filtered(
            lambda line: line.kind == "straggler" and line.decision == "cancel"
        ).review_id
        if cancel and not (self.cancel_reason or "").strip():
            raise UserError(
                self.env._("Give the reason why the reviews you cancel are cancelled.")
            )
        raters = {}
        for line in self.line_ids.filtered(lambda x: x.kind == "no_rater"):
            if not line.rater_id or line.review_id in left:
                continue
            if line.rater_id == line.review_id.user_id:
                raise UserError(
                    self.env._(
                        "%(user)s cannot rate their own review: name somebody else.",
                        user=line.rater_id.name,
                    )
                )
            raters[(line.review_id.id, line.step_id.id)] = line.rater_id.id
        cycle._do_start_evaluation(
            leave_out=left - cancel,
            cancel=dict.fromkeys(cancel, self.cancel_reason),
            raters=raters,
        )
        return {"type": "ir.actions.act_window_close"}
