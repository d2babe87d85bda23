# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..domain import assignment as assignment_rules
from ..domain import calibration as calibration_rules
from ..domain import org
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
    """

    _name = "perf.cycle"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "perf.state.mixin",
        "perf.job.mixin",
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
    job_kind = fields.Selection(
        selection_add=[
            ("launch", "Launch"),
            ("evaluation", "Start of the evaluation"),
            ("publication", "Publication"),
        ],
    )
    evaluation_count = fields.Integer(
        string="In evaluation", compute="_compute_counters"
    )
    evaluation_done_count = fields.Integer(
        string="Evaluation complete", compute="_compute_counters"
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
    todo_pending_count = fields.Integer(
        string="To-dos to send", compute="_compute_counters"
    )
    cancel_reason = fields.Text(readonly=True, copy=False)
    can_launch = fields.Boolean(compute="_compute_can")
    can_start_execution = fields.Boolean(compute="_compute_can")
    can_start_evaluation = fields.Boolean(compute="_compute_can")
    can_start_calibration = fields.Boolean(compute="_compute_can")
    can_publish = fields.Boolean(compute="_compute_can")
    can_close = fields.Boolean(compute="_compute_can")
    can_cancel = fields.Boolean(compute="_compute_can")
    calibration_ids = fields.One2many(
        "perf.calibration", "cycle_id", string="Calibrations", readonly=True
    )
    calibration_count = fields.Integer(compute="_compute_calibration_counters")
    calibration_approved_count = fields.Integer(
        string="Calibrations approved", compute="_compute_calibration_counters"
    )
    published_count = fields.Integer(string="Published", compute="_compute_counters")
    acknowledged_count = fields.Integer(
        string="Acknowledged", compute="_compute_counters"
    )
    results_html = fields.Html(
        string="Results", compute="_compute_results_html", sanitize=False
    )
    _sql_constraints = [
        (
            "dates_ordered",
            "CHECK(date_end >= date_start)",
            "The period must end after it starts.",
        ),
    ]

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

    @api.depends("calibration_ids.state")
    def _compute_calibration_counters(self):
        rows = (
            self.env["perf.calibration"]
            .sudo()
            ._read_group(
                [("cycle_id", "in", self.ids)], ["cycle_id", "state"], ["__count"]
            )
        )
        for cycle in self:
            mine = [(state, count) for c, state, count in rows if c == cycle]
            cycle.calibration_count = sum(count for _s, count in mine)
            cycle.calibration_approved_count = sum(
                count for state, count in mine if state == "approved"
            )

    @api.depends_context("uid")
    @api.depends("review_ids.final_grade_id", "review_ids.final_score")
    def _compute_results_html(self):
        """The cycle's dashboard: people per final grade and the average
        final score per department, over the results the user may see (the
        same rules as the reviews)."""
        Review = self.env["perf.review"]
        _ = self.env._
        for cycle in self:
            # Everybody with a final grade counts, also people graded in
            # calibration without a score; averages are of real scores.
            graded = [("cycle_id", "=", cycle.id), ("final_grade_id", "!=", False)]
            by_grade = Review._read_group(graded, ["final_grade_id"], ["__count"])
            averages = dict(
                Review._read_group(
                    [("cycle_id", "=", cycle.id), ("score_ready", "=", True)],
                    ["department_id"],
                    ["final_score:avg"],
                )
            )
            by_department = [
                (department, count, averages.get(department))
                for department, count in Review._read_group(
                    graded, ["department_id"], ["__count"]
                )
            ]
            total = sum(count for _g, count in by_grade)
            if not total:
                cycle.results_html = False
                continue
            grades = Markup("").join(
                Markup(
                    "<tr><td class='fw-bold'>%s</td><td class='text-end'>%s</td>"
                    "<td class='text-end'>%s%%</td><td style='min-width:8em'><div "
                    "style='background:#714B67;height:0.9em;width:%s%%'></div></td>"
                    "</tr>"
                )
                % (
                    grade.display_name or _("No grade"),
                    count,
                    f"{count * 100.0 / total:.0f}",
                    f"{count * 100.0 / total:.0f}",
                )
                for grade, count in sorted(
                    by_grade, key=lambda row: (row[0].sequence, row[0].id)
                )
            )
            departments = Markup("").join(
                Markup(
                    "<tr><td>%s</td><td class='text-end'>%s</td>"
                    "<td class='text-end'>%s</td></tr>"
                )
                % (
                    department.name or _("No department"),
                    count,
                    "-" if avg is None else f"{avg:.2f}",
                )
                for department, count, avg in sorted(
                    by_department, key=lambda row: -(row[2] or 0)
                )
            )
            cycle.results_html = Markup(
                "<div class='row'><div class='col-md-6'><h5>%s</h5>"
                "<table class='table table-sm o_perf_cycle_grades'><tbody>%s</tbody>"
                "</table></div><div class='col-md-6'><h5>%s</h5>"
                "<table class='table table-sm o_perf_cycle_departments'><thead><tr>"
                "<th>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th>"
                "</tr></thead><tbody>%s</tbody></table></div></div>"
            ) % (
                _("Final grades"),
                grades,
                _("Average final score by department"),
                _("Department"),
                _("People"),
                _("Average"),
                departments,
            )

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

    def _check_can_launch(self):
        self._check_hr()
        for cycle in self:
            if cycle.state != "draft" or cycle.job_state:
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
            if cycle.state != "goal_setting" or cycle._job_running():
                raise UserError(
                    self.env._(
                        "Execution starts once the cycle is launched and in goal "
                        "setting."
                    )
                )

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

    def _check_can_start_calibration(self):
        self._check_hr()
        for cycle in self:
            if cycle.state != "evaluation" or cycle._job_running():
                raise UserError(
                    self.env._(
                        "The calibration of %(cycle)s starts once the cycle is in "
                        "evaluation.",
                        cycle=cycle.name,
                    )
                )

    def _check_can_publish_state(self):
        self._check_hr()
        for cycle in self:
            if cycle.state != "calibration" or cycle._job_running():
                raise UserError(
                    self.env._(
                        "The results of %(cycle)s are published once it is in "
                        "calibration.",
                        cycle=cycle.name,
                    )
                )

    def _check_can_publish(self):
        self._check_can_publish_state()
        for cycle in self:
            waiting = cycle.calibration_ids.filtered(lambda c: c.state != "approved")
            if waiting:
                states = dict(waiting._fields["state"]._description_selection(self.env))
                raise UserError(
                    self.env._(
                        "The results of %(cycle)s cannot be published yet: these "
                        "calibration groups are not approved:\n%(groups)s",
                        cycle=cycle.name,
                        groups="\n".join(
                            f"• {c.name} ({c.calibrator_id.name}): {states[c.state]}"
                            for c in waiting
                        ),
                    )
                )

    def _check_can_close(self):
        self._check_hr()
        for cycle in self:
            if cycle.state != "published" or cycle._job_running():
                raise UserError(
                    self.env._(
                        "Only a cycle whose results are published can be closed."
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
        people = employees._perf_resolve()
        plan = []
        _ = self.env._
        for employee in employees:
            winner, covering = resolved[employee.id]
            assignment = assignments[winner]
            manager, skip, head, cases = people[employee]
            problems = self._org_problems(employee, manager, cases)
            if not employee.active:
                problems.append(("archived", True, _("archived employee")))
            if not employee.user_id:
                problems.append(
                    ("no_user", True, _("no user: they could not open their review"))
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
                    "manager": manager,
                    "skip_manager": skip,
                    "department_head": head,
                }
            )
        return plan

    def _org_problems(self, employee, manager, cases):
        """Warnings about whom the loop takes as ``employee``'s manager."""
        _ = self.env._
        problems = []
        if org.OWN_HEAD in cases and manager:
            problems.append(
                (
                    org.OWN_HEAD,
                    False,
                    _(
                        "heads their own department: %(manager)s, the head above, "
                        "is their manager",
                        manager=manager.name,
                    ),
                )
            )
        if org.NO_MANAGER in cases:
            problems.append(
                (
                    org.NO_MANAGER,
                    False,
                    _(
                        "no manager above them: HR approves their goals and names "
                        "who gives their manager rating"
                    ),
                )
            )
        if org.MANAGER_CANNOT_ACT in cases:
            problems.append(
                (
                    org.MANAGER_CANNOT_ACT,
                    False,
                    _(
                        "their manager %(odoo_manager)s has no active user: "
                        "%(manager)s acts as manager",
                        odoo_manager=employee.parent_id.name or "-",
                        manager=manager.name,
                    ),
                )
            )
        if org.LOOP in cases:
            problems.append(
                (
                    org.LOOP,
                    False,
                    _("the managers above them lead back to them: check the chart"),
                )
            )
        return problems

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
        self._lock_for_update()
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
            cycle._do_launch(plan)
        return True

    def _do_launch(self, plan):
        self.ensure_one()
        self._start_job(
            "launch",
            [[entry["employee"].id, entry["template"].id] for entry in plan],
        )

    # -------------------------------------------------------------- launch
    def _job_launch(self, items, _options):
        """Create the reviews of a batch of [employee id, template id]
        (employees who already have one are skipped)."""
        templates = self.env["perf.template"].sudo().browse({t for _e, t in items})
        employees = (
            self.env["hr.employee"]
            .sudo()
            .with_context(active_test=False)
            .browse([e for e, _t in items])
        )
        existing = (
            self.env["perf.review"]
            .sudo()
            ._read_group(
                [("cycle_id", "=", self.id), ("employee_id", "in", employees.ids)],
                [],
                ["employee_id:array_agg"],
            )
        )
        skip = set(existing[0][0] or ())
        entries = [
            {"employee": employees.browse(e), "template": templates.browse(t)}
            for e, t in items
            if e not in skip
        ]
        self._create_reviews(entries)

    def _job_launch_finish(self):
        self.ensure_one()
        Review = self.env["perf.review"].sudo()
        count = Review.search_count([("cycle_id", "=", self.id)])
        self._write_state(
            {"state": "goal_setting", "job_total": count, "job_done": count}
        )
        templates = Review._read_group(
            [("cycle_id", "=", self.id)], ["template_id"], ["__count"]
        )
        self.message_post(
            body=self.env._(
                "Cycle launched: %(count)s reviews (%(templates)s). To-dos go out "
                "to whoever sets the goals.",
                count=count,
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
        people = (
            self.env["hr.employee"]
            .sudo()
            .browse([entry["employee"].id for entry in entries])
            ._perf_resolve()
        )
        vals_list = []
        for entry in entries:
            employee = entry["employee"]
            template = entry["template"]
            manager, skip, head, _cases = people[employee]
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
                    **Review._org_values(manager, skip, head),
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
                    "actor": actor,
                }
                for index, (actor, user) in enumerate(review._approval_users())
            ]
        self.env["perf.review.approval"].sudo().create(approvals)
        return reviews

    # ----------------------------------------------------------- execution
    def action_start_execution(self):
        self._lock_for_update()
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

    # ---------------------------------------------------------- evaluation
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

    # --------------------------------------------------------- calibration
    def action_start_calibration(self):
        """Preview the start of the calibration (绩效校准): the reviews whose
        ratings are not all in, and the calibration groups with who
        calibrates each; the preview starts it. With ``perf_force`` in the
        context and nothing to decide, start at once."""
        self._lock_for_update()
        self._check_can_start_calibration()
        self.ensure_one()
        wizard = self.env["perf.cycle.calibration"].create({"cycle_id": self.id})
        wizard._fill()
        if self.env.context.get("perf_force") and not wizard.waiting_count:
            return wizard.action_confirm()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Start the calibration"),
            "res_model": "perf.cycle.calibration",
            "res_id": wizard.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def _calibration_plan(self, reviews):
        """Calibration groups of ``reviews`` ({root department or None:
        domain Group}) and who calibrates each ({root: user})."""
        self.ensure_one()
        reviews = reviews.sudo()
        Department = self.env["hr.department"].sudo().with_context(active_test=False)
        departments = Department.search_fetch(
            [("company_id", "in", [self.company_id.id, False])],
            ["parent_id", "manager_id"],
        )
        tree = {
            d.id: (d.parent_id.id or None, d.manager_id.id or None) for d in departments
        }
        groups = calibration_rules.calibration_groups(
            tree,
            {r.id: (r.employee_id.id, r.department_id.id or None) for r in reviews},
            min_size=self.distribution_policy_id.min_group_size,
        )
        heads = Department.browse([root for root in groups if root]).manager_id
        resolved = heads._perf_resolve()
        calibrators = {}
        for root, group in groups.items():
            owners = reviews.browse(group.reviews).user_id
            user = self.env["res.users"]
            if root:
                head = Department.browse(root).manager_id
                user = head.user_id if head.user_id.active else user
                if not user and head in resolved:
                    user = resolved[head][0].user_id
            if not user or user in owners:
                user = self._hr_officers(excluding=owners)[:1]
            calibrators[root] = user
        return groups, calibrators

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

    def _do_start_calibration(self, groups, calibrators, close=None, leave_out=None):
        """Close the evaluations in ``close`` with the ratings given so far,
        leave those in ``leave_out`` in evaluation, and create one
        calibration per group ({root: Group}, {root: user})."""
        self.ensure_one()
        if close:
            close._close_evaluation()
        self._write_state({"state": "calibration"})
        calibrations = self.env["perf.calibration"]._create_groups(
            self, groups, calibrators
        )
        self.message_post(
            body=self.env._(
                "Calibration started: %(groups)s groups, %(reviews)s reviews "
                "(%(closed)s closed with the ratings given so far, %(left)s left in "
                "evaluation).",
                groups=len(calibrations),
                reviews=sum(len(g.reviews) for g in groups.values()),
                closed=len(close or ()),
                left=len(leave_out or ()),
            ),
            subtype_xmlid="mail.mt_note",
        )
        self.env.ref("perf_closed_loop.ir_cron_perf_deliver_todos")._trigger()
        return calibrations

    # --------------------------------------------------------- publication
    def action_publish(self):
        """Publish the results (结果公布) once every group is approved: the
        reviews move to published through the background job and each
        employee is told, in their language."""
        self._lock_for_update()
        self._check_can_publish()
        for cycle in self:
            reviews = cycle.review_ids.sudo().filtered(
                lambda r: r.state == "calibration"
            )
            cycle._start_job("publication", reviews.ids)
        return True

    def _job_publication(self, review_ids, _options):
        reviews = self.env["perf.review"].sudo().browse(review_ids).exists()
        reviews.filtered(lambda r: r.state == "calibration")._do_publish()

    def _job_publication_finish(self):
        self.ensure_one()
        count = (
            self.env["perf.review"]
            .sudo()
            .search_count([("cycle_id", "=", self.id), ("state", "=", "published")])
        )
        self._write_state({"state": "published"})
        self.message_post(
            body=self.env._(
                "Results published: %(count)s reviews. Each employee is told and "
                "may now read and acknowledge their result.",
                count=count,
            ),
            subtype_xmlid="mail.mt_comment",
        )
        self.env.ref("perf_closed_loop.ir_cron_perf_deliver_todos")._trigger()

    def action_close(self):
        """Close the cycle: nothing of it changes any more."""
        self._lock_for_update()
        self._check_can_close()
        for cycle in self:
            reviews = cycle.review_ids.sudo().with_context(**BULK_CONTEXT)
            reviews._todo_activities().unlink()
            reviews.write({"todo_pending": False})
            cycle._write_state({"state": "closed"})
            cycle.message_post(
                body=self.env._(
                    "Cycle closed: %(acknowledged)s of %(published)s results "
                    "acknowledged. Its reviews no longer change.",
                    acknowledged=cycle.acknowledged_count,
                    published=cycle.published_count,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_prepare_next_cycle(self):
        """A new draft cycle for the next period, with the same assignments,
        policy and HR responsible, and the deadlines moved forward."""
        self._check_hr()
        self.ensure_one()
        start, end = self.date_start, self.date_end
        try:
            return self._prepare_next_cycle(start, end)
        except OverflowError:
            raise UserError(
                self.env._(
                    "The cycle after “%(cycle)s” would end after the year 9999.",
                    cycle=self.name,
                )
            ) from None

    def _prepare_next_cycle(self, start, end):
        if start.day == 1 and (end + timedelta(days=1)).day == 1:
            # Whole months (a half-year, a quarter): the next as many months.
            months = relativedelta(end + timedelta(days=1), start)
            shift = relativedelta(months=months.years * 12 + months.months)
        else:
            shift = relativedelta(days=(end - start).days + 1)

        def forward(date):
            return date + shift if date else False

        new = self.copy(
            {
                "name": self.env._("%(name)s (next cycle)", name=self.name),
                "date_start": start + shift,
                "date_end": forward(end + timedelta(days=1)) - timedelta(days=1),
                "goal_deadline": forward(self.goal_deadline),
                "evaluation_deadline": forward(self.evaluation_deadline),
                "calibration_deadline": forward(self.calibration_deadline),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "perf.cycle",
            "res_id": new.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_export_xlsx(self):
        """The cycle's results as a spreadsheet (导出): HR gets every review of
        the cycle, a manager or head the people below them, an employee
        nothing (the same rules as the reviews). Built when its link is
        opened, never stored."""
        self.ensure_one()
        return self.env["perf.cycle.export"]._request(self)

    def action_view_calibrations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "perf_closed_loop.perf_calibration_action"
        )
        action["domain"] = [("cycle_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_view_results(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "perf_closed_loop.perf_review_action_results"
        )
        action["domain"] = [("cycle_id", "=", self.id)]
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
                    ("res_model", "in", self.env["perf.todo.mixin"]._todo_models()),
                    ("activity_type_id", "=", self.env.ref(TODO_TYPE).id),
                    ("date_deadline", "in", reminder_dates),
                ],
                order="date_deadline, id",
            )
        )
        self.env["perf.todo.mixin"]._notify_todo_digest(activities, overdue=True)
