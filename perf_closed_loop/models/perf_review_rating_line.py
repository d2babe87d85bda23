# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import math
from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.misc import format_date

from ..domain import evaluation
from . import perf_bulk_insert
from .perf_review_line import LINE_KINDS

RATER_FIELDS = {"score", "comment", "grade_id"}
# The review lines' columns a score line is made from (_indicator_rows).
INDICATOR_COLUMNS = (
    "id",
    "kind",
    "sequence",
    "weight",
    "target_value",
    "actual_value",
    "direction",
    "auto_score",
    "score_cap",
    "progress",
)
# Their numbers (and the objective's weight), NULL read as 0.
NUMBER_COLUMNS = (
    "weight",
    "target_value",
    "actual_value",
    "score_cap",
    "progress",
    "objective_weight",
)


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
        of ``ratings``, in one batch; the ratings' totals are stored from
        the same values."""
        indicators = self._indicators(ratings.review_id)
        lines = self._insert_for(ratings, indicators)
        perf_bulk_insert.update_rows(
            ratings.sudo(),
            {rating.id: indicators[rating.review_id.id][1] for rating in ratings},
        )
        return lines

    @api.model
    def _indicators(self, reviews):
        """{review id: (the values of a score line of each indicator a rater
        scores, the rating totals they give)}: the same for every rater of
        the review, checked once."""
        score_field = self._fields["score"]
        Rating = self.env["perf.review.rating"]
        rows = self._indicator_rows(reviews)
        result = {}
        for review in reviews:
            entries = self._indicator_values(review, rows.get(review.id, ()))
            for values, _weight, _objective in entries:
                self._perf_check_numbers(values)
            template = review.template_id
            totals = evaluation.rating_totals(
                [
                    (
                        values["section"],
                        score_field.convert_to_cache(values["score"], self)
                        if values["scored"]
                        else None,
                        weight,
                        objective,
                    )
                    for values, weight, objective in entries
                ],
                template._section_weights() if template else {},
            )
            result[review.id] = (
                [values for values, _weight, _objective in entries],
                Rating._totals_values(totals),
            )
        return result

    @api.model
    def _insert_for(self, ratings, indicators):
        """Insert the score lines of ``ratings`` from ``indicators``
        (``_indicators`` of their reviews). Their totals are the caller's
        (given with the ratings or written after), not recomputed from the
        lines through the ORM.

        Set-based (issue 21): nobody reads these rows while they are made,
        the line model has no mail thread, constraint or translated column,
        its company is the rating's (what its stored related field holds),
        and its numbers were checked as its create checks them
        (``_indicators``). The only stored fields of other records that
        depend on score lines are their ratings' totals
        (``test_evaluation_performance`` checks it), stored by the caller:
        the lines are not marked modified (``dependants_given``)."""
        rows = []
        for rating in ratings:
            own = {"rating_id": rating.id, "company_id": rating.company_id.id}
            rows += [{**values, **own} for values in indicators[rating.review_id.id][0]]
        return perf_bulk_insert.insert_rows(self.sudo(), rows, dependants_given=True)

    @api.model
    def _indicator_rows(self, reviews):
        """{review id: its indicators (review lines), each a dict of the
        columns a score line is made from, as the ORM reads them}, in the
        lines' order, in one query for every review: the ORM would read
        thousands of lines field by field."""
        Line = self.env["perf.review.line"]
        Line.flush_model(INDICATOR_COLUMNS + ("review_id", "objective_id"))
        self.env["perf.objective"].flush_model(["weight"])
        self.env.cr.execute(
            SQL(
                "SELECT l.review_id, l.objective_id, o.weight AS objective_weight, %s "
                "FROM perf_review_line l "
                "LEFT JOIN perf_objective o ON o.id = l.objective_id "
                "WHERE l.review_id = ANY(%s) "
                "ORDER BY l.review_id, l.kind, l.sequence, l.id",
                SQL(", ").join(
                    SQL("l.%s", SQL.identifier(c)) for c in INDICATOR_COLUMNS
                ),
                reviews.ids,
            )
        )
        result = defaultdict(list)
        for row in self.env.cr.dictfetchall():
            # NULL as the ORM reads it: 0 for numbers, False otherwise.
            for name in NUMBER_COLUMNS:
                row[name] = row[name] or 0.0
            row["sequence"] = row["sequence"] or 0
            row["direction"] = row["direction"] or False
            row["auto_score"] = bool(row["auto_score"])
            result[row["review_id"]].append(row)
        return result

    @api.model
    def _indicator_values(self, review, lines):
        """For each indicator of ``review`` (``lines``: its
        ``_indicator_rows``) a rater scores: (the score line's values, the
        indicator's weight, its objective key for the totals), the score
        being the suggested one."""
        mode = review.template_id.key_result_mode or "linear"
        result = []
        for line in lines:
            kind = line["kind"]
            if line["weight"] <= 0 and kind != "question":
                continue
            try:
                suggested = evaluation.suggested_score(
                    kind,
                    actual=line["actual_value"],
                    target=line["target_value"],
                    direction=line["direction"],
                    auto_score=line["auto_score"],
                    cap=line["score_cap"],
                    progress=line["progress"],
                    key_result_mode=mode,
                )
            except ValueError:
                # Numbers no score can come from (stored outside the form):
                # the rater scores the line by hand.
                suggested = None
            low, high = evaluation.score_bounds(
                kind, line["auto_score"], line["score_cap"]
            )
            result.append(
                (
                    {
                        "line_id": line["id"],
                        "section": kind,
                        "sequence": line["sequence"],
                        "suggested_score": suggested or 0.0,
                        "has_suggestion": suggested is not None,
                        "score": suggested or 0.0,
                        "scored": suggested is not None,
                        "score_min": low,
                        "score_max": high,
                    },
                    line["weight"],
                    (line["objective_id"] or False, line["objective_weight"]),
                )
            )
        return result

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
