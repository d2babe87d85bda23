# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from unittest.mock import patch

from markupsafe import Markup

from odoo.tests import tagged
from odoo.tools.mail import html_normalize

from ..models import perf_bulk_mail
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

    def test_todo_activities_inserted_as_the_orm_would(self):
        """The to-dos and their followers are inserted set-based (issue
        21): every stored column of the activities holds what core's
        create gives for the same values, and the reviews see their
        activities and followers in the same transaction."""
        cycle = self._bulk_cycle(self.dep_small, "Small")
        cycle.with_user(self.user_hr).action_launch()
        reviews = cycle.review_ids.sudo()
        self.assertTrue(all(reviews.mapped("todo_pending")))
        # Read as empty before: the caches must not keep that.
        self.assertFalse(reviews.activity_ids)
        followers_before = {r: r.message_partner_ids for r in reviews}
        self.env["perf.cycle"]._cron_deliver_todos()
        activities = reviews.activity_ids
        self.assertEqual(len(activities), len(reviews))
        for review in reviews:
            setter = review.activity_ids.user_id
            self.assertEqual(len(setter), 1)
            self.assertIn(setter.partner_id, review.message_partner_ids)
            self.assertLessEqual(followers_before[review], review.message_partner_ids)
            follower = review.message_follower_ids.filtered(
                lambda f, setter=setter: f.partner_id == setter.partner_id
            )
            self.assertEqual(
                follower.subtype_ids,
                self.env["mail.message.subtype"].default_subtypes("perf.review")[0],
            )
        # The same values through core's create, then every stored column.
        vals_list = [
            {
                "res_model_id": activity.res_model_id.id,
                "res_id": activity.res_id,
                "activity_type_id": activity.activity_type_id.id,
                "user_id": activity.user_id.id,
                "date_deadline": activity.date_deadline,
                "summary": activity.summary,
            }
            for activity in activities.sorted("id")
        ]
        by_orm = reviews._create_todo_activities(vals_list, orm=True)
        self.env.flush_all()
        self.env.invalidate_all()
        Activity = self.env["mail.activity"].sudo()
        columns = [
            name
            for name, field in Activity._fields.items()
            if field.store and field.column_type and name != "id"
        ]
        self.assertIn("res_name", columns)
        inserted = Activity.browse(activities.sorted("id").ids).read(columns)
        created = Activity.browse(by_orm.ids).read(columns)
        for row in inserted + created:
            row.pop("id")
        self.assertTrue(inserted[0]["res_name"])
        self.assertEqual(inserted, created)

    def test_todo_digest_body_is_what_the_sanitizer_keeps(self):
        """The inbox digests' bodies skip Odoo's HTML sanitizer (issue 21):
        with hostile names, what is stored is the HTML the sanitizer gives,
        serialized another way, and nothing it would remove."""
        hostile = (
            '<script>alert("x")</script> O\'Brien & "Co" <img src=x onerror=alert(1)>'
        )
        cycle = self._bulk_cycle(self.dep_small, "Small")
        employees = self.env["hr.employee"].search(
            [("department_id", "=", self.dep_small.id)]
        )
        for employee in employees:
            employee.name = f"{employee.name} {hostile}"
        employees.parent_id.user_id.notification_type = "inbox"
        cycle.with_user(self.user_hr).action_launch()
        self.env["perf.cycle"]._cron_deliver_todos()
        notifications = self.env["mail.notification"].search(
            [
                ("notification_type", "=", "inbox"),
                ("mail_message_id.subject", "=", "Performance review: your to-dos"),
                ("res_partner_id", "in", employees.parent_id.user_id.partner_id.ids),
            ]
        )
        self.assertTrue(notifications)
        for message in notifications.mail_message_id:
            self.assertIn("&lt;script&gt;", message.body)
            self.assertNotIn("<script", message.body)
            self.assertNotIn("<img", message.body)
            by_orm = (
                self.env["mail.message"]
                .sudo()
                .create({"body": message.body, "message_type": "user_notification"})
            )
            self.assertEqual(by_orm.body, html_normalize(message.body))

    def test_digests_inserted_as_the_orm_would(self):
        """The digests (e-mails and inbox messages) are inserted set-based
        (issue 21): every stored column of the messages, e-mails and inbox
        notifications, and their recipients, hold what core's creates give
        for the same digests."""
        self.maxDiff = None
        partners = self.env["res.partner"].create(
            [
                {"name": f"Reader {i}", "email": f"reader{i}@example.com"}
                for i in range(4)
            ]
        )
        author = self.user_hr.partner_id.id
        system = self.env.ref("base.partner_root").id
        sender = '"HR" <hr@example.com>'
        body = Markup("<p>%s</p>") % 'O\'Brien <b>&</b> "Co"'
        mails = [(author, p.id, f"Subject {p.id}", body) for p in partners[:2]]
        inbox = [(p.id, f"Subject {p.id}", body) for p in partners[2:]]
        Message = self.env["mail.message"].sudo()
        before = Message.search([], order="id desc", limit=1).id
        # The set-based path itself, not its fallback on the ORM.
        with patch.object(
            perf_bulk_mail, "_create_digests_orm", side_effect=AssertionError
        ):
            by_sql = perf_bulk_mail.create_digests(
                self.env, sender, mails, inbox, system
            )
        by_orm = perf_bulk_mail.create_digests(
            self.env, sender, mails, inbox, system, orm=True
        )
        self.env.flush_all()
        self.env.invalidate_all()
        # Nothing else was created: two e-mails and two inbox messages each.
        self.assertEqual(Message.search_count([("id", ">", before)]), 8)

        def rows(records, skip=()):
            model = records.sudo()
            columns = [
                name
                for name, field in model._fields.items()
                if field.store
                and (field.column_type or field.type == "many2many")
                and not field.inherited
                and name not in ("id", *skip)
            ]
            return [
                {name: value for name, value in row.items() if name != "id"}
                for row in model.read(columns)
            ]

        (sql_mails, sql_inbox), (orm_mails, orm_inbox) = by_sql, by_orm
        self.assertEqual(len(sql_mails), 2)
        self.assertEqual(len(sql_inbox), 2)
        self.assertEqual(sql_mails.recipient_ids, partners[:2])
        self.assertEqual(sql_inbox.partner_ids, partners[2:])
        self.assertEqual(
            rows(sql_mails, ("mail_message_id",)),
            rows(orm_mails, ("mail_message_id",)),
        )
        skip = ("message_id", "date", "notified_partner_ids")
        sql_messages = sql_mails.mail_message_id + sql_inbox
        orm_messages = orm_mails.mail_message_id + orm_inbox
        self.assertEqual(rows(sql_messages, skip), rows(orm_messages, skip))
        self.assertEqual(sql_inbox.mapped("notified_partner_ids"), partners[2:])
        self.assertEqual(len(set(sql_messages.mapped("message_id"))), 4)
        for sql, orm in zip(sql_messages, orm_messages, strict=True):
            self.assertLessEqual(abs((sql.date - orm.date).total_seconds()), 2)
            self.assertTrue(sql.message_id.startswith("<"))
        self.assertEqual(
            rows(sql_inbox.notification_ids, ("mail_message_id",)),
            rows(orm_inbox.notification_ids, ("mail_message_id",)),
        )
        self.assertEqual(sql_inbox.notification_ids.res_partner_id, partners[2:])
        self.assertIn("O&#39;Brien", sql_inbox[0].body)
