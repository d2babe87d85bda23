# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models


class PerfCycleCancel(models.TransientModel):
    """Asks why a cycle is cancelled."""

    _name = "perf.cycle.cancel"
    _description = "Cancel a Cycle"

    cycle_id = fields.Many2one("perf.cycle", required=True, ondelete="cascade")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.cycle_id.action_cancel(reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
