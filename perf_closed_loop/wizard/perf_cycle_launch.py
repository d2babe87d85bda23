# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import Counter

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
    carried_count = fields.Integer(
        string="Actions carried over",
        readonly=True,
        help="Open actions agreed in earlier results interviews that go into "
        "the new goals.",
    )
    carried_summary = fields.Char(string="Carried over per department", readonly=True)

    def _fill(self):
        self.ensure_one()
        plan = self.cycle_id._launch_plan()
        employees = self.env["hr.employee"].browse(
            [entry["employee"].id for entry in plan]
        )
        carried = self.cycle_id._carry_over_counts(employees)
        per_department = Counter()
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
                    "carried_count": carried.get(entry["employee"].id, 0),
                }
            )
            if carried.get(entry["employee"].id):
                per_department[entry["employee"].department_id.name or "-"] += carried[
                    entry["employee"].id
                ]
        self.env["perf.cycle.launch.line"].create(lines)
        self.write(
            {
                "employee_count": len(plan),
                "blocking_count": sum(1 for line in lines if line["blocking"]),
                "warning_count": sum(
                    1 for line in lines if line["problem"] and not line["blocking"]
                ),
                "carried_count": sum(carried.values()),
                "carried_summary": ", ".join(
                    f"{name}: {count}" for name, count in sorted(per_department.items())
                ),
            }
        )

    def action_launch(self):
        self.ensure_one()
        return self.cycle_id.action_launch()
