# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import PerfResultsCase


@tagged("post_install", "-at_install")
class TestCalibration(PerfResultsCase):
    """Calibration groups, the forced distribution, HR approval and the
    grade changes they leave behind."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_calibration()
        cls.support = cls._calibration_cls(cls.dep_support)
        cls.rd = cls._calibration_cls(cls.dep_rd)
        cls.top = cls._calibration_cls(cls.env["hr.department"])

    @classmethod
    def _calibration_cls(cls, department):
        return cls.cycle.sudo().calibration_ids.filtered(
            lambda c: c.department_id == department
        )

    def _regrade(self, calibration, user, changes):
        """``user`` sets grades on the calibration screen: {employee: (code,
        note)}."""
        commands = []
        for employee, (code, note) in changes.items():
            review = self._review_of(employee)
            values = {"calibrated_grade_id": self._grade(code).id}
            if note is not None:
                values["calibration_note"] = note
            commands.append(Command.update(review.id, values))
        calibration.with_user(user).write({"review_ids": commands})

    def _fix_support(self):
        """Exactly at quota for 10 people: no S, one A."""
        agents = self.agents
        self._regrade(
            self.support,
            self.user_support_head,
            {
                agents[0]: ("A", "Strong, but one A seat only"),
                agents[1]: ("B", "Less impact than Agent 0"),
                agents[2]: ("B", "Less impact than Agent 0"),
            },
        )

    def test_groups_follow_the_chart_and_pool_small_teams(self):
        self.assertEqual(self.cycle.state, "calibration")
        self.assertEqual(len(self.cycle.calibration_ids), 3)
        self.assertEqual(self.support.calibrator_id, self.user_support_head)
        self.assertEqual(
            self.support.review_ids.employee_id, self.agents, "the head goes up"
        )
        # Back-end (2) and Tiny (1) are pooled into R&D.
        self.assertEqual(self.rd.calibrator_id, self.user_rd_head)
        self.assertEqual(
            self.rd.review_ids.employee_id,
            self.emp_manager
            | self.emp_employee
            | self.emp_peer
            | self.emp_tiny_head
            | self.emp_tiny_member,
        )
        self.assertEqual(
            self.rd.pooled_department_ids, self.dep_backend | self.dep_tiny
        )
        # The company's group was small too: with the CEO, calibrated by HR.
        self.assertEqual(self.top.calibrator_id, self.user_hr)
        self.assertEqual(
            self.top.review_ids.employee_id,
            self.emp_ceo | self.emp_rd_head | self.emp_sales | self.emp_support_head,
        )
        for calibration in self.cycle.calibration_ids:
            self.assertNotIn(calibration.calibrator_id, calibration.review_ids.user_id)
            self.assertEqual(
                set(calibration.review_ids.mapped("state")), {"calibration"}
            )
        self.assertTrue(
            self.support.activity_ids.filtered(
                lambda a: a.user_id == self.user_support_head
            )
        )

    def test_submit_refused_outside_the_quota_then_exactly_at_it(self):
        head = self.user_support_head
        support = self.support.with_user(head)
        self.assertFalse(support.distribution_ok)
        self.assertIn("too many", support.distribution_html)
        with self.assertRefused(
            UserError, r"S: 1 people, allowed 0 to 0\n• A: 2 people, allowed 0 to 1"
        ):
            support.action_submit()
        # A grade other than the proposed one needs a note.
        with self.assertRefused(UserError, "Explain why Agent 0 gets A"):
            self._regrade(self.support, head, {self.agents[0]: ("A", None)})
        # Nobody else calibrates this group.
        with self.assertRaises(AccessError):
            self._regrade(
                self.support, self.user_rd_head, {self.agents[0]: ("A", "mine")}
            )
        with self.assertRaises(AccessError):
            self._review_of(self.agents[0]).with_user(self.user_employee).write(
                {"calibrated_grade_id": self._grade("A").id}
            )
        self._fix_support()
        self.assertTrue(support.distribution_ok)
        self.assertIn("within", support.distribution_html)
        support.action_submit()
        self.assertEqual(self.support.state, "submitted")
        # Every change is kept: who, when, from, to, why.
        changes = self.support.grade_change_ids
        self.assertEqual(len(changes), 3)
        first = changes.filtered(lambda c: c.employee_id == self.agents[0])
        self.assertEqual((first.from_grade_id.code, first.to_grade_id.code), ("S", "A"))
        self.assertEqual(first.user_id, head)
        self.assertEqual(first.note, "Strong, but one A seat only")
        self.assertEqual(self._review_of(self.agents[0]).final_grade_id.code, "A")
        self.assertEqual(self._review_of(self.agents[0]).coefficient, 1.2)
        # Submitted: HR's turn; the head cannot change grades any more.
        with self.assertRefused(UserError, "submitted"):
            self._regrade(self.support, head, {self.agents[3]: ("C", "late")})
        self.assertTrue(
            self.support.activity_ids.filtered(lambda a: a.user_id == self.user_hr)
        )

    def test_small_group_only_warns(self):
        """The top group has 4 people, below the policy's 5: four B is
        outside the quota (at most 2) but may be submitted."""
        top = self.top.with_user(self.user_hr)
        counts, quotas, check = top._distribution()
        self.assertEqual(counts["B"], 4)
        self.assertEqual(quotas["B"], (0, 2))
        self.assertFalse(check.ok)
        self.assertFalse(check.blocking)
        top.action_submit()
        self.assertEqual(self.top.state, "submitted")
        self.assertIn("Outside the policy", self.top.message_ids[0].body)

    def test_hr_sends_back_then_approves(self):
        self._fix_support()
        self.support.with_user(self.user_support_head).action_submit()
        with self.assertRaises(AccessError):
            self.support.with_user(self.user_support_head).action_approve()
        action = self.support.with_user(self.user_hr).action_reject()
        self.assertEqual(action["res_model"], "perf.review.reason")
        self.support.with_user(self.user_hr).action_reject(
            reason="Agent 3 handled the outage: not C material, but check B"
        )
        self.assertEqual(self.support.state, "rejected")
        self.assertIn("outage", self.support.hr_reason)
        todo = self.support.activity_ids.filtered(
            lambda a: a.user_id == self.user_support_head
        )
        self.assertIn("outage", todo.summary)
        # The head changes one more grade and submits again.
        self._regrade(
            self.support,
            self.user_support_head,
            {self.agents[7]: ("B", "Handled the outage")},
        )
        self.support.with_user(self.user_support_head).action_submit()
        # HR may change a grade itself, with a note, before approving.
        self._regrade(
            self.support, self.user_hr, {self.agents[9]: ("C", "Improved late")}
        )
        self.support.with_user(self.user_hr).action_approve()
        self.assertEqual(self.support.state, "approved")
        self.assertEqual(
            self.support.approval_ids.sorted("id").mapped("state"),
            ["rejected", "approved"],
        )
        self.assertEqual(
            self.support.grade_change_ids.filtered(
                lambda c: c.employee_id == self.agents[9]
            ).user_id,
            self.user_hr,
        )

    def test_nobody_approves_a_group_holding_their_own_review(self):
        hr_employee = self.env["hr.employee"].create(
            {"name": "HR in support", "user_id": self.user_hr.id}
        )
        last = self._review_of(self.agents[9])
        last.sudo().write({"employee_id": hr_employee.id, "user_id": self.user_hr.id})
        self._fix_support()
        self.support.with_user(self.user_support_head).action_submit()
        # The approval to-do skips the HR responsible, whose review is in it.
        todo = self.support.activity_ids
        self.assertEqual(len(todo), 1)
        self.assertNotEqual(todo.user_id, self.user_hr)
        self.assertTrue(todo.user_id.has_group("perf_closed_loop.group_perf_hr"))
        # The refusal names who may approve.
        with self.assertRefused(
            AccessError, rf"another HR officer approves it \(.*{todo.user_id.name}"
        ):
            self.support.with_user(self.user_hr).action_approve()
        self.assertFalse(self.support.with_user(self.user_hr).can_approve)
        self.support.with_user(self.user_admin).action_approve()
        self.assertEqual(self.support.state, "approved")

    def test_every_hr_officer_in_the_group_nobody_in_it_approves(self):
        """The HR team pooled into a group: no HR officer outside it. Nobody
        approves their own review, so the HR responsible is told to give the
        role to somebody outside the group, who then approves it."""
        hr_groups = self.env.ref("perf_closed_loop.group_perf_hr") | self.env.ref(
            "perf_closed_loop.group_perf_admin"
        )
        others = hr_groups.users - self.user_hr - self.user_admin
        hr_groups.write({"users": [Command.unlink(user.id) for user in others]})
        for user, agent in ((self.user_hr, 8), (self.user_admin, 9)):
            employee = self.env["hr.employee"].create(
                {"name": f"HR {user.login}", "user_id": user.id}
            )
            self._review_of(self.agents[agent]).sudo().write(
                {"employee_id": employee.id, "user_id": user.id}
            )
        self._fix_support()
        self.support.with_user(self.user_support_head).action_submit()
        todo = self.support.activity_ids
        self.assertEqual(todo.user_id, self.user_hr, "the HR responsible is told")
        self.assertIn("give the HR officer role", todo.summary)
        self.assertIn(
            "Every HR officer of the company",
            "".join(self.support.message_ids.mapped("body")),
        )
        for user in (self.user_hr, self.user_admin):
            support = self.support.with_user(user)
            self.assertFalse(support.can_approve)
            with self.assertRefused(AccessError, "Every HR officer of the company"):
                support.action_approve()
            with self.assertRefused(AccessError, "Every HR officer of the company"):
                support.action_reject(reason="Mine to send back")
        self.assertEqual(self.support.state, "submitted")
        # Given the role, somebody outside the group approves it.
        outsider = self._user(
            "perf_hr_outside", "base.group_user,perf_closed_loop.group_perf_hr"
        )
        self.assertTrue(self.support.with_user(outsider).can_approve)
        self.support.with_user(outsider).action_approve()
        self.assertEqual(self.support.state, "approved")

    def test_statistics_show_the_calibration_screens_distribution(self):
        self._fix_support()
        counts, _quotas, _check = self.support._distribution()
        rows = (
            self.env["perf.review"]
            .with_user(self.user_hr)
            ._read_group(
                [("calibration_id", "=", self.support.id)],
                ["final_grade_id"],
                ["__count"],
            )
        )
        self.assertEqual(
            {grade.code: count for grade, count in rows},
            {code: count for code, count in counts.items() if count},
        )
        # The head's pivot shows their people only; an agent sees nothing.
        head_rows = (
            self.env["perf.review"]
            .with_user(self.user_support_head)
            ._read_group([], ["final_grade_id"], ["__count"])
        )
        self.assertEqual(sum(count for _g, count in head_rows), 10)
        agent_user = self.agents[0].user_id
        agent_rows = (
            self.env["perf.review"]
            .with_user(agent_user)
            ._read_group([], ["final_grade_id"], ["__count"])
        )
        self.assertFalse(agent_rows)

    def test_calibration_screen_in_the_form(self):
        """The head edits a grade in place; the distribution follows live."""
        form = Form(self.support.with_user(self.user_support_head))
        self.assertIn("too many", form.distribution_html)
        for index in range(3):
            with form.review_ids.edit(index) as line:
                line.calibrated_grade_id = self._grade("B")
                line.calibration_note = "Quota"
        self.assertNotIn("too many", form.distribution_html)
        form.save()
        calibrated = self.support.review_ids.filtered("calibrated_grade_id")
        self.assertEqual(len(calibrated), 3)
        self.assertEqual(calibrated.calibrated_grade_id.code, "B")


@tagged("post_install", "-at_install")
class TestCalibrationStart(PerfResultsCase):
    """The preview of the start of the calibration: reviews still waiting
    for ratings, HR's choice of calibrators and groups."""

    def _preview(self):
        action = self.cycle.with_user(self.user_hr).action_start_calibration()
        return self.env["perf.cycle.calibration"].browse(action["res_id"])

    def test_waiting_reviews_close_with_the_ratings_given(self):
        # HR sends Agent 9's manager rating back: their evaluation is open.
        last = self._review_of(self.agents[9])
        manager = last.rating_ids.filtered(lambda r: r.role == "manager")
        manager.with_user(self.user_hr).action_reject(reason="Recheck")
        wizard = self._preview()
        self.assertEqual(wizard.waiting_count, 1)
        with self.assertRefused(UserError, "still wait for ratings"):
            wizard.with_user(self.user_hr).action_confirm()
        wizard.line_ids.filtered(lambda x: x.kind == "incomplete").decision = "close"
        wizard.with_user(self.user_hr).action_confirm()
        self.assertEqual(manager.state, "cancelled")
        self.assertTrue(last.evaluation_closed)
        # Only the self rating is left: the final score is its score.
        self.assertEqual(last.final_score, last.self_score)
        self.assertEqual(last.state, "calibration")

    def test_hr_chooses_calibrators_and_merges_groups(self):
        wizard = self._preview()
        lines = {line.department_id: line for line in wizard.group_line_ids}
        lines[self.dep_support].calibrator_id = self.user_admin
        lines[self.dep_rd].merge_into_id = lines[self.env["hr.department"]]
        wizard.with_user(self.user_hr).action_confirm()
        calibrations = self.cycle.sudo().calibration_ids
        self.assertEqual(len(calibrations), 2)
        support = calibrations.filtered(lambda c: c.department_id == self.dep_support)
        self.assertEqual(support.calibrator_id, self.user_admin)
        top = calibrations - support
        self.assertIn(self.emp_tiny_member, top.review_ids.employee_id)
        self.assertIn(self.emp_ceo, top.review_ids.employee_id)

    def test_left_out_people_make_a_team_small_enough_to_pool(self):
        # Evaluations of six agents reopened and left out: Support keeps four
        # people, fewer than the policy's five, and is pooled upwards.
        for agent in self.agents[:6]:
            rating = self._review_of(agent).rating_ids.filtered(
                lambda r: r.role == "manager"
            )
            rating.with_user(self.user_hr).action_reject(reason="Recheck")
        wizard = self._preview()
        incomplete = wizard.line_ids.filtered(lambda x: x.kind == "incomplete")
        self.assertEqual(len(incomplete), 6)
        incomplete.decision = "leave_out"
        wizard.with_user(self.user_hr).action_confirm()
        calibrations = self.cycle.sudo().calibration_ids
        self.assertNotIn(self.dep_support, calibrations.department_id)
        # Into the company's group, which now has 3 + 4 people and stays.
        company = calibrations.filtered(lambda c: c.department_id == self.dep_company)
        self.assertEqual(company.calibrator_id, self.user_ceo)
        self.assertIn(self.agents[9], company.review_ids.employee_id)
        self.assertIn(self.dep_support, company.pooled_department_ids)
        self.assertEqual(
            set(self._review_of(self.agents[0]).mapped("state")), {"evaluation"}
        )
