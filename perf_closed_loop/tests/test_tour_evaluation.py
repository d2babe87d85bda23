# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import tour_team


@tagged("post_install", "-at_install", "perf_tour")
class TestEvaluationTours(HttpCase):
    """In the browser: the employee rates themselves on a phone, the manager
    sends the self rating back on a desktop."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_employee, cls.user_manager, employee = tour_team(cls.env)
        template = cls.env["perf.template"].create(
            {
                "name": "Tour template",
                "flow_id": cls.env.ref("perf_closed_loop.flow_light").id,
                "kpi_weight": 70,
                "question_weight": 30,
                "kpi_line_ids": [
                    Command.create(
                        {"name": "Revenue", "weight": 100, "target_value": 100}
                    ),
                ],
                "question_ids": [Command.create({"name": "Teamwork", "weight": 100})],
            }
        )
        cycle = cls.env["perf.cycle"].create(
            {
                "name": "Tour cycle",
                "date_start": "2026-07-01",
                "date_end": "2026-12-31",
                "assignment_ids": [
                    Command.create(
                        {
                            "employee_ids": [Command.set(employee.ids)],
                            "template_id": template.id,
                        }
                    )
                ],
            }
        )
        cycle.action_launch()
        review = cycle.review_ids
        review.with_user(cls.user_manager).action_submit_goals()
        cycle.action_start_execution()
        revenue = review.line_ids.filtered(lambda x: x.name == "Revenue")
        cls.env["perf.checkin"].with_user(cls.user_employee).create(
            {"review_id": review.id, "line_id": revenue.id, "value": 90}
        )
        cycle.with_context(perf_force=True).action_start_evaluation()
        cls.env["perf.cycle"]._cron_deliver_todos()
        cls.review = review

    def _rating(self, role):
        return self.review.rating_ids.filtered(lambda r: r.role == role)

    def test_self_rating_on_phone_then_send_back_on_desktop(self):
        self.browser_size = "375x667"
        self.touch_enabled = True
        self.start_tour(
            "/odoo", "perf_closed_loop_self_rating", login="perf_tour_employee"
        )
        own = self._rating("self")
        self.assertEqual(own.state, "submitted")
        teamwork = own.score_line_ids.filtered(lambda x: x.name == "Teamwork")
        self.assertEqual(teamwork.score, 80)
        self.assertEqual(teamwork.comment, "Helped two new colleagues")
        self.assertEqual(self._rating("manager").state, "todo")
        self.browser_size = "1366x768"
        self.touch_enabled = False
        self.start_tour(
            "/odoo", "perf_closed_loop_send_back", login="perf_tour_manager"
        )
        self.assertEqual(own.state, "todo")
        self.assertEqual(own.send_back_reason, "Teamwork needs examples")
        self.assertEqual(self._rating("manager").state, "waiting")
        self.assertEqual(own.activity_ids.user_id, self.user_employee)
