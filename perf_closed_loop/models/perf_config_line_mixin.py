# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models

from odoo.addons.base.models.ir_model import MODULE_UNINSTALL_FLAG

PARENT_CHECKS_CONTEXT = "perf_lines_checked_by_parent"
# The context value is this very object: an RPC call can only send JSON
# values, so it cannot switch the line checks off.
PARENT_CHECKS_TOKEN = object()


class PerfConfigLineMixin(models.AbstractModel):
    """Lines of a configuration record (grades of a scale, KPI lines of a
    template, steps of a flow, quota lines of a policy) are only valid
    together: editing two weights in a form writes them one by one, and the
    intermediate state may be wrong. The parent validates its lines in its own
    constraint, after the whole write; a line written on its own (RPC, import)
    asks its parent to validate right after."""

    _name = "perf.config.line.mixin"
    _description = "Configuration line validated by its parent"
    _inherit = ["perf.number.mixin"]

    _perf_parent_field = None

    def _perf_parents(self):
        return self.mapped(self._perf_parent_field)

    def _perf_check_parents(self, parents):
        if self.env.context.get(PARENT_CHECKS_CONTEXT) is PARENT_CHECKS_TOKEN:
            return
        if self.env.context.get(MODULE_UNINSTALL_FLAG):
            return  # the add-on is uninstalled: its lines go one by one
        parents.exists()._perf_check_lines()

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self._perf_check_parents(records._perf_parents())
        return records

    def write(self, vals):
        parents = self._perf_parents()
        result = super().write(vals)
        self._perf_check_parents(parents | self._perf_parents())
        return result

    def unlink(self):
        parents = self._perf_parents()
        result = super().unlink()
        self._perf_check_parents(parents)
        return result
