# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import PerfOrgCase

TODO_TYPE = "perf_closed_loop.mail_activity_type_perf_todo"


@tagged("post_install", "-at_install")
class TestRecurringCycles(PerfOrgCase):
    """Recurring cycles (月度业务考核): the Back-end team on the shipped
    monthly business review, January 2027, the next month prepared five
    days before the end by the daily cron."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template_monthly = cls.env.ref("perf_closed_loop.perf_template_monthly")
        cls.root = cls.env.ref("base.user_root")

    def _monthly(self, **vals):
        values = {
            "name": "Monthly review 2027-01",
            "date_start": "2027-01-01",
            "date_end": "2027-01-31",
            "goal_deadline": "2027-01-07",
            "evaluation_deadline": "2027-02-05",
            "recurrence": "monthly",
            "recurrence_lead_days": 5,
            "distribution_policy_id": False,
            "assignments": [
                Command.create(
                    {
                        "department_ids": [Command.set(self.dep_backend.ids)],
                        "template_id": self.template_monthly.id,
                    }
                )
            ],
        }
        values.update(vals)
        return self._cycle(**values)

    def _cron(self, day):
        with freeze_time(day):
            self.env["perf.cycle"]._cron_recurring_cycles()
        self.env.invalidate_all()

    def _successors(self, cycle):
        return (
            self.env["perf.cycle"]
            .with_context(active_test=False)
            .search([("previous_cycle_id", "=", cycle.id)])
        )

    def _hr_todos(self, cycle):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "perf.cycle"),
                ("res_id", "=", cycle.id),
                ("activity_type_id", "=", self.env.ref(TODO_TYPE).id),
            ]
        )

    def _notes(self, cycle):
        return " ".join(cycle.message_ids.mapped("body"))

    def _digests(self, user, subject="Performance review: your to-dos"):
        return self.env["mail.mail"].search(
            [("recipient_ids", "in", user.partner_id.ids), ("subject", "=", subject)]
        )

    # ------------------------------------------------------------ monthly
    def test_monthly_cycle_prepared_then_launched_by_the_cron(self):
        january = self._monthly(auto_launch=True)
        self._launch(january)
        # Six days before the end: not yet.
        self._cron("2027-01-25")
        self.assertFalse(self._successors(january))
        self.assertEqual(str(january.next_prepare_date), "2027-01-26")
        # Five days before: February is prepared, once.
        self._cron("2027-01-26")
        february = self._successors(january)
        self.assertEqual(len(february), 1)
        self.assertEqual(february.state, "draft")
        self.assertEqual(february.name, "Monthly review 2027-02")
        self.assertEqual(str(february.date_start), "2027-02-01")
        self.assertEqual(str(february.date_end), "2027-02-28")
        self.assertEqual(str(february.goal_deadline), "2027-02-07")
        self.assertEqual(str(february.evaluation_deadline), "2027-03-05")
        self.assertEqual(february.previous_cycle_id, january)
        self.assertEqual(january.next_cycle_id, february)
        self.assertEqual(february.recurrence, "monthly")
        self.assertTrue(february.auto_launch)
        self.assertFalse(february.distribution_policy_id)
        self.assertEqual(february.hr_user_id, self.user_hr)
        self.assertEqual(february.assignment_ids.department_ids, self.dep_backend)
        self.assertEqual(february.assignment_ids.template_id, self.template_monthly)
        self.assertIn("Next cycle prepared", self._notes(january))
        self.assertIn("Prepared from", self._notes(february))
        # Launched by itself: no to-do for HR.
        self.assertFalse(self._hr_todos(february))
        # The cron again, the day after and on the last day: nothing more.
        for day in ("2027-01-26", "2027-01-27", "2027-01-31"):
            self._cron(day)
        self.assertEqual(self._successors(january), february)
        self.assertEqual(february.state, "draft")
        # On its start date the cron launches it, as the HR responsible,
        # while January still runs: periods that touch do not overlap.
        self._cron("2027-02-01")
        self.assertEqual(february.state, "goal_setting")
        self.assertEqual(len(february.review_ids), 3)
        self.assertEqual(february.review_ids.create_uid, self.user_hr)
        self.assertIn("Launched automatically", self._notes(february))
        self.assertTrue(february.previous_cycle_running)
        # The to-dos go out: one digest per person for the launch.
        before = {u: len(self._digests(u)) for u in february.review_ids.user_id}
        self._run_todo_job()
        review = self._review(february, self.emp_employee)
        self.assertEqual(review.activity_ids.user_id, self.user_employee)
        self.assertEqual(str(review.activity_ids.date_deadline), "2027-02-07")
        for user, count in before.items():
            self.assertEqual(len(self._digests(user)), count + 1, user.name)
        # Nothing more the same day, and March waits for February's end.
        self._cron("2027-02-01")
        self._cron("2027-02-22")
        self.assertFalse(self._successors(february))
        self.assertEqual(len(self._successors(january)), 1)
        self._cron("2027-02-23")
        march = self._successors(february)
        self.assertEqual(
            (str(march.date_start), str(march.date_end)), ("2027-03-01", "2027-03-31")
        )
        self.assertEqual(march.name, "Monthly review 2027-03")

    def test_without_auto_launch_hr_confirms(self):
        january = self._monthly()
        self._launch(january)
        self._cron("2027-01-26")
        february = self._successors(january)
        todo = self._hr_todos(february)
        self.assertEqual(todo.user_id, self.user_hr)
        self.assertEqual(todo.create_uid, self.root)
        self.assertEqual(str(todo.date_deadline), "2027-02-01")
        self.assertIn("Confirm and launch Monthly review 2027-02", todo.summary)
        # Nothing launches by itself, and no second to-do.
        self._cron("2027-02-01")
        self._cron("2027-02-02")
        self.assertEqual(february.state, "draft")
        self.assertEqual(len(self._hr_todos(february)), 1)
        # HR launches: their to-do is done.
        self._launch(february)
        self.assertEqual(february.state, "goal_setting")
        self.assertFalse(self._hr_todos(february))

    def test_refused_launch_stays_draft_with_a_todo(self):
        january = self._monthly(auto_launch=True)
        self._launch(january)
        self._cron("2027-01-26")
        february = self._successors(january)
        # By February the peer has lost their user: the launch would refuse.
        self.emp_peer.user_id = False
        self._cron("2027-02-01")
        self.assertEqual(february.state, "draft")
        self.assertFalse(february.review_ids)
        self.assertIn("Peer", february.launch_refusal)
        self.assertIn("no user", february.launch_refusal)
        todo = self._hr_todos(february)
        self.assertEqual(todo.user_id, self.user_hr)
        self.assertIn("by hand", todo.summary)
        self.assertIn("automatic launch was refused", self._notes(february))
        # Not retried every day.
        self._cron("2027-02-02")
        self.assertEqual(len(self._hr_todos(february)), 1)
        # HR fixes it and launches by hand.
        self.emp_peer.user_id = self.user_peer
        self._launch(february)
        self.assertEqual(february.state, "goal_setting")
        self.assertFalse(february.launch_refusal)
        self.assertFalse(self._hr_todos(february))

    def test_catch_up_after_a_gap(self):
        """The scheduler stopped until mid-April: February and March are
        over and skipped; April is prepared and launched at once."""
        january = self._monthly(auto_launch=True)
        self._launch(january)
        self._cron("2027-04-12")
        april = self._successors(january)
        self.assertEqual(len(april), 1)
        self.assertEqual(
            (str(april.date_start), str(april.date_end)), ("2027-04-01", "2027-04-30")
        )
        self.assertEqual(april.name, "Monthly review 2027-04")
        self.assertEqual(str(april.goal_deadline), "2027-04-07")
        self.assertEqual(april.state, "goal_setting")
        self.assertIn("2 periods already over were skipped", self._notes(january))

    def test_quarterly_and_half_yearly(self):
        quarter = self._monthly(
            name="Q review 2027 Q1",
            recurrence="quarterly",
            date_end="2027-03-31",
            evaluation_deadline="2027-04-10",
        )
        half = self._monthly(
            name="H review 2027 H1",
            recurrence="half_yearly",
            date_end="2027-06-30",
            recurrence_lead_days=10,
        )
        # The same people at two cadences: pointed out, not refused.
        self._launch(quarter)
        plan = {e["employee"]: e for e in half._launch_plan()}
        codes = {code for code, _b, _m in plan[self.emp_employee]["problems"]}
        self.assertIn("overlap_other_cadence", codes)
        self._launch(half)
        self._cron("2027-03-26")
        q2 = self._successors(quarter)
        self.assertEqual(
            (q2.name, str(q2.date_start), str(q2.date_end)),
            ("Q review 2027 Q2", "2027-04-01", "2027-06-30"),
        )
        self.assertEqual(str(q2.evaluation_deadline), "2027-07-10")
        self.assertFalse(self._successors(half))
        self._cron("2027-06-20")
        h2 = self._successors(half)
        self.assertEqual(
            (h2.name, str(h2.date_start), str(h2.date_end)),
            ("H review 2027 H2", "2027-07-01", "2027-12-31"),
        )

    def test_same_cadence_overlap_still_blocks(self):
        january = self._monthly()
        self._launch(january)
        again = self._monthly(name="Monthly again", date_start="2027-01-15")
        with self.assertRefused(UserError, "overlapping cycle Monthly review 2027-01"):
            again.with_user(self.user_hr).action_launch()

    # ------------------------------------------------------------ overlap
    def test_previous_cycle_still_running_is_shown(self):
        january = self._monthly()
        self._launch(january)
        action = january.with_user(self.user_hr).action_prepare_next_cycle()
        february = self.env["perf.cycle"].browse(action["res_id"])
        self.assertTrue(february.previous_cycle_running)
        self.assertEqual(february.previous_cycle_state, "goal_setting")
        january.with_user(self.user_hr).action_cancel(reason="Merged into February")
        february.invalidate_recordset()
        self.assertFalse(february.previous_cycle_running)

    # ------------------------------------------------------- stops, manual
    def test_cancelled_cycles_prepare_nothing(self):
        january = self._monthly()
        self._launch(january)
        january.with_user(self.user_hr).action_cancel(reason="Reorganisation")
        self._cron("2027-01-26")
        self.assertFalse(self._successors(january))
        # A cancelled successor ends the chain too.
        other = self._monthly(name="Other 2027-01")
        other.assignment_ids.department_ids = self.dep_sales
        self._launch(other)
        self._cron("2027-01-26")
        february = self._successors(other)
        february.with_user(self.user_hr).action_cancel(reason="Not in February")
        self.assertFalse(self._hr_todos(february))
        self._cron("2027-01-27")
        self.assertEqual(self._successors(other), february)
        # A draft cycle waits for HR: it prepares nothing either.
        draft = self._monthly(name="Draft 2027-01")
        self._cron("2027-01-28")
        self.assertFalse(self._successors(draft))

    def test_prepare_by_hand_is_idempotent(self):
        january = self._monthly()
        self._launch(january)
        with freeze_time("2027-01-10"):
            first = january.with_user(self.user_hr).action_prepare_next_cycle()
            second = january.with_user(self.user_hr).action_prepare_next_cycle()
        self.assertEqual(first["res_id"], second["res_id"])
        february = self.env["perf.cycle"].browse(first["res_id"])
        self.assertEqual(february.previous_cycle_id, january)
        self.assertEqual(str(february.date_start), "2027-02-01")
        # The cron finds it prepared.
        self._cron("2027-01-26")
        self.assertEqual(self._successors(january), february)
        # A one-off cycle keeps its period length, and its successor too.
        once = self._cycle(name="2026 H2 once")
        action = once.with_user(self.user_hr).action_prepare_next_cycle()
        nxt = self.env["perf.cycle"].browse(action["res_id"])
        self.assertEqual(nxt.previous_cycle_id, once)
        self.assertEqual(nxt.recurrence, "none")
        self.assertEqual(
            (str(nxt.date_start), str(nxt.date_end)), ("2027-01-01", "2027-06-30")
        )

    # ----------------------------------------------------------- security
    def test_only_hr_repeats_cycles(self):
        january = self._monthly()
        self._launch(january)
        for user in (self.user_manager, self.user_employee):
            with self.assertRaises(AccessError):
                january.with_user(user).write({"recurrence": "quarterly"})
            with self.assertRaises(AccessError):
                january.with_user(user).action_prepare_next_cycle()
        with self.assertRaises(AccessError):
            january.with_user(self.user_employee).write({"auto_launch": True})
        with self.assertRefused(ValidationError, "0 to 30 days"):
            january.with_user(self.user_hr).write({"recurrence_lead_days": 31})
        with self.assertRefused(ValidationError, "0 to 30 days"):
            january.with_user(self.user_hr).write({"recurrence_lead_days": -1})
        january.with_user(self.user_hr).action_cancel(reason="Stop")
        with self.assertRefused(UserError, "cancelled"):
            january.with_user(self.user_hr).action_prepare_next_cycle()

    # --------------------------------------------------------- companies
    def test_each_company_with_its_hr(self):
        other = self.env["res.company"].create({"name": "Other Co"})

        def user(login, groups):
            return new_test_user(
                self.env,
                login=login,
                groups=groups,
                company_id=other.id,
                company_ids=[Command.set(other.ids)],
            )

        hr_other = user(
            "perf_hr_other", "base.group_user,perf_closed_loop.group_perf_hr"
        )
        boss_user = user("perf_boss_other", "base.group_user")
        worker_user = user("perf_worker_other", "base.group_user")
        Employee = self.env["hr.employee"].with_company(other)
        boss = Employee.create(
            {"name": "Boss Other", "user_id": boss_user.id, "company_id": other.id}
        )
        department = self.env["hr.department"].create(
            {"name": "Other team", "company_id": other.id, "manager_id": boss.id}
        )
        boss.department_id = department
        Employee.create(
            {
                "name": "Worker Other",
                "user_id": worker_user.id,
                "company_id": other.id,
                "department_id": department.id,
                "parent_id": boss.id,
            }
        )
        theirs = (
            self.env["perf.cycle"]
            .with_user(hr_other)
            .with_company(other)
            .create(
                {
                    "name": "Other monthly 2027-01",
                    "company_id": other.id,
                    "date_start": "2027-01-01",
                    "date_end": "2027-01-31",
                    "recurrence": "monthly",
                    "distribution_policy_id": False,
                    "hr_user_id": hr_other.id,
                    "assignment_ids": [
                        Command.create(
                            {
                                "department_ids": [Command.set(department.ids)],
                                "template_id": self.template_monthly.id,
                            }
                        )
                    ],
                }
            )
        )
        theirs.with_user(hr_other).with_company(other).action_launch()
        ours = self._monthly()
        self._launch(ours)
        self._cron("2027-01-26")
        their_next = self._successors(theirs)
        our_next = self._successors(ours)
        self.assertEqual(their_next.company_id, other)
        self.assertEqual(our_next.company_id, self.env.company)
        self.assertEqual(self._hr_todos(their_next).user_id, hr_other)
        self.assertEqual(self._hr_todos(our_next).user_id, self.user_hr)
        # Each HR sees their own company's next cycle only.
        self.assertFalse(
            self.env["perf.cycle"]
            .with_user(self.user_hr)
            .search([("id", "=", their_next.id)])
        )
        # With auto launch, the cron launches it as that company's HR.
        their_next.with_user(hr_other).with_company(other).auto_launch = True
        self._cron("2027-02-01")
        self.assertEqual(their_next.state, "goal_setting")
        self.assertEqual(their_next.review_ids.create_uid, hr_other)
        self.assertEqual(len(their_next.review_ids), 2)

    # ------------------------------------------------------------ to-dos
    def test_one_overdue_reminder_across_open_cycles(self):
        """Two open monthly cycles, the employee late in both: one reminder
        listing both to-dos."""
        january = self._monthly()
        self._launch(january)
        self._cron("2027-01-26")
        february = self._successors(january)
        # Four weeks after January's: both reminded the same day.
        february.with_user(self.user_hr).goal_deadline = "2027-02-04"
        self._launch(february)
        subject = "Performance review: overdue to-dos"
        with freeze_time("2027-02-05"):
            self.env["perf.cycle"]._cron_remind_overdue()
        mail = self._digests(self.user_employee, subject)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.body_html.count("<li>"), 2)
        self.assertIn("Monthly review 2027-01", mail.body_html)
        self.assertIn("Monthly review 2027-02", mail.body_html)

    # ----------------------------------------------- big companies, data
    def test_auto_launch_of_a_big_cycle_runs_in_the_background(self):
        january = self._monthly(auto_launch=True)
        self._launch(january)
        self._cron("2027-01-26")
        february = self._successors(january)
        self.env["ir.config_parameter"].set_param(
            "perf_closed_loop.launch_sync_limit", 1
        )
        self._cron("2027-02-01")
        self.assertEqual(february.state, "draft")
        self.assertEqual(february.job_state, "queued")
        self.assertFalse(february.launch_refusal)
        # The next day's run leaves the queued launch alone.
        self._cron("2027-02-02")
        self.assertEqual(february.job_state, "queued")
        self.assertFalse(february.review_ids)
        for _call in range(10):
            if not february.job_state or february.job_state == "done":
                break
            self.env["perf.cycle"]._cron_run_jobs()
            self.env.invalidate_all()
        self.assertEqual(february.state, "goal_setting")
        self.assertEqual(len(february.review_ids), 3)

    def test_the_monthly_business_review(self):
        """Each employee lists 3 to 6 key work items within 100 % of
        weight and submits them (no approval step); the manager alone
        rates them."""
        flow = self.template_monthly.flow_id
        self.assertEqual(flow, self.env.ref("perf_closed_loop.flow_monthly"))
        self.assertEqual(flow.goal_setter, "employee")
        self.assertEqual(flow.approval_level_count, 0)
        self.assertFalse(flow.has_peer_review)
        self.assertEqual(flow.rating_weight_total, 100)
        january = self._monthly()
        self._launch(january)
        review = self._review(january, self.emp_employee).with_user(self.user_employee)
        self.assertFalse(review.line_ids)
        Line = self.env["perf.review.line"].with_user(self.user_employee)
        for name, weight in (("Release 2.3", 50), ("Customer demo", 50)):
            Line.create({"review_id": review.id, "name": name, "weight": weight})
        with self.assertRefused(UserError, "3 to 6"):
            review.action_submit_goals()
        review.line_ids[0].weight = 40
        Line.create({"review_id": review.id, "name": "Hiring", "weight": 10})
        review.action_submit_goals()
        self.assertEqual(review.state, "execution")

    def test_the_monthly_business_review_in_chinese(self):
        self._load_zh_cn()
        for xmlid in ("perf_template_monthly", "flow_monthly"):
            record = self.env.ref(f"perf_closed_loop.{xmlid}")
            self.assertEqual(record.with_context(lang="zh_CN").name, "月度业务考核")
            self.assertEqual(
                record.with_context(lang="en_US").name, "Monthly business review"
            )
        january = self._monthly()
        self._launch(january)
        self.user_hr.lang = "zh_CN"
        self._cron("2027-01-26")
        todo = self._hr_todos(self._successors(january))
        self.assertIn("确认并发起", todo.summary)

    def test_demo_monthly_cycle(self):
        """The demo's monthly cycle (with demo data only) launches without a
        blocking problem beside the demo half-year review."""
        cycle = self.env.ref(
            "perf_closed_loop.perf_cycle_monthly_demo", raise_if_not_found=False
        )
        if not cycle:
            self.skipTest("no demo data")
        self.assertEqual(cycle.recurrence, "monthly")
        self.assertFalse(cycle.auto_launch)
        self.assertEqual(cycle.assignment_ids.template_id, self.template_monthly)
        half_year = self.env.ref("perf_closed_loop.perf_cycle_demo")
        half_year.with_user(half_year.hr_user_id).action_launch()
        plan = cycle.with_user(cycle.hr_user_id)._launch_plan()
        self.assertTrue(plan)
        blocking = [m for e in plan for _c, b, m in e["problems"] if b]
        self.assertFalse(blocking)
        cycle.with_user(cycle.hr_user_id).action_launch()
        self.assertEqual(cycle.state, "goal_setting")
