# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from markupsafe import Markup

from odoo import api, fields, models


class PerfReviewRatingEvent(models.Model):
    """What happened to a rating, kept for good: each submission with the
    scores given, each send-back, decline, cancellation or reassignment with
    who, when and why. Nothing submitted is lost when a rating is sent back.

    Access: read by whoever reads the rating; written only by the rating's
    actions.
    """

    _name = "perf.review.rating.event"
    _description = "Rating History"
    _order = "date desc, id desc"

    rating_id = fields.Many2one(
        "perf.review.rating", required=True, ondelete="cascade", index=True
    )
    review_id = fields.Many2one(
        related="rating_id.review_id", store=True, index=True, string="Review"
    )
    company_id = fields.Many2one(related="rating_id.company_id", store=True)
    role = fields.Selection(related="rating_id.role", store=True)
    kind = fields.Selection(
        [
            ("submitted", "Submitted"),
            ("sent_back", "Sent back"),
            ("declined", "Declined"),
            ("cancelled", "Cancelled"),
            ("reassigned", "Given to somebody else"),
        ],
        required=True,
    )
    user_id = fields.Many2one("res.users", string="By", required=True)
    previous_rater_id = fields.Many2one("res.users", string="Previous rater")
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    reason = fields.Text()
    total_score = fields.Float(digits=(16, 2))
    comment = fields.Text()
    scores = fields.Json(string="Scores given")
    scores_html = fields.Html(
        string="Scores", compute="_compute_scores_html", sanitize=False
    )

    @api.depends("scores")
    def _compute_scores_html(self):
        for event in self:
            rows = Markup("").join(
                Markup("<tr><td>%s</td><td class='text-end'>%s</td><td>%s</td></tr>")
                % (
                    item.get("line", ""),
                    "" if item.get("score") is None else f"{item['score']:g}",
                    item.get("comment", ""),
                )
                for item in (event.scores or [])
            )
            event.scores_html = (
                Markup("<table class='table table-sm mb-0'><tbody>%s</tbody></table>")
                % rows
                if rows
                else False
            )
