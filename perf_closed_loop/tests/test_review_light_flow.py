# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PerfOrgCase


@tagged("post_install", "-at_install")
class TestReviewLightFlow(PerfOrgCase):
    """The light flow: the manager sets the goals and there is no approval
    chain; overdue to-dos are reminded."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template_light = cls.template_kpi.copy(
            {"name": "Light", "flow_id": cls.flow_light.id}
        )
        cls.cycle = cls._cycle(
            assignments=[
                Command.create(
                    {
                        "department_ids": [Command.set(cls.dep_backend.ids)],
                        "template_id": cls.template_light.id,
                    }
                )
            ]
        )
        cls.cycle.with_user(cls.user_hr).action_launch()
        cls._run_todo_job()
        cls.review = cls.cycle.review_ids.filtered(
            lambda r: r.employee_id == cls.emp_employee
        )

    def test_manager_sets_goals_and_execution_starts(self):
        self.assertEqual(self.review.goal_setter, "manager")
        self.assertFalse(self.review.with_user(self.user_employee).can_edit_goals)
        with self.assertRaises(AccessError):
            self.review.kpi_line_ids[0].with_user(self.user_employee).target_value = 1
        with self.assertRaises(AccessError):
            self.review.with_user(self.user_employee).action_submit_goals()
        manager_review = self.review.with_user(self.user_manager)
        self.assertTrue(manager_review.can_submit_goals)
        manager_review.kpi_line_ids[0].target_value = 150
        # The template has no room for added indicators.
        with self.assertRefused(UserError, "does not allow adding"):
            self.env["perf.review.line"].with_user(self.user_manager).create(
                {"review_id": self.review.id, "name": "Extra", "weight": 0}
            )
        manager_review.action_submit_goals()
        # No approval step in the light flow: execution starts at once.
        self.assertEqual(self.review.state, "execution")
        self.assertEqual(self.review.approved_goals["lines"][0]["target_value"], 150)
        self.assertFalse(self.review.activity_ids)

    def test_start_execution_lists_stragglers(self):
        action = self.cycle.with_user(self.user_hr).action_start_execution()
        self.assertEqual(action["res_model"], "perf.review")
        self.assertEqual(self.cycle.state, "goal_setting")
        self.assertEqual(self.cycle.goals_draft_count, 3)
        self.cycle.with_user(self.user_hr).with_context(
            perf_force=True
        ).action_start_execution()
        self.assertEqual(self.cycle.state, "execution")
        with self.assertRaises(AccessError):
            self.cycle.with_user(self.user_manager).action_start_execution()

    def _overdue_mails(self, user):
        return self.env["mail.mail"].search(
            [
                ("recipient_ids", "in", user.partner_id.ids),
                ("subject", "=", "Performance review: overdue to-dos"),
            ]
        )

    def _remind_on(self, day):
        with freeze_time(day):
            self.env["perf.cycle"]._cron_remind_overdue()

    def test_overdue_todos_are_reminded_weekly(self):
        # Goal deadline 2026-07-15: not late yet on the day itself.
        self._remind_on("2026-07-15")
        self.assertFalse(self._overdue_mails(self.user_manager))
        # The day after: one e-mail listing both of the manager's to-dos (the
        # goals of their two reports); the R&D head sets the manager's.
        self._remind_on("2026-07-16")
        mail = self._overdue_mails(self.user_manager)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.body_html.count("<li>"), 2)
        self.assertIn("past their deadline (2)", mail.body_html)
        self.assertIn(self.emp_employee.name, mail.body_html)
        head_mail = self._overdue_mails(self.user_rd_head)
        self.assertEqual(head_mail.body_html.count("<li>"), 1)
        self.assertIn(self.emp_manager.name, head_mail.body_html)
        # Not every day: the next reminder comes a week later.
        for day in ("2026-07-17", "2026-07-20", "2026-07-22"):
            self._remind_on(day)
        self.assertEqual(len(self._overdue_mails(self.user_manager)), 1)
        self._remind_on("2026-07-23")
        self.assertEqual(len(self._overdue_mails(self.user_manager)), 2)
        # Done to-dos are not reminded.
        self.review.with_user(self.user_manager).activity_ids.action_feedback()
        self._remind_on("2026-07-30")
        self.assertEqual(
            self._overdue_mails(self.user_manager)[:1].body_html.count("<li>"), 1
        )

    def test_overdue_reminder_in_the_inbox_of_odoo_readers(self):
        self.user_rd_head.notification_type = "inbox"
        self._remind_on("2026-07-16")
        self.assertFalse(self._overdue_mails(self.user_rd_head))
        inbox = self.env["mail.notification"].search(
            [
                ("res_partner_id", "=", self.user_rd_head.partner_id.id),
                ("notification_type", "=", "inbox"),
            ]
        )
        message = inbox.mail_message_id.filtered(
            lambda m: m.subject == "Performance review: overdue to-dos"
        )
        self.assertEqual(len(message), 1)
        self.assertIn(self.emp_manager.name, message.body)
