# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class PerfCycle(models.Model):
    """The start of the evaluation (考核评价): execution → evaluation.

    ``action_start_evaluation`` opens a preview (``perf.cycle.evaluation``,
    built from ``_evaluation_plan``): the reviews still setting or
    approving goals, which HR includes as they are, leaves out or cancels,
    and every rating step nobody can give (an optional one is skipped, its
    weight going to the other steps; HR names the rater of a required
    one). Confirming it runs the background job ``evaluation``: each batch
    moves its reviews to evaluation and creates their rating tasks
    (``perf.review._start_evaluation``, ``perf_review_evaluation.py``).
    The ratings themselves, step after step, are ``perf.review.rating``'s.

    Who: HR officers, on a cycle in execution with no job running
    (``_check_can_start_evaluation``).

    Fields: the job kind ``evaluation``; the ratings given and still to
    give, in all and per step (``rating_*``).
    """

    # One model, a file per phase (docs/architecture.md): not to be merged.
    _inherit = "perf.cycle"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------ fields
    job_kind = fields.Selection(
        selection_add=[("evaluation", "Start of the evaluation")]
    )
    rating_open_count = fields.Integer(
        string="Ratings to give", compute="_compute_rating_counters"
    )
    rating_done_count = fields.Integer(
        string="Ratings given", compute="_compute_rating_counters"
    )
    rating_progress_html = fields.Html(
        string="Ratings by step", compute="_compute_rating_counters", sanitize=False
    )

    # ----------------------------------------------------------- compute
    @api.depends("review_ids.rating_ids.state")
    def _compute_rating_counters(self):
        """Ratings given and still to give, per step, in one grouped read."""
        Rating = self.env["perf.review.rating"].sudo()
        rows = Rating._read_group(
            [("cycle_id", "in", self.ids)],
            ["cycle_id", "role", "state"],
            ["__count"],
        )
        roles = dict(Rating._fields["role"]._description_selection(self.env))
        per_cycle = {}
        for cycle, role, state, count in rows:
            done, open_ = per_cycle.setdefault(cycle.id, {}).setdefault(role, [0, 0])
            if state in ("waiting", "todo"):
                per_cycle[cycle.id][role][1] += count
            elif state == "submitted":
                per_cycle[cycle.id][role][0] += count
        _ = self.env._
        for cycle in self:
            steps = per_cycle.get(cycle.id, {})
            cycle.rating_done_count = sum(d for d, _o in steps.values())
            cycle.rating_open_count = sum(o for _d, o in steps.values())
            if not steps:
                cycle.rating_progress_html = False
                continue
            rows_html = Markup("").join(
                Markup(
                    "<tr><td>%s</td><td class='text-end'>%s</td>"
                    "<td class='text-end'>%s</td></tr>"
                )
                % (roles.get(role, role), done, open_)
                for role, (done, open_) in sorted(
                    steps.items(), key=lambda item: list(roles).index(item[0])
                )
            )
            cycle.rating_progress_html = Markup(
                "<table class='table table-sm o_perf_rating_progress'><thead><tr>"
                "<th>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th>"
                "</tr></thead><tbody>%s</tbody></table>"
            ) % (_("Step"), _("Given"), _("To give"), rows_html)

    # ------------------------------------------------------------ guards
    def _check_can_start_evaluation(self):
        self._check_hr()
        for cycle in self:
            if cycle.state != "execution" or cycle._job_running():
                raise UserError(
                    self.env._(
                        "The evaluation of %(cycle)s starts once the cycle is in "
                        "execution.",
                        cycle=cycle.name,
                    )
                )

    # ----------------------------------------------------------- actions
    def action_start_evaluation(self):
        """Preview the start of the evaluation (考核评价): the reviews still
        setting goals and every rating nobody can give; the preview starts
        it. With ``perf_force`` in the context and nothing blocking, start
        at once with the preview's defaults."""
        self._lock_for_update()
        self._check_can_start_evaluation()
        self.ensure_one()
        wizard = self.env["perf.cycle.evaluation"].create({"cycle_id": self.id})
        wizard._fill()
        if self.env.context.get("perf_force") and not wizard.blocking_count:
            return wizard.action_confirm()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Start the evaluation"),
            "res_model": "perf.cycle.evaluation",
            "res_id": wizard.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def _evaluation_plan(self):
        """What the start of the evaluation must decide: the reviews still in
        a goal phase, and (review, step, why) for every rating step of the
        reviews to evaluate that nobody can give (peers excepted: they are
        nominated)."""
        self.ensure_one()
        reviews = self.review_ids.sudo().filtered(
            lambda r: r.state in ("goal_setting", "goal_approval", "execution")
        )
        stragglers = reviews.filtered(lambda r: r.state != "execution")
        missing = []
        _ = self.env._
        for review in reviews:
            for step in review.flow_id._rating_steps():
                if step.kind == "peer":
                    if not review._active_nominations():
                        missing.append(
                            (
                                review,
                                step,
                                _("no peers nominated: the step is skipped")
                                if step.optional
                                else _("no peers nominated yet: they are asked now"),
                            )
                        )
                    continue
                user, why = review._step_rater(step)
                if not user:
                    missing.append((review, step, why))
        return stragglers, missing

    def _do_start_evaluation(self, leave_out=None, cancel=None, raters=None):
        """Start the evaluation: the reviews in ``cancel`` ({review: reason})
        are cancelled, those in ``leave_out`` stay where they are, every
        other live review moves to evaluation with its rating tasks, through
        the background job. ``raters`` names the rater of a step nobody
        else can give: {(review id, step id): user id}."""
        self.ensure_one()
        leave_out = leave_out or self.env["perf.review"]
        for review, reason in (cancel or {}).items():
            review._do_cancel_review(reason)
        reviews = (
            self.review_ids.sudo().filtered(
                lambda r: r.state in ("goal_setting", "goal_approval", "execution")
            )
            - leave_out
        )
        self._write_state({"state": "evaluation"})
        self._start_job(
            "evaluation",
            reviews.ids,
            {
                "raters": {
                    f"{review_id}-{step_id}": user_id
                    for (review_id, step_id), user_id in (raters or {}).items()
                }
            },
        )

    # ---------------------------------------------------- background job
    def _job_evaluation(self, review_ids, options):
        raters = {
            tuple(int(part) for part in key.split("-")): user_id
            for key, user_id in (options.get("raters") or {}).items()
        }
        reviews = self.env["perf.review"].sudo().browse(review_ids).exists()
        reviews.filtered(
            lambda r: r.state in ("goal_setting", "goal_approval", "execution")
        )._start_evaluation(raters)

    def _job_evaluation_finish(self):
        self.ensure_one()
        Rating = self.env["perf.review.rating"].sudo()
        reviews = (
            self.env["perf.review"]
            .sudo()
            .search_count([("cycle_id", "=", self.id), ("state", "=", "evaluation")])
        )
        open_ = Rating.search_count(
            [("cycle_id", "=", self.id), ("state", "=", "todo")]
        )
        self.message_post(
            body=self.env._(
                "Evaluation started: %(reviews)s reviews, %(ratings)s ratings open "
                "now (later steps open when the earlier ones are submitted).",
                reviews=reviews,
                ratings=open_,
            ),
            subtype_xmlid="mail.mt_note",
        )
        self.env.ref("perf_closed_loop.ir_cron_perf_deliver_todos")._trigger()
