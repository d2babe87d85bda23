# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .perf_state_mixin import STATE_CONTEXT, STATE_TOKEN
from .perf_todo_mixin import BULK_CONTEXT, TODO_TYPE


class PerfCycle(models.Model):
    """One launch (考核周期) for a company: who is reviewed with which
    template, the phase deadlines, and the progress of every review.

    Access: HR officers create, preview, launch, move the phases on and
    cancel cycles of their companies; managers and employees read the
    cycles of their reviews. ``state`` changes only through the buttons.
    Nothing launched is ever deleted: only a draft cycle may be; cancelling
    archives the cycle and keeps every review, rating and reason.

    Company-wide phases (launch, start of the evaluation, publication) run
    as one background job per cycle (``perf.job.mixin``): the job's queue is
    computed once, and each batch advances a pointer in the same transaction
    as its work, so a crashed job resumes exactly where it stopped.

    This file holds what every phase shares: the cycle's identity, period
    and deadlines, its assignments, its state and the per-phase progress
    counters of its reviews, the buttons' flags, cancelling and the overdue
    reminders. Each phase extends the model in a file of its own
    (docs/architecture.md): ``perf_cycle_launch.py`` (draft → goal
    setting), ``perf_cycle_execution.py`` (→ execution),
    ``perf_cycle_evaluation.py`` (→ evaluation), ``perf_cycle_calibration.py``
    (→ calibration), ``perf_cycle_publication.py`` (→ published → closed),
    ``perf_cycle_recurrence.py`` (the next cycle, recurring cycles). HR's
    own to-dos on a cycle (confirm and launch a recurring cycle) come from
    ``perf.todo.mixin``.
    """

    _name = "perf.cycle"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "perf.state.mixin",
        "perf.job.mixin",
        "perf.todo.mixin",
    ]
    _description = "Review Cycle"
    _order = "date_start desc, id desc"
    _check_company_auto = True

    # ------------------------------------------------------------ fields
    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
        tracking=True,
    )
    hr_user_id = fields.Many2one(
        "res.users",
        string="HR responsible",
        default=lambda self: self.env.user,
        tracking=True,
        help="Approves goals when a flow asks for HR approval, and receives "
        "the to-dos nobody else can take.",
    )
    active = fields.Boolean(
        default=True,
        copy=False,
        help="Cancelled cycles are archived, with all they hold.",
    )
    date_start = fields.Date(string="Period from", required=True, tracking=True)
    date_end = fields.Date(string="Period to", required=True, tracking=True)
    goal_deadline = fields.Date(string="Goals due", tracking=True)
    evaluation_deadline = fields.Date(string="Evaluation due", tracking=True)
    calibration_deadline = fields.Date(string="Calibration due", tracking=True)
    assignment_ids = fields.One2many(
        "perf.cycle.assignment", "cycle_id", string="Assignments", copy=True
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("goal_setting", "Goal setting"),
            ("execution", "Execution"),
            ("evaluation", "Evaluation"),
            ("calibration", "Calibration"),
            ("published", "Published"),
            ("closed", "Closed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
        index=True,
    )
    cancel_reason = fields.Text(readonly=True, copy=False)
    review_ids = fields.One2many("perf.review", "cycle_id", string="Reviews")
    # Progress of the reviews, phase by phase (the cycle form's dashboard).
    review_count = fields.Integer(compute="_compute_counters")
    goals_draft_count = fields.Integer(
        string="Goals not submitted", compute="_compute_counters"
    )
    goals_waiting_count = fields.Integer(
        string="Awaiting approval", compute="_compute_counters"
    )
    execution_count = fields.Integer(string="In execution", compute="_compute_counters")
    at_risk_count = fields.Integer(string="At risk", compute="_compute_counters")
    evaluation_count = fields.Integer(
        string="In evaluation", compute="_compute_counters"
    )
    evaluation_done_count = fields.Integer(
        string="Evaluation complete", compute="_compute_counters"
    )
    todo_pending_count = fields.Integer(
        string="To-dos to send", compute="_compute_counters"
    )
    published_count = fields.Integer(string="Published", compute="_compute_counters")
    acknowledged_count = fields.Integer(
        string="Acknowledged", compute="_compute_counters"
    )
    # Buttons: each flag calls its phase's guard.
    can_launch = fields.Boolean(compute="_compute_can")
    can_start_execution = fields.Boolean(compute="_compute_can")
    can_start_evaluation = fields.Boolean(compute="_compute_can")
    can_start_calibration = fields.Boolean(compute="_compute_can")
    can_publish = fields.Boolean(compute="_compute_can")
    can_close = fields.Boolean(compute="_compute_can")
    can_cancel = fields.Boolean(compute="_compute_can")
    _sql_constraints = [
        (
            "dates_ordered",
            "CHECK(date_end >= date_start)",
            "The period must end after it starts.",
        ),
    ]

    # -------------------------------------------------------------- CRUD
    def write(self, vals):
        if "active" in vals and self.env.context.get(STATE_CONTEXT) is not STATE_TOKEN:
            raise UserError(
                self.env._("A cycle is archived by cancelling it, and stays archived.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_launched(self):
        launched = self.filtered(lambda c: c.state != "draft" or c.review_ids)
        if launched:
            raise UserError(
                self.env._(
                    "A launched cycle is never deleted (%(cycles)s): cancel it "
                    "instead; it is archived with everything it holds.",
                    cycles=", ".join(launched.mapped("name")),
                )
            )

    @api.constrains(
        "date_end", "goal_deadline", "evaluation_deadline", "calibration_deadline"
    )
    def _check_deadlines(self):
        _ = self.env._
        for cycle in self:
            problems = []
            if cycle.goal_deadline and cycle.goal_deadline > cycle.date_end:
                problems.append(_("the goals are due after the period ends."))
            if (
                cycle.goal_deadline
                and cycle.evaluation_deadline
                and cycle.evaluation_deadline < cycle.goal_deadline
            ):
                problems.append(_("the evaluation is due before the goals."))
            if (
                cycle.evaluation_deadline
                and cycle.calibration_deadline
                and cycle.calibration_deadline < cycle.evaluation_deadline
            ):
                problems.append(_("the calibration is due before the evaluation."))
            if problems:
                raise ValidationError(
                    _(
                        "The cycle “%(cycle)s” cannot be saved:\n%(problems)s",
                        cycle=cycle.name,
                        problems="\n".join(f"• {p}" for p in problems),
                    )
                )

    # ----------------------------------------------------------- compute
    @api.depends(
        "review_ids.state",
        "review_ids.todo_pending",
        "review_ids.risk_status",
        "review_ids.evaluation_done",
        "review_ids.acknowledged",
    )
    def _compute_counters(self):
        groups = self.env["perf.review"]._read_group(
            [("cycle_id", "in", self.ids)],
            ["cycle_id", "state"],
            ["__count"],
        )
        counts = {(cycle.id, state): count for cycle, state, count in groups}
        risk = dict(
            self.env["perf.review"]._read_group(
                [
                    ("cycle_id", "in", self.ids),
                    ("risk_status", "in", ("at_risk", "off_track")),
                    ("state", "=", "execution"),
                ],
                ["cycle_id"],
                ["__count"],
            )
        )
        pending = dict(
            self.env["perf.review"]._read_group(
                [("cycle_id", "in", self.ids), ("todo_pending", "=", True)],
                ["cycle_id"],
                ["__count"],
            )
        )
        done = dict(
            self.env["perf.review"]._read_group(
                [("cycle_id", "in", self.ids), ("evaluation_done", "=", True)],
                ["cycle_id"],
                ["__count"],
            )
        )
        acknowledged = dict(
            self.env["perf.review"]._read_group(
                [("cycle_id", "in", self.ids), ("acknowledged", "=", True)],
                ["cycle_id"],
                ["__count"],
            )
        )
        for cycle in self:
            cycle.published_count = counts.get((cycle.id, "published"), 0)
            cycle.acknowledged_count = acknowledged.get(cycle, 0)
            cycle.evaluation_count = counts.get((cycle.id, "evaluation"), 0)
            cycle.evaluation_done_count = done.get(cycle, 0)
            cycle.goals_draft_count = counts.get((cycle.id, "goal_setting"), 0)
            cycle.goals_waiting_count = counts.get((cycle.id, "goal_approval"), 0)
            cycle.execution_count = counts.get((cycle.id, "execution"), 0)
            cycle.review_count = sum(
                count for (cid, _s), count in counts.items() if cid == cycle.id
            )
            cycle.at_risk_count = risk.get(cycle, 0)
            cycle.todo_pending_count = pending.get(cycle, 0)

    @api.depends_context("uid")
    @api.depends("state", "job_state")
    def _compute_can(self):
        for cycle in self:
            cycle.can_launch = cycle._passes(cycle._check_can_launch)
            cycle.can_start_execution = cycle._passes(cycle._check_can_start_execution)
            cycle.can_start_evaluation = cycle._passes(
                cycle._check_can_start_evaluation
            )
            cycle.can_start_calibration = cycle._passes(
                cycle._check_can_start_calibration
            )
            cycle.can_publish = cycle._passes(cycle._check_can_publish_state)
            cycle.can_close = cycle._passes(cycle._check_can_close)
            cycle.can_cancel = cycle._passes(cycle._check_can_cancel)

    def _state_refusal_message(self):
        return self.env._("The state of a cycle changes only through its buttons.")

    # ------------------------------------------------------------ guards
    def _check_hr(self):
        self._check_readable()
        if not self.env.user.has_group("perf_closed_loop.group_perf_hr"):
            raise AccessError(self.env._("Only HR officers run review cycles."))

    def _check_open(self):
        """Nothing of a closed cycle changes any more."""
        closed = self.filtered(lambda c: c.state == "closed")
        if closed:
            raise UserError(
                self.env._(
                    "The cycle %(cycle)s is closed: its reviews, ratings and "
                    "calibrations no longer change.",
                    cycle=closed[0].name,
                )
            )

    def _check_can_cancel(self):
        self._check_hr()
        for cycle in self:
            if cycle.state in ("published", "closed", "cancelled"):
                raise UserError(
                    self.env._(
                        "The cycle %(cycle)s can no longer be cancelled.",
                        cycle=cycle.name,
                    )
                )

    # ------------------------------------------------------------ actors
    def _hr_officers(self, excluding=None):
        """The active HR officers of the cycle's company, its HR responsible
        first, without the users ``excluding`` (those whose own review is at
        stake: nobody decides on their own review)."""
        self.ensure_one()
        officers = self.hr_user_id.filtered("active") | self.env.ref(
            "perf_closed_loop.group_perf_hr"
        ).sudo().users.filtered(
            lambda u: u.active and not u.share and self.company_id in u.company_ids
        ).sorted("id")
        return officers - excluding if excluding else officers

    # ----------------------------------------------------------- actions
    def action_view_reviews(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "perf_closed_loop.perf_review_action_cycle"
        )
        action["domain"] = [("cycle_id", "=", self.id)]
        action["context"] = {"search_default_groupby_state": 1}
        return action

    def action_cancel(self, reason=None):
        self._lock_for_update()
        self._check_can_cancel()
        if not reason:
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Cancel the cycle"),
                "res_model": "perf.cycle.cancel",
                "view_mode": "form",
                "views": [(False, "form")],
                "target": "new",
                "context": {"default_cycle_id": self.id},
            }
        reason = self._checked_reason(reason)
        self._do_cancel(reason)
        return True

    def _do_cancel(self, reason):
        for cycle in self:
            reviews = cycle.review_ids.sudo().with_context(**BULK_CONTEXT)
            reviews._todo_activities().unlink()
            # Approvals nobody will give any more: cancelled, kept.
            reviews.approval_ids.filtered(lambda a: a.state == "pending").write(
                {"state": "cancelled"}
            )
            ratings = reviews.rating_ids.filtered(
                lambda r: r.state in ("waiting", "todo")
            )
            ratings._todo_activities().unlink()
            ratings._write_state({"state": "cancelled", "todo_pending": False})
            reviews._write_state(
                {"state": "cancelled", "cancel_reason": reason, "todo_pending": False}
            )
            # Archived, not deleted: the reviews, ratings, reasons and chatter
            # stay readable by the same people.
            cycle._write_state(
                {"state": "cancelled", "cancel_reason": reason, "active": False}
            )
            cycle.message_post(
                body=self.env._("Cycle cancelled: %(reason)s", reason=reason),
                subtype_xmlid="mail.mt_comment",
            )

    # ------------------------------------------------------------ to-dos
    @api.model
    def _cron_remind_overdue(self):
        """Remind overdue performance to-dos the day after the deadline, then
        once a week: one digest per person (e-mail or Discuss inbox)."""
        today = fields.Date.context_today(self)
        # Days late 1, 8, 15 … for a year: a daily run reminds each to-do
        # weekly, not daily.
        reminder_dates = [today - timedelta(days=1 + 7 * week) for week in range(53)]
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "in", self.env["perf.todo.mixin"]._todo_models()),
                    ("activity_type_id", "=", self.env.ref(TODO_TYPE).id),
                    ("date_deadline", "in", reminder_dates),
                ],
                order="date_deadline, id",
            )
        )
        self.env["perf.todo.mixin"]._notify_todo_digest(activities, overdue=True)
