# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PerfResultsCase


@tagged("post_install", "-at_install")
class TestInterview(PerfResultsCase):
    """The results interview (绩效面谈): created with the publication,
    scheduled, recorded, held, confirmed or disputed; who may do what; the
    close preview; the agreed actions carried into the next cycle; a
    person's history."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cycle.with_user(cls.user_hr).write({"interview_deadline": "2027-01-31"})
        cls._start_calibration()
        cls._publish_all()
        cls.agent = cls.agents[0]
        cls.agent_user = cls.agent.user_id
        cls.colleague_user = cls.agents[1].user_id
        cls.review = cls._review_of_cls(cls.agent)
        cls.interview = cls.review.interview_id

    def _record(self, interview=None, actions=("Take the support course",)):
        interview = (interview or self.interview).with_user(self.user_support_head)
        interview.write(
            {
                "went_well": "Customers love the answers",
                "to_improve": "Answer within the day",
                "action_ids": [
                    Command.create(
                        {"name": name, "owner": "employee", "date_due": "2027-03-31"}
                    )
                    for name in actions
                ],
            }
        )
        return interview

    def _todo(self, record, user):
        return record.activity_ids.filtered(lambda a: a.user_id == user)

    # ---------------------------------------------------------- the flow
    def test_publication_gives_each_manager_an_interview_to_hold(self):
        reviews = self.cycle.review_ids
        self.assertEqual(len(reviews.interview_id), len(reviews))
        self.assertEqual(self.interview.interviewer_id, self.user_support_head)
        self.assertEqual(self.interview.state, "draft")
        todo = self._todo(self.interview, self.user_support_head)
        self.assertIn("Hold the results interview with Agent 0", todo.summary)
        self.assertEqual(str(todo.date_deadline), "2027-01-31")
        self.assertEqual(self.cycle.interview_planned_count, len(reviews))
        # The manager's review form opens it; the employee reads it.
        action = self.review.with_user(self.user_support_head).action_open_interview()
        self.assertEqual(action["res_id"], self.interview.id)
        action = self.review.with_user(self.agent_user).action_open_interview()
        self.assertEqual(action["res_id"], self.interview.id)

    def test_overdue_interviews_are_reminded(self):
        with freeze_time("2027-02-01"):  # the day after the interviews were due
            self.env["perf.cycle"]._cron_remind_overdue()
        mail = self.env["mail.mail"].search(
            [
                ("recipient_ids", "in", self.user_support_head.partner_id.ids),
                ("subject", "=", "Performance review: overdue to-dos"),
            ]
        )
        self.assertEqual(len(mail), 1)
        self.assertIn("Hold the results interview with Agent 0", mail.body_html)
        self.assertIn("perf_interview_action", mail.body_html)

    def test_schedule_record_hold_confirm(self):
        interview = self.interview.with_user(self.user_support_head)
        with self.assertRefused(UserError, "Choose when"):
            interview.action_schedule()
        interview.write({"date": "2027-01-10 09:00:00", "duration": 1.5})
        interview.action_schedule()
        event = self.interview.calendar_event_id
        self.assertTrue(event)
        self.assertIn(self.agent_user.partner_id, event.partner_ids)
        self.assertIn(self.user_support_head.partner_id, event.partner_ids)
        self.assertEqual(str(event.start), "2027-01-10 09:00:00")
        with self.assertRefused(UserError, "Record what went well"):
            interview.action_hold()
        self._record()
        self.assertTrue(interview.can_hold)
        interview.action_hold()
        self.assertEqual(self.interview.state, "held")
        self.assertTrue(self.interview.held_date)
        self.assertFalse(self._todo(self.interview, self.user_support_head))
        self.assertTrue(self._todo(self.interview, self.agent_user))
        # Held: what was said no longer changes.
        with self.assertRefused(UserError, "is held"):
            interview.write({"to_improve": "Something else"})
        mine = self.interview.with_user(self.agent_user)
        self.assertTrue(mine.can_confirm)
        mine.write({"employee_comment": "Agreed, I will take the course"})
        mine.action_confirm()
        self.assertEqual(self.interview.state, "confirmed")
        self.assertTrue(self.interview.confirm_date)
        self.assertEqual(self.interview.held_by_id, self.user_support_head)
        self.assertFalse(self._todo(self.interview, self.agent_user))
        self.assertEqual(self.cycle.interview_confirmed_count, 1)

    def test_dispute_needs_a_reason_and_goes_to_hr(self):
        self._record().action_hold()
        mine = self.interview.with_user(self.agent_user)
        with self.assertRefused(UserError, "cannot be blank"):
            mine.action_dispute("   ")
        action = mine.action_dispute()
        self.assertEqual(action["res_model"], "perf.review.reason")
        wizard = (
            self.env["perf.review.reason"]
            .with_user(self.agent_user)
            .with_context(**action["context"])
            .create({"reason": "We never discussed the course"})
        )
        wizard.action_confirm()
        self.assertEqual(self.interview.state, "disputed")
        self.assertEqual(self.interview.dispute_reason, "We never discussed the course")
        self.assertTrue(self.interview.dispute_date)
        todo = self._todo(self.interview, self.user_hr)
        self.assertIn("disagrees", todo.summary)
        self.assertEqual(self.cycle.interview_disputed_count, 1)

    def test_refusals(self):
        interview = self.interview
        # A colleague (and peer) reads nothing of it.
        colleague = interview.with_user(self.colleague_user)
        with self.assertRaises(AccessError):
            colleague.read(["went_well"])
        self.assertFalse(
            self.env["perf.interview"]
            .with_user(self.colleague_user)
            .search([("id", "=", interview.id)])
        )
        self.assertFalse(
            self.env["perf.agreed.action"]
            .with_user(self.colleague_user)
            .search_read([("employee_id", "=", self.agent.id)], ["name"])
        )
        # The employee neither records nor holds it.
        mine = interview.with_user(self.agent_user)
        with self.assertRefused(AccessError, "Only the interviewer"):
            mine.write({"went_well": "Everything"})
        with self.assertRefused(AccessError, "Only the interviewer"):
            self.env["perf.agreed.action"].with_user(self.agent_user).create(
                {"interview_id": interview.id, "name": "A raise"}
            )
        self._record()
        with self.assertRefused(AccessError, "Only the interviewer"):
            mine.action_hold()
        interview.with_user(self.user_support_head).action_hold()
        # The manager does not confirm for the employee.
        manager = interview.with_user(self.user_support_head)
        with self.assertRefused(AccessError, "Only the employee"):
            manager.action_confirm()
        with self.assertRefused(AccessError, "Only the employee"):
            manager.action_dispute("It went fine")
        # Nobody writes the state.
        for user in (self.agent_user, self.user_support_head, self.user_hr):
            with self.assertRefused(UserError, "only through its buttons"):
                interview.with_user(user).write({"state": "confirmed"})
        with self.assertRefused(UserError, "through its buttons"):
            interview.action_ids.with_user(self.user_support_head).write(
                {"state": "done"}
            )
        # Nor a creation of an interview by hand.
        with self.assertRaises(AccessError):
            self.env["perf.interview"].with_user(self.user_support_head).create(
                {"review_id": self._review_of(self.agents[2]).id}
            )

    def test_close_lists_the_outstanding_interviews(self):
        self._record().action_hold()
        action = self.cycle.with_user(self.user_hr).action_close()
        self.assertEqual(action["res_model"], "perf.cycle.close")
        wizard = self.env["perf.cycle.close"].browse(action["res_id"])
        self.assertEqual(wizard.interview_ids, self.cycle.interview_ids)
        self.assertEqual(self.cycle.state, "published")
        wizard.with_user(self.user_hr).action_confirm()
        self.assertEqual(self.cycle.state, "closed")
        self.assertFalse(self.cycle.interview_ids.activity_ids)
        with self.assertRefused(UserError, "is closed"):
            self.interview.with_user(self.agent_user).write({"employee_comment": "x"})

    # -------------------------------------------------------- carry over
    def _next_cycle(self):
        action = self.cycle.with_user(self.user_hr).action_prepare_next_cycle()
        return self.env["perf.cycle"].browse(action["res_id"])

    def test_actions_carry_into_the_next_goals(self):
        self._record(actions=("Take the support course", "Write the FAQ")).action_hold()
        self.interview.with_user(self.agent_user).action_confirm()
        # Another agent's review: an action the manager already marked done.
        other = self._record(self._review_of(self.agents[2]).interview_id)
        other.action_ids.with_user(self.user_support_head).action_done()
        nxt = self._next_cycle()
        preview = self.env["perf.cycle.launch"].browse(
            nxt.with_user(self.user_hr).action_preview_launch()["res_id"]
        )
        self.assertEqual(preview.carried_count, 2)
        self.assertEqual(preview.carried_summary, "Support: 2")
        self._launch(nxt)
        review = self._review(nxt, self.agent)
        carried = review.line_ids.filtered(lambda line: line.origin == "carried")
        self.assertEqual(
            sorted(carried.mapped("name")), ["Take the support course", "Write the FAQ"]
        )
        self.assertEqual(carried.carried_action_id, self.interview.action_ids)
        self.assertIn("2026 H2 results", carried[0].carried_from)
        self.assertFalse(
            self._review(nxt, self.agents[2]).line_ids.filtered("carried_action_id")
        )
        # Beside the form: last cycle, its grade and what to improve.
        panel = review.with_user(self.agent_user).previous_results_html
        self.assertIn("Answer within the day", panel)
        self.assertIn("Revenue", panel)
        self.assertFalse(review.with_user(self.colleague_user).previous_results_html)
        # The manager (who sets the goals) keeps one, drops the other.
        setter = review.with_user(self.user_support_head)
        faq = carried.filtered(lambda line: line.name == "Write the FAQ")
        with self.assertRefused(UserError, "dropped with a reason"):
            faq.with_user(self.user_support_head).unlink()
        with self.assertRefused(UserError, "cannot be blank"):
            faq.with_user(self.user_support_head).action_drop_carried(" ")
        faq.with_user(self.user_support_head).action_drop_carried("Done by the team")
        action = self.interview.action_ids.filtered(lambda a: a.name == "Write the FAQ")
        self.assertEqual(action.state, "dropped")
        self.assertEqual(action.drop_reason, "Done by the team")
        kept = setter.line_ids.filtered("carried_action_id")
        self.assertEqual(kept.mapped("name"), ["Take the support course"])
        kept.with_user(self.user_support_head).write({"weight": 0.0, "target_value": 1})
        setter.action_submit_goals()
        self.assertNotEqual(review.state, "goal_setting")

    def test_carried_action_done_once_followed_to_the_end(self):
        self._record().action_hold()
        nxt = self._next_cycle()
        self._launch(nxt)
        review = self._review(nxt, self.agent)
        action = self.interview.action_ids
        self.assertEqual(review.line_ids.carried_action_id, action)
        # Launched again (another later cycle): not carried twice.
        self.assertFalse(nxt._carried_actions(self.agent))
        review.sudo()._do_publish()
        self.assertEqual(action.state, "done")
        self.assertTrue(action.done_date)

    def test_action_about_a_template_indicator_follows_it(self):
        revenue = self.template_results.kpi_line_ids
        interview = self._record()
        interview.action_ids.write({"kpi_id": revenue.id})
        interview.action_hold()
        nxt = self._next_cycle()
        self._launch(nxt)
        review = self._review(nxt, self.agent)
        line = review.line_ids.filtered("carried_action_id")
        self.assertEqual(line.template_kpi_id, revenue)
        self.assertEqual(line.origin, "template")
        self.assertEqual(self.interview.action_ids.line_id, line)
        # Dropped: the template indicator stays, the action is dropped.
        line.with_user(self.user_support_head).action_drop_carried("Not this year")
        self.assertTrue(line.exists())
        self.assertFalse(line.carried_action_id)
        self.assertEqual(self.interview.action_ids.state, "dropped")

    def test_who_left_or_moved_carries_nothing(self):
        self._record().action_hold()
        leaver = self._record(self._review_of(self.agents[3]).interview_id)
        leaver.action_hold()
        nxt = self._next_cycle()
        self.assertEqual(
            set(nxt._carry_over_counts(self.agents[:4]).elements()),
            {self.agent.id, self.agents[3].id},
        )
        self.agents[3].sudo().action_archive()
        self.assertFalse(nxt._carried_actions(self.agents[3]))
        other_company = self.env["res.company"].create({"name": "Elsewhere"})
        self.agent.sudo().write(
            {"company_id": other_company.id, "department_id": False, "parent_id": False}
        )
        self.assertFalse(nxt._carried_actions(self.agent))

    def test_carry_over_is_batched(self):
        for agent in self.agents:
            self._record(self._review_of(agent).interview_id)
        nxt = self._next_cycle()
        reviews = self.cycle.review_ids.filtered(lambda r: r.employee_id in self.agents)

        def queries(people):
            people = self.env["hr.employee"].browse(people.ids)
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            nxt._carried_actions(people)
            return self.env.cr.sql_log_count - before

        queries(reviews.employee_id)  # warm-up: the registry's caches
        self.assertEqual(queries(reviews[:2].employee_id), queries(reviews.employee_id))

    # ----------------------------------------------------------- history
    def test_history_by_the_rules(self):
        def history(user, employee=self.agent):
            action = employee.with_user(user).action_open_perf_history()
            return self.env["perf.review"].with_user(user).search(action["domain"])

        self.assertEqual(history(self.agent_user), self.review)
        self.assertEqual(history(self.user_support_head), self.review)
        self.assertEqual(history(self.user_hr), self.review)
        self.assertFalse(history(self.colleague_user))
        public = self.env["hr.employee.public"].browse(self.agent.id)
        action = public.with_user(self.colleague_user).action_open_perf_history()
        self.assertFalse(self.env["perf.review"].search(action["domain"]))
        # The team's cards show the grade trend, as the manager may see it.
        trend = self.review.with_user(self.user_support_head).grade_trend_html
        self.assertIn(self.review.final_grade_id.code, trend)
        self.assertFalse(self.review.with_user(self.colleague_user).grade_trend_html)
