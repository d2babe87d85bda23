# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoOrg(TransactionCase):
    """The demo company's org chart is complete enough to try every
    feature on. Skipped when the database has no demo data."""

    def setUp(self):
        super().setUp()
        self.root = self.env.ref(
            "perf_closed_loop.dep_gm_demo", raise_if_not_found=False
        )
        if not self.root:
            self.skipTest("no demo data")
        self.departments = self.env["hr.department"].search(
            [("id", "child_of", self.root.id)]
        )
        self.employees = self.env["hr.employee"].search(
            [("department_id", "in", self.departments.ids)]
        )

    def test_two_level_department_tree(self):
        self.assertGreaterEqual(len(self.departments), 8)
        level_1 = self.departments.filtered(lambda d: d.parent_id == self.root)
        level_2 = self.departments.filtered(lambda d: d.parent_id in level_1)
        self.assertGreaterEqual(len(level_1), 5)
        self.assertGreaterEqual(len(level_2), 4)
        for department in self.departments:
            self.assertIn(department.manager_id, self.employees, department.name)

    def test_everyone_has_a_user_and_a_manager(self):
        self.assertGreaterEqual(len(self.employees), 60)
        for employee in self.employees:
            self.assertTrue(employee.user_id, employee.name)
            self.assertTrue(
                employee.user_id.has_group("perf_closed_loop.group_perf_user")
            )
            if employee != self.root.manager_id:
                self.assertTrue(employee.parent_id, employee.name)
                self.assertIn(employee.parent_id, self.employees)
        self.assertFalse(self.root.manager_id.parent_id)

    def test_roles(self):
        users = self.employees.user_id
        hr = users.filtered(lambda u: u.has_group("perf_closed_loop.group_perf_hr"))
        self.assertGreaterEqual(len(hr), 2)
        heads = self.departments.manager_id.user_id
        for head in heads:
            self.assertTrue(head.has_group("perf_closed_loop.group_perf_manager"))
        self.assertTrue(
            users.filtered(lambda u: u.has_group("perf_closed_loop.group_perf_admin"))
        )
        # Names in Chinese and English.
        self.assertRegex(self.root.manager_id.name, "[\u4e00-\u9fff]+ [A-Z][a-z]+")
