# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..domain import calibration as calibration_rules


class PerfCycle(models.Model):
    """The start of the calibration (绩效校准): evaluation → calibration.

    ``action_start_calibration`` opens a preview (``perf.cycle.calibration``,
    built from ``_calibration_plan``): the reviews whose ratings are not
    all in (HR waits, closes them with the ratings given so far, or leaves
    them in evaluation) and the calibration groups, one per department
    tree with a head, small teams pooled into their parent's
    (``domain/calibration.py``), each with who calibrates it: the head of
    its root department, else an HR officer, never somebody whose own
    review is in the group. Confirming it creates one ``perf.calibration``
    per group; the calibration itself (grades against the distribution
    policy, submission, HR approval) is ``perf.calibration``'s and the
    calibrated grade of each review is written on the review
    (``perf_review.py``, ``_write_calibration``).

    Who: HR officers, on a cycle in evaluation with no job running
    (``_check_can_start_calibration``).

    Fields: the distribution policy (分布比例) the groups are held to, the
    calibration groups and their counters.
    """

    # One model, a file per phase (docs/architecture.md): not to be merged.
    _inherit = "perf.cycle"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------ fields
    distribution_policy_id = fields.Many2one(
        "perf.distribution.policy",
        check_company=True,
        default=lambda self: self.env.ref(
            "perf_closed_loop.distribution_policy_default", raise_if_not_found=False
        ),
    )
    calibration_ids = fields.One2many(
        "perf.calibration", "cycle_id", string="Calibrations", readonly=True
    )
    calibration_count = fields.Integer(compute="_compute_calibration_counters")
    calibration_approved_count = fields.Integer(
        string="Calibrations approved", compute="_compute_calibration_counters"
    )

    # ----------------------------------------------------------- compute
    @api.depends("calibration_ids.state")
    def _compute_calibration_counters(self):
        rows = (
            self.env["perf.calibration"]
            .sudo()
            ._read_group(
                [("cycle_id", "in", self.ids)], ["cycle_id", "state"], ["__count"]
            )
        )
        for cycle in self:
            mine = [(state, count) for c, state, count in rows if c == cycle]
            cycle.calibration_count = sum(count for _s, count in mine)
            cycle.calibration_approved_count = sum(
                count for state, count in mine if state == "approved"
            )

    # ------------------------------------------------------------ guards
    def _check_can_start_calibration(self):
        self._check_hr()
        for cycle in self:
            if cycle.state != "evaluation" or cycle._job_running():
                raise UserError(
                    self.env._(
                        "The calibration of %(cycle)s starts once the cycle is in "
                        "evaluation.",
                        cycle=cycle.name,
                    )
                )

    # ----------------------------------------------------------- actions
    def action_start_calibration(self):
        """Preview the start of the calibration (绩效校准): the reviews whose
        ratings are not all in, and the calibration groups with who
        calibrates each; the preview starts it. With ``perf_force`` in the
        context and nothing to decide, start at once."""
        self._lock_for_update()
        self._check_can_start_calibration()
        self.ensure_one()
        wizard = self.env["perf.cycle.calibration"].create({"cycle_id": self.id})
        wizard._fill()
        if self.env.context.get("perf_force") and not wizard.waiting_count:
            return wizard.action_confirm()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Start the calibration"),
            "res_model": "perf.cycle.calibration",
            "res_id": wizard.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def _calibration_plan(self, reviews):
        """Calibration groups of ``reviews`` ({root department or None:
        domain Group}) and who calibrates each ({root: user})."""
        self.ensure_one()
        reviews = reviews.sudo()
        Department = self.env["hr.department"].sudo().with_context(active_test=False)
        departments = Department.search_fetch(
            [("company_id", "in", [self.company_id.id, False])],
            ["parent_id", "manager_id"],
        )
        tree = {
            d.id: (d.parent_id.id or None, d.manager_id.id or None) for d in departments
        }
        groups = calibration_rules.calibration_groups(
            tree,
            {r.id: (r.employee_id.id, r.department_id.id or None) for r in reviews},
            min_size=self.distribution_policy_id.min_group_size,
        )
        heads = Department.browse([root for root in groups if root]).manager_id
        resolved = heads._perf_resolve()
        calibrators = {}
        for root, group in groups.items():
            owners = reviews.browse(group.reviews).user_id
            user = self.env["res.users"]
            if root:
                head = Department.browse(root).manager_id
                user = head.user_id if head.user_id.active else user
                if not user and head in resolved:
                    user = resolved[head][0].user_id
            if not user or user in owners:
                user = self._hr_officers(excluding=owners)[:1]
            calibrators[root] = user
        return groups, calibrators

    def _do_start_calibration(self, groups, calibrators, close=None, leave_out=None):
        """Close the evaluations in ``close`` with the ratings given so far,
        leave those in ``leave_out`` in evaluation, and create one
        calibration per group ({root: Group}, {root: user})."""
        self.ensure_one()
        if close:
            close._close_evaluation()
        self._write_state({"state": "calibration"})
        calibrations = self.env["perf.calibration"]._create_groups(
            self, groups, calibrators
        )
        self.message_post(
            body=self.env._(
                "Calibration started: %(groups)s groups, %(reviews)s reviews "
                "(%(closed)s closed with the ratings given so far, %(left)s left in "
                "evaluation).",
                groups=len(calibrations),
                reviews=sum(len(g.reviews) for g in groups.values()),
                closed=len(close or ()),
                left=len(leave_out or ()),
            ),
            subtype_xmlid="mail.mt_note",
        )
        self.env.ref("perf_closed_loop.ir_cron_perf_deliver_todos")._trigger()
        return calibrations

    def action_view_calibrations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "perf_closed_loop.perf_calibration_action"
        )
        action["domain"] = [("cycle_id", "=", self.id)]
        action["context"] = {}
        return action
