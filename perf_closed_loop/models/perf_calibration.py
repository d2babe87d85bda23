# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..domain import calibration as calibration_rules
from ..domain import distribution
from .perf_todo_mixin import BULK_CONTEXT

EDITABLE_STATES = ("draft", "rejected")
STATUS_COLORS = {"over": "#dc3545", "under": "#fd7e14", "ok": "#198754"}


class PerfCalibration(models.Model):
    """One calibration group of a cycle (绩效校准): a department tree (small
    teams pooled into their parent's group) whose proposed grades its head
    adjusts against the forced distribution (分布比例), then submits to HR,
    who approves or sends it back (结果审批).

    Who may do what:

    * the calibrator (the group's head; one level up for a head's own
      review; HR for the top of the chart) reads the group's reviews with
      their scores, changes calibrated grades with a note while the group is
      a draft or sent back, and submits it (``action_submit``), refused
      when the distribution breaks the policy for a group of at least the
      policy's minimum size;
    * HR reads every group of its companies, changes a grade with a note,
      approves (``action_approve``) or rejects with a reason
      (``action_reject``) a submitted group; nobody approves a group holding
      their own review (when every HR officer's review is in it, the HR
      responsible is asked to give the role to somebody outside it);
    * heads of parent departments read the groups below them;
    * ``state`` changes only through these buttons; every grade change is
      kept (who, when, from, to, why).
    """

    _name = "perf.calibration"
    _inherit = [
        "perf.todo.mixin",
        "perf.state.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _description = "Calibration"
    _order = "cycle_id desc, sequence, id"
    _check_company_auto = True
    _todo_action = "perf_closed_loop.perf_calibration_action"

    # ------------------------------------------------------------ fields
    name = fields.Char(compute="_compute_name", store=True)
    sequence = fields.Integer(readonly=True)
    cycle_id = fields.Many2one(
        "perf.cycle", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="cycle_id.company_id", store=True)
    department_id = fields.Many2one(
        "hr.department",
        string="Department",
        readonly=True,
        index=True,
        help="Top of the group's department tree; empty for the group HR "
        "calibrates (heads with nobody above them).",
    )
    department_ids = fields.Many2many(
        "hr.department", string="Departments", readonly=True
    )
    pooled_department_ids = fields.Many2many(
        "hr.department",
        "perf_calibration_pooled_department_rel",
        string="Small teams pooled in",
        readonly=True,
    )
    calibrator_id = fields.Many2one(
        "res.users", string="Calibrated by", required=True, index=True, readonly=True
    )
    review_ids = fields.One2many("perf.review", "calibration_id", string="Reviews")
    review_count = fields.Integer(compute="_compute_review_count")
    policy_id = fields.Many2one(
        "perf.distribution.policy", string="Distribution policy", readonly=True
    )
    min_group_size = fields.Integer(related="policy_id.min_group_size")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("approved", "Approved"),
            ("rejected", "Sent back"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
        copy=False,
        tracking=True,
    )
    hr_reason = fields.Text(string="Why HR sent it back", readonly=True, copy=False)
    approval_ids = fields.One2many(
        "perf.review.approval", "calibration_id", string="HR approvals", readonly=True
    )
    grade_change_ids = fields.One2many(
        "perf.review.grade.change", "calibration_id", string="Grade changes"
    )
    distribution_ok = fields.Boolean(compute="_compute_distribution")
    distribution_blocking = fields.Boolean(compute="_compute_distribution")
    distribution_html = fields.Html(
        string="Distribution", compute="_compute_distribution", sanitize=False
    )
    leniency_html = fields.Html(
        string="Managers' leniency", compute="_compute_distribution", sanitize=False
    )
    deadline = fields.Date(related="cycle_id.calibration_deadline")
    can_edit = fields.Boolean(compute="_compute_can")
    can_submit = fields.Boolean(compute="_compute_can")
    can_approve = fields.Boolean(compute="_compute_can")

    # ----------------------------------------------------------- compute
    @api.depends("department_id", "cycle_id")
    def _compute_name(self):
        for calibration in self:
            calibration.name = calibration.department_id.name or calibration.env._(
                "Top of the chart (HR)"
            )

    @api.depends("review_ids")
    def _compute_review_count(self):
        counts = dict(
            self.env["perf.review"]
            .sudo()
            ._read_group(
                [("calibration_id", "in", self.ids)], ["calibration_id"], ["__count"]
            )
        )
        for calibration in self:
            calibration.review_count = counts.get(calibration, 0)

    @api.depends(
        "review_ids.final_grade_id",
        "review_ids.manager_score",
        "policy_id",
    )
    def _compute_distribution(self):
        for calibration in self:
            values = calibration._distribution_values()
            calibration.update(values)

    def _distribution(self):
        """(counts, quotas, check) of the group's final grades: grade code →
        people, grade code → (min, max) people, DistributionCheck."""
        self.ensure_one()
        reviews = self.review_ids.sudo()
        scale = (
            self.policy_id.rating_scale_id or reviews.template_id.rating_scale_id[:1]
        )
        codes = scale.grade_ids.sorted("sequence").mapped("code")
        counts = calibration_rules.grade_counts(
            [r.final_grade_id.code or None for r in reviews], codes
        )
        if not self.policy_id:
            return counts, {}, distribution.DistributionCheck(True, False, ())
        policy = self.policy_id._policy()
        quotas = distribution.quota_counts(sum(counts.values()), policy)
        check = self.policy_id._check_counts(counts)
        return counts, quotas, check

    def _distribution_values(self):
        self.ensure_one()
        _ = self.env._
        counts, quotas, check = self._distribution()
        total = sum(counts.values())
        problems = {p.code: p for p in check.problems}
        rows = []
        for code, count in counts.items():
            low, high = quotas.get(code, (0, total))
            status = (
                "ok" if code not in problems else ("over" if count > high else "under")
            )
            pct = count * 100.0 / total if total else 0.0
            label = {"ok": _("within"), "over": _("too many"), "under": _("too few")}[
                status
            ]
            rows.append(
                Markup(
                    "<tr class='o_perf_grade_%s'><td class='fw-bold'>%s</td>"
                    "<td class='text-end'>%s</td><td class='text-end'>%s%%</td>"
                    "<td class='text-end'>%s–%s</td><td style='min-width:8em'>"
                    "<div style='background:%s;height:0.9em;width:%s%%'></div></td>"
                    "<td style='color:%s'>%s</td></tr>"
                )
                % (
                    status,
                    code,
                    count,
                    f"{pct:.0f}",
                    low,
                    high,
                    STATUS_COLORS[status],
                    f"{pct:.0f}",
                    STATUS_COLORS[status],
                    label,
                )
            )
        table = Markup(
            "<table class='table table-sm o_perf_distribution'><thead><tr>"
            "<th>%s</th><th class='text-end'>%s</th><th class='text-end'>%%</th>"
            "<th class='text-end'>%s</th><th></th><th></th></tr></thead>"
            "<tbody>%s</tbody></table>"
        ) % (_("Grade"), _("People"), _("Allowed"), Markup("").join(rows))
        leniency = self._leniency_html()
        return {
            "distribution_ok": check.ok,
            "distribution_blocking": check.blocking,
            "distribution_html": table,
            "leniency_html": leniency,
        }

    def _leniency_html(self):
        _ = self.env._
        reviews = self.review_ids.sudo().filtered("manager_user_id")
        found = calibration_rules.leniency(
            [
                (r.manager_id, r.manager_score)
                for r in reviews
                if r.manager_score or r.score_ready
            ]
        )
        if not found:
            return False
        rows = Markup("").join(
            Markup(
                "<tr><td>%s</td><td class='text-end'>%s</td>"
                "<td class='text-end'>%s</td><td class='text-end' style='color:%s'>"
                "%s</td></tr>"
            )
            % (
                manager.name,
                count,
                f"{mean:g}",
                "#dc3545" if delta > 5 else ("#0d6efd" if delta < -5 else "inherit"),
                f"{delta:+g}",
            )
            for manager, (count, mean, delta) in sorted(
                found.items(), key=lambda item: -item[1][2]
            )
        )
        return Markup(
            "<table class='table table-sm o_perf_leniency'><thead><tr><th>%s</th>"
            "<th class='text-end'>%s</th><th class='text-end'>%s</th>"
            "<th class='text-end'>%s</th></tr></thead><tbody>%s</tbody></table>"
        ) % (
            _("Manager"),
            _("People"),
            _("Mean manager score"),
            _("Against the group"),
            rows,
        )

    @api.depends_context("uid")
    @api.depends("state", "calibrator_id")
    def _compute_can(self):
        for calibration in self:
            calibration.can_edit = calibration._passes(calibration._check_can_edit)
            calibration.can_submit = calibration._passes(calibration._check_can_submit)
            calibration.can_approve = calibration._passes(
                calibration._check_can_approve
            )

    def _state_refusal_message(self):
        return self.env._(
            "The state of a calibration changes only through its buttons (submit, "
            "approve, send back)."
        )

    # ------------------------------------------------------------ guards
    def _is_hr(self):
        return self.env.user.has_group("perf_closed_loop.group_perf_hr")

    def _holds_own_review(self):
        self.ensure_one()
        return self.env.user in self._owners()

    def _owners(self):
        """The users whose own review is in the group."""
        self.ensure_one()
        reviews = self.review_ids.sudo()
        return reviews.user_id | reviews.employee_id.user_id

    def _hr_approvers(self):
        """The HR officers of the company who may approve the group (their
        own review is not in it), the cycle's HR responsible first."""
        self.ensure_one()
        return self.cycle_id.sudo()._hr_officers(excluding=self._owners())

    def _check_can_edit(self):
        self._check_readable()
        for calibration in self:
            calibration.cycle_id._check_open()
            if calibration._holds_own_review():
                raise AccessError(
                    self.env._("Nobody calibrates a group holding their own review.")
                )
            if calibration._is_hr():
                if calibration.state == "approved":
                    raise UserError(
                        self.env._(
                            "The calibration %(group)s is approved.",
                            group=calibration.name,
                        )
                    )
                continue
            if calibration.calibrator_id != self.env.user:
                raise AccessError(
                    self.env._(
                        "Only %(user)s calibrates %(group)s.",
                        user=calibration.calibrator_id.name,
                        group=calibration.name,
                    )
                )
            if calibration.state not in EDITABLE_STATES:
                raise UserError(
                    self.env._(
                        "The calibration %(group)s was submitted: HR approves it or "
                        "sends it back.",
                        group=calibration.name,
                    )
                )

    def _check_can_submit(self):
        self._check_readable()
        for calibration in self:
            if calibration.state not in EDITABLE_STATES:
                raise UserError(
                    self.env._(
                        "The calibration %(group)s is already submitted.",
                        group=calibration.name,
                    )
                )
            calibration._check_can_edit()

    def _check_can_approve(self):
        self._check_readable()
        if not self._is_hr():
            raise AccessError(self.env._("Only HR approves a calibration."))
        for calibration in self:
            calibration.cycle_id._check_open()
            if calibration.state != "submitted":
                raise UserError(
                    self.env._(
                        "The calibration %(group)s is not submitted.",
                        group=calibration.name,
                    )
                )
            if calibration._holds_own_review():
                approvers = calibration._hr_approvers()
                if not approvers:
                    raise AccessError(calibration._no_approver_message())
                raise AccessError(
                    self.env._(
                        "The calibration %(group)s holds your own review: another HR "
                        "officer approves it (%(users)s).",
                        group=calibration.name,
                        users=", ".join(approvers[:3].mapped("name")),
                    )
                )

    def _check_can_reject(self):
        self._check_can_approve()

    # ----------------------------------------------------------- actions
    def action_submit(self):
        self._lock_for_update()
        self._check_can_submit()
        self._check_distribution_allowed()
        self._do_submit()
        return True

    def action_approve(self):
        self._lock_for_update()
        self._check_can_approve()
        self._do_approve()
        return True

    def action_reject(self, reason=None):
        if not reason:
            return self.env["perf.review.reason"]._ask(self, "reject_calibration")
        reason = self._checked_reason(reason)
        self._lock_for_update()
        self._check_can_reject()
        self._do_reject(reason)
        return True

    def action_open_reviews(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "perf_closed_loop.perf_review_action_results"
        )
        action["domain"] = [("calibration_id", "=", self.id)]
        action["context"] = {}
        return action

    # ----------------------------------------------------------- effects
    def _check_distribution_allowed(self):
        for calibration in self:
            missing = calibration.review_ids.sudo().filtered(
                lambda r: not r.final_grade_id
            )
            if missing:
                raise UserError(
                    self.env._(
                        "Give a grade to every review of %(group)s first: %(people)s.",
                        group=calibration.name,
                        people=", ".join(missing.employee_id.mapped("name")),
                    )
                )
            counts, _quotas, check = calibration._distribution()
            if check.blocking:
                # Built apart: a translated call nested in another one's
                # arguments is not extracted for translation.
                problems = [
                    self.env._(
                        "%(grade)s: %(count)s people, allowed %(low)s to %(high)s",
                        grade=problem.code,
                        count=problem.count,
                        low=problem.min_count,
                        high=problem.max_count,
                    )
                    for problem in check.problems
                ]
                raise UserError(
                    self.env._(
                        "The distribution of %(group)s (%(count)s people) is outside "
                        "the policy “%(policy)s”:\n%(problems)s",
                        group=calibration.name,
                        count=sum(counts.values()),
                        policy=calibration.policy_id.name,
                        problems="\n".join(f"• {line}" for line in problems),
                    )
                )

    def _do_submit(self):
        for calibration in self:
            counts, _quotas, check = calibration._distribution()
            calibration._write_state({"state": "submitted"})
            calibration._close_todos()
            body = self.env._(
                "Submitted to HR by %(user)s: %(counts)s.",
                user=self.env.user.name,
                counts=", ".join(f"{code} {count}" for code, count in counts.items()),
            )
            if not check.ok:
                body += " " + self.env._(
                    "Outside the policy, allowed for a group of fewer than "
                    "%(size)s people.",
                    size=calibration.min_group_size,
                )
            calibration.message_post(body=body, subtype_xmlid="mail.mt_note")
            hr = calibration._hr_approvers()[:1]
            nobody = not hr
            if nobody:
                # Every HR officer holds a review in it: the HR responsible is
                # told to give the role to somebody else.
                hr = calibration.cycle_id.sudo().hr_user_id
                calibration.message_post(
                    body=calibration._no_approver_message(),
                    subtype_xmlid="mail.mt_note",
                )
            if hr:
                env = calibration._env_for(hr)
                summary = (
                    env._(
                        "Nobody in HR may approve %(group)s: give the HR officer "
                        "role to somebody whose review is not in it",
                        group=calibration.name,
                    )
                    if nobody
                    else env._(
                        "Approve the calibration of %(group)s", group=calibration.name
                    )
                )
                calibration._schedule_todo(
                    hr, summary, fields.Date.context_today(self) + timedelta(days=3)
                )

    def _no_approver_message(self):
        return self.env._(
            "Every HR officer of the company has their own review in %(group)s, "
            "and nobody approves a group holding their own review: give the HR "
            "officer role (Settings > Users) to somebody whose review is not in "
            "it, such as the administrator.",
            group=self.name,
        )

    def _do_approve(self):
        now = fields.Datetime.now()
        for calibration in self:
            calibration._write_state({"state": "approved", "hr_reason": False})
            self.env["perf.review.approval"].sudo().create(
                {
                    "calibration_id": calibration.id,
                    "kind": "hr",
                    "approver_id": self.env.user.id,
                    "state": "approved",
                    "actor": "hr",
                    "date": now,
                    "round": len(calibration.approval_ids) + 1,
                }
            )
            calibration._close_todos()
            calibration.message_post(
                body=self.env._("Approved by %(user)s.", user=self.env.user.name),
                partner_ids=calibration.calibrator_id.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )

    def _do_reject(self, reason):
        now = fields.Datetime.now()
        for calibration in self:
            calibration._write_state({"state": "rejected", "hr_reason": reason})
            self.env["perf.review.approval"].sudo().create(
                {
                    "calibration_id": calibration.id,
                    "kind": "hr",
                    "approver_id": self.env.user.id,
                    "state": "rejected",
                    "actor": "hr",
                    "reason": reason,
                    "date": now,
                    "round": len(calibration.approval_ids) + 1,
                }
            )
            calibration._close_todos()
            calibrator = calibration.calibrator_id
            calibration.message_post(
                body=self.env._(
                    "Sent back by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=reason,
                ),
                partner_ids=calibrator.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )
            calibration._schedule_todo(
                calibrator,
                calibration._env_for(calibrator)._(
                    "Revise the calibration of %(group)s: %(reason)s",
                    group=calibration.name,
                    reason=reason,
                ),
                fields.Date.context_today(self) + timedelta(days=3),
            )

    # ------------------------------------------------------------ to-dos
    def _pending_todo(self):
        self.ensure_one()
        user = self.calibrator_id
        if not user:
            return None
        return (
            user,
            self._env_for(user)._(
                "Calibrate %(group)s for %(cycle)s",
                group=self.name,
                cycle=self.cycle_id.name,
            ),
            self.cycle_id.calibration_deadline
            or fields.Date.context_today(self) + timedelta(days=7),
        )

    def _todo_digest_intro(self, env, count):
        return env._(
            "The calibration has started. Your groups to calibrate (%(count)s):",
            count=count,
        )

    def _todo_bus_message(self, env):
        return env._("You have a calibration to do.")

    # -------------------------------------------------------------- CRUD
    def write(self, vals):
        if any(not key.startswith(("message_", "activity_")) for key in vals):
            self.cycle_id._check_open()
        if "review_ids" in vals and not self.env.su:
            # The calibration screen writes the calibrated grades and notes
            # of its reviews; the reviews check who may.
            self._check_can_edit()
            commands = vals["review_ids"]
            for command in commands:
                if command[0] != 1:
                    raise AccessError(
                        self.env._("The people of a calibration group are set by HR.")
                    )
            reviews = self.env["perf.review"]
            for _op, review_id, values in commands:
                reviews.browse(review_id).with_context(
                    perf_calibration_id=self.id
                ).write(values)
            vals = {k: v for k, v in vals.items() if k != "review_ids"}
            if not vals:
                return True
        return super().write(vals)

    @api.model
    def _create_groups(self, cycle, groups, calibrators):
        """Create the calibrations of ``cycle`` from ``domain/calibration``
        groups ({root: Group}) and {root: user}; returns them."""
        policy = cycle.distribution_policy_id
        vals_list = []
        roots = calibration_rules.ordered_roots(groups)
        for sequence, root in enumerate(roots):
            group = groups[root]
            vals_list.append(
                {
                    "cycle_id": cycle.id,
                    "sequence": sequence,
                    "department_id": root or False,
                    "department_ids": [(6, 0, sorted(group.departments))],
                    "pooled_department_ids": [(6, 0, sorted(group.pooled_from))],
                    "calibrator_id": calibrators[root].id,
                    "policy_id": policy.id,
                    "todo_pending": True,
                }
            )
        calibrations = self.sudo().with_context(**BULK_CONTEXT).create(vals_list)
        Review = self.env["perf.review"].sudo().with_context(**BULK_CONTEXT)
        for calibration, root in zip(calibrations, roots, strict=True):
            Review.browse(sorted(groups[root].reviews))._write_state(
                {"calibration_id": calibration.id, "state": "calibration"}
            )
        return calibrations
