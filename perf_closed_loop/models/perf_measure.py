# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Date, Datetime
from odoo.osv import expression
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import dateutil, safe_eval, time

from ..domain import measures

PERSON_MODELS = ("res.users", "hr.employee")
# Fields whose change changes what the measure counts.
DEFINITION_FIELDS = {
    "model_id",
    "domain",
    "person_field_id",
    "date_field_id",
    "aggregate",
    "value_field_id",
    "ratio_domain",
}
# Cycles in these states still move their actuals or their scores.
RUNNING_CYCLE_STATES = ("goal_setting", "execution", "evaluation")


class PerfMeasure(models.Model):
    """A KPI measured from Odoo's own records: which records (model and
    domain), whose they are (a user or employee field), when they count (a
    date field placing them in the review period) and what is taken of
    them (count, sum or average of a numeric field, or the share that meets
    a second condition). A review line bound to a measure gets its actual
    from it (``perf_review_measures.py``).

    Access: every employee reads measures (their lines name one); only
    performance administrators create, edit or delete them, because the
    values are computed as the superuser from the definition. Domains are
    data evaluated with ``safe_eval``, never code. A change of the
    definition is tracked here and posted on the cycles running with it.
    """

    _name = "perf.measure"
    _inherit = ["mail.thread"]
    _description = "KPI Measure"
    _order = "sequence, name, id"

    # ------------------------------------------------------------ fields
    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to share the measure between companies.",
    )
    description = fields.Text(translate=True)
    model_id = fields.Many2one(
        "ir.model",
        string="Records",
        required=True,
        ondelete="cascade",
        tracking=True,
        domain=[("transient", "=", False), ("abstract", "=", False)],
    )
    model_name = fields.Char(related="model_id.model", string="Model name")
    domain = fields.Char(
        string="Which records",
        default="[]",
        required=True,
        tracking=True,
        help="Only the records matching this filter count.",
    )
    person_field_id = fields.Many2one(
        "ir.model.fields",
        string="Whose record",
        required=True,
        ondelete="cascade",
        tracking=True,
        domain="[('model_id', '=', model_id), ('store', '=', True), "
        "('ttype', 'in', ('many2one', 'many2many')), "
        "('relation', 'in', ('res.users', 'hr.employee'))]",
        help="The user or employee field that says whose record it is "
        "(e.g. the salesperson of an order, the assignees of a task).",
    )
    date_field_id = fields.Many2one(
        "ir.model.fields",
        string="Date",
        required=True,
        ondelete="cascade",
        tracking=True,
        domain="[('model_id', '=', model_id), ('store', '=', True), "
        "('ttype', 'in', ('date', 'datetime'))]",
        help="The date that places a record in the review period.",
    )
    aggregate = fields.Selection(
        [
            ("count", "Number of records"),
            ("sum", "Sum of a field"),
            ("avg", "Average of a field"),
            ("ratio", "Share meeting a condition (%)"),
        ],
        required=True,
        default="count",
        tracking=True,
    )
    value_field_id = fields.Many2one(
        "ir.model.fields",
        string="Field",
        ondelete="cascade",
        tracking=True,
        domain="[('model_id', '=', model_id), ('store', '=', True), "
        "('ttype', 'in', ('integer', 'float', 'monetary'))]",
        help="The number summed or averaged; amounts are converted to the "
        "company's currency at the record's date.",
    )
    ratio_domain = fields.Char(
        string="Condition",
        default="[]",
        tracking=True,
        help="The value is the share (%) of the counted records that also "
        "match this filter.",
    )
    unit = fields.Char(translate=True, help="e.g. orders, CNY, tasks, %")
    binding_count = fields.Integer(
        string="Indicators", compute="_compute_binding_count"
    )

    # ----------------------------------------------------------- compute
    def _compute_binding_count(self):
        counts = dict(
            self.env["perf.template.kpi"]._read_group(
                [("measure_id", "in", self.ids)], ["measure_id"], ["__count"]
            )
        )
        for measure in self:
            measure.binding_count = counts.get(measure, 0)

    # ------------------------------------------------------- constraints
    @api.constrains(*sorted(DEFINITION_FIELDS))
    def _check_definition(self):
        for measure in self:
            measure._definition_problem()

    def _refuse(self, text):
        raise ValidationError(
            self.env._(
                "The measure “%(name)s” cannot be saved: %(problem)s",
                name=self.name,
                problem=text,
            )
        )

    def _definition_problem(self):
        """Refuse a definition that could not be computed, now rather than
        when the job runs."""
        self.ensure_one()
        Model = self.env.get(self.model_id.model)
        if Model is None or Model._abstract or Model._transient:
            self._refuse(self.env._("its records are not a model that stores data."))
        for ir_field, label in (
            (self.person_field_id, self.env._("whose record")),
            (self.date_field_id, self.env._("date")),
            (self.value_field_id, self.env._("field")),
        ):
            if ir_field and ir_field.model_id != self.model_id:
                self._refuse(
                    self.env._(
                        "the %(what)s field “%(field)s” is not a field of “%(model)s”.",
                        what=label,
                        field=ir_field.field_description,
                        model=self.model_id.name,
                    )
                )
            field = ir_field and Model._fields.get(ir_field.name)
            if ir_field and not (field and field.store):
                self._refuse(
                    self.env._(
                        "the field “%(field)s” is not stored, so records cannot "
                        "be grouped or summed by it.",
                        field=ir_field.field_description,
                    )
                )
        person = Model._fields[self.person_field_id.name]
        if (
            person.type not in ("many2one", "many2many")
            or person.comodel_name not in PERSON_MODELS
        ):
            self._refuse(
                self.env._(
                    "“%(field)s” does not name a user or an employee.",
                    field=self.person_field_id.field_description,
                )
            )
        if Model._fields[self.date_field_id.name].type not in ("date", "datetime"):
            self._refuse(
                self.env._(
                    "“%(field)s” is not a date.",
                    field=self.date_field_id.field_description,
                )
            )
        if self.aggregate in ("sum", "avg"):
            if not self.value_field_id:
                self._refuse(self.env._("a sum or an average needs a field."))
            value = Model._fields[self.value_field_id.name]
            if value.type not in ("integer", "float", "monetary"):
                self._refuse(
                    self.env._(
                        "“%(field)s” is not a number.",
                        field=self.value_field_id.field_description,
                    )
                )
            if value.type == "monetary" and not self._currency_field():
                self._refuse(
                    self.env._(
                        "the amount “%(field)s” has no stored currency.",
                        field=self.value_field_id.field_description,
                    )
                )
        for text, label in (
            (self.domain, self.env._("which records")),
            (
                self.ratio_domain if self.aggregate == "ratio" else "[]",
                self.env._("condition"),
            ),
        ):
            self._domain_problem(Model, text, label)

    def _domain_problem(self, Model, text, label):
        try:
            domain = self._eval_domain(text)
            # Builds the query (fields, operators, values) without running it.
            Model.sudo().with_context(active_test=False)._search(domain)
        except Exception as error:  # noqa: BLE001 - any error is the refusal
            self._refuse(
                self.env._(
                    "the filter “%(label)s” is not valid on “%(model)s” (%(error)s).",
                    label=label,
                    model=self.model_id.name,
                    error=str(error).splitlines()[0] if str(error) else repr(error),
                )
            )

    # ------------------------------------------------------------- CRUD
    def write(self, vals):
        result = super().write(vals)
        if DEFINITION_FIELDS & set(vals):
            self._log_change_on_cycles()
        return result

    def _log_change_on_cycles(self):
        """A definition changed while cycles run with it: said on the
        measure and on each of those cycles."""
        cycles = (
            self.env["perf.cycle"]
            .sudo()
            .search(
                [
                    ("state", "in", RUNNING_CYCLE_STATES),
                    ("review_ids.line_ids.measure_id", "in", self.ids),
                ]
            )
        )
        if not cycles:
            return
        for measure in self:
            measure.message_post(
                body=self.env._(
                    "Definition changed by %(user)s while these cycles run: "
                    "%(cycles)s. Their next refresh uses it.",
                    user=self.env.user.name,
                    cycles=", ".join(cycles.mapped("name")),
                ),
                subtype_xmlid="mail.mt_note",
            )
        for cycle in cycles:
            cycle.message_post(
                body=self.env._(
                    "The measure “%(measures)s” was changed by %(user)s during "
                    "the cycle; the actuals measured from it follow the new "
                    "definition from their next refresh.",
                    measures=", ".join(self.mapped("name")),
                    user=self.env.user.name,
                ),
                subtype_xmlid="mail.mt_note",
            )

    # --------------------------------------------------------- business
    @api.model
    def _eval_domain(self, text):
        """A domain typed in the domain editor, as data: ``safe_eval`` with
        the usual date helpers, never code."""
        domain = safe_eval(
            text or "[]",
            {
                "uid": self.env.uid,
                "context_today": lambda: Date.context_today(self),
                "datetime": safe_datetime,
                "dateutil": dateutil,
                "relativedelta": dateutil.relativedelta.relativedelta,
                "time": time,
            },
        )
        if not isinstance(domain, list | tuple):
            raise ValueError(self.env._("a filter is a list of conditions"))
        return expression.normalize_domain(list(domain))

    def _currency_field(self):
        """The stored currency field of a monetary value field, or None."""
        Model = self.env[self.model_id.model]
        value = self.value_field_id and Model._fields.get(self.value_field_id.name)
        if not value or value.type != "monetary":
            return None
        name = value.get_currency_field(Model)
        currency = Model._fields.get(name)
        return name if currency and currency.store else None

    def _person_model(self):
        """``res.users`` or ``hr.employee``: what the person field names."""
        field = self.env[self.model_id.model]._fields[self.person_field_id.name]
        return field.comodel_name

    def _person_of(self, employees):
        """The users or employees the person field holds for ``employees``."""
        if self._person_model() == "res.users":
            return employees.user_id
        return employees

    def _unit(self, company):
        """The unit values are shown in: the measure's, else the company's
        currency for an amount."""
        if self.unit:
            return self.unit
        return company.currency_id.name if self._is_monetary() else ""

    def _is_monetary(self):
        return self.aggregate in ("sum", "avg") and bool(self._currency_field())

    def _records_domain(self, person_ids, date_start, date_end, company, tz_name):
        """The records counted for ``person_ids`` (ids of users or
        employees, as the person field) over the days ``date_start`` …
        ``date_end`` of the time zone ``tz_name``, in ``company``."""
        self.ensure_one()
        Model = self.env[self.model_id.model]
        date_name = self.date_field_id.name
        if Model._fields[date_name].type == "datetime":
            low, high = measures.period_bounds(date_start, date_end, tz_name)
            dates = [
                (date_name, ">=", Datetime.to_string(low)),
                (date_name, "<", Datetime.to_string(high)),
            ]
        else:
            low, high = measures.date_bounds(date_start, date_end)
            dates = [
                (date_name, ">=", Date.to_string(low)),
                (date_name, "<=", Date.to_string(high)),
            ]
        parts = [self._eval_domain(self.domain), dates]
        company_field = Model._fields.get("company_id")
        if company and company_field and company_field.store:
            parts.append([("company_id", "in", [company.id, False])])
        parts.append([(self.person_field_id.name, "in", list(person_ids))])
        return expression.AND(parts)

    def _values(self, person_ids, date_start, date_end, company, tz_name=None):
        """{person id: (value, records counted)} for ``person_ids``, from
        one grouped query (two for a ratio), as the superuser; a person
        without records gets (0.0, 0)."""
        self.ensure_one()
        person_ids = list(person_ids)
        if not person_ids:
            return {}
        Model = self.env[self.model_id.model].sudo().with_context(tz=tz_name or "UTC")
        person = self.person_field_id.name
        domain = self._records_domain(
            person_ids, date_start, date_end, company, tz_name
        )
        groupby = [person]
        aggregates = ["__count"]
        currency = self._is_monetary() and self._currency_field()
        if self.aggregate in ("sum", "avg"):
            aggregates.append(f"{self.value_field_id.name}:sum")
        if currency:
            groupby += [currency, f"{self.date_field_id.name}:day"]
        groups = Model._read_group(domain, groupby, aggregates)
        matched = {}
        if self.aggregate == "ratio":
            matched = {
                who.id: count
                for who, count in Model._read_group(
                    expression.AND([domain, self._eval_domain(self.ratio_domain)]),
                    [person],
                    ["__count"],
                )
            }
        convert = currency and self._converter(company, groups)
        rows = []
        for group in groups:
            who, count = group[0], group[len(groupby)]
            amount = group[len(groupby) + 1] if len(aggregates) > 1 else 0.0
            if convert:
                amount = convert(amount, group[1], measures.day_of(group[2]))
            rows.append((who.id, amount, count, matched.get(who.id, 0)))
        return measures.aggregate(self.aggregate, rows, person_ids)

    def _converter(self, company, groups):
        """A function converting (amount, currency, day) into ``company``'s
        currency, the rates read in one query (as Odoo's reports do)."""
        target = company.currency_id
        currencies = target | self.env["res.currency"].union(*(g[1] for g in groups))
        root = company.root_id
        rates = {currency.id: [] for currency in currencies}
        for rate in (
            self.env["res.currency.rate"]
            .sudo()
            .search_read(
                [
                    ("currency_id", "in", currencies.ids),
                    ("company_id", "in", [root.id, False]),
                ],
                ["currency_id", "company_id", "name", "rate"],
            )
        ):
            rates[rate["currency_id"][0]].append(
                (rate["name"], bool(rate["company_id"]), rate["rate"])
            )

        def convert(amount, currency, day):
            if not amount or not currency or currency == target or not day:
                return amount or 0.0
            return measures.convert(
                amount,
                measures.rate_at(rates[currency.id], day),
                measures.rate_at(rates[target.id], day),
            )

        return convert

    def _check_period(self, date_start, date_end):
        if not (date_start and date_end) or date_end < date_start:
            raise UserError(self.env._("Choose a period that ends after it starts."))

    # ----------------------------------------------------------- actions
    def action_open_test(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Test: %(measure)s", measure=self.name),
            "res_model": "perf.measure.test",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_measure_id": self.id},
        }
