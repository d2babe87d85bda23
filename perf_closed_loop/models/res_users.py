# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    perf_headed_department_ids = fields.Many2many(
        "hr.department",
        string="Departments headed",
        compute="_compute_perf_headed_department_ids",
        help="Departments whose head (manager) is one of this user's employees; "
        "used by the record rules of department heads.",
    )

    def _compute_perf_headed_department_ids(self):
        # Rules need this for any user, who may not read hr.employee.
        departments = (
            self.env["hr.department"]
            .sudo()
            .search([("manager_id.user_id", "in", self.ids)])
        )
        for user in self:
            user.perf_headed_department_ids = departments.filtered(
                lambda d, user=user: d.manager_id.user_id == user
            )

    def write(self, vals):
        res = super().write(vals)
        if "active" in vals and not vals["active"]:
            # Their open ratings go to HR, who gives them to somebody else.
            self.env["perf.review"]._perf_raters_left(self)
        return res
