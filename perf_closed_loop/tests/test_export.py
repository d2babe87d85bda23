# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import ast
import importlib.util
import io

import openpyxl

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import PerfResultsCase

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _migration(version, name):
    """The migration script ``name`` of ``version``, as a module."""
    path = file_path(f"perf_closed_loop/migrations/{version}/{name}.py")
    spec = importlib.util.spec_from_file_location(
        f"perf_migration_{version.replace('.', '_')}", path
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestExport(PerfResultsCase):
    """The results spreadsheet is built on request for whoever opens its
    link and never stored; it holds every published review of the reader's
    scope, also people graded in calibration without any rating."""

    # Nobody rates the peer: HR closes their evaluation at the start of the
    # calibration, and the R&D head grades them in calibration.
    UNRATED = ("emp_peer",)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        action = cls.cycle.with_user(cls.user_hr).action_start_calibration()
        wizard = cls.env["perf.cycle.calibration"].browse(action["res_id"])
        wizard.line_ids.filtered(lambda x: x.kind == "incomplete").decision = "close"
        wizard.with_user(cls.user_hr).action_confirm()
        cls.peer_review = cls.cycle.sudo().review_ids.filtered(
            lambda r: r.employee_id == cls.emp_peer
        )
        grade_c = cls.template_results.rating_scale_id.grade_ids.filtered(
            lambda g: g.code == "C"
        )
        cls.peer_review.with_user(cls.user_rd_head).write(
            {
                "calibrated_grade_id": grade_c.id,
                "calibration_note": "No rating: graded on the year's work",
            }
        )
        cls._publish_all()

    def _book(self, user, reviews=None):
        target = reviews.with_user(user) if reviews else self.cycle.with_user(user)
        action = target.action_export_xlsx()
        return action, openpyxl.load_workbook(io.BytesIO(self._download(action, user)))

    def _rows(self, book):
        sheet = book["Results"]
        header = [cell.value for cell in sheet[1]]
        return header, {
            row[0]: dict(zip(header, row, strict=True))
            for row in sheet.iter_rows(min_row=2, values_only=True)
        }

    def test_every_published_review_is_exported(self):
        published = self.cycle.sudo().review_ids.filtered(
            lambda r: r.state == "published"
        )
        self.assertEqual(len(published), len(self.cycle.review_ids))
        self.assertFalse(self.peer_review.score_ready)
        _action, book = self._book(self.user_hr)
        _header, rows = self._rows(book)
        self.assertEqual(sorted(rows), sorted(published.employee_id.mapped("name")))
        peer = rows[self.emp_peer.name]
        self.assertEqual(peer["Final grade"], "C")
        self.assertEqual(peer["Proposed grade"], None)
        # No rating: no score, not a score of 0.
        for column in ("Final score", "Self-evaluation", "Manager review"):
            self.assertIsNone(peer[column], column)
        agent = rows[self.agents[0].name]
        self.assertEqual(agent["Final score"], 95)
        self.assertEqual(agent["Final grade"], "A")
        self.assertEqual(agent["Manager review"], 95)
        self.assertIsNone(agent["Skip-level review"])  # no such step

    def test_reports_count_people_graded_without_a_score(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "perf_closed_loop.perf_review_action_results"
        )
        domain = [*ast.literal_eval(action["domain"]), ("cycle_id", "=", self.cycle.id)]
        Review = self.env["perf.review"].with_user(self.user_hr)
        self.assertIn(self.peer_review, Review.search(domain))
        self.assertEqual(Review.search_count(domain), len(self.cycle.review_ids))
        html = str(self.cycle.with_user(self.user_hr).results_html)
        total = sum(
            count
            for _grade, count in Review._read_group(
                [("cycle_id", "=", self.cycle.id)], ["final_grade_id"], ["__count"]
            )
        )
        self.assertEqual(total, len(self.cycle.review_ids))
        self.assertIn("R&amp;D", html)

    def test_scores_average_and_people_count_in_the_reports(self):
        """Scores average, head counts sum: the pivot's default measures mean
        something (sums of scores do not)."""
        Review = self.env["perf.review"].with_user(self.user_hr)
        for name in ("final_score", "manager_score", "self_score", "coefficient"):
            self.assertEqual(Review._fields[name].aggregator, "avg", name)
        support = self.cycle.review_ids.filtered(
            lambda r: r.department_id == self.dep_support
        )
        [(count, average)] = Review._read_group(
            [("id", "in", support.ids)], [], ["__count", "final_score:avg"]
        )
        self.assertEqual(count, 11)
        self.assertAlmostEqual(
            average, sum(support.sudo().mapped("final_score")) / 11, places=2
        )
        [group] = Review.read_group(
            [("id", "in", support.ids)], ["final_score"], ["department_id"]
        )
        self.assertAlmostEqual(group["final_score"], average, places=2)
        arch = self.env.ref("perf_closed_loop.perf_review_view_pivot").arch
        self.assertIn('display_quantity="1"', arch)

    def test_summary_averages_are_the_values_shown(self):
        _action, book = self._book(self.user_hr)
        _header, rows = self._rows(book)
        summary = book["Summary"]
        header = [cell.value for cell in summary[1]]
        for row in summary.iter_rows(min_row=2, values_only=True):
            if not row[0]:
                continue
            scores = [
                values["Final score"]
                for values in rows.values()
                if values["Department"] == row[0] and values["Final score"] is not None
            ]
            average = row[header.index("Average final score")]
            self.assertEqual(average, round(sum(scores) / len(scores), 2), row[0])
            self.assertEqual(round(average, 2), average)

    def test_nothing_is_stored_and_the_link_is_the_requesters(self):
        Attachment = self.env["ir.attachment"].with_context(active_test=False)
        domain = [
            ("mimetype", "=", XLSX),
            "|",
            ("res_field", "=", False),
            ("res_field", "!=", False),
        ]
        before = Attachment.search_count(domain)
        action, _book = self._book(self.user_hr)
        self.assertRegex(action["url"], r"^/perf_closed_loop/export/\d+$")
        self.assertEqual(Attachment.search_count(domain), before)
        self.assertEqual(before, 0)
        self.assertNotIn("export_file", self.env["perf.cycle"]._fields)
        for user in (
            self.user_employee,
            self.user_manager,
            self.user_support_head,
            self.user_admin,
        ):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._download(action, user)
        # The request holds no result, and others cannot even find it.
        export_id = int(action["url"].rsplit("/", 1)[1])
        Export = self.env["perf.cycle.export"]
        self.assertFalse(
            Export.with_user(self.user_employee).search([("id", "=", export_id)])
        )

    def test_a_selection_exports_only_those_reviews(self):
        agents = self.cycle.review_ids.filtered(
            lambda r: r.employee_id in self.agents[:3]
        )
        head = self.user_support_head
        _action, book = self._book(head, agents)
        _header, rows = self._rows(book)
        self.assertEqual(sorted(rows), sorted(self.agents[:3].mapped("name")))
        # The head's own review, selected, is left out: nothing to export.
        own = self.cycle.review_ids.filtered(
            lambda r: r.employee_id == self.emp_support_head
        )
        with self.assertRefused(UserError, "no result to export"):
            own.with_user(head).action_export_xlsx()
        other = self.cycle.copy({"name": "Copy"})
        with self.assertRefused(UserError, "one cycle at a time"):
            self.env["perf.cycle.export"].with_user(self.user_hr)._request(
                self.cycle, agents | self._fake_review(other)
            )

    def _fake_review(self, cycle):
        """A review of ``cycle`` (created as the launch would)."""
        return (
            self.env["perf.review"]
            .sudo()
            .create(
                {
                    "cycle_id": cycle.id,
                    "company_id": cycle.company_id.id,
                    "employee_id": self.agents[0].id,
                    "template_id": self.template_results.id,
                    "flow_id": self.flow_results.id,
                }
            )
        )

    def test_upgrade_removes_the_stored_exports_of_earlier_versions(self):
        """18.0.1.2.0's migration deletes HR's exports attached to cycles
        and the managers' unattached ones, nothing else."""
        Attachment = self.env["ir.attachment"].sudo()
        content = b"PK\x03\x04 results"
        hr_export = Attachment.create(
            {
                "name": f"{self.cycle.name} results.xlsx",
                "raw": content,
                "mimetype": XLSX,
                "res_model": "perf.cycle",
                "res_id": self.cycle.id,
                "res_field": "export_file",
            }
        )
        manager_exports = Attachment.create(
            [
                {"name": name, "raw": content, "mimetype": XLSX}
                for name in (
                    f"{self.cycle.name} results.xlsx",
                    f"{self.cycle.name} 考核结果.xlsx",
                )
            ]
        )
        kept = Attachment.create(
            [
                {"name": "Budget results.xlsx", "raw": content, "mimetype": XLSX},
                {
                    "name": f"{self.cycle.name} results.xlsx",
                    "raw": content,
                    "mimetype": XLSX,
                    "res_model": "res.partner",
                    "res_id": self.env.user.partner_id.id,
                },
            ]
        )
        self._load_zh_cn()
        module = _migration("18.0.1.2.0", "post-migrate")
        module.migrate(self.env.cr, "18.0.1.1.0")
        self.assertFalse((hr_export | manager_exports).exists())
        self.assertEqual(kept.exists(), kept)
        # A fresh install (no previous version) has nothing to clean.
        module.migrate(self.env.cr, None)
        self.assertEqual(kept.exists(), kept)
