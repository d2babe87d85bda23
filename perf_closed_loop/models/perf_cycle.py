# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..domain import assignment as assignment_rules
from .perf_review import BULK_CONTEXT, TODO_TYPE

_logger = logging.getLogger(__name__)

DEFAULT_SYNC_LIMIT = 300
DEFAULT_BATCH_SIZE = 1000


class PerfCycle(models.Model):
    """One launch (考核周期) for a company: who is reviewed with which
    template, the phase deadlines, and the progress of every review.

    Access: HR officers create, preview, launch, move the phases on and
    cancel cycles of their companies; managers and employees read the
    cycles of their reviews. ``state`` changes only through the buttons.
    """

    _name = "perf.cycle"
    _inherit = ["mail.thread", "mail.activity.mixin", "perf.state.mixin"]
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
    date_start = fields.Date(string="Period from", required=True, tracking=True)
    date_end = fields.Date(string="Period to", required=True, tracking=True)
    goal_deadline = fields.Date(string="Goals due", tracking=True)
    evaluation_deadline = fields.Date(string="Evaluation due", tracking=True)
    calibration_deadline = fields.Date(string="Calibration due", tracking=True)
    assignment_ids = fields.One2many(
        "perf.cycle.assignment", "cycle_id", string="Assignments", copy=True
    )
    distribution_policy_id = fields.Many2one(
        "perf.distribution.policy",
        check_company=True,
        default=lambda self: self.env.ref(
            "perf_closed_loop.distribution_policy_default", raise_if_not_found=False
        ),
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
    review_ids = fields.One2many("perf.review", "cycle_id", string="Reviews")
    review_count = fields.Integer(compute="_compute_counters")
    goals_draft_count = fields.Integer(
        string="Goals not submitted", compute="_compute_counters"
    )
    goals_waiting_count = fields.Integer(
        string="Awaiting approval", compute="_compute_counters"
    )
    execution_count = fields.Integer(string="In execution", compute="_compute_counters")
    at_risk_count = fields.Integer(string="At risk", compute="_compute_counters")
    launch_state = fields.Selection(
        [("queued", "Queued"), ("running", "Running"), ("done", "Done")],
        readonly=True,
        copy=False,
    )
    launch_total = fields.Integer(readonly=True, copy=False)
    launch_done = fields.Integer(readonly=True, copy=False)
    launch_progress = fields.Float(compute="_compute_launch_progress")
    todo_pending_count = fields.Integer(
        string="To-dos to send", compute="_compute_counters"
    )
    cancel_reason = fields.Text(readonly=True, copy=False)
    can_launch = fields.Boolean(compute="_compute_can")
    can_start_execution = fields.Boolean(compute="_compute_can")
    can_cancel = fields.Boolean(compute="_compute_can")

    _sql_constraints = [
        (
            "dates_ordered",
            "CHECK(date_end >= date_start)",
            "The period must end after it starts.",
        ),
    ]

    # ----------------------------------------------------------- compute
    @api.depends(
        "review_ids.state", "review_ids.todo_pending", "review_ids.risk_status"
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
        for cycle in self:
            cycle.goals_draft_count = counts.get((cycle.id, "goal_setting"), 0)
            cycle.goals_waiting_count = counts.get((cycle.id, "goal_approval"), 0)
            cycle.execution_count = counts.get((cycle.id, "execution"), 0)
            cycle.review_count = sum(
                count for (cid, _s), count in counts.items() if cid == cycle.id
            )
            cycle.at_risk_count = risk.get(cycle, 0)
            cycle.todo_pending_count = pending.get(cycle, 0)

    @api.depends("launch_total", "launch_done")
    def _compute_launch_progress(self):
        for cycle in self:
            cycle.launch_progress = (
                100.0 * cycle.launch_done / cycle.launch_total
                if cycle.launch_total
                else 0.0
            )

    @api.depends_context("uid")
    @api.depends("state", "launch_state")
    def _compute_can(self):
        for cycle in self:
            cycle.can_launch = cycle._passes(cycle._check_can_launch)
            cycle.can_start_execution = cycle._passes(cycle._check_can_start_execution)
            cycle.can_cancel = cycle._passes(cycle._check_can_cancel)

    def _state_refusal_message(self):
        return self.env._("The state of a cycle changes only through its buttons.")

    # ------------------------------------------------------------ guards
    def _check_hr(self):
        if not self.env.user.has_group("perf_closed_loop.group_perf_hr"):
            raise AccessError(self.env._("Only HR officers run review cycles."))

    def _check_can_launch(self):
        self._check_hr()
        for cycle in self:
            if cycle.state != "draft" or cycle.launch_state:
                raise UserError(
                    self.env._(
                        "The cycle %(cycle)s is already launched.", cycle=cycle.name
                    )
                )
            if not cycle.assignment_ids:
                raise UserError(
                    self.env._(
                        "Add at least one assignment (departments or employees "
                        "and their template) to %(cycle)s.",
                        cycle=cycle.name,
                    )
                )

    def _check_can_start_execution(self):
        self._check_hr()
        for cycle in self:
            if cycle.state != "goal_setting" or cycle.launch_state != "done":
                raise UserError(
                    self.env._(
                        "Execution starts once the cycle is launched and in goal "
                        "setting."
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

    # ---------------------------------------------------------- launch plan
    def _launch_plan(self, exclude=()):
        """Who gets a review with which template, and every problem found.

        Returns a list of dicts: employee, assignment, template, covering
        (assignments that name the employee) and problems, a list of
        (code, blocking, message). Employees in ``exclude`` (ids) are left
        out of the result."""
        self.ensure_one()
        Employee = self.env["hr.employee"].sudo().with_context(active_test=False)
        reached = []
        for assignment in self.assignment_ids:
            scope = {}
            departments = assignment.department_ids.sudo()
            if departments:
                if assignment.include_subdepartments:
                    departments = departments.search(
                        [("id", "child_of", departments.ids)]
                    )
                roots = set(assignment.department_ids.ids)
                # parent_path "1/5/9/": walk up from each department to the
                # nearest assigned one.
                distance = {
                    dep.id: next(
                        i
                        for i, parent in enumerate(dep.parent_path.split("/")[-2::-1])
                        if int(parent) in roots
                    )
                    for dep in departments
                }
                rows = Employee._read_group(
                    [
                        ("department_id", "in", departments.ids),
                        ("company_id", "=", self.company_id.id),
                        ("active", "=", True),
                    ],
                    ["department_id"],
                    ["id:array_agg"],
                )
                for department, employee_ids in rows:
                    specificity = assignment_rules.department_specificity(
                        distance[department.id]
                    )
                    scope.update(dict.fromkeys(employee_ids, specificity))
            for employee in assignment.employee_ids:
                scope[employee.id] = assignment_rules.EXPLICIT
            reached.append((assignment.id, scope))
        resolved = assignment_rules.resolve_assignments(reached)
        employees = Employee.browse([i for i in resolved if i not in exclude])
        assignments = {a.id: a for a in self.assignment_ids}
        busy = self._overlapping_reviews(employees)
        plan = []
        _ = self.env._
        for employee in employees:
            winner, covering = resolved[employee.id]
            assignment = assignments[winner]
            problems = []
            if not employee.active:
                problems.append(("archived", True, _("archived employee")))
            if not employee.user_id:
                problems.append(
                    ("no_user", True, _("no user: they could not open their review"))
                )
            if not employee.parent_id:
                problems.append(
                    (
                        "no_manager",
                        False,
                        _("no manager: manager steps fall to HR"),
                    )
                )
            if len(covering) > 1:
                problems.append(
                    (
                        "two_assignments",
                        False,
                        _(
                            "in %(count)s assignments; “%(template)s” wins",
                            count=len(covering),
                            template=assignment.template_id.name,
                        ),
                    )
                )
            if employee.id in busy:
                problems.append(
                    (
                        "overlap",
                        True,
                        _(
                            "already reviewed in the overlapping cycle %(cycle)s",
                            cycle=busy[employee.id],
                        ),
                    )
                )
            plan.append(
                {
                    "employee": employee,
                    "assignment": assignment,
                    "template": assignment.template_id,
                    "covering": covering,
                    "problems": problems,
                }
            )
        return plan

    def _overlapping_reviews(self, employees):
        """employee id -> name of another live cycle over the same period."""
        self.ensure_one()
        rows = (
            self.env["perf.review"]
            .sudo()
            ._read_group(
                [
                    ("employee_id", "in", employees.ids),
                    ("cycle_id", "!=", self.id),
                    ("cycle_id.state", "not in", ("cancelled", "closed")),
                    ("state", "!=", "cancelled"),
                    ("cycle_id.date_start", "<=", self.date_end),
                    ("cycle_id.date_end", ">=", self.date_start),
                ],
                ["employee_id", "cycle_id"],
            )
        )
        return {employee.id: cycle.name for employee, cycle in rows}

    # ----------------------------------------------------------- actions
    def action_preview_launch(self):
        self.ensure_one()
        self._check_can_launch()
        wizard = self.env["perf.cycle.launch"].create({"cycle_id": self.id})
        wizard._fill()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Launch preview"),
            "res_model": "perf.cycle.launch",
            "res_id": wizard.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def action_launch(self):
        self._check_can_launch()
        for cycle in self:
            plan = cycle._launch_plan()
            blocking = [
                (entry["employee"], message)
                for entry in plan
                for _code, is_blocking, message in entry["problems"]
                if is_blocking
            ]
            if blocking:
                raise UserError(
                    self.env._(
                        "The cycle %(cycle)s cannot be launched:\n%(problems)s",
                        cycle=cycle.name,
                        problems="\n".join(
                            f"• {employee.name}: {message}"
                            for employee, message in blocking[:50]
                        ),
                    )
                )
            if not plan:
                raise UserError(
                    self.env._("Nobody is reviewed in %(cycle)s.", cycle=cycle.name)
                )
            cycle._do_launch(len(plan))
        return True

    def _do_launch(self, total):
        self.ensure_one()
        self._write_state({"launch_state": "queued", "launch_total": total})
        if total <= self._sync_limit():
            self._launch_batches()
        else:
            self.message_post(
                body=self.env._(
                    "Launch of %(count)s reviews queued; it runs in the background.",
                    count=total,
                ),
                subtype_xmlid="mail.mt_note",
            )
            self.env.ref("perf_closed_loop.ir_cron_perf_cycle_launch")._trigger()

    def _sync_limit(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("perf_closed_loop.launch_sync_limit", DEFAULT_SYNC_LIMIT)
        )

    def _batch_size(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("perf_closed_loop.launch_batch_size", DEFAULT_BATCH_SIZE)
        )

    def _launch_batches(self):
        """Create every missing review, batch by batch (small launches)."""
        self.ensure_one()
        self._write_state({"launch_state": "running"})
        todo = self._launch_todo()
        size = self._batch_size()
        for start in range(0, len(todo), size):
            self._create_reviews(todo[start : start + size])
        self._finish_launch()

    def _launch_todo(self):
        """Plan entries of the employees who have no review yet, so that a
        crashed launch resumes without duplicates."""
        self.ensure_one()
        rows = (
            self.env["perf.review"]
            .sudo()
            ._read_group([("cycle_id", "=", self.id)], [], ["employee_id:array_agg"])
        )
        return self._launch_plan(exclude=set(rows[0][0] or ()))

    def _launch_next_batch(self):
        """One batch of a background launch; returns (created, remaining)."""
        self.ensure_one()
        todo = self._launch_todo()
        batch = todo[: self._batch_size()]
        self._create_reviews(batch)
        remaining = len(todo) - len(batch)
        self._write_state(
            {
                "launch_state": "running",
                "launch_done": self.launch_total - remaining,
            }
        )
        if not remaining:
            self._finish_launch()
        return len(batch), remaining

    def _finish_launch(self):
        self.ensure_one()
        reviews = self.env["perf.review"].sudo().search([("cycle_id", "=", self.id)])
        self._write_state(
            {
                "state": "goal_setting",
                "launch_state": "done",
                "launch_done": len(reviews),
                "launch_total": len(reviews),
            }
        )
        templates = (
            self.env["perf.review"]
            .sudo()
            ._read_group([("cycle_id", "=", self.id)], ["template_id"], ["__count"])
        )
        self.message_post(
            body=self.env._(
                "Cycle launched: %(count)s reviews (%(templates)s). To-dos go out "
                "to whoever sets the goals.",
                count=len(reviews),
                templates=", ".join(
                    f"{template.name}: {count}" for template, count in templates
                ),
            ),
            subtype_xmlid="mail.mt_note",
        )
        # To-dos and their notifications go out from the batched job.
        self.env.ref("perf_closed_loop.ir_cron_perf_deliver_todos")._trigger()

    def _create_reviews(self, entries):
        """One batch of reviews, with their lines and approval chains."""
        self.ensure_one()
        Review = self.env["perf.review"].sudo().with_context(**BULK_CONTEXT)
        vals_list = []
        for entry in entries:
            employee = entry["employee"]
            template = entry["template"]
            manager = employee.parent_id
            skip = manager.parent_id
            lines = [
                Command.create(
                    {
                        "kind": "kpi",
                        "sequence": kpi.sequence,
                        "name": kpi.name,
                        "description": kpi.description,
                        "weight": kpi.weight,
                        "target_value": kpi.target_value,
                        "unit": kpi.unit,
                        "direction": kpi.direction,
                        "auto_score": kpi.auto_score,
                        "score_cap": kpi.score_cap,
                        "origin": "template",
                        "template_kpi_id": kpi.id,
                    }
                )
                for kpi in template.kpi_line_ids
            ] + [
                Command.create(
                    {
                        "kind": "question",
                        "sequence": question.sequence,
                        "name": question.name,
                        "description": question.description,
                        "weight": question.weight,
                        "origin": "template",
                        "template_question_id": question.id,
                    }
                )
                for question in template.question_ids
            ]
            vals_list.append(
                {
                    "cycle_id": self.id,
                    "company_id": self.company_id.id,
                    "employee_id": employee.id,
                    "user_id": employee.user_id.id,
                    "manager_id": manager.id,
                    "manager_user_id": manager.user_id.id,
                    "skip_manager_id": skip.id,
                    "skip_manager_user_id": skip.user_id.id,
                    "department_id": employee.department_id.id,
                    "template_id": template.id,
                    "flow_id": template.flow_id.id,
                    "todo_pending": True,
                    "line_ids": lines,
                }
            )
        reviews = Review.create(vals_list)
        approvals = []
        for review in reviews:
            approvals += [
                {
                    "review_id": review.id,
                    "kind": "goal",
                    "round": 1,
                    "sequence": index,
                    "approver_id": user,
                }
                for index, user in enumerate(review._approval_users())
            ]
        self.env["perf.review.approval"].sudo().create(approvals)
        return reviews

    def _deliver_todo_batch(self):
        """Send one batch of launch to-dos; returns (sent, remaining)."""
        Review = self.env["perf.review"].sudo()
        domain = [("todo_pending", "=", True)]
        batch = Review.search(domain, limit=self._batch_size(), order="id")
        batch._deliver_launch_todos()
        return len(batch), Review.search_count(domain)

    # The cron runner commits after each call and calls again while
    # ``remaining`` is reported (ir.cron progress API of Odoo 18).
    @api.model
    def _cron_launch(self):
        """Background launch of big cycles, one committed batch per call."""
        cycles = self.search([("launch_state", "in", ("queued", "running"))])
        if not cycles:
            return
        done, remaining = cycles[0]._launch_next_batch()
        remaining += len(cycles) - 1
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _cron_deliver_todos(self):
        """Launch to-dos (and their notifications), one batch per call."""
        done, remaining = self._deliver_todo_batch()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    def action_start_execution(self):
        self._check_can_start_execution()
        for cycle in self:
            stragglers = cycle.review_ids.filtered(
                lambda r: r.state in ("goal_setting", "goal_approval")
            )
            if stragglers and not self.env.context.get("perf_force"):
                return {
                    "type": "ir.actions.act_window",
                    "name": self.env._("Goals not approved yet"),
                    "res_model": "perf.review",
                    "view_mode": "list,form",
                    "domain": [("id", "in", stragglers.ids)],
                    "context": {"create": False},
                    "help": self.env._(
                        "These reviews still have goals to set or approve."
                    ),
                }
            cycle._do_start_execution()
        return True

    def _do_start_execution(self):
        for cycle in self:
            cycle._write_state({"state": "execution"})
            cycle.message_post(
                body=self.env._(
                    "Execution started; %(count)s reviews still have goals to set "
                    "or approve.",
                    count=cycle.goals_draft_count + cycle.goals_waiting_count,
                ),
                subtype_xmlid="mail.mt_note",
            )

    def action_cancel(self, reason=None):
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
        self._do_cancel(reason)
        return True

    def _do_cancel(self, reason):
        for cycle in self:
            reviews = cycle.review_ids.sudo().with_context(**BULK_CONTEXT)
            reviews._todo_activities().unlink()
            reviews._write_state(
                {"state": "cancelled", "cancel_reason": reason, "todo_pending": False}
            )
            cycle._write_state({"state": "cancelled", "cancel_reason": reason})
            cycle.message_post(
                body=self.env._("Cycle cancelled: %(reason)s", reason=reason),
                subtype_xmlid="mail.mt_comment",
            )

    def action_view_reviews(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "perf_closed_loop.perf_review_action_cycle"
        )
        action["domain"] = [("cycle_id", "=", self.id)]
        action["context"] = {"search_default_groupby_state": 1}
        return action

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
                    ("res_model", "=", "perf.review"),
                    ("activity_type_id", "=", self.env.ref(TODO_TYPE).id),
                    ("date_deadline", "in", reminder_dates),
                ],
                order="date_deadline, id",
            )
        )
        self.env["perf.review"]._notify_todo_digest(activities, overdue=True)
