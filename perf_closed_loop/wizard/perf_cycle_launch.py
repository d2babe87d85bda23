# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class PerfCycleLaunch(models.TransientModel):
    """Dry run of a launch: every employee who will get a review, with which
    template and flow, and every problem, before anything is created."""

    _name = "perf.cycle.launch"
    _description = "Launch Preview"

    cycle_id = fields.Many2one("perf.cycle", required=True, ondelete="cascade")
    line_ids = fields.One2many("perf.cycle.launch.line", "wizard_id")
    employee_count = fields.Integer(readonly=True)
    blocking_count = fields.Integer(readonly=True)
    warning_count = fields.Integer(readonly=True)

    def _fill(self):
        self.ensure_one()
        plan = self.cycle_id._launch_plan()
        lines = []
        for entry in plan:
            problems = entry["problems"]
            lines.append(
                {
                    "wizard_id": self.id,
                    "employee_id": entry["employee"].id,
                    "department_id": entry["employee"].department_id.id,
                    "manager_id": entry["manager"].id,
                    "template_id": entry["template"].id,
                    "flow_id": entry["template"].flow_id.id,
                    "assignment_count": len(entry["covering"]),
                    "blocking": any(blocking for _c, blocking, _m in problems),
                    "problem": "; ".join(message for _c, _b, message in problems),
                }
            )
        self.env["perf.cycle.launch.line"].create(lines)
        self.write(
            {
                "employee_count": len(plan),
                "blocking_count": sum(1 for line in lines if line["blocking"]),
                "warning_count": sum(
                    1 for line in lines if line["problem"] and not line["blocking"]
                ),
            }
        )

    def action_launch(self):
        self.ensure_one()
        return self.cycle_id.action_launch()
