# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..domain import assignment as assignment_rules
from ..domain import org
from .perf_todo_mixin import BULK_CONTEXT


class PerfCycle(models.Model):
    """The launch (发起考核) of a cycle: draft → goal setting.

    The launch plan (``_launch_plan``) resolves who gets a review with
    which template (the most specific assignment wins: an employee named
    in it, else the nearest assigned department; ``domain/assignment.py``)
    and whom the loop takes as each person's manager, skip-level manager
    and department head (``hr.employee._perf_resolve``, ``domain/org.py``),
    and lists every problem: blocking ones (archived employee, no user, a
    review in an overlapping cycle of the same cadence) and warnings (two
    assignments, heads of their own department, nobody above, a manager
    without a user, a loop in the chart, a review in an overlapping cycle
    of another cadence: a monthly business review beside the half-year's).
    ``action_preview_launch`` shows it as a dry run (``perf.cycle.launch``);
    ``action_launch`` refuses while anything blocks, then runs the
    background job ``launch``: each batch creates its reviews with their
    indicators from the template and their goal approval chains
    (``_create_reviews``), and leaves the goal-setting to-dos pending for
    the to-do delivery job.

    Who: HR officers of the cycle's company, on a draft cycle with at
    least one assignment (``_check_can_launch``).

    Fields: the job kind ``launch``; the reviews' snapshot fields (manager,
    skip-level manager, head, department, template, flow) are written here,
    the review owns them.
    """

    # One model, a file per phase (docs/architecture.md): not to be merged.
    _inherit = "perf.cycle"  # pylint: disable=consider-merging-classes-inherited

    job_kind = fields.Selection(selection_add=[("launch", "Launch")])

    # ------------------------------------------------------------ guards
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

    # ------------------------------------------------------- launch plan
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
            for other in busy.get(employee.id, ()):
                # The same cadence twice over a period is a duplicate; a
                # monthly business review beside the half-yearly review is
                # the practice, only pointed out.
                if other.recurrence == self.recurrence:
                    problems.append(
                        (
                            "overlap",
                            True,
                            _(
                                "already reviewed in the overlapping cycle %(cycle)s",
                                cycle=other.name,
                            ),
                        )
                    )
                else:
                    problems.append(
                        (
                            "overlap_other_cadence",
                            False,
                            _(
                                "also reviewed in %(cycle)s over the same period, "
                                "at another cadence",
                                cycle=other.name,
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
        """employee id -> the other live cycles over the same period that
        review them (periods that only touch do not overlap)."""
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
        busy = {}
        for employee, cycle in rows:
            busy.setdefault(employee.id, []).append(cycle)
        return busy

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

    # ---------------------------------------------------- background job
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
        """One batch of reviews, with their lines and approval chains.

        The reviews by the ORM (mail threads, with their constraints and
        company checks); their lines and approvals set-based
        (``_insert_for_reviews``: nobody reads them while the batch makes
        them, their checks are run there), issue 21."""
        self.ensure_one()
        Review = self.env["perf.review"].sudo().with_context(**BULK_CONTEXT)
        people = (
            self.env["hr.employee"]
            .sudo()
            .browse([entry["employee"].id for entry in entries])
            ._perf_resolve()
        )
        template_lines = {}
        vals_list = []
        for entry in entries:
            employee = entry["employee"]
            template = entry["template"]
            if template.id not in template_lines:
                template_lines[template.id] = self._template_line_values(template)
            manager, skip, head, _cases = people[employee]
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
                }
            )
        reviews = Review.create(vals_list)
        line_values = self._launch_line_values(reviews, template_lines)
        self.env["perf.review.line"].sudo()._insert_for_reviews(line_values)
        reviews._store_launch_progress(line_values)
        self.env["perf.review.approval"].sudo()._insert_for_reviews(
            [
                {
                    "review_id": review.id,
                    "kind": "goal",
                    "round": 1,
                    "sequence": index,
                    "approver_id": user,
                    "actor": actor,
                }
                for review in reviews
                for index, (actor, user) in enumerate(review._approval_users())
            ]
        )
        return reviews

    def _launch_line_values(self, reviews, template_lines):
        """The values of the lines ``reviews`` start with: their template's
        (``template_lines``: template id -> ``_template_line_values``)."""
        return [
            dict(values, review_id=review.id)
            for review in reviews
            for values in template_lines[review.template_id.id]
        ]

    @api.model
    def _template_line_values(self, template):
        """The lines a review of ``template`` starts with (its indicators,
        then its questions), without their review: read once a batch."""
        return [
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
                "measure_id": kpi.measure_id.id,
            }
            for kpi in template.kpi_line_ids
        ] + [
            {
                "kind": "question",
                "sequence": question.sequence,
                "name": question.name,
                "description": question.description,
                "weight": question.weight,
                "origin": "template",
                "template_question_id": question.id,
            }
            for question in template.question_ids
        ]
