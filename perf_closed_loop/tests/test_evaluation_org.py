# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PerfEvalCase, PerfOrgCase


@tagged("post_install", "-at_install")
class TestWhoIsWhoseManager(PerfOrgCase):
    """Real org charts: a head inside their own department (Odoo makes them
    their own manager), the top of the chart, a manager without a user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # What Odoo does to a head placed in the department they head.
        cls.emp_rd_head.parent_id = cls.emp_rd_head
        cls.emp_lead = cls.env["hr.employee"].create(
            {"name": "Lead without user", "department_id": cls.dep_backend.id}
        )
        cls.emp_lead.parent_id = cls.emp_manager
        cls.user_junior = cls._user("perf_junior", "base.group_user")
        cls.emp_junior = cls.env["hr.employee"].create(
            {
                "name": "Junior",
                "user_id": cls.user_junior.id,
                "department_id": cls.dep_backend.id,
            }
        )
        cls.emp_junior.parent_id = cls.emp_lead

    def test_preview_names_each_case(self):
        cycle = self._cycle()
        action = cycle.with_user(self.user_hr).action_preview_launch()
        wizard = self.env["perf.cycle.launch"].browse(action["res_id"])
        lines = {line.employee_id: line for line in wizard.line_ids}
        self.assertEqual(lines[self.emp_rd_head].manager_id, self.emp_ceo)
        self.assertIn("heads their own department", lines[self.emp_rd_head].problem)
        self.assertIn("no manager above them", lines[self.emp_ceo].problem)
        self.assertEqual(lines[self.emp_junior].manager_id, self.emp_manager)
        self.assertIn("has no active user", lines[self.emp_junior].problem)
        self.assertIn(
            "Back-end Manager acts as manager", lines[self.emp_junior].problem
        )

    def test_nobody_approves_their_own_goals(self):
        everyone_but_the_lead = self.env["hr.employee"].search(
            [("id", "!=", self.emp_lead.id), ("user_id", "!=", False)]
        )
        cycle = self._cycle(
            assignments=[
                Command.create(
                    {
                        "employee_ids": [Command.set(everyone_but_the_lead.ids)],
                        "template_id": self.template_kpi.id,
                    }
                )
            ]
        )
        self._launch(cycle)
        head = self._review(cycle, self.emp_rd_head)
        self.assertEqual(head.manager_id, self.emp_ceo)
        self.assertEqual(head.manager_user_id, self.user_ceo)
        self.assertEqual(head.department_head_user_id, self.user_ceo)
        self.assertFalse(head.skip_manager_id)
        # The head's goals go to the CEO, not straight to execution.
        self.assertEqual(head.approval_ids.approver_id, self.user_ceo)
        # The CEO has nobody above: HR approves.
        ceo = self._review(cycle, self.emp_ceo)
        self.assertFalse(ceo.manager_id)
        self.assertEqual(ceo.approval_ids.approver_id, self.user_hr)
        # The junior's manager has no user: the next one up acts.
        junior = self._review(cycle, self.emp_junior)
        self.assertEqual(junior.manager_user_id, self.user_manager)
        self.assertEqual(junior.skip_manager_user_id, self.user_rd_head)
        for review in cycle.review_ids:
            self.assertNotIn(review.user_id, review.approval_ids.approver_id)

    def test_hr_officer_never_approves_their_own_goals(self):
        self.emp_ceo.user_id = False
        hr_employee = self.env["hr.employee"].create(
            {"name": "HR at the top", "user_id": self.user_hr.id}
        )
        cycle = self._cycle(
            assignments=[
                Command.create(
                    {
                        "employee_ids": [Command.set(hr_employee.ids)],
                        "template_id": self.template_kpi.id,
                    }
                )
            ]
        )
        self._launch(cycle)
        review = cycle.review_ids
        self.assertTrue(review.approval_ids)
        self.assertNotIn(self.user_hr, review.approval_ids.approver_id)


@tagged("post_install", "-at_install")
class TestEvaluationStart(PerfOrgCase):
    """The preview of the start of the evaluation, company-wide, with the
    full flow (self, peers, manager required, skip-level optional)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template_full = cls.template_kpi.copy({"name": "Full"})
        cls.cycle = cls._cycle(
            assignments=[
                Command.create(
                    {
                        "department_ids": [Command.set(cls.dep_company.ids)],
                        "template_id": cls.template_full.id,
                    }
                )
            ]
        )
        cls.cycle.with_user(cls.user_hr).action_launch()
        cls._run_todo_job()
        # Everyone sets and gets their goals approved but the sales rep.
        for review in cls.cycle.review_ids:
            if review.employee_id == cls.emp_sales:
                continue
            review.with_user(review.user_id).action_submit_goals()
            review.with_user(review.current_approver_id).action_approve_goals()
        cls.cycle.with_user(cls.user_hr).with_context(
            perf_force=True
        ).action_start_execution()

    def _preview(self):
        action = self.cycle.with_user(self.user_hr).action_start_evaluation()
        self.assertEqual(action["res_model"], "perf.cycle.evaluation")
        return self.env["perf.cycle.evaluation"].browse(action["res_id"])

    def test_preview_lists_stragglers_and_raters_nobody_gives(self):
        wizard = self._preview()
        self.assertEqual(wizard.review_count, 6)
        stragglers = wizard.line_ids.filtered(lambda x: x.kind == "straggler")
        self.assertEqual(stragglers.employee_id, self.emp_sales)
        missing = {
            (line.employee_id, line.step_id.kind): line
            for line in wizard.line_ids.filtered(lambda x: x.kind == "no_rater")
        }
        # The CEO has no manager: a required rating, it blocks.
        ceo_manager = missing[(self.emp_ceo, "manager")]
        self.assertTrue(ceo_manager.required)
        self.assertIn("nobody above them", ceo_manager.reason)
        # Skip-level is optional: skipped, its weight shared.
        self.assertFalse(missing[(self.emp_ceo, "skip_level")].required)
        # Peers nobody nominated: the optional step is skipped too.
        peers = missing[(self.emp_employee, "peer")]
        self.assertFalse(peers.required)
        self.assertIn("no peers nominated", peers.reason)
        self.assertFalse(missing[(self.emp_rd_head, "skip_level")].required)
        self.assertEqual(wizard.blocking_count, 1)
        with self.assertRefused(UserError, "CEO"):
            wizard.with_user(self.user_hr).action_confirm()
        self.assertEqual(self.cycle.state, "execution")
        # Nobody names the CEO to rate their own review.
        ceo_manager.rater_id = self.user_ceo
        with self.assertRefused(UserError, "own review"):
            wizard.with_user(self.user_hr).action_confirm()
        ceo_manager.rater_id = self.user_admin
        # Cancelling a review needs a reason.
        stragglers.decision = "cancel"
        with self.assertRefused(UserError, "reason"):
            wizard.with_user(self.user_hr).action_confirm()
        wizard.cancel_reason = "Left in October"
        wizard.with_user(self.user_hr).action_confirm()
        self.assertEqual(self.cycle.state, "evaluation")
        sales = self._review(self.cycle, self.emp_sales)
        self.assertEqual(sales.state, "cancelled")
        self.assertEqual(sales.cancel_reason, "Left in October")
        ceo = self._review(self.cycle, self.emp_ceo)
        self.assertEqual(
            ceo.rating_ids.filtered(lambda r: r.role == "manager").rater_id,
            self.user_admin,
        )
        self.assertEqual(
            sorted(ceo.skipped_step_ids.mapped("kind")), ["peer", "skip_level"]
        )
        head = self._review(self.cycle, self.emp_rd_head)
        self.assertEqual(
            sorted(head.skipped_step_ids.mapped("kind")), ["peer", "skip_level"]
        )
        self.assertEqual(sorted(head.rating_ids.mapped("role")), ["manager", "self"])
        # Nobody nominated peers: the optional peer step is skipped.
        employee = self._review(self.cycle, self.emp_employee)
        self.assertEqual(employee.peer_state, "skipped")
        self.assertIn("peer", employee.skipped_step_ids.mapped("kind"))
        self._run_todo_job()
        self.assertIn("Evaluation started", self.cycle.message_ids[0].body)

    def test_left_out_review_stays_and_background_job_reports_progress(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "perf_closed_loop.launch_sync_limit", 2
        )
        self.env["ir.config_parameter"].sudo().set_param(
            "perf_closed_loop.launch_batch_size", 3
        )
        wizard = self._preview()
        wizard.line_ids.filtered(lambda x: x.kind == "straggler").decision = "leave_out"
        wizard.line_ids.filtered(
            lambda x: x.kind == "no_rater" and x.required
        ).rater_id = self.user_admin
        wizard.with_user(self.user_hr).action_confirm()
        cycle = self.cycle
        self.assertEqual((cycle.job_kind, cycle.job_state), ("evaluation", "queued"))
        self.assertEqual(cycle.job_total, 5)
        self.assertFalse(cycle.rating_done_count + cycle.rating_open_count)
        self.env["perf.cycle"]._cron_run_jobs()
        self.assertEqual(cycle.job_done, 3)
        self.assertAlmostEqual(cycle.job_progress, 60.0)
        self.env["perf.cycle"]._cron_run_jobs()
        self.assertEqual(cycle.job_state, "done")
        self.assertEqual(cycle.evaluation_count, 5)
        self.assertEqual(self._review(cycle, self.emp_sales).state, "goal_setting")
        self.assertTrue(cycle.rating_open_count)
        self.assertIn("Self-evaluation", cycle.rating_progress_html)


@tagged("post_install", "-at_install")
class TestEvaluationOrgChanges(PerfEvalCase):
    """A manager who changes, a rater who leaves: open tasks move, nothing
    submitted is lost."""

    def test_manager_changes_mid_evaluation(self):
        review = self.review
        review.with_user(self.user_employee).action_nominate_peers(
            self.user_peer | self.user_peer2
        )
        review.with_user(self.user_manager).action_approve_peers()
        self._start_evaluation()
        self._give(self._rating("self"), self.user_employee, {"Teamwork": 80})
        submitted = self._rating("self").total_score
        for user in (self.user_peer, self.user_peer2):
            self._give(self._rating("peer", rater=user), user, {"Teamwork": 70})
        manager_rating = self._rating("manager")
        self.assertEqual(manager_rating.activity_ids.user_id, self.user_manager)
        # HR moves the employee under the R&D head.
        self.emp_employee.parent_id = self.emp_rd_head
        self.assertEqual(review.manager_id, self.emp_rd_head)
        self.assertEqual(manager_rating.rater_id, self.user_rd_head)
        self.assertEqual(manager_rating.activity_ids.user_id, self.user_rd_head)
        self.assertEqual(manager_rating.state, "todo")
        # The skip-level rating follows: the R&D head's manager.
        self.assertEqual(self._rating("skip_level").rater_id, self.user_ceo)
        self.assertEqual(manager_rating.event_ids[:1].kind, "reassigned")
        self.assertEqual(
            manager_rating.event_ids[:1].previous_rater_id, self.user_manager
        )
        self.assertIn("Manager changed", review.message_ids[0].body)
        # Nothing submitted moved.
        self.assertEqual(self._rating("self").state, "submitted")
        self.assertEqual(self._rating("self").total_score, submitted)
        self.assertEqual(set(self._rating("peer").mapped("state")), {"submitted"})

    def test_manager_changes_during_goal_approval(self):
        review = self.cycle.review_ids.filtered(
            lambda r: r.employee_id == self.emp_peer
        )
        review.with_user(self.user_peer).action_request_goal_change(reason="Scope")
        review.with_user(self.user_peer).action_submit_goals()
        self.assertEqual(review.current_approver_id, self.user_manager)
        self.emp_peer.parent_id = self.emp_rd_head
        self.assertEqual(review.current_approver_id, self.user_rd_head)
        self.assertEqual(
            review.activity_ids.filtered(lambda a: "Approve" in a.summary).user_id,
            self.user_rd_head,
        )

    def test_rater_who_leaves_hands_the_rating_to_hr(self):
        self._start_evaluation()
        designated = self._rating("designated")
        self.user_designated.active = False
        self.assertEqual(designated.rater_id, self.user_hr)
        self.assertTrue(designated.needs_reassignment)
        self.assertTrue(
            designated.activity_ids.filtered(
                lambda a: a.user_id == self.user_hr and "somebody else" in a.summary
            )
        )
        designated.with_user(self.user_hr).action_reassign(
            self.user_ceo.id, "Takes over"
        )
        self.assertFalse(designated.needs_reassignment)
        self.assertEqual(designated.rater_id, self.user_ceo)
