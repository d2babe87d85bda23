# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Set-based creation of rows nobody reads while a company-wide phase
creates them (issue 21): one ``INSERT … SELECT FROM unnest(…)`` per
``CHUNK`` rows instead of the ORM's ``create``, then what the ORM's
``create`` would leave behind — the parents' one2many caches dropped, the
stored computed fields that depend on the new rows marked for recompute —
so that, once flushed, the database holds what an ORM ``create`` gives.

Only for a model whose ``create`` adds nothing the caller does not do
itself: no mail thread, no ``@api.constrains`` on the inserted columns, no
translated or company-dependent column, no ``create`` override that
matters on that path (the caller runs it by hand: ``perf.number.mixin``'s
number checks). ``insert_rows`` refuses a model or values that break what
it can check: every stored column with a default or a compute (a stored
related field such as ``company_id``) must be given, every given field must
be a plain column. The caller checks the rest (companies, access: it
inserts as the loop, in ``sudo``) and says in a comment why its path is
safe. No ``odoo.models`` class: a function module, not a model.
"""

from odoo.models import LOG_ACCESS_COLUMNS
from odoo.tools import SQL, clean_context

# Rows per statement: a batch of the evaluation job (24,000 score lines)
# takes three statements.
CHUNK = 10000


def _is_column(name, field):
    """Whether ``field`` is a stored column a caller gives (not ``id``, not
    a log column: those are set here, as the ORM sets them)."""
    return (
        field.store
        and field.column_type
        and name not in LOG_ACCESS_COLUMNS
        and name != "id"
    )


def _check_plain(model, names, what):
    """Refuse a name that is no plain column (missing, not stored, log
    column, translated or company-dependent)."""
    fields = model._fields
    for name in names:
        field = fields.get(name)
        if (
            field is None
            or not _is_column(name, field)
            or field.translate
            or field.company_dependent
        ):
            raise ValueError(f"{model._name}.{name}: not a plain column to {what}")


def _check_columns(model, names):
    _check_plain(model, names, "insert")
    for name, field in model._fields.items():
        if (
            _is_column(name, field)
            and name not in names
            and (field.default is not None or field.compute)
        ):
            raise ValueError(
                f"{model._name}.{name}: has a default or a compute, give its value"
            )


# Field types whose ``convert_to_column`` depends on the value alone: a
# value repeated over thousands of rows (a score, a many2one) is converted
# once.
SCALAR_TYPES = {"boolean", "integer", "float", "many2one", "selection", "date"}


def _column_array(model, field, vals_list):
    """``field``'s values in ``vals_list`` as a typed SQL array, each as
    ``convert_to_column`` stores it (floats with digits rounded)."""
    convert = field.convert_to_column
    name = field.name
    if field.type in SCALAR_TYPES:
        # Keyed by type too: 0, 0.0 and False are equal keys in a dict.
        memo = {}
        values = []
        for vals in vals_list:
            value = vals[name]
            key = (value.__class__, value)
            if key not in memo:
                memo[key] = convert(value, model, vals)
            values.append(memo[key])
    else:
        values = [convert(vals[name], model, vals) for vals in vals_list]
    return SQL("%s::%s[]", values, SQL(field.column_type[1]))


def _defaulted(model):
    """The stored columns with a default (and no compute), in field order."""
    return [
        name
        for name, field in model._fields.items()
        if _is_column(name, field) and field.default is not None and not field.compute
    ]


def complete_rows(model, vals_list):
    """``vals_list`` completed and checked as the ORM's ``create`` would:
    each stored column with a default that a row does not give takes the
    default (``default_get``, once for the batch: the ORM asks it for each
    row, with the same answer for defaults that depend on no row), a
    required column left empty or a selection value not in the field's list
    raises. Returns new dicts; the keys of a row stay the ones it had plus
    its defaults, so rows that give different fields leave different
    columns empty (NULL), as the ORM does: ``insert_rows`` them in groups
    of the same keys (``insert_row_groups``)."""
    fields = model._fields
    defaulted = _defaulted(model)
    missing = {name for vals in vals_list for name in defaulted if name not in vals}
    # Without the caller's ``default_*`` keys, which are meant for the
    # records the caller's form creates, not these rows.
    defaults = (
        model.with_env(model.env(context=clean_context(model.env.context))).default_get(
            sorted(missing)
        )
        if missing
        else {}
    )
    required = [
        name
        for name, field in fields.items()
        if _is_column(name, field) and field.required and field.type != "boolean"
    ]
    selections = {
        name: set(field.get_values(model.env))
        for name, field in fields.items()
        if field.type == "selection" and field.store
    }
    result = []
    for vals in vals_list:
        row = {
            name: defaults[name]
            for name in defaulted
            if name not in vals and name in defaults
        }
        row.update(vals)
        for name in required:
            value = row.get(name)
            # Identity, not ``in``: 0 == False, and 0 is a value.
            if value is None or value is False or value == "":
                raise ValueError(f"{model._name}.{name}: a value is required")
        for name, allowed in selections.items():
            value = row.get(name)
            if value is not None and value is not False and value not in allowed:
                raise ValueError(f"{model._name}.{name}: no such value {value!r}")
        result.append(row)
    return result


def insert_row_groups(model, vals_list):
    """``insert_rows`` of ``vals_list`` in groups of rows that give the same
    fields (one statement per group and ``CHUNK``); return the new records
    in the order of ``vals_list``."""
    groups = {}
    for index, vals in enumerate(vals_list):
        groups.setdefault(frozenset(vals), []).append(index)
    ids = [None] * len(vals_list)
    for indexes in groups.values():
        records = insert_rows(model, [vals_list[i] for i in indexes])
        for index, record_id in zip(indexes, records.ids, strict=True):
            ids[index] = record_id
    return model.browse(ids)


def can_insert(model, names, completed=False):
    """Whether ``insert_rows`` takes rows of ``model`` giving ``names``: a
    caller with an ORM path to fall back on asks first (another add-on may
    have added a stored field with a default to a core model).
    ``completed``: the rows go through ``complete_rows`` first, which gives
    them the columns with a default."""
    if completed:
        names = {*names, *_defaulted(model)}
    try:
        _check_columns(model, names)
    except ValueError:
        return False
    return True


def insert_rows(model, vals_list, dependants_given=False):
    """Insert ``vals_list`` (dicts with the same keys: column values as
    ``create`` takes them) into ``model``'s table; return the new records.

    The values go through each field's ``convert_to_column`` (floats with
    digits rounded as the ORM rounds them); ``create_uid``/``write_uid``
    are the environment's user, ``create_date``/``write_date`` the
    transaction's time, as the ORM sets them (when the model has them).
    Afterwards the parents' one2many fields on the inserted many2one (or
    many2one_reference) columns are invalidated, the given values are put
    in the cache, and the new records are marked modified (``create=True``)
    with the given fields protected, so stored fields depending on them are
    recomputed at the next flush, and the given values (``company_id``) are
    not.

    ``dependants_given``: the caller stores itself what depends on the new
    rows (a rating's totals from its score lines) and reads nothing of
    them back: the rows are neither cached nor marked modified, which for
    thousands of rows costs more than their insert.
    """
    if not vals_list:
        return model.browse()
    names = sorted(vals_list[0])
    _check_columns(model, names)
    fields = [model._fields[name] for name in names]
    env = model.env
    now = env.cr.now()
    ids = []
    for start in range(0, len(vals_list), CHUNK):
        chunk = vals_list[start : start + CHUNK]
        arrays = [_column_array(model, field, chunk) for field in fields]
        # A model without log columns (mail.notification) gets none.
        log = (
            {"create_uid": env.uid, "create_date": now}
            | {"write_uid": env.uid, "write_date": now}
            if model._log_access
            else {}
        )
        env.cr.execute(
            SQL(
                "INSERT INTO %s (%s) SELECT %s FROM unnest(%s) AS u RETURNING id",
                SQL.identifier(model._table),
                SQL(", ").join(map(SQL.identifier, [*names, *log])),
                SQL(", ").join([SQL("u.*"), *(SQL("%s", v) for v in log.values())]),
                SQL(", ").join(arrays),
            )
        )
        ids += [row[0] for row in env.cr.fetchall()]
    records = model.browse(ids)
    # The parents' one2many caches (a rating's score_line_ids, read as
    # empty before; a record's activity_ids, through a many2one_reference)
    # would miss the new rows.
    for field in fields:
        if field.type in ("many2one", "many2one_reference"):
            for inverse in model.pool.field_inverses[field]:
                env[inverse.model_name].invalidate_model([inverse.name])
    if dependants_given:
        return records
    # The new rows' values in the cache, as the ORM's create leaves them:
    # marking them modified below follows their many2one fields (a
    # rating's review) without reading thousands of rows back.
    for field in fields:
        env.cache.update(
            records,
            field,
            [field.convert_to_cache(vals[field.name], model) for vals in vals_list],
        )
    with env.protecting(fields, records):
        records.modified(names, create=True)
    return records


def update_rows(model, rows):
    """Write ``rows`` ({id: {field: value}}, the same fields in each) into
    ``model``'s rows in one ``UPDATE … FROM unnest(…)`` per ``CHUNK`` rows,
    each row its own values, as ``write`` would store them one by one.

    For values the loop computed itself (a rating's totals from the score
    lines it has just inserted) or links only the loop writes (a nomination's
    rating): the fields must be plain columns (``_check_columns``'s rules
    but for defaults and computes, which may be given here). The pending
    values of these records are flushed first (they would overwrite these);
    ``write_uid``/``write_date`` are set as the ORM sets them; the fields'
    cache is dropped; a computed field written here is no longer to compute
    for these records (nor computed first); and the records are marked
    modified, so that what depends on them (a review's scores on its
    ratings' totals) is recomputed at the next flush.
    """
    if not rows:
        return model.browse()
    names = sorted(next(iter(rows.values())))
    _check_plain(model, names, "write")
    fields = [model._fields[name] for name in names]
    env = model.env
    records = model.browse(list(rows))
    # A computed field given here is not computed (before the flush below,
    # which would compute it through the ORM).
    for field in fields:
        if field.compute:
            env.remove_to_compute(field, records)
    # Every other pending value of these records (write_date included) is
    # written first: none may overwrite these rows, nor be dropped below.
    records.flush_recordset()
    records.modified(names, before=True)
    now = env.cr.now()
    items = list(rows.items())
    for start in range(0, len(items), CHUNK):
        chunk = items[start : start + CHUNK]
        arrays = [
            SQL("%s::int4[]", [record_id for record_id, _vals in chunk]),
            *(
                _column_array(model, field, [vals for _id, vals in chunk])
                for field in fields
            ),
        ]
        env.cr.execute(
            SQL(
                "UPDATE %s AS t SET %s, write_uid = %s, write_date = %s "
                "FROM unnest(%s) AS u(%s) WHERE t.id = u.id",
                SQL.identifier(model._table),
                SQL(", ").join(
                    SQL("%s = u.%s", SQL.identifier(name), SQL.identifier(name))
                    for name in names
                ),
                env.uid,
                now,
                SQL(", ").join(arrays),
                SQL(", ").join(map(SQL.identifier, ["id", *names])),
            )
        )
    records.invalidate_recordset([*names, "write_uid", "write_date"], flush=False)
    records.modified(names)
    return records
