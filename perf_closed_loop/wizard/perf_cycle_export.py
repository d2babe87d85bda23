# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The results spreadsheet (导出), built on request and never stored.

An export is a request, not a file: ``perf.cycle.export`` records which
cycle (and, from the reviews list, which reviews) somebody asked for. The
workbook is built when its link is opened (``/perf_closed_loop/export/<id>``,
``controllers/perf_closed_loop.py``), as the person who opens it, with the
reviews' own access rules and result visibility, and streamed without being
kept anywhere: no attachment, no binary field, so no attachment route
(``/web/content``, ``ir.attachment`` read or search, the chatter) can ever
hand it to somebody else. The request itself holds no result; only its
creator may read it (record rule) and Odoo's transient vacuum removes it
after an hour.
"""

from odoo import Command, fields, models
from odoo.exceptions import UserError

from ..report import results_xlsx

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Reviews that belong in the results: graded or being graded. A review
# closed "with the ratings given so far" without any rating is there too,
# with the grade calibration gave it.
EXPORTED_STATES = ("calibration", "published")
SCORE_COLUMNS = ("kpi_score", "okr_score", "question_score", "final_score")
ROLE_COLUMNS = {
    "self_score": "self",
    "peer_score": "peer",
    "manager_score": "manager",
    "skip_level_score": "skip_level",
    "designated_score": "designated",
}


class PerfCycleExport(models.TransientModel):
    """A request for a cycle's results spreadsheet.

    Who may do what: anybody who reads the cycle may ask; the workbook then
    holds the reviews they may read in it (HR: every review of its
    companies; a manager, head or skip-level manager: the people below
    them; an employee: nothing), never their own review. Only the person
    who asked may open the request's link.
    """

    _name = "perf.cycle.export"
    _description = "Results Export"

    cycle_id = fields.Many2one(
        "perf.cycle", required=True, ondelete="cascade", readonly=True
    )
    review_ids = fields.Many2many(
        "perf.review",
        string="Selected reviews",
        readonly=True,
        help="Empty: every review of the cycle the requester may read.",
    )

    # ----------------------------------------------------------- actions
    def _request(self, cycle, reviews=None):
        """Ask for ``cycle``'s results (``reviews`` only, when given): refused
        at once when there is nothing for the current user to export, else
        the link that builds the workbook."""
        if reviews and len(reviews.cycle_id) > 1:
            raise UserError(self.env._("Export the results of one cycle at a time."))
        if not cycle:
            raise UserError(self.env._("Select the reviews to export."))
        export = self.create(
            {"cycle_id": cycle.id, "review_ids": [Command.set(reviews.ids)]}
            if reviews
            else {"cycle_id": cycle.id}
        )
        export._reviews()
        return {
            "type": "ir.actions.act_url",
            "url": f"/perf_closed_loop/export/{export.id}",
            "target": "download",
        }

    # --------------------------------------------------------- business
    def _reviews(self):
        """The reviews this request exports, as the current user reads
        them (never one's own); refused when there is none."""
        self.ensure_one()
        mine = self.env.user.sudo().employee_ids.ids
        domain = [
            ("cycle_id", "=", self.cycle_id.id),
            ("state", "in", EXPORTED_STATES),
            ("employee_id", "not in", mine),
        ]
        if self.review_ids:
            domain.append(("id", "in", self.review_ids.ids))
        reviews = self.env["perf.review"].search(domain)
        if not reviews:
            raise UserError(
                self.env._(
                    "You have no result to export in %(cycle)s.",
                    cycle=self.cycle_id.name,
                )
            )
        return reviews

    def _content(self):
        """(bytes, file name) of the workbook, built now for the current
        user, in their language."""
        self.ensure_one()
        self.check_access("read")
        self = self.with_context(lang=self.env.user.lang or self.env.lang)
        cycle = self.cycle_id
        reviews = self._reviews()
        columns = reviews._export_columns()
        _ = self.env._
        scale = (
            cycle.distribution_policy_id.rating_scale_id
            or (reviews.sudo().template_id.rating_scale_id[:1])
        )
        content = results_xlsx.build(
            [(header, width, kind) for _n, header, width, kind in columns],
            reviews._results_rows(columns),
            [name for name, *_rest in columns].index("department_id"),
            scale.grade_ids.sorted("sequence").mapped("code"),
            {
                "results": _("Results"),
                "summary": _("Summary"),
                "department": _("Department"),
                "total": _("Total"),
                "average": _("Average final score"),
                "chart": _("Final grades by department"),
                "grade_column": [n for n, *_r in columns].index("final_grade_id"),
                "score_column": [n for n, *_r in columns].index("final_score"),
            },
        )
        return content, _("%(cycle)s results.xlsx", cycle=cycle.name)
