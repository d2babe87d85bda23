# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

REVIEW_ACTIONS = ("reject_goals", "request_goal_change")
RATING_ACTIONS = ("reject_rating", "decline_rating", "cancel_rating")
RECORDS_FIELD = {
    "perf.review": "review_ids",
    "perf.review.rating": "rating_ids",
    "perf.review.nomination": "nomination_ids",
    "perf.calibration": "calibration_ids",
    "perf.interview": "interview_ids",
    "perf.review.line": "line_ids",
}


class PerfReviewReason(models.TransientModel):
    """Asks for the reason of a refusal: a goal rejection or change request,
    a rating sent back, declined or cancelled, a peer refused, an interview
    record disputed, a carried-over action dropped. The action it
    confirms checks who may do it."""

    _name = "perf.review.reason"
    _description = "Reason"

    review_ids = fields.Many2many("perf.review")
    rating_ids = fields.Many2many("perf.review.rating")
    nomination_ids = fields.Many2many("perf.review.nomination")
    calibration_ids = fields.Many2many("perf.calibration")
    interview_ids = fields.Many2many("perf.interview")
    line_ids = fields.Many2many("perf.review.line")
    action = fields.Selection(
        [
            ("reject_goals", "Reject the goals"),
            ("request_goal_change", "Ask for a goal change"),
            ("reject_rating", "Send the rating back"),
            ("decline_rating", "Decline to rate"),
            ("cancel_rating", "Cancel the rating"),
            ("refuse_peer", "Refuse the peer"),
            ("reject_calibration", "Send the calibration back"),
            ("dispute_interview", "Disagree with the interview record"),
            ("drop_carried", "Drop the carried-over action"),
        ],
        required=True,
    )
    reason = fields.Text(required=True)

    @api.model
    def _ask(self, records, action):
        """The window asking for the reason of ``action`` on ``records``."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Give a reason"),
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                f"default_{RECORDS_FIELD[records._name]}": records.ids,
                "default_action": action,
            },
        }

    def action_confirm(self):
        self.ensure_one()
        if self.action in REVIEW_ACTIONS:
            records, verb = self.review_ids, self.action
        elif self.action in RATING_ACTIONS:
            records, verb = self.rating_ids, self.action.removesuffix("_rating")
        elif self.action == "reject_calibration":
            records, verb = self.calibration_ids, "reject"
        elif self.action == "dispute_interview":
            records, verb = self.interview_ids, "dispute"
        elif self.action == "drop_carried":
            records, verb = self.line_ids, "drop_carried"
        else:
            records, verb = self.nomination_ids, "refuse"
        getattr(records, f"action_{verb}")(reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
