# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install", "perf_tour")
class TestCalibrationTours(HttpCase):
    """In the browser: the head calibrates at desktop width, an employee
    acknowledges their result at phone width."""

    SCORES = [95, 75, 75, 70, 55, 50, 45]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_head = new_test_user(
            cls.env,
            login="perf_tour_head",
            password="perf_tour_head",
            name="Tour Head",
            groups="base.group_user,perf_closed_loop.group_perf_manager",
        )
        head = cls.env["hr.employee"].create(
            {"name": "Tour Head", "user_id": cls.user_head.id}
        )
        department = cls.env["hr.department"].create(
            {"name": "Tour Team", "manager_id": head.id}
        )
        head.department_id = department
        cls.agents = cls.env["hr.employee"]
        for index in range(len(cls.SCORES)):
            user = new_test_user(
                cls.env,
                login=f"perf_tour_agent_{index}",
                password=f"perf_tour_agent_{index}",
                name=f"Tour Agent {index}",
                groups="base.group_user",
            )
            cls.agents |= cls.env["hr.employee"].create(
                {
                    "name": f"Tour Agent {index}",
                    "user_id": user.id,
                    "department_id": department.id,
                }
            )
        flow = cls.env["perf.flow"].create(
            {
                "name": "Tour flow",
                "step_ids": [
                    Command.create(
                        {"sequence": 1, "kind": "goal_setting", "actor": "manager"}
                    ),
                    Command.create(
                        {
                            "sequence": 10,
                            "kind": "manager",
                            "weight": 100,
                            "comment_threshold": 100,
                        }
                    ),
                ],
            }
        )
        template = cls.env["perf.template"].create(
            {
                "name": "Tour template",
                "flow_id": flow.id,
                "kpi_weight": 100,
                "kpi_line_ids": [
                    Command.create(
                        {"name": "Revenue", "weight": 100, "target_value": 100}
                    )
                ],
            }
        )
        cls.cycle = cls.env["perf.cycle"].create(
            {
                "name": "Tour cycle",
                "date_start": "2026-07-01",
                "date_end": "2026-12-31",
                "assignment_ids": [
                    Command.create(
                        {
                            "department_ids": [Command.set(department.ids)],
                            "template_id": template.id,
                        }
                    )
                ],
            }
        )
        cycle = cls.cycle
        cycle.action_launch()
        for review in cycle.review_ids:
            review.action_submit_goals()
        cycle.action_start_execution()
        action = cycle.action_start_evaluation()
        wizard = cls.env["perf.cycle.evaluation"].browse(action["res_id"])
        wizard.line_ids.filtered("required").rater_id = cls.env.ref("base.user_admin")
        wizard.action_confirm()
        scores = dict(zip(cls.agents, cls.SCORES, strict=True))
        for rating in cycle.review_ids.rating_ids:
            rating = rating.with_user(rating.rater_id)
            rating.score_line_ids.write({"score": scores.get(rating.employee_id, 75)})
            rating.action_submit()
        cycle.with_context(perf_force=True).action_start_calibration()
        cls.env["perf.cycle"]._cron_deliver_todos()
        cls.group = cycle.calibration_ids.filtered(
            lambda c: c.department_id == department
        )

    def test_calibrate_on_desktop_then_acknowledge_on_phone(self):
        self.assertEqual(self.group.calibrator_id, self.user_head)
        self.browser_size = "1366x768"
        self.start_tour("/odoo", "perf_closed_loop_calibrate", login="perf_tour_head")
        self.assertEqual(self.group.state, "submitted")
        agent = self.group.review_ids.filtered(
            lambda r: r.employee_id == self.agents[0]
        )
        self.assertEqual(agent.final_grade_id.code, "A")
        self.assertEqual(agent.calibration_note, "Only one S seat in the company")
        self.assertEqual(self.group.grade_change_ids.user_id, self.user_head)
        for calibration in self.cycle.calibration_ids.filtered(
            lambda c: c.state != "approved"
        ):
            if calibration.state != "submitted":
                calibration.action_submit()
            calibration.action_approve()
        self.cycle.action_publish()
        self.env["perf.cycle"]._cron_deliver_todos()
        self.browser_size = "375x667"
        self.touch_enabled = True
        self.start_tour(
            "/odoo", "perf_closed_loop_acknowledge", login="perf_tour_agent_0"
        )
        self.assertTrue(agent.acknowledged)
        self.assertEqual(agent.acknowledge_comment, "Thank you, fair")
