# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..domain import scoring

# The indicators a review's progress is measured on.
PROGRESS_KINDS = ("kpi", "key_result")


class PerfReview(models.Model):
    """Check-ins (执行反馈) during execution.

    The employee, the manager or HR record a check-in (``perf.checkin``)
    on a review in execution: the progress or actual value of an indicator
    and a status (on track, at risk, off track), with a blocker or a note.
    Each one updates its line and the review's latest status and progress,
    tells the manager in the chatter, and gives the manager a to-do to help
    when the work is off track or blocked.

    Fields: ``checkin_ids``, ``last_checkin_date``, ``risk_status`` (the
    latest status) and ``progress`` (weighted over the KPI lines and key
    results).
    """

    # One model, a file per phase (docs/architecture.md): not to be merged.
    _inherit = "perf.review"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------ fields
    checkin_ids = fields.One2many("perf.checkin", "review_id", string="Check-ins")
    last_checkin_date = fields.Date(string="Last check-in", readonly=True, copy=False)
    risk_status = fields.Selection(
        [
            ("on_track", "On track"),
            ("at_risk", "At risk"),
            ("off_track", "Off track"),
        ],
        string="Latest status",
        readonly=True,
        copy=False,
        tracking=True,
    )
    progress = fields.Float(
        aggregator="avg", string="Progress (%)", compute="_compute_progress", store=True
    )

    # ----------------------------------------------------------- compute
    @api.depends(
        "line_ids.progress", "line_ids.weight", "line_ids.kind", "objective_ids.weight"
    )
    def _compute_progress(self):
        for review in self:
            review.progress = scoring.review_progress(
                (line.weight, line.progress)
                for line in review.line_ids
                if line.kind in PROGRESS_KINDS
            )

    def _store_launch_progress(self, line_values):
        """Give these new reviews their progress from the values of the
        lines they were launched with (``line_values``, inserted set-based),
        as ``_compute_progress`` gives it, instead of computing it from the
        lines read back review by review (issue 21). Assigned as a compute
        assigns it (protected: to the cache, written at the next flush with
        the reviews' other computed columns, no longer to compute), one
        assignment per distinct value; what depends on it was marked when
        the lines were inserted."""
        lines = defaultdict(list)
        for vals in line_values:
            if vals.get("kind") in PROGRESS_KINDS:
                lines[vals["review_id"]].append(
                    (vals.get("weight") or 0.0, vals.get("progress") or 0.0)
                )
        by_value = defaultdict(list)
        for review in self:
            by_value[scoring.review_progress(lines[review.id])].append(review.id)
        field = self._fields["progress"]
        for value, ids in by_value.items():
            reviews = self.browse(ids)
            with self.env.protecting([field], reviews):
                reviews.progress = value

    # ------------------------------------------------------------ guards
    def _check_can_checkin(self):
        self._check_readable()
        for review in self:
            if review.state != "execution":
                raise UserError(
                    self.env._(
                        "Check-ins are recorded during execution, not in the "
                        "state “%(state)s”.",
                        state=dict(
                            review._fields["state"]._description_selection(self.env)
                        )[review.state],
                    )
                )
            if not (review._is_employee() or review._is_manager() or review._is_hr()):
                raise AccessError(
                    self.env._("Only the employee, the manager or HR record check-ins.")
                )

    # ----------------------------------------------------------- actions
    def action_open_checkin(self):
        self.ensure_one()
        self._check_can_checkin()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New check-in"),
            "res_model": "perf.checkin",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_review_id": self.id},
        }

    def _apply_checkin(self, checkin):
        """Effects of a recorded check-in on the line and the review."""
        self.ensure_one()
        line = checkin.line_id.sudo()
        if line:
            values = {"status": checkin.status, "last_checkin_date": checkin.date}
            if line.kind == "kpi":
                values["actual_value"] = checkin.value
                values["progress"] = line._compute_progress_from_actual(checkin.value)
            else:
                values["progress"] = checkin.progress
            line.write(values)
        self.sudo().write(
            {"last_checkin_date": checkin.date, "risk_status": checkin.status}
        )
        manager = self.manager_user_id
        if manager and manager != self.env.user:
            self.message_post(
                body=checkin._summary_html(),
                partner_ids=manager.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
        else:
            self.message_post(
                body=checkin._summary_html(), subtype_xmlid="mail.mt_note"
            )
        if (checkin.status == "off_track" or checkin.blocker) and manager:
            env = self._env_for(manager)
            self._schedule_todo(
                manager,
                env._(
                    "Help %(employee)s: %(line)s is %(status)s",
                    employee=self.employee_id.name,
                    line=line.name or env._("the review"),
                    status=dict(checkin._fields["status"]._description_selection(env))[
                        checkin.status
                    ],
                ),
                fields.Date.context_today(self) + timedelta(days=2),
            )
