# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models


class PerfReviewNominate(models.TransientModel):
    """Picks the peers who will rate a review (同事评价)."""

    _name = "perf.review.nominate"
    _description = "Nominate Peers"

    review_id = fields.Many2one("perf.review", required=True, ondelete="cascade")
    employee_id = fields.Many2one(related="review_id.employee_id")
    peer_min = fields.Integer(related="review_id.peer_min")
    peer_max = fields.Integer(related="review_id.peer_max")
    nominated_user_ids = fields.Many2many(
        "res.users",
        string="Already nominated",
        compute="_compute_nominated_user_ids",
    )
    user_ids = fields.Many2many(
        "res.users",
        string="Peers",
        domain="[('share', '=', False), ('id', 'not in', nominated_user_ids)]",
    )

    @api.depends("review_id")
    def _compute_nominated_user_ids(self):
        # The nominations the user may read (record rules), as elsewhere:
        # anybody may open the wizard on any review, and learn no more from
        # it than from the review's nominations.
        nominations = self.env["perf.review.nomination"].search(
            [
                ("review_id", "in", self.review_id.ids),
                ("state", "in", ("proposed", "approved")),
            ]
        )
        for wizard in self:
            wizard.nominated_user_ids = nominations.filtered(
                lambda n, wizard=wizard: n.review_id == wizard.review_id
            ).user_id

    def action_confirm(self):
        self.ensure_one()
        self.review_id.action_nominate_peers(self.user_ids)
        return {"type": "ir.actions.act_window_close"}
