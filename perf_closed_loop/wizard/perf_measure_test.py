# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

from ..domain import measures


class PerfMeasureTest(models.TransientModel):
    """A performance administrator tries a measure: its value for one
    employee over a period, and how many records it counted."""

    _name = "perf.measure.test"
    _description = "Test a Measure"

    measure_id = fields.Many2one("perf.measure", required=True, ondelete="cascade")
    employee_id = fields.Many2one("hr.employee", required=True)
    date_start = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(month=1, day=1),
    )
    date_end = fields.Date(required=True, default=fields.Date.context_today)
    value = fields.Float(compute="_compute_result", digits=(16, 2))
    record_count = fields.Integer(string="Records counted", compute="_compute_result")
    result = fields.Char(compute="_compute_result")

    @api.depends("measure_id", "employee_id", "date_start", "date_end")
    def _compute_result(self):
        for test in self:
            test.value, test.record_count, test.result = 0.0, 0, False
            measure = test.measure_id
            if not (measure and test.employee_id and test.date_start and test.date_end):
                continue
            measure._check_period(test.date_start, test.date_end)
            employee = test.employee_id.sudo()
            person = measure._person_of(employee)
            if not person:
                test.result = self.env._(
                    "%(employee)s has no user: nothing is theirs.",
                    employee=employee.name,
                )
                continue
            company = employee.company_id or self.env.company
            value, count = measure._values(
                person.ids,
                test.date_start,
                test.date_end,
                company,
                self.env.user.tz,
            )[person.id]
            test.value, test.record_count = value, count
            test.result = self.env._(
                "%(value)s from %(count)s records",
                value=measures.format_value(
                    value, measure._unit(company), monetary=measure._is_monetary()
                ),
                count=count,
            )
