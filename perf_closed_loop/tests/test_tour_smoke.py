# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import HttpCase, new_test_user, tagged


class SmokeTourCase(HttpCase):
    """An employee logs in and opens the Performance app."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee_user = new_test_user(
            cls.env,
            login="perf_smoke_employee",
            password="perf_smoke_employee",
            groups="base.group_user",
        )
        cls.env["hr.employee"].create(
            {"name": "Smoke Employee", "user_id": cls.employee_user.id}
        )

    def _run_smoke(self):
        self.start_tour(
            "/odoo", "perf_closed_loop_smoke", login="perf_smoke_employee", timeout=120
        )


@tagged("post_install", "-at_install", "perf_tour")
class TestSmokeTourDesktop(SmokeTourCase):
    browser_size = "1366x768"

    def test_employee_opens_performance_app(self):
        self._run_smoke()


@tagged("post_install", "-at_install", "perf_tour")
class TestSmokeTourPhone(SmokeTourCase):
    browser_size = "375x667"
    touch_enabled = True

    def test_employee_opens_performance_app_on_phone(self):
        self._run_smoke()
