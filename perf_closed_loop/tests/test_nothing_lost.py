# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Nothing lost (issue 11, point 5).

Every send-back, rejection, goal change and grade change keeps what was
there before, readable by the right people; cancelling a cycle archives
rather than deletes. Each test walks a review through rejections and then
checks that every value submitted on the way can still be read."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import PerfEvalCase, PerfOrgCase, PerfResultsCase


def _texts(messages):
    return " ".join(str(body) for body in messages.mapped("body"))


@tagged("post_install", "-at_install")
class TestNothingLostInGoals(PerfOrgCase):
    """Goals rejected twice, then approved; a cycle cancelled."""

    def test_rejected_goals_keep_each_submitted_version(self):
        cycle = self._launch(self._cycle()).cycle_id
        review = self._review(cycle, self.emp_sales)
        revenue = review.line_ids.filtered(lambda x: x.name == "Revenue")
        sales = review.with_user(self.user_sales)
        # Version 1: as launched (target 0); rejected.
        revenue.with_user(self.user_sales).target_value = 1000
        sales.action_submit_goals()
        review.with_user(self.user_ceo).action_reject_goals(reason="Too low, 1500")
        # Version 2: 1500; rejected again.
        revenue.with_user(self.user_sales).target_value = 1500
        sales.action_submit_goals()
        review.with_user(self.user_ceo).action_reject_goals(reason="Add a margin")
        # Version 3: 1800; approved.
        revenue.with_user(self.user_sales).target_value = 1800
        sales.action_submit_goals()
        review.with_user(self.user_ceo).action_approve_goals()
        self.assertEqual(review.state, "execution")

        # Both rejections, by whom and why, in the order they happened.
        approvals = review.with_user(self.user_sales).approval_ids.sorted("id")
        self.assertEqual(
            approvals.mapped("state"), ["rejected", "rejected", "approved"]
        )
        self.assertEqual(
            approvals.mapped("reason"), ["Too low, 1500", "Add a margin", False]
        )
        self.assertEqual(approvals.mapped("round"), [1, 2, 3])
        self.assertTrue(all(approvals.mapped("date")))
        # Each rejected version is in the chatter the employee reads.
        rejections = (
            review.with_user(self.user_sales)
            .message_ids.filtered(lambda m: "Goals rejected" in str(m.body))
            .sorted("id")
        )
        self.assertEqual(len(rejections), 2)
        self.assertIn("Revenue: 1000.0", str(rejections[0].body))
        self.assertIn("Too low, 1500", str(rejections[0].body))
        self.assertIn("Revenue: 1500.0", str(rejections[1].body))

    def test_cancelling_a_cycle_archives_it_with_everything(self):
        cycle = self._launch(self._cycle()).cycle_id
        review = self._review(cycle, self.emp_sales)
        review.line_ids.filtered(lambda x: x.name == "Revenue").with_user(
            self.user_sales
        ).target_value = 1000
        review.with_user(self.user_sales).action_submit_goals()
        lines_before = review.line_ids.read(["name", "target_value", "weight"])
        reviews = cycle.review_ids
        cycle.with_user(self.user_hr).action_cancel(reason="Reorganisation")

        # Archived, not deleted: hidden from the cycle list, found by the
        # "Archived" filter, every review and line still there.
        Cycle = self.env["perf.cycle"].with_user(self.user_hr)
        self.assertFalse(cycle.active)
        self.assertNotIn(cycle, Cycle.search([]))
        self.assertIn(cycle, Cycle.search([("active", "=", False)]))
        self.assertEqual(cycle.review_ids, reviews)
        self.assertEqual(set(reviews.mapped("state")), {"cancelled"})
        self.assertEqual(set(reviews.mapped("cancel_reason")), {"Reorganisation"})
        self.assertEqual(
            review.line_ids.read(["name", "target_value", "weight"]), lines_before
        )
        # The employee still reads their review, its goals and the reason.
        mine = review.with_user(self.user_sales).read(["state", "cancel_reason"])[0]
        self.assertEqual(mine["cancel_reason"], "Reorganisation")
        self.assertEqual(
            review.with_user(self.user_sales).approval_ids.mapped("state"),
            ["cancelled"],
        )
        # Nobody unarchives it by hand, and a launched cycle is never
        # deleted; a draft one may be.
        with self.assertRefused(UserError, "archived by cancelling"):
            cycle.with_user(self.user_hr).write({"active": True})
        with self.assertRefused(UserError, "never deleted"):
            cycle.with_user(self.user_hr).unlink()
        running = self._launch(self._cycle(name="Running")).cycle_id
        with self.assertRefused(UserError, "never deleted"):
            running.with_user(self.user_hr).unlink()
        # A copy of the cancelled cycle is a new, visible draft.
        copy = cycle.with_user(self.user_hr).copy({"name": "Again"})
        self.assertEqual((copy.active, copy.state), (True, "draft"))
        draft = self._cycle(name="Draft")
        draft.with_user(self.user_hr).unlink()
        self.assertFalse(draft.exists())
        # A running cycle is not archived through the list's action either.
        with self.assertRefused(UserError, "archived by cancelling"):
            running.with_user(self.user_hr).action_archive()


@tagged("post_install", "-at_install")
class TestNothingLostInTheEvaluation(PerfEvalCase):
    """A goal change rejected, a peer refused and one declining, the self
    rating sent back twice, the manager's once: every value given along
    the way can still be read by those who could read it then."""

    def test_every_rejection_keeps_what_was_there(self):
        review = self.review
        employee = review.with_user(self.user_employee)
        revenue = review.line_ids.filtered(lambda x: x.name == "Revenue")

        # -- A goal change asked, proposed and rejected: the approved goals
        #    come back and the proposal stays in the chatter.
        employee.action_request_goal_change(reason="New product line")
        revenue.with_user(self.user_employee).target_value = 250
        employee.action_submit_goals()
        review.with_user(self.user_manager).action_reject_goals(
            reason="Keep the target"
        )
        self.assertEqual(review.state, "execution")
        self.assertEqual(revenue.target_value, 100)
        change = review.with_user(self.user_employee).message_ids.filtered(
            lambda m: "goal change was rejected" in str(m.body)
        )
        self.assertIn("Revenue: 250.0", str(change.body))
        self.assertIn("Keep the target", str(change.body))
        self.assertIn(
            "Keep the target",
            review.with_user(self.user_employee).approval_ids.mapped("reason"),
        )
        # The check-ins of the goals are untouched.
        self.assertEqual(revenue.actual_value, 90)

        # -- Peers: the manager refuses one, the employee names another.
        employee.action_nominate_peers(self.user_peer | self.user_peer2)
        refused = review.nomination_ids.filtered(lambda n: n.user_id == self.user_peer2)
        refused.with_user(self.user_manager).action_refuse(reason="Same project")
        employee.action_nominate_peers(self.user_sales)
        review.with_user(self.user_manager).action_approve_peers()
        self._start_evaluation()

        # -- Self rating: submitted, sent back, resubmitted, sent back by a
        #    later rater, resubmitted.
        self_rating = self._rating("self")
        self._give(self_rating, self.user_employee, {"Teamwork": (60, "first")})
        self_rating.with_user(self.user_manager).action_reject(reason="Too modest")
        self._give(self_rating, self.user_employee, {"Teamwork": (75, "second")})
        # -- A peer declines; the other rates.
        sales = self._rating("peer", rater=self.user_sales)
        sales.with_user(self.user_sales).action_decline(reason="Never worked with")
        self._give(
            self._rating("peer", rater=self.user_peer), self.user_peer, {"Teamwork": 80}
        )
        # The employee names somebody else, who rates.
        employee.action_nominate_peers(self.user_ceo)
        review.with_user(self.user_manager).action_approve_peers()
        self._give(
            self._rating("peer", rater=self.user_ceo), self.user_ceo, {"Teamwork": 70}
        )
        # -- The manager rates; the skip-level sends it back; again.
        manager_rating = self._rating("manager")
        self._give(
            manager_rating,
            self.user_manager,
            {"Revenue": (70, "slipped"), "Teamwork": (72, "ok")},
        )
        manager_rating.with_user(self.user_rd_head).action_reject(
            reason="Explain Revenue"
        )
        self._give(
            manager_rating,
            self.user_manager,
            {"Revenue": (85, "big deal in Q4"), "Teamwork": 72},
        )

        # Every submission of the self rating, with its scores and comments,
        # in order, and the send-back with its reason.
        events = self_rating.sudo().event_ids.sorted("id")
        self.assertEqual(events.mapped("kind"), ["submitted", "sent_back", "submitted"])
        teamwork = [
            next(s for s in event.scores if s["line"] == "Teamwork")
            for event in events.filtered(lambda e: e.kind == "submitted")
        ]
        self.assertEqual([s["score"] for s in teamwork], [60, 75])
        self.assertEqual([s["comment"] for s in teamwork], ["first", "second"])
        self.assertEqual(events[1].reason, "Too modest")
        self.assertEqual(events[1].user_id, self.user_manager)
        # The manager's first scores survive the send-back too.
        first = (
            manager_rating.sudo()
            .event_ids.filtered(lambda e: e.kind == "submitted")
            .sorted("id")[0]
        )
        self.assertEqual(
            {s["line"]: s["score"] for s in first.scores},
            {"Revenue": 70, "Tickets": 100, "Teamwork": 72},
        )
        # The refused and the declined peers keep their reasons.
        self.assertEqual((refused.state, refused.reason), ("refused", "Same project"))
        self.assertEqual(sales.state, "rejected")
        self.assertEqual(sales.decline_reason, "Never worked with")
        self.assertEqual(sales.nomination_id.reason, "Never worked with")

        # Readable by the right people: the employee reads the history of
        # their own self rating; the manager reads it as an earlier rating;
        # the skip-level reads the manager's; a peer reads none of it.
        own = self_rating.with_user(self.user_employee).event_ids
        self.assertEqual(own, events)
        self.assertEqual(
            self_rating.with_user(self.user_manager).event_ids.mapped("reason"),
            events.mapped("reason"),
        )
        self.assertEqual(len(manager_rating.with_user(self.user_rd_head).event_ids), 3)
        Event = self.env["perf.review.rating.event"]
        self.assertFalse(
            Event.with_user(self.user_peer2).search([("review_id", "=", review.id)])
        )
        with self.assertRaises(AccessError):
            events.with_user(self.user_peer2).read(["scores"])


@tagged("post_install", "-at_install")
class TestNothingLostInCalibration(PerfResultsCase):
    """Grades changed, the group sent back by HR, changed again and
    approved: each change and reason is kept."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_calibration()
        cls.support = cls.cycle.sudo().calibration_ids.filtered(
            lambda c: c.department_id == cls.dep_support
        )

    def _regrade(self, user, changes):
        commands = [
            Command.update(
                self._review_of(employee).id,
                {"calibrated_grade_id": self._grade(code).id, "calibration_note": note},
            )
            for employee, (code, note) in changes.items()
        ]
        self.support.with_user(user).write({"review_ids": commands})

    def test_grade_changes_and_send_backs_are_kept(self):
        agents = self.agents
        proposed = self._review_of(agents[0]).grade_id
        self._regrade(
            self.user_support_head,
            {
                agents[0]: ("A", "One A seat"),
                agents[1]: ("B", "Less impact"),
                agents[2]: ("B", "Less impact"),
            },
        )
        self.support.with_user(self.user_support_head).action_submit()
        self.support.with_user(self.user_hr).action_reject(reason="Check agent 0")
        # The head changes agent 0 twice more, HR once, then HR approves.
        self._regrade(self.user_support_head, {agents[0]: ("B", "Second look")})
        self._regrade(self.user_support_head, {agents[0]: ("A", "Outage hero")})
        self.support.with_user(self.user_support_head).action_submit()
        self._regrade(self.user_hr, {agents[9]: ("C", "Improved late")})
        self.support.with_user(self.user_hr).action_approve()

        changes = (
            self._review_of(agents[0])
            .with_user(self.user_support_head)
            .grade_change_ids.sorted("id")
        )
        self.assertEqual(
            [
                (c.from_grade_id.code, c.to_grade_id.code, c.note, c.user_id)
                for c in changes
            ],
            [
                (proposed.code, "A", "One A seat", self.user_support_head),
                ("A", "B", "Second look", self.user_support_head),
                ("B", "A", "Outage hero", self.user_support_head),
            ],
        )
        self.assertEqual(
            self._review_of(agents[9]).grade_change_ids.user_id, self.user_hr
        )
        # HR's send-back stays with the group, beside the approval.
        approvals = self.support.approval_ids.sorted("id")
        self.assertEqual(approvals.mapped("state"), ["rejected", "approved"])
        self.assertEqual(approvals[0].reason, "Check agent 0")
        self.assertEqual(approvals[0].approver_id, self.user_hr)
        # The calibration notes are the calibrators' and HR's: the employee
        # never reads them, nor the grade changes.
        agent = agents[0].user_id
        with self.assertRaises(AccessError):
            changes.with_user(agent).read(["note"])
        self.assertFalse(
            self.env["perf.review.grade.change"]
            .with_user(agent)
            .search([("employee_id", "=", agents[0].id)])
        )
