# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, models

from .perf_config_line_mixin import PARENT_CHECKS_CONTEXT, PARENT_CHECKS_TOKEN


class PerfConfigParentMixin(models.AbstractModel):
    """Configuration record whose lines it validates as a whole (see
    ``perf.config.line.mixin``). Its ``create``/``write`` tell the lines not to
    validate themselves one by one; its constraints run once at the end."""

    _name = "perf.config.parent.mixin"
    _description = "Configuration record validating its lines"
    _inherit = ["perf.number.mixin"]

    @api.model_create_multi
    def create(self, vals_list):
        records = super(
            PerfConfigParentMixin,
            self.with_context(**{PARENT_CHECKS_CONTEXT: PARENT_CHECKS_TOKEN}),
        ).create(vals_list)
        return records.with_env(self.env)

    def write(self, vals):
        return super(
            PerfConfigParentMixin,
            self.with_context(**{PARENT_CHECKS_CONTEXT: PARENT_CHECKS_TOKEN}),
        ).write(vals)

    def _perf_check_lines(self):
        """Run the constraints that look at the lines; overridden."""

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        if "name" not in (default or {}):
            for record, vals in zip(self, vals_list, strict=True):
                vals["name"] = self.env._("Copy of %(name)s", name=record.name)
        return vals_list
