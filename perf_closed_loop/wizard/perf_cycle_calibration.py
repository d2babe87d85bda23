# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError

from ..domain import calibration as calibration_rules


class PerfCycleCalibration(models.TransientModel):
    """Preview of the start of the calibration (绩效校准): the reviews whose
    ratings are not all in (HR waits, closes them with the ratings given so
    far, or leaves them out), and the calibration groups — one per
    department tree with a head, small teams pooled into their parent's —
    with who calibrates each, which HR may change, or merge groups."""

    _name = "perf.cycle.calibration"
    _description = "Start of the Calibration"

    cycle_id = fields.Many2one("perf.cycle", required=True, ondelete="cascade")
    line_ids = fields.One2many("perf.cycle.calibration.line", "wizard_id")
    incomplete_line_ids = fields.One2many(
        "perf.cycle.calibration.line",
        "wizard_id",
        domain=[("kind", "=", "incomplete")],
        string="Ratings not all in",
    )
    group_line_ids = fields.One2many(
        "perf.cycle.calibration.line",
        "wizard_id",
        domain=[("kind", "=", "group")],
        string="Calibration groups",
    )
    review_count = fields.Integer(string="Reviews to calibrate", readonly=True)
    waiting_count = fields.Integer(compute="_compute_counts")
    group_count = fields.Integer(compute="_compute_counts")

    @api.depends("line_ids.decision", "line_ids.merge_into_id")
    def _compute_counts(self):
        for wizard in self:
            lines = wizard.line_ids
            wizard.waiting_count = len(
                lines.filtered(
                    lambda x: x.kind == "incomplete" and x.decision == "wait"
                )
            )
            wizard.group_count = len(
                lines.filtered(lambda x: x.kind == "group" and not x.merge_into_id)
            )

    def _fill(self):
        self.ensure_one()
        cycle = self.cycle_id
        reviews = cycle.review_ids.sudo().filtered(lambda r: r.state == "evaluation")
        incomplete = reviews.filtered(lambda r: not r.evaluation_done)
        groups, calibrators = cycle._calibration_plan(reviews)
        lines = [
            {
                "wizard_id": self.id,
                "kind": "incomplete",
                "review_id": review.id,
                "decision": "wait",
                "open_rating_count": len(
                    review.rating_ids.filtered(lambda r: r.state in ("waiting", "todo"))
                ),
            }
            for review in incomplete
        ]
        roots = calibration_rules.ordered_roots(groups)
        lines += [
            {
                "wizard_id": self.id,
                "kind": "group",
                "sequence": index,
                "department_id": root or False,
                "department_ids": [(6, 0, sorted(groups[root].departments))],
                "pooled_department_ids": [(6, 0, sorted(groups[root].pooled_from))],
                "group_review_ids": [(6, 0, sorted(groups[root].reviews))],
                "calibrator_id": calibrators[root].id,
                "proposed_calibrator_id": calibrators[root].id,
            }
            for index, root in enumerate(roots)
        ]
        self.env["perf.cycle.calibration.line"].create(lines)
        self.review_count = len(reviews)

    def action_confirm(self):
        self.ensure_one()
        cycle = self.cycle_id
        cycle._check_can_start_calibration()
        incomplete = self.line_ids.filtered(lambda x: x.kind == "incomplete")
        waiting = incomplete.filtered(lambda x: x.decision == "wait")
        if waiting:
            raise UserError(
                self.env._(
                    "%(count)s reviews still wait for ratings: close them with the "
                    "ratings given so far, leave them out, or start the calibration "
                    "later.\n%(people)s",
                    count=len(waiting),
                    people=", ".join(waiting.review_id.employee_id.mapped("name")[:30]),
                )
            )
        leave_out = incomplete.filtered(lambda x: x.decision == "leave_out").review_id
        close = incomplete.filtered(lambda x: x.decision == "close").review_id
        # The groups of the reviews really calibrated (a team whose people
        # were left out may now be small enough to pool), with HR's choices.
        reviews = (
            cycle.review_ids.sudo().filtered(lambda r: r.state == "evaluation")
            - leave_out
        )
        planned, calibrators = cycle._calibration_plan(reviews)
        groups = {root: set(group.reviews) for root, group in planned.items()}
        departments = {root: set(group.departments) for root, group in planned.items()}
        pooled = {root: list(group.pooled_from) for root, group in planned.items()}
        for line in self.line_ids.filtered(lambda x: x.kind == "group"):
            root = line.department_id.id or None
            if root not in groups:
                continue
            if line.calibrator_id and line.calibrator_id != line.proposed_calibrator_id:
                calibrators[root] = line.calibrator_id
            target = line.merge_into_id.department_id.id or None
            if line.merge_into_id and target in groups and target != root:
                groups[target] |= groups.pop(root)
                departments[target] |= departments.pop(root)
                pooled[target] += [root, *pooled.pop(root)]
                calibrators.pop(root, None)
        for root, ids in groups.items():
            owners = self.env["perf.review"].sudo().browse(ids).user_id
            if calibrators[root] in owners:
                raise UserError(
                    self.env._(
                        "%(user)s cannot calibrate %(group)s: their own review is in "
                        "it.",
                        user=calibrators[root].name,
                        group=self.env["hr.department"].browse(root).name
                        or self.env._("the top group"),
                    )
                )
        groups = {
            root: calibration_rules.Group(
                root,
                frozenset(departments[root]),
                frozenset(ids),
                tuple(r for r in pooled[root] if r),
            )
            for root, ids in groups.items()
        }
        cycle._do_start_calibration(
            groups, calibrators, close=close, leave_out=leave_out
        )
        return {"type": "ir.actions.act_window_close"}
