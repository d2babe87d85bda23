# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .perf_state_mixin import checked_reason


class PerfReviewNomination(models.Model):
    """A peer nominated to rate a review (同事评价): nominated by the
    employee (then approved by the manager) or by the manager, as the flow
    says; once approved, the peer gets a rating. A manager may refuse a
    nominee and a peer may decline, each with a reason: whoever nominated
    then names somebody else.

    Access: the nominator, the nominee, the people above the employee and
    HR read nominations; they change only through the review's and the
    rating's actions.
    """

    _name = "perf.review.nomination"
    _description = "Peer Nomination"
    _order = "review_id, id"

    review_id = fields.Many2one(
        "perf.review", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="review_id.company_id", store=True)
    employee_id = fields.Many2one(
        related="review_id.employee_id", store=True, string="Employee"
    )
    user_id = fields.Many2one(
        "res.users", string="Peer", required=True, index=True, readonly=True
    )
    nominated_by_id = fields.Many2one("res.users", required=True, readonly=True)
    state = fields.Selection(
        [
            ("proposed", "Awaiting approval"),
            ("approved", "Approved"),
            ("refused", "Refused"),
            ("declined", "Declined"),
            ("cancelled", "Cancelled"),
        ],
        default="proposed",
        required=True,
        readonly=True,
        index=True,
    )
    reason = fields.Text(readonly=True)
    rating_id = fields.Many2one("perf.review.rating", readonly=True)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(
                self.env._("Peer nominations change through the review's buttons.")
            )
        return super().write(vals)

    def action_refuse(self, reason=None):
        """The manager refuses a proposed peer; the employee names another."""
        if not reason:
            return self.env["perf.review.reason"]._ask(self, "refuse_peer")
        reason = checked_reason(self.env, reason)
        self.check_access("read")
        self.sudo().review_id._lock_for_update()
        self.env.cr.execute(
            SQL(
                "UPDATE perf_review_nomination SET id = id WHERE id IN %s",
                tuple(self.ids),
            ),
            log_exceptions=False,
        )
        for nomination in self:
            if nomination.state != "proposed":
                raise UserError(
                    self.env._(
                        "Only a nomination awaiting approval can be refused "
                        "(%(peer)s).",
                        peer=nomination.user_id.name,
                    )
                )
            nomination.review_id._check_can_approve_peers()
        for nomination in self.sudo():
            nomination.write({"state": "refused", "reason": reason})
            nomination.review_id._peers_changed(nomination, reason)
        return True

    def _declined(self, reason):
        """The peer declined: whoever nominated them names somebody else."""
        for nomination in self.sudo():
            nomination.write({"state": "declined", "reason": reason})
            nomination.review_id._peers_changed(nomination, reason)
