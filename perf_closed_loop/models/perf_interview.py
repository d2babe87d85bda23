# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

# What the interviewer records while the interview is a draft.
RECORD_FIELDS = {"date", "duration", "went_well", "to_improve", "action_ids"}
# What the employee writes once the interview is held.
EMPLOYEE_FIELDS = {"employee_comment"}
MAIL_PREFIXES = ("message_", "activity_")


class PerfInterview(models.Model):
    """The results interview (绩效面谈) of one published review.

    Who may do what:

    * the interviewer (the review's manager, else the cycle's HR officer)
      and HR officers schedule it (a calendar event with the employee),
      record it while it is a draft (what went well, what to improve, the
      agreed actions) and hold it (``action_hold``: draft → held);
    * only the employee writes their comment once it is held, and confirms
      it (``action_confirm``: held → confirmed) or disputes it with a reason
      (``action_dispute``: held → disputed, a to-do for HR); both
      confirmations are kept, dated (``held_date``, ``confirm_date`` /
      ``dispute_date``);
    * readers: the employee, the people above them (manager, skip-level
      manager, department head) and HR of the company; never peers or
      colleagues (record rules in ``security/perf_interview_security.xml``);
    * nobody holds or confirms an interview about their own review on
      behalf of the other side; ``state`` changes only through the buttons;
      nothing changes once the cycle is closed.

    One per review, created with the publication (``_do_publish``) with a
    to-do for the interviewer due on the cycle's ``interview_deadline``, or
    by ``perf.review.action_open_interview``.
    """

    _name = "perf.interview"
    _inherit = [
        "perf.todo.mixin",
        "perf.state.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _description = "Results Interview"
    _order = "cycle_id desc, department_id, employee_id, id"
    _check_company_auto = True
    _rec_names_search = ["employee_id.name", "cycle_id.name"]
    _mail_post_access = "read"
    _todo_action = "perf_closed_loop.perf_interview_action"

    # ------------------------------------------------------------ fields
    review_id = fields.Many2one(
        "perf.review",
        required=True,
        readonly=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    cycle_id = fields.Many2one(
        related="review_id.cycle_id", store=True, index=True, string="Cycle"
    )
    company_id = fields.Many2one(
        related="review_id.company_id", store=True, index=True, string="Company"
    )
    employee_id = fields.Many2one(
        related="review_id.employee_id", store=True, index=True, string="Employee"
    )
    user_id = fields.Many2one(
        related="review_id.user_id", store=True, index=True, string="Employee user"
    )
    department_id = fields.Many2one(
        related="review_id.department_id", store=True, index=True, string="Department"
    )
    manager_id = fields.Many2one(
        related="review_id.manager_id", store=True, index=True, string="Manager"
    )
    manager_user_id = fields.Many2one(
        related="review_id.manager_user_id", store=True, index=True
    )
    skip_manager_user_id = fields.Many2one(
        related="review_id.skip_manager_user_id", store=True, index=True
    )
    department_head_user_id = fields.Many2one(
        related="review_id.department_head_user_id", store=True, index=True
    )
    interviewer_id = fields.Many2one(
        "res.users", string="Interviewer", readonly=True, index=True, tracking=True
    )
    final_grade_id = fields.Many2one(
        "perf.rating.grade", compute="_compute_result", string="Final grade"
    )
    final_score = fields.Float(compute="_compute_result", digits=(16, 2))
    deadline = fields.Date(related="cycle_id.interview_deadline", string="Due")
    date = fields.Datetime(string="Scheduled for", tracking=True, copy=False)
    duration = fields.Float(default=1.0, string="Duration (hours)")
    calendar_event_id = fields.Many2one(
        "calendar.event", string="Meeting", readonly=True, copy=False
    )
    went_well = fields.Text(string="What went well")
    to_improve = fields.Text(string="What to improve")
    action_ids = fields.One2many(
        "perf.agreed.action", "interview_id", string="Agreed actions"
    )
    previous_action_ids = fields.Many2many(
        "perf.agreed.action",
        compute="_compute_previous_actions",
        string="Actions agreed before",
    )
    employee_comment = fields.Text(string="Employee's comment")
    state = fields.Selection(
        [
            ("draft", "Planned"),
            ("held", "Held"),
            ("confirmed", "Confirmed"),
            ("disputed", "Disputed"),
        ],
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
        index=True,
        group_expand=True,
    )
    held_date = fields.Datetime(readonly=True, copy=False, string="Held on")
    held_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    confirm_date = fields.Datetime(readonly=True, copy=False, string="Confirmed on")
    dispute_date = fields.Datetime(readonly=True, copy=False, string="Disputed on")
    dispute_reason = fields.Text(readonly=True, copy=False)
    can_record = fields.Boolean(compute="_compute_can")
    can_schedule = fields.Boolean(compute="_compute_can")
    can_hold = fields.Boolean(compute="_compute_can")
    can_confirm = fields.Boolean(compute="_compute_can")
    can_dispute = fields.Boolean(compute="_compute_can")
    _sql_constraints = [
        (
            "review_unique",
            "UNIQUE(review_id)",
            "A review has one results interview.",
        ),
    ]

    # ----------------------------------------------------------- compute
    @api.depends("employee_id", "cycle_id")
    def _compute_display_name(self):
        for interview in self:
            interview.display_name = self.env._(
                "Interview: %(employee)s – %(cycle)s",
                employee=interview.employee_id.name or "",
                cycle=interview.cycle_id.name or "",
            )

    @api.depends_context("uid")
    @api.depends("review_id")
    def _compute_result(self):
        """The review's final grade and score, as the user may read them."""
        values = {
            row["id"]: row
            for row in self.review_id._filtered_access("read").read(
                ["final_grade_id", "final_score"]
            )
        }
        for interview in self:
            row = values.get(interview.review_id.id, {})
            grade = row.get("final_grade_id")
            interview.final_grade_id = grade[0] if grade else False
            interview.final_score = row.get("final_score") or 0.0

    @api.depends("employee_id", "cycle_id")
    def _compute_previous_actions(self):
        """Actions agreed in this person's earlier interviews (what the
        interview looks back on: done, open or dropped)."""
        Action = self.env["perf.agreed.action"]
        actions = Action.search(
            [("employee_id", "in", self.employee_id.ids)], order="date_due, id"
        )
        for interview in self:
            interview.previous_action_ids = actions.filtered(
                lambda a, i=interview: (
                    a.employee_id == i.employee_id
                    and a.interview_id != i
                    and a.cycle_id.date_start < i.cycle_id.date_start
                )
            )

    @api.depends_context("uid")
    @api.depends("state", "interviewer_id")
    def _compute_can(self):
        for interview in self:
            interview.can_record = interview._passes(interview._check_can_record)
            interview.can_schedule = interview.can_record
            interview.can_hold = interview._passes(interview._check_can_hold)
            interview.can_confirm = interview._passes(interview._check_can_confirm)
            interview.can_dispute = interview.can_confirm

    # -------------------------------------------------------------- CRUD
    def _state_refusal_message(self):
        return self.env._(
            "The state of an interview changes only through its buttons "
            "(hold, confirm, dispute)."
        )

    def write(self, vals):
        business = {key for key in vals if not key.startswith(MAIL_PREFIXES)}
        if business:
            self.cycle_id._check_open()
        if business and not self.env.su and "state" not in vals:
            if business - RECORD_FIELDS - EMPLOYEE_FIELDS:
                raise AccessError(
                    self.env._(
                        "An interview changes through its buttons; only what was "
                        "said is written in it (%(fields)s).",
                        fields=", ".join(sorted(business)),
                    )
                )
            if business & RECORD_FIELDS:
                self._check_can_record()
            if business & EMPLOYEE_FIELDS:
                self._check_can_comment()
        return super().write(vals)

    def _write_state(self, vals):
        # The actor was checked by ``_check_can_*``.
        return super(PerfInterview, self.sudo())._write_state(vals)

    # ------------------------------------------------------------ guards
    def _is_interviewer(self):
        self.ensure_one()
        user = self.env.user
        if user == self.user_id:
            return False  # nobody interviews themselves
        return user == self.interviewer_id or user.has_group(
            "perf_closed_loop.group_perf_hr"
        )

    def _check_can_record(self):
        self._check_readable()
        for interview in self:
            if not interview._is_interviewer():
                raise AccessError(
                    self.env._(
                        "Only the interviewer (%(user)s) or HR records the interview "
                        "of %(employee)s.",
                        user=interview.interviewer_id.name or self.env._("HR"),
                        employee=interview.employee_id.name,
                    )
                )
            if interview.state != "draft":
                raise UserError(
                    self.env._(
                        "The interview of %(employee)s is held: what was said no "
                        "longer changes.",
                        employee=interview.employee_id.name,
                    )
                )

    def _check_can_hold(self):
        self._check_can_record()
        for interview in self:
            if not (interview.went_well or interview.to_improve):
                raise UserError(
                    self.env._(
                        "Record what went well or what to improve before marking "
                        "the interview of %(employee)s as held.",
                        employee=interview.employee_id.name,
                    )
                )

    def _check_can_comment(self):
        self._check_readable()
        for interview in self:
            if interview.user_id != self.env.user:
                raise AccessError(
                    self.env._("Only the employee answers their interview record.")
                )
            if interview.state != "held":
                raise UserError(
                    self.env._(
                        "The interview of %(employee)s is not waiting for the "
                        "employee's answer.",
                        employee=interview.employee_id.name,
                    )
                )

    def _check_can_confirm(self):
        self._check_can_comment()

    def _check_can_dispute(self):
        self._check_can_comment()

    # ----------------------------------------------------------- actions
    def action_schedule(self):
        """Put the interview in both calendars: a meeting with the employee
        at ``date`` (moved when it already exists)."""
        self._lock_for_update()
        self._check_can_record()
        for interview in self:
            if not interview.date:
                raise UserError(
                    self.env._("Choose when the interview takes place first.")
                )
        self._do_schedule()
        return True

    def _do_schedule(self):
        Event = self.env["calendar.event"].with_context(mail_create_nosubscribe=True)
        for interview in self:
            partners = (
                interview.interviewer_id.partner_id
                | interview.employee_id.sudo().user_id.partner_id
                | interview.employee_id.sudo().work_contact_id
            )
            stop = interview.date + timedelta(hours=interview.duration or 1.0)
            values = {
                "name": self.env._(
                    "Results interview: %(employee)s",
                    employee=interview.employee_id.name,
                ),
                "start": interview.date,
                "stop": stop,
                "user_id": (interview.interviewer_id or self.env.user).id,
                "partner_ids": [Command.set(partners.ids)],
                "res_model_id": self.env["ir.model"]._get_id(self._name),
                "res_id": interview.id,
            }
            if interview.calendar_event_id:
                interview.calendar_event_id.write(values)
            else:
                event = Event.create(values)
                interview.sudo().write({"calendar_event_id": event.id})
            interview.message_post(
                body=self.env._(
                    "Interview scheduled for %(date)s.",
                    date=fields.Datetime.to_string(interview.date),
                ),
                subtype_xmlid="mail.mt_note",
            )

    def action_hold(self):
        """The interview took place: what was said is kept as recorded and
        the employee is asked to read and confirm it."""
        self._lock_for_update()
        self._check_can_hold()
        self._do_hold()
        return True

    def _do_hold(self):
        now = fields.Datetime.now()
        for interview in self:
            interview._write_state(
                {"state": "held", "held_date": now, "held_by_id": self.env.user.id}
            )
            interview._close_todos()
            user = interview.user_id
            if user:
                interview._schedule_todo(
                    user,
                    interview._env_for(user)._(
                        "Read the record of your results interview and confirm it"
                    ),
                    fields.Date.context_today(self) + timedelta(days=7),
                )
            interview.message_post(
                body=self.env._("Interview held; the employee is asked to confirm."),
                subtype_xmlid="mail.mt_note",
            )

    def action_confirm(self, comment=None):
        """The employee agrees with the record (and may add a comment)."""
        self._lock_for_update()
        self._check_can_confirm()
        self._do_confirm(comment)
        return True

    def _do_confirm(self, comment):
        now = fields.Datetime.now()
        for interview in self:
            values = {"state": "confirmed", "confirm_date": now}
            if comment:
                values["employee_comment"] = comment
            interview._write_state(values)
            interview._close_todos()
            interview.message_post(
                body=self.env._("The employee confirmed the interview record."),
                partner_ids=interview.interviewer_id.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )

    def action_dispute(self, reason=None):
        """The employee disagrees with the record, with a reason: HR gets a
        to-do to look into it."""
        self._lock_for_update()
        self._check_can_dispute()
        if reason is None:
            return self.env["perf.review.reason"]._ask(self, "dispute_interview")
        reason = self._checked_reason(reason)
        self._do_dispute(reason)
        return True

    def _do_dispute(self, reason):
        now = fields.Datetime.now()
        for interview in self:
            interview._write_state(
                {"state": "disputed", "dispute_date": now, "dispute_reason": reason}
            )
            interview._close_todos()
            hr = interview.review_id._hr_fallback_user()
            if hr:
                interview._schedule_todo(
                    hr,
                    interview._env_for(hr)._(
                        "%(employee)s disagrees with their interview record: "
                        "%(reason)s",
                        employee=interview.employee_id.name,
                        reason=reason,
                    ),
                    fields.Date.context_today(self) + timedelta(days=7),
                )
            interview.message_post(
                body=self.env._(
                    "The employee disagrees with the record: %(reason)s",
                    reason=reason,
                ),
                subtype_xmlid="mail.mt_comment",
            )

    # ------------------------------------------------------------ to-dos
    def _pending_todo(self):
        """The interviewer's "hold the interview", due on the cycle's
        interview deadline (two weeks after publication without one)."""
        self.ensure_one()
        user = self.interviewer_id
        if not user or self.state != "draft":
            return None
        return (
            user,
            self._env_for(user)._(
                "Hold the results interview with %(employee)s",
                employee=self.employee_id.name,
            ),
            self.cycle_id.interview_deadline
            or fields.Date.context_today(self) + timedelta(days=14),
        )

    def _todo_digest_intro(self, env, count):
        return env._(
            "The results are published: hold the results interviews (%(count)s):",
            count=count,
        )

    def _todo_bus_message(self, env):
        return env._("The results are published: you have interviews to hold.")
