# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class PerfCycleAssignment(models.Model):
    """Who gets which template in a cycle: departments (with or without
    their sub-departments) or named employees. The most specific assignment
    wins (named employee, then nearest department), then the later one.
    Same access as the cycle."""

    _name = "perf.cycle.assignment"
    _description = "Cycle Assignment"
    _order = "cycle_id, sequence, id"
    _check_company_auto = True

    cycle_id = fields.Many2one(
        "perf.cycle", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="cycle_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    department_ids = fields.Many2many(
        "hr.department", string="Departments", check_company=True
    )
    include_subdepartments = fields.Boolean(string="With sub-departments", default=True)
    employee_ids = fields.Many2many(
        "hr.employee",
        string="Employees",
        check_company=True,
        context={"active_test": False},
    )
    template_id = fields.Many2one(
        "perf.template", required=True, check_company=True, string="Template"
    )
    flow_id = fields.Many2one(related="template_id.flow_id")

    @api.constrains("department_ids", "employee_ids")
    def _check_scope(self):
        for assignment in self:
            if not assignment.department_ids and not assignment.employee_ids:
                raise ValidationError(
                    self.env._(
                        "An assignment names departments or employees (template "
                        "“%(template)s”).",
                        template=assignment.template_id.name,
                    )
                )
