# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.tests import tagged

from .common import PerfOrgCase


@tagged("post_install", "-at_install", "perf_performance")
class TestLaunchPerformance(PerfOrgCase):
    """The launch costs a number of queries per batch, not per employee."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dep_small = cls.env["hr.department"].create({"name": "Small"})
        cls.dep_big = cls.env["hr.department"].create({"name": "Big"})
        users = cls.env["res.users"].create(
            [
                {
                    "name": f"Perf user {i}",
                    "login": f"perf_bulk_{i}",
                    "email": f"perf_bulk_{i}@example.com",
                    "notification_type": "inbox" if i % 2 else "email",
                }
                for i in range(110)
            ]
        )
        boss_small, boss_big = cls.env["hr.employee"].create(
            [
                {"name": "Boss small", "department_id": cls.dep_small.id},
                {"name": "Boss big", "department_id": cls.dep_big.id},
            ]
        )
        cls.env["hr.employee"].create(
            [
                {
                    "name": f"Bulk {i}",
                    "user_id": user.id,
                    "department_id": (cls.dep_small if i < 10 else cls.dep_big).id,
                    "parent_id": (boss_small if i < 10 else boss_big).id,
                }
                for i, user in enumerate(users)
            ]
        )
        boss_small.user_id = cls._user("perf_boss_small", "base.group_user")
        boss_big.user_id = cls._user("perf_boss_big", "base.group_user")

    def _bulk_cycle(self, department, name):
        return self._cycle(
            name=name,
            assignments=[
                Command.create(
                    {
                        "department_ids": [Command.set(department.ids)],
                        "template_id": self.template_okr.id,
                    }
                )
            ],
        )

    def _queries_of(self, work):
        """Queries run by ``work()``, caches emptied and writes flushed."""
        self.env.invalidate_all()
        self.env.flush_all()
        start = self.env.cr.sql_log_count
        work()
        self.env.flush_all()
        return self.env.cr.sql_log_count - start

    def test_same_queries_for_10_and_100_employees(self):
        small = self._bulk_cycle(self.dep_small, "Small")
        big = self._bulk_cycle(self.dep_big, "Big")
        queries_10 = self._queries_of(small.with_user(self.user_hr).action_launch)
        self.assertEqual(len(small.review_ids), 11)
        self.env.invalidate_all()
        with self.assertQueryCount(queries_10):
            big.with_user(self.user_hr).action_launch()
            self.env.flush_all()
        self.assertEqual(len(big.review_ids), 101)
        self.assertEqual(len(big.review_ids.line_ids), 202)

    def _digest_count(self):
        inbox = self.env["mail.notification"].search_count(
            [("mail_message_id.subject", "=", "Performance review: your to-dos")]
        )
        return self.env["mail.mail"].search_count([]) + inbox

    def test_todo_job_same_queries_for_10_and_100_people(self):
        """To-dos, digests (e-mail or inbox) and notifications: queries per
        batch, not per person."""
        small = self._bulk_cycle(self.dep_small, "Small")
        big = self._bulk_cycle(self.dep_big, "Big")
        small.with_user(self.user_hr).action_launch()
        queries_10 = self._queries_of(self.env["perf.cycle"]._cron_deliver_todos)
        digests_10 = self._digest_count()
        big.with_user(self.user_hr).action_launch()
        queries_100 = self._queries_of(self.env["perf.cycle"]._cron_deliver_todos)
        # The first batch also warms caches (defaults, xml ids), so the
        # second may cost fewer queries; per-person queries would make it
        # cost hundreds more.
        self.assertLessEqual(queries_100, queries_10)
        self.assertEqual(len(big.review_ids.activity_ids), 101)
        # One digest per person: half by e-mail, half in the Discuss inbox.
        self.assertEqual(self._digest_count() - digests_10, 101)
