# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import tour_team


@tagged("post_install", "-at_install", "perf_tour")
class TestGoalTours(HttpCase):
    """In the browser: the employee submits goals on a phone, the manager
    rejects them with a reason on a desktop."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_employee, cls.user_manager, employee = tour_team(cls.env)
        template = cls.env["perf.template"].create(
            {
                "name": "Tour template",
                "kpi_weight": 100,
                "kpi_line_ids": [
                    Command.create(
                        {"name": "Revenue", "weight": 60, "target_value": 100}
                    ),
                    Command.create(
                        {"name": "Quality", "weight": 40, "target_value": 95}
                    ),
                ],
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
        cls.env["perf.cycle"]._cron_deliver_todos()
        cls.review = cycle.review_ids

    def test_submit_on_phone_then_reject_on_desktop(self):
        self.browser_size = "375x667"
        self.touch_enabled = True
        self.start_tour(
            "/odoo", "perf_closed_loop_submit_goals", login="perf_tour_employee"
        )
        self.assertEqual(self.review.state, "goal_approval")
        # The target set on the phone's card was saved with the submission.
        revenue = self.review.kpi_line_ids.filtered(lambda x: x.name == "Revenue")
        self.assertEqual(revenue.target_value, 120)
        self.browser_size = "1366x768"
        self.touch_enabled = False
        self.start_tour(
            "/odoo", "perf_closed_loop_reject_goals", login="perf_tour_manager"
        )
        self.assertEqual(self.review.state, "goal_setting")
        self.assertEqual(
            self.review.approval_ids.filtered(lambda a: a.state == "rejected").reason,
            "Revenue target too low",
        )
