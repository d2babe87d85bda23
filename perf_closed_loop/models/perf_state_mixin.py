# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..domain.text import is_blank

# The context value that lets ``_do_*`` methods write ``state``: an RPC call
# can only send JSON values, never this object.
STATE_TOKEN = object()
STATE_CONTEXT = "perf_state_change"


def checked_reason(env, reason):
    """``reason`` as given, or a clear error when it is no reason: not
    text, blank (spaces, ideographic spaces, invisible characters only) or
    holding a NUL character (PostgreSQL stores none)."""
    if not isinstance(reason, str):
        raise UserError(env._("The reason must be text."))
    if "\x00" in reason:
        raise UserError(env._("The reason contains a NUL character: remove it."))
    if is_blank(reason):
        raise UserError(env._("Give a reason: it cannot be blank."))
    return reason


class PerfStateMixin(models.AbstractModel):
    """A record whose ``state`` moves only through its buttons.

    Each move is ``action_<verb>`` → ``_check_can_<verb>`` (actor and state,
    raising a clear error) → ``_do_<verb>``, which writes ``state`` with
    ``_write_state``. ``write`` refuses any other change of ``state``, from
    RPC or from code; ``_passes`` turns a guard into the boolean that drives
    a button's ``invisible``. A form's onchange computes such a record only
    from what its caller may see (``perf.onchange.mixin``).
    """

    _name = "perf.state.mixin"
    _inherit = ["perf.onchange.mixin"]
    _description = "Record whose state changes only through its buttons"

    def _state_refusal_message(self):
        return self.env._("The state of this record changes only through its buttons.")

    def write(self, vals):
        if "state" in vals and self.env.context.get(STATE_CONTEXT) is not STATE_TOKEN:
            raise UserError(self._state_refusal_message())
        return super().write(vals)

    def _write_state(self, vals):
        """Write ``vals`` including ``state``: only for ``_do_*`` methods."""
        return self.with_context(**{STATE_CONTEXT: STATE_TOKEN}).write(vals)

    def _passes(self, guard):
        """Whether ``guard`` (a ``_check_can_*`` method) lets the user act."""
        try:
            guard()
        except UserError:  # AccessError and ValidationError included
            return False
        return True

    def _check_readable(self):
        """Records one may not read are out of reach of the buttons too.

        ``has_access`` rather than ``check_access``: building the standard
        access error empties the records' cache, values the ``can_*``
        computes already assigned included."""
        if not self.env.su and not self.has_access("read"):
            raise AccessError(
                self.env._(
                    "You cannot act on this %(document)s: it is not yours to see.",
                    document=self.env["ir.model"]._get(self._name).name,
                )
            )

    def _checked_reason(self, reason):
        return checked_reason(self.env, reason)

    def _lock_for_update(self):
        """Take these records' rows before checking and acting.

        The rows are *updated* (to themselves), not only selected: under
        repeatable read a second click that waited on them then fails with a
        serialization error whatever the first click changed, is retried by
        the RPC layer, and its guard sees the first click's effect and
        answers with its message, instead of both clicks acting on the same
        snapshot (double submit, write skew between two raters)."""
        ids = [i for i in self.ids if i]
        if ids:
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET id = id WHERE id IN %s",
                    SQL.identifier(self._table),
                    tuple(ids),
                ),
                log_exceptions=False,
            )
