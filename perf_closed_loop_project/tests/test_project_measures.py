# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.tests import freeze_time, tagged

from odoo.addons.perf_closed_loop.tests.common import PerfOrgCase


@tagged("post_install", "-at_install")
class TestProjectMeasures(PerfOrgCase):
    """The Project measures on tasks created here: tasks closed by each
    assignee (a task of two counts for both), closed by their deadline, and
    the share on time, refreshed into the Back-end team's reviews."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.m_closed = ref("perf_closed_loop_project.perf_measure_tasks_closed")
        cls.m_on_time = ref("perf_closed_loop_project.perf_measure_tasks_on_time")
        cls.m_rate = ref("perf_closed_loop_project.perf_measure_tasks_on_time_rate")
        cls.project = cls.env["project.project"].create({"name": "Platform"})
        cls.template = cls._measured_template(
            "Measured",
            [
                ("Closed", 40, 10, cls.m_closed),
                ("On time", 30, 5, cls.m_on_time),
                ("Rate", 30, 100, cls.m_rate),
            ],
        )
        cls.cycle = cls._executing_cycle(
            "2026 H2 delivery", cls.dep_backend, cls.template
        )

    def _task(self, users, deadline=None, closed=None):
        """A task of ``users``; closed (done) at the UTC instant ``closed``."""
        task = self.env["project.task"].create(
            {
                "name": "Task",
                "project_id": self.project.id,
                "user_ids": [Command.set(users.ids)],
                "date_deadline": deadline,
            }
        )
        if closed:
            with freeze_time(closed):
                task.state = "1_done"
                self.env.flush_all()
            self.assertEqual(str(task.perf_date_closed), closed)
        return task

    def _actual(self, employee, name):
        review = self.cycle.review_ids.filtered(lambda r: r.employee_id == employee)
        return review.line_ids.filtered(lambda x: x.name == name).actual_value

    def test_closed_on_time_and_rate_per_assignee(self):
        both = self.user_employee | self.user_peer
        self._task(both, "2026-08-10 10:00:00", "2026-08-09 04:00:00")  # on time
        self._task(self.user_employee, "2026-08-10 10:00:00", "2026-08-11 04:00:00")
        self._task(self.user_employee, None, "2026-08-11 04:00:00")  # no deadline
        self._task(self.user_employee, "2026-08-10 10:00:00")  # open
        self._task(self.user_employee, "2026-06-10 10:00:00", "2026-06-09 04:00:00")
        self.env["perf.cycle"]._cron_refresh_actuals()
        self.assertEqual(self._actual(self.emp_employee, "Closed"), 3)
        self.assertEqual(self._actual(self.emp_employee, "On time"), 1)
        self.assertEqual(self._actual(self.emp_employee, "Rate"), 50)
        self.assertEqual(self._actual(self.emp_peer, "Closed"), 1)
        self.assertEqual(self._actual(self.emp_peer, "Rate"), 100)
        # The manager closed nothing: 0.
        self.assertEqual(self._actual(self.emp_manager, "Closed"), 0)

    def test_reopened_task_no_longer_counts(self):
        task = self._task(
            self.user_employee, "2026-08-10 10:00:00", "2026-08-09 04:00:00"
        )
        self.env["perf.cycle"]._cron_refresh_actuals()
        self.assertEqual(self._actual(self.emp_employee, "Closed"), 1)
        task.state = "01_in_progress"
        self.assertFalse(task.perf_date_closed)
        self.assertFalse(task.perf_closed_on_time)
        self.env["perf.cycle"]._cron_refresh_actuals()
        self.assertEqual(self._actual(self.emp_employee, "Closed"), 0)
        review = self.cycle.review_ids.filtered(
            lambda r: r.employee_id == self.emp_employee
        )
        closed_line = review.line_ids.filtered(lambda x: x.name == "Closed")
        self.assertEqual(closed_line.checkin_ids.mapped("value"), [0.0, 1.0])

    def test_a_task_closed_late_in_the_evening_counts_in_the_user_day(self):
        """The HR officer works in Shanghai: a task closed at 17:00 UTC on
        31 December is closed on 1 January there, after the period."""
        self.user_hr.tz = "Asia/Shanghai"
        self._task(self.user_employee, None, "2026-12-31 17:00:00")
        self._task(self.user_employee, None, "2026-06-30 17:00:00")  # 1 July
        self.env["perf.cycle"]._cron_refresh_actuals()
        self.assertEqual(self._actual(self.emp_employee, "Closed"), 1)
