# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..domain import evaluation
from .common import PerfEvalCase


@tagged("post_install", "-at_install")
class TestEvaluation(PerfEvalCase):
    """The evaluation of one review through all five kinds of rater, the
    send-back, peer nominations and what a submission refuses."""

    def _nominate_and_approve(self, users=None):
        users = users or (self.user_peer | self.user_peer2)
        self.review.with_user(self.user_employee).action_nominate_peers(users)
        self.assertEqual(self.review.peer_state, "to_approve")
        self.review.with_user(self.user_manager).action_approve_peers()
        self.assertEqual(self.review.peer_state, "approved")

    def test_full_path_through_five_raters(self):
        # Peers nominated during execution, approved by the manager.
        self._nominate_and_approve()
        self._start_evaluation()
        review = self.review
        self.assertEqual(review.state, "evaluation")
        self.assertEqual(
            sorted(review.rating_ids.mapped("role")),
            ["designated", "manager", "peer", "peer", "self", "skip_level"],
        )
        # Only the first step is open; its to-do went out through the job.
        self_rating = self._rating("self")
        self.assertEqual(self_rating.state, "todo")
        self.assertEqual(
            set((review.rating_ids - self_rating).mapped("state")), {"waiting"}
        )
        self.assertEqual(self_rating.activity_ids.user_id, self.user_employee)
        # The KPI lines start from actual vs target; the question is empty.
        lines = {line.name: line for line in self_rating.score_line_ids}
        self.assertEqual(lines["Revenue"].suggested_score, 90)
        self.assertEqual(lines["Tickets"].suggested_score, 100)
        self.assertFalse(lines["Teamwork"].scored)
        self.assertIn("90", lines["Revenue"].checkin_summary)
        # Self 89.8: KPI (90*60 + 100*40)/100 = 94 at 70 %, Teamwork 80 at 30 %.
        self._give(self_rating, self.user_employee, {"Teamwork": 80})
        self.assertEqual(self_rating.total_score, 89.8)
        self.assertFalse(self_rating.activity_ids)
        # Peers open together.
        peers = self._rating("peer")
        self.assertEqual(set(peers.mapped("state")), {"todo"})
        self.assertEqual(self._rating("manager").state, "waiting")
        self._give(
            self._rating("peer", rater=self.user_peer),
            self.user_peer,
            {"Revenue": 80, "Tickets": 90, "Teamwork": (70, "Helpful in reviews")},
        )
        self._give(
            self._rating("peer", rater=self.user_peer2),
            self.user_peer2,
            {"Revenue": 90, "Tickets": 100, "Teamwork": 90},
        )
        # Manager 69.8: moving Revenue 20 points from its suggestion needs a
        # comment.
        manager_rating = self._rating("manager")
        self.assertEqual(manager_rating.state, "todo")
        self._give(
            manager_rating,
            self.user_manager,
            {
                "Revenue": (70, "Two deals slipped"),
                "Tickets": (80, "Backlog grew"),
                "Teamwork": 60,
            },
        )
        # Skip-level and designated reviewer open together.
        skip = self._rating("skip_level")
        designated = self._rating("designated")
        self.assertEqual((skip.state, designated.state), ("todo", "todo"))
        self.assertEqual(skip.rater_id, self.user_rd_head)
        self.assertFalse(review.evaluation_done)
        self.assertFalse(review.score_ready)
        self._give(
            skip,
            self.user_rd_head,
            {"Revenue": (80, "ok"), "Tickets": (80, "ok"), "Teamwork": 80},
        )
        self._give(
            designated,
            self.user_designated,
            {"Revenue": (100, "great"), "Tickets": 100, "Teamwork": 100},
        )
        # By hand: 0.1*89.8 + 0.2*(79.8+92.8)/2 + 0.4*69.8 + 0.2*80 + 0.1*100
        self.assertTrue(review.evaluation_done)
        self.assertTrue(review.score_ready)
        self.assertAlmostEqual(review.final_score, 80.16, places=2)
        self.assertEqual(review.grade_id.code, "A")
        self.assertEqual(review.coefficient, 1.2)
        self.assertEqual(review.self_score, 89.8)
        self.assertEqual(review.manager_score, 69.8)
        # Two anonymous peers: no aggregate shown yet (three are needed).
        self.assertEqual(review.peer_submitted_count, 2)
        self.assertEqual(review.peer_score, 0.0)
        # The stored score is the domain's.
        steps = [
            (r.weight, not r.step_id.optional, [r.total_score])
            for r in review.rating_ids
            if r.role != "peer"
        ] + [(20, False, self._rating("peer").mapped("total_score"))]
        self.assertEqual(review.final_score, evaluation.final_score(steps))
        # Every submission is in the history.
        self.assertEqual(review.visible_event_ids.mapped("kind").count("submitted"), 6)
        self.assertEqual(self.cycle.rating_done_count, 6)

    def _assert_scores_as_computed(self, reviews):
        """The stored scores are what _score_values gives each review."""
        self.env.flush_all()
        self.env.invalidate_all()
        for review in reviews.sudo():
            values = review._score_values()
            stored = {name: review[name] for name in values}
            stored["grade_id"] = review.grade_id.id
            self.assertEqual(stored, values, review.display_name)

    def test_scores_at_the_start_and_after_a_submission(self):
        """Reviews with nothing submitted yet get their empty scores in one
        assignment per field (issue 21): the same values _score_values gives,
        and the full computation once a rating is submitted or HR closes."""
        self._nominate_and_approve()
        self._start_evaluation()
        reviews = self.cycle.review_ids.sudo()
        self.assertTrue(reviews)
        self.assertFalse(any(r._has_scores() for r in reviews))
        self._assert_scores_as_computed(reviews)
        self._give(self._rating("self"), self.user_employee, {"Teamwork": 80})
        self.assertTrue(self.review._has_scores())
        self.assertGreater(self.review.self_score, 0)
        self._assert_scores_as_computed(reviews)
        other = reviews - self.review
        other[:1]._close_evaluation()
        self.assertTrue(other[:1]._has_scores())
        self._assert_scores_as_computed(reviews)

    def test_manager_sends_the_self_rating_back(self):
        self._start_evaluation()
        self_rating = self._rating("self")
        self._give(self_rating, self.user_employee, {"Teamwork": 90})
        # No peers nominated before the start: the optional peer step is
        # skipped (its weight goes to the others) and the manager's turn
        # comes.
        self.assertEqual(self.review.peer_state, "skipped")
        self.assertIn(
            self._rating("self").step_id.flow_id.step_ids.filtered(
                lambda s: s.kind == "peer"
            ),
            self.review.skipped_step_ids,
        )
        manager_rating = self._rating("manager")
        self.assertEqual(manager_rating.state, "todo")
        self.assertTrue(self_rating.with_user(self.user_manager).can_reject)
        self.assertFalse(self_rating.with_user(self.user_peer).can_reject)
        with self.assertRefused(UserError, "own rating"):
            self_rating.with_user(self.user_employee).action_reject(reason="mine")
        action = self_rating.with_user(self.user_manager).action_reject()
        self.assertEqual(action["res_model"], "perf.review.reason")
        self.env["perf.review.reason"].with_user(self.user_manager).create(
            {
                "rating_ids": self_rating.ids,
                "action": "reject_rating",
                "reason": "Teamwork is too generous",
            }
        ).action_confirm()
        self.assertEqual(self_rating.state, "todo")
        self.assertEqual(manager_rating.state, "waiting")
        self.assertEqual(self_rating.send_back_reason, "Teamwork is too generous")
        # The previous scores are the starting point.
        teamwork = self_rating.score_line_ids.filtered(lambda x: x.name == "Teamwork")
        self.assertEqual(teamwork.score, 90)
        self.assertEqual(self_rating.activity_ids.user_id, self.user_employee)
        self.assertIn("self-evaluation was sent back", self_rating.activity_ids.summary)
        # The employee lowers it and resubmits.
        self._give(self_rating, self.user_employee, {"Teamwork": 75})
        events = self_rating.event_ids.sorted("id")
        self.assertEqual(events.mapped("kind"), ["submitted", "sent_back", "submitted"])
        self.assertEqual(events[0].scores[-1]["score"], 90)
        self.assertEqual(events[1].reason, "Teamwork is too generous")
        self.assertEqual(events[1].user_id, self.user_manager)
        self.assertEqual(events[2].total_score, self_rating.total_score)
        # The employee reads why, in their rating's history and chatter.
        own = self_rating.with_user(self.user_employee)
        self.assertIn("too generous", own.event_ids[1].reason)
        self.assertTrue(
            own.message_ids.filtered(lambda m: "too generous" in (m.body or ""))
        )

    def test_later_steps_wait_for_a_rating_sent_back(self):
        self._nominate_and_approve()
        self._start_evaluation()
        self._give(self._rating("self"), self.user_employee, {"Teamwork": 70})
        for user in (self.user_peer, self.user_peer2):
            self._give(self._rating("peer", rater=user), user, {"Teamwork": 70})
        manager_rating = self._rating("manager")
        self.assertEqual(manager_rating.state, "todo")
        manager_rating.with_user(self.user_manager).score_line_ids[0].comment = "draft"
        self._rating("self").with_user(self.user_manager).action_reject(
            reason="Add the incidents"
        )
        # The manager's rating waits again, its draft kept, its to-do gone.
        self.assertEqual(manager_rating.state, "waiting")
        self.assertEqual(manager_rating.score_line_ids[0].comment, "draft")
        self.assertFalse(manager_rating.activity_ids)
        self._give(self._rating("self"), self.user_employee, {"Teamwork": 70})
        self.assertEqual(manager_rating.state, "todo")
        self.assertEqual(manager_rating.activity_ids.user_id, self.user_manager)
        # Once the manager submitted, only a later step or HR sends back.
        self._give(
            manager_rating,
            self.user_manager,
            {"Revenue": (70, "slipped"), "Teamwork": 70},
        )
        with self.assertRaises(AccessError):
            self._rating("self").with_user(self.user_manager).action_reject(
                reason="again"
            )
        self._rating("manager").with_user(self.user_rd_head).action_reject(
            reason="Explain Tickets"
        )
        self.assertEqual(manager_rating.state, "todo")
        self.assertEqual(self._rating("skip_level").state, "waiting")

    def test_peer_nomination_rules_decline_and_replacement(self):
        review = self.review.with_user(self.user_employee)
        self.assertTrue(review.can_nominate_peers)
        self.assertFalse(self.review.with_user(self.user_peer).can_nominate_peers)
        with self.assertRefused(UserError, "nobody rates their own review"):
            review.action_nominate_peers(self.user_employee | self.user_peer)
        with self.assertRefused(UserError, "1 peers in all; the flow asks for 2 to 3"):
            review.action_nominate_peers(self.user_peer)
        with self.assertRefused(UserError, "already rates this review"):
            review.action_nominate_peers(self.user_manager | self.user_peer)
        with self.assertRefused(UserError, "4 peers in all"):
            review.action_nominate_peers(
                self.user_peer | self.user_peer2 | self.user_sales | self.user_ceo
            )
        review.action_nominate_peers(self.user_peer | self.user_peer2)
        with self.assertRefused(UserError, "nominated twice|3 peers"):
            review.action_nominate_peers(self.user_peer)
        # Only the manager (or HR) approves, never the employee.
        with self.assertRaises(AccessError):
            review.action_approve_peers()
        self.assertEqual(
            self.review.activity_ids.filtered(
                lambda a: "Approve the peers" in a.summary
            ).user_id,
            self.user_manager,
        )
        # The manager refuses one peer: the employee names another.
        nomination = self.review.nomination_ids.filtered(
            lambda n: n.user_id == self.user_peer2
        )
        nomination.with_user(self.user_manager).action_refuse(reason="Same project")
        self.assertEqual(nomination.state, "refused")
        self.assertIn(
            "Same project",
            self.review.activity_ids.filtered(
                lambda a: a.user_id == self.user_employee
            ).summary,
        )
        review.action_nominate_peers(self.user_sales)
        self.review.with_user(self.user_manager).action_approve_peers()
        self._start_evaluation()
        self._give(self._rating("self"), self.user_employee, {"Teamwork": 70})
        # A peer declines with a reason: the employee replaces them.
        sales = self._rating("peer", rater=self.user_sales)
        self.assertTrue(sales.with_user(self.user_sales).can_decline)
        with self.assertRaises(AccessError):
            sales.with_user(self.user_peer).action_decline(reason="not me")
        sales.with_user(self.user_sales).action_decline(reason="I never saw the work")
        self.assertEqual(sales.state, "rejected")
        self.assertEqual(self.review.peer_state, "to_nominate")
        self.assertIn(
            "I never saw the work",
            self.review.activity_ids.filtered(
                lambda a: a.user_id == self.user_employee
            ).summary,
        )
        # Somebody nominated before cannot come back.
        with self.assertRefused(UserError, "nominated before"):
            review.action_nominate_peers(self.user_sales)
        review.action_nominate_peers(self.user_ceo)
        self.review.with_user(self.user_manager).action_approve_peers()
        self.assertEqual(self._rating("peer", rater=self.user_ceo).state, "todo")
        self.assertEqual(self.review.peer_state, "approved")

    def test_submission_refusals_name_the_line(self):
        self._start_evaluation()
        rating = self._rating("self").with_user(self.user_employee)
        with self.assertRefused(UserError, "“Teamwork” has no score"):
            rating.action_submit()
        teamwork = rating.score_line_ids.filtered(lambda x: x.name == "Teamwork")
        # Beyond the line's bounds: refused when saved, with the bounds.
        with self.assertRefused(UserError, "“Teamwork” goes from 0 to 100, not 120"):
            teamwork.score = 120
        revenue = rating.score_line_ids.filtered(lambda x: x.name == "Revenue")
        revenue.score = 60  # suggested 90: a comment is needed
        teamwork.score = 80
        self.assertTrue(revenue.comment_required)
        with self.assertRefused(UserError, "“Revenue”: explain this score"):
            rating.action_submit()
        with self.assertRefused(UserError, "is a number"):
            revenue.write({"score": float("nan")})
        revenue.comment = "Lost a key account"
        rating.action_submit()
        # After submission nothing changes by RPC, not even by the rater.
        with self.assertRefused(UserError, "not open"):
            revenue.write({"score": 99})
        with self.assertRefused(UserError, "not open"):
            rating.write({"comment": "changed"})
        with self.assertRefused(UserError, "changes only through its buttons"):
            rating.write({"state": "todo"})
        with self.assertRaises(AccessError):
            rating.write({"rater_id": self.user_peer.id})
        # Somebody else cannot score an open rating either.
        manager = self._rating("manager")
        self.assertEqual(manager.state, "todo")
        with self.assertRaises(AccessError):
            manager.with_user(self.user_employee).score_line_ids[:1].write(
                {"score": 100}
            )

    def test_hr_reassigns_and_cancels(self):
        self._start_evaluation()
        designated = self._rating("designated")
        with self.assertRaises(AccessError):
            designated.with_user(self.user_manager).action_reassign(self.user_sales.id)
        designated.with_user(self.user_hr).action_reassign(
            self.user_sales.id, "Away for three months"
        )
        self.assertEqual(designated.rater_id, self.user_sales)
        self.assertEqual(
            designated.event_ids[:1].previous_rater_id, self.user_designated
        )
        # Nobody rates their own review.
        with self.assertRefused(UserError, "Nobody rates their own review"):
            designated.with_user(self.user_hr).action_reassign(
                self.user_employee.id, "oops"
            )
        # A required step is given to somebody else, not cancelled.
        with self.assertRefused(UserError, "required"):
            self._rating("manager").with_user(self.user_hr).action_cancel(reason="no")
        self._rating("skip_level").with_user(self.user_hr).action_cancel(
            reason="On leave"
        )
        self.assertEqual(self._rating("skip_level").state, "cancelled")
