# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..domain import flow as flow_rules
from ..domain import goals as goal_rules


class PerfReview(models.Model):
    """Goals (指标制定): goal setting → goal approval → execution, and goal
    changes during execution.

    Whoever the flow names (``goal_setter``: the employee or the manager)
    sets the indicators (KPI lines, OKR objectives with their key results)
    within the template's rules (``domain/goals.py``) and submits them;
    the manager or HR may set them too. The approval chain comes from the
    flow (``domain/flow.py``): one ``perf.review.approval`` per approver and
    round, nobody approving their own goals, HR standing in for a manager
    nobody can be; only the current approver approves or rejects (with a
    reason: the setter revises). Approved goals start the execution, and a
    snapshot of them (``approved_goals``) is kept: during execution the
    employee, the manager or HR may ask for a goal change, which reopens
    the goals for a new round of approval; a rejected change restores the
    snapshot, and the chatter keeps the goals as submitted and as approved.

    Fields: the indicators (``line_ids`` and its views by kind,
    ``objective_ids``), the approval chain (``approval_ids``,
    ``approval_round``, the current approval and approver), the goal change
    (``goal_change_state``, ``approved_goals``).
    """

    # One model, a file per phase (docs/architecture.md): not to be merged.
    _inherit = "perf.review"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------ fields
    goal_setter = fields.Selection(related="flow_id.goal_setter")
    goal_deadline = fields.Date(related="cycle_id.goal_deadline")
    line_ids = fields.One2many("perf.review.line", "review_id", string="Indicators")
    kpi_line_ids = fields.One2many(
        "perf.review.line",
        "review_id",
        string="KPI indicators",
        domain=[("kind", "=", "kpi")],
        context={"default_kind": "kpi"},
    )
    question_line_ids = fields.One2many(
        "perf.review.line",
        "review_id",
        string="Questions",
        domain=[("kind", "=", "question")],
        readonly=True,
    )
    objective_ids = fields.One2many("perf.objective", "review_id", string="Objectives")
    okr_enabled = fields.Boolean(related="template_id.okr_enabled")
    approval_ids = fields.One2many(
        "perf.review.approval", "review_id", string="Approvals", readonly=True
    )
    approval_round = fields.Integer(default=1, readonly=True, copy=False)
    current_approval_id = fields.Many2one(
        "perf.review.approval", compute="_compute_current_approval"
    )
    current_approver_id = fields.Many2one(
        "res.users", compute="_compute_current_approval", string="Waiting for"
    )
    goal_change_state = fields.Selection(
        [("editing", "Being changed"), ("submitted", "Change submitted")],
        readonly=True,
        copy=False,
    )
    approved_goals = fields.Json(readonly=True, copy=False)

    # ----------------------------------------------------------- compute
    @api.depends("approval_ids.state", "approval_ids.round", "state", "approval_round")
    def _compute_current_approval(self):
        for review in self:
            approval = review._current_approval()
            review.current_approval_id = approval
            review.current_approver_id = approval.approver_id

    # ------------------------------------------------------------ actors
    def _goal_setter_user(self):
        self.ensure_one()
        if self.goal_setter == "manager":
            return self.manager_user_id
        return self.user_id

    def _goal_origin_for_user(self, review):
        if review.user_id == self.env.user:
            return "employee"
        return "manager"

    def _current_approval(self):
        self.ensure_one()
        if self.state != "goal_approval" or self.goal_change_state == "editing":
            return self.env["perf.review.approval"]
        pending = self.approval_ids.filtered(
            lambda a: a.state == "pending" and a.round == self.approval_round
        )
        return pending.sorted(lambda a: (a.sequence, a.id))[:1]

    # ------------------------------------------------------------ guards
    def _check_can_edit_goals(self):
        self._check_readable()
        for review in self:
            editing = review.state == "goal_setting" or (
                review.state == "goal_approval"
                and review.goal_change_state == "editing"
            )
            if not editing:
                raise UserError(
                    self.env._(
                        "Goals of %(review)s can only be changed while they are "
                        "being set.",
                        review=review.display_name,
                    )
                )
            if not (
                review._goal_setter_user() == self.env.user
                or review._is_manager()
                or review._is_hr()
            ):
                raise AccessError(
                    self.env._(
                        "Only %(setter)s, the manager or HR may set the goals of "
                        "%(review)s.",
                        setter=review._goal_setter_user().name or "-",
                        review=review.display_name,
                    )
                )

    def _check_can_submit_goals(self):
        self._check_can_edit_goals()

    def _check_can_approve_goals(self):
        self._check_readable()
        for review in self:
            approval = review._current_approval()
            if not approval:
                raise UserError(
                    self.env._(
                        "The goals of %(review)s are not waiting for approval.",
                        review=review.display_name,
                    )
                )
            if review.user_id == self.env.user:
                raise AccessError(self.env._("Nobody approves their own goals."))
            if approval.approver_id != self.env.user:
                raise AccessError(
                    self.env._(
                        "The goals of %(review)s are waiting for %(approver)s.",
                        review=review.display_name,
                        approver=approval.approver_id.name,
                    )
                )

    def _check_can_reject_goals(self):
        self._check_can_approve_goals()

    def _check_can_request_goal_change(self):
        self._check_readable()
        for review in self:
            if review.state != "execution":
                raise UserError(
                    self.env._("Goals can be changed during execution only.")
                )
            if not (review._is_employee() or review._is_manager() or review._is_hr()):
                raise AccessError(
                    self.env._(
                        "Only the employee, the manager or HR may ask for a goal "
                        "change."
                    )
                )

    # ----------------------------------------------------------- actions
    def action_submit_goals(self):
        self._lock_for_update()
        self._check_can_submit_goals()
        self._check_goals_complete()
        self._do_submit_goals()
        return True

    def action_approve_goals(self):
        self._lock_for_update()
        self._check_can_approve_goals()
        self._do_approve_goals()
        return True

    def action_reject_goals(self, reason=None):
        if not reason:
            return self._reason_wizard("reject_goals")
        reason = self._checked_reason(reason)
        self._lock_for_update()
        self._check_can_reject_goals()
        self._do_reject_goals(reason)
        return True

    def action_request_goal_change(self, reason=None):
        if not reason:
            return self._reason_wizard("request_goal_change")
        reason = self._checked_reason(reason)
        self._lock_for_update()
        self._check_can_request_goal_change()
        self._do_request_goal_change(reason)
        return True

    def _reason_wizard(self, action):
        return self.env["perf.review.reason"]._ask(self, action)

    # ----------------------------------------------------------- effects
    def _goal_rules(self):
        self.ensure_one()
        template = self.template_id
        return {
            "kpi_enabled": template.kpi_weight > 0,
            "allow_added": template.allow_employee_indicators,
            "added_min": template.indicator_min_count,
            "added_max": template.indicator_max_count,
            "added_budget": template.indicator_weight_budget,
            "okr_enabled": template.okr_enabled and template.okr_weight > 0,
            "objectives_min": template.okr_min_objectives,
            "objectives_max": template.okr_max_objectives,
            "key_results_min": template.okr_min_key_results,
            "key_results_max": template.okr_max_key_results,
        }

    def _check_goals_complete(self):
        for review in self:
            kpis = review.line_ids.filtered(lambda x: x.kind == "kpi")
            try:
                problems = goal_rules.goal_problems(
                    [(x.origin, x.weight) for x in kpis],
                    [(o.weight, len(o.key_result_ids)) for o in review.objective_ids],
                    review._goal_rules(),
                )
            except ValueError:
                # A weight stored outside the form (a script, an import)
                # that no total can use.
                raise UserError(
                    self.env._(
                        "The goals of %(review)s cannot be submitted: a weight is "
                        "not a number from 0 up. Correct the weights.",
                        review=review.display_name,
                    )
                ) from None
            if problems:
                raise UserError(
                    self.env._(
                        "The goals of %(review)s cannot be submitted yet:\n"
                        "%(problems)s",
                        review=review.display_name,
                        problems="\n".join(
                            f"• {review._goal_problem_message(p)}" for p in problems
                        ),
                    )
                )

    def _goal_problem_message(self, problem):
        _ = self.env._
        kind, value, expected = problem
        if kind == "no_kpi":
            return _("add at least one KPI indicator.")
        if kind == "kpi_weights":
            return _(
                "the KPI indicators weigh %(total)s in all instead of 100.",
                total=value,
            )
        if kind == "added_not_allowed":
            return _("this template does not allow adding indicators.")
        if kind == "added_count":
            return _(
                "%(count)s indicators added; the template asks for %(low)s to "
                "%(high)s.",
                count=value,
                low=expected[0],
                high=expected[1],
            )
        if kind == "added_budget":
            return _(
                "the added indicators weigh %(total)s, more than the %(budget)s "
                "the template leaves to them.",
                total=value,
                budget=expected,
            )
        if kind == "objective_count":
            return _(
                "%(count)s objectives; the template asks for %(low)s to %(high)s.",
                count=value,
                low=expected[0],
                high=expected[1],
            )
        if kind == "objective_weights":
            return _(
                "the objectives weigh %(total)s in all instead of 100.", total=value
            )
        if kind == "key_result_count":
            return _(
                "objective %(index)s has %(count)s key results; the template asks "
                "for %(low)s to %(high)s.",
                index=value[0],
                count=value[1],
                low=expected[0],
                high=expected[1],
            )
        return _("the template has no OKR section; remove the objectives.")

    def _do_submit_goals(self):
        for review in self:
            chain = review._approval_users()
            new_round = review.approval_round + (
                1 if review.approval_ids.filtered(lambda a: a.state != "pending") else 0
            )
            pending = review.approval_ids.filtered(
                lambda a, r=review: a.state == "pending" and a.round == r.approval_round
            )
            if new_round != review.approval_round or not pending:
                pending.sudo().write({"state": "cancelled"})
                self.env["perf.review.approval"].sudo().create(
                    [
                        {
                            "review_id": review.id,
                            "kind": "goal",
                            "round": new_round,
                            "sequence": index,
                            "approver_id": user,
                            "actor": actor,
                        }
                        for index, (actor, user) in enumerate(chain)
                    ]
                )
            values = {"state": "goal_approval", "approval_round": new_round}
            if review.goal_change_state:
                values["goal_change_state"] = "submitted"
            review._write_state(values)
            review._close_todos()
            review.message_post(
                body=self.env._("Goals submitted for approval."),
                subtype_xmlid="mail.mt_note",
            )
            if not review._current_approval():
                review._do_goals_approved()
            else:
                review._schedule_approver_todo()

    def _approval_users(self):
        """Ordered (actor, user id) approvers of this review's goals, from its
        flow: nobody approves their own goals, and HR stands in for a
        manager nobody can be."""
        self.ensure_one()
        hr = self._hr_fallback_user()
        people = {
            "manager": (self.manager_user_id or hr).id,
            "skip_level": self.skip_manager_user_id.id,
            "department_head": self.department_head_user_id.id,
            "hr": hr.id,
        }
        actors = list(self.flow_id._goal_approval_actors())
        steps = flow_rules.approval_steps(actors, people, employee_user=self.user_id.id)
        if actors and not steps and hr:
            # Somebody else always approves when the flow asks for approval.
            steps = [("hr", hr.id)]
        return steps

    def _do_approve_goals(self):
        for review in self:
            approval = review._current_approval()
            approval.sudo().write({"state": "approved", "date": fields.Datetime.now()})
            review._close_todos()
            review.message_post(
                body=self.env._("Goals approved by %(user)s.", user=self.env.user.name),
                subtype_xmlid="mail.mt_note",
            )
            if review._current_approval():
                review._schedule_approver_todo()
            else:
                review._do_goals_approved()

    def _do_goals_approved(self):
        self.ensure_one()
        body = self.env._("The goals are approved: execution starts.")
        if self.goal_change_state:
            body = self.env._(
                "The goal change is approved. Before the change:%(before)s",
                before=self._goals_html(self.approved_goals),
            )
        self._write_state(
            {
                "state": "execution",
                "goal_change_state": False,
                "approved_goals": self._goals_snapshot(),
            }
        )
        partners = self.user_id.partner_id | self.manager_user_id.partner_id
        self.message_post(
            body=body,
            partner_ids=partners.ids,
            subtype_xmlid="mail.mt_comment",
        )

    def _do_reject_goals(self, reason):
        for review in self:
            approval = review._current_approval()
            approval.sudo().write(
                {"state": "rejected", "reason": reason, "date": fields.Datetime.now()}
            )
            review.approval_ids.filtered(
                lambda a, r=review: a.state == "pending" and a.round == r.approval_round
            ).sudo().write({"state": "cancelled"})
            review._close_todos()
            setter = review._goal_setter_user()
            # Nothing submitted is lost either: the chatter keeps the goals
            # as they were sent.
            submitted = review._goals_html(review._goals_snapshot())
            if review.goal_change_state:
                # Nothing approved is lost: the approved goals come back.
                review._restore_goals(review.approved_goals)
                review._write_state({"state": "execution", "goal_change_state": False})
                body = self.env._(
                    "The goal change was rejected by %(user)s: %(reason)s. The "
                    "approved goals stay in force.",
                    user=self.env.user.name,
                    reason=reason,
                )
            else:
                review._write_state({"state": "goal_setting"})
                body = self.env._(
                    "Goals rejected by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=reason,
                )
                review._schedule_todo(
                    setter,
                    self._env_for(setter)._(
                        "Revise your goals: %(reason)s", reason=reason
                    ),
                    review.cycle_id.goal_deadline,
                )
            review.message_post(
                body=Markup("%s<br/>%s%s")
                % (body, self.env._("The goals as submitted:"), submitted),
                partner_ids=setter.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )

    def _do_request_goal_change(self, reason):
        for review in self:
            snapshot = review._goals_snapshot()
            review._write_state(
                {
                    "state": "goal_approval",
                    "goal_change_state": "editing",
                    "approved_goals": snapshot,
                }
            )
            review.message_post(
                body=self.env._(
                    "%(user)s asked to change the approved goals: %(reason)s",
                    user=self.env.user.name,
                    reason=reason,
                ),
                partner_ids=(
                    review.user_id.partner_id | review.manager_user_id.partner_id
                ).ids,
                subtype_xmlid="mail.mt_comment",
            )
            setter = review._goal_setter_user()
            review._schedule_todo(
                setter,
                self._env_for(setter)._(
                    "Change the goals and submit them: %(reason)s", reason=reason
                ),
                fields.Date.context_today(self) + timedelta(days=7),
            )

    def _schedule_approver_todo(self):
        self.ensure_one()
        approval = self._current_approval()
        self._schedule_todo(
            approval.approver_id,
            self._env_for(approval.approver_id)._(
                "Approve the goals of %(employee)s", employee=self.employee_id.name
            ),
            fields.Date.context_today(self) + timedelta(days=3),
        )

    # ---------------------------------------------------- goal snapshots
    def _goals_snapshot(self):
        self.ensure_one()
        return {
            "lines": [
                {
                    "id": line.id,
                    "name": line.name,
                    "weight": line.weight,
                    "target_value": line.target_value,
                    "unit": line.unit or "",
                }
                for line in self.line_ids.filtered(lambda x: x.kind != "question")
            ],
            "objectives": [
                {"id": o.id, "name": o.name, "weight": o.weight}
                for o in self.objective_ids
            ],
        }

    def _restore_goals(self, snapshot):
        self.ensure_one()
        snapshot = snapshot or {"lines": [], "objectives": []}
        lines = {item["id"]: item for item in snapshot["lines"]}
        objectives = {item["id"]: item for item in snapshot["objectives"]}
        for line in self.line_ids.filtered(lambda x: x.kind != "question").sudo():
            if line.id in lines:
                item = lines[line.id]
                line.write(
                    {
                        "name": item["name"],
                        "weight": item["weight"],
                        "target_value": item["target_value"],
                    }
                )
            else:
                line.unlink()
        for objective in self.objective_ids.sudo():
            if objective.id in objectives:
                item = objectives[objective.id]
                objective.write({"name": item["name"], "weight": item["weight"]})
            else:
                objective.unlink()

    def _goals_html(self, snapshot):
        rows = Markup("").join(
            Markup("<li>%s: %s %s (%s%%)</li>")
            % (
                escape(item["name"]),
                item["target_value"],
                escape(item["unit"]),
                item["weight"],
            )
            for item in (snapshot or {}).get("lines", [])
        )
        return Markup("<ul>%s</ul>") % rows
