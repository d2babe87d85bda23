# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from contextlib import contextmanager

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


def tour_team(env):
    """The two people of the browser tours, who log in with their login as
    password: an employee and the manager heading their team. Returns
    (employee's user, manager's user, employee)."""
    user_employee = new_test_user(
        env,
        login="perf_tour_employee",
        password="perf_tour_employee",
        groups="base.group_user",
    )
    user_manager = new_test_user(
        env,
        login="perf_tour_manager",
        password="perf_tour_manager",
        name="Tour Manager",
        groups="base.group_user,perf_closed_loop.group_perf_manager",
    )
    manager = env["hr.employee"].create(
        {"name": "Tour Manager", "user_id": user_manager.id}
    )
    department = env["hr.department"].create(
        {"name": "Tour Team", "manager_id": manager.id}
    )
    manager.write({"department_id": department.id, "parent_id": False})
    employee = env["hr.employee"].create(
        {
            "name": "Tour Employee",
            "user_id": user_employee.id,
            "department_id": department.id,
            "parent_id": manager.id,
        }
    )
    return user_employee, user_manager, employee


class PerfCase(TransactionCase):
    """Users for every role, built once per class; no demo data is used."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, no_reset_password=True)
        )
        cls.user_employee = cls._user("perf_employee", "base.group_user")
        cls.user_manager = cls._user(
            "perf_manager", "base.group_user,perf_closed_loop.group_perf_manager"
        )
        cls.user_hr = cls._user(
            "perf_hr", "base.group_user,perf_closed_loop.group_perf_hr"
        )
        cls.user_admin = cls._user(
            "perf_admin", "base.group_user,perf_closed_loop.group_perf_admin"
        )
        cls.scale_5 = cls.env.ref("perf_closed_loop.rating_scale_5")
        cls.flow_full = cls.env.ref("perf_closed_loop.flow_full")
        cls.flow_light = cls.env.ref("perf_closed_loop.flow_light")

    @classmethod
    def _user(cls, login, groups, **kw):
        return new_test_user(cls.env, login=login, groups=groups, **kw)

    @classmethod
    def _load_zh_cn(cls):
        """Install zh_CN with this add-on's translations."""
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"].search(
            [("name", "=", "perf_closed_loop")]
        )._update_translations(["zh_CN"], overwrite=True)

    def _download(self, action, user):
        """The bytes of the spreadsheet an export action links to, built as
        ``user`` opens the link (what the download route streams)."""
        export_id = int(action["url"].rsplit("/", 1)[1])
        export = self.env["perf.cycle.export"].with_user(user).browse(export_id)
        return export._content()[0]

    @contextmanager
    def assertRefused(self, exception, pattern):
        """Like assertRaisesRegex, inside a savepoint (as Odoo's assertRaises)
        so the refused change leaves no trace in the database or cache."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), pattern)


class PerfOrgCase(PerfCase):
    """A small org chart the tests build themselves::

    Company (head: CEO)
    ├── R&D (head: R&D head, reports to the CEO)
    │   └── Back-end (head: manager, reports to the R&D head)
    │       ├── employee
    │       └── peer
    └── Sales: sales rep (reports to the CEO)
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Department = cls.env["hr.department"]
        Employee = cls.env["hr.employee"]
        cls.user_ceo = cls._user(
            "perf_ceo", "base.group_user,perf_closed_loop.group_perf_manager"
        )
        cls.user_rd_head = cls._user(
            "perf_rd_head", "base.group_user,perf_closed_loop.group_perf_manager"
        )
        cls.user_peer = cls._user("perf_peer", "base.group_user")
        cls.user_sales = cls._user("perf_sales", "base.group_user")
        cls.emp_ceo = Employee.create({"name": "CEO", "user_id": cls.user_ceo.id})
        cls.dep_company = Department.create(
            {"name": "Company", "manager_id": cls.emp_ceo.id}
        )
        cls.emp_rd_head = Employee.create(
            {
                "name": "R&D Head",
                "user_id": cls.user_rd_head.id,
                "parent_id": cls.emp_ceo.id,
            }
        )
        cls.dep_rd = Department.create(
            {
                "name": "R&D",
                "parent_id": cls.dep_company.id,
                "manager_id": cls.emp_rd_head.id,
            }
        )
        cls.emp_manager = Employee.create(
            {
                "name": "Back-end Manager",
                "user_id": cls.user_manager.id,
                "parent_id": cls.emp_rd_head.id,
            }
        )
        cls.dep_backend = Department.create(
            {
                "name": "Back-end",
                "parent_id": cls.dep_rd.id,
                "manager_id": cls.emp_manager.id,
            }
        )
        cls.dep_sales = Department.create(
            {"name": "Sales", "parent_id": cls.dep_company.id}
        )
        cls.emp_employee = Employee.create(
            {
                "name": "Employee",
                "user_id": cls.user_employee.id,
                "parent_id": cls.emp_manager.id,
                "department_id": cls.dep_backend.id,
            }
        )
        cls.emp_peer = Employee.create(
            {
                "name": "Peer",
                "user_id": cls.user_peer.id,
                "parent_id": cls.emp_manager.id,
                "department_id": cls.dep_backend.id,
            }
        )
        cls.emp_sales = Employee.create(
            {
                "name": "Sales Rep",
                "user_id": cls.user_sales.id,
                "parent_id": cls.emp_ceo.id,
                "department_id": cls.dep_sales.id,
            }
        )
        cls.emp_ceo.department_id = cls.dep_company
        cls.emp_rd_head.department_id = cls.dep_rd
        cls.emp_manager.department_id = cls.dep_backend
        # hr computes the manager from the department: set the chart as drawn.
        cls.emp_ceo.parent_id = False
        cls.emp_rd_head.parent_id = cls.emp_ceo
        cls.emp_manager.parent_id = cls.emp_rd_head
        cls.emp_sales.parent_id = cls.emp_ceo
        cls.template_kpi = cls.env["perf.template"].create(
            {
                "name": "KPI template",
                "flow_id": cls.flow_full.id,
                "kpi_weight": 100,
                "kpi_line_ids": [
                    Command.create(
                        {"name": "Revenue", "weight": 60, "target_value": 100}
                    ),
                    Command.create(
                        {"name": "Tickets", "weight": 40, "target_value": 50}
                    ),
                ],
            }
        )
        cls.template_okr = cls.env["perf.template"].create(
            {
                "name": "Engineering template",
                "flow_id": cls.flow_full.id,
                "kpi_weight": 60,
                "okr_enabled": True,
                "okr_weight": 40,
                "allow_employee_indicators": True,
                "indicator_min_count": 0,
                "indicator_max_count": 2,
                "indicator_weight_budget": 20,
                "okr_min_objectives": 1,
                "okr_max_objectives": 3,
                "okr_min_key_results": 1,
                "okr_max_key_results": 3,
                "kpi_line_ids": [
                    Command.create(
                        {"name": "Delivery", "weight": 50, "target_value": 10}
                    ),
                    Command.create(
                        {
                            "name": "Incidents",
                            "weight": 30,
                            "target_value": 2,
                            "direction": "lower",
                        }
                    ),
                ],
            }
        )

    @classmethod
    def _cycle(cls, assignments=None, **vals):
        values = {
            "name": "2026 H2",
            "date_start": "2026-07-01",
            "date_end": "2026-12-31",
            "goal_deadline": "2026-07-15",
            "hr_user_id": cls.user_hr.id,
            "assignment_ids": assignments
            or [
                Command.create(
                    {
                        "department_ids": [Command.set(cls.dep_company.ids)],
                        "template_id": cls.template_kpi.id,
                    }
                ),
                Command.create(
                    {
                        "department_ids": [Command.set(cls.dep_rd.ids)],
                        "template_id": cls.template_okr.id,
                    }
                ),
            ],
        }
        values.update(vals)
        return cls.env["perf.cycle"].with_user(cls.user_hr).create(values)

    def _launch(self, cycle):
        cycle.with_user(self.user_hr).action_launch()
        self._run_todo_job()
        return cycle.review_ids

    @classmethod
    def _run_todo_job(cls):
        """Run the to-do job as the cron runner does; returns its calls."""
        calls = 0
        models_ = cls.env["perf.todo.mixin"]._todo_models()
        while any(
            cls.env[name].search_count([("todo_pending", "=", True)])
            for name in models_
        ):
            cls.env["perf.cycle"]._cron_deliver_todos()
            calls += 1
            assert calls < 100, "the to-do job makes no progress"
        return calls

    def _review(self, cycle, employee):
        return cycle.review_ids.filtered(lambda r: r.employee_id == employee)

    @classmethod
    def _measured_template(cls, name, kpis):
        """A KPI-only template whose indicators are ``kpis`` = [(name,
        weight, target, measure)], auto-scored from their measured actual."""
        return cls.env["perf.template"].create(
            {
                "name": name,
                "flow_id": cls.flow_full.id,
                "kpi_weight": 100,
                "kpi_line_ids": [
                    Command.create(
                        {
                            "name": kpi_name,
                            "weight": weight,
                            "target_value": target,
                            "auto_score": True,
                            "measure_id": measure.id,
                        }
                    )
                    for kpi_name, weight, target, measure in kpis
                ],
            }
        )

    @classmethod
    def _department_cycle(cls, name, department, template):
        """A draft cycle of ``department`` on ``template``."""
        return cls._cycle(
            name=name,
            assignments=[
                Command.create(
                    {
                        "department_ids": [Command.set(department.ids)],
                        "template_id": template.id,
                    }
                )
            ],
        )

    @classmethod
    def _executing_cycle(cls, name, department, template):
        """A cycle of ``department`` on ``template``, launched, its goals
        submitted and approved, in execution."""
        cycle = cls._department_cycle(name, department, template)
        cycle.with_user(cls.user_hr).action_launch()
        cls._run_todo_job()
        for review in cycle.review_ids:
            review.with_user(review.user_id).action_submit_goals()
            review.with_user(review.current_approver_id).action_approve_goals()
        cycle.with_user(cls.user_hr).action_start_execution()
        return cycle


class PerfEvalCase(PerfOrgCase):
    """The Back-end team reviewed with a flow that has all five kinds of
    rater, its goals approved and checked in, ready for the evaluation::

        self 10 % (seq 10) → peers 20 % (seq 20, 2–3 nominated by the
        employee, approved by the manager, anonymous) → manager 40 % (seq 30,
        may send back) → skip-level 20 % and designated reviewer 10 %
        (seq 40, together)

    The template weighs KPI 70 % (Revenue 60 / target 100, Tickets 40 /
    target 50) and questions 30 % (Teamwork).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_peer2 = cls._user("perf_peer2", "base.group_user")
        cls.user_designated = cls._user("perf_designated", "base.group_user")
        cls.emp_peer2 = cls.env["hr.employee"].create(
            {
                "name": "Peer Two",
                "user_id": cls.user_peer2.id,
                "department_id": cls.dep_backend.id,
            }
        )
        cls.emp_peer2.parent_id = cls.emp_manager
        # An HR officer reviewed in the same team: HR sees every review but
        # the results of their own.
        cls.emp_hr = cls.env["hr.employee"].create(
            {
                "name": "HR Officer",
                "user_id": cls.user_hr.id,
                "department_id": cls.dep_backend.id,
            }
        )
        cls.emp_hr.parent_id = cls.emp_manager
        cls.flow_eval = cls.env["perf.flow"].create(
            {
                "name": "Five raters",
                "step_ids": [
                    Command.create(
                        {"sequence": 1, "kind": "goal_setting", "actor": "employee"}
                    ),
                    Command.create(
                        {"sequence": 2, "kind": "goal_approval", "actor": "manager"}
                    ),
                    Command.create({"sequence": 10, "kind": "self", "weight": 10}),
                    Command.create(
                        {
                            "sequence": 20,
                            "kind": "peer",
                            "weight": 20,
                            "optional": True,
                            "peer_min": 2,
                            "peer_max": 3,
                            "peer_nominated_by": "employee",
                            "peer_anonymous": True,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 30,
                            "kind": "manager",
                            "weight": 40,
                            "can_reject": True,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 40,
                            "kind": "skip_level",
                            "weight": 20,
                            "optional": True,
                            "can_reject": True,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 40,
                            "kind": "designated",
                            "weight": 10,
                            "designated_user_id": cls.user_designated.id,
                        }
                    ),
                    Command.create(
                        {"sequence": 50, "kind": "calibration", "actor": "hr"}
                    ),
                ],
            }
        )
        cls.template_eval = cls.env["perf.template"].create(
            {
                "name": "Evaluated template",
                "flow_id": cls.flow_eval.id,
                "kpi_weight": 70,
                "question_weight": 30,
                "kpi_line_ids": [
                    Command.create(
                        {"name": "Revenue", "weight": 60, "target_value": 100}
                    ),
                    Command.create(
                        {"name": "Tickets", "weight": 40, "target_value": 50}
                    ),
                ],
                "question_ids": [
                    Command.create({"name": "Teamwork", "weight": 100}),
                ],
            }
        )
        cls.cycle = cls._cycle(
            name="2026 H2 evaluation",
            assignments=[
                Command.create(
                    {
                        "department_ids": [Command.set(cls.dep_backend.ids)],
                        "template_id": cls.template_eval.id,
                    }
                )
            ],
        )
        cls.cycle.with_user(cls.user_hr).action_launch()
        cls._run_todo_job()
        cls.review = cls.cycle.review_ids.filtered(
            lambda r: r.employee_id == cls.emp_employee
        )
        for review in cls.cycle.review_ids:
            review.with_user(review.user_id).action_submit_goals()
            review.with_user(review.current_approver_id).action_approve_goals()
        cls.cycle.with_user(cls.user_hr).action_start_execution()
        cls._checkin(cls.review, "Revenue", 90)
        cls._checkin(cls.review, "Tickets", 50)

    @classmethod
    def _checkin(cls, review, line_name, value):
        line = review.line_ids.filtered(lambda x: x.name == line_name)
        cls.env["perf.checkin"].with_user(review.user_id).create(
            {"review_id": review.id, "line_id": line.id, "value": value}
        )

    @classmethod
    def _start_evaluation(cls):
        cls.cycle.with_user(cls.user_hr).with_context(
            perf_force=True
        ).action_start_evaluation()
        cls._run_todo_job()

    def _rating(self, role, review=None, rater=None):
        review = review or self.review
        return review.rating_ids.filtered(
            lambda r: r.role == role and (not rater or r.rater_id == rater)
        )

    def _give(self, rating, user, scores, comment=None):
        """``user`` fills ``rating`` in: {line name: score or (score,
        comment)}, then submits it."""
        rating = rating.with_user(user)
        for line in rating.score_line_ids:
            if line.name in scores:
                value = scores[line.name]
                score, note = value if isinstance(value, tuple) else (value, None)
                values = {"score": score}
                if note:
                    values["comment"] = note
                line.write(values)
        if comment:
            rating.comment = comment
        rating.action_submit()
        return rating


class PerfBulkCase(PerfOrgCase):
    """Two departments of 10 and 100 people with users (half read their
    notifications by e-mail, half in Odoo), for query counts that must not
    grow with head count."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dep_small = cls.env["hr.department"].create({"name": "Small"})
        cls.dep_big = cls.env["hr.department"].create({"name": "Big"})
        users = cls.env["res.users"].create(
            [
                {
                    "name": f"Perf user {i}",
                    "login": f"perf_bulk_{i}",
                    "email": f"perf_bulk_{i}@example.com",
                    "notification_type": "inbox" if i % 2 else "email",
                }
                for i in range(110)
            ]
        )
        boss_small, boss_big = cls.env["hr.employee"].create(
            [
                {"name": "Boss small", "department_id": cls.dep_small.id},
                {"name": "Boss big", "department_id": cls.dep_big.id},
            ]
        )
        cls.env["hr.employee"].create(
            [
                {
                    "name": f"Bulk {i}",
                    "user_id": user.id,
                    "department_id": (cls.dep_small if i < 10 else cls.dep_big).id,
                    "parent_id": (boss_small if i < 10 else boss_big).id,
                }
                for i, user in enumerate(users)
            ]
        )
        boss_small.user_id = cls._user("perf_boss_small", "base.group_user")
        boss_big.user_id = cls._user("perf_boss_big", "base.group_user")

    def _bulk_cycle(self, department, name):
        return self._cycle(
            name=name,
            assignments=[
                Command.create(
                    {
                        "department_ids": [Command.set(department.ids)],
                        "template_id": self.template_okr.id,
                    }
                )
            ],
        )

    def _queries_of(self, work):
        """Queries run by ``work()``, caches emptied and writes flushed."""
        self.env.invalidate_all()
        self.env.flush_all()
        start = self.env.cr.sql_log_count
        work()
        self.env.flush_all()
        return self.env.cr.sql_log_count - start


class PerfResultsCase(PerfOrgCase):
    """A company-wide cycle evaluated to the end, ready for calibration.

    Beside the small chart of ``PerfOrgCase``: a Support department (head
    + 10 agents whose scores run from 95 down to 35) and a two-person Tiny
    team under R&D (smaller than the policy's minimum group of 5: pooled
    into R&D). Flow: the manager sets the goals, self 30 % then manager
    70 %. Everybody else scores 75 (grade B)."""

    AGENT_SCORES = [95, 85, 84, 75, 70, 65, 60, 55, 45, 35]
    # Names of employees (attributes of the class) nobody rates: their
    # evaluation stays open until HR closes it.
    UNRATED = ()
    # R&D's group (5 people once its small teams are pooled): B 3, C 2.
    RD_SCORES = {
        "emp_employee": 60,
        "emp_peer": 55,
        "emp_tiny_member": 45,
        "emp_tiny_head": 70,
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Employee = cls.env["hr.employee"]
        Department = cls.env["hr.department"]
        cls.user_support_head = cls._user(
            "perf_support_head", "base.group_user,perf_closed_loop.group_perf_manager"
        )
        cls.emp_support_head = Employee.create(
            {"name": "Support Lead", "user_id": cls.user_support_head.id}
        )
        cls.dep_support = Department.create(
            {
                "name": "Support",
                "parent_id": cls.dep_company.id,
                "manager_id": cls.emp_support_head.id,
            }
        )
        # As Odoo leaves it: the head inside the department they head.
        cls.emp_support_head.department_id = cls.dep_support
        cls.agents = Employee.browse()
        for index in range(len(cls.AGENT_SCORES)):
            user = cls._user(f"perf_agent_{index}", "base.group_user")
            cls.agents |= Employee.create(
                {
                    "name": f"Agent {index}",
                    "user_id": user.id,
                    "department_id": cls.dep_support.id,
                }
            )
        cls.user_tiny_head = cls._user(
            "perf_tiny_head", "base.group_user,perf_closed_loop.group_perf_manager"
        )
        cls.emp_tiny_head = Employee.create(
            {"name": "Tiny Lead", "user_id": cls.user_tiny_head.id}
        )
        cls.dep_tiny = Department.create(
            {
                "name": "Tiny",
                "parent_id": cls.dep_rd.id,
                "manager_id": cls.emp_tiny_head.id,
            }
        )
        cls.emp_tiny_head.department_id = cls.dep_tiny
        cls.emp_tiny_member = Employee.create(
            {
                "name": "Tiny Member",
                "user_id": cls._user("perf_tiny_member", "base.group_user").id,
                "department_id": cls.dep_tiny.id,
            }
        )
        cls.flow_results = cls.env["perf.flow"].create(
            {
                "name": "Manager-set, self and manager",
                "step_ids": [
                    Command.create(
                        {"sequence": 1, "kind": "goal_setting", "actor": "manager"}
                    ),
                    Command.create(
                        {
                            "sequence": 10,
                            "kind": "self",
                            "weight": 30,
                            "comment_threshold": 100,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 20,
                            "kind": "manager",
                            "weight": 70,
                            "can_reject": True,
                            "comment_threshold": 100,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 30,
                            "kind": "calibration",
                            "actor": "department_head",
                        }
                    ),
                ],
            }
        )
        cls.template_results = cls.env["perf.template"].create(
            {
                "name": "Results template",
                "flow_id": cls.flow_results.id,
                "kpi_weight": 100,
                "kpi_line_ids": [
                    Command.create(
                        {"name": "Revenue", "weight": 100, "target_value": 100}
                    )
                ],
            }
        )
        cls.cycle = cls._cycle(
            name="2026 H2 results",
            assignments=[
                Command.create(
                    {
                        "department_ids": [Command.set(cls.dep_company.ids)],
                        "template_id": cls.template_results.id,
                    }
                )
            ],
        )
        cls.cycle.with_user(cls.user_hr).action_launch()
        for review in cls.cycle.review_ids:
            setter = review.manager_user_id or cls.user_hr
            review.with_user(setter).action_submit_goals()
        cls.cycle.with_user(cls.user_hr).action_start_execution()
        # The CEO has nobody above: HR names the admin to rate them.
        action = cls.cycle.with_user(cls.user_hr).action_start_evaluation()
        wizard = cls.env["perf.cycle.evaluation"].browse(action["res_id"])
        wizard.line_ids.filtered(lambda x: x.required).rater_id = cls.user_admin
        wizard.with_user(cls.user_hr).action_confirm()
        scores = dict(zip(cls.agents, cls.AGENT_SCORES, strict=True))
        scores.update(
            {getattr(cls, name): score for name, score in cls.RD_SCORES.items()}
        )
        unrated = cls.env["hr.employee"].concat(
            *(getattr(cls, name) for name in cls.UNRATED)
        )
        for review in cls.cycle.review_ids.filtered(
            lambda r: r.employee_id not in unrated
        ):
            score = scores.get(review.employee_id, 75)
            for role in ("self", "manager"):
                rating = review.rating_ids.filtered(lambda r, role=role: r.role == role)
                cls._fill(rating, score)
        cls._run_todo_job()

    @classmethod
    def _fill(cls, rating, score):
        cls.env.invalidate_all()
        rating = rating.with_user(rating.rater_id)
        rating.score_line_ids.write({"score": score})
        rating.action_submit()

    @classmethod
    def _start_calibration(cls):
        cls.cycle.with_user(cls.user_hr).with_context(
            perf_force=True
        ).action_start_calibration()
        cls._run_todo_job()

    @classmethod
    def _review_of_cls(cls, employee):
        return cls.cycle.sudo().review_ids.filtered(lambda r: r.employee_id == employee)

    @classmethod
    def _grade_cls(cls, code):
        return cls.template_results.rating_scale_id.grade_ids.filtered(
            lambda g: g.code == code
        )

    @classmethod
    def _calibrate_support_to_policy(cls):
        """The Support head brings their group within the policy (one A
        seat, the next two down to B, with notes); returns the group."""
        support = cls.cycle.sudo().calibration_ids.filtered(
            lambda c: c.department_id == cls.dep_support
        )
        seats = (("A", "One A seat"), ("B", "Quota"), ("B", "Quota"))
        support.with_user(cls.user_support_head).write(
            {
                "review_ids": [
                    Command.update(
                        cls._review_of_cls(agent).id,
                        {
                            "calibrated_grade_id": cls._grade_cls(code).id,
                            "calibration_note": note,
                        },
                    )
                    for agent, (code, note) in zip(cls.agents, seats, strict=False)
                ]
            }
        )
        return support

    @classmethod
    def _publish_all(cls):
        """Every group within the policy, submitted, approved by the
        performance administrator, and the cycle published."""
        cls._calibrate_support_to_policy()
        for calibration in cls.cycle.sudo().calibration_ids:
            calibration.with_user(calibration.calibrator_id).action_submit()
            calibration.with_user(cls.user_admin).action_approve()
        cls.cycle.with_user(cls.user_hr).action_publish()
        cls._run_todo_job()

    def _calibration(self, department):
        return self.cycle.sudo().calibration_ids.filtered(
            lambda c: c.department_id == department
        )

    def _review_of(self, employee):
        return self.cycle.sudo().review_ids.filtered(
            lambda r: r.employee_id == employee
        )

    def _grade(self, code):
        return self.template_results.rating_scale_id.grade_ids.filtered(
            lambda g: g.code == code
        )
