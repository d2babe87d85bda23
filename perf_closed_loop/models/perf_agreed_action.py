# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# What the interviewer writes while the interview is recorded.
ACTION_FIELDS = {
    "name",
    "owner",
    "date_due",
    "interview_id",
    "sequence",
    "note",
    "kpi_id",
}


class PerfAgreedAction(models.Model):
    """An action agreed in a results interview: what, who owns it (the
    employee or the manager), by when.

    Who may do what:

    * readers: those of its interview (the employee, the people above them,
      HR); never peers or colleagues;
    * the interviewer (or HR) adds, changes and removes actions while the
      interview is recorded (draft);
    * the manager of the person (or HR) marks an open action done
      (``action_done``) or drops it with a reason (``action_drop``); an
      action carried into the next cycle's goals (a line of origin
      "carried") is done when that review is published, or dropped with a
      reason from the goal form (``perf.review.line.action_drop_carried``);
    * ``state`` changes only through the buttons (open → done / dropped).

    An action about an indicator of the template (``kpi_id``) follows that
    indicator in the next cycle (its line gets ``carried_action_id``)
    rather than becoming a line of its own.
    """

    _name = "perf.agreed.action"
    _inherit = ["perf.state.mixin"]
    _description = "Agreed Action"
    _order = "interview_id, sequence, id"
    _check_company_auto = True

    interview_id = fields.Many2one(
        "perf.interview", required=True, ondelete="cascade", index=True
    )
    review_id = fields.Many2one(related="interview_id.review_id", store=True)
    cycle_id = fields.Many2one(
        related="interview_id.cycle_id", store=True, index=True, string="Cycle"
    )
    company_id = fields.Many2one(
        related="interview_id.company_id", store=True, index=True
    )
    employee_id = fields.Many2one(
        related="interview_id.employee_id", store=True, index=True, string="Employee"
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Action", required=True)
    note = fields.Text()
    owner = fields.Selection(
        [("employee", "The employee"), ("manager", "The manager")],
        required=True,
        default="employee",
    )
    date_due = fields.Date(string="Due")
    template_id = fields.Many2one(related="review_id.template_id")
    kpi_id = fields.Many2one(
        "perf.template.kpi",
        string="Indicator",
        domain="[('template_id', '=', template_id)]",
        help="Optional: the template indicator this action is about. In the "
        "next cycle the action follows that indicator instead of becoming one "
        "of its own.",
    )
    state = fields.Selection(
        [("open", "Open"), ("done", "Done"), ("dropped", "Dropped")],
        default="open",
        required=True,
        readonly=True,
        copy=False,
        index=True,
    )
    done_date = fields.Date(readonly=True, copy=False)
    drop_reason = fields.Text(readonly=True, copy=False)
    carried_line_ids = fields.One2many(
        "perf.review.line", "carried_action_id", string="Carried into", readonly=True
    )
    line_id = fields.Many2one(
        "perf.review.line",
        compute="_compute_line_id",
        string="Indicator of the next cycle",
    )
    can_close = fields.Boolean(compute="_compute_can_close")

    @api.depends("carried_line_ids")
    def _compute_line_id(self):
        for action in self:
            action.line_id = action.carried_line_ids[-1:]

    @api.depends_context("uid")
    @api.depends("state")
    def _compute_can_close(self):
        for action in self:
            action.can_close = action._passes(action._check_can_close)

    # -------------------------------------------------------------- CRUD
    def _state_refusal_message(self):
        return self.env._("An agreed action is done or dropped through its buttons.")

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            interviews = self.env["perf.interview"].browse(
                {vals.get("interview_id") for vals in vals_list}
            )
            interviews._check_can_record()
        return super().create(vals_list)

    def write(self, vals):
        self.cycle_id._check_open()
        if not self.env.su and "state" not in vals:
            if set(vals) - ACTION_FIELDS:
                raise AccessError(
                    self.env._(
                        "An agreed action is done or dropped through its buttons."
                    )
                )
            self.interview_id._check_can_record()
            if "interview_id" in vals:
                self.env["perf.interview"].browse(
                    vals["interview_id"]
                )._check_can_record()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_held(self):
        self.cycle_id._check_open()
        if not self.env.su:
            self.interview_id._check_can_record()

    # ------------------------------------------------------------ guards
    def _check_can_close(self):
        self._check_readable()
        user = self.env.user
        hr = user.has_group("perf_closed_loop.group_perf_hr")
        for action in self:
            if action.state != "open":
                raise UserError(
                    self.env._(
                        "The action “%(action)s” is no longer open.",
                        action=action.name,
                    )
                )
            review = action.sudo().review_id
            managers = (
                review.manager_user_id
                | action.sudo().carried_line_ids.review_id.manager_user_id
            )
            if user == review.user_id or not (hr or user in managers):
                raise AccessError(
                    self.env._(
                        "Only the manager of %(employee)s or HR marks an agreed "
                        "action done or drops it.",
                        employee=action.employee_id.name,
                    )
                )

    # ----------------------------------------------------------- actions
    def action_done(self):
        self._lock_for_update()
        self._check_can_close()
        self._do_done()
        return True

    def _do_done(self):
        self.sudo()._write_state(
            {"state": "done", "done_date": fields.Date.context_today(self)}
        )

    def action_drop(self, reason=None):
        self._lock_for_update()
        self._check_can_close()
        reason = self._checked_reason(reason)
        self._do_drop(reason)
        return True

    def _do_drop(self, reason):
        self.sudo()._write_state({"state": "dropped", "drop_reason": reason})
