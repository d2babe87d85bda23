# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

CLOSED = "1_done"


class ProjectTask(models.Model):
    """When a task was closed (done), and whether that was by its deadline:
    what the Project measures count. Stored, so that a measure groups and
    filters on them in one query. Same access as the task."""

    _inherit = "project.task"

    perf_date_closed = fields.Datetime(
        string="Closed on",
        compute="_compute_perf_date_closed",
        store=True,
        readonly=False,
        copy=False,
        index=True,
        help="When the task was last marked done.",
    )
    perf_closed_on_time = fields.Boolean(
        string="Closed by its deadline",
        compute="_compute_perf_closed_on_time",
        store=True,
        help="Done, with a deadline, and closed on or before it.",
    )

    @api.depends("state")
    def _compute_perf_date_closed(self):
        now = fields.Datetime.now()
        for task in self:
            if task.state != CLOSED:
                task.perf_date_closed = False
            elif not task.perf_date_closed:
                task.perf_date_closed = now

    @api.depends("state", "perf_date_closed", "date_deadline")
    def _compute_perf_closed_on_time(self):
        for task in self:
            task.perf_closed_on_time = bool(
                task.state == CLOSED
                and task.date_deadline
                and task.perf_date_closed
                and task.perf_date_closed <= task.date_deadline
            )
