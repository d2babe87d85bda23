# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import math
import reprlib

from odoo import api, models
from odoo.exceptions import ValidationError

# PostgreSQL's integer column.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


class PerfNumberMixin(models.AbstractModel):
    """Numbers as forms, imports and RPC calls send them are checked before
    they are stored: a float field takes a finite number (not NaN, not an
    infinity, not text that is no number), an integer field a whole number
    PostgreSQL can hold. Anything else is a ``ValidationError`` naming the
    field, in the user's language, instead of a traceback or a value no
    later step can use. Empty (``False``/``None``) stays allowed. A form's
    onchange computes such a record only from what its caller may see
    (``perf.onchange.mixin``)."""

    _name = "perf.number.mixin"
    _inherit = ["perf.onchange.mixin"]
    _description = "Checked numbers"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._perf_check_numbers(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._perf_check_numbers(vals)
        return super().write(vals)

    def _perf_check_numbers(self, vals):
        for name, value in vals.items():
            field = self._fields.get(name)
            if field is None or field.type not in ("float", "integer", "monetary"):
                continue
            problem = self._perf_number_problem(name, value)
            if problem:
                raise ValidationError(problem)

    def _perf_number_problem(self, name, value):
        """The message refusing ``value`` for the field ``name``, or None."""
        if value is False or value is None:
            return None
        field = self._fields[name]
        number = None
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and value.strip():
            try:
                number = float(value)
            except ValueError:
                number = None
        try:
            if number is None or not math.isfinite(float(number)):
                return self.env._(
                    "“%(field)s” must be a number, not %(value)s.",
                    field=field._description_string(self.env),
                    value=reprlib.repr(value),
                )
        except OverflowError:
            number = math.inf
        if field.type == "integer" and not (
            float(number).is_integer() and INT_MIN <= float(number) <= INT_MAX
        ):
            return self.env._(
                "“%(field)s” must be a whole number from %(low)s to %(high)s, "
                "not %(value)s.",
                field=field._description_string(self.env),
                low=INT_MIN,
                high=INT_MAX,
                value=reprlib.repr(value),
            )
        return None
