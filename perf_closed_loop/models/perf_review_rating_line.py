# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import math

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_date

from ..domain import evaluation
from . import perf_bulk_insert
from .perf_review_line import LINE_KINDS

RATER_FIELDS = {"score", "comment", "grade_id"}


class PerfReviewRatingLine(models.Model):
    """One indicator as one rater scores it: the indicator's target, actual
    value, progress and latest check-ins beside it (read for the rater even
    when they may not read the review itself), the suggested score, the
    score and a comment.

    Access: read with its rating; only the rater writes the score and the
    comment, and only while the rating is open.
    """

    _name = "perf.review.rating.line"
    _description = "Rating Score"
    _inherit = ["perf.number.mixin"]
    _order = "rating_id, section, sequence, id"

    rating_id = fields.Many2one(
        "perf.review.rating", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="rating_id.company_id", store=True)
    line_id = fields.Many2one(
        "perf.review.line", required=True, ondelete="cascade", string="Indicator"
    )
    # Copied from the indicator when the rating opens (an indicator keeps
    # its kind): set in the create values, the sections' lists need no read.
    section = fields.Selection(
        LINE_KINDS,
        required=True,
        readonly=True,
    )
    sequence = fields.Integer(readonly=True)
    name = fields.Char(related="line_id.name", string="Indicator name")
    description = fields.Text(related="line_id.description")
    objective_name = fields.Char(
        related="line_id.objective_id.name", string="Objective"
    )
    weight = fields.Float(related="line_id.weight", string="Weight (%)")
    target_value = fields.Float(related="line_id.target_value", string="Target")
    actual_value = fields.Float(related="line_id.actual_value", string="Actual")
    unit = fields.Char(related="line_id.unit")
    progress = fields.Float(related="line_id.progress", string="Progress (%)")
    status = fields.Selection(related="line_id.status", string="Latest status")
    checkin_summary = fields.Html(
        string="Latest check-ins", compute="_compute_checkin_summary", sanitize=False
    )
    suggested_score = fields.Float(readonly=True, digits=(16, 2))
    has_suggestion = fields.Boolean(readonly=True)
    score = fields.Float(digits=(16, 2))
    scored = fields.Boolean(readonly=True, help="A score was given.")
    score_min = fields.Float(readonly=True)
    score_max = fields.Float(readonly=True, default=100.0)
    grade_id = fields.Many2one(
        "perf.rating.grade",
        string="Grade",
        domain="[('scale_id', '=', scale_id)]",
        help="Pick a grade of the scale to score a question at its band.",
    )
    scale_id = fields.Many2one(
        related="rating_id.review_id.template_id.rating_scale_id"
    )
    comment = fields.Text()
    comment_required = fields.Boolean(compute="_compute_comment_required")

    # ----------------------------------------------------------- compute
    @api.depends("line_id", "section", "objective_name")
    def _compute_display_name(self):
        for line in self:
            name = line.sudo().line_id.name or ""
            objective = line.sudo().objective_name
            line.display_name = f"{objective} › {name}" if objective else name

    @api.depends("line_id")
    def _compute_checkin_summary(self):
        """The three latest check-ins of the indicator (date, status, value,
        blocker), for a rater who may not read the review."""
        Checkin = self.env["perf.checkin"].sudo()
        checkins = Checkin.search(
            [("line_id", "in", self.sudo().line_id.ids)], order="date desc, id desc"
        )
        by_line = {}
        for checkin in checkins:
            by_line.setdefault(checkin.line_id.id, [])
            if len(by_line[checkin.line_id.id]) < 3:
                by_line[checkin.line_id.id].append(checkin)
        statuses = dict(Checkin._fields["status"]._description_selection(self.env))
        for line in self:
            items = by_line.get(line.sudo().line_id.id, [])
            line.checkin_summary = (
                Markup("<br/>").join(
                    Markup("%s · %s · %s%s")
                    % (
                        format_date(self.env, checkin.date),
                        statuses[checkin.status],
                        f"{checkin.value:g}"
                        if line.section == "kpi"
                        else f"{checkin.progress:g}%",
                        escape(f" — {checkin.blocker}") if checkin.blocker else "",
                    )
                    for checkin in items
                )
                if items
                else False
            )

    @api.depends("score", "suggested_score", "has_suggestion", "line_id")
    def _compute_comment_required(self):
        for line in self:
            question = line.sudo().line_id.template_question_id
            threshold = line.sudo().rating_id.step_id.comment_threshold
            line.comment_required = evaluation.comment_needed(
                line.score if line.scored else None,
                line.suggested_score if line.has_suggestion else None,
                threshold,
                always=bool(question.comment_required),
            )

    @api.onchange("grade_id")
    def _onchange_grade_id(self):
        if self.grade_id:
            self.score = self.grade_id._band_score()

    # -------------------------------------------------------------- CRUD
    @api.model
    def _create_for_ratings(self, ratings):
        """Every indicator of the review with its suggested score, for each
        of ``ratings``, in one batch."""
        vals_list = []
        for rating in ratings:
            review = rating.review_id
            mode = review.template_id.key_result_mode or "linear"
            for line in review.line_ids:
                if line.weight <= 0 and line.kind != "question":
                    continue
                try:
                    suggested = evaluation.suggested_score(
                        line.kind,
                        actual=line.actual_value,
                        target=line.target_value,
                        direction=line.direction,
                        auto_score=line.auto_score,
                        cap=line.score_cap,
                        progress=line.progress,
                        key_result_mode=mode,
                    )
                except ValueError:
                    # Numbers no score can come from (stored outside the
                    # form): the rater scores the line by hand.
                    suggested = None
                low, high = evaluation.score_bounds(
                    line.kind, line.auto_score, line.score_cap
                )
                vals_list.append(
                    {
                        "rating_id": rating.id,
                        "company_id": rating.company_id.id,
                        "line_id": line.id,
                        "section": line.kind,
                        "sequence": line.sequence,
                        "suggested_score": suggested or 0.0,
                        "has_suggestion": suggested is not None,
                        "score": suggested or 0.0,
                        "scored": suggested is not None,
                        "score_min": low,
                        "score_max": high,
                    }
                )
        # Set-based (issue 21): nobody reads these rows while they are made,
        # the line model has no mail thread, constraint or translated column,
        # its company is the rating's (what its stored related field holds),
        # and its numbers are checked as its create checks them.
        lines = self.sudo()
        for vals in vals_list:
            lines._perf_check_numbers(vals)
        return perf_bulk_insert.insert_rows(lines, vals_list)

    def write(self, vals):
        self.rating_id.cycle_id._check_open()
        if not self.env.su:
            if set(vals) - RATER_FIELDS:
                raise AccessError(
                    self.env._("Only the score and the comment of a line change.")
                )
            self.rating_id._check_can_edit()
        vals = dict(vals)
        if vals.get("grade_id") and "score" not in vals:
            vals["score"] = (
                self.env["perf.rating.grade"].browse(vals["grade_id"])._band_score()
            )
        if "score" in vals:
            score = vals["score"]
            vals["scored"] = score is not False and score is not None
            if vals["scored"]:
                try:
                    score = float(score)
                except (TypeError, ValueError):
                    score = math.nan
                if not math.isfinite(score):
                    raise UserError(
                        self.env._(
                            "A score is a number (“%(line)s”).",
                            line=self[:1].display_name,
                        )
                    )
                for line in self:
                    if not line.score_min <= score <= line.score_max:
                        low, high = line.score_min, line.score_max
                        raise UserError(
                            self.env._(
                                "A score of “%(line)s” goes from %(low)s to "
                                "%(high)s, not %(score)s.",
                                line=line.display_name,
                                low=format(low, "g"),
                                high=format(high, "g"),
                                score=format(score, "g"),
                            )
                        )
            vals["score"] = score or 0.0
        return super().write(vals)
