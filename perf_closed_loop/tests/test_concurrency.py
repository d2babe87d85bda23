# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import threading

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.service import model as rpc_model
from odoo.tests import BaseCase, new_test_user, tagged
from odoo.tests.common import get_db_name
from odoo.tools import SQL


@tagged("post_install", "-at_install", "perf_concurrency")
class TestConcurrentClicks(BaseCase):
    """Two people click at once, each on their own database connection and
    thread, through the same entry point as RPC (``execute_kw``, which
    retries a transaction that lost a race): exactly one effect happens, the
    other person gets a clear message, and the data is as after one click.

    The data is committed (other connections must see it) in a company of
    its own, and removed at the end."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        # The test runner holds the registries' lock while tests run: the
        # clicks' threads get a lock of their own (as HttpCase's server
        # threads do), put back at the end.
        cls._registry_lock = Registry._lock
        Registry._lock = threading.RLock()

    @classmethod
    def tearDownClass(cls):
        Registry._lock = cls._registry_lock
        super().tearDownClass()

    @classmethod
    def _env(cls, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def setUp(self):
        super().setUp()
        # Real connections, each with its own transaction.
        self.assertIsNone(self.registry.test_cr)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            company = env["res.company"].create({"name": f"Race Co {self.id()}"})
            self.company_id = company.id
            make = self._make_user

            def user(login, groups):
                return make(env, f"race_{login}_{company.id}", groups, company)

            users = {
                "hr": user("hr", "base.group_user,perf_closed_loop.group_perf_hr"),
                "hr2": user("hr2", "base.group_user,perf_closed_loop.group_perf_hr"),
                "skip": user(
                    "skip", "base.group_user,perf_closed_loop.group_perf_manager"
                ),
                "manager": user(
                    "manager", "base.group_user,perf_closed_loop.group_perf_manager"
                ),
                "employee": user("employee", "base.group_user"),
                "designated": user("designated", "base.group_user"),
            }
            Employee = env["hr.employee"].with_company(company)
            skip = Employee.create(
                {
                    "name": "Race skip",
                    "user_id": users["skip"].id,
                    "company_id": company.id,
                }
            )
            department = env["hr.department"].create(
                {"name": "Race team", "company_id": company.id, "manager_id": skip.id}
            )
            skip.department_id = department
            manager = Employee.create(
                {
                    "name": "Race manager",
                    "user_id": users["manager"].id,
                    "company_id": company.id,
                    "department_id": department.id,
                }
            )
            manager.parent_id = skip
            employee = Employee.create(
                {
                    "name": "Race employee",
                    "user_id": users["employee"].id,
                    "company_id": company.id,
                    "department_id": department.id,
                }
            )
            employee.parent_id = manager
            flow = env["perf.flow"].create(
                {
                    "name": "Race flow",
                    "company_id": company.id,
                    "step_ids": [
                        Command.create({"sequence": 1, "kind": "goal_setting"}),
                        Command.create(
                            {"sequence": 2, "kind": "goal_approval", "actor": "manager"}
                        ),
                        Command.create(
                            {
                                "sequence": 3,
                                "kind": "goal_approval",
                                "actor": "skip_level",
                            }
                        ),
                        Command.create({"sequence": 10, "kind": "self", "weight": 20}),
                        Command.create(
                            {"sequence": 20, "kind": "manager", "weight": 40}
                        ),
                        Command.create(
                            {"sequence": 30, "kind": "skip_level", "weight": 20}
                        ),
                        Command.create(
                            {
                                "sequence": 30,
                                "kind": "designated",
                                "weight": 20,
                                "designated_user_id": users["designated"].id,
                            }
                        ),
                    ],
                }
            )
            template = env["perf.template"].create(
                {
                    "name": "Race template",
                    "company_id": company.id,
                    "flow_id": flow.id,
                    "kpi_weight": 100,
                    "kpi_line_ids": [
                        Command.create(
                            {"name": "Revenue", "weight": 100, "target_value": 100}
                        )
                    ],
                }
            )
            cycle = (
                env["perf.cycle"]
                .with_company(company)
                .create(
                    {
                        "name": "Race cycle",
                        "company_id": company.id,
                        "date_start": "2026-07-01",
                        "date_end": "2026-12-31",
                        "hr_user_id": users["hr"].id,
                        "assignment_ids": [
                            Command.create(
                                {
                                    "employee_ids": [Command.set(employee.ids)],
                                    "template_id": template.id,
                                }
                            )
                        ],
                    }
                )
            )
            self.uids = {role: u.id for role, u in users.items()}
            self.cycle_id = cycle.id
            self.employee_id = employee.id
            self.ids_to_clean = {
                "flow": flow.id,
                "template": template.id,
                "department": department.id,
                "employees": (skip | manager | employee).ids,
                "users": [u.id for u in users.values()],
            }

    @staticmethod
    def _make_user(env, login, groups, company):
        return new_test_user(
            env,
            login=login,
            groups=groups,
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )

    def tearDown(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            env["mail.mail"].search(
                [
                    (
                        "recipient_ids",
                        "in",
                        env["res.users"].browse(self.uids.values()).partner_id.ids,
                    )
                ]
            ).unlink()
            env.cr.execute("DELETE FROM perf_cycle WHERE id = %s", [self.cycle_id])
            env.invalidate_all()
            env["perf.template"].browse(self.ids_to_clean["template"]).unlink()
            env["perf.flow"].browse(self.ids_to_clean["flow"]).unlink()
            env["hr.employee"].browse(self.ids_to_clean["employees"]).unlink()
            env["hr.department"].browse(self.ids_to_clean["department"]).unlink()
            # What points at the removed records without a foreign key (to-dos,
            # chatter, followers) goes too: no other test may meet it.
            for model in env.registry:
                if not model.startswith("perf.") or env[model]._abstract:
                    continue
                table = env[model]._table
                for orphan_table in ("mail_activity", "mail_message", "mail_followers"):
                    column = "res_model" if orphan_table != "mail_message" else "model"
                    env.cr.execute(
                        SQL(
                            "DELETE FROM %s o WHERE o.%s = %s AND NOT EXISTS "
                            "(SELECT 1 FROM %s t WHERE t.id = o.res_id)",
                            SQL.identifier(orphan_table),
                            SQL.identifier(column),
                            model,
                            SQL.identifier(table),
                        )
                    )
            env.invalidate_all()
            env["res.users"].browse(self.ids_to_clean["users"]).write({"active": False})
        super().tearDown()

    # ------------------------------------------------------------ helpers
    def call(self, role, model, method, *args, **kw):
        """One click, as RPC runs it: its own connection and transaction,
        retried when it lost a race against another one."""
        with self.registry.cursor() as cr:
            return rpc_model.execute_cr(cr, self.uids[role], model, method, *args, **kw)

    def race(self, *clicks):
        """Run the clicks ((role, model, method, args, kw)) at the same time,
        each in its own thread; returns (results, errors) in click order."""
        barrier = threading.Barrier(len(clicks))
        results = [None] * len(clicks)
        errors = [None] * len(clicks)

        def run(index, role, model, method, args, kw):
            barrier.wait()
            try:
                results[index] = self.call(role, model, method, *args, **kw)
            except Exception as exc:  # noqa: BLE001 - collected for the test
                errors[index] = exc

        threads = [
            threading.Thread(target=run, args=(index, *click))
            for index, click in enumerate(clicks)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
            self.assertFalse(thread.is_alive(), "a click never finished (blocked)")
        return results, errors

    def assert_one_effect(self, errors, pattern):
        """Exactly one click worked; the other got a clear message."""
        failed = [error for error in errors if error]
        self.assertEqual(len(failed), 1, f"expected one refusal, got {errors!r}")
        self.assertIsInstance(failed[0], UserError, repr(failed[0]))
        self.assertRegex(str(failed[0]), pattern)

    def read_committed(self, model, ids, fields):
        with self.registry.cursor() as cr:
            return self._env(cr)[model].browse(ids).read(fields)

    def review(self):
        with self.registry.cursor() as cr:
            return (
                self._env(cr)["perf.review"]
                .search(
                    [
                        ("cycle_id", "=", self.cycle_id),
                        ("employee_id", "=", self.employee_id),
                    ]
                )
                .id
            )

    def launch(self):
        self.call("hr", "perf.cycle", "action_launch", [self.cycle_id])

    def to_evaluation(self):
        self.launch()
        review = self.review()
        self.call("employee", "perf.review", "action_submit_goals", [review])
        self.call("manager", "perf.review", "action_approve_goals", [review])
        self.call("skip", "perf.review", "action_approve_goals", [review])
        self.call(
            "hr",
            "perf.cycle",
            "action_start_execution",
            [self.cycle_id],
            context={"perf_force": True},
        )
        self.call(
            "hr",
            "perf.cycle",
            "action_start_evaluation",
            [self.cycle_id],
            context={"perf_force": True},
        )
        return review

    def rating(self, review, role):
        with self.registry.cursor() as cr:
            rating = self._env(cr)["perf.review.rating"].search(
                [("review_id", "=", review), ("role", "=", role)]
            )
            self.assertEqual(len(rating), 1, f"no {role} rating")
            return rating.id

    # ------------------------------------------------------------- races
    def test_two_hr_officers_launch_at_once(self):
        _results, errors = self.race(
            ("hr", "perf.cycle", "action_launch", [[self.cycle_id]], {}),
            ("hr2", "perf.cycle", "action_launch", [[self.cycle_id]], {}),
        )
        self.assert_one_effect(errors, "already launched")
        with self.registry.cursor() as cr:
            cycle = self._env(cr)["perf.cycle"].browse(self.cycle_id)
            self.assertEqual(len(cycle.review_ids), 1)
            self.assertEqual(cycle.state, "goal_setting")
            self.assertEqual(len(cycle.review_ids.line_ids), 1)

    def test_the_approver_clicks_twice(self):
        self.launch()
        review = self.review()
        self.call("employee", "perf.review", "action_submit_goals", [review])
        _results, errors = self.race(
            ("manager", "perf.review", "action_approve_goals", [[review]], {}),
            ("manager", "perf.review", "action_approve_goals", [[review]], {}),
        )
        self.assert_one_effect(errors, "waiting for")
        approvals = self.read_committed(
            "perf.review", [review], ["approval_ids", "state"]
        )[0]
        states = [
            a["state"]
            for a in self.read_committed(
                "perf.review.approval", approvals["approval_ids"], ["state"]
            )
        ]
        self.assertEqual(sorted(states), ["approved", "pending"])
        self.assertEqual(approvals["state"], "goal_approval")

    def test_two_approvers_of_the_chain_approve_at_once(self):
        """The manager (first approver) and the skip-level (second) click
        Approve together: the skip-level's click counts only if it comes
        after the manager's, else it is refused; never both on one
        snapshot, never an approval out of order."""
        self.launch()
        review = self.review()
        self.call("employee", "perf.review", "action_submit_goals", [review])
        _results, errors = self.race(
            ("manager", "perf.review", "action_approve_goals", [[review]], {}),
            ("skip", "perf.review", "action_approve_goals", [[review]], {}),
        )
        self.assertIsNone(errors[0], "the manager's turn came first")
        values = self.read_committed(
            "perf.review", [review], ["approval_ids", "state"]
        )[0]
        approvals = self.read_committed(
            "perf.review.approval", values["approval_ids"], ["state", "sequence"]
        )
        states = [a["state"] for a in sorted(approvals, key=lambda a: a["sequence"])]
        if errors[1] is None:
            # The skip-level's click ran after the manager's: both count.
            self.assertEqual(states, ["approved", "approved"])
            self.assertEqual(values["state"], "execution")
        else:
            self.assertIsInstance(errors[1], UserError, repr(errors[1]))
            self.assertRegex(str(errors[1]), "waiting for")
            self.assertEqual(states, ["approved", "pending"])
            self.assertEqual(values["state"], "goal_approval")

    def test_a_rater_submits_twice(self):
        review = self.to_evaluation()
        rating = self.rating(review, "self")
        _results, errors = self.race(
            ("employee", "perf.review.rating", "action_submit", [[rating]], {}),
            ("employee", "perf.review.rating", "action_submit", [[rating]], {}),
        )
        self.assert_one_effect(errors, "not open")
        with self.registry.cursor() as cr:
            rating = self._env(cr)["perf.review.rating"].browse(rating)
            self.assertEqual(rating.state, "submitted")
            self.assertEqual(rating.event_ids.mapped("kind"), ["submitted"])
            manager = rating.review_id.rating_ids.filtered(
                lambda r: r.role == "manager"
            )
            self.assertEqual(manager.state, "todo")

    def test_two_raters_submit_at_once(self):
        review = self.to_evaluation()
        self.call(
            "employee",
            "perf.review.rating",
            "action_submit",
            [self.rating(review, "self")],
        )
        self.call(
            "manager",
            "perf.review.rating",
            "action_submit",
            [self.rating(review, "manager")],
        )
        _results, errors = self.race(
            (
                "skip",
                "perf.review.rating",
                "action_submit",
                [[self.rating(review, "skip_level")]],
                {},
            ),
            (
                "designated",
                "perf.review.rating",
                "action_submit",
                [[self.rating(review, "designated")]],
                {},
            ),
        )
        # Two different ratings: both go through, the review ends complete.
        self.assertEqual(errors, [None, None])
        values = self.read_committed(
            "perf.review", [review], ["evaluation_done", "score_ready"]
        )[0]
        self.assertTrue(values["evaluation_done"])
        self.assertTrue(values["score_ready"])

    def test_hr_approves_while_the_head_resubmits(self):
        review = self.to_evaluation()
        for role, kind in (
            ("employee", "self"),
            ("manager", "manager"),
            ("skip", "skip_level"),
            ("designated", "designated"),
        ):
            self.call(
                role, "perf.review.rating", "action_submit", [self.rating(review, kind)]
            )
        self.call(
            "hr",
            "perf.cycle",
            "action_start_calibration",
            [self.cycle_id],
            context={"perf_force": True},
        )
        with self.registry.cursor() as cr:
            calibration = self._env(cr)["perf.calibration"].search(
                [("cycle_id", "=", self.cycle_id)]
            )
            self.assertEqual(len(calibration), 1)
            calibration_id = calibration.id
            calibrator = calibration.calibrator_id.id
        role = next(r for r, uid in self.uids.items() if uid == calibrator)
        self.call(role, "perf.calibration", "action_submit", [calibration_id])
        self.call(
            "hr", "perf.calibration", "action_reject", [calibration_id], reason="Check"
        )
        _results, errors = self.race(
            (role, "perf.calibration", "action_submit", [[calibration_id]], {}),
            ("hr", "perf.calibration", "action_approve", [[calibration_id]], {}),
        )
        values = self.read_committed(
            "perf.calibration", [calibration_id], ["state", "approval_ids"]
        )[0]
        approvals = self.read_committed(
            "perf.review.approval", values["approval_ids"], ["state"]
        )
        if errors[1]:
            # HR came first: nothing to approve yet; the head's submission went
            # through.
            self.assertIsNone(errors[0])
            self.assertRegex(str(errors[1]), "not submitted")
            self.assertEqual(values["state"], "submitted")
            self.assertEqual([a["state"] for a in approvals], ["rejected"])
        else:
            # The head came first, then HR approved the submission.
            self.assertEqual(errors, [None, None])
            self.assertEqual(values["state"], "approved")
            self.assertEqual(
                sorted(a["state"] for a in approvals), ["approved", "rejected"]
            )

    def test_two_hr_officers_publish_at_once(self):
        self.test_hr_approves_while_the_head_resubmits()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            calibrations = env["perf.calibration"].search(
                [("cycle_id", "=", self.cycle_id)]
            )
            for calibration in calibrations.filtered(lambda c: c.state != "approved"):
                calibration.with_user(self.uids["hr"]).action_approve()
        _results, errors = self.race(
            ("hr", "perf.cycle", "action_publish", [[self.cycle_id]], {}),
            ("hr2", "perf.cycle", "action_publish", [[self.cycle_id]], {}),
        )
        self.assert_one_effect(errors, "published once it is in calibration")
        with self.registry.cursor() as cr:
            cycle = self._env(cr)["perf.cycle"].browse(self.cycle_id)
            self.assertEqual(cycle.state, "published")
            self.assertEqual(set(cycle.review_ids.mapped("state")), {"published"})
            # Published once: one acknowledgement to-do per employee.
            pending = cycle.review_ids.filtered("todo_pending")
            self.assertEqual(len(pending), len(cycle.review_ids))
