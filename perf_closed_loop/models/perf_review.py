# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression

from ..domain import evaluation
from ..domain import flow as flow_rules
from ..domain import goals as goal_rules
from ..wizard.perf_cycle_export import ROLE_COLUMNS, SCORE_COLUMNS
from .perf_todo_mixin import BULK_CONTEXT

# With anonymous peers, their aggregate shows once this many submitted.
PEER_AGGREGATE_MIN = 3

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
    goal_setter = fields.Selection(related="flow_id.goal_setter")
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
    line_ids = fields.One2many("perf.review.line", "review_id", string="Indicators")
    kpi_line_ids = fields.One2many(
        "perf.review.line",
        "review_id",
        string="KPI indicators",
        domain=[("kind", "=", "kpi")],
        context={"default_kind": "kpi"},
    )
    question_line_ids = fields.One2many(
        "perf.review.line",
        "review_id",
        string="Questions",
        domain=[("kind", "=", "question")],
        readonly=True,
    )
    objective_ids = fields.One2many("perf.objective", "review_id", string="Objectives")
    okr_enabled = fields.Boolean(related="template_id.okr_enabled")
    checkin_ids = fields.One2many("perf.checkin", "review_id", string="Check-ins")
    approval_ids = fields.One2many(
        "perf.review.approval", "review_id", string="Approvals", readonly=True
    )
    approval_round = fields.Integer(default=1, readonly=True, copy=False)
    current_approval_id = fields.Many2one(
        "perf.review.approval", compute="_compute_current_approval"
    )
    current_approver_id = fields.Many2one(
        "res.users", compute="_compute_current_approval", string="Waiting for"
    )
    goal_change_state = fields.Selection(
        [("editing", "Being changed"), ("submitted", "Change submitted")],
        readonly=True,
        copy=False,
    )
    approved_goals = fields.Json(readonly=True, copy=False)
    last_checkin_date = fields.Date(string="Last check-in", readonly=True, copy=False)
    risk_status = fields.Selection(
        [
            ("on_track", "On track"),
            ("at_risk", "At risk"),
            ("off_track", "Off track"),
        ],
        string="Latest status",
        readonly=True,
        copy=False,
        tracking=True,
    )
    progress = fields.Float(
        aggregator="avg", string="Progress (%)", compute="_compute_progress", store=True
    )
    goal_deadline = fields.Date(related="cycle_id.goal_deadline")
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
    # Evaluation
    rating_ids = fields.One2many(
        "perf.review.rating", "review_id", string="Ratings", readonly=True
    )
    visible_rating_ids = fields.Many2many(
        "perf.review.rating",
        string="Ratings you may read",
        compute="_compute_visible_records",
    )
    visible_event_ids = fields.Many2many(
        "perf.review.rating.event",
        string="Rating history",
        compute="_compute_visible_records",
    )
    nomination_ids = fields.One2many(
        "perf.review.nomination", "review_id", string="Peers", readonly=True
    )
    visible_nomination_ids = fields.Many2many(
        "perf.review.nomination",
        string="Nominated peers",
        compute="_compute_visible_records",
    )
    has_peer_step = fields.Boolean(compute="_compute_peer_step")
    peer_min = fields.Integer(compute="_compute_peer_step")
    peer_max = fields.Integer(compute="_compute_peer_step")
    peer_state = fields.Selection(
        [
            ("to_nominate", "Peers to nominate"),
            ("to_approve", "Peers to approve"),
            ("approved", "Peers approved"),
            ("skipped", "No peer review"),
        ],
        readonly=True,
        copy=False,
    )
    skipped_step_ids = fields.Many2many(
        "perf.flow.step",
        string="Steps nobody gives",
        readonly=True,
        copy=False,
        help="Optional rating steps without a rater: their weight goes to the "
        "other steps.",
    )
    evaluation_done = fields.Boolean(
        compute="_compute_scores", store=True, index=True, copy=False
    )
    # Results: hidden record by record (perf.result.mixin).
    final_score = fields.Float(
        aggregator="avg",
        compute="_compute_scores",
        store=True,
        digits=(16, 2),
        copy=False,
    )
    score_ready = fields.Boolean(
        string="Final score ready", compute="_compute_scores", store=True, copy=False
    )
    grade_id = fields.Many2one(
        "perf.rating.grade",
        string="Proposed grade",
        compute="_compute_scores",
        store=True,
        copy=False,
        index=True,
    )
    coefficient = fields.Float(
        aggregator="avg",
        string="Bonus coefficient",
        compute="_compute_final_grade",
        store=True,
        digits=(4, 2),
        copy=False,
    )
    self_score = fields.Float(
        aggregator="avg", compute="_compute_scores", store=True, digits=(16, 2)
    )
    manager_score = fields.Float(
        aggregator="avg", compute="_compute_scores", store=True, digits=(16, 2)
    )
    skip_level_score = fields.Float(
        aggregator="avg", compute="_compute_scores", store=True, digits=(16, 2)
    )
    designated_score = fields.Float(
        aggregator="avg", compute="_compute_scores", store=True, digits=(16, 2)
    )
    peer_score = fields.Float(
        aggregator="avg",
        string="Peer score (aggregate)",
        compute="_compute_scores",
        store=True,
        digits=(16, 2),
        help="Mean of the submitted peer ratings; shown once at least three "
        "peers submitted when peers are anonymous.",
    )
    peer_submitted_count = fields.Integer(compute="_compute_scores", store=True)
    kpi_score = fields.Float(
        aggregator="avg",
        string="KPI score",
        compute="_compute_scores",
        store=True,
        digits=(16, 2),
    )
    okr_score = fields.Float(
        aggregator="avg",
        string="OKR score",
        compute="_compute_scores",
        store=True,
        digits=(16, 2),
    )
    question_score = fields.Float(
        aggregator="avg", compute="_compute_scores", store=True, digits=(16, 2)
    )
    peer_feedback_html = fields.Html(
        string="Peer feedback",
        compute="_compute_peer_feedback_html",
        sanitize=False,
        help="What the peers wrote, without their names.",
    )
    evaluation_closed = fields.Boolean(
        readonly=True,
        copy=False,
        help="HR closed the evaluation with the ratings given so far.",
    )
    # Calibration and publication
    calibration_id = fields.Many2one(
        "perf.calibration", string="Calibration group", readonly=True, index=True
    )
    calibrated_grade_id = fields.Many2one(
        "perf.rating.grade",
        string="Calibrated grade",
        domain="[('scale_id', '=', scale_id)]",
        copy=False,
        tracking=False,
    )
    calibration_note = fields.Text(copy=False)
    final_grade_id = fields.Many2one(
        "perf.rating.grade",
        string="Final grade",
        compute="_compute_final_grade",
        store=True,
        index=True,
        copy=False,
    )
    scale_id = fields.Many2one(related="template_id.rating_scale_id")
    grade_change_ids = fields.One2many(
        "perf.review.grade.change", "review_id", string="Grade changes", readonly=True
    )
    published_date = fields.Datetime(readonly=True, copy=False)
    acknowledged = fields.Boolean(readonly=True, copy=False, index=True)
    acknowledge_date = fields.Datetime(readonly=True, copy=False)
    acknowledge_comment = fields.Text(readonly=True, copy=False)
    can_acknowledge = fields.Boolean(compute="_compute_can")
    # Buttons
    can_edit_goals = fields.Boolean(compute="_compute_can")
    can_submit_goals = fields.Boolean(compute="_compute_can")
    can_approve_goals = fields.Boolean(compute="_compute_can")
    can_request_goal_change = fields.Boolean(compute="_compute_can")
    can_checkin = fields.Boolean(compute="_compute_can")
    can_nominate_peers = fields.Boolean(compute="_compute_can")
    can_approve_peers = fields.Boolean(compute="_compute_can")
    can_calibrate = fields.Boolean(compute="_compute_can")

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

    @api.depends("approval_ids.state", "approval_ids.round", "state", "approval_round")
    def _compute_current_approval(self):
        for review in self:
            approval = review._current_approval()
            review.current_approval_id = approval
            review.current_approver_id = approval.approver_id

    @api.depends(
        "line_ids.progress", "line_ids.weight", "line_ids.kind", "objective_ids.weight"
    )
    def _compute_progress(self):
        for review in self:
            lines = review.line_ids.filtered(lambda x: x.kind in ("kpi", "key_result"))
            total = sum(lines.mapped("weight"))
            if not lines:
                review.progress = 0.0
            elif total:
                review.progress = sum(x.progress * x.weight for x in lines) / total
            else:
                review.progress = sum(lines.mapped("progress")) / len(lines)

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

    # ------------------------------------------------------------ actors
    def _is_hr(self):
        return self.env.user.has_group("perf_closed_loop.group_perf_hr")

    def _is_employee(self):
        self.ensure_one()
        return self.user_id == self.env.user

    def _is_manager(self):
        self.ensure_one()
        return self.manager_user_id == self.env.user

    def _goal_setter_user(self):
        self.ensure_one()
        if self.goal_setter == "manager":
            return self.manager_user_id
        return self.user_id

    def _goal_origin_for_user(self, review):
        if review.user_id == self.env.user:
            return "employee"
        return "manager"

    def _current_approval(self):
        self.ensure_one()
        if self.state != "goal_approval" or self.goal_change_state == "editing":
            return self.env["perf.review.approval"]
        pending = self.approval_ids.filtered(
            lambda a: a.state == "pending" and a.round == self.approval_round
        )
        return pending.sorted(lambda a: (a.sequence, a.id))[:1]

    # ------------------------------------------------------------ guards
    def _check_can_edit_goals(self):
        self._check_readable()
        for review in self:
            editing = review.state == "goal_setting" or (
                review.state == "goal_approval"
                and review.goal_change_state == "editing"
            )
            if not editing:
                raise UserError(
                    self.env._(
                        "Goals of %(review)s can only be changed while they are "
                        "being set.",
                        review=review.display_name,
                    )
                )
            if not (
                review._goal_setter_user() == self.env.user
                or review._is_manager()
                or review._is_hr()
            ):
                raise AccessError(
                    self.env._(
                        "Only %(setter)s, the manager or HR may set the goals of "
                        "%(review)s.",
                        setter=review._goal_setter_user().name or "-",
                        review=review.display_name,
                    )
                )

    def _check_can_submit_goals(self):
        self._check_can_edit_goals()

    def _check_can_approve_goals(self):
        self._check_readable()
        for review in self:
            approval = review._current_approval()
            if not approval:
                raise UserError(
                    self.env._(
                        "The goals of %(review)s are not waiting for approval.",
                        review=review.display_name,
                    )
                )
            if review.user_id == self.env.user:
                raise AccessError(self.env._("Nobody approves their own goals."))
            if approval.approver_id != self.env.user:
                raise AccessError(
                    self.env._(
                        "The goals of %(review)s are waiting for %(approver)s.",
                        review=review.display_name,
                        approver=approval.approver_id.name,
                    )
                )

    def _check_can_reject_goals(self):
        self._check_can_approve_goals()

    def _check_can_request_goal_change(self):
        self._check_readable()
        for review in self:
            if review.state != "execution":
                raise UserError(
                    self.env._("Goals can be changed during execution only.")
                )
            if not (review._is_employee() or review._is_manager() or review._is_hr()):
                raise AccessError(
                    self.env._(
                        "Only the employee, the manager or HR may ask for a goal "
                        "change."
                    )
                )

    def _check_can_checkin(self):
        self._check_readable()
        for review in self:
            if review.state != "execution":
                raise UserError(
                    self.env._(
                        "Check-ins are recorded during execution, not in the "
                        "state “%(state)s”.",
                        state=dict(
                            review._fields["state"]._description_selection(self.env)
                        )[review.state],
                    )
                )
            if not (review._is_employee() or review._is_manager() or review._is_hr()):
                raise AccessError(
                    self.env._("Only the employee, the manager or HR record check-ins.")
                )

    # ----------------------------------------------------------- actions
    def action_submit_goals(self):
        self._lock_for_update()
        self._check_can_submit_goals()
        self._check_goals_complete()
        self._do_submit_goals()
        return True

    def action_approve_goals(self):
        self._lock_for_update()
        self._check_can_approve_goals()
        self._do_approve_goals()
        return True

    def action_reject_goals(self, reason=None):
        if not reason:
            return self._reason_wizard("reject_goals")
        reason = self._checked_reason(reason)
        self._lock_for_update()
        self._check_can_reject_goals()
        self._do_reject_goals(reason)
        return True

    def action_request_goal_change(self, reason=None):
        if not reason:
            return self._reason_wizard("request_goal_change")
        reason = self._checked_reason(reason)
        self._lock_for_update()
        self._check_can_request_goal_change()
        self._do_request_goal_change(reason)
        return True

    def action_open_checkin(self):
        self.ensure_one()
        self._check_can_checkin()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New check-in"),
            "res_model": "perf.checkin",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_review_id": self.id},
        }

    def _reason_wizard(self, action):
        return self.env["perf.review.reason"]._ask(self, action)

    # ----------------------------------------------------------- effects
    def _goal_rules(self):
        self.ensure_one()
        template = self.template_id
        return {
            "kpi_enabled": template.kpi_weight > 0,
            "allow_added": template.allow_employee_indicators,
            "added_min": template.indicator_min_count,
            "added_max": template.indicator_max_count,
            "added_budget": template.indicator_weight_budget,
            "okr_enabled": template.okr_enabled and template.okr_weight > 0,
            "objectives_min": template.okr_min_objectives,
            "objectives_max": template.okr_max_objectives,
            "key_results_min": template.okr_min_key_results,
            "key_results_max": template.okr_max_key_results,
        }

    def _check_goals_complete(self):
        for review in self:
            kpis = review.line_ids.filtered(lambda x: x.kind == "kpi")
            try:
                problems = goal_rules.goal_problems(
                    [(x.origin, x.weight) for x in kpis],
                    [(o.weight, len(o.key_result_ids)) for o in review.objective_ids],
                    review._goal_rules(),
                )
            except ValueError:
                # A weight stored outside the form (a script, an import)
                # that no total can use.
                raise UserError(
                    self.env._(
                        "The goals of %(review)s cannot be submitted: a weight is "
                        "not a number from 0 up. Correct the weights.",
                        review=review.display_name,
                    )
                ) from None
            if problems:
                raise UserError(
                    self.env._(
                        "The goals of %(review)s cannot be submitted yet:\n"
                        "%(problems)s",
                        review=review.display_name,
                        problems="\n".join(
                            f"• {review._goal_problem_message(p)}" for p in problems
                        ),
                    )
                )

    def _goal_problem_message(self, problem):
        _ = self.env._
        kind, value, expected = problem
        if kind == "no_kpi":
            return _("add at least one KPI indicator.")
        if kind == "kpi_weights":
            return _(
                "the KPI indicators weigh %(total)s in all instead of 100.",
                total=value,
            )
        if kind == "added_not_allowed":
            return _("this template does not allow adding indicators.")
        if kind == "added_count":
            return _(
                "%(count)s indicators added; the template asks for %(low)s to "
                "%(high)s.",
                count=value,
                low=expected[0],
                high=expected[1],
            )
        if kind == "added_budget":
            return _(
                "the added indicators weigh %(total)s, more than the %(budget)s "
                "the template leaves to them.",
                total=value,
                budget=expected,
            )
        if kind == "objective_count":
            return _(
                "%(count)s objectives; the template asks for %(low)s to %(high)s.",
                count=value,
                low=expected[0],
                high=expected[1],
            )
        if kind == "objective_weights":
            return _(
                "the objectives weigh %(total)s in all instead of 100.", total=value
            )
        if kind == "key_result_count":
            return _(
                "objective %(index)s has %(count)s key results; the template asks "
                "for %(low)s to %(high)s.",
                index=value[0],
                count=value[1],
                low=expected[0],
                high=expected[1],
            )
        return _("the template has no OKR section; remove the objectives.")

    def _do_submit_goals(self):
        for review in self:
            chain = review._approval_users()
            new_round = review.approval_round + (
                1 if review.approval_ids.filtered(lambda a: a.state != "pending") else 0
            )
            pending = review.approval_ids.filtered(
                lambda a, r=review: a.state == "pending" and a.round == r.approval_round
            )
            if new_round != review.approval_round or not pending:
                pending.sudo().write({"state": "cancelled"})
                self.env["perf.review.approval"].sudo().create(
                    [
                        {
                            "review_id": review.id,
                            "kind": "goal",
                            "round": new_round,
                            "sequence": index,
                            "approver_id": user,
                            "actor": actor,
                        }
                        for index, (actor, user) in enumerate(chain)
                    ]
                )
            values = {"state": "goal_approval", "approval_round": new_round}
            if review.goal_change_state:
                values["goal_change_state"] = "submitted"
            review._write_state(values)
            review._close_todos()
            review.message_post(
                body=self.env._("Goals submitted for approval."),
                subtype_xmlid="mail.mt_note",
            )
            if not review._current_approval():
                review._do_goals_approved()
            else:
                review._schedule_approver_todo()

    def _approval_users(self):
        """Ordered (actor, user id) approvers of this review's goals, from its
        flow: nobody approves their own goals, and HR stands in for a
        manager nobody can be."""
        self.ensure_one()
        hr = self._hr_fallback_user()
        people = {
            "manager": (self.manager_user_id or hr).id,
            "skip_level": self.skip_manager_user_id.id,
            "department_head": self.department_head_user_id.id,
            "hr": hr.id,
        }
        actors = list(self.flow_id._goal_approval_actors())
        steps = flow_rules.approval_steps(actors, people, employee_user=self.user_id.id)
        if actors and not steps and hr:
            # Somebody else always approves when the flow asks for approval.
            steps = [("hr", hr.id)]
        return steps

    def _hr_fallback_user(self):
        """The cycle's HR responsible, or another HR officer of the company
        when that is the reviewed employee."""
        self.ensure_one()
        cycle = self.cycle_id.sudo()
        hr = cycle.hr_user_id
        if hr and hr != self.user_id and hr.active:
            return hr  # the common case, without reading the HR group
        return cycle._hr_officers(excluding=self.user_id)[:1]

    def _do_approve_goals(self):
        for review in self:
            approval = review._current_approval()
            approval.sudo().write({"state": "approved", "date": fields.Datetime.now()})
            review._close_todos()
            review.message_post(
                body=self.env._("Goals approved by %(user)s.", user=self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )
            if review._current_approval():
                review._schedule_approver_todo()
            else:
                review._do_goals_approved()

    def _do_goals_approved(self):
        self.ensure_one()
        body = self.env._("The goals are approved: execution starts.")
        if self.goal_change_state:
            body = self.env._(
                "The goal change is approved. Before the change:%(before)s",
                before=self._goals_html(self.approved_goals),
            )
        self._write_state(
            {
                "state": "execution",
                "goal_change_state": False,
                "approved_goals": self._goals_snapshot(),
            }
        )
        partners = self.user_id.partner_id | self.manager_user_id.partner_id
        self.message_post(
            body=body,
            partner_ids=partners.ids,
            subtype_xmlid="mail.mt_comment",
        )

    def _do_reject_goals(self, reason):
        for review in self:
            approval = review._current_approval()
            approval.sudo().write(
                {"state": "rejected", "reason": reason, "date": fields.Datetime.now()}
            )
            review.approval_ids.filtered(
                lambda a, r=review: a.state == "pending" and a.round == r.approval_round
            ).sudo().write({"state": "cancelled"})
            review._close_todos()
            setter = review._goal_setter_user()
            # Nothing submitted is lost either: the chatter keeps the goals
            # as they were sent.
            submitted = review._goals_html(review._goals_snapshot())
            if review.goal_change_state:
                # Nothing approved is lost: the approved goals come back.
                review._restore_goals(review.approved_goals)
                review._write_state({"state": "execution", "goal_change_state": False})
                body = self.env._(
                    "The goal change was rejected by %(user)s: %(reason)s. The "
                    "approved goals stay in force.",
                    user=self.env.user.name,
                    reason=reason,
                )
            else:
                review._write_state({"state": "goal_setting"})
                body = self.env._(
                    "Goals rejected by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=reason,
                )
                review._schedule_todo(
                    setter,
                    self._env_for(setter)._(
                        "Revise your goals: %(reason)s", reason=reason
                    ),
                    review.cycle_id.goal_deadline,
                )
            review.message_post(
                body=Markup("%s<br/>%s%s")
                % (body, self.env._("The goals as submitted:"), submitted),
                partner_ids=setter.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )

    def _do_request_goal_change(self, reason):
        for review in self:
            snapshot = review._goals_snapshot()
            review._write_state(
                {
                    "state": "goal_approval",
                    "goal_change_state": "editing",
                    "approved_goals": snapshot,
                }
            )
            review.message_post(
                body=self.env._(
                    "%(user)s asked to change the approved goals: %(reason)s",
                    user=self.env.user.name,
                    reason=reason,
                ),
                partner_ids=(
                    review.user_id.partner_id | review.manager_user_id.partner_id
                ).ids,
                subtype_xmlid="mail.mt_comment",
            )
            setter = review._goal_setter_user()
            review._schedule_todo(
                setter,
                self._env_for(setter)._(
                    "Change the goals and submit them: %(reason)s", reason=reason
                ),
                fields.Date.context_today(self) + timedelta(days=7),
            )

    # ------------------------------------------------------ goal snapshots
    def _goals_snapshot(self):
        self.ensure_one()
        return {
            "lines": [
                {
                    "id": line.id,
                    "name": line.name,
                    "weight": line.weight,
                    "target_value": line.target_value,
                    "unit": line.unit or "",
                }
                for line in self.line_ids.filtered(lambda x: x.kind != "question")
            ],
            "objectives": [
                {"id": o.id, "name": o.name, "weight": o.weight}
                for o in self.objective_ids
            ],
        }

    def _restore_goals(self, snapshot):
        self.ensure_one()
        snapshot = snapshot or {"lines": [], "objectives": []}
        lines = {item["id"]: item for item in snapshot["lines"]}
        objectives = {item["id"]: item for item in snapshot["objectives"]}
        for line in self.line_ids.filtered(lambda x: x.kind != "question").sudo():
            if line.id in lines:
                item = lines[line.id]
                line.write(
                    {
                        "name": item["name"],
                        "weight": item["weight"],
                        "target_value": item["target_value"],
                    }
                )
            else:
                line.unlink()
        for objective in self.objective_ids.sudo():
            if objective.id in objectives:
                item = objectives[objective.id]
                objective.write({"name": item["name"], "weight": item["weight"]})
            else:
                objective.unlink()

    def _goals_html(self, snapshot):
        rows = Markup("").join(
            Markup("<li>%s: %s %s (%s%%)</li>")
            % (
                escape(item["name"]),
                item["target_value"],
                escape(item["unit"]),
                item["weight"],
            )
            for item in (snapshot or {}).get("lines", [])
        )
        return Markup("<ul>%s</ul>") % rows

    # ------------------------------------------------------------ to-dos
    def _schedule_approver_todo(self):
        self.ensure_one()
        approval = self._current_approval()
        self._schedule_todo(
            approval.approver_id,
            self._env_for(approval.approver_id)._(
                "Approve the goals of %(employee)s", employee=self.employee_id.name
            ),
            fields.Date.context_today(self) + timedelta(days=3),
        )

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

    # -------------------------------------------------------- check-ins
    def _apply_checkin(self, checkin):
        """Effects of a recorded check-in on the line and the review."""
        self.ensure_one()
        line = checkin.line_id.sudo()
        if line:
            values = {"status": checkin.status, "last_checkin_date": checkin.date}
            if line.kind == "kpi":
                values["actual_value"] = checkin.value
                values["progress"] = line._compute_progress_from_actual(checkin.value)
            else:
                values["progress"] = checkin.progress
            line.write(values)
        self.sudo().write(
            {"last_checkin_date": checkin.date, "risk_status": checkin.status}
        )
        manager = self.manager_user_id
        if manager and manager != self.env.user:
            self.message_post(
                body=checkin._summary_html(),
                partner_ids=manager.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
        else:
            self.message_post(
                body=checkin._summary_html(), subtype_xmlid="mail.mt_note"
            )
        if (checkin.status == "off_track" or checkin.blocker) and manager:
            env = self._env_for(manager)
            self._schedule_todo(
                manager,
                env._(
                    "Help %(employee)s: %(line)s is %(status)s",
                    employee=self.employee_id.name,
                    line=line.name or env._("the review"),
                    status=dict(checkin._fields["status"]._description_selection(env))[
                        checkin.status
                    ],
                ),
                fields.Date.context_today(self) + timedelta(days=2),
            )

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

    # ------------------------------------------------------------ results
    _perf_result_fields = (
        "final_score",
        "score_ready",
        "grade_id",
        "coefficient",
        "self_score",
        "manager_score",
        "skip_level_score",
        "designated_score",
        "peer_score",
        "peer_submitted_count",
        "kpi_score",
        "okr_score",
        "question_score",
        "peer_feedback_html",
        "calibrated_grade_id",
        "calibration_note",
        "final_grade_id",
    )

    # Never shown to the employee, even once published: how the final grade
    # came about (proposed, calibrated, why) stays between the managers.
    _perf_internal_fields = ("calibration_note", "grade_id", "calibrated_grade_id")

    def _perf_result_visible_domain(self, internal=False):
        """The employee sees their own results once published (never the
        internal fields: the proposed and calibrated grades, the calibration
        note); anybody else who reads a
        review sees them only from above it (manager, skip-level manager,
        department head, calibrator, or an HR officer for every review but
        their own)."""
        user = self.env.user
        mine = user.sudo().employee_ids.ids
        own = ["|", ("user_id", "=", user.id), ("employee_id", "in", mine)]
        not_own = [("user_id", "!=", user.id), ("employee_id", "not in", mine)]
        published = [("state", "=", "published")]
        if user.has_group("perf_closed_loop.group_perf_hr"):
            above = []
        else:
            above = expression.OR(
                [
                    [("manager_user_id", "=", user.id)],
                    [("skip_manager_user_id", "=", user.id)],
                    [("department_head_user_id", "=", user.id)],
                    [("calibration_id.calibrator_id", "=", user.id)],
                    [("employee_id", "child_of", mine)],
                    [
                        (
                            "department_id",
                            "child_of",
                            user.sudo().perf_headed_department_ids.ids,
                        )
                    ],
                ]
            )
        from_above = expression.AND([not_own, above])
        if internal:
            return from_above
        return expression.OR([expression.AND([own, published]), from_above])

    @api.depends_context("uid")
    def _compute_visible_records(self):
        """The ratings, their history and the nominations of these reviews
        that the current user may read (record rules), without the shared
        cache of ``rating_ids`` that code running as superuser fills."""
        ratings = self.env["perf.review.rating"].search([("review_id", "in", self.ids)])
        events = self.env["perf.review.rating.event"].search(
            [("review_id", "in", self.ids)]
        )
        nominations = self.env["perf.review.nomination"].search(
            [("review_id", "in", self.ids)]
        )
        for review in self:
            review.visible_rating_ids = ratings.filtered(
                lambda r, review=review: r.review_id == review
            )
            review.visible_event_ids = events.filtered(
                lambda e, review=review: e.review_id == review
            )
            review.visible_nomination_ids = nominations.filtered(
                lambda n, review=review: n.review_id == review
            )

    @api.depends("flow_id")
    def _compute_peer_step(self):
        for review in self:
            step = review._peer_step()
            review.has_peer_step = bool(step)
            review.peer_min = step.peer_min
            review.peer_max = step.peer_max

    @api.depends(
        "state",
        "rating_ids.state",
        "rating_ids.total_score",
        "rating_ids.weight",
        "skipped_step_ids",
        "peer_state",
        "evaluation_closed",
        "template_id.rating_scale_id",
    )
    def _compute_scores(self):
        for review in self:
            values = review._score_values()
            review.update(values)

    def _score_values(self):
        """Scores of this review from its submitted ratings (domain maths):
        the final score once every step is done (or HR closed the evaluation
        with what was given), each role's and each section's score."""
        self.ensure_one()
        empty = {
            "evaluation_done": False,
            "final_score": 0.0,
            "score_ready": False,
            "grade_id": False,
            "self_score": 0.0,
            "manager_score": 0.0,
            "skip_level_score": 0.0,
            "designated_score": 0.0,
            "peer_score": 0.0,
            "peer_submitted_count": 0,
            "kpi_score": 0.0,
            "okr_score": 0.0,
            "question_score": 0.0,
        }
        if self.state not in ("evaluation", "calibration", "published"):
            return empty
        steps = self.flow_id._rating_steps()
        ratings = self.rating_ids
        submitted = ratings.filtered(lambda r: r.state == "submitted")
        items = []
        sections = {"kpi": [], "okr": [], "question": []}
        is_open = False
        for step in steps:
            of_step = ratings.filtered(lambda r, step=step: r.step_id == step)
            if any(r.state in ("waiting", "todo") for r in of_step):
                is_open = True
            if step.kind == "peer" and self.peer_state in ("to_nominate", "to_approve"):
                is_open = True
            done = of_step.filtered(lambda r: r.state == "submitted")
            required = not step.optional and step not in self.skipped_step_ids
            items.append((step.weight, required, done.mapped("total_score")))
            for name in sections:
                sections[name].append(
                    (step.weight, required, done.mapped(f"{name}_score"))
                )
        is_open = is_open and not self.evaluation_closed
        values = dict(empty)
        for role in ("self", "manager", "skip_level", "designated"):
            scores = [r.total_score for r in submitted if r.role == role]
            values[f"{role}_score"] = evaluation.step_score(scores) or 0.0
        peers = [r.total_score for r in submitted if r.role == "peer"]
        anonymous = any(r.anonymous for r in ratings if r.role == "peer")
        values["peer_submitted_count"] = len(peers)
        if peers and (len(peers) >= PEER_AGGREGATE_MIN or not anonymous):
            values["peer_score"] = evaluation.step_score(peers)
        values["evaluation_done"] = bool(ratings) and not is_open
        if is_open:
            return values
        force = self.evaluation_closed
        final = evaluation.final_score(items, force=force)
        weights = self.template_id._section_weights()
        for name, section_items in sections.items():
            if weights.get(name):
                values[f"{name}_score"] = (
                    evaluation.final_score(section_items, force=force) or 0.0
                )
        if final is not None:
            grade = self.template_id.rating_scale_id._grade_for_score(final)
            values.update(final_score=final, score_ready=True, grade_id=grade.id)
        return values

    @api.depends("grade_id", "calibrated_grade_id")
    def _compute_final_grade(self):
        for review in self:
            review.final_grade_id = review.calibrated_grade_id or review.grade_id
            review.coefficient = review.final_grade_id.coefficient

    @api.depends("rating_ids.comment", "rating_ids.state", "peer_submitted_count")
    def _compute_peer_feedback_html(self):
        """What the peers wrote, without names, once enough of them did for
        nobody to be recognised (anonymous peers)."""
        for review in self:
            peers = review.sudo().rating_ids.filtered(
                lambda r: r.role == "peer" and r.state == "submitted" and r.comment
            )
            anonymous = any(peers.mapped("anonymous"))
            if not peers or (
                anonymous and review.peer_submitted_count < PEER_AGGREGATE_MIN
            ):
                review.peer_feedback_html = False
                continue
            review.peer_feedback_html = Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li>%s</li>") % comment
                for comment in sorted(peers.mapped("comment"))
            )

    def _recompute_scores(self):
        """Recompute the stored scores now (after a state written in bulk)."""
        self.env.add_to_compute(self._fields["final_score"], self)
        self.flush_recordset(
            [
                name
                for name in (*self._perf_result_fields, "evaluation_done")
                if self._fields[name].store
            ]
        )

    # ---------------------------------------------------------- evaluation
    def _rating_steps(self):
        self.ensure_one()
        return self.flow_id._rating_steps()

    def _peer_step(self):
        self.ensure_one()
        return self.flow_id.step_ids.filtered(lambda s: s.kind == "peer")[:1]

    def _step_rater(self, step):
        """(user, why) of the rater of a rating step other than peers: the
        user is empty, and ``why`` says why, when nobody can give it."""
        self.ensure_one()
        _ = self.env._
        user = {
            "self": self.user_id,
            "manager": self.manager_user_id,
            "skip_level": self.skip_manager_user_id,
            "designated": step.designated_user_id,
        }[step.kind]
        missing = {
            "self": _("no user"),
            "manager": _("nobody above them"),
            "skip_level": _("no skip-level manager"),
            "designated": _("no designated reviewer in the flow"),
        }[step.kind]
        if not user:
            return user, missing
        if not user.active:
            return user.browse(), _("%(user)s has left", user=user.name)
        if step.kind != "self" and user == self.user_id:
            return user.browse(), _(
                "%(user)s would rate their own review", user=user.name
            )
        return user, ""

    def _start_evaluation(self, raters=None):
        """Move these reviews to evaluation and create their rating tasks
        (one batch): one rating per step and rater, peers from the approved
        nominations; an optional step nobody can give is skipped (its weight
        goes to the others), a required one goes to the rater HR named (or
        to HR). The first steps open; later ones wait."""
        raters = raters or {}
        reviews = self.sudo().with_context(**BULK_CONTEXT)
        leftovers = reviews.filtered(lambda r: r.state != "execution")
        if leftovers:
            leftovers.approval_ids.filtered(lambda a: a.state == "pending").write(
                {"state": "cancelled"}
            )
            leftovers._todo_activities().unlink()
        reviews._write_state(
            {"state": "evaluation", "goal_change_state": False, "todo_pending": False}
        )
        Users = self.env["res.users"].sudo()
        vals_list = []
        skipped = {}
        to_nominate = self.browse()
        for review in reviews:
            for step in review._rating_steps():
                if step.kind == "peer":
                    continue
                named = raters.get((review.id, step.id))
                user = Users.browse(named) if named else review._step_rater(step)[0]
                if not user and not step.optional:
                    user = review._hr_fallback_user()
                if not user:
                    skipped.setdefault(review, []).append(step.id)
                    continue
                vals_list.append(review._rating_values(step, user))
            step = review._peer_step()
            if step:
                approved = review.nomination_ids.filtered(
                    lambda n: n.state == "approved" and not n.rating_id
                )
                vals_list += [
                    review._rating_values(step, n.user_id, nomination=n)
                    for n in approved
                ]
                review.peer_state = review._peer_state_now()
                if review.peer_state == "to_nominate":
                    if step.optional and not review._active_nominations():
                        # Nobody to give it: its weight goes to the others.
                        review.peer_state = "skipped"
                        skipped.setdefault(review, []).append(step.id)
                    else:
                        to_nominate |= review
        ratings = (
            self.env["perf.review.rating"]
            .sudo()
            .with_context(**BULK_CONTEXT)
            .create(vals_list)
        )
        for rating in ratings.filtered("nomination_id"):
            rating.nomination_id.rating_id = rating
        for review, step_ids in skipped.items():
            review.skipped_step_ids = [Command.set(step_ids)]
        if to_nominate:
            to_nominate.write({"todo_kind": "nominate_peers", "todo_pending": True})
        reviews._evaluation_advance()

    def _rating_values(self, step, user, nomination=None):
        self.ensure_one()
        return {
            "review_id": self.id,
            "step_id": step.id,
            "role": step.kind,
            "sequence": step.sequence,
            "weight": step.weight,
            "rater_id": user.id,
            "anonymous": step.kind == "peer" and step.peer_anonymous,
            "employee_visible": step.visible_to_employee,
            "nomination_id": nomination.id if nomination else False,
        }

    def _step_done(self, step, ratings):
        if step in self.skipped_step_ids:
            return True
        if step.kind == "peer":
            if self.peer_state not in ("approved", "skipped"):
                return False
        of_step = ratings.filtered(lambda r: r.step_id == step)
        return all(r.state not in ("waiting", "todo") for r in of_step)

    def _evaluation_advance(self, now=False):
        """Open the ratings whose turn has come: steps of equal sequence open
        together, a later step once every earlier one is done. ``now``
        schedules the to-dos at once (one review moving on), else the
        batched job delivers them."""
        to_open = self.env["perf.review.rating"].sudo()
        finished = self.sudo().browse()
        for review in self.sudo().filtered(lambda r: r.state == "evaluation"):
            steps = review._rating_steps()
            ratings = review.rating_ids
            groups = evaluation.step_groups([(s.id, s.sequence) for s in steps])
            done = {s.id for s in steps if review._step_done(s, ratings)}
            index = evaluation.open_group(groups, done)
            if index is None:
                finished |= review
                continue
            current = set(groups[index])
            to_open |= ratings.filtered(
                lambda r, current=current: (
                    r.step_id.id in current and r.state == "waiting"
                )
            )
        to_open._open(now=now)
        if now and finished:
            finished._recompute_scores()
            # Posted by the system: the last rater may be an anonymous peer.
            for review in finished.filtered("evaluation_done"):
                review.message_post(
                    body=self.env._("Every rating is in: the evaluation is complete."),
                    author_id=self.env.ref("base.partner_root").id,
                    subtype_xmlid="mail.mt_note",
                )

    # ------------------------------------------------------------- peers
    def _peer_nominator(self):
        self.ensure_one()
        step = self._peer_step()
        if step.peer_nominated_by == "manager":
            return self.manager_user_id or self._hr_fallback_user()
        return self.user_id

    def _nominate_summary(self, env):
        step = self._peer_step()
        return env._(
            "Nominate %(low)s to %(high)s peers to rate %(employee)s",
            low=step.peer_min,
            high=step.peer_max,
            employee=self.employee_id.name,
        )

    def _active_nominations(self):
        return self.nomination_ids.filtered(
            lambda n: n.state in ("proposed", "approved")
        )

    def _peer_state_now(self):
        self.ensure_one()
        step = self._peer_step()
        if not step:
            return False
        if self.peer_state == "skipped":
            return "skipped"
        active = self._active_nominations()
        if "proposed" in active.mapped("state"):
            return "to_approve"
        if active and len(active) >= step.peer_min:
            return "approved"
        return "to_nominate"

    def _check_can_nominate_peers(self):
        self._check_readable()
        for review in self:
            step = review._peer_step()
            if not step:
                raise UserError(
                    self.env._(
                        "The flow of %(review)s has no peer review.",
                        review=review.display_name,
                    )
                )
            if (
                review.state not in ("execution", "evaluation")
                or review.peer_state in ("skipped",)
                or review.evaluation_done
            ):
                raise UserError(
                    self.env._(
                        "Peers are nominated during execution or evaluation, before "
                        "the peer ratings are done (%(review)s).",
                        review=review.display_name,
                    )
                )
            nominator = review._peer_nominator()
            if not (
                self.env.user == nominator or review._is_manager() or review._is_hr()
            ):
                raise AccessError(
                    self.env._(
                        "Only %(nominator)s, the manager or HR nominate the peers of "
                        "%(review)s.",
                        nominator=nominator.name or "-",
                        review=review.display_name,
                    )
                )

    def _check_can_approve_peers(self):
        self._check_readable()
        for review in self:
            if not review.nomination_ids.filtered(lambda n: n.state == "proposed"):
                raise UserError(
                    self.env._(
                        "No peer of %(review)s awaits approval.",
                        review=review.display_name,
                    )
                )
            if review.user_id == self.env.user:
                raise AccessError(self.env._("Nobody approves their own peers."))
            if not (review._is_manager() or review._is_hr()):
                raise AccessError(
                    self.env._("Only the manager or HR approve the peers.")
                )

    def action_nominate_peers(self, users=None):
        """Nominate peers to rate this review (同事评价): by the employee
        (approved by the manager) or the manager, as the flow says."""
        self.ensure_one()
        self._check_can_nominate_peers()
        if users is None:
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Nominate peers"),
                "res_model": "perf.review.nominate",
                "view_mode": "form",
                "views": [(False, "form")],
                "target": "new",
                "context": {"default_review_id": self.id},
            }
        if not isinstance(users, models.BaseModel):
            users = self.env["res.users"].browse(
                [users] if isinstance(users, int) else list(users)
            )
        users = users.sudo()
        self._lock_for_update()
        self._check_can_nominate_peers()
        self._check_nominees(users)
        self._do_nominate_peers(users)
        return True

    def _check_nominees(self, users):
        self.ensure_one()
        step = self._peer_step()
        active = self._active_nominations().user_id
        before = self.nomination_ids.filtered(
            lambda n: n.state in ("refused", "declined")
        ).user_id
        others = (
            self.rating_ids.filtered(
                lambda r: r.role != "peer" and r.state != "cancelled"
            ).rater_id
            | self.manager_user_id
            | self.skip_manager_user_id
        )
        problems = evaluation.nomination_problems(
            self.user_id.id,
            active.ids,
            users.ids,
            step.peer_min,
            step.peer_max,
            excluded=set((others | before).ids),
        )
        bad = users.filtered(lambda u: not u.active or u.share)
        messages = [
            self.env._(
                "%(user)s cannot rate (not an active internal user).", user=u.name
            )
            for u in bad
        ]
        names = {u.id: u.name for u in users | active}
        for problem in problems:
            if problem.kind == "self":
                messages.append(self.env._("nobody rates their own review."))
            elif problem.kind == "excluded":
                messages.append(
                    self.env._(
                        "%(user)s already rates this review or was nominated before.",
                        user=names.get(problem.detail, "-"),
                    )
                )
            elif problem.kind == "twice":
                messages.append(
                    self.env._(
                        "%(user)s is nominated twice.",
                        user=names.get(problem.detail, "-"),
                    )
                )
            else:
                total, low, high = problem.detail
                messages.append(
                    self.env._(
                        "%(count)s peers in all; the flow asks for %(low)s to "
                        "%(high)s.",
                        count=total,
                        low=low,
                        high=high,
                    )
                )
        if messages:
            raise UserError(
                self.env._(
                    "These peers cannot be nominated for %(review)s:\n%(problems)s",
                    review=self.display_name,
                    problems="\n".join(f"• {m}" for m in messages),
                )
            )

    def _do_nominate_peers(self, users):
        self.ensure_one()
        step = self._peer_step()
        needs_approval = (
            step.peer_nominated_by == "employee"
            and self.env.user == self.user_id
            and not self._is_hr()
        )
        nominations = (
            self.env["perf.review.nomination"]
            .sudo()
            .create(
                [
                    {
                        "review_id": self.id,
                        "user_id": user.id,
                        "nominated_by_id": self.env.user.id,
                        "state": "proposed" if needs_approval else "approved",
                    }
                    for user in users
                ]
            )
        )
        review = self.sudo()
        review._close_todos()
        if needs_approval:
            review.write({"peer_state": "to_approve"})
            manager = review.manager_user_id or review._hr_fallback_user()
            review._schedule_todo(
                manager,
                review._env_for(manager)._(
                    "Approve the peers nominated to rate %(employee)s",
                    employee=review.employee_id.name,
                ),
                fields.Date.context_today(self) + timedelta(days=3),
            )
        else:
            review._peers_approved(nominations)
        review.message_post(
            body=self.env._(
                "%(user)s nominated %(count)s peers.",
                user=self.env.user.name,
                count=len(users),
            ),
            subtype_xmlid="mail.mt_note",
        )

    def action_approve_peers(self):
        self._lock_for_update()
        self._check_can_approve_peers()
        for review in self.sudo():
            proposed = review.nomination_ids.filtered(lambda n: n.state == "proposed")
            proposed.write({"state": "approved"})
            review._close_todos()
            review._peers_approved(proposed)
        return True

    def _peers_approved(self, nominations):
        """Approved peers get their rating when the review is in evaluation."""
        self.ensure_one()
        review = self.sudo()
        review.write({"peer_state": review._peer_state_now()})
        if review.state != "evaluation":
            return
        step = review._peer_step()
        new = nominations.filtered(lambda n: n.state == "approved" and not n.rating_id)
        ratings = (
            self.env["perf.review.rating"]
            .sudo()
            .create([review._rating_values(step, n.user_id, nomination=n) for n in new])
        )
        for rating in ratings:
            rating.nomination_id.rating_id = rating
        review._evaluation_advance(now=True)

    def _peers_changed(self, nomination, reason):
        """A peer was refused or declined: whoever nominates names another."""
        self.ensure_one()
        review = self.sudo()
        review.write({"peer_state": review._peer_state_now()})
        nominator = review._peer_nominator()
        review._schedule_todo(
            nominator,
            review._env_for(nominator)._(
                "Nominate another peer to rate %(employee)s (%(peer)s: %(reason)s)",
                employee=review.employee_id.name,
                peer=nomination.user_id.name,
                reason=reason,
            ),
            fields.Date.context_today(self) + timedelta(days=3),
        )

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

    # ------------------------------------------------- calibration, results
    def _close_evaluation(self):
        """HR closes these evaluations with the ratings given so far: open
        ratings are cancelled, missing steps give their weight to the
        others."""
        reviews = self.sudo().with_context(**BULK_CONTEXT)
        ratings = reviews.rating_ids.filtered(lambda r: r.state in ("waiting", "todo"))
        ratings._todo_activities().unlink()
        ratings._write_state(
            {
                "state": "cancelled",
                "todo_pending": False,
                "cancel_reason": self.env._("Evaluation closed by HR"),
            }
        )
        reviews._todo_activities().unlink()
        reviews.write({"evaluation_closed": True, "todo_pending": False})
        reviews._recompute_scores()

    def _do_publish(self):
        """Publish these reviews in one batch; each employee gets a to-do to
        read and acknowledge their result (batched delivery)."""
        reviews = self.sudo().with_context(**BULK_CONTEXT)
        reviews._write_state(
            {
                "state": "published",
                "published_date": fields.Datetime.now(),
                "todo_kind": "acknowledge",
                "todo_pending": True,
            }
        )
        reviews.filtered(lambda r: not r.user_id).write({"todo_pending": False})

    def _check_can_acknowledge(self):
        self._check_readable()
        for review in self:
            review.cycle_id._check_open()
            if review.state != "published" or review.acknowledged:
                raise UserError(
                    self.env._(
                        "Only a published result not yet acknowledged can be "
                        "acknowledged (%(review)s).",
                        review=review.display_name,
                    )
                )
            if review.user_id != self.env.user:
                raise AccessError(
                    self.env._("Only the employee acknowledges their result.")
                )

    def action_acknowledge(self, comment=None):
        """The employee read their result (and may say something)."""
        if isinstance(comment, str) and "\x00" in comment:
            raise UserError(
                self.env._("The comment contains a NUL character: remove it.")
            )
        self._lock_for_update()
        self._check_can_acknowledge()
        self._do_acknowledge(comment)
        return True

    def action_open_acknowledge(self):
        self.ensure_one()
        self._check_can_acknowledge()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Acknowledge the result"),
            "res_model": "perf.review.acknowledge",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_review_id": self.id},
        }

    def _do_acknowledge(self, comment):
        for review in self:
            review.sudo().write(
                {
                    "acknowledged": True,
                    "acknowledge_date": fields.Datetime.now(),
                    "acknowledge_comment": comment or False,
                }
            )
            review._close_todos()
            body = (
                self.env._("Result acknowledged: %(comment)s", comment=comment)
                if comment
                else self.env._("Result acknowledged.")
            )
            review.message_post(
                body=body,
                partner_ids=review.manager_user_id.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )

    def _export_columns(self):
        """(field, header, width, kind) of the results spreadsheet."""
        _ = self.env._
        return [
            ("employee_id", _("Employee"), 24, "text"),
            ("department_id", _("Department"), 20, "text"),
            ("manager_id", _("Manager"), 20, "text"),
            ("template_id", _("Template"), 20, "text"),
            ("kpi_score", _("KPI score"), 10, "score"),
            ("okr_score", _("OKR score"), 10, "score"),
            ("question_score", _("Questions score"), 10, "score"),
            ("self_score", _("Self-evaluation"), 10, "score"),
            ("peer_score", _("Peers (aggregate)"), 10, "score"),
            ("manager_score", _("Manager review"), 10, "score"),
            ("skip_level_score", _("Skip-level review"), 10, "score"),
            ("designated_score", _("Designated reviewer"), 10, "score"),
            ("final_score", _("Final score"), 10, "score"),
            ("grade_id", _("Proposed grade"), 10, "text"),
            ("calibrated_grade_id", _("Calibrated grade"), 10, "text"),
            ("final_grade_id", _("Final grade"), 10, "text"),
            ("coefficient", _("Bonus coefficient"), 10, "number"),
            ("calibration_note", _("Calibration note"), 30, "text"),
            ("acknowledged", _("Acknowledged"), 12, "text"),
        ]

    def _results_rows(self, columns):
        """The rows of these reviews in the results spreadsheet, as the
        current user reads them (hidden results stay empty). Scores nobody
        gave are left blank, not 0: a person graded in calibration without
        any rating has a final grade and no score."""
        names = [name for name, _h, _w, _k in columns]
        yes, no = self.env._("Yes"), self.env._("No")
        # Short department names (the sheets are named after them), grade
        # codes, and which kinds of rating each review has: read at once.
        departments = {d.id: d.name for d in self.sudo().department_id}
        grades = {
            g.id: g.code
            for g in self.sudo().mapped("grade_id")
            | self.sudo().mapped("calibrated_grade_id")
            | self.sudo().mapped("final_grade_id")
        }
        rated = {
            (review.id, role)
            for review, role in self.env["perf.review.rating"]
            .sudo()
            ._read_group(
                [("review_id", "in", self.ids), ("state", "=", "submitted")],
                ["review_id", "role"],
            )
        }
        rows = []
        for values in self.read([*names, "score_ready"]):
            row = []
            for name, _header, _width, _kind in columns:
                value = values[name]
                if name in ("grade_id", "calibrated_grade_id", "final_grade_id"):
                    value = grades.get(value[0], "") if value else ""
                elif name == "department_id" and value:
                    value = departments[value[0]]
                elif isinstance(value, tuple):
                    value = value[1]
                elif name == "acknowledged":
                    value = yes if value else no
                elif name in SCORE_COLUMNS and not values["score_ready"]:
                    value = ""
                elif name in ROLE_COLUMNS and (
                    (values["id"], ROLE_COLUMNS[name]) not in rated
                ):
                    value = ""
                elif value is False and self._fields[name].type != "float":
                    value = ""
                row.append(value)
            rows.append(row)
        return rows

    def action_export_xlsx(self):
        """Export the selected reviews' results (as the user may read them;
        never one's own): a spreadsheet built when its link is opened."""
        cycle = self.cycle_id[:1]
        return self.env["perf.cycle.export"]._request(cycle, self)
