# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import io

import openpyxl

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PerfResultsCase


@tagged("post_install", "-at_install")
class TestPublication(PerfResultsCase):
    """Publication, what each role reads before and after it, the
    acknowledgement, the closed cycle, the next cycle and the export."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_calibration()
        calibrations = cls.cycle.sudo().calibration_ids
        cls.support = cls._calibrate_support_to_policy()
        agents = cls.agents
        for calibration in calibrations:
            calibration.with_user(calibration.calibrator_id).action_submit()
        cls.agent = agents[0]
        cls.agent_user = agents[0].user_id
        cls.agent_review = cls._review_of_cls(agents[0])

    def _approve_all(self):
        for calibration in self.cycle.sudo().calibration_ids.filtered(
            lambda c: c.state == "submitted"
        ):
            calibration.with_user(self.user_admin).action_approve()

    def _publish(self):
        self._approve_all()
        self.cycle.with_user(self.user_hr).action_publish()
        self._run_todo_job()

    def test_publish_waits_for_every_group(self):
        support = self.support.with_user(self.user_hr)
        support.action_approve()
        with self.assertRefused(UserError, r"not approved:\n• R&D"):
            self.cycle.with_user(self.user_hr).action_publish()
        with self.assertRaises(AccessError):
            self.cycle.with_user(self.user_manager).action_publish()
        self._publish()
        self.assertEqual(self.cycle.state, "published")
        self.assertEqual(set(self.cycle.review_ids.mapped("state")), {"published"})
        self.assertEqual(self.cycle.published_count, len(self.cycle.review_ids))
        # Each employee is told, in a digest, and gets a to-do.
        todo = self.agent_review.activity_ids.filtered(
            lambda a: a.user_id == self.agent_user
        )
        self.assertIn("acknowledge", todo.summary)

    def test_background_publication_reports_progress(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "perf_closed_loop.launch_sync_limit", 5
        )
        self.env["ir.config_parameter"].sudo().set_param(
            "perf_closed_loop.launch_batch_size", 10
        )
        self._approve_all()
        self.cycle.with_user(self.user_hr).action_publish()
        self.assertEqual(
            (self.cycle.job_kind, self.cycle.job_state), ("publication", "queued")
        )
        self.assertEqual(self.cycle.state, "calibration")
        self.env["perf.cycle"]._cron_run_jobs()
        self.assertEqual(self.cycle.job_done, 10)
        self.assertEqual(self.cycle.published_count, 10)
        while self.cycle.job_state != "done":
            self.env["perf.cycle"]._cron_run_jobs()
        self.assertEqual(self.cycle.state, "published")

    def test_what_each_role_reads_before_and_after_publication(self):
        review = self.agent_review
        fields = [
            "final_score",
            "final_grade_id",
            "coefficient",
            "calibration_note",
            "grade_id",
            "calibrated_grade_id",
        ]
        own = review.with_user(self.agent_user)
        self.assertFalse(any(own.read(fields)[0][f] for f in fields))
        manager_rating = review.rating_ids.filtered(lambda r: r.role == "manager")
        with self.assertRaises(AccessError):
            manager_rating.with_user(self.agent_user).read(["total_score"])
        head = review.with_user(self.user_support_head)
        self.assertEqual(head.read(["final_score"])[0]["final_score"], 95)
        self._publish()
        # The employee now reads the result and the ratings the flow shows.
        values = own.read(fields)[0]
        self.assertEqual(values["final_score"], 95)
        self.assertEqual(values["final_grade_id"][0], self._grade("A").id)
        self.assertEqual(values["coefficient"], 1.2)
        # Never how it came about: proposed or calibrated grade, the note,
        # the grade changes.
        self.assertFalse(values["calibration_note"])
        self.assertFalse(values["grade_id"])
        self.assertFalse(values["calibrated_grade_id"])
        self.assertFalse(
            self.env["perf.review.grade.change"]
            .with_user(self.agent_user)
            .search([("review_id", "=", review.id)])
        )
        self.assertEqual(
            manager_rating.with_user(self.agent_user).read(["total_score"])[0][
                "total_score"
            ],
            95,
        )
        # Another agent still sees nothing of this review.
        other = self.agents[1].user_id
        with self.assertRaises(AccessError):
            review.with_user(other).read(["state"])
        # The head keeps the note; HR sees everything.
        self.assertEqual(
            head.read(["calibration_note"])[0]["calibration_note"], "One A seat"
        )
        self.assertEqual(
            review.with_user(self.user_hr).read(["calibration_note"])[0][
                "calibration_note"
            ],
            "One A seat",
        )

    def test_acknowledge(self):
        self._publish()
        review = self.agent_review
        with self.assertRaises(AccessError):
            review.with_user(self.user_support_head).action_acknowledge()
        action = review.with_user(self.agent_user).action_open_acknowledge()
        self.assertEqual(action["res_model"], "perf.review.acknowledge")
        self.env["perf.review.acknowledge"].with_user(self.agent_user).create(
            {"review_id": review.id, "comment": "Thanks, fair"}
        ).action_confirm()
        self.assertTrue(review.acknowledged)
        self.assertEqual(review.acknowledge_comment, "Thanks, fair")
        self.assertFalse(
            review.activity_ids.filtered(lambda a: a.user_id == self.agent_user)
        )
        self.assertIn("Thanks, fair", review.message_ids[0].body)
        self.assertIn(
            self.user_support_head.partner_id, review.message_ids[0].partner_ids
        )
        with self.assertRefused(UserError, "not yet acknowledged"):
            review.with_user(self.agent_user).action_acknowledge()
        self.assertEqual(self.cycle.acknowledged_count, 1)

    def test_closed_cycle_refuses_every_change(self):
        self._publish()
        with self.assertRaises(AccessError):
            self.cycle.with_user(self.user_manager).action_close()
        # The results interviews are outstanding: named before closing.
        action = self.cycle.with_user(self.user_hr).action_close()
        self.assertEqual(action["res_model"], "perf.cycle.close")
        self.env["perf.cycle.close"].browse(action["res_id"]).with_user(
            self.user_hr
        ).action_confirm()
        self.assertEqual(self.cycle.state, "closed")
        review = self.agent_review
        rating = review.rating_ids[:1]
        message = "is closed"
        with self.assertRefused(UserError, message):
            review.with_user(self.agent_user).action_acknowledge()
        with self.assertRefused(UserError, message):
            review.with_user(self.user_hr).write({"cancel_reason": "late"})
        with self.assertRefused(UserError, message):
            review.sudo().write({"calibration_note": "rewritten"})
        with self.assertRefused(UserError, message):
            rating.sudo().write({"comment": "rewritten"})
        with self.assertRefused(UserError, message):
            rating.score_line_ids[:1].sudo().write({"score": 1})
        with self.assertRefused(UserError, message):
            self.support.sudo().write({"hr_reason": "late"})
        with self.assertRefused(UserError, message):
            review.line_ids[:1].sudo().write({"target_value": 1})
        with self.assertRefused(UserError, message):
            review.sudo().unlink()
        # Chatter still works.
        review.with_user(self.user_hr).message_post(body="Archived in the HRIS")

    def test_prepare_the_next_cycle(self):
        self._publish()
        action = self.cycle.with_user(self.user_hr).action_prepare_next_cycle()
        new = self.env["perf.cycle"].browse(action["res_id"])
        self.assertEqual(new.state, "draft")
        self.assertEqual(str(new.date_start), "2027-01-01")
        self.assertEqual(str(new.date_end), "2027-06-30")
        self.assertEqual(str(new.goal_deadline), "2027-01-15")
        self.assertEqual(
            new.assignment_ids.mapped("template_id"),
            self.cycle.assignment_ids.mapped("template_id"),
        )
        self.assertEqual(
            new.assignment_ids.department_ids, self.cycle.assignment_ids.department_ids
        )
        self.assertFalse(new.review_ids)
        self.assertIn("next cycle", new.name)

    def test_export_xlsx(self):
        self._publish()
        action = self.cycle.with_user(self.user_hr).action_export_xlsx()
        book = openpyxl.load_workbook(io.BytesIO(self._download(action, self.user_hr)))
        self.assertEqual(book.sheetnames[:2], ["Results", "Summary"])
        self.assertIn("Support", book.sheetnames)
        self.assertIn("R&D", book.sheetnames)
        results = book["Results"]
        header = [cell.value for cell in results[1]]
        self.assertEqual(header[0], "Employee")
        self.assertIn("Final score", header)
        self.assertIn("Calibration note", header)
        self.assertEqual(results.freeze_panes, "A2")
        self.assertTrue(results.auto_filter.ref)
        rows = {row[0]: row for row in results.iter_rows(min_row=2, values_only=True)}
        self.assertEqual(len(rows), len(self.cycle.review_ids))
        agent = rows["Agent 0"]
        self.assertEqual(agent[header.index("Final score")], 95)
        self.assertEqual(agent[header.index("Proposed grade")], "S")
        self.assertEqual(agent[header.index("Final grade")], "A")
        self.assertEqual(agent[header.index("Calibration note")], "One A seat")
        self.assertEqual(agent[header.index("Manager review")], 95)
        support = book["Support"]
        self.assertEqual(support.max_row, 1 + 11)  # the head and 10 agents
        summary = book["Summary"]
        self.assertEqual(len(summary._charts), 1)
        by_department = {
            row[0]: row for row in summary.iter_rows(min_row=2, values_only=True)
        }
        grades = [cell.value for cell in summary[1]]
        self.assertEqual(by_department["Support"][grades.index("A")], 1)
        self.assertEqual(by_department["Support"][grades.index("Total")], 11)
        # Nothing is stored: no attachment holds the workbook, and only HR
        # may open HR's link.
        self.assertFalse(
            self.env["ir.attachment"].search(
                [("mimetype", "like", "spreadsheetml"), ("res_field", "!=", "x")]
            )
        )
        with self.assertRaises(AccessError):
            self._download(action, self.user_employee)

    def test_export_by_role(self):
        self._publish()
        head = self.user_support_head
        action = self.cycle.with_user(head).action_export_xlsx()
        book = openpyxl.load_workbook(io.BytesIO(self._download(action, head)))
        names = [
            row[0] for row in book["Results"].iter_rows(min_row=2, values_only=True)
        ]
        self.assertEqual(sorted(names), sorted(self.agents.mapped("name")))
        # Their link is theirs alone.
        with self.assertRaises(AccessError):
            self._download(action, self.user_hr)
        with self.assertRefused(UserError, "no result to export"):
            self.cycle.with_user(self.user_employee).action_export_xlsx()

    def test_export_headers_in_chinese(self):
        self._load_zh_cn()
        self.user_hr.lang = "zh_CN"
        self._publish()
        action = self.cycle.with_user(self.user_hr).action_export_xlsx()
        book = openpyxl.load_workbook(io.BytesIO(self._download(action, self.user_hr)))
        header = [cell.value for cell in book.worksheets[0][1]]
        self.assertRegex(header[0], "[\u4e00-\u9fff]")
