# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class PerfCycleLaunchLine(models.TransientModel):
    """One employee of a launch preview."""

    _name = "perf.cycle.launch.line"
    _description = "Launch Preview Line"
    _order = "blocking desc, problem, department_id, employee_id"

    wizard_id = fields.Many2one("perf.cycle.launch", required=True, ondelete="cascade")
    employee_id = fields.Many2one("hr.employee", readonly=True)
    department_id = fields.Many2one("hr.department", readonly=True)
    manager_id = fields.Many2one("hr.employee", readonly=True)
    template_id = fields.Many2one("perf.template", readonly=True)
    flow_id = fields.Many2one("perf.flow", readonly=True)
    assignment_count = fields.Integer(readonly=True)
    blocking = fields.Boolean(readonly=True)
    problem = fields.Char(readonly=True)
    carried_count = fields.Integer(string="Carried over", readonly=True)
