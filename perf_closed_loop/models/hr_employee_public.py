# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models


class HrEmployeePublic(models.Model):
    _inherit = "hr.employee.public"

    def action_open_perf_history(self):
        """The smart button "Performance" of the public profile (what
        people without the employees app's HR rights open): the same
        history, by the same rules (``perf.review._history_action``)."""
        employees = self.env["hr.employee"].browse(self.ids)
        return self.env["perf.review"]._history_action(employees)
