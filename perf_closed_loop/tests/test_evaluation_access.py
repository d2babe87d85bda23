# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PerfEvalCase

RESULTS = ["final_score", "grade_id", "coefficient", "self_score", "manager_score"]


@tagged("post_install", "-at_install", "access_rights")
class TestEvaluationAccess(PerfEvalCase):
    """Who sees which rating and score, by every route, once the employee's
    evaluation is complete (three anonymous peers) and before publication."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        review = cls.review
        review.with_user(cls.user_employee).action_nominate_peers(
            cls.user_peer | cls.user_peer2 | cls.user_sales
        )
        review.with_user(cls.user_manager).action_approve_peers()
        cls._start_evaluation()
        give = cls._give_cls
        give("self", cls.user_employee, {"Teamwork": 80})
        for user, teamwork in (
            (cls.user_peer, 60),
            (cls.user_peer2, 70),
            (cls.user_sales, 95),
        ):
            give("peer", user, {"Teamwork": teamwork})
        give("manager", cls.user_manager, {"Teamwork": 60})
        give("skip_level", cls.user_rd_head, {"Teamwork": 70})
        give("designated", cls.user_designated, {"Teamwork": 90})
        cls.employee_group_export = cls.env.ref("base.group_allow_export")
        cls.user_employee.groups_id = [(4, cls.employee_group_export.id)]
        cls.user_manager.groups_id = [(4, cls.employee_group_export.id)]

    @classmethod
    def _give_cls(cls, role, user, scores):
        rating = cls.review.rating_ids.filtered(
            lambda r: r.role == role and r.rater_id == user
        ).with_user(user)
        for line in rating.score_line_ids:
            if line.name in scores:
                line.write({"score": scores[line.name]})
        rating.action_submit()

    def _ratings_seen(self, user, review=None):
        """Ratings of ``review`` ``user`` finds, checked to be the same by
        search, search_read and read_group."""
        review = review or self.review
        Rating = self.env["perf.review.rating"].with_user(user)
        domain = [("review_id", "=", review.id)]
        found = Rating.search(domain)
        read = Rating.search_read(domain, ["role", "rater_id", "total_score"])
        self.assertEqual({r["id"] for r in read}, set(found.ids))
        groups = Rating._read_group(domain, ["role"], ["__count", "total_score:sum"])
        self.assertEqual(sum(count for _role, count, _sum in groups), len(found))
        self.assertAlmostEqual(
            sum(total for _role, _count, total in groups),
            sum(found.sudo().mapped("total_score")),
        )
        lines = (
            self.env["perf.review.rating.line"]
            .with_user(user)
            .search([("rating_id.review_id", "=", review.id)])
        )
        self.assertEqual(lines.rating_id, found)
        return found

    def test_setup_is_complete(self):
        self.assertTrue(self.review.evaluation_done)
        self.assertTrue(self.review.score_ready)
        self.assertEqual(self.review.peer_submitted_count, 3)

    def test_employee_sees_only_their_self_rating_and_no_result(self):
        user = self.user_employee
        self.assertEqual(self._ratings_seen(user).mapped("role"), ["self"])
        with self.assertRaises(AccessError):
            self._rating("manager").with_user(user).read(["total_score"])
        with self.assertRaises(AccessError):
            self._rating("peer", rater=self.user_peer).with_user(user).read(["role"])
        review = self.review.with_user(user)
        # read, search_read and web_read give no result value.
        values = review.read(RESULTS)[0]
        self.assertEqual(
            {name: values[name] for name in RESULTS}, dict.fromkeys(RESULTS, False)
        )
        values = review.search_read([("id", "=", review.id)], RESULTS)[0]
        self.assertFalse(any(values[name] for name in RESULTS))
        web = review.web_read({"final_score": {}, "grade_id": {"fields": {"code": {}}}})
        self.assertFalse(web[0]["final_score"])
        self.assertFalse(web[0]["grade_id"])
        self.assertFalse(review.result_visible)
        # Searching, sorting or grouping by a result reveals nothing.
        Review = self.env["perf.review"].with_user(user)
        self.assertFalse(Review.search([("final_score", ">", 0)]))
        self.assertFalse(Review.search([("final_score", "<", 1000)]))
        self.assertEqual(Review.search_count([("grade_id.code", "=", "A")]), 0)
        groups = Review._read_group([], ["grade_id"], ["__count", "final_score:sum"])
        self.assertFalse(groups)
        legacy = Review.read_group([], ["final_score:avg"], ["state"])
        self.assertFalse([g for g in legacy if g["state_count"] or g["final_score"]])
        # The export leaves the result empty.
        rows = review.export_data(["employee_id/name", "final_score", "grade_id/name"])
        self.assertEqual(rows["datas"][0][0], "Employee")
        self.assertEqual(rows["datas"][0][1:], ["", ""])
        # Chatter and to-dos carry no score either.
        bodies = " ".join(review.message_ids.mapped(lambda m: str(m.body)))
        self.assertNotIn(f"{self.review.final_score:g}", bodies)
        self.assertNotIn(f"{self._rating('manager').total_score:g}", bodies)
        activities = self.env["mail.activity"].with_user(user).search([])
        self.assertFalse(
            activities.filtered(lambda a: a.res_model == "perf.review.rating")
        )
        # The history shows only their own rating's events.
        self.assertEqual(review.visible_event_ids.rating_id, self._rating("self"))
        # The employee nominated the peers: they read whom, not their scores.
        self.assertEqual(len(review.visible_nomination_ids), 3)

    def test_peers_see_only_their_own_rating(self):
        user = self.user_peer
        found = self._ratings_seen(user)
        self.assertEqual(found, self._rating("peer", rater=user))
        with self.assertRaises(AccessError):
            self.review.with_user(user).read(["state"])
        # They read the indicators they rate without reading the review.
        line = found.with_user(user).score_line_ids.filtered(
            lambda x: x.name == "Revenue"
        )
        self.assertEqual((line.target_value, line.actual_value), (100, 90))
        self.assertIn("90", line.checkin_summary)
        # Another peer's score, even on the same review, is out of reach.
        other = self._rating("peer", rater=self.user_peer2)
        with self.assertRaises(AccessError):
            other.with_user(user).read(["total_score"])
        # No follower list names the anonymous peers.
        followers = found.sudo().message_partner_ids
        self.assertNotIn(user.partner_id, followers)

    def test_manager_sees_reports_ratings_but_peers_only_as_an_aggregate(self):
        user = self.user_manager
        roles = sorted(self._ratings_seen(user).mapped("role"))
        self.assertEqual(roles, ["designated", "manager", "self", "skip_level"])
        review = self.review.with_user(user)
        self.assertTrue(review.result_visible)
        self.assertAlmostEqual(review.final_score, self.review.sudo().final_score)
        # Three anonymous peers submitted: their mean shows, nobody's score.
        expected = round(sum(self._rating("peer").sudo().mapped("total_score")) / 3, 2)
        self.assertAlmostEqual(review.read(["peer_score"])[0]["peer_score"], expected)
        groups = (
            self.env["perf.review"]
            .with_user(user)
            ._read_group([("id", "=", review.id)], ["grade_id"], ["final_score:sum"])
        )
        self.assertEqual(groups[0][0], self.review.grade_id)
        rows = review.export_data(["final_score"])["datas"]
        self.assertEqual(rows[0][0], self.review.final_score)

    def test_manager_does_not_see_their_own_managers_rating(self):
        """The trap: a manager's own review is child_of themselves."""
        user = self.user_manager
        own = self.cycle.review_ids.filtered(
            lambda r: r.employee_id == self.emp_manager
        )
        from_above = own.rating_ids.filtered(lambda r: r.role == "manager")
        self.assertEqual(from_above.rater_id, self.user_rd_head)
        seen = self._ratings_seen(user, own)
        self.assertEqual(seen.mapped("role"), ["self"])
        with self.assertRaises(AccessError):
            from_above.with_user(user).read(["total_score"])
        self.assertFalse(own.with_user(user).result_visible)
        self.assertFalse(own.with_user(user).read(["final_score"])[0]["final_score"])

    def test_skip_level_and_department_head_see_everything_below(self):
        user = self.user_rd_head
        roles = sorted(self._ratings_seen(user).mapped("role"))
        self.assertEqual(roles, ["designated", "manager", "self", "skip_level"])
        self.assertTrue(self.review.with_user(user).result_visible)
        self.assertTrue(self.review.with_user(user).final_score)
        ceo = self.user_ceo
        roles = sorted(self._ratings_seen(ceo).mapped("role"))
        self.assertEqual(roles, ["designated", "manager", "self", "skip_level"])

    def test_designated_reviewer_sees_only_their_rating(self):
        user = self.user_designated
        self.assertEqual(self._ratings_seen(user), self._rating("designated"))
        with self.assertRaises(AccessError):
            self.review.with_user(user).read(["final_score"])

    def test_hr_sees_every_rating_but_not_their_own_results(self):
        user = self.user_hr
        seen = self._ratings_seen(user)
        self.assertEqual(len(seen), 7)
        # Only HR learns who gave which peer score.
        peers = seen.filtered(lambda r: r.role == "peer")
        self.assertEqual(
            set(peers.mapped("rater_id")),
            {self.user_peer, self.user_peer2, self.user_sales},
        )
        self.assertTrue(self.review.with_user(user).result_visible)
        own = self.cycle.sudo().review_ids.filtered(
            lambda r: r.employee_id == self.emp_hr
        )
        self.assertTrue(own.with_user(user).read(["state"]))
        self.assertFalse(own.with_user(user).result_visible)
        from_above = own.rating_ids.filtered(lambda r: r.role == "manager")
        self.assertEqual(from_above.rater_id, self.user_manager)
        with self.assertRaises(AccessError):
            from_above.with_user(user).read(["total_score"])
        groups = (
            self.env["perf.review"]
            .with_user(user)
            ._read_group([("cycle_id", "=", self.cycle.id)], [], ["__count"])
        )
        self.assertEqual(groups[0][0], len(self.cycle.review_ids))
        # Grouping by a result leaves their own review out.
        by_grade = (
            self.env["perf.review"]
            .with_user(user)
            ._read_group([("cycle_id", "=", self.cycle.id)], ["grade_id"], ["__count"])
        )
        self.assertEqual(
            sum(count for _grade, count in by_grade), len(self.cycle.review_ids) - 1
        )


@tagged("post_install", "-at_install", "access_rights")
class TestTodoAuthor(PerfEvalCase):
    """The to-dos the flow opens come from the system, never from the person
    whose click opened them: the employee submitting their self rating does
    not "assign" their manager the review of themselves, and cannot read
    the notification sent on a rating they may not see."""

    def test_the_managers_todo_comes_from_odoobot(self):
        self._start_evaluation()
        self.env.invalidate_all()
        self._give(self._rating("self"), self.user_employee, {"Teamwork": 80})
        manager_rating = self._rating("manager")
        self.assertEqual(manager_rating.state, "todo")
        activity = manager_rating.activity_ids
        self.assertEqual(activity.user_id, self.user_manager)
        notifications = self.env["mail.message"].search(
            [
                ("model", "=", "perf.review.rating"),
                ("res_id", "=", manager_rating.id),
                ("message_type", "=", "user_notification"),
            ]
        )
        self.assertTrue(notifications)
        odoobot = self.env.ref("base.partner_root")
        self.assertEqual(notifications.author_id, odoobot)
        self.assertEqual(activity.create_uid, self.env.ref("base.user_root"))
        Message = self.env["mail.message"].with_user(self.user_employee)
        self.assertFalse(
            Message.search(
                [
                    ("model", "=", "perf.review.rating"),
                    ("res_id", "=", manager_rating.id),
                ]
            )
        )
