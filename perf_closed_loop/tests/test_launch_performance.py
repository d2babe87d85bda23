# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import tagged

from .common import PerfBulkCase


@tagged("post_install", "-at_install", "perf_performance")
class TestLaunchPerformance(PerfBulkCase):
    """The launch costs a number of queries per batch, not per employee."""

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
