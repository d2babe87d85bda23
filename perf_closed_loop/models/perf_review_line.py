# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..domain import measures, scoring
from ..domain.text import is_blank
from . import perf_bulk_insert

LINE_KINDS = [("kpi", "KPI"), ("key_result", "Key result"), ("question", "Question")]
GOAL_FIELDS = {
    "name",
    "description",
    "weight",
    "target_value",
    "unit",
    "direction",
    "objective_id",
    "sequence",
}
TEMPLATE_LOCKED_FIELDS = {"name", "weight", "direction", "kind"}


class PerfReviewLine(models.Model):
    """One indicator of a review: a KPI line (from the template or added
    when goals are set), a key result of an objective, or a question.

    Access: read with the review. Goals (name, target, weight …) are edited
    by whoever may edit the review's goals, only while they are being set;
    a template indicator keeps its name and weight. Actual values and
    progress only change through check-ins; the actual of a line bound to a
    measure (``measure_id``) only through the system's (a person's check-in
    on it comments, its value stays the measured one). Whoever reads the
    line sees the measured value; the measured records open as the viewer,
    with the viewer's own access rights.
    """

    _name = "perf.review.line"
    _description = "Review Indicator"
    _inherit = ["perf.number.mixin"]
    _order = "review_id, kind, sequence, id"

    review_id = fields.Many2one(
        "perf.review", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="review_id.company_id", store=True)
    employee_id = fields.Many2one(related="review_id.employee_id", store=True)
    review_state = fields.Selection(related="review_id.state")
    kind = fields.Selection(
        LINE_KINDS,
        required=True,
        default="kpi",
        index=True,
    )
    objective_id = fields.Many2one(
        "perf.objective", ondelete="cascade", index=True, string="Objective"
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Indicator", required=True)
    description = fields.Text()
    weight = fields.Float(string="Weight (%)")
    target_value = fields.Float(string="Target")
    actual_value = fields.Float(string="Actual", readonly=True)
    unit = fields.Char()
    direction = fields.Selection(
        [("higher", "Higher is better"), ("lower", "Lower is better")],
        default="higher",
    )
    auto_score = fields.Boolean(string="Scored from actual vs target")
    score_cap = fields.Float(default=120.0)
    progress = fields.Float(string="Progress (%)", readonly=True)
    origin = fields.Selection(
        [
            ("template", "Template"),
            ("employee", "Employee"),
            ("manager", "Manager"),
            ("carried", "Carried over"),
        ],
        default="employee",
        required=True,
        readonly=True,
    )
    carried_action_id = fields.Many2one(
        "perf.agreed.action",
        string="Carried over from",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The action agreed in an earlier results interview this "
        "indicator follows.",
    )
    carried_from = fields.Char(
        compute="_compute_carried_from", string="Carried over from cycle"
    )
    template_kpi_id = fields.Many2one("perf.template.kpi", readonly=True)
    template_question_id = fields.Many2one("perf.template.question", readonly=True)
    measure_id = fields.Many2one(
        "perf.measure",
        string="Measured by",
        readonly=True,
        index="btree_not_null",
        help="The actual is measured from Odoo's records, not typed.",
    )
    can_open_measured_records = fields.Boolean(
        compute="_compute_can_open_measured_records"
    )
    status = fields.Selection(
        [
            ("on_track", "On track"),
            ("at_risk", "At risk"),
            ("off_track", "Off track"),
        ],
        readonly=True,
    )
    last_checkin_date = fields.Date(string="Last check-in", readonly=True)
    checkin_ids = fields.One2many("perf.checkin", "line_id", string="Check-ins")

    _sql_constraints = [
        ("weight_positive", "CHECK(weight >= 0)", "A weight cannot be negative."),
    ]

    @api.constrains("name")
    def _check_name(self):
        for record in self:
            if is_blank(record.name):
                raise ValidationError(
                    self.env._("An indicator or key result needs a name.")
                )

    @api.depends("measure_id")
    @api.depends_context("uid")
    def _compute_can_open_measured_records(self):
        readable = {}
        for line in self:
            model = line.measure_id.sudo().model_id.model
            if model and model not in readable:
                readable[model] = model in self.env and self.env[model].has_access(
                    "read"
                )
            line.can_open_measured_records = bool(model) and readable[model]

    @api.depends("name", "objective_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = (
                f"{line.objective_id.name} › {line.name}"
                if line.objective_id
                else line.name
            )

    @api.depends("carried_action_id")
    def _compute_carried_from(self):
        for line in self:
            action = line.sudo().carried_action_id
            line.carried_from = (
                self.env._("carried over from %(cycle)s", cycle=action.cycle_id.name)
                if action
                else False
            )

    # ------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            reviews = self.env["perf.review"].browse(
                {vals.get("review_id") for vals in vals_list}
            )
            reviews._check_can_edit_goals()
            user_origin = self.env["perf.review"]._goal_origin_for_user
            for vals in vals_list:
                review = reviews.browse(vals["review_id"])
                vals["origin"] = user_origin(review)
                vals.pop("actual_value", None)
                vals.pop("progress", None)
                vals.pop("measure_id", None)
                if vals.get("kind") == "question":
                    raise UserError(self.env._("Questions come from the template."))
                if (
                    vals.get("kind", "kpi") == "kpi"
                    and not review.template_id.allow_employee_indicators
                ):
                    raise UserError(
                        self.env._(
                            "The template “%(template)s” does not allow adding "
                            "indicators.",
                            template=review.template_id.name,
                        )
                    )
        lines = super().create(vals_list)
        lines.objective_id._check_same_review(lines)
        return lines

    @api.model
    def _insert_for_reviews(self, vals_list):
        """The lines the loop itself gives reviews (the template's
        indicators at launch, the actions carried over), set-based: one
        ``INSERT`` per kind of row instead of the ORM's ``create``; returns
        them in the order of ``vals_list``.

        Safe (issue 21): nobody reads these rows while the launch makes
        them; the model has no mail thread and no translated or
        company-dependent column; its ``create`` adds nothing on this path
        (the user checks are skipped for the superuser) but the number
        checks and the objective's check, run here as it runs them, like the
        name constraint and the defaults, required fields and selection
        values (``complete_rows``). ``company_id`` and ``employee_id``
        (stored related fields) are the review's, as the ORM would compute
        them; the review must exist (the foreign key refuses it otherwise)
        and ``weight >= 0`` is the table's own constraint. What depends on
        the new lines is marked for recompute (``insert_rows``). Private,
        for the loop in ``sudo``: no access rule is checked."""
        reviews = self.env["perf.review"].browse(
            {vals["review_id"] for vals in vals_list}
        )
        owners = {
            review.id: {
                "company_id": review.company_id.id,
                "employee_id": review.employee_id.id,
            }
            for review in reviews
        }
        rows = perf_bulk_insert.complete_rows(
            self, [dict(vals, **owners[vals["review_id"]]) for vals in vals_list]
        )
        for row in rows:
            if is_blank(row["name"]):
                raise ValidationError(
                    self.env._("An indicator or key result needs a name.")
                )
            self._perf_check_numbers(row)
        lines = perf_bulk_insert.insert_row_groups(self, rows)
        lines.objective_id._check_same_review(lines)
        return lines

    def write(self, vals):
        self.review_id.cycle_id._check_open()
        if not self.env.su:
            illegal = set(vals) - GOAL_FIELDS
            if illegal:
                raise UserError(
                    self.env._(
                        "Actual values and progress are recorded through check-ins."
                    )
                )
            self.review_id._check_can_edit_goals()
            if set(vals) & TEMPLATE_LOCKED_FIELDS and self.filtered(
                lambda line: line.origin == "template"
            ):
                raise UserError(
                    self.env._(
                        "An indicator of the template keeps its name and weight; "
                        "only its target can change."
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_locked(self):
        self.review_id.cycle_id._check_open()
        if not self.env.su:
            self.review_id._check_can_edit_goals()
            if self.filtered(lambda line: line.origin == "template"):
                raise UserError(
                    self.env._("An indicator of the template cannot be removed.")
                )
            if self.filtered("carried_action_id") and not self.env.context.get(
                "perf_drop_carried"
            ):
                raise UserError(
                    self.env._(
                        "An action carried over from the last interview is dropped "
                        "with a reason (Drop), not deleted."
                    )
                )
            if self.review_id.filtered("goal_change_state"):
                raise UserError(
                    self.env._(
                        "During a goal change, set an indicator's weight to 0 "
                        "instead of removing it: the approved goals are kept."
                    )
                )

    # --------------------------------------------------------- business
    def _compute_progress_from_actual(self, actual):
        """Progress (0–100) of a KPI line reaching ``actual``."""
        self.ensure_one()
        score = scoring.kpi_auto_score(
            actual, self.target_value, self.direction or "higher", cap=100.0
        )
        return min(score, 100.0)

    def action_drop_carried(self, reason=None):
        """Drop carried-over actions from the goals, with a reason: the
        indicator goes, the agreed action is dropped with the reason."""
        if reason is None:
            return self.env["perf.review.reason"]._ask(self, "drop_carried")
        reason = self.env["perf.state.mixin"]._checked_reason(reason)
        if self.filtered(lambda line: not line.carried_action_id):
            raise UserError(self.env._("Only a carried-over action is dropped."))
        self.review_id._check_can_edit_goals()
        actions = self.sudo().carried_action_id
        for line in self:
            line.review_id.message_post(
                body=self.env._(
                    "Carried-over action dropped: %(action)s (%(reason)s)",
                    action=line.name,
                    reason=reason,
                ),
                subtype_xmlid="mail.mt_note",
            )
        template = self.filtered(lambda line: line.origin == "template")
        template.sudo().write({"carried_action_id": False})
        (self - template).with_context(perf_drop_carried=True).unlink()
        actions.filtered(lambda a: a.state == "open")._do_drop(reason)
        return True

    def _measured_checkin_vals(self, measure, value, count, monetary, unit):
        """The system's check-in moving this line's actual to ``value``,
        in the employee's language."""
        self.ensure_one()
        lang = self.review_id.user_id.lang or self.env.lang
        env = self.with_context(lang=lang).env
        return {
            "review_id": self.review_id.id,
            "line_id": self.id,
            "value": value,
            "status": self.status or "on_track",
            "note": env._(
                "Measured from “%(measure)s”: %(count)s records, %(value)s",
                measure=measure.with_env(env).name,
                count=count,
                value=measures.format_value(value, unit, monetary=monetary),
            ),
        }

    def action_open_measured_records(self):
        """The records counted for this line, as the viewer may read them."""
        self.ensure_one()
        self.check_access("read")
        measure = self.measure_id.sudo()
        if not measure:
            raise UserError(self.env._("This indicator is not measured."))
        if not self.can_open_measured_records:
            raise AccessError(
                self.env._(
                    "You may see the measured value, not the records it counts "
                    "(“%(model)s”).",
                    model=measure.model_id.name,
                )
            )
        review = self.review_id.sudo()
        person = measure._person_of(review.employee_id)
        domain = measure._records_domain(
            person.ids,
            review.cycle_id.date_start,
            review.cycle_id.date_end,
            review.company_id,
            review._measure_tz(),
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("%(indicator)s: measured records", indicator=self.name),
            "res_model": measure.model_id.model,
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": domain,
            "context": {"create": False},
        }

    def action_open_checkin(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Check in: %(line)s", line=self.display_name),
            "res_model": "perf.checkin",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_review_id": self.review_id.id,
                "default_line_id": self.id,
                "default_value": self.actual_value,
                "default_progress": self.progress,
            },
        }
