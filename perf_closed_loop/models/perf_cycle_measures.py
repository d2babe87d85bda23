# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).

from odoo import api, models
from odoo.exceptions import UserError


class PerfCycle(models.Model):
    """Measured actuals of a cycle (execution): the refresh job.

    During execution, until the evaluation starts, the cron
    ``ir_cron_perf_refresh_actuals`` re-measures every KPI line bound to a
    ``perf.measure`` in every review of the cycles in execution, as the
    superuser: one grouped query per measure and cycle, whatever the number of
    people (``perf.review._refresh_actuals``). HR may run it for one cycle
    (``action_refresh_actuals``). Fields: none; the cycle's chatter logs a
    measure changed while it runs (``perf.measure``).
    """

    # One model, a file per phase (docs/architecture.md): not to be merged.
    _inherit = "perf.cycle"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cron_refresh_actuals(self):
        """Every cycle in execution."""
        return self.sudo().search([("state", "=", "execution")])._refresh_actuals()

    def _do_refresh_actuals(self):
        return self.sudo()._refresh_actuals()

    def _refresh_actuals(self):
        """Re-measure the bound lines of these cycles' reviews in execution;
        returns how many actuals changed."""
        reviews = (
            self.env["perf.review"]
            .sudo()
            .search([("cycle_id", "in", self.ids), ("state", "=", "execution")])
        )
        return reviews._refresh_actuals()

    def _check_can_refresh_actuals(self):
        self._check_hr()
        for cycle in self:
            if cycle.state != "execution":
                raise UserError(
                    self.env._(
                        "Actuals are measured during execution; the cycle "
                        "%(cycle)s is not in execution.",
                        cycle=cycle.name,
                    )
                )

    def action_refresh_actuals(self):
        self._check_can_refresh_actuals()
        return self.env["perf.review"]._refresh_notification(self._do_refresh_actuals())

    def _demo_start_execution(self):
        """Demo data only (the bridges' demo): launch these draft cycles as
        their HR officer, put their reviews in execution with the
        template's goals as they are, and measure the actuals."""
        for cycle in self:
            cycle.with_user(cycle.hr_user_id).action_launch()
            cycle.review_ids._write_state({"state": "execution"})
            cycle._write_state({"state": "execution"})
        return self._refresh_actuals()
