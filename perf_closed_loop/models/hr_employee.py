# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models

from ..domain import org

ORG_FIELDS = {"parent_id", "department_id", "active", "user_id", "company_id"}


class HrEmployee(models.Model):
    _inherit = "hr.employee"

    def action_open_perf_history(self):
        """The person's performance history (smart button "Performance"):
        every published cycle's final score and grade, the trend, the
        interviews and agreed actions, as the user may see them (the
        employee their own published results; the people above them and HR
        of the company; nobody else)."""
        return self.env["perf.review"]._history_action(self)

    def _perf_resolve(self):
        """Manager, skip-level manager and department head of each of these
        employees as the performance loop sees them (``domain/org``): the
        nearest *other* person up the chart who can act, never oneself.

        Returns {employee: (manager, skip manager, head, cases)} with
        employee records (empty when nobody: HR stands in). One read of the
        companies' departments, then one per level of the chart above these
        employees and the department heads, whatever the company's size.
        """
        if not self:
            return {}
        Employee = self.env["hr.employee"].sudo().with_context(active_test=False)
        companies = self.sudo().company_id.ids
        departments = (
            self.env["hr.department"]
            .sudo()
            .with_context(active_test=False)
            .search_fetch(
                [("company_id", "in", [*companies, False])],
                ["parent_id", "manager_id", "active"],
            )
        )
        # These employees, the department managers and everybody above
        # them: one read per level of the chart, not the whole company.
        fields_ = ["parent_id", "department_id", "user_id", "active"]
        rows = Employee.browse()
        frontier = Employee.browse(set(self.ids) | set(departments.manager_id.ids))
        while frontier:
            frontier.fetch(fields_)
            rows |= frontier
            frontier = frontier.parent_id - rows
        users = rows.user_id.with_context(active_test=False)
        users.fetch(["active"])
        people = {
            e.id: org.Person(
                e.parent_id.id or None,
                e.department_id.id or None,
                bool(e.active and e.user_id and e.user_id.active),
            )
            for e in rows
        }
        tree = {
            d.id: org.Department(d.parent_id.id or None, d.manager_id.id or None)
            for d in departments
        }
        browse = Employee.browse
        result = {}
        for employee in self:
            found = org.resolve(employee.id, people, tree)
            result[employee] = (
                browse(found.manager or []),
                browse(found.skip_manager or []),
                browse(found.department_head or []),
                found.cases,
            )
        return result

    def write(self, vals):
        res = super().write(vals)
        if ORG_FIELDS & set(vals) and not self.env.context.get("perf_org_sync"):
            self.env["perf.review"]._perf_org_changed(self)
        return res
