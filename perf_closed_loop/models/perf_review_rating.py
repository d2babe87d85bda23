# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..domain import evaluation

ROLES = [
    ("self", "Self-evaluation"),
    ("peer", "Peer review"),
    ("manager", "Manager review"),
    ("skip_level", "Skip-level review"),
    ("designated", "Designated reviewer"),
]
OPEN = ("waiting", "todo")
RATER_WRITE_FIELDS = {
    "comment",
    "score_line_ids",
    "kpi_score_line_ids",
    "okr_score_line_ids",
    "question_score_line_ids",
}


class PerfReviewRating(models.Model):
    """One rater's task on a review (自评 / 同事评价 / 上级评价 / 隔级评价 /
    指定人评价): a score and a comment for every indicator of the review.

    Who may do what:

    * the rater scores the lines while the rating is to do (drafts are
      kept), then submits it (``action_submit``); a peer may decline with a
      reason (``action_decline``) and is replaced by whoever nominated them;
    * the rater of a later step whose flow step may send back
      (``can_reject``), or HR, sends a submitted rating back with a reason
      (``action_reject``): it returns to do with its scores as the starting
      point, and the later steps wait for it;
    * HR gives an open rating to somebody else (``action_reassign``) or
      cancels an optional one;
    * who reads a rating: its rater; the reviewed employee their own self
      rating (and, once the review is published, the ratings their flow
      shows them, never an anonymous peer's); the people above the employee
      (manager, skip-level manager, department heads) the ratings of the
      people below them, except anonymous peers' (they see the peers'
      aggregate on the review); HR every rating of its companies but those of
      its own review. Scores and state change only through these actions.
    """

    _name = "perf.review.rating"
    _inherit = [
        "perf.todo.mixin",
        "perf.state.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _description = "Rating"
    _order = "review_id, sequence, role, id"
    _check_company_auto = True
    _rec_names_search = ["employee_id.name", "review_id.cycle_id.name"]
    _mail_post_access = "read"
    _todo_action = "perf_closed_loop.perf_review_rating_action_todo"
    _todo_done_message = False

    # ------------------------------------------------------------ fields
    review_id = fields.Many2one(
        "perf.review", required=True, ondelete="cascade", index=True, readonly=True
    )
    cycle_id = fields.Many2one(
        related="review_id.cycle_id", store=True, index=True, string="Cycle"
    )
    company_id = fields.Many2one(related="review_id.company_id", store=True)
    employee_id = fields.Many2one(
        related="review_id.employee_id", store=True, index=True, string="Employee"
    )
    department_id = fields.Many2one(
        related="review_id.department_id", store=True, string="Department"
    )
    review_state = fields.Selection(related="review_id.state", string="Review phase")
    step_id = fields.Many2one(
        "perf.flow.step", required=True, ondelete="restrict", readonly=True
    )
    role = fields.Selection(ROLES, required=True, index=True, readonly=True)
    sequence = fields.Integer(readonly=True)
    weight = fields.Float(string="Step weight (%)", readonly=True)
    rater_id = fields.Many2one(
        "res.users", string="Rater", required=True, index=True, readonly=True
    )
    nomination_id = fields.Many2one(
        "perf.review.nomination", readonly=True, ondelete="set null"
    )
    anonymous = fields.Boolean(readonly=True)
    employee_visible = fields.Boolean(
        readonly=True,
        help="The employee may read this rating once the review is published.",
    )
    state = fields.Selection(
        [
            ("waiting", "Waiting"),
            ("todo", "To do"),
            ("submitted", "Submitted"),
            ("rejected", "Declined"),
            ("cancelled", "Cancelled"),
        ],
        default="waiting",
        required=True,
        readonly=True,
        index=True,
        copy=False,
        help="Waiting: an earlier step is not finished. Declined: the peer "
        "declined to rate.",
    )
    deadline = fields.Date(readonly=True)
    score_line_ids = fields.One2many(
        "perf.review.rating.line", "rating_id", string="Scores"
    )
    kpi_score_line_ids = fields.One2many(
        "perf.review.rating.line",
        "rating_id",
        string="KPI scores",
        domain=[("section", "=", "kpi")],
    )
    okr_score_line_ids = fields.One2many(
        "perf.review.rating.line",
        "rating_id",
        string="Key result scores",
        domain=[("section", "=", "key_result")],
    )
    question_score_line_ids = fields.One2many(
        "perf.review.rating.line",
        "rating_id",
        string="Question scores",
        domain=[("section", "=", "question")],
    )
    comment = fields.Text(string="Overall comment")
    total_score = fields.Float(
        compute="_compute_total_score", store=True, digits=(16, 2), readonly=True
    )
    kpi_score = fields.Float(
        string="KPI score", compute="_compute_total_score", store=True, digits=(16, 2)
    )
    okr_score = fields.Float(
        string="OKR score", compute="_compute_total_score", store=True, digits=(16, 2)
    )
    question_score = fields.Float(
        compute="_compute_total_score", store=True, digits=(16, 2)
    )
    scored_count = fields.Integer(compute="_compute_total_score", store=True)
    line_count = fields.Integer(compute="_compute_total_score", store=True)
    submitted_date = fields.Datetime(readonly=True, copy=False)
    send_back_count = fields.Integer(string="Sent back", readonly=True, copy=False)
    send_back_reason = fields.Text(readonly=True, copy=False)
    decline_reason = fields.Text(readonly=True, copy=False)
    cancel_reason = fields.Text(readonly=True, copy=False)
    needs_reassignment = fields.Boolean(
        readonly=True, copy=False, help="The rater left: HR names somebody else."
    )
    event_ids = fields.One2many(
        "perf.review.rating.event", "rating_id", string="History", readonly=True
    )
    earlier_rating_ids = fields.Many2many(
        "perf.review.rating",
        string="Earlier ratings",
        compute="_compute_earlier_rating_ids",
        help="The ratings of earlier steps of this review that you may read.",
    )
    # Buttons
    can_edit = fields.Boolean(compute="_compute_can")
    can_submit = fields.Boolean(compute="_compute_can")
    can_reject = fields.Boolean(compute="_compute_can")
    can_decline = fields.Boolean(compute="_compute_can")
    can_reassign = fields.Boolean(compute="_compute_can")

    # ----------------------------------------------------------- compute
    @api.depends("employee_id", "role")
    def _compute_display_name(self):
        roles = self._role_labels(self.env)
        for rating in self:
            rating.display_name = (
                f"{rating.employee_id.name} – {roles.get(rating.role, '')}"
            )

    @api.model
    def _role_labels(self, env):
        """{role: its label in ``env``'s language}, translated once per
        language and transaction (thousands of to-dos name it)."""
        key = ("perf.review.rating.role", env.lang)
        cache = self.env.cr.cache
        if key not in cache:
            cache[key] = dict(self._fields["role"]._description_selection(env))
        return cache[key]

    @api.depends(
        "score_line_ids.score",
        "score_line_ids.scored",
        "score_line_ids.weight",
    )
    def _compute_total_score(self):
        # One read for the lines of every rating, not one per rating.
        self.score_line_ids.mapped("section")
        self.score_line_ids.line_id.objective_id.mapped("weight")
        for rating in self:
            template = rating.review_id.template_id
            totals = evaluation.rating_totals(
                [
                    (
                        line.section,
                        line.score if line.scored else None,
                        line.weight,
                        (objective.id, objective.weight),
                    )
                    for line in rating.score_line_ids
                    for objective in [line.line_id.objective_id]
                ],
                template._section_weights() if template else {},
            )
            rating.update(rating._totals_values(totals))

    @api.model
    def _totals_values(self, totals):
        """The stored totals' values from ``evaluation.rating_totals``."""
        return {
            "total_score": totals["total"],
            "kpi_score": totals["kpi"],
            "okr_score": totals["okr"],
            "question_score": totals["question"],
            "scored_count": totals["scored"],
            "line_count": totals["lines"],
        }

    @api.depends_context("uid")
    def _compute_earlier_rating_ids(self):
        readable = self.search([("review_id", "in", self.review_id.ids)])
        for rating in self:
            rating.earlier_rating_ids = readable.filtered(
                lambda r, rating=rating: (
                    r.review_id == rating.review_id and r.sequence < rating.sequence
                )
            )

    @api.depends_context("uid")
    @api.depends("state", "rater_id", "review_id.state")
    def _compute_can(self):
        for rating in self:
            rating.can_edit = rating._passes(rating._check_can_edit)
            rating.can_submit = rating.can_edit
            rating.can_reject = rating._passes(rating._check_can_reject)
            rating.can_decline = rating._passes(rating._check_can_decline)
            rating.can_reassign = rating._passes(rating._check_can_reassign)

    # ------------------------------------------------------- constraints
    @api.constrains("rater_id", "role", "review_id")
    def _check_not_own(self):
        for rating in self:
            own = rating.sudo().review_id.user_id
            if rating.role != "self" and own and rating.rater_id == own:
                raise ValidationError(
                    self.env._(
                        "Nobody rates their own review (%(review)s).",
                        review=rating.review_id.display_name,
                    )
                )

    # -------------------------------------------------------------- CRUD
    def _state_refusal_message(self):
        return self.env._(
            "The state of a rating changes only through its buttons (submit, "
            "send back, decline …)."
        )

    def write(self, vals):
        if any(not key.startswith(("message_", "activity_")) for key in vals):
            self.cycle_id._check_open()
        if "state" not in vals and not self.env.su:
            illegal = set(vals) - RATER_WRITE_FIELDS
            if illegal:
                raise AccessError(
                    self.env._(
                        "A rating is filled in through its scores and comment; the "
                        "rest changes through its buttons."
                    )
                )
            self._check_can_edit()
        return super().write(vals)

    def _write_state(self, vals):
        # The actor's rights were checked by ``_check_can_*``.
        return super(PerfReviewRating, self.sudo())._write_state(vals)

    # ------------------------------------------------------------ guards
    def _is_hr(self):
        return self.env.user.has_group("perf_closed_loop.group_perf_hr")

    def _check_can_edit(self):
        self._check_readable()
        for rating in self:
            if rating.rater_id != self.env.user:
                raise AccessError(
                    self.env._(
                        "Only %(rater)s gives this rating.",
                        rater=rating.sudo().rater_id.name,
                    )
                )
            # The rater may not read the review (a peer): its phase is
            # read as superuser.
            if rating.state != "todo" or rating.sudo().review_id.state != "evaluation":
                raise UserError(
                    self.env._(
                        "The rating %(rating)s is not open: its scores cannot "
                        "change (%(state)s).",
                        rating=rating.display_name,
                        state=rating._state_label(),
                    )
                )

    def _check_can_submit(self):
        self._check_can_edit()

    def _check_can_reject(self):
        self._check_readable()
        for rating in self:
            review = rating.sudo().review_id
            if rating.state != "submitted" or review.state != "evaluation":
                raise UserError(
                    self.env._(
                        "Only a submitted rating of a review in evaluation can be "
                        "sent back (%(rating)s).",
                        rating=rating.display_name,
                    )
                )
            if rating.rater_id == self.env.user:
                raise UserError(self.env._("Nobody sends back their own rating."))
            if review.user_id == self.env.user:
                raise AccessError(
                    self.env._("Nobody sends back a rating of their own review.")
                )
            if rating._is_hr():
                continue
            later = review.rating_ids.filtered(
                lambda r, rating=rating: (
                    r.rater_id == self.env.user
                    and r.step_id.can_reject
                    and r.sequence > rating.sequence
                    and r.state in OPEN
                )
            )
            if not later:
                raise AccessError(
                    self.env._(
                        "Only the rater of a later step that may send back (before "
                        "submitting their own rating), or HR, sends %(rating)s back.",
                        rating=rating.display_name,
                    )
                )

    def _check_can_decline(self):
        self._check_readable()
        for rating in self:
            if rating.role != "peer" or rating.state not in OPEN:
                raise UserError(self.env._("Only an open peer rating can be declined."))
            if rating.rater_id != self.env.user:
                raise AccessError(
                    self.env._("Only the nominated peer declines a peer rating.")
                )

    def _check_can_reassign(self):
        self._check_readable()
        for rating in self:
            if not rating._is_hr():
                raise AccessError(
                    self.env._("Only HR gives a rating to somebody else.")
                )
            if rating.state not in OPEN and not (
                rating.state == "cancelled" and rating.needs_reassignment
            ):
                raise UserError(
                    self.env._(
                        "Only an open rating can go to somebody else (%(rating)s).",
                        rating=rating.display_name,
                    )
                )
            if rating.sudo().review_id.user_id == self.env.user:
                raise AccessError(
                    self.env._("Nobody reassigns a rating of their own review.")
                )

    def _check_can_cancel(self):
        self._check_readable()
        for rating in self:
            if not rating._is_hr():
                raise AccessError(self.env._("Only HR cancels a rating."))
            if rating.state not in OPEN:
                raise UserError(
                    self.env._(
                        "Only an open rating can be cancelled (%(rating)s).",
                        rating=rating.display_name,
                    )
                )
            if not rating.step_id.optional and rating.role != "peer":
                raise UserError(
                    self.env._(
                        "The step “%(step)s” is required: give the rating to somebody "
                        "else instead of cancelling it.",
                        step=rating._role_label(),
                    )
                )

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env))[self.state]

    def _role_label(self):
        return dict(self._fields["role"]._description_selection(self.env))[self.role]

    def _lock_for_update(self):
        """The ratings' rows and their reviews': the raters of one review
        act one at a time (a submission opens the next steps and moves the
        review's scores)."""
        result = super()._lock_for_update()
        self.sudo().review_id._lock_for_update()
        return result

    # ----------------------------------------------------------- actions
    def action_submit(self):
        self._lock_for_update()
        self._check_can_submit()
        self._check_complete()
        self._do_submit()
        return True

    def action_reject(self, reason=None):
        """Send this submitted rating back to its rater (驳回)."""
        if not reason:
            return self._reason_wizard("reject_rating")
        reason = self._checked_reason(reason)
        self._lock_for_update()
        self._check_can_reject()
        self._do_reject(reason)
        return True

    def action_decline(self, reason=None):
        if not reason:
            return self._reason_wizard("decline_rating")
        reason = self._checked_reason(reason)
        self._lock_for_update()
        self._check_can_decline()
        self._do_decline(reason)
        return True

    def action_cancel(self, reason=None):
        if not reason:
            return self._reason_wizard("cancel_rating")
        reason = self._checked_reason(reason)
        self._lock_for_update()
        self._check_can_cancel()
        self._do_cancel(reason)
        return True

    def action_reassign(self, user=None, reason=None):
        if not user:
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Give the rating to somebody else"),
                "res_model": "perf.review.rating.reassign",
                "view_mode": "form",
                "views": [(False, "form")],
                "target": "new",
                "context": {"default_rating_ids": self.ids},
            }
        self._lock_for_update()
        self._check_can_reassign()
        user = self.env["res.users"].browse(int(user))
        if reason:
            reason = self._checked_reason(reason)
        self._do_reassign(user, reason or "")
        return True

    def action_nominate_peers(self, users=None):
        """Nominate peers for this rating's review (from one's self rating,
        or the manager from their rating)."""
        self.ensure_one()
        return self.review_id.action_nominate_peers(users)

    def _reason_wizard(self, action):
        return self.env["perf.review.reason"]._ask(self, action)

    # ----------------------------------------------------------- effects
    def _check_complete(self):
        for rating in self:
            problems = evaluation.score_problems(
                [
                    (
                        line.display_name,
                        line.score if line.scored else None,
                        line.score_min,
                        line.score_max,
                        line.comment,
                        line.comment_required,
                    )
                    for line in rating.score_line_ids
                ]
            )
            if problems:
                raise UserError(
                    self.env._(
                        "The rating %(rating)s cannot be submitted yet:\n%(problems)s",
                        rating=rating.display_name,
                        problems="\n".join(
                            f"• {rating._score_problem_message(p)}" for p in problems
                        ),
                    )
                )

    def _score_problem_message(self, problem):
        _ = self.env._
        if problem.kind == "missing":
            return _("“%(line)s” has no score.", line=problem.line)
        if problem.kind == "out_of_range":
            # 100.0 reads as 100 (formatted outside the call: the term
            # extractor evaluates keyword values that are strings).
            low, high = (format(bound, "g") for bound in problem.detail)
            return _(
                "“%(line)s”: the score must be between %(low)s and %(high)s.",
                line=problem.line,
                low=low,
                high=high,
            )
        return _(
            "“%(line)s”: explain this score in a comment (it differs from the "
            "suggested score by more than the flow allows, or the question asks "
            "for one).",
            line=problem.line,
        )

    def _do_submit(self):
        now = fields.Datetime.now()
        for rating in self.sudo():
            rating._write_state({"state": "submitted", "submitted_date": now})
            rating._log_event("submitted")
            rating._close_todos()
        self.sudo().review_id._evaluation_advance(now=True)

    def _do_reject(self, reason):
        for rating in self.sudo():
            rating._write_state(
                {
                    "state": "todo",
                    "send_back_reason": reason,
                    "send_back_count": rating.send_back_count + 1,
                    "submitted_date": False,
                    "deadline": rating._next_deadline(),
                }
            )
            rating._log_event("sent_back", reason)
            # Later steps wait for the rating sent back (drafts kept).
            later = rating.review_id.rating_ids.filtered(
                lambda r, rating=rating: (
                    r.sequence > rating.sequence and r.state == "todo"
                )
            )
            later._todo_activities().unlink()
            later._write_state({"state": "waiting", "todo_pending": False})
            rater = rating.rater_id
            rating.sudo().message_post(
                body=self.env._(
                    "Sent back by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=reason,
                ),
                partner_ids=rater.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
            env = rating._env_for(rater)
            rating._schedule_todo(
                rater,
                env._("Your self-evaluation was sent back: %(reason)s", reason=reason)
                if rating.role == "self"
                else env._(
                    "Your rating of %(employee)s was sent back: %(reason)s",
                    employee=rating.employee_id.name,
                    reason=reason,
                ),
                rating.deadline,
            )
        self.sudo().review_id._recompute_scores()

    def _do_decline(self, reason):
        for rating in self.sudo():
            rating._write_state({"state": "rejected", "decline_reason": reason})
            rating._log_event("declined", reason)
            rating._close_todos()
            rating.nomination_id._declined(reason)
        self.sudo().review_id._evaluation_advance(now=True)

    def _do_cancel(self, reason):
        for rating in self.sudo():
            rating._write_state(
                {"state": "cancelled", "cancel_reason": reason, "todo_pending": False}
            )
            rating._log_event("cancelled", reason)
            rating._todo_activities().unlink()
            rating.nomination_id.sudo().write({"state": "cancelled"})
        self.sudo().review_id._evaluation_advance(now=True)

    def _do_reassign(self, user, reason):
        for rating in self.sudo():
            if user == rating.review_id.user_id and rating.role != "self":
                raise UserError(
                    self.env._(
                        "Nobody rates their own review: choose somebody other than "
                        "%(user)s.",
                        user=user.name,
                    )
                )
            if not user.active or user.share:
                raise UserError(
                    self.env._(
                        "%(user)s cannot rate: choose an active internal user.",
                        user=user.name,
                    )
                )
            previous = rating.rater_id
            values = {"rater_id": user.id, "needs_reassignment": False}
            if rating.state == "cancelled":
                values["state"] = "waiting"
            rating._write_state(values)
            rating._log_event("reassigned", reason, previous=previous)
            rating._move_todos(user)
        self.sudo().review_id._evaluation_advance(now=True)

    def _hand_to_hr(self, reason):
        """Nobody can give these ratings any more: HR gets them, with a to-do
        to give each to somebody else."""
        for rating in self.sudo():
            hr = rating.review_id._hr_fallback_user()
            if not hr:
                continue
            previous = rating.rater_id
            rating._write_state({"rater_id": hr.id, "needs_reassignment": True})
            rating._log_event("reassigned", reason, previous=previous)
            rating._todo_activities().unlink()
            rating._schedule_todo(
                hr,
                rating._env_for(hr)._(
                    "Give the rating of %(employee)s (%(step)s) to somebody else: "
                    "%(reason)s",
                    employee=rating.employee_id.name,
                    step=rating._role_label(),
                    reason=reason,
                ),
                fields.Date.context_today(self) + timedelta(days=2),
            )

    def _move_todos(self, user):
        """Give this rating's open to-do to ``user``."""
        for rating in self:
            activities = rating._todo_activities()
            if activities:
                activities.with_user(rating._todo_author()).write({"user_id": user.id})
            elif rating.state == "todo":
                rating._schedule_open_todo()

    def _log_event(self, kind, reason=None, previous=None):
        self.ensure_one()
        self.env["perf.review.rating.event"].sudo().create(
            {
                "rating_id": self.id,
                "kind": kind,
                "user_id": self.env.user.id,
                "reason": reason or False,
                "previous_rater_id": previous.id if previous else False,
                "total_score": self.total_score,
                "scores": [
                    {
                        "line": line.display_name,
                        "score": line.score if line.scored else None,
                        "comment": line.comment or "",
                    }
                    for line in self.score_line_ids
                ],
                "comment": self.comment or False,
            }
        )
