# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PerfOrgCase


@tagged("post_install", "-at_install", "access_rights")
class TestReviewAccess(PerfOrgCase):
    """Who reads which reviews, by every route."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cycle = cls._cycle()
        cls.cycle.with_user(cls.user_hr).action_launch()
        cls.reviews = cls.cycle.review_ids

    def _visible(self, user, model="perf.review"):
        env = self.env(user=user)
        found = env[model].search(
            [("cycle_id", "=", self.cycle.id)] if model == "perf.review" else []
        )
        read = env[model].search_read([], ["id"])
        self.assertEqual({r["id"] for r in read}, set(found.ids))
        groups = env[model]._read_group([], ["company_id"], ["__count"])
        self.assertEqual(sum(count for _c, count in groups), len(found))
        return found

    def _employees(self, reviews):
        return reviews.mapped("employee_id")

    def test_employee_sees_own_review_only(self):
        found = self._visible(self.user_employee)
        self.assertEqual(self._employees(found), self.emp_employee)
        other = self.reviews.filtered(lambda r: r.employee_id == self.emp_peer)
        with self.assertRaises(AccessError):
            other.with_user(self.user_employee).read(["state"])
        lines = self._visible(self.user_employee, "perf.review.line")
        self.assertEqual(lines.review_id.employee_id, self.emp_employee)

    def test_manager_sees_reports(self):
        found = self._visible(self.user_manager)
        self.assertEqual(
            self._employees(found),
            self.emp_manager | self.emp_employee | self.emp_peer,
        )

    def test_department_head_sees_department_tree(self):
        found = self._visible(self.user_rd_head)
        self.assertEqual(
            self._employees(found),
            self.emp_rd_head | self.emp_manager | self.emp_employee | self.emp_peer,
        )
        ceo = self._visible(self.user_ceo)
        self.assertEqual(len(ceo), 6)

    def test_hr_sees_company(self):
        self.assertEqual(len(self._visible(self.user_hr)), 6)

    def test_approver_sees_what_they_approve(self):
        review = self.reviews.filtered(lambda r: r.employee_id == self.emp_employee)
        self.assertIn(review, self._visible(self.user_manager))
        self.assertFalse(self._visible(self.user_peer) & review)

    def test_other_company_hidden_from_hr(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        employee = self.env["hr.employee"].create(
            {"name": "Abroad", "company_id": other.id}
        )
        cycle = self.env["perf.cycle"].create(
            {
                "name": "Abroad cycle",
                "company_id": other.id,
                "date_start": "2026-01-01",
                "date_end": "2026-06-30",
            }
        )
        template = self.template_kpi.copy({"company_id": False})
        review = self.env["perf.review"].create(
            {
                "cycle_id": cycle.id,
                "company_id": other.id,
                "employee_id": employee.id,
                "template_id": template.id,
                "flow_id": template.flow_id.id,
            }
        )
        hr = self.env["perf.review"].with_user(self.user_hr)
        self.assertFalse(hr.search([("id", "=", review.id)]))
        self.user_hr.write({"company_ids": [(4, other.id)]})
        both = hr.with_context(allowed_company_ids=[self.env.company.id, other.id])
        self.assertEqual(both.search([("id", "=", review.id)]), review)

    def test_users_cannot_create_or_delete_reviews(self):
        review = self.reviews[:1]
        for user in (self.user_employee, self.user_manager):
            with self.assertRaises(AccessError):
                review.with_user(user).unlink()
            with self.assertRaises(AccessError):
                self.env["perf.review"].with_user(user).create(
                    {
                        "cycle_id": self.cycle.id,
                        "employee_id": self.emp_sales.id,
                        "company_id": self.env.company.id,
                        "template_id": self.template_kpi.id,
                        "flow_id": self.flow_full.id,
                    }
                )
