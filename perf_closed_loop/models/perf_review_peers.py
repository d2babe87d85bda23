# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..domain import evaluation

# With anonymous peers, their aggregate shows once this many submitted.
PEER_AGGREGATE_MIN = 3


class PerfReview(models.Model):
    """Peers (同事评价): who rates a review as a peer.

    When the flow has a peer step, the peers are nominated during
    execution or evaluation, before the peer ratings are done: by the
    employee (then approved by the manager, or HR) or by the manager, as
    the step says (``peer_nominated_by``), between its ``peer_min`` and
    ``peer_max``; never the employee, anybody who already rates the review
    or was nominated before (``domain/evaluation.py``). Approved peers get
    their rating at once when the review is in evaluation; a peer refused
    or declining is replaced by whoever nominates. With anonymous peers
    their scores and comments show only in aggregate, once at least
    ``PEER_AGGREGATE_MIN`` of them submitted.

    Fields: ``nomination_ids`` (``perf.review.nomination``), the peer
    step's limits (``has_peer_step``, ``peer_min``, ``peer_max``),
    ``peer_state`` and ``peer_feedback_html`` (what the peers wrote,
    without names: a result, hidden like the scores).
    """

    # One model, a file per phase (docs/architecture.md): not to be merged.
    _inherit = "perf.review"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------ fields
    nomination_ids = fields.One2many(
        "perf.review.nomination", "review_id", string="Peers", readonly=True
    )
    has_peer_step = fields.Boolean(compute="_compute_peer_step")
    peer_min = fields.Integer(compute="_compute_peer_step")
    peer_max = fields.Integer(compute="_compute_peer_step")
    peer_state = fields.Selection(
        [
            ("to_nominate", "Peers to nominate"),
            ("to_approve", "Peers to approve"),
            ("approved", "Peers approved"),
            ("skipped", "No peer review"),
        ],
        readonly=True,
        copy=False,
    )
    peer_feedback_html = fields.Html(
        string="Peer feedback",
        compute="_compute_peer_feedback_html",
        sanitize=False,
        help="What the peers wrote, without their names.",
    )

    # ----------------------------------------------------------- compute
    @api.depends("flow_id")
    def _compute_peer_step(self):
        for review in self:
            step = review._peer_step()
            review.has_peer_step = bool(step)
            review.peer_min = step.peer_min
            review.peer_max = step.peer_max

    @api.depends("rating_ids.comment", "rating_ids.state", "peer_submitted_count")
    def _compute_peer_feedback_html(self):
        """What the peers wrote, without names, once enough of them did for
        nobody to be recognised (anonymous peers)."""
        for review in self:
            peers = review.sudo().rating_ids.filtered(
                lambda r: r.role == "peer" and r.state == "submitted" and r.comment
            )
            anonymous = any(peers.mapped("anonymous"))
            if not peers or (
                anonymous and review.peer_submitted_count < PEER_AGGREGATE_MIN
            ):
                review.peer_feedback_html = False
                continue
            review.peer_feedback_html = Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li>%s</li>") % comment
                for comment in sorted(peers.mapped("comment"))
            )

    # ------------------------------------------------------------ actors
    def _peer_step(self):
        self.ensure_one()
        return self.flow_id.step_ids.filtered(lambda s: s.kind == "peer")[:1]

    def _peer_nominator(self):
        self.ensure_one()
        step = self._peer_step()
        if step.peer_nominated_by == "manager":
            return self.manager_user_id or self._hr_fallback_user()
        return self.user_id

    def _nominate_summary(self, env):
        step = self._peer_step()
        return env._(
            "Nominate %(low)s to %(high)s peers to rate %(employee)s",
            low=step.peer_min,
            high=step.peer_max,
            employee=self.employee_id.name,
        )

    def _active_nominations(self):
        return self.nomination_ids.filtered(
            lambda n: n.state in ("proposed", "approved")
        )

    def _peer_state_now(self):
        self.ensure_one()
        step = self._peer_step()
        if not step:
            return False
        if self.peer_state == "skipped":
            return "skipped"
        active = self._active_nominations()
        if "proposed" in active.mapped("state"):
            return "to_approve"
        if active and len(active) >= step.peer_min:
            return "approved"
        return "to_nominate"

    # ------------------------------------------------------------ guards
    def _check_can_nominate_peers(self):
        self._check_readable()
        for review in self:
            step = review._peer_step()
            if not step:
                raise UserError(
                    self.env._(
                        "The flow of %(review)s has no peer review.",
                        review=review.display_name,
                    )
                )
            if (
                review.state not in ("execution", "evaluation")
                or review.peer_state in ("skipped",)
                or review.evaluation_done
            ):
                raise UserError(
                    self.env._(
                        "Peers are nominated during execution or evaluation, before "
                        "the peer ratings are done (%(review)s).",
                        review=review.display_name,
                    )
                )
            nominator = review._peer_nominator()
            if not (
                self.env.user == nominator or review._is_manager() or review._is_hr()
            ):
                raise AccessError(
                    self.env._(
                        "Only %(nominator)s, the manager or HR nominate the peers of "
                        "%(review)s.",
                        nominator=nominator.name or "-",
                        review=review.display_name,
                    )
                )

    def _check_can_approve_peers(self):
        self._check_readable()
        for review in self:
            if not review.nomination_ids.filtered(lambda n: n.state == "proposed"):
                raise UserError(
                    self.env._(
                        "No peer of %(review)s awaits approval.",
                        review=review.display_name,
                    )
                )
            if review.user_id == self.env.user:
                raise AccessError(self.env._("Nobody approves their own peers."))
            if not (review._is_manager() or review._is_hr()):
                raise AccessError(
                    self.env._("Only the manager or HR approve the peers.")
                )

    # ----------------------------------------------------------- actions
    def action_nominate_peers(self, users=None):
        """Nominate peers to rate this review (同事评价): by the employee
        (approved by the manager) or the manager, as the flow says."""
        self.ensure_one()
        self._check_can_nominate_peers()
        if users is None:
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Nominate peers"),
                "res_model": "perf.review.nominate",
                "view_mode": "form",
                "views": [(False, "form")],
                "target": "new",
                "context": {"default_review_id": self.id},
            }
        if not isinstance(users, models.BaseModel):
            users = self.env["res.users"].browse(
                [users] if isinstance(users, int) else list(users)
            )
        users = users.sudo()
        self._lock_for_update()
        self._check_can_nominate_peers()
        self._check_nominees(users)
        self._do_nominate_peers(users)
        return True

    def _check_nominees(self, users):
        self.ensure_one()
        step = self._peer_step()
        active = self._active_nominations().user_id
        before = self.nomination_ids.filtered(
            lambda n: n.state in ("refused", "declined")
        ).user_id
        others = (
            self.rating_ids.filtered(
                lambda r: r.role != "peer" and r.state != "cancelled"
            ).rater_id
            | self.manager_user_id
            | self.skip_manager_user_id
        )
        problems = evaluation.nomination_problems(
            self.user_id.id,
            active.ids,
            users.ids,
            step.peer_min,
            step.peer_max,
            excluded=set((others | before).ids),
        )
        bad = users.filtered(lambda u: not u.active or u.share)
        messages = [
            self.env._(
                "%(user)s cannot rate (not an active internal user).", user=u.name
            )
            for u in bad
        ]
        names = {u.id: u.name for u in users | active}
        for problem in problems:
            if problem.kind == "self":
                messages.append(self.env._("nobody rates their own review."))
            elif problem.kind == "excluded":
                messages.append(
                    self.env._(
                        "%(user)s already rates this review or was nominated before.",
                        user=names.get(problem.detail, "-"),
                    )
                )
            elif problem.kind == "twice":
                messages.append(
                    self.env._(
                        "%(user)s is nominated twice.",
                        user=names.get(problem.detail, "-"),
                    )
                )
            else:
                total, low, high = problem.detail
                messages.append(
                    self.env._(
                        "%(count)s peers in all; the flow asks for %(low)s to "
                        "%(high)s.",
                        count=total,
                        low=low,
                        high=high,
                    )
                )
        if messages:
            raise UserError(
                self.env._(
                    "These peers cannot be nominated for %(review)s:\n%(problems)s",
                    review=self.display_name,
                    problems="\n".join(f"• {m}" for m in messages),
                )
            )

    def _do_nominate_peers(self, users):
        self.ensure_one()
        step = self._peer_step()
        needs_approval = (
            step.peer_nominated_by == "employee"
            and self.env.user == self.user_id
            and not self._is_hr()
        )
        nominations = (
            self.env["perf.review.nomination"]
            .sudo()
            .create(
                [
                    {
                        "review_id": self.id,
                        "user_id": user.id,
                        "nominated_by_id": self.env.user.id,
                        "state": "proposed" if needs_approval else "approved",
                    }
                    for user in users
                ]
            )
        )
        review = self.sudo()
        review._close_todos()
        if needs_approval:
            review.write({"peer_state": "to_approve"})
            manager = review.manager_user_id or review._hr_fallback_user()
            review._schedule_todo(
                manager,
                review._env_for(manager)._(
                    "Approve the peers nominated to rate %(employee)s",
                    employee=review.employee_id.name,
                ),
                fields.Date.context_today(self) + timedelta(days=3),
            )
        else:
            review._peers_approved(nominations)
        review.message_post(
            body=self.env._(
                "%(user)s nominated %(count)s peers.",
                user=self.env.user.name,
                count=len(users),
            ),
            subtype_xmlid="mail.mt_note",
        )

    def action_approve_peers(self):
        self._lock_for_update()
        self._check_can_approve_peers()
        for review in self.sudo():
            proposed = review.nomination_ids.filtered(lambda n: n.state == "proposed")
            proposed.write({"state": "approved"})
            review._close_todos()
            review._peers_approved(proposed)
        return True

    def _peers_approved(self, nominations):
        """Approved peers get their rating when the review is in evaluation."""
        self.ensure_one()
        review = self.sudo()
        review.write({"peer_state": review._peer_state_now()})
        if review.state != "evaluation":
            return
        step = review._peer_step()
        new = nominations.filtered(lambda n: n.state == "approved" and not n.rating_id)
        self.env["perf.review.rating"]._create_tasks(
            [review._rating_values(step, n.user_id, nomination=n) for n in new]
        )
        review._evaluation_advance(now=True)

    def _peers_changed(self, nomination, reason):
        """A peer was refused or declined: whoever nominates names another."""
        self.ensure_one()
        review = self.sudo()
        review.write({"peer_state": review._peer_state_now()})
        nominator = review._peer_nominator()
        review._schedule_todo(
            nominator,
            review._env_for(nominator)._(
                "Nominate another peer to rate %(employee)s (%(peer)s: %(reason)s)",
                employee=review.employee_id.name,
                peer=nomination.user_id.name,
                reason=reason,
            ),
            fields.Date.context_today(self) + timedelta(days=3),
        )
