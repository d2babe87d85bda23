# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from .perf_todo_mixin import BULK_CONTEXT


class PerfCycle(models.Model):
    """Publication (结果公布) and close: calibration → published → closed.

    ``action_publish`` refuses while a calibration group is not approved
    (it names each one), then runs the background job ``publication``:
    each batch publishes its reviews (``perf.review._do_publish``,
    ``perf_review_results.py``), which leaves each employee a to-do to read
    and acknowledge their result. The results are then on the cycle's
    dashboard (people per final grade, average final score per department,
    over what the user may read) and in the spreadsheet (导出,
    ``action_export_xlsx``, built on request by ``perf.cycle.export``).
    ``action_close`` ends the cycle (after a preview of what is still
    outstanding, ``_close_preview``): open to-dos go, nothing of it changes
    any more.

    Who: HR officers publish and close; whoever reads the cycle sees the
    dashboard and may export, each seeing the reviews they may read.

    Fields: the job kind ``publication``; the results dashboard
    (``results_html``).
    """

    # One model, a file per phase (docs/architecture.md): not to be merged.
    _inherit = "perf.cycle"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------ fields
    job_kind = fields.Selection(selection_add=[("publication", "Publication")])
    results_html = fields.Html(
        string="Results", compute="_compute_results_html", sanitize=False
    )

    # ----------------------------------------------------------- compute
    @api.depends_context("uid")
    @api.depends("review_ids.final_grade_id", "review_ids.final_score")
    def _compute_results_html(self):
        """The cycle's dashboard: people per final grade and the average
        final score per department, over the results the user may see (the
        same rules as the reviews)."""
        Review = self.env["perf.review"]
        _ = self.env._
        for cycle in self:
            # Everybody with a final grade counts, also people graded in
            # calibration without a score; averages are of real scores.
            graded = [("cycle_id", "=", cycle.id), ("final_grade_id", "!=", False)]
            by_grade = Review._read_group(graded, ["final_grade_id"], ["__count"])
            averages = dict(
                Review._read_group(
                    [("cycle_id", "=", cycle.id), ("score_ready", "=", True)],
                    ["department_id"],
                    ["final_score:avg"],
                )
            )
            by_department = [
                (department, count, averages.get(department))
                for department, count in Review._read_group(
                    graded, ["department_id"], ["__count"]
                )
            ]
            total = sum(count for _g, count in by_grade)
            if not total:
                cycle.results_html = False
                continue
            grades = Markup("").join(
                Markup(
                    "<tr><td class='fw-bold'>%s</td><td class='text-end'>%s</td>"
                    "<td class='text-end'>%s%%</td><td style='min-width:8em'><div "
                    "style='background:#714B67;height:0.9em;width:%s%%'></div></td>"
                    "</tr>"
                )
                % (
                    grade.display_name or _("No grade"),
                    count,
                    f"{count * 100.0 / total:.0f}",
                    f"{count * 100.0 / total:.0f}",
                )
                for grade, count in sorted(
                    by_grade, key=lambda row: (row[0].sequence, row[0].id)
                )
            )
            departments = Markup("").join(
                Markup(
                    "<tr><td>%s</td><td class='text-end'>%s</td>"
                    "<td class='text-end'>%s</td></tr>"
                )
                % (
                    department.name or _("No department"),
                    count,
                    "-" if avg is None else f"{avg:.2f}",
                )
                for department, count, avg in sorted(
                    by_department, key=lambda row: -(row[2] or 0)
                )
            )
            cycle.results_html = Markup(
                "<div class='row'><div class='col-md-6'><h5>%s</h5>"
                "<table class='table table-sm o_perf_cycle_grades'><tbody>%s</tbody>"
                "</table></div><div class='col-md-6'><h5>%s</h5>"
                "<table class='table table-sm o_perf_cycle_departments'><thead><tr>"
                "<th>%s</th><th class='text-end'>%s</th><th class='text-end'>%s</th>"
                "</tr></thead><tbody>%s</tbody></table></div></div>"
            ) % (
                _("Final grades"),
                grades,
                _("Average final score by department"),
                _("Department"),
                _("People"),
                _("Average"),
                departments,
            )

    # ------------------------------------------------------------ guards
    def _check_can_publish_state(self):
        self._check_hr()
        for cycle in self:
            if cycle.state != "calibration" or cycle._job_running():
                raise UserError(
                    self.env._(
                        "The results of %(cycle)s are published once it is in "
                        "calibration.",
                        cycle=cycle.name,
                    )
                )

    def _check_can_publish(self):
        self._check_can_publish_state()
        for cycle in self:
            waiting = cycle.calibration_ids.filtered(lambda c: c.state != "approved")
            if waiting:
                states = dict(waiting._fields["state"]._description_selection(self.env))
                raise UserError(
                    self.env._(
                        "The results of %(cycle)s cannot be published yet: these "
                        "calibration groups are not approved:\n%(groups)s",
                        cycle=cycle.name,
                        groups="\n".join(
                            f"• {c.name} ({c.calibrator_id.name}): {states[c.state]}"
                            for c in waiting
                        ),
                    )
                )

    def _check_can_close(self):
        self._check_hr()
        for cycle in self:
            if cycle.state != "published" or cycle._job_running():
                raise UserError(
                    self.env._(
                        "Only a cycle whose results are published can be closed."
                    )
                )

    # ----------------------------------------------------------- actions
    def action_publish(self):
        """Publish the results (结果公布) once every group is approved: the
        reviews move to published through the background job and each
        employee is told, in their language."""
        self._lock_for_update()
        self._check_can_publish()
        for cycle in self:
            reviews = cycle.review_ids.sudo().filtered(
                lambda r: r.state == "calibration"
            )
            cycle._start_job("publication", reviews.ids)
        return True

    def action_view_results(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "perf_closed_loop.perf_review_action_results"
        )
        action["domain"] = [("cycle_id", "=", self.id)]
        return action

    def action_export_xlsx(self):
        """The cycle's results as a spreadsheet (导出): HR gets every review of
        the cycle, a manager or head the people below them, an employee
        nothing (the same rules as the reviews). Built when its link is
        opened, never stored."""
        self.ensure_one()
        return self.env["perf.cycle.export"]._request(self)

    def action_close(self):
        """Close the cycle: nothing of it changes any more. What is still
        outstanding (``_close_preview``: the results interviews) is shown
        first; HR confirms to close anyway."""
        self._lock_for_update()
        self._check_can_close()
        preview = self._close_preview()
        if preview:
            return preview
        self._do_close()
        return True

    def _close_preview(self):
        """The window naming what is outstanding before closing, or False."""
        return False

    def _do_close(self):
        for cycle in self:
            reviews = cycle.review_ids.sudo().with_context(**BULK_CONTEXT)
            reviews._todo_activities().unlink()
            reviews.write({"todo_pending": False})
            cycle._write_state({"state": "closed"})
            cycle.message_post(
                body=self.env._(
                    "Cycle closed: %(acknowledged)s of %(published)s results "
                    "acknowledged. Its reviews no longer change.",
                    acknowledged=cycle.acknowledged_count,
                    published=cycle.published_count,
                ),
                subtype_xmlid="mail.mt_note",
            )

    # ---------------------------------------------------- background job
    def _job_publication(self, review_ids, _options):
        reviews = self.env["perf.review"].sudo().browse(review_ids).exists()
        reviews.filtered(lambda r: r.state == "calibration")._do_publish()

    def _job_publication_finish(self):
        self.ensure_one()
        count = (
            self.env["perf.review"]
            .sudo()
            .search_count([("cycle_id", "=", self.id), ("state", "=", "published")])
        )
        self._write_state({"state": "published"})
        self.message_post(
            body=self.env._(
                "Results published: %(count)s reviews. Each employee is told and "
                "may now read and acknowledge their result.",
                count=count,
            ),
            subtype_xmlid="mail.mt_comment",
        )
        self.env.ref("perf_closed_loop.ir_cron_perf_deliver_todos")._trigger()
