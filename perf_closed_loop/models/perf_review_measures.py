# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).

from collections import defaultdict

from odoo import SUPERUSER_ID, api, fields, models

from ..domain import measures

# Context key: the check-ins being created are the system's measurements.
MEASURED_CHECKIN = "perf_measured_checkin"


class PerfReview(models.Model):
    """Measured actuals (execution): the KPI lines bound to a measure.

    A template KPI bound to a ``perf.measure`` gives its reviews a line bound
    to it (``perf.review.line.measure_id``): nobody types its actual, the
    measure reads it from Odoo's records. During execution the cycle's job
    (``perf_cycle_measures.py``) and the review's "Refresh" button re-measure
    the bound lines; a change is a check-in written by the system (OdooBot),
    so the history says when and why the actual moved, and auto-scoring
    follows it. People may still comment on a bound line in a check-in.

    Who acts: the employee, the manager or HR refresh a review they may
    check in on; the job acts as the superuser. Fields: ``measured_line_count``,
    ``can_refresh_actuals``.
    """

    # One model, a file per phase (docs/architecture.md): not to be merged.
    _inherit = "perf.review"  # pylint: disable=consider-merging-classes-inherited

    measured_line_count = fields.Integer(
        string="Measured indicators", compute="_compute_measured"
    )
    can_refresh_actuals = fields.Boolean(compute="_compute_measured")

    @api.depends("line_ids.measure_id", "state")
    @api.depends_context("uid")
    def _compute_measured(self):
        for review in self:
            review.measured_line_count = len(review.line_ids.filtered("measure_id"))
            review.can_refresh_actuals = bool(
                review.measured_line_count
            ) and review._passes(review._check_can_refresh_actuals)

    # ------------------------------------------------------------ guards
    def _check_can_refresh_actuals(self):
        """Who may check in may refresh (during execution only)."""
        self._check_can_checkin()

    # ----------------------------------------------------------- actions
    def action_refresh_actuals(self):
        self._check_can_refresh_actuals()
        return self._refresh_notification(self._do_refresh_actuals())

    @api.model
    def _refresh_notification(self, changed):
        """What the "Refresh actuals" buttons answer."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if changed else "info",
                "message": self.env._(
                    "%(count)s measured actual(s) changed.", count=changed
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _do_refresh_actuals(self):
        return self.sudo()._refresh_actuals()

    # --------------------------------------------------------- business
    def _measure_tz(self):
        """The time zone the review period's days are in: the cycle's HR
        officer's, else the company's."""
        self.ensure_one()
        cycle = self.cycle_id
        return cycle.hr_user_id.tz or cycle.company_id.partner_id.tz or "UTC"

    def _refresh_actuals(self):
        """Re-measure the bound KPI lines of these reviews in execution:
        one grouped query per measure and period (a cycle), whatever the
        number of people. Returns how many actuals changed."""
        lines = self.env["perf.review.line"].search(
            [
                ("review_id", "in", self.ids),
                ("review_id.state", "=", "execution"),
                ("measure_id", "!=", False),
                ("kind", "=", "kpi"),
            ]
        )
        batch_ids = defaultdict(list)
        for line in lines:
            batch_ids[(line.measure_id, line.review_id.cycle_id)].append(line.id)
        vals_list = []
        for (measure, cycle), ids in batch_ids.items():
            batch = lines.browse(ids)
            reviews = batch.review_id
            persons = {
                review: measure._person_of(review.employee_id) for review in reviews
            }
            values = measure._values(
                {person.id for person in persons.values() if person},
                cycle.date_start,
                cycle.date_end,
                cycle.company_id,
                reviews[:1]._measure_tz(),
            )
            monetary = measure._is_monetary()
            unit = measure._unit(cycle.company_id)
            for line in batch:
                person = persons[line.review_id]
                value, count = values.get(person.id, (0.0, 0))
                value = measures.rounded(value)
                if not measures.changed(line.actual_value, value):
                    continue
                vals_list.append(
                    line._measured_checkin_vals(measure, value, count, monetary, unit)
                )
        if vals_list:
            self.env["perf.checkin"].with_user(SUPERUSER_ID).with_context(
                **{MEASURED_CHECKIN: True}
            ).sudo().create(vals_list)
        return len(vals_list)
