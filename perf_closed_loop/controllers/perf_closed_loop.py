# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import content_disposition, request

from ..wizard.perf_cycle_export import XLSX_MIMETYPE


class PerfClosedLoopController(http.Controller):
    @http.route(
        "/perf_closed_loop/export/<int:export_id>",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def results_xlsx(self, export_id):
        """Stream the results spreadsheet of an export request, built now as
        the person asking (only the request's creator may open it): nothing
        is stored."""
        export = request.env["perf.cycle.export"].browse(export_id)
        try:
            content, filename = export._content()
        except (AccessError, MissingError):
            raise request.not_found() from None
        return request.make_response(
            content,
            headers=[
                ("Content-Type", XLSX_MIMETYPE),
                ("Content-Length", str(len(content))),
                ("Content-Disposition", content_disposition(filename)),
                ("Cache-Control", "no-store, private"),
                ("X-Content-Type-Options", "nosniff"),
            ],
        )
