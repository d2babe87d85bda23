# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from contextlib import contextmanager

from odoo import Command
from odoo.tests import TransactionCase, new_test_user


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
        while cls.env["perf.review"].search_count([("todo_pending", "=", True)]):
            cls.env["perf.cycle"]._cron_deliver_todos()
            calls += 1
            assert calls < 100, "the to-do job makes no progress"
        return calls

    def _review(self, cycle, employee):
        return cycle.review_ids.filtered(lambda r: r.employee_id == employee)
