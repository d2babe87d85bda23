# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import Counter

from odoo import api, fields, models

from .perf_todo_mixin import BULK_CONTEXT


class PerfCycle(models.Model):
    """Results interviews (绩效面谈) of a published cycle, and what carries
    over into the next one.

    Once the cycle is published each review has an interview
    (``perf.interview``) whose interviewer has a to-do due on
    ``interview_deadline`` (reminded when overdue like every to-do); the
    dashboard counts the interviews planned, held, confirmed and disputed.
    ``action_close`` with interviews still outstanding (planned or held, not
    answered) first shows them (``perf.cycle.close``); HR may close anyway.

    At launch (``_create_reviews``, in each batch of the ``launch`` job)
    each person's open agreed actions from the interviews of earlier cycles
    of the company become indicators of origin "carried" in their new goals
    (``_launch_line_values``: two queries a batch, whatever its size,
    inserted with the template's lines); nothing
    carries over for a person who left (archived), who changed company, or
    whose earlier review was cancelled (it has no interview). The launch
    preview counts them per department (``_carry_over_counts``).

    Who: HR sets the deadline and closes; the counters are over what the
    user may read.

    Fields: ``interview_deadline``, ``interview_ids``, the counters
    ``interview_planned_count``, ``interview_held_count``,
    ``interview_confirmed_count``, ``interview_disputed_count``.
    """

    # One model, a file per phase (docs/architecture.md): not to be merged.
    _inherit = "perf.cycle"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------ fields
    interview_deadline = fields.Date(
        string="Interviews due",
        tracking=True,
        help="By when the managers hold the results interviews once the "
        "results are published.",
    )
    interview_ids = fields.One2many(
        "perf.interview", "cycle_id", string="Interviews", readonly=True
    )
    interview_planned_count = fields.Integer(
        string="Interviews planned", compute="_compute_interview_counters"
    )
    interview_held_count = fields.Integer(
        string="Interviews held", compute="_compute_interview_counters"
    )
    interview_confirmed_count = fields.Integer(
        string="Interviews confirmed", compute="_compute_interview_counters"
    )
    interview_disputed_count = fields.Integer(
        string="Interviews disputed", compute="_compute_interview_counters"
    )

    # ----------------------------------------------------------- compute
    @api.depends("interview_ids.state")
    def _compute_interview_counters(self):
        counts = {
            (cycle.id, state): count
            for cycle, state, count in self.env["perf.interview"]._read_group(
                [("cycle_id", "in", self.ids)], ["cycle_id", "state"], ["__count"]
            )
        }
        for cycle in self:
            cycle.interview_planned_count = counts.get((cycle.id, "draft"), 0)
            cycle.interview_held_count = counts.get((cycle.id, "held"), 0)
            cycle.interview_confirmed_count = counts.get((cycle.id, "confirmed"), 0)
            cycle.interview_disputed_count = counts.get((cycle.id, "disputed"), 0)

    # ----------------------------------------------------------- actions
    def action_view_interviews(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "perf_closed_loop.perf_interview_action_hr"
        )
        action["domain"] = [("cycle_id", "=", self.id)]
        return action

    def _close_preview(self):
        """The interviews still outstanding, shown before closing."""
        outstanding = (
            self.env["perf.interview"]
            .sudo()
            .search([("cycle_id", "in", self.ids), ("state", "in", ("draft", "held"))])
        )
        if not outstanding or len(self) != 1:
            return super()._close_preview()
        wizard = self.env["perf.cycle.close"].create(
            {
                "cycle_id": self.id,
                "interview_ids": [fields.Command.set(outstanding.ids)],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Close the cycle"),
            "res_model": "perf.cycle.close",
            "res_id": wizard.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def _do_close(self):
        interviews = (
            self.env["perf.interview"].sudo().search([("cycle_id", "in", self.ids)])
        )
        interviews._todo_activities().unlink()
        interviews.with_context(**BULK_CONTEXT).write({"todo_pending": False})
        return super()._do_close()

    # ------------------------------------------------------------ launch
    def _carried_actions(self, employees):
        """The open agreed actions ``employees`` carry into this cycle: from
        interviews of earlier cycles of the same company, not carried into
        another review yet; none for who left or changed company."""
        self.ensure_one()
        people = employees.sudo().filtered(
            lambda e: e.active and e.company_id == self.company_id
        )
        if not people:
            return self.env["perf.agreed.action"]
        return (
            self.env["perf.agreed.action"]
            .sudo()
            .search(
                [
                    ("employee_id", "in", people.ids),
                    ("state", "=", "open"),
                    ("company_id", "=", self.company_id.id),
                    ("cycle_id", "!=", self.id),
                    ("cycle_id.date_start", "<", self.date_start),
                    ("review_id.state", "=", "published"),
                    (
                        "carried_line_ids",
                        "not any",
                        [("review_id.state", "!=", "cancelled")],
                    ),
                ],
                order="employee_id, date_due, id",
            )
        )

    def _carry_over_counts(self, employees):
        """{employee id: number of actions that will carry over}."""
        return Counter(
            action.employee_id.id for action in self._carried_actions(employees)
        )

    def _launch_line_values(self, reviews, template_lines):
        """Beside the template's lines, each review's person's open agreed
        actions become indicators of origin "carried" in its goals: an
        action about a template indicator follows that indicator's line,
        any other is a line of its own. Two queries a batch."""
        vals_list = super()._launch_line_values(reviews, template_lines)
        actions = self._carried_actions(reviews.employee_id)
        if not actions:
            return vals_list
        by_employee = {review.employee_id.id: review.id for review in reviews}
        kpi_lines = {
            (vals["review_id"], vals["template_kpi_id"]): vals
            for vals in vals_list
            if vals.get("template_kpi_id") and not vals.get("carried_action_id")
        }
        own = []
        for action in actions:
            review_id = by_employee[action.employee_id.id]
            vals = (
                kpi_lines.pop((review_id, action.kpi_id.id), None)
                if action.kpi_id
                else None
            )
            if vals:
                vals["carried_action_id"] = action.id
                continue
            own.append(
                {
                    "review_id": review_id,
                    "kind": "kpi",
                    "sequence": 100,
                    "name": action.name,
                    "description": self.env._(
                        "Carried over from %(cycle)s (due %(date)s). %(note)s",
                        cycle=action.cycle_id.name,
                        date=action.date_due or "-",
                        note=action.note or "",
                    ),
                    "weight": 0.0,
                    "origin": "carried",
                    "carried_action_id": action.id,
                }
            )
        return vals_list + own
