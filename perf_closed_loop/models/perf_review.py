# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_date

from ..domain import flow as flow_rules
from ..domain import goals as goal_rules

BULK_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "mail_activity_automation_skip": True,
}
TODO_TYPE = "perf_closed_loop.mail_activity_type_perf_todo"
TODO_ACTION = "perf_closed_loop.perf_review_action_todo"
# Context key: mail.activity's own per-assignee subscription is skipped
# because the caller subscribes the whole batch (_add_followers_batch).
FOLLOWERS_BATCHED = "perf_followers_batched"
DIGEST_BODY = Markup(
    "<p>%s</p><p>%s</p><ul>%s</ul>"
    '<p><a href="%s" style="padding: 8px 12px; color: #fff; text-decoration: none; '
    'background-color: #714B67; border-radius: 3px;">%s</a></p>'
)
GOAL_WRITE_FIELDS = {"line_ids", "kpi_line_ids", "objective_ids"}


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
    * nobody approves their own goals; only the current approver acts;
      ``state`` changes only through the ``action_*`` methods.
    """

    _name = "perf.review"
    _inherit = ["mail.thread", "mail.activity.mixin", "perf.state.mixin"]
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
    skip_manager_user_id = fields.Many2one("res.users", readonly=True)
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
    todo_pending = fields.Boolean(
        readonly=True, index=True, copy=False, help="Launch to-do not sent yet."
    )
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
        string="Progress (%)", compute="_compute_progress", store=True
    )
    goal_deadline = fields.Date(related="cycle_id.goal_deadline")
    cancel_reason = fields.Text(readonly=True, copy=False)
    # Buttons
    can_edit_goals = fields.Boolean(compute="_compute_can")
    can_submit_goals = fields.Boolean(compute="_compute_can")
    can_approve_goals = fields.Boolean(compute="_compute_can")
    can_request_goal_change = fields.Boolean(compute="_compute_can")
    can_checkin = fields.Boolean(compute="_compute_can")

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
    @api.depends("state", "approval_ids.state", "goal_change_state")
    def _compute_can(self):
        for review in self:
            review.can_edit_goals = review._passes(review._check_can_edit_goals)
            review.can_submit_goals = review._passes(review._check_can_submit_goals)
            review.can_approve_goals = review._passes(review._check_can_approve_goals)
            review.can_request_goal_change = review._passes(
                review._check_can_request_goal_change
            )
            review.can_checkin = review._passes(review._check_can_checkin)

    # -------------------------------------------------------------- CRUD
    def _state_refusal_message(self):
        return self.env._(
            "The state of a review changes only through its buttons "
            "(submit, approve, reject …)."
        )

    def write(self, vals):
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
        self._check_can_submit_goals()
        self._check_goals_complete()
        self._do_submit_goals()
        return True

    def action_approve_goals(self):
        self._check_can_approve_goals()
        self._do_approve_goals()
        return True

    def action_reject_goals(self, reason=None):
        if not reason:
            return self._reason_wizard("reject_goals")
        self._check_can_reject_goals()
        self._do_reject_goals(reason)
        return True

    def action_request_goal_change(self, reason=None):
        if not reason:
            return self._reason_wizard("request_goal_change")
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
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Give a reason"),
            "res_model": "perf.review.reason",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_review_ids": self.ids,
                "default_action": action,
            },
        }

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
            problems = goal_rules.goal_problems(
                [(x.origin, x.weight) for x in kpis],
                [(o.weight, len(o.key_result_ids)) for o in review.objective_ids],
                review._goal_rules(),
            )
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
                        }
                        for index, user in enumerate(chain)
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
        """Ordered approvers of this review's goals, from its flow."""
        self.ensure_one()
        department_head = self.department_id.sudo().manager_id.user_id
        people = {
            "manager": self.manager_user_id.id,
            "skip_level": self.skip_manager_user_id.id,
            "department_head": department_head.id,
            "hr": self.cycle_id.hr_user_id.id,
        }
        return flow_rules.approval_chain(
            list(self.flow_id._goal_approval_actors()),
            people,
            employee_user=self.user_id.id,
        )

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
                body=body,
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
    def _env_for(self, user):
        """Environment in ``user``'s language, for what they will read."""
        return self.with_context(lang=user.lang or self.env.lang).env

    def _schedule_todo(self, user, summary, deadline):
        self.ensure_one()
        if not user:
            return
        self.sudo().activity_schedule(
            TODO_TYPE,
            date_deadline=deadline or fields.Date.context_today(self),
            summary=summary,
            user_id=user.id,
        )

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

    def _close_todos(self):
        """The current user's to-dos are done; other open ones are void."""
        activities = self._todo_activities()
        mine = activities.filtered(lambda a: a.user_id == self.env.user)
        mine.action_feedback(feedback=self.env._("Done"))
        (activities - mine).sudo().unlink()

    def _todo_activities(self):
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("activity_type_id", "=", self.env.ref(TODO_TYPE).id),
                ]
            )
        )

    def _first_actor(self):
        """User with the first to-do after launch."""
        self.ensure_one()
        return (
            self._goal_setter_user() or self.manager_user_id or self.cycle_id.hr_user_id
        )

    def _deliver_launch_todos(self):
        """Create the goal-setting to-dos of these reviews in one batch."""
        activity_type = self.env.ref(TODO_TYPE)
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        for review in self:
            user = review._first_actor()
            if not user:
                continue
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": review.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "date_deadline": review.cycle_id.goal_deadline
                    or fields.Date.context_today(self),
                    # In the language of whoever reads it.
                    "summary": self._env_for(user)._(
                        "Set the goals of %(employee)s for %(cycle)s",
                        employee=review.employee_id.name,
                        cycle=review.cycle_id.name,
                    ),
                }
            )
        # No per-activity message or e-mail: thousands of them would take
        # minutes. Each person gets the to-do in their activities, one
        # real-time notification and one digest of their to-dos (e-mail or
        # Discuss inbox, as they chose), in their language.
        activities = (
            self.env["mail.activity"]
            .sudo()
            .with_context(
                mail_activity_quick_update=True,
                **BULK_CONTEXT,
                **{FOLLOWERS_BATCHED: True},
            )
            .create(vals_list)
        )
        # mail.activity subscribes each assignee on its own (three queries
        # a person): done here for the whole batch instead.
        self._add_followers_batch(
            (activity.res_id, activity.user_id.partner_id.id) for activity in activities
        )
        self.sudo().write({"todo_pending": False})
        self._notify_todo_digest(activities)
        users = activities.user_id
        for lang in set(users.mapped("lang")):
            partners = users.filtered(lambda u, lang=lang: u.lang == lang).partner_id
            env_lang = self.with_context(lang=lang).env
            partners._bus_send(
                "simple_notification",
                {
                    "title": env_lang._("Performance review"),
                    "message": env_lang._(
                        "A review cycle has started: you have goals to set."
                    ),
                    "sticky": True,
                    "type": "info",
                },
            )

    def message_subscribe(self, partner_ids=None, subtype_ids=None):
        if self.env.context.get(FOLLOWERS_BATCHED):
            return True  # see _add_followers_batch
        return super().message_subscribe(partner_ids, subtype_ids)

    def _add_followers_batch(self, pairs):
        """Make each partner follow its review, for (review id, partner id)
        pairs, in a constant number of queries."""
        pairs = set(pairs)
        if not pairs:
            return
        Followers = self.env["mail.followers"].sudo()
        existing = Followers.search_fetch(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", list({res_id for res_id, _partner in pairs})),
            ],
            ["res_id", "partner_id"],
        )
        pairs -= {(f.res_id, f.partner_id.id) for f in existing}
        subtypes = self.env["mail.message.subtype"].default_subtypes(self._name)[0]
        Followers.create(
            [
                {
                    "res_model": self._name,
                    "res_id": res_id,
                    "partner_id": partner_id,
                    "subtype_ids": [Command.set(subtypes.ids)],
                }
                for res_id, partner_id in sorted(pairs)
            ]
        )

    @api.model
    def _notify_todo_digest(self, activities, overdue=False):
        """Tell each person of their to-dos among ``activities`` (on reviews),
        in their language: the new ones at launch, or the ``overdue`` ones.
        One e-mail per person who takes notifications by e-mail (sent later
        by Odoo's mail queue), one Discuss inbox message per person who reads
        them in Odoo; a constant number of queries whatever the headcount."""
        by_user = defaultdict(list)
        for activity in activities:
            by_user[activity.user_id].append(activity)
        if not by_user:
            return
        cycle = self.browse(activities.mapped("res_id")).cycle_id[:1]
        sender = (
            cycle.hr_user_id.email_formatted
            or cycle.company_id.email_formatted
            or self.env["ir.mail_server"]._get_default_from_address()
        )
        link = f"{cycle.get_base_url()}/odoo/action-{TODO_ACTION}"
        mails, inbox = [], []
        for user, todos in by_user.items():
            by_email = user.notification_type == "email"
            if by_email and not (user.email and sender):
                continue
            subject, body = self._todo_digest_content(user, todos, overdue, link)
            if by_email:
                mails.append(
                    {
                        "subject": subject,
                        "body_html": body,
                        "email_from": sender,
                        "recipient_ids": [Command.link(user.partner_id.id)],
                        "auto_delete": True,
                    }
                )
            else:
                inbox.append((user.partner_id, subject, body))
        if mails:
            self.env["mail.mail"].sudo().create(mails)
            self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger()
        if inbox:
            author = cycle.hr_user_id.partner_id or self.env.user.partner_id
            note = self.env.ref("mail.mt_note")
            messages = (
                self.env["mail.message"]
                .sudo()
                .create(
                    [
                        {
                            "author_id": author.id,
                            "email_from": sender or False,
                            "message_type": "user_notification",
                            "subtype_id": note.id,
                            "is_internal": True,
                            "subject": subject,
                            "body": body,
                            "partner_ids": [Command.link(partner.id)],
                        }
                        for partner, subject, body in inbox
                    ]
                )
            )
            self.env["mail.notification"].sudo().create(
                [
                    {
                        "mail_message_id": message.id,
                        "res_partner_id": partner.id,
                        "notification_type": "inbox",
                    }
                    for message, (partner, _subject, _body) in zip(
                        messages, inbox, strict=True
                    )
                ]
            )

    def _todo_digest_content(self, user, todos, overdue, link):
        """Subject and body of one person's to-do digest, in their language."""
        env = self._env_for(user)
        _ = env._
        items = Markup("").join(
            Markup("<li>%s — %s</li>")
            % (
                activity.summary,
                _("due %(date)s", date=format_date(env, activity.date_deadline)),
            )
            for activity in todos
        )
        if overdue:
            subject = _("Performance review: overdue to-dos")
            intro = _(
                "These to-dos are past their deadline (%(count)s):", count=len(todos)
            )
        else:
            subject = _("Performance review: your to-dos")
            intro = _(
                "A review cycle has started. Your to-dos (%(count)s):",
                count=len(todos),
            )
        body = DIGEST_BODY % (
            _("Hello %(name)s,", name=user.name),
            intro,
            items,
            link,
            _("Open my to-dos"),
        )
        return subject, body

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
