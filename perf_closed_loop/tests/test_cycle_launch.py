# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from ..models.perf_state_mixin import STATE_CONTEXT
from ..models.perf_todo_mixin import BULK_CONTEXT
from .common import PerfOrgCase


@tagged("post_install", "-at_install")
class TestCycleLaunch(PerfOrgCase):
    """Preview and launch of a company-wide cycle."""

    def _simple_notifications(self):
        """Real-time notifications queued for the end of the transaction."""
        return [
            value
            for value in self.env.cr.precommit.data.get("bus.bus.values", [])
            if '"simple_notification"' in value["message"]
        ]

    def test_preview_lists_templates_and_problems(self):
        nobody = self.env["hr.employee"].create(
            {"name": "No User", "department_id": self.dep_sales.id}
        )
        cycle = self._cycle()
        action = cycle.with_user(self.user_hr).action_preview_launch()
        wizard = self.env["perf.cycle.launch"].browse(action["res_id"])
        by_employee = {line.employee_id: line for line in wizard.line_ids}
        # R&D people get the R&D template (nearer department), others the
        # company one.
        self.assertEqual(by_employee[self.emp_employee].template_id, self.template_okr)
        self.assertEqual(by_employee[self.emp_rd_head].template_id, self.template_okr)
        self.assertEqual(by_employee[self.emp_sales].template_id, self.template_kpi)
        self.assertEqual(by_employee[self.emp_ceo].template_id, self.template_kpi)
        self.assertIn("2 assignments", by_employee[self.emp_employee].problem)
        self.assertFalse(by_employee[self.emp_employee].blocking)
        self.assertIn("no manager", by_employee[self.emp_ceo].problem)
        self.assertFalse(by_employee[self.emp_ceo].blocking)
        self.assertTrue(by_employee[nobody].blocking)
        self.assertIn("no user", by_employee[nobody].problem)
        self.assertEqual(wizard.blocking_count, 1)
        self.assertEqual(wizard.employee_count, 7)
        # Nothing was created by the dry run.
        self.assertFalse(cycle.review_ids)
        # Launching with blocking problems is refused with the list.
        with self.assertRefused(UserError, "No User: no user"):
            cycle.with_user(self.user_hr).action_launch()
        self.assertFalse(cycle.review_ids)

    def test_explicit_employee_wins_and_archived_blocks(self):
        cycle = self._cycle()
        cycle.assignment_ids = [
            Command.create(
                {
                    "employee_ids": [Command.set(self.emp_employee.ids)],
                    "template_id": self.template_kpi.id,
                    "sequence": 1,
                }
            )
        ]
        plan = {e["employee"]: e for e in cycle._launch_plan()}
        self.assertEqual(plan[self.emp_employee]["template"], self.template_kpi)
        self.emp_peer.action_archive()
        cycle.assignment_ids = [
            Command.create(
                {
                    "employee_ids": [Command.set(self.emp_peer.ids)],
                    "template_id": self.template_kpi.id,
                }
            )
        ]
        plan = {e["employee"]: e for e in cycle._launch_plan()}
        codes = [code for code, _b, _m in plan[self.emp_peer]["problems"]]
        self.assertIn("archived", codes)

    def test_overlapping_cycle_blocks(self):
        first = self._cycle()
        self._launch(first)
        second = self._cycle(name="Overlap", date_start="2026-10-01")
        with self.assertRefused(UserError, "overlapping cycle 2026 H2"):
            second.with_user(self.user_hr).action_launch()
        later = self._cycle(
            name="2027 H1", date_start="2027-01-01", date_end="2027-06-30"
        )
        self._launch(later)
        self.assertEqual(len(later.review_ids), 6)

    def test_launch_creates_reviews_with_snapshots_and_todos(self):
        cycle = self._cycle()
        bus_before = len(self._simple_notifications())
        reviews = self._launch(cycle)
        self.assertEqual(cycle.state, "goal_setting")
        self.assertEqual(len(reviews), 6)
        review = self._review(cycle, self.emp_employee)
        self.assertEqual(review.manager_id, self.emp_manager)
        self.assertEqual(review.manager_user_id, self.user_manager)
        self.assertEqual(review.skip_manager_id, self.emp_rd_head)
        self.assertEqual(review.department_id, self.dep_backend)
        self.assertEqual(review.template_id, self.template_okr)
        self.assertEqual(review.flow_id, self.flow_full)
        self.assertEqual(review.state, "goal_setting")
        self.assertEqual(review.line_ids.mapped("name"), ["Delivery", "Incidents"])
        self.assertEqual(set(review.line_ids.mapped("origin")), {"template"})
        # The chain of the full flow: the manager approves.
        self.assertEqual(review.approval_ids.approver_id, self.user_manager)
        # One to-do for the employee, due at the goal deadline.
        activity = review.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_employee)
        self.assertEqual(str(activity.date_deadline), "2026-07-15")
        # Whoever has a to-do follows the review (subscribed in one batch).
        self.assertIn(self.user_employee.partner_id, review.message_partner_ids)
        self.assertEqual(
            self.env["mail.followers"].search_count(
                [("res_model", "=", "perf.review"), ("res_id", "in", reviews.ids)]
            ),
            6,
        )
        self.assertFalse(reviews.filtered("todo_pending"))
        # Bulk work: no chatter message, tracking or e-mail per review; each
        # person gets one real-time notification; one summary on the cycle.
        self.assertFalse(
            self.env["mail.message"].search(
                [("model", "=", "perf.review"), ("res_id", "in", reviews.ids)]
            )
        )
        self.assertEqual(len(self._simple_notifications()) - bus_before, 6)
        self.assertIn(
            "6 reviews",
            cycle.message_ids.filtered(lambda m: "launched" in (m.body or ""))[:1].body,
        )
        # Launching twice is refused.
        with self.assertRefused(UserError, "already launched"):
            cycle.with_user(self.user_hr).action_launch()

    def _light_backend_cycle(self):
        """The back-end team on the light flow: managers set the goals."""
        light = self.template_kpi.copy({"name": "Light", "flow_id": self.flow_light.id})
        return self._cycle(
            assignments=[
                Command.create(
                    {
                        "department_ids": [Command.set(self.dep_backend.ids)],
                        "include_subdepartments": False,
                        "template_id": light.id,
                    }
                )
            ]
        )

    def _digests(self, user):
        return self.env["mail.mail"].search(
            [
                ("recipient_ids", "in", user.partner_id.ids),
                ("body_html", "ilike", "perf_review_action_todo"),
            ]
        )

    def test_todo_digest_one_mail_per_person(self):
        """Who takes notifications by e-mail gets one e-mail listing all
        their to-dos."""
        cycle = self._light_backend_cycle()
        self._launch(cycle)
        # The manager sets the goals of two reports: one e-mail, two items.
        mail = self._digests(self.user_manager)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.subject, "Performance review: your to-dos")
        self.assertEqual(mail.email_from, self.user_hr.email_formatted)
        self.assertEqual(mail.body_html.count("<li>"), 2)
        self.assertIn("Your to-dos (2)", mail.body_html)
        for employee in (self.emp_employee, self.emp_peer):
            self.assertIn(employee.name, mail.body_html)
        self.assertNotIn(self.emp_manager.name + " for", mail.body_html)
        # The manager's own goals are set by their manager.
        self.assertIn(self.emp_manager.name, self._digests(self.user_rd_head).body_html)
        self.assertIn(
            "/odoo/action-perf_closed_loop.perf_review_action_todo", mail.body_html
        )
        self.assertEqual(mail.state, "outgoing")
        # In this flow the employees themselves have nothing to do yet.
        self.assertFalse(self._digests(self.user_employee))

    def test_todo_digest_and_summary_in_the_readers_language(self):
        self._load_zh_cn()
        self.user_employee.lang = "zh_CN"
        self.user_peer.notification_type = "inbox"
        cycle = self._launch(self._cycle()).cycle_id
        review = self._review(cycle, self.emp_employee)
        self.assertRegex(review.activity_ids.summary, "[\u4e00-\u9fff]")
        mail = self._digests(self.user_employee)
        self.assertEqual(len(mail), 1)
        self.assertRegex(mail.subject, "[\u4e00-\u9fff]")
        self.assertIn(review.activity_ids.summary, mail.body_html)
        # English readers get English.
        manager_review = self._review(cycle, self.emp_manager)
        self.assertIn("Set the goals of", manager_review.activity_ids.summary)
        # Who reads notifications in Odoo gets no e-mail but one unread
        # Discuss inbox message listing the to-dos.
        self.assertFalse(self._digests(self.user_peer))
        peer_review = self._review(cycle, self.emp_peer)
        inbox = self.env["mail.notification"].search(
            [
                ("res_partner_id", "=", self.user_peer.partner_id.id),
                ("notification_type", "=", "inbox"),
                ("mail_message_id.subject", "=", "Performance review: your to-dos"),
            ]
        )
        self.assertEqual(len(inbox), 1)
        self.assertFalse(inbox.is_read)
        self.assertIn(peer_review.activity_ids.summary, inbox.mail_message_id.body)
        # It comes from the system, and is the reader's alone: the cycle's
        # HR officer does not read it (an author reads their messages).
        digest = inbox.mail_message_id
        self.assertEqual(digest.author_id, self.env.ref("base.partner_root"))
        for user, reads in ((self.user_peer, True), (self.user_hr, False)):
            found = (
                self.env["mail.message"]
                .with_user(user)
                .search_count([("id", "=", digest.id)])
            )
            self.assertEqual(bool(found), reads, user.name)
        self.assertIn(
            inbox.mail_message_id,
            self.env["mail.message"]
            .with_user(self.user_peer)
            .search([("needaction", "=", True)]),
        )

    def test_one_review_per_employee_and_cycle(self):
        cycle = self._cycle()
        review = self._launch(cycle)[:1]
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            review.sudo().copy()

    def test_manager_sets_goals_in_light_flow(self):
        cycle = self._light_backend_cycle()
        self._launch(cycle)
        review = self._review(cycle, self.emp_employee)
        self.assertEqual(review.activity_ids.user_id, self.user_manager)
        self.assertFalse(review.approval_ids)
        self.assertEqual(
            cycle.review_ids.employee_id,
            self.emp_employee | self.emp_peer | self.emp_manager,
        )

    def test_only_hr_launches(self):
        cycle = self._cycle()
        for user in (self.user_employee, self.user_manager):
            with self.assertRaises(AccessError):
                cycle.with_user(user).action_launch()
            with self.assertRaises(AccessError):
                self.env["perf.cycle"].with_user(user).create(
                    {"name": "x", "date_start": "2026-01-01", "date_end": "2026-02-01"}
                )

    def test_state_cannot_be_written(self):
        cycle = self._cycle()
        with self.assertRefused(UserError, "buttons"):
            cycle.with_user(self.user_hr).write({"state": "execution"})
        self._launch(cycle)
        review = cycle.review_ids[:1]
        with self.assertRefused(UserError, "buttons"):
            review.with_user(self.user_hr).write({"state": "execution"})
        with self.assertRefused(UserError, "buttons"):
            review.sudo().write({"state": "execution"})
        # The context key alone (what an RPC call could send) is not enough.
        for record in (cycle, review):
            with self.assertRefused(UserError, "buttons"):
                record.with_context(**{STATE_CONTEXT: True}).sudo().write(
                    {"state": "execution"}
                )
        # An employee's raw write of state gets the same message, not the
        # generic "only HR" refusal of other fields.
        own = cycle.review_ids.filtered(
            lambda r: r.employee_id.user_id == self.user_employee
        )
        self.assertEqual(len(own), 1)
        with self.assertRefused(UserError, "changes only through its buttons"):
            own.with_user(self.user_employee).write({"state": "execution"})

    def test_background_launch_resumes_without_duplicates(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "perf_closed_loop.launch_sync_limit", 2
        )
        self.env["ir.config_parameter"].sudo().set_param(
            "perf_closed_loop.launch_batch_size", 4
        )
        cycle = self._cycle()
        cycle.with_user(self.user_hr).action_launch()
        self.assertEqual((cycle.job_kind, cycle.job_state), ("launch", "queued"))
        self.assertEqual(cycle.job_total, 6)
        self.assertFalse(cycle.review_ids)
        self.assertEqual(cycle.state, "draft")
        # A batch killed half-way leaves nothing: its reviews and the job's
        # pointer roll back together.
        with self.assertRaises(RuntimeError), self.env.cr.savepoint():
            cycle._run_job_batch()
            self.assertEqual(len(cycle.review_ids), 4)
            raise RuntimeError("worker killed")
        self.env.invalidate_all()
        self.assertFalse(cycle.review_ids)
        self.assertEqual(cycle.job_done, 0)
        # Reviews created another way are skipped, never duplicated.
        plan = cycle._launch_plan()
        cycle._create_reviews(plan[:3])
        self.env["perf.cycle"]._cron_run_jobs()
        self.assertEqual((cycle.job_done, cycle.job_state), (4, "running"))
        self.assertEqual(len(cycle.review_ids), 4)
        self.env["perf.cycle"]._cron_run_jobs()
        self.assertEqual(len(cycle.review_ids), 6)
        self.env["perf.cycle"]._cron_run_jobs()  # nothing left: a no-op
        self.assertEqual(len(cycle.review_ids), 6)
        self.assertEqual(cycle.job_state, "done")
        self.assertEqual(cycle.job_done, 6)
        self.assertEqual(cycle.state, "goal_setting")
        self.assertEqual(cycle.todo_pending_count, 6)
        # Two batches of at most 4 to-dos.
        self.assertEqual(self._run_todo_job(), 2)
        self.assertEqual(cycle.todo_pending_count, 0)
        self.assertEqual(len(cycle.review_ids.activity_ids), 6)

    def _rows(self, table, reviews, skip, key="review_id"):
        """{employee id: the rows of ``table`` of their review in
        ``reviews``, as stored, without the columns ``skip``}."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT * FROM %s WHERE %s IN %s ORDER BY %s, id",
                SQL.identifier(table),
                SQL.identifier(key),
                tuple(reviews.ids),
                SQL.identifier(key),
            )
        )
        employees = {review.id: review.employee_id.id for review in reviews}
        rows = {}
        for row in self.env.cr.dictfetchall():
            employee = employees[row[key]]
            for name in {*skip, key}:
                row.pop(name)
            rows.setdefault(employee, []).append(row)
        return rows

    def test_set_based_lines_and_approvals_as_the_orm_makes_them(self):
        """The launch inserts the review lines and the goal approvals
        set-based (issue 21): the rows, and the reviews' fields computed
        from them, are what the ORM's ``create`` gives."""
        self.maxDiff = None
        measure = (
            self.env["perf.measure"]
            .with_user(self.user_admin)
            .create(
                {
                    "name": "Contacts",
                    "model_id": self.env["ir.model"]._get_id("res.partner"),
                    "person_field_id": self.env["ir.model.fields"]
                    ._get("res.partner", "user_id")
                    .id,
                    "date_field_id": self.env["ir.model.fields"]
                    ._get("res.partner", "create_date")
                    .id,
                    "aggregate": "count",
                    "unit": "contacts",
                }
            )
        )
        template = self.env["perf.template"].create(
            {
                "name": "Every kind of line",
                "flow_id": self.flow_full.id,
                "kpi_weight": 70,
                "question_weight": 30,
                "kpi_line_ids": [
                    Command.create(
                        {
                            "name": "Revenue",
                            "description": "Booked revenue",
                            "weight": 60,
                            "target_value": 100.5,
                            "unit": "¥10k",
                            "score_cap": 150,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Contacts",
                            "sequence": 5,
                            "weight": 40,
                            "target_value": 2,
                            "direction": "lower",
                            "auto_score": True,
                            "measure_id": measure.id,
                        }
                    ),
                ],
                "question_ids": [
                    Command.create(
                        {"name": "Teamwork", "description": "How", "weight": 100}
                    ),
                ],
            }
        )

        def launch(name, start, end):
            cycle = self._cycle(
                name=name,
                date_start=start,
                date_end=end,
                goal_deadline=start,
                assignments=[
                    Command.create(
                        {
                            "department_ids": [Command.set(self.dep_company.ids)],
                            "template_id": template.id,
                        }
                    )
                ],
            )
            cycle = cycle.with_user(self.user_hr)
            cycle.action_launch()
            # As the launch job does: the ORM computes the stored related
            # fields of its lines at the flush, as the flushing user.
            cycle.env.flush_all()
            return cycle.sudo().review_ids

        set_based = launch("Set-based", "2026-07-01", "2026-12-31")
        # The caches see the new rows without being emptied.
        self.assertEqual(len(set_based), 6)
        self.assertEqual(len(set_based.line_ids), 18)
        self.assertEqual(set(set_based.mapped("measured_line_count")), {1})
        # The manager approves; HR for the CEO, who has none.
        self.assertEqual(len(set_based.approval_ids), 6)

        def orm_create(records, vals_list):
            return records.with_context(**BULK_CONTEXT).create(vals_list)

        with (
            patch.object(
                type(self.env["perf.review.line"]), "_insert_for_reviews", orm_create
            ),
            patch.object(
                type(self.env["perf.review.approval"]),
                "_insert_for_reviews",
                orm_create,
            ),
            # The ORM computes the progress from the lines it reads back.
            patch.object(
                type(self.env["perf.review"]),
                "_store_launch_progress",
                lambda reviews, line_values: None,
            ),
        ):
            by_orm = launch("ORM", "2027-01-01", "2027-06-30")
        skip = ("id", "create_date", "write_date")
        lines = self._rows("perf_review_line", set_based, skip)
        self.assertEqual(sum(map(len, lines.values())), 18)
        self.assertEqual(lines, self._rows("perf_review_line", by_orm, skip))
        approvals = self._rows("perf_review_approval", set_based, skip)
        self.assertEqual(sum(map(len, approvals.values())), 6)
        self.assertEqual(approvals, self._rows("perf_review_approval", by_orm, skip))
        # The reviews' own columns, those computed from their lines
        # (progress) included, and the computed flags.
        skip += ("cycle_id", "cycle_date_start")
        self.assertEqual(
            self._rows("perf_review", set_based, skip, key="id"),
            self._rows("perf_review", by_orm, skip, key="id"),
        )
        self.env.invalidate_all()
        for field in ("measured_line_count", "progress", "current_approver_id"):
            self.assertEqual(
                sorted(set_based.mapped(field)), sorted(by_orm.mapped(field))
            )

    def test_launch_progress_stored_from_the_line_values(self):
        """The new reviews' progress comes from their launch lines' values
        (issue 21), as _compute_progress gives it, and is stored at the
        flush, not computed again."""
        reviews = self._launch(self._cycle())[:2].sudo()
        first, second = reviews
        reviews._store_launch_progress(
            [
                {"review_id": first.id, "kind": "kpi", "weight": 60.0, "progress": 50},
                {
                    "review_id": first.id,
                    "kind": "key_result",
                    "weight": 40.0,
                    "progress": 100.0,
                },
                {"review_id": first.id, "kind": "question", "weight": 90.0},
                {"review_id": second.id, "kind": "question", "weight": 10.0},
            ]
        )
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(first.progress, 70.0)
        self.assertEqual(second.progress, 0.0)

    def test_set_based_lines_are_checked(self):
        """What the ORM would refuse, the set-based insert refuses too."""
        review = self._launch(self._cycle())[:1]
        Line = self.env["perf.review.line"].sudo()
        line = {"review_id": review.id, "name": "Fine", "weight": 10.0}
        self.assertTrue(Line._insert_for_reviews([line]).company_id)
        with self.assertRaises(ValidationError):
            Line._insert_for_reviews([dict(line, name=" \u200b")])
        with self.assertRaises(ValidationError):
            Line._insert_for_reviews([dict(line, weight=float("nan"))])
        with self.assertRaises(ValueError):
            Line._insert_for_reviews([dict(line, direction="sideways")])
        with self.assertRaises(ValueError):
            Line._insert_for_reviews([dict(line, name=False)])

    def test_cancel_with_reason(self):
        cycle = self._cycle()
        self._launch(cycle)
        action = cycle.with_user(self.user_hr).action_cancel()
        self.assertEqual(action["res_model"], "perf.cycle.cancel")
        with self.assertRaises(AccessError):
            cycle.with_user(self.user_manager).action_cancel(reason="no")
        self.env["perf.cycle.cancel"].with_user(self.user_hr).create(
            {"cycle_id": cycle.id, "reason": "Reorganisation"}
        ).action_confirm()
        self.assertEqual(cycle.state, "cancelled")
        self.assertEqual(set(cycle.review_ids.mapped("state")), {"cancelled"})
        self.assertFalse(cycle.review_ids.activity_ids)
        self.assertIn("Reorganisation", cycle.message_ids[0].body)
