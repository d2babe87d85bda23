# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression

from ..wizard.perf_cycle_export import ROLE_COLUMNS, SCORE_COLUMNS
from .perf_todo_mixin import BULK_CONTEXT


class PerfReview(models.Model):
    """Results: calibration, publication (结果公布), acknowledgement, export.

    Calibration (绩效校准): the review sits in a ``perf.calibration`` group,
    whose calibrator (or HR) sets the calibrated grade with a note while the
    group may change (written through ``write``: ``_write_calibration`` and
    ``_check_can_calibrate`` in ``perf_review.py``, each change kept in
    ``grade_change_ids``); the final grade is the calibrated one, else the
    proposed one, and gives the bonus coefficient. Publication
    (``perf_cycle_publication.py``) publishes the reviews in batches and
    leaves each employee a to-do; only the employee acknowledges their
    result, with a comment if they like.

    Result visibility (``perf.result.mixin``): the fields of
    ``_perf_result_fields`` are hidden record by record, by every route
    (form, list, search, group, export): the employee sees their own once
    published, never the internal ones (proposed and calibrated grades,
    calibration note); anybody else only from above the employee (manager,
    skip-level manager, head, calibrator) or as HR, never for their own
    review. The spreadsheet (``perf.cycle.export``) holds each row as the
    user may read it.

    Fields: ``calibration_id``, ``calibrated_grade_id``,
    ``calibration_note``, ``final_grade_id``, ``coefficient``,
    ``scale_id``, ``grade_change_ids``, ``published_date`` and the
    acknowledgement (``acknowledged``, ``acknowledge_date``,
    ``acknowledge_comment``).
    """

    # One model, a file per phase (docs/architecture.md): not to be merged.
    _inherit = "perf.review"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------ fields
    calibration_id = fields.Many2one(
        "perf.calibration", string="Calibration group", readonly=True, index=True
    )
    calibrated_grade_id = fields.Many2one(
        "perf.rating.grade",
        string="Calibrated grade",
        domain="[('scale_id', '=', scale_id)]",
        copy=False,
        tracking=False,
    )
    calibration_note = fields.Text(copy=False)
    final_grade_id = fields.Many2one(
        "perf.rating.grade",
        string="Final grade",
        compute="_compute_final_grade",
        store=True,
        index=True,
        copy=False,
    )
    coefficient = fields.Float(
        aggregator="avg",
        string="Bonus coefficient",
        compute="_compute_final_grade",
        store=True,
        digits=(4, 2),
        copy=False,
    )
    scale_id = fields.Many2one(related="template_id.rating_scale_id")
    grade_change_ids = fields.One2many(
        "perf.review.grade.change", "review_id", string="Grade changes", readonly=True
    )
    published_date = fields.Datetime(readonly=True, copy=False)
    acknowledged = fields.Boolean(readonly=True, copy=False, index=True)
    acknowledge_date = fields.Datetime(readonly=True, copy=False)
    acknowledge_comment = fields.Text(readonly=True, copy=False)

    # ------------------------------------------------- result visibility
    _perf_result_fields = (
        "final_score",
        "score_ready",
        "grade_id",
        "coefficient",
        "self_score",
        "manager_score",
        "skip_level_score",
        "designated_score",
        "peer_score",
        "peer_submitted_count",
        "kpi_score",
        "okr_score",
        "question_score",
        "peer_feedback_html",
        "calibrated_grade_id",
        "calibration_note",
        "final_grade_id",
    )
    # Never shown to the employee, even once published: how the final grade
    # came about (proposed, calibrated, why) stays between the managers.
    _perf_internal_fields = ("calibration_note", "grade_id", "calibrated_grade_id")

    def _perf_result_visible_domain(self, internal=False):
        """The employee sees their own results once published (never the
        internal fields: the proposed and calibrated grades, the calibration
        note); anybody else who reads a
        review sees them only from above it (manager, skip-level manager,
        department head, calibrator, or an HR officer for every review but
        their own)."""
        user = self.env.user
        mine = user.sudo().employee_ids.ids
        own = ["|", ("user_id", "=", user.id), ("employee_id", "in", mine)]
        not_own = [("user_id", "!=", user.id), ("employee_id", "not in", mine)]
        published = [("state", "=", "published")]
        if user.has_group("perf_closed_loop.group_perf_hr"):
            above = []
        else:
            above = expression.OR(
                [
                    [("manager_user_id", "=", user.id)],
                    [("skip_manager_user_id", "=", user.id)],
                    [("department_head_user_id", "=", user.id)],
                    [("calibration_id.calibrator_id", "=", user.id)],
                    [("employee_id", "child_of", mine)],
                    [
                        (
                            "department_id",
                            "child_of",
                            user.sudo().perf_headed_department_ids.ids,
                        )
                    ],
                ]
            )
        from_above = expression.AND([not_own, above])
        if internal:
            return from_above
        return expression.OR([expression.AND([own, published]), from_above])

    # ----------------------------------------------------------- compute
    @api.depends("grade_id", "calibrated_grade_id")
    def _compute_final_grade(self):
        for review in self:
            review.final_grade_id = review.calibrated_grade_id or review.grade_id
            review.coefficient = review.final_grade_id.coefficient

    # ------------------------------------------------------- publication
    def _do_publish(self):
        """Publish these reviews in one batch; each employee gets a to-do to
        read and acknowledge their result (batched delivery)."""
        reviews = self.sudo().with_context(**BULK_CONTEXT)
        reviews._write_state(
            {
                "state": "published",
                "published_date": fields.Datetime.now(),
                "todo_kind": "acknowledge",
                "todo_pending": True,
            }
        )
        reviews.filtered(lambda r: not r.user_id).write({"todo_pending": False})

    def _check_can_acknowledge(self):
        self._check_readable()
        for review in self:
            review.cycle_id._check_open()
            if review.state != "published" or review.acknowledged:
                raise UserError(
                    self.env._(
                        "Only a published result not yet acknowledged can be "
                        "acknowledged (%(review)s).",
                        review=review.display_name,
                    )
                )
            if review.user_id != self.env.user:
                raise AccessError(
                    self.env._("Only the employee acknowledges their result.")
                )

    def action_acknowledge(self, comment=None):
        """The employee read their result (and may say something)."""
        if isinstance(comment, str) and "\x00" in comment:
            raise UserError(
                self.env._("The comment contains a NUL character: remove it.")
            )
        self._lock_for_update()
        self._check_can_acknowledge()
        self._do_acknowledge(comment)
        return True

    def action_open_acknowledge(self):
        self.ensure_one()
        self._check_can_acknowledge()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Acknowledge the result"),
            "res_model": "perf.review.acknowledge",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_review_id": self.id},
        }

    def _do_acknowledge(self, comment):
        for review in self:
            review.sudo().write(
                {
                    "acknowledged": True,
                    "acknowledge_date": fields.Datetime.now(),
                    "acknowledge_comment": comment or False,
                }
            )
            review._close_todos()
            body = (
                self.env._("Result acknowledged: %(comment)s", comment=comment)
                if comment
                else self.env._("Result acknowledged.")
            )
            review.message_post(
                body=body,
                partner_ids=review.manager_user_id.partner_id.ids,
                subtype_xmlid="mail.mt_comment",
            )

    # ------------------------------------------------------------ export
    def _export_columns(self):
        """(field, header, width, kind) of the results spreadsheet."""
        _ = self.env._
        return [
            ("employee_id", _("Employee"), 24, "text"),
            ("department_id", _("Department"), 20, "text"),
            ("manager_id", _("Manager"), 20, "text"),
            ("template_id", _("Template"), 20, "text"),
            ("kpi_score", _("KPI score"), 10, "score"),
            ("okr_score", _("OKR score"), 10, "score"),
            ("question_score", _("Questions score"), 10, "score"),
            ("self_score", _("Self-evaluation"), 10, "score"),
            ("peer_score", _("Peers (aggregate)"), 10, "score"),
            ("manager_score", _("Manager review"), 10, "score"),
            ("skip_level_score", _("Skip-level review"), 10, "score"),
            ("designated_score", _("Designated reviewer"), 10, "score"),
            ("final_score", _("Final score"), 10, "score"),
            ("grade_id", _("Proposed grade"), 10, "text"),
            ("calibrated_grade_id", _("Calibrated grade"), 10, "text"),
            ("final_grade_id", _("Final grade"), 10, "text"),
            ("coefficient", _("Bonus coefficient"), 10, "number"),
            ("calibration_note", _("Calibration note"), 30, "text"),
            ("acknowledged", _("Acknowledged"), 12, "text"),
        ]

    def _results_rows(self, columns):
        """The rows of these reviews in the results spreadsheet, as the
        current user reads them (hidden results stay empty). Scores nobody
        gave are left blank, not 0: a person graded in calibration without
        any rating has a final grade and no score."""
        names = [name for name, _h, _w, _k in columns]
        yes, no = self.env._("Yes"), self.env._("No")
        # Short department names (the sheets are named after them), grade
        # codes, and which kinds of rating each review has: read at once.
        departments = {d.id: d.name for d in self.sudo().department_id}
        grades = {
            g.id: g.code
            for g in self.sudo().mapped("grade_id")
            | self.sudo().mapped("calibrated_grade_id")
            | self.sudo().mapped("final_grade_id")
        }
        rated = {
            (review.id, role)
            for review, role in self.env["perf.review.rating"]
            .sudo()
            ._read_group(
                [("review_id", "in", self.ids), ("state", "=", "submitted")],
                ["review_id", "role"],
            )
        }
        rows = []
        for values in self.read([*names, "score_ready"]):
            row = []
            for name, _header, _width, _kind in columns:
                value = values[name]
                if name in ("grade_id", "calibrated_grade_id", "final_grade_id"):
                    value = grades.get(value[0], "") if value else ""
                elif name == "department_id" and value:
                    value = departments[value[0]]
                elif isinstance(value, tuple):
                    value = value[1]
                elif name == "acknowledged":
                    value = yes if value else no
                elif name in SCORE_COLUMNS and not values["score_ready"]:
                    value = ""
                elif name in ROLE_COLUMNS and (
                    (values["id"], ROLE_COLUMNS[name]) not in rated
                ):
                    value = ""
                elif value is False and self._fields[name].type != "float":
                    value = ""
                row.append(value)
            rows.append(row)
        return rows

    def action_export_xlsx(self):
        """Export the selected reviews' results (as the user may read them;
        never one's own): a spreadsheet built when its link is opened."""
        cycle = self.cycle_id[:1]
        return self.env["perf.cycle.export"]._request(cycle, self)
