# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class PerfCycleClose(models.TransientModel):
    """Before closing a cycle: the results interviews still outstanding
    (planned, or held and not answered by the employee). HR closes anyway
    or goes back to chase them."""

    _name = "perf.cycle.close"
    _description = "Close a Cycle"

    cycle_id = fields.Many2one("perf.cycle", required=True, ondelete="cascade")
    interview_ids = fields.Many2many("perf.interview", readonly=True)
    interview_count = fields.Integer(compute="_compute_interview_count")

    def _compute_interview_count(self):
        for wizard in self:
            wizard.interview_count = len(wizard.interview_ids)

    def action_confirm(self):
        self.ensure_one()
        cycle = self.cycle_id
        cycle._lock_for_update()
        cycle._check_can_close()
        cycle._do_close()
        return {"type": "ir.actions.act_window_close"}
