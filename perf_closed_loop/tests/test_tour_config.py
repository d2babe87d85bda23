# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install", "perf_tour")
class TestConfigTours(HttpCase):
    """In the browser, an administrator sets up what a cycle needs; every
    mistake on the way gets a clear message, and the fix saves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(
            cls.env,
            login="perf_tour_admin",
            password="perf_tour_admin",
            groups="base.group_user,perf_closed_loop.group_perf_admin",
        )

    def test_admin_builds_template(self):
        """KPI 60 / OKR 40 with three indicators; weights 90 get a message."""
        self.start_tour("/odoo", "perf_closed_loop_template", login="perf_tour_admin")
        template = self.env["perf.template"].search([("name", "=", "Sales H1")])
        self.assertEqual(len(template), 1)
        self.assertEqual((template.kpi_weight, template.okr_weight), (60, 40))
        self.assertEqual(template.kpi_line_ids.mapped("weight"), [50, 30, 20])

    def test_admin_builds_flow(self):
        """A flow with peers and skip-level; saving it without a rating step
        gets a message."""
        self.start_tour("/odoo", "perf_closed_loop_flow", login="perf_tour_admin")
        flow = self.env["perf.flow"].search([("name", "=", "Sales flow")])
        self.assertEqual(len(flow), 1)
        steps = flow._ordered_steps()
        self.assertEqual(
            steps.mapped("kind"),
            [
                "goal_setting",
                "goal_approval",
                "self",
                "peer",
                "manager",
                "skip_level",
                "calibration",
                "hr_approval",
            ],
        )
        self.assertEqual(
            steps.mapped("actor"),
            [
                "employee",
                "manager",
                "employee",
                "employee",
                "manager",
                "skip_level",
                "department_head",
                "hr",
            ],
        )
        self.assertEqual(flow.rating_weight_total, 100)
        self.assertTrue(flow.has_peer_review and flow.has_skip_level_review)

    def test_admin_fixes_overlapping_grades(self):
        """Overlapping grade bands get a message naming the grades."""
        scale = self.env.ref("perf_closed_loop.rating_scale_3")
        self.start_tour(
            "/odoo", "perf_closed_loop_rating_scale", login="perf_tour_admin"
        )
        grade_c = scale.grade_ids.filtered(lambda g: g.code == "C")
        self.assertEqual((grade_c.min_score, grade_c.max_score), (0, 60))
