# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..domain import recurrence as recurrence_rules

RUNNING_STATES = ("goal_setting", "execution", "evaluation", "calibration")
# The goals are due within the period; the others may fall after it.
DEADLINES = ("goal_deadline", "evaluation_deadline", "calibration_deadline")


class PerfCycle(models.Model):
    """The next cycle, and cycles that repeat (月度/季度/半年度考核).

    ``action_prepare_next_cycle`` makes the next draft cycle: the same
    assignments, policy, HR responsible and recurrence, ``previous_cycle_id``
    pointing back, the deadlines moved forward. A one-off cycle is followed
    by a period as long (as many whole months, else as many days); a
    recurring cycle (``recurrence`` monthly, quarterly or half-yearly) by
    its next period in the calendar (``domain/recurrence.py``). Preparing
    twice opens the cycle already prepared.

    The daily cron ``_cron_recurring_cycles`` prepares the next cycle of
    every launched recurring cycle ``recurrence_lead_days`` before its
    period ends, once (a cycle with a successor, even a cancelled one, is
    done: cancelling the successor stops the chain). After a gap (the
    scheduler stopped, a cycle launched late) it catches up with the period
    not over yet and skips those already gone by, saying so. The next cycle
    is then launched by the cron on its start date (``auto_launch``), as
    the HR responsible and through the usual checks of ``action_launch``
    (a big one in the background); a launch those checks refuse leaves the
    cycle in draft, with the reason (``launch_refusal``) and a to-do for
    HR. Without ``auto_launch`` HR gets a to-do "confirm and launch" at
    once. A cycle may start while the previous one is still being rated or
    calibrated: the form says so (``previous_cycle_running``).

    Who: HR officers of the cycle's company prepare next cycles and set the
    recurrence (the cycle's access rights); the cron acts for the cycle's
    HR responsible, else another HR officer of its company.

    Fields: ``recurrence``, ``auto_launch``, ``recurrence_lead_days``,
    ``previous_cycle_id`` / ``next_cycle_ids`` / ``next_cycle_id`` and their
    states, ``previous_cycle_running``, ``next_prepare_date``,
    ``launch_refusal``.
    """

    # One model, a file per phase (docs/architecture.md): not to be merged.
    _inherit = "perf.cycle"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------ fields
    recurrence = fields.Selection(
        [
            ("none", "Does not repeat"),
            ("monthly", "Monthly"),
            ("quarterly", "Quarterly"),
            ("half_yearly", "Half-yearly"),
        ],
        default="none",
        required=True,
        tracking=True,
        index=True,
        help="A recurring cycle prepares the next one by itself, a few days "
        "before its period ends.",
    )
    auto_launch = fields.Boolean(
        string="Launch automatically",
        tracking=True,
        help="The next cycle is launched on its start date without HR "
        "confirming it; otherwise HR gets a to-do to confirm and launch it.",
    )
    recurrence_lead_days = fields.Integer(
        string="Prepare the next cycle (days before the end)",
        default=5,
        tracking=True,
    )
    previous_cycle_id = fields.Many2one(
        "perf.cycle",
        string="Previous cycle",
        readonly=True,
        copy=False,
        index=True,
        ondelete="set null",
        check_company=True,
    )
    next_cycle_ids = fields.One2many(
        "perf.cycle",
        "previous_cycle_id",
        string="Next cycles",
        readonly=True,
        context={"active_test": False},
    )
    next_cycle_id = fields.Many2one(
        "perf.cycle", string="Next cycle", compute="_compute_next_cycle_id"
    )
    next_cycle_state = fields.Selection(
        selection="_selection_cycle_state",
        string="Next cycle's state",
        compute="_compute_next_cycle_id",
    )
    previous_cycle_state = fields.Selection(
        related="previous_cycle_id.state", string="Previous cycle's state"
    )
    previous_cycle_running = fields.Boolean(
        string="Previous cycle still running",
        compute="_compute_previous_cycle_running",
    )
    next_prepare_date = fields.Date(
        string="Next cycle prepared on", compute="_compute_next_prepare_date"
    )
    launch_refusal = fields.Text(
        string="Automatic launch refused",
        readonly=True,
        copy=False,
        help="Why the scheduler could not launch this cycle on its start date: "
        "fix it and launch the cycle by hand.",
    )

    # ----------------------------------------------------------- compute
    @api.depends("next_cycle_ids.state")
    def _compute_next_cycle_id(self):
        for cycle in self:
            successors = cycle.next_cycle_ids.sorted("id", reverse=True)
            live = successors.filtered(lambda c: c.state != "cancelled")
            cycle.next_cycle_id = (live or successors)[:1]
            cycle.next_cycle_state = cycle.next_cycle_id.state

    @api.model
    def _selection_cycle_state(self):
        """The cycle's states, with their labels in the user's language."""
        return self._fields["state"]._description_selection(self.env)

    @api.depends("state", "previous_cycle_id.state")
    def _compute_previous_cycle_running(self):
        for cycle in self:
            cycle.previous_cycle_running = (
                cycle.state not in ("cancelled", "closed")
                and cycle.previous_cycle_id.sudo().state in RUNNING_STATES
            )

    @api.depends("recurrence", "date_end", "recurrence_lead_days")
    def _compute_next_prepare_date(self):
        for cycle in self:
            if cycle.recurrence == "none" or not cycle.date_end:
                cycle.next_prepare_date = False
                continue
            try:
                cycle.next_prepare_date = recurrence_rules.due_date(
                    cycle.date_end, max(cycle.recurrence_lead_days, 0)
                )
            except OverflowError:
                cycle.next_prepare_date = False

    # ------------------------------------------------------- constraints
    @api.constrains("recurrence", "recurrence_lead_days", "date_start", "date_end")
    def _check_recurrence(self):
        for cycle in self:
            if cycle.recurrence == "none":
                continue
            length = (cycle.date_end - cycle.date_start).days + 1
            if not 0 <= cycle.recurrence_lead_days < length:
                raise ValidationError(
                    self.env._(
                        "The cycle “%(cycle)s” cannot be saved: the next cycle is "
                        "prepared 0 to %(most)s days before the period ends, not "
                        "%(days)s.",
                        cycle=cycle.name,
                        most=length - 1,
                        days=cycle.recurrence_lead_days,
                    )
                )

    # ------------------------------------------------------------ guards
    def _check_can_prepare_next_cycle(self):
        self._check_hr()
        for cycle in self:
            if cycle.state == "cancelled":
                raise UserError(
                    self.env._(
                        "The cycle %(cycle)s is cancelled: it has no next cycle.",
                        cycle=cycle.name,
                    )
                )

    # ----------------------------------------------------------- actions
    def action_prepare_next_cycle(self):
        """Open the next draft cycle, prepared now unless it already is."""
        self.ensure_one()
        self._lock_for_update()
        self._check_can_prepare_next_cycle()
        new = self.next_cycle_ids.filtered(lambda c: c.state != "cancelled")[:1]
        if not new:
            try:
                new = self._prepare_next_cycle(fields.Date.context_today(self))
            except OverflowError:
                raise UserError(
                    self.env._(
                        "The cycle after “%(cycle)s” would end after the year 9999.",
                        cycle=self.name,
                    )
                ) from None
        return new._form_action()

    def action_view_previous_cycle(self):
        self.ensure_one()
        return self.previous_cycle_id._form_action()

    def action_view_next_cycle(self):
        self.ensure_one()
        return self.next_cycle_id._form_action()

    def _form_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "perf.cycle",
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    # ---------------------------------------------------------- business
    def _next_cycle_values(self, today):
        """Name, period and deadlines of the cycle after this one; prepared
        on ``today`` (a recurring cycle skips the periods already over).
        OverflowError past the year 9999."""
        self.ensure_one()
        start, end = self.date_start, self.date_end
        if self.recurrence == "none":
            if start.day == 1 and recurrence_rules.is_month_end(end):
                # Whole months (a half-year, a quarter): as many months.
                months = relativedelta(end + timedelta(days=1), start)
                shift = relativedelta(months=months.years * 12 + months.months)
            else:
                shift = relativedelta(days=(end - start).days + 1)
            new_start = start + shift
            new_end = end + timedelta(days=1) + shift - timedelta(days=1)
            values = {
                "name": self.env._("%(name)s (next cycle)", name=self.name),
                "date_start": new_start,
                "date_end": new_end,
            }
            for field in DEADLINES:
                values[field] = self[field] + shift if self[field] else False
            return values, 0
        new_start, new_end, skipped = recurrence_rules.period_to_prepare(
            start, end, self.recurrence, today
        )
        name = recurrence_rules.next_name(
            self.name,
            recurrence_rules.period_label(start, end, self.recurrence),
            recurrence_rules.period_label(new_start, new_end, self.recurrence),
        )
        values = {
            "name": name,
            "date_start": new_start,
            "date_end": new_end,
            "goal_deadline": recurrence_rules.shift_deadline(
                self.goal_deadline, start, new_start, new_end
            ),
        }
        for field in DEADLINES[1:]:
            values[field] = recurrence_rules.shift_deadline(
                self[field], start, new_start
            )
        return values, skipped

    def _prepare_next_cycle(self, today):
        """Create and return the next draft cycle (``previous_cycle_id`` set),
        with a note on both cycles."""
        self.ensure_one()
        values, skipped = self._next_cycle_values(today)
        new = self.copy(dict(values, previous_cycle_id=self.id))
        _ = self.env._
        note = _(
            "Next cycle prepared: %(cycle)s, %(start)s – %(end)s.",
            cycle=new._get_html_link(title=new.name),
            start=new.date_start,
            end=new.date_end,
        )
        if skipped:
            note += " " + _(
                "%(count)s periods already over were skipped.", count=skipped
            )
        self.message_post(body=note, subtype_xmlid="mail.mt_note")
        new.message_post(
            body=_(
                "Prepared from %(cycle)s.", cycle=self._get_html_link(title=self.name)
            ),
            subtype_xmlid="mail.mt_note",
        )
        return new

    def _recurrence_officer(self):
        """Who the scheduler acts for: the HR responsible, else the first
        HR officer of the cycle's company."""
        self.ensure_one()
        return self._hr_officers().filtered(
            lambda u: u.has_group("perf_closed_loop.group_perf_hr")
        )[:1]

    def _give_launch_todo(self, officer, summary):
        """``officer``'s to-do on this cycle (due on its start date, or
        today when that is past)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        self._schedule_todo(officer, summary, max(self.date_start, today))

    # -------------------------------------------------------------- cron
    @api.model
    def _cron_recurring_cycles(self):
        """Daily: prepare the next cycle of the recurring cycles that are
        due, then launch those that launch by themselves on their start
        date. Idempotent: a cycle with a successor is never prepared
        again, a cycle refused once is left to HR."""
        today = fields.Date.context_today(self)
        Cycle = self.sudo()
        launched = Cycle.search(
            [
                ("recurrence", "!=", "none"),
                ("state", "not in", ("draft", "cancelled")),
                ("date_end", "<=", today + timedelta(days=366)),
            ],
            order="date_end, id",
        )
        done = set(
            Cycle.with_context(active_test=False)
            .search([("previous_cycle_id", "in", launched.ids)])
            .previous_cycle_id.ids
        )
        for cycle in launched:
            if cycle.id in done or not recurrence_rules.is_due(
                cycle.date_end, cycle.recurrence_lead_days, today
            ):
                continue
            try:
                new = cycle.with_company(cycle.company_id)._prepare_next_cycle(today)
            except OverflowError:
                continue
            if not new.auto_launch:
                new._ask_hr_to_launch()
        for cycle in Cycle.search(
            [
                ("state", "=", "draft"),
                ("recurrence", "!=", "none"),
                ("auto_launch", "=", True),
                ("date_start", "<=", today),
                ("launch_refusal", "=", False),
                ("job_state", "=", False),
            ],
            order="date_start, id",
        ):
            cycle._auto_launch()

    def _ask_hr_to_launch(self):
        self.ensure_one()
        officer = self._recurrence_officer()
        if officer:
            self._give_launch_todo(
                officer,
                self._env_for(officer)._(
                    "Confirm and launch %(cycle)s", cycle=self.name
                ),
            )

    def _auto_launch(self):
        """Launch this cycle as its HR officer would; a refusal leaves it in
        draft with the reason and a to-do for HR."""
        self.ensure_one()
        officer = self._recurrence_officer()
        if not officer:
            self._refuse_auto_launch(
                self.env._(
                    "no active HR officer in %(company)s.",
                    company=self.company_id.name,
                ),
                officer,
            )
            return
        cycle = self.with_user(officer).with_company(self.company_id)
        cycle = cycle.with_context(lang=officer.lang or self.env.lang)
        try:
            with self.env.cr.savepoint():
                cycle.action_launch()
        except UserError as error:
            self._refuse_auto_launch(str(error.args[0]), officer)
            return
        self.message_post(
            body=self.env._("Launched automatically on its start date."),
            subtype_xmlid="mail.mt_note",
        )

    def _refuse_auto_launch(self, reason, officer):
        self.ensure_one()
        self.write({"launch_refusal": reason})
        self.message_post(
            body=self.env._(
                "The automatic launch was refused; the cycle stays in draft: "
                "%(reason)s",
                reason=reason,
            ),
            subtype_xmlid="mail.mt_note",
        )
        if officer:
            self._give_launch_todo(
                officer,
                self._env_for(officer)._(
                    "Launch %(cycle)s by hand: the automatic launch was refused",
                    cycle=self.name,
                ),
            )

    # ----------------------------------------------- the other phases
    def _do_launch(self, plan):
        result = super()._do_launch(plan)
        if self.launch_refusal:
            self.write({"launch_refusal": False})
        self._close_todos()
        return result

    def _do_cancel(self, reason):
        self._todo_activities().unlink()
        return super()._do_cancel(reason)
