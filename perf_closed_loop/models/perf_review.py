# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .perf_todo_mixin import BULK_CONTEXT

GOAL_WRITE_FIELDS = {"line_ids", "kpi_line_ids", "objective_ids"}
CALIBRATION_FIELDS = {"calibrated_grade_id", "calibration_note"}
# Written by the review's own actions only, never directly by a user.
SYSTEM_FIELDS = {
    "rating_ids",
    "nomination_ids",
    "grade_change_ids",
    "calibration_id",
    "skipped_step_ids",
    "peer_state",
    "todo_kind",
    "todo_pending",
    "evaluation_closed",
    "published_date",
    "acknowledged",
    "acknowledge_date",
    "acknowledge_comment",
    "interview_ids",
}
# Fields mail.thread / mail.activity.mixin write on any record.
MAIL_PREFIXES = ("message_", "activity_")


class PerfReview(models.Model):
    """One employee's performance review in a cycle.

    Who may do what:

    * the employee reads their own review; sets goals when the flow lets
      the employee set them (state goal_setting), submits them, records
      check-ins during execution and asks for a goal change;
    * the manager (org chart: the employee is ``child_of`` the manager)
      reads the reviews below them, sets goals when the flow says so,
      approves or rejects goals when they are the current approver, records
      check-ins and asks for goal changes;
    * the department head reads the reviews of their department tree, and
      approves goals when the chain names them;
    * HR reads every review of its companies, launches and cancels;
    * during the evaluation each rater fills in their rating
      (``perf.review.rating``); the employee and the manager nominate
      peers (``action_nominate_peers``), the manager approves them;
    * the scores and the proposed grade are computed from the submitted
      ratings; the calibrator of the review's group (and HR) sets the
      calibrated grade with a note while the group is calibrated;
    * the results (scores, grades, calibration note) are hidden from the
      employee until published, and from anybody not above the employee
      (``perf.result.mixin``); once published the employee acknowledges
      them (``action_acknowledge``);
    * nobody approves, rates or calibrates their own review; only the
      current approver acts; ``state`` changes only through the
      ``action_*`` methods; nothing changes once the cycle is closed.

    This file holds what every phase shares: who and what the review is
    about (the org snapshot taken at launch and kept up to date by
    ``_perf_org_changed``), its state, ``write`` with its guards (the
    calibrated grade included: ``_write_calibration``), the actors, the
    to-dos a bulk phase leaves pending, the buttons' flags and cancelling.
    Each phase extends the model in a file of its own (docs/architecture.md):
    ``perf_review_goals.py``, ``perf_review_checkins.py``,
    ``perf_review_evaluation.py``, ``perf_review_peers.py``,
    ``perf_review_results.py``.
    """

    _name = "perf.review"
    # Mixins first: their overrides (state guard, batched followers, hidden
    # results) come before mail.thread's in the method resolution order.
    _inherit = [
        "perf.todo.mixin",
        "perf.result.mixin",
        "perf.state.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _description = "Performance Review"
    _order = "cycle_id desc, department_id, employee_id, id"
    _check_company_auto = True
    _rec_names_search = ["employee_id.name", "cycle_id.name"]
    _mail_post_access = "read"

    # ------------------------------------------------------------ fields
    cycle_id = fields.Many2one(
        "perf.cycle", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    employee_id = fields.Many2one(
        "hr.employee", required=True, index=True, readonly=True, check_company=True
    )
    user_id = fields.Many2one(
        "res.users", string="Employee user", index=True, readonly=True
    )
    manager_id = fields.Many2one("hr.employee", string="Manager", readonly=True)
    manager_user_id = fields.Many2one("res.users", index=True, readonly=True)
    skip_manager_id = fields.Many2one(
        "hr.employee", string="Skip-level manager", readonly=True
    )
    skip_manager_user_id = fields.Many2one("res.users", readonly=True, index=True)
    department_head_id = fields.Many2one(
        "hr.employee", string="Department head", readonly=True
    )
    department_head_user_id = fields.Many2one("res.users", readonly=True, index=True)
    department_id = fields.Many2one(
        "hr.department", index=True, readonly=True, string="Department"
    )
    template_id = fields.Many2one("perf.template", required=True, readonly=True)
    flow_id = fields.Many2one("perf.flow", required=True, readonly=True)
    state = fields.Selection(
        [
            ("goal_setting", "Goal setting"),
            ("goal_approval", "Goal approval"),
            ("execution", "Execution"),
            ("evaluation", "Evaluation"),
            ("calibration", "Calibration"),
            ("published", "Published"),
            ("cancelled", "Cancelled"),
        ],
        default="goal_setting",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
        index=True,
        group_expand=True,
    )
    cancel_reason = fields.Text(readonly=True, copy=False)
    todo_kind = fields.Selection(
        [
            ("goals", "Set the goals"),
            ("nominate_peers", "Nominate peers"),
            ("approve_peers", "Approve peers"),
            ("acknowledge", "Acknowledge the result"),
        ],
        default="goals",
        readonly=True,
        copy=False,
    )
    # Buttons: each flag calls its phase's guard.
    can_edit_goals = fields.Boolean(compute="_compute_can")
    can_submit_goals = fields.Boolean(compute="_compute_can")
    can_approve_goals = fields.Boolean(compute="_compute_can")
    can_request_goal_change = fields.Boolean(compute="_compute_can")
    can_checkin = fields.Boolean(compute="_compute_can")
    can_nominate_peers = fields.Boolean(compute="_compute_can")
    can_approve_peers = fields.Boolean(compute="_compute_can")
    can_calibrate = fields.Boolean(compute="_compute_can")
    can_acknowledge = fields.Boolean(compute="_compute_can")
    _sql_constraints = [
        (
            "employee_cycle_unique",
            "UNIQUE(cycle_id, employee_id)",
            "An employee has one review per cycle.",
        ),
    ]

    # ----------------------------------------------------------- compute
    @api.depends("employee_id", "cycle_id")
    def _compute_display_name(self):
        for review in self:
            review.display_name = (
                f"{review.employee_id.name} – {review.cycle_id.name}"
                if review.cycle_id
                else review.employee_id.name
            )

    @api.depends_context("uid")
    @api.depends(
        "state",
        "approval_ids.state",
        "goal_change_state",
        "peer_state",
        "acknowledged",
        "calibration_id.state",
    )
    def _compute_can(self):
        for review in self:
            review.can_edit_goals = review._passes(review._check_can_edit_goals)
            review.can_submit_goals = review._passes(review._check_can_submit_goals)
            review.can_approve_goals = review._passes(review._check_can_approve_goals)
            review.can_request_goal_change = review._passes(
                review._check_can_request_goal_change
            )
            review.can_checkin = review._passes(review._check_can_checkin)
            review.can_nominate_peers = review._passes(review._check_can_nominate_peers)
            review.can_approve_peers = review._passes(review._check_can_approve_peers)
            review.can_acknowledge = review._passes(review._check_can_acknowledge)
            review.can_calibrate = review._passes(review._check_can_calibrate)

    # -------------------------------------------------------------- CRUD
    def _state_refusal_message(self):
        return self.env._(
            "The state of a review changes only through its buttons "
            "(submit, approve, reject …)."
        )

    def write(self, vals):
        business = {key for key in vals if not key.startswith(MAIL_PREFIXES)}
        if business:
            self.cycle_id._check_open()
        if not self.env.su:
            forbidden = business & (set(self._perf_result_fields) | SYSTEM_FIELDS)
            forbidden -= CALIBRATION_FIELDS
            if forbidden:
                raise AccessError(
                    self.env._(
                        "Scores, grades and the course of a review change through its "
                        "buttons and its calibration, not directly (%(fields)s).",
                        fields=", ".join(sorted(forbidden)),
                    )
                )
        if business & CALIBRATION_FIELDS:
            return self._write_calibration(vals)
        restricted = set(vals) - GOAL_WRITE_FIELDS
        if (
            "state" not in vals  # refused with its own message by the mixin
            and restricted
            and not self.env.su
            and not self._is_hr()
        ):
            # Employees and managers save the goals of the form (its lines
            # and objectives check who may change what); nothing else.
            raise AccessError(
                self.env._("Only HR changes a review's details; goals are set in it.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_closed(self):
        self.cycle_id._check_open()

    def _write_calibration(self, vals):
        """The calibrated grade and its note: by the group's calibrator or
        HR while the group may change; a grade other than the proposed one
        needs a note; every change is kept."""
        if set(vals) - CALIBRATION_FIELDS:
            raise AccessError(
                self.env._("Write the calibrated grade and its note on their own.")
            )
        if not self.env.su:
            self._check_can_calibrate()
        Grade = self.env["perf.rating.grade"].sudo()
        changes = []
        for review in self.sudo():
            grade = (
                Grade.browse(vals["calibrated_grade_id"] or [])
                if "calibrated_grade_id" in vals
                else review.calibrated_grade_id
            )
            note = vals.get("calibration_note", review.calibration_note) or ""
            if grade and grade not in review.template_id.rating_scale_id.grade_ids:
                raise UserError(
                    self.env._(
                        "%(grade)s is not a grade of the scale of %(review)s.",
                        grade=grade.display_name,
                        review=review.display_name,
                    )
                )
            if grade and grade != review.grade_id and not note.strip():
                raise UserError(
                    self.env._(
                        "Explain why %(employee)s gets %(grade)s instead of the "
                        "proposed %(proposed)s (a note is required).",
                        employee=review.employee_id.name,
                        grade=grade.code,
                        proposed=review.grade_id.code or "-",
                    )
                )
            after = grade or review.grade_id
            if "calibrated_grade_id" in vals and after != review.final_grade_id:
                changes.append(
                    {
                        "review_id": review.id,
                        "calibration_id": review.calibration_id.id,
                        "user_id": self.env.user.id,
                        "from_grade_id": review.final_grade_id.id,
                        "to_grade_id": after.id,
                        "note": note,
                    }
                )
        result = super(PerfReview, self.sudo()).write(vals)
        self.env["perf.review.grade.change"].sudo().create(changes)
        return result

    def _check_can_calibrate(self):
        self._check_readable()
        for review in self:
            if review.state != "calibration" or not review.calibration_id:
                raise UserError(
                    self.env._(
                        "%(review)s is not being calibrated.",
                        review=review.display_name,
                    )
                )
            review.calibration_id._check_can_edit()

    def _write_state(self, vals):
        # The actor's rights were checked by ``_check_can_*``; a review's
        # ``_do_*`` also writes what the actor cannot (approvals, lines).
        return super(PerfReview, self.sudo())._write_state(vals)

    def _do_cancel_review(self, reason):
        """Cancel this review (HR), e.g. left out of the evaluation."""
        for review in self.sudo().with_context(**BULK_CONTEXT):
            review._todo_activities().unlink()
            open_ratings = review.rating_ids.filtered(
                lambda r: r.state in ("waiting", "todo")
            )
            open_ratings._todo_activities().unlink()
            open_ratings._write_state({"state": "cancelled", "todo_pending": False})
            review._write_state(
                {"state": "cancelled", "cancel_reason": reason, "todo_pending": False}
            )
            review.message_post(
                body=self.env._("Review cancelled: %(reason)s", reason=reason),
                subtype_xmlid="mail.mt_note",
            )

    # ------------------------------------------------------------ actors
    def _is_hr(self):
        return self.env.user.has_group("perf_closed_loop.group_perf_hr")

    def _is_employee(self):
        self.ensure_one()
        return self.user_id == self.env.user

    def _is_manager(self):
        self.ensure_one()
        return self.manager_user_id == self.env.user

    def _hr_fallback_user(self):
        """The cycle's HR responsible, or another HR officer of the company
        when that is the reviewed employee."""
        self.ensure_one()
        cycle = self.cycle_id.sudo()
        hr = cycle.hr_user_id
        if hr and hr != self.user_id and hr.active:
            return hr  # the common case, without reading the HR group
        return cycle._hr_officers(excluding=self.user_id)[:1]

    # ------------------------------------------------------------ to-dos
    def _first_actor(self):
        """User with the first to-do after launch."""
        self.ensure_one()
        return (
            self._goal_setter_user() or self.manager_user_id or self.cycle_id.hr_user_id
        )

    def _pending_todo(self):
        """The to-do a bulk phase left pending: set the goals of a review
        just launched, or nominate (approve) the peers of a review whose
        evaluation starts."""
        self.ensure_one()
        if self.todo_kind == "nominate_peers":
            user = self._peer_nominator()
            if not user:
                return None
            return (
                user,
                self._nominate_summary(self._env_for(user)),
                fields.Date.context_today(self) + timedelta(days=3),
            )
        if self.todo_kind == "acknowledge":
            user = self.user_id
            if not user:
                return None
            return (
                user,
                self._env_for(user)._(
                    "Read your result for %(cycle)s and acknowledge it",
                    cycle=self.cycle_id.name,
                ),
                fields.Date.context_today(self) + timedelta(days=14),
            )
        if self.todo_kind == "approve_peers":
            user = self.manager_user_id or self._hr_fallback_user()
            return (
                (
                    user,
                    self._env_for(user)._(
                        "Approve the peers nominated to rate %(employee)s",
                        employee=self.employee_id.name,
                    ),
                    fields.Date.context_today(self) + timedelta(days=3),
                )
                if user
                else None
            )
        user = self._first_actor()
        if not user:
            return None
        return (
            user,
            self._env_for(user)._(
                "Set the goals of %(employee)s for %(cycle)s",
                employee=self.employee_id.name,
                cycle=self.cycle_id.name,
            ),
            self.cycle_id.goal_deadline,
        )

    def _todo_digest_intro(self, env, count):
        if self[:1].todo_kind == "acknowledge":
            return env._(
                "The results of the review cycle are published (%(count)s):",
                count=count,
            )
        if self[:1].todo_kind in ("nominate_peers", "approve_peers"):
            return env._(
                "The evaluation has started. Your to-dos (%(count)s):", count=count
            )
        return env._(
            "A review cycle has started. Your to-dos (%(count)s):", count=count
        )

    def _todo_bus_message(self, env):
        return env._("A review cycle has started: you have goals to set.")

    # ------------------------------------------------------- org changes
    @api.model
    def _org_values(self, manager, skip, head):
        """Snapshot fields of a review for its resolved manager, skip-level
        manager and department head (employee records, maybe empty)."""
        return {
            "manager_id": manager.id,
            "manager_user_id": manager.user_id.id,
            "skip_manager_id": skip.id,
            "skip_manager_user_id": skip.user_id.id,
            "department_head_id": head.id,
            "department_head_user_id": head.user_id.id,
        }

    @api.model
    def _perf_org_changed(self, employees):
        """The org chart changed for ``employees`` (manager, department,
        departure): the open reviews they are part of take their new
        manager, skip-level manager and department head, and the open tasks
        of whoever is replaced move to the new person, with a note. Nothing
        submitted changes."""
        ids = employees.ids
        reviews = self.sudo().search(
            [
                ("state", "not in", ("published", "cancelled")),
                ("cycle_id.state", "not in", ("draft", "closed", "cancelled")),
                "|",
                "|",
                "|",
                ("employee_id", "in", ids),
                ("manager_id", "in", ids),
                ("skip_manager_id", "in", ids),
                ("department_head_id", "in", ids),
            ]
        )
        if reviews:
            resolved = reviews.employee_id._perf_resolve()
            for review in reviews:
                manager, skip, head, _cases = resolved[review.employee_id]
                if (manager, skip, head) != (
                    review.manager_id,
                    review.skip_manager_id,
                    review.department_head_id,
                ):
                    review._change_org(manager, skip, head)
        left = (
            employees.sudo()
            .with_context(active_test=False)
            .filtered(lambda e: not e.active)
        )
        if left.user_id:
            self._perf_raters_left(left.user_id)

    def _change_org(self, manager, skip, head):
        self.ensure_one()
        old = {
            "manager": self.manager_user_id,
            "skip_level": self.skip_manager_user_id,
            "department_head": self.department_head_user_id,
        }
        previous_manager = self.manager_id
        self.sudo().write(self._org_values(manager, skip, head))
        new = {
            "manager": self.manager_user_id or self._hr_fallback_user(),
            "skip_level": self.skip_manager_user_id,
            "department_head": self.department_head_user_id,
        }
        moved = self.env["res.users"]
        # Goal approvals still to give.
        for approval in self.approval_ids.filtered(
            lambda a: a.state == "pending" and a.actor in new
        ):
            user = new[approval.actor] or self._hr_fallback_user()
            if user and user != approval.approver_id and user != self.user_id:
                self._move_review_todos(approval.approver_id, user)
                approval.sudo().write({"approver_id": user.id})
                moved |= user
        # Ratings still to give.
        for rating in self.rating_ids.filtered(
            lambda r: r.state in ("waiting", "todo") and r.role in new
        ):
            user = new[rating.role]
            if user == rating.rater_id:
                continue
            if user:
                rating._do_reassign(user, self.env._("the org chart changed"))
                moved |= user
            elif rating.step_id.optional:
                rating._do_cancel(self.env._("nobody holds this role any more"))
            else:
                rating._hand_to_hr(self.env._("nobody holds this role any more"))
        if old["manager"] != self.manager_user_id:
            self.message_post(
                body=self.env._(
                    "Manager changed from %(old)s to %(new)s; open to-dos moved to "
                    "%(moved)s.",
                    old=previous_manager.name or "-",
                    new=self.manager_id.name or self.env._("HR"),
                    moved=", ".join(moved.mapped("name")) or "-",
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _move_review_todos(self, old_user, new_user):
        activities = self._todo_activities().filtered(lambda a: a.user_id == old_user)
        if activities:
            activities.with_user(self._todo_author()).write({"user_id": new_user.id})

    @api.model
    def _perf_raters_left(self, users):
        """``users`` left (archived): their open ratings go to HR, who gives
        them to somebody else."""
        ratings = (
            self.env["perf.review.rating"]
            .sudo()
            .search(
                [("rater_id", "in", users.ids), ("state", "in", ("waiting", "todo"))]
            )
        )
        for rating in ratings:
            rating._hand_to_hr(self.env._("%(user)s left", user=rating.rater_id.name))
