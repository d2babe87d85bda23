# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command, models


class PerfOnchangeMixin(models.AbstractModel):
    """A form's onchange computes a record from the values its caller sends,
    with the fields' own rights: related fields and stored computed fields
    (scores, totals) read what they need as superuser. So the caller may
    only compute from what they may see:

    * a new record, only who may create one: reviews, ratings, their score
      lines and calibration groups are made by the loop itself, and nobody
      computes one of them from parts taken elsewhere (a new review holding
      somebody's ratings, a new rating holding the peer's score lines, a new
      calibration group holding a review, a new score line on an indicator);
      and a new record linked to a record of the loop only if the caller may
      read that one (a check-in on somebody's indicator shows its target);
    * the existing records put in a one2many or many2many field, only whoever
      may read them (a rater computing their total with the manager's score
      lines).
    """

    _name = "perf.onchange.mixin"
    _description = "Onchange computed from what its caller may see"

    def onchange(self, values, field_names, fields_spec):
        if not self.env.su:
            if not self:
                self.check_access("create")
                for name, ident in self._perf_onchange_links(values).items():
                    comodel = self.env[self._fields[name].comodel_name]
                    comodel.browse(ident).check_access("read")
            for name, ids in self._perf_onchange_lines(values).items():
                comodel = self.env[self._fields[name].comodel_name]
                comodel.browse(ids).check_access("read")
        return super().onchange(values, field_names, fields_spec)

    def _perf_onchange_links(self, values):
        """{many2one field: id} of the records of the loop (perf.*) that
        ``values`` link a new record to."""
        links = {}
        for name, value in values.items():
            field = self._fields.get(name)
            if field is None or field.type != "many2one":
                continue
            if not field.comodel_name.startswith("perf."):
                continue
            ident = value.get("id") if isinstance(value, dict) else value
            if isinstance(ident, int) and ident:
                links[name] = ident
        return links

    def _perf_onchange_lines(self, values):
        """{x2many field: ids of the existing records its commands name}."""
        lines = {}
        for name, commands in values.items():
            field = self._fields.get(name)
            if field is None or field.type not in ("one2many", "many2many"):
                continue
            ids = set()
            for command in commands if isinstance(commands, list | tuple) else ():
                if not isinstance(command, list | tuple) or len(command) < 2:
                    continue
                if command[0] in (Command.UPDATE, Command.LINK):
                    ids.add(command[1])
                elif command[0] == Command.SET and len(command) > 2:
                    ids.update(command[2] or ())
            ids = [ident for ident in ids if isinstance(ident, int)]
            if ids:
                lines[name] = ids
        return lines
