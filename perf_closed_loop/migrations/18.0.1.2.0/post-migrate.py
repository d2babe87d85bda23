# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""18.0.1.2.0: results spreadsheets are built on request and never stored.

Before, HR's last export of a cycle was an attachment of the cycle (field
``export_file``), readable by every employee through the attachment's own
routes, and each manager's export an attachment of no record that was never
removed. Both kinds are deleted: HR's by their field, the managers' by their
exact name ("<cycle> results.xlsx" in any installed language) and type.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools.translate import code_translations

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE = "%(cycle)s results.xlsx"


def old_exports(env):
    """The attachments the previous versions' exports left behind."""
    Attachment = env["ir.attachment"].with_context(active_test=False)
    of_cycles = Attachment.search(
        [("res_model", "=", "perf.cycle"), ("res_field", "=", "export_file")]
    )
    templates = {TEMPLATE}
    for lang, _name in env["res.lang"].get_installed():
        translated = code_translations.get_python_translations(
            "perf_closed_loop", lang
        ).get(TEMPLATE)
        if translated:
            templates.add(translated)
    cycles = env["perf.cycle"].with_context(active_test=False).search([])
    names = {
        template % {"cycle": name}
        for template in templates
        for name in set(cycles.mapped("name"))
    }
    unattached = Attachment.search(
        [
            ("res_model", "=", False),
            ("res_field", "=", False),
            ("mimetype", "=", XLSX_MIMETYPE),
            ("name", "in", list(names)),
        ]
    )
    return of_cycles | unattached


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    old_exports(env).unlink()
