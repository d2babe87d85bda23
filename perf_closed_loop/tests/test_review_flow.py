# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import PerfOrgCase


@tagged("post_install", "-at_install")
class TestReviewFlow(PerfOrgCase):
    """Goal setting, the approval chain, execution with check-ins and goal
    changes, acted by each role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flow_three = cls.env["perf.flow"].create(
            {
                "name": "Three approvers",
                "step_ids": [
                    Command.create(
                        {"sequence": 1, "kind": "goal_setting", "actor": "employee"}
                    ),
                    Command.create(
                        {"sequence": 2, "kind": "goal_approval", "actor": "manager"}
                    ),
                    Command.create(
                        {"sequence": 3, "kind": "goal_approval", "actor": "skip_level"}
                    ),
                    Command.create(
                        {"sequence": 4, "kind": "goal_approval", "actor": "hr"}
                    ),
                    Command.create(
                        {
                            "sequence": 5,
                            "kind": "self",
                            "actor": "employee",
                            "weight": 30,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 6,
                            "kind": "manager",
                            "actor": "manager",
                            "weight": 70,
                        }
                    ),
                    Command.create(
                        {"sequence": 7, "kind": "calibration", "actor": "hr"}
                    ),
                ],
            }
        )
        cls.template_okr.flow_id = cls.flow_three
        cls.cycle = cls._cycle()
        cls.cycle.with_user(cls.user_hr).action_launch()
        cls._run_todo_job()
        cls.review = cls.cycle.review_ids.filtered(
            lambda r: r.employee_id == cls.emp_employee
        )

    def _as(self, user):
        return self.review.with_user(user)

    def _set_goals(self, user=None):
        """Goals as the employee writes them: a target, one added
        indicator (the template leaves 20 to them) and one objective."""
        user = user or self.user_employee
        self.review.kpi_line_ids[0].with_user(user).target_value = 10
        self.env["perf.review.line"].with_user(user).create(
            {
                "review_id": self.review.id,
                "name": "Mentoring",
                "weight": 20,
                "target_value": 3,
            }
        )
        self.env["perf.objective"].with_user(user).create(
            {
                "review_id": self.review.id,
                "name": "Ship the new API",
                "weight": 100,
                "key_result_ids": [
                    Command.create({"name": "v2 live", "weight": 60}),
                    Command.create({"name": "3 clients moved", "weight": 40}),
                ],
            }
        )

    def test_todos_in_the_approvers_language(self):
        """The employee writes in English; the Chinese-speaking manager reads
        the approval to-do (and the check-in alert) in Chinese."""
        self._load_zh_cn()
        self.user_manager.lang = "zh_CN"
        self._set_goals()
        self._as(self.user_employee).action_submit_goals()
        todo = self.review.activity_ids
        self.assertEqual(todo.user_id, self.user_manager)
        self.assertRegex(todo.summary, "[\u4e00-\u9fff]")
        self.assertIn(self.emp_employee.name, todo.summary)
        self.assertNotIn("Approve the goals", todo.summary)

    def test_goal_setting_rules(self):
        review = self._as(self.user_employee)
        self.assertTrue(review.can_edit_goals)
        self.assertTrue(review.can_submit_goals)
        self.assertFalse(review.can_approve_goals)
        # A template indicator keeps its name and weight.
        with self.assertRefused(UserError, "template"):
            review.kpi_line_ids[0].weight = 10
        with self.assertRefused(UserError, "template"):
            review.kpi_line_ids[0].unlink()
        with self.assertRefused(UserError, "check-ins"):
            review.kpi_line_ids[0].write({"actual_value": 5})
        # Weights are checked against the template on submit.
        with self.assertRefused(UserError, "80"):
            review.action_submit_goals()
        with self.assertRefused(UserError, "objectives"):
            self.env["perf.review.line"].with_user(self.user_employee).create(
                {"review_id": review.id, "name": "Extra", "weight": 20}
            )
            review.action_submit_goals()
        # Someone else's goals are out of reach.
        with self.assertRaises(AccessError):
            self.review.with_user(self.user_peer).read(["state"])
        with self.assertRaises(AccessError):
            self.env["perf.review.line"].with_user(self.user_peer).create(
                {"review_id": self.review.id, "name": "Sneaky", "weight": 1}
            )

    def test_goals_set_in_the_form(self):
        with Form(self.review.with_user(self.user_employee)) as form:
            with form.kpi_line_ids.edit(0) as line:
                line.target_value = 14
            with form.kpi_line_ids.new() as line:
                line.name = "Mentoring"
                line.weight = 20
                line.target_value = 2
        self.assertEqual(self.review.kpi_line_ids[0].target_value, 14)
        added = self.review.kpi_line_ids.filtered(lambda x: x.name == "Mentoring")
        self.assertEqual(added.origin, "employee")
        # Nothing but the goals is written by an employee or a manager.
        for user in (self.user_employee, self.user_manager):
            with self.assertRaises(AccessError):
                self.review.with_user(user).write({"template_id": self.template_kpi.id})
            with self.assertRaises(AccessError):
                self.review.with_user(user).write({"manager_user_id": user.id})
        # A peer cannot write the goals through the review either.
        with self.assertRaises(AccessError):
            self.review.with_user(self.user_peer).write(
                {"kpi_line_ids": [Command.create({"name": "x", "weight": 1})]}
            )

    def test_added_indicators_within_budget(self):
        self._set_goals()
        by_manager = (
            self.env["perf.review.line"]
            .with_user(self.user_manager)
            .create({"review_id": self.review.id, "name": "Coaching", "weight": 0})
        )
        self.assertEqual(by_manager.origin, "manager")
        self.env["perf.review.line"].with_user(self.user_employee).create(
            {"review_id": self.review.id, "name": "Docs", "weight": 5}
        )
        with self.assertRefused(UserError, "25"):
            self._as(self.user_employee).action_submit_goals()

    def test_rejected_then_approved_chain_of_three(self):
        self._set_goals()
        review = self._as(self.user_employee)
        self.assertEqual(
            review.line_ids.filtered(lambda x: x.name == "Mentoring").origin, "employee"
        )
        review.action_submit_goals()
        self.assertEqual(self.review.state, "goal_approval")
        self.assertEqual(self.review.current_approver_id, self.user_manager)
        self.assertEqual(self.review.activity_ids.user_id, self.user_manager)
        # The employee's goal-setting to-do is done.
        self.assertFalse(
            self.review.activity_ids.filtered(lambda a: a.user_id == self.user_employee)
        )
        # Nobody but the current approver acts; nobody approves their own goals.
        for user in (
            self.user_employee,
            self.user_rd_head,
            self.user_hr,
            self.user_peer,
        ):
            with self.assertRaises(UserError):  # AccessError is a UserError
                self._as(user).action_approve_goals()
        self.assertFalse(self._as(self.user_rd_head).can_approve_goals)
        # Reject needs a reason; it goes back to goal setting.
        action = self._as(self.user_manager).action_reject_goals()
        self.assertEqual(action["res_model"], "perf.review.reason")
        self._as(self.user_manager).action_approve_goals()
        self.assertEqual(self.review.current_approver_id, self.user_rd_head)
        self._as(self.user_rd_head).action_reject_goals(reason="Targets too low")
        self.assertEqual(self.review.state, "goal_setting")
        self.assertIn("Targets too low", self.review.message_ids[0].body)
        self.assertEqual(self.review.activity_ids.user_id, self.user_employee)
        self.assertIn("Targets too low", self.review.activity_ids.summary)
        rejected = self.review.approval_ids.filtered(lambda a: a.state == "rejected")
        self.assertEqual(rejected.reason, "Targets too low")
        # The employee fixes and resubmits: a new round through all three.
        self.review.kpi_line_ids[0].with_user(self.user_employee).target_value = 15
        self._as(self.user_employee).action_submit_goals()
        self.assertEqual(self.review.approval_round, 2)
        self.assertEqual(self.review.current_approver_id, self.user_manager)
        self._as(self.user_manager).action_approve_goals()
        self._as(self.user_rd_head).action_approve_goals()
        self.assertEqual(self.review.current_approver_id, self.user_hr)
        self.assertTrue(self._as(self.user_hr).can_approve_goals)
        self._as(self.user_hr).action_approve_goals()
        self.assertEqual(self.review.state, "execution")
        history = self.review.approval_ids.sorted(lambda a: (a.round, a.sequence))
        self.assertEqual(
            [(a.round, a.approver_id, a.state) for a in history],
            [
                (1, self.user_manager, "approved"),
                (1, self.user_rd_head, "rejected"),
                (1, self.user_hr, "cancelled"),
                (2, self.user_manager, "approved"),
                (2, self.user_rd_head, "approved"),
                (2, self.user_hr, "approved"),
            ],
        )
        # Goals are frozen during execution.
        with self.assertRefused(UserError, "being set"):
            self.review.kpi_line_ids[0].with_user(self.user_employee).target_value = 1

    def _approve_all(self):
        for user in (self.user_manager, self.user_rd_head, self.user_hr):
            self._as(user).action_approve_goals()

    def test_checkins_and_manager_view(self):
        with self.assertRefused(UserError, "during execution"):
            self.env["perf.checkin"].with_user(self.user_employee).create(
                {"review_id": self.review.id, "status": "on_track"}
            )
        self._set_goals()
        self._as(self.user_employee).action_submit_goals()
        self._approve_all()
        delivery = self.review.kpi_line_ids.filtered(lambda x: x.name == "Delivery")
        Checkin = self.env["perf.checkin"].with_user(self.user_employee)
        Checkin.create(
            {
                "review_id": self.review.id,
                "line_id": delivery.id,
                "value": 6,
                "status": "on_track",
                "note": "Half way",
            }
        )
        self.assertEqual(delivery.actual_value, 6)
        self.assertEqual(delivery.progress, 60)
        self.assertEqual(self.review.risk_status, "on_track")
        self.assertIn(
            self.user_manager.partner_id, self.review.message_ids[0].partner_ids
        )
        kr = self.review.objective_ids.key_result_ids[0]
        Checkin.create(
            {
                "review_id": self.review.id,
                "line_id": kr.id,
                "progress": 30,
                "status": "off_track",
                "blocker": "Waiting for the security review",
            }
        )
        self.assertEqual(kr.progress, 30)
        self.assertEqual(self.review.risk_status, "off_track")
        help_todo = self.review.activity_ids.filtered(
            lambda a: a.user_id == self.user_manager
        )
        self.assertEqual(len(help_todo), 1)
        # The manager sees the team's latest progress and risks.
        team = (
            self.env["perf.review"]
            .with_user(self.user_manager)
            .search(
                [
                    ("user_id", "!=", self.user_manager.id),
                    ("risk_status", "in", ("at_risk", "off_track")),
                ]
            )
        )
        self.assertEqual(team, self.review)
        self.assertEqual(len(self.review.with_user(self.user_manager).checkin_ids), 2)
        # Check-ins are a record: not edited, not deleted (HR excepted).
        with self.assertRaises(AccessError):
            self.review.checkin_ids[0].with_user(self.user_employee).note = "x"
        with self.assertRaises(AccessError):
            self.review.checkin_ids[0].with_user(self.user_manager).unlink()
        # A peer records nothing on someone else's review.
        with self.assertRaises(AccessError):
            self.env["perf.checkin"].with_user(self.user_peer).create(
                {"review_id": self.review.id, "status": "on_track"}
            )

    def test_goal_change_keeps_approved_goals(self):
        self._set_goals()
        self._as(self.user_employee).action_submit_goals()
        self._approve_all()
        delivery = self.review.kpi_line_ids.filtered(lambda x: x.name == "Delivery")
        with self.assertRefused(UserError, "not waiting for approval"):
            self._as(self.user_manager).action_approve_goals()
        with self.assertRaises(AccessError):
            self._as(self.user_peer).action_request_goal_change(reason="x")
        self._as(self.user_employee).action_request_goal_change(reason="New project")
        self.assertEqual(self.review.state, "goal_approval")
        self.assertEqual(self.review.goal_change_state, "editing")
        self.assertFalse(self.review.current_approver_id)
        delivery.with_user(self.user_employee).target_value = 20
        self.env["perf.review.line"].with_user(self.user_employee).create(
            {"review_id": self.review.id, "name": "Temporary", "weight": 0}
        )
        with self.assertRefused(UserError, "weight to 0"):
            self.review.kpi_line_ids.filtered(
                lambda x: x.name == "Mentoring"
            ).with_user(self.user_employee).unlink()
        self._as(self.user_employee).action_submit_goals()
        self.assertEqual(self.review.goal_change_state, "submitted")
        # A rejected change gives back the approved goals.
        self._as(self.user_manager).action_reject_goals(reason="Keep the scope")
        self.assertEqual(self.review.state, "execution")
        self.assertEqual(delivery.target_value, 10)
        self.assertNotIn("Temporary", self.review.line_ids.mapped("name"))
        # An approved change is kept, the previous goals stay in the chatter.
        self._as(self.user_manager).action_request_goal_change(reason="Re-plan")
        delivery.with_user(self.user_employee).target_value = 25
        self._as(self.user_employee).action_submit_goals()
        self._approve_all()
        self.assertEqual(self.review.state, "execution")
        self.assertEqual(delivery.target_value, 25)
        self.assertIn("Delivery", self.review.message_ids[0].body)
        self.assertEqual(
            [
                x["target_value"]
                for x in self.review.approved_goals["lines"]
                if x["name"] == "Delivery"
            ],
            [25],
        )
