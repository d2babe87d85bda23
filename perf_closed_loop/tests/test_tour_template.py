# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install", "perf_tour")
class TestTemplateTour(HttpCase):
    """In the browser, an administrator builds a KPI 60 / OKR 40 template
    with three indicators; the weight mistake gets a clear message."""

    def test_admin_builds_template(self):
        new_test_user(
            self.env,
            login="perf_tour_admin",
            password="perf_tour_admin",
            groups="base.group_user,perf_closed_loop.group_perf_admin",
        )
        self.start_tour("/odoo", "perf_closed_loop_template", login="perf_tour_admin")
        template = self.env["perf.template"].search([("name", "=", "Sales H1")])
        self.assertEqual(len(template), 1)
        self.assertEqual((template.kpi_weight, template.okr_weight), (60, 40))
        self.assertEqual(template.kpi_line_ids.mapped("weight"), [50, 30, 20])
