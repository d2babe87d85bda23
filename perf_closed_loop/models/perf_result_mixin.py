# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models
from odoo.osv import expression


class PerfResultMixin(models.AbstractModel):
    """Result fields (scores, grades) that some readers of a record may not
    see, record by record: the reviewed employee sees the results of their
    own review only once it is published, whoever else may read the record
    sees them only from above it (HR, managers, heads).

    Record rules cannot hide a field on some records only, so every route
    that reads, filters, sorts or groups records is guarded here:
    ``read``/``web_read``/``search_read`` return no value for a hidden
    result, ``search``/``search_count`` and ``read_group`` with a result
    field in the domain, the grouping, the aggregates or the order only
    consider the records whose results the user may see, and the export
    leaves hidden results empty (a whole row's when one of its columns is
    hidden), also when the record is exported through another one (a
    rating's ``review_id/…``, a cycle's ``review_ids/…``). Superuser code is
    not restricted.

    A model using the mixin lists its fields in ``_perf_result_fields`` and
    says in ``_perf_result_visible_domain`` which records' results the
    current user may see; ``_perf_internal_fields`` (among them) stay hidden
    from the employee even once published (``internal=True``).
    """

    _name = "perf.result.mixin"
    _description = "Results hidden record by record"

    _perf_result_fields = ()
    _perf_internal_fields = ()

    result_visible = fields.Boolean(
        compute="_compute_result_visible",
        help="Whether you may see the scores and grades of this record.",
    )

    @api.depends_context("uid")
    def _compute_result_visible(self):
        hidden = self._perf_hidden_ids()
        for record in self:
            record.result_visible = record.id not in hidden

    def _perf_result_visible_domain(self, internal=False):
        """Domain of the records whose results (or, ``internal``, internal
        fields) the current user may see."""
        raise NotImplementedError

    def _perf_restricted(self):
        return not self.env.su

    def _perf_hidden_ids(self, internal=False):
        """Ids among ``self`` whose results (internal fields) the current
        user may not see. A new record (a form's onchange) is judged by the
        record it comes from, and hidden when it comes from none."""
        if not self or not self._perf_restricted():
            return set()
        origins = {record.id: record._origin.id for record in self}
        stored = [origin for origin in origins.values() if origin]
        visible = set()
        if stored:
            visible = set(
                self.sudo()
                .with_context(active_test=False)
                ._search(
                    expression.AND(
                        [
                            [("id", "in", stored)],
                            self._perf_result_visible_domain(internal=internal),
                        ]
                    )
                )
            )
        return {ident for ident, origin in origins.items() if origin not in visible}

    def _perf_touches_results(self, names, fields=None):
        fields = self._perf_result_fields if fields is None else fields
        return any(
            name and name.split(".")[0].split(":")[0] in fields for name in names
        )

    def _perf_restrict_domain(self, domain, names):
        """``domain`` limited to the records whose fields among ``names``
        the user may see."""
        if self._perf_touches_results(names, self._perf_internal_fields):
            return expression.AND(
                [domain, self._perf_result_visible_domain(internal=True)]
            )
        if self._perf_touches_results(names):
            return expression.AND([domain, self._perf_result_visible_domain()])
        return domain

    @staticmethod
    def _perf_order_names(order):
        """The fields an ORDER BY clause sorts on, read as Odoo reads it: a
        term ends at any whitespace (a tab or a newline as well as a space)
        or at its direction."""
        return [
            part.split()[0].strip('"')
            for part in (order or "").split(",")
            if part.strip()
        ]

    def _perf_domain_names(self, domain):
        return [
            leaf[0]
            for leaf in expression.normalize_domain(domain or [])
            if isinstance(leaf, (list, tuple)) and isinstance(leaf[0], str)
        ]

    # ------------------------------------------------------------ routes
    @api.model
    def _search(self, domain, offset=0, limit=None, order=None):
        if self._perf_restricted():
            names = self._perf_domain_names(domain) + self._perf_order_names(order)
            domain = self._perf_restrict_domain(domain, names)
        return super()._search(domain, offset=offset, limit=limit, order=order)

    @api.model
    def _read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        if self._perf_restricted():
            names = [
                *groupby,
                *aggregates,
                *self._perf_domain_names(having),
                *self._perf_domain_names(domain),
                *self._perf_order_names(order),
            ]
            domain = self._perf_restrict_domain(domain, names)
        return super()._read_group(
            domain,
            groupby=groupby,
            aggregates=aggregates,
            having=having,
            offset=offset,
            limit=limit,
            order=order,
        )

    def _read_format(self, fnames, load="_classic_read"):
        result = super()._read_format(fnames, load=load)
        for internal in (False, True):
            fields = (
                self._perf_internal_fields if internal else self._perf_result_fields
            )
            names = [name for name in fnames if name in fields]
            if not names:
                continue
            hidden = self._perf_hidden_ids(internal=internal)
            if hidden:
                for values in result:
                    if values["id"] in hidden:
                        values.update(dict.fromkeys(names, False))
        return result

    def _export_rows(self, fields, *, _is_toplevel_call=True):
        columns = [
            index
            for index, path in enumerate(fields)
            if path and path[0] in self._perf_result_fields
        ]
        hidden = set()
        if columns:
            # Also when exported through another record (a rating's
            # review_id/…, a cycle's review_ids/…): Odoo reads the fields of
            # the related records directly, not through read().
            internal = any(
                fields[index][0] in self._perf_internal_fields for index in columns
            )
            # The stricter rule when any internal field is exported.
            hidden = self._perf_hidden_ids(internal=internal)
        if not hidden:
            return super()._export_rows(fields, _is_toplevel_call=_is_toplevel_call)
        lines = []
        # Consecutive records of the same visibility, in their order.
        runs = []
        for record in self:
            is_hidden = record.id in hidden
            if runs and runs[-1][0] == is_hidden:
                runs[-1][1].append(record.id)
            else:
                runs.append((is_hidden, [record.id]))
        for is_hidden, ids in runs:
            rows = super(PerfResultMixin, self.browse(ids))._export_rows(
                fields, _is_toplevel_call=_is_toplevel_call
            )
            if is_hidden:
                for row in rows:
                    for index in columns:
                        row[index] = ""
            lines += rows
        return lines
