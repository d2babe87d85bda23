# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import reprlib
from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError


class PerfCheckin(models.Model):
    """A progress update (执行反馈) on a KPI line or key result during
    execution: new actual value or progress, status, blocker, note.

    Access: the employee, their manager and HR record check-ins on reviews
    in execution; whoever reads the review reads them. Check-ins are a
    record of what was said: they are not edited or deleted afterwards
    (HR excepted).
    """

    _name = "perf.checkin"
    _description = "Check-in"
    _inherit = ["perf.number.mixin"]
    _order = "date desc, id desc"

    review_id = fields.Many2one(
        "perf.review", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="review_id.company_id", store=True)
    employee_id = fields.Many2one(related="review_id.employee_id", store=True)
    line_id = fields.Many2one(
        "perf.review.line",
        string="Indicator",
        domain="[('review_id', '=', review_id), ('kind', 'in', ('kpi', 'key_result'))]",
        index=True,
    )
    line_kind = fields.Selection(related="line_id.kind")
    line_measure_id = fields.Many2one(
        related="line_id.measure_id", string="Measured by"
    )
    target_value = fields.Float(related="line_id.target_value")
    unit = fields.Char(related="line_id.unit")
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, readonly=True
    )
    value = fields.Float(string="Actual value")
    progress = fields.Float(string="Progress (%)")
    status = fields.Selection(
        [
            ("on_track", "On track"),
            ("at_risk", "At risk"),
            ("off_track", "Off track"),
        ],
        required=True,
        default="on_track",
    )
    blocker = fields.Text(help="What stands in the way, and what help is needed.")
    note = fields.Text()

    _sql_constraints = [
        (
            "progress_range",
            "CHECK(progress >= 0 AND progress <= 100)",
            "Progress goes from 0 to 100%.",
        ),
    ]

    def _perf_number_problem(self, name, value):
        problem = super()._perf_number_problem(name, value)
        if name == "progress" and (problem or not 0 <= float(value or 0) <= 100):
            return self.env._(
                "Progress goes from 0 to 100%%, not %(value)s.",
                value=reprlib.repr(value),
            )
        return problem

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["user_id"] = self.env.uid
        if self.env.su and self.env.context.get("perf_measured_checkin"):
            checkins = super().create(vals_list)
            checkins._apply_measured()
            return checkins
        lines = self.env["perf.review.line"].browse(
            [vals["line_id"] for vals in vals_list if vals.get("line_id")]
        )
        for vals in vals_list:
            line = lines.browse(vals.get("line_id"))
            if line and line.kind == "kpi" and line.measure_id:
                # A measured actual is the system's: a person comments on it.
                vals["value"] = line.actual_value
        checkins = super().create(vals_list)
        for checkin in checkins:
            checkin.review_id._check_can_checkin()
            if checkin.line_id and checkin.line_id.review_id != checkin.review_id:
                raise UserError(
                    self.env._("A check-in is about an indicator of its review.")
                )
            checkin.review_id._apply_checkin(checkin)
        return checkins

    def _apply_measured(self):
        """The system's measurements: each moves its line's actual and
        progress (no chatter post, no to-do: nobody spoke). Lines moving to
        the same values are written together: counts repeat a lot."""
        lines_by_values = defaultdict(list)
        for checkin in self:
            line = checkin.line_id
            progress = line._compute_progress_from_actual(checkin.value)
            lines_by_values[(checkin.value, progress, checkin.date)].append(line.id)
        Line = self.env["perf.review.line"]
        for (value, progress, day), line_ids in lines_by_values.items():
            Line.browse(line_ids).write(
                {"actual_value": value, "progress": progress, "last_checkin_date": day}
            )

    def _summary_html(self):
        self.ensure_one()
        status = dict(self._fields["status"]._description_selection(self.env))[
            self.status
        ]
        if self.line_id.kind == "kpi":
            value = self.env._(
                "actual %(value)s / target %(target)s %(unit)s",
                value=self.value,
                target=self.line_id.target_value,
                unit=self.line_id.unit or "",
            )
        elif self.line_id:
            value = self.env._("progress %(progress)s%%", progress=self.progress)
        else:
            value = ""
        parts = [
            Markup("<b>%s</b> %s — %s")
            % (
                escape(self.env._("Check-in")),
                escape(self.line_id.name or ""),
                escape(status),
            ),
            escape(value),
        ]
        if self.blocker:
            parts.append(escape(self.env._("Blocker: %(text)s", text=self.blocker)))
        if self.note:
            parts.append(escape(self.note))
        return Markup("<br/>").join(parts)
