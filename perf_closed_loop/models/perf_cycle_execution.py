# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models
from odoo.exceptions import UserError


class PerfCycle(models.Model):
    """The start of the execution (执行期): goal setting → execution.

    Each review moves to execution on its own once its goals are approved
    (``perf_review_goals.py``); the cycle's step only says the goal phase
    is over. ``action_start_execution`` lists the reviews whose goals are
    still being set or approved, and starts anyway only when HR says so
    (the button "Start execution anyway", ``perf_force``); those reviews go
    on with their goals.

    Who: HR officers, on a cycle in goal setting with no job running
    (``_check_can_start_execution``).

    Fields: none of its own; the counters of reviews in each goal state
    are the cycle's dashboard (``perf_cycle.py``).
    """

    # One model, a file per phase (docs/architecture.md): not to be merged.
    _inherit = "perf.cycle"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------ guards
    def _check_can_start_execution(self):
        self._check_hr()
        for cycle in self:
            if cycle.state != "goal_setting" or cycle._job_running():
                raise UserError(
                    self.env._(
                        "Execution starts once the cycle is launched and in goal "
                        "setting."
                    )
                )

    # ----------------------------------------------------------- actions
    def action_start_execution(self):
        self._lock_for_update()
        self._check_can_start_execution()
        for cycle in self:
            stragglers = cycle.review_ids.filtered(
                lambda r: r.state in ("goal_setting", "goal_approval")
            )
            if stragglers and not self.env.context.get("perf_force"):
                return {
                    "type": "ir.actions.act_window",
                    "name": self.env._("Goals not approved yet"),
                    "res_model": "perf.review",
                    "view_mode": "list,form",
                    "domain": [("id", "in", stragglers.ids)],
                    "context": {"create": False},
                    "help": self.env._(
                        "These reviews still have goals to set or approve."
                    ),
                }
            cycle._do_start_execution()
        return True

    def _do_start_execution(self):
        for cycle in self:
            cycle._write_state({"state": "execution"})
            cycle.message_post(
                body=self.env._(
                    "Execution started; %(count)s reviews still have goals to set "
                    "or approve.",
                    count=cycle.goals_draft_count + cycle.goals_waiting_count,
                ),
                subtype_xmlid="mail.mt_note",
            )
