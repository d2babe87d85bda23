# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression

from .perf_todo_mixin import BULK_CONTEXT

# Grades shown in a person's trend (the latest ones).
TREND_LENGTH = 5


class PerfReview(models.Model):
    """The results interview (绩效面谈) and what carries over to the next
    cycle, on the review's side (published, and the next goal setting).

    Publication (``_do_publish``) creates each review's interview
    (``perf.interview``) with a to-do for its interviewer (the manager,
    else the cycle's HR officer); the review is then published, and the
    carried actions its goals held are done. ``action_open_interview``
    opens it: the manager or HR create it when it is missing, the employee
    and the people above them read it.

    At the next launch, the person's open agreed actions become lines of
    origin "carried" (``perf.review.line.carried_action_id``, created by
    ``perf.cycle._launch_line_values``); beside the goal form, the panel
    ``previous_results_html`` shows last cycle's indicators with targets
    and actuals, the final grade and what to improve, and
    ``grade_trend_html`` the person's latest grades: both computed from
    what the user may see of the earlier reviews (``perf.result.mixin``:
    the employee their own published results, the people above them and
    HR; never a peer or a rater).

    Fields: ``interview_ids`` and ``interview_id`` (the one interview),
    ``interview_state``, ``can_open_interview``, ``cycle_date_start``,
    ``previous_review_id``,
    ``previous_results_html``, ``grade_trend_html``.
    """

    # One model, a file per phase (docs/architecture.md): not to be merged.
    _inherit = "perf.review"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------ fields
    interview_ids = fields.One2many(
        "perf.interview", "review_id", string="Interviews", readonly=True
    )
    interview_id = fields.Many2one(
        "perf.interview",
        string="Results interview",
        compute="_compute_interview_id",
        store=True,
        index="btree_not_null",
    )
    interview_state = fields.Selection(related="interview_id.state", string="Interview")
    can_open_interview = fields.Boolean(compute="_compute_can_open_interview")
    # The history's trend runs along the cycles' start dates.
    cycle_date_start = fields.Date(
        related="cycle_id.date_start", store=True, string="Cycle start"
    )
    previous_review_id = fields.Many2one(
        "perf.review", compute="_compute_previous_results", string="Previous review"
    )
    previous_results_html = fields.Html(
        string="Last cycle", compute="_compute_previous_results", sanitize=False
    )
    grade_trend_html = fields.Html(
        string="Grade trend", compute="_compute_grade_trend", sanitize=False
    )

    # ----------------------------------------------------------- compute
    @api.depends("interview_ids")
    def _compute_interview_id(self):
        for review in self:
            review.interview_id = review.interview_ids[:1]

    @api.depends_context("uid")
    @api.depends("state", "interview_ids")
    def _compute_can_open_interview(self):
        for review in self:
            review.can_open_interview = review._passes(review._check_can_open_interview)

    def _visible_history(self, employees):
        """Published reviews of ``employees`` whose results the user may
        see, the latest cycle first."""
        domain = expression.AND(
            [
                [("employee_id", "in", employees.ids), ("state", "=", "published")],
                self._perf_result_visible_domain(),
            ]
        )
        return self.env["perf.review"].search(domain, order="cycle_id, id desc")

    @api.depends_context("uid")
    @api.depends("employee_id", "cycle_id")
    def _compute_previous_results(self):
        history = self._visible_history(self.employee_id)
        for review in self:
            previous = history.filtered(
                lambda r, rv=review: (
                    r.employee_id == rv.employee_id
                    and r.cycle_id.date_start < rv.cycle_id.date_start
                )
            )[:1]
            review.previous_review_id = previous
            review.previous_results_html = (
                previous._previous_results_panel() if previous else False
            )

    def _previous_results_panel(self):
        """This (published) review as the reference beside the next goal
        form: indicators with targets and actuals, grade, what to improve."""
        self.ensure_one()
        _ = self.env._
        lines = self.line_ids.filtered(lambda line: line.kind != "question")
        rows = Markup("").join(
            Markup(
                "<tr><td>%s</td><td class='text-end'>%s</td>"
                "<td class='text-end'>%s</td><td>%s</td></tr>"
            )
            % (line.display_name, line.target_value, line.actual_value, line.unit or "")
            for line in lines
        )
        interview = self.interview_id._filtered_access("read")
        improve = (
            Markup("<p><b>%s</b> %s</p>")
            % (_("What to improve:"), interview.to_improve)
            if interview.to_improve
            else ""
        )
        return Markup(
            "<div class='o_perf_previous'><p><b>%s</b> %s · <b>%s</b> %s · "
            "<b>%s</b> %s</p><table class='table table-sm'><thead><tr><th>%s</th>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th><th>%s</th>"
            "</tr></thead><tbody>%s</tbody></table>%s</div>"
        ) % (
            _("Cycle:"),
            self.cycle_id.name,
            _("Final grade:"),
            self.final_grade_id.display_name or "-",
            _("Final score:"),
            f"{self.final_score:.2f}" if self.score_ready else "-",
            _("Indicator"),
            _("Target"),
            _("Actual"),
            _("Unit"),
            rows,
            improve,
        )

    @api.depends_context("uid")
    @api.depends("employee_id", "cycle_id", "final_grade_id")
    def _compute_grade_trend(self):
        history = self._visible_history(self.employee_id)
        for review in self:
            grades = history.filtered(
                lambda r, rv=review: (
                    r.employee_id == rv.employee_id
                    and r.cycle_id.date_start <= rv.cycle_id.date_start
                    and r.final_grade_id
                )
            )[:TREND_LENGTH]
            review.grade_trend_html = (
                Markup(" ").join(
                    Markup("<span class='badge text-bg-secondary' title='%s'>%s</span>")
                    % (r.cycle_id.name, r.final_grade_id.code)
                    for r in reversed(grades)
                )
                if grades
                else False
            )

    # ------------------------------------------------------------ guards
    def _check_can_open_interview(self):
        self._check_readable()
        for review in self:
            if review.state != "published":
                raise UserError(
                    self.env._(
                        "The results interview of %(review)s comes once its result "
                        "is published.",
                        review=review.display_name,
                    )
                )
            existing = review.sudo().interview_ids
            if existing and existing.with_env(self.env).has_access("read"):
                continue
            if (
                existing
                or review._is_employee()
                or not (review._is_manager() or review._is_hr())
            ):
                raise AccessError(
                    self.env._(
                        "Only the manager or HR opens the results interview of "
                        "%(review)s.",
                        review=review.display_name,
                    )
                )
            review.cycle_id._check_open()

    # ----------------------------------------------------------- actions
    def action_open_interview(self):
        """Open the review's results interview, created when missing (by
        the manager or HR)."""
        self.ensure_one()
        self._check_can_open_interview()
        interview = self.sudo().interview_ids[:1] or self._create_interviews()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Results interview"),
            "res_model": "perf.interview",
            "res_id": interview.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    @api.model
    def _history_action(self, employees):
        """The published reviews of ``employees`` whose results the user may
        see, as a list, a trend graph and forms."""
        employees.ensure_one()
        reviews = self._visible_history(employees)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "perf_closed_loop.perf_review_action_history"
        )
        action["domain"] = [("id", "in", reviews.ids)]
        action["display_name"] = self.env._(
            "Performance of %(employee)s", employee=employees.name
        )
        return action

    # ------------------------------------------------------- publication
    def _do_publish(self):
        result = super()._do_publish()
        reviews = self.sudo()
        reviews._create_interviews()
        # The carried actions these goals held: followed to the end.
        carried = reviews.line_ids.carried_action_id.filtered(
            lambda a: a.state == "open"
        )
        carried._do_done()
        return result

    def _create_interviews(self):
        """An interview (draft, its to-do pending) for each of these
        reviews that has none, in one batch."""
        reviews = self.sudo().filtered(lambda r: not r.interview_ids)
        if not reviews:
            return self.env["perf.interview"]
        interviews = (
            self.env["perf.interview"]
            .sudo()
            .with_context(**BULK_CONTEXT)
            .create(
                [
                    {
                        "review_id": review.id,
                        "interviewer_id": (
                            review.manager_user_id or review._hr_fallback_user()
                        ).id,
                        "todo_pending": True,
                    }
                    for review in reviews
                ]
            )
        )
        return interviews
