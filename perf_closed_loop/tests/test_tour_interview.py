# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import tour_team


@tagged("post_install", "-at_install", "perf_tour")
class TestInterviewTours(HttpCase):
    """In the browser: the manager records the results interview on a
    desktop, the employee confirms it on a phone."""

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
                        {"name": "Revenue", "weight": 100, "target_value": 100}
                    ),
                ],
            }
        )
        cycle = cls.env["perf.cycle"].create(
            {
                "name": "Tour cycle",
                "date_start": "2026-01-01",
                "date_end": "2026-06-30",
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
        # Straight to the published result: the tours are about what follows.
        cls.review = cycle.review_ids
        cls.review._do_publish()
        cycle._write_state({"state": "published"})
        cls.env["perf.cycle"]._cron_deliver_todos()
        cls.interview = cls.review.interview_id

    def test_manager_records_on_desktop_then_employee_confirms_on_phone(self):
        self.browser_size = "1366x768"
        self.touch_enabled = False
        self.start_tour(
            "/odoo", "perf_closed_loop_record_interview", login="perf_tour_manager"
        )
        self.assertEqual(self.interview.state, "held")
        self.assertEqual(self.interview.went_well, "Shipped the release on time")
        self.assertEqual(
            self.interview.action_ids.mapped("name"), ["Mentor a new colleague"]
        )
        self.browser_size = "375x667"
        self.touch_enabled = True
        self.start_tour(
            "/odoo", "perf_closed_loop_confirm_interview", login="perf_tour_employee"
        )
        self.assertEqual(self.interview.state, "confirmed")
        self.assertTrue(self.interview.confirm_date)
