# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import io
import logging
import xmlrpc.client
from contextlib import closing, suppress

import openpyxl

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .security_matrix import MATRIX, ROLES, expected

_logger = logging.getLogger(__name__)

# XML-RPC fault codes of Odoo (base/controllers/rpc.py): a refusal is a
# UserError (2) or an AccessError (4); anything else (1) is a crash.
REFUSALS = (2, 3, 4)


class Crash(Exception):
    """A call ended in an unexpected server error (a traceback)."""


@tagged("post_install", "-at_install", "access_rights", "perf_security_matrix")
class TestSecurityMatrix(HttpCase):
    """The security matrix (``security_matrix.MATRIX``) run through the real
    HTTP server over XML-RPC, logged in as each role, in each phase of one
    employee's review: every unexpected allow or deny fails."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.env = env
        company = env.company
        other = env["res.company"].create({"name": "Other Co"})
        export = "base.group_allow_export"
        groups = {
            "employee": "base.group_user",
            "colleague": "base.group_user",
            "peer": "base.group_user",
            "manager": "base.group_user,perf_closed_loop.group_perf_manager",
            "head": "base.group_user,perf_closed_loop.group_perf_manager",
            "skip": "base.group_user,perf_closed_loop.group_perf_manager",
            "designated": "base.group_user",
            "hr": "base.group_user,perf_closed_loop.group_perf_hr",
            "admin": "base.group_user,perf_closed_loop.group_perf_admin",
        }
        cls.users = {}
        for role, group in groups.items():
            cls.users[role] = new_test_user(
                env,
                login=f"matrix_{role}",
                password=f"matrix_{role}_pw",
                name=f"Matrix {role}",
                groups=f"{group},{export}",
            )
        cls.users["hr_other"] = new_test_user(
            env,
            login="matrix_hr_other",
            password="matrix_hr_other_pw",
            name="Matrix hr_other",
            groups=f"base.group_user,perf_closed_loop.group_perf_hr,{export}",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        cls.users["portal"] = new_test_user(
            env,
            login="matrix_portal",
            password="matrix_portal_pw",
            name="Matrix portal",
            groups="base.group_portal",
        )
        cls.user_ceo = new_test_user(env, login="matrix_ceo", groups="base.group_user")
        Employee = env["hr.employee"]
        Department = env["hr.department"]

        def employee(name, user, department=False):
            return Employee.create(
                {"name": name, "user_id": user.id, "department_id": department}
            )

        ceo = employee("Matrix CEO", cls.user_ceo)
        company_dep = Department.create({"name": "Matrix Co", "manager_id": ceo.id})
        skip = employee("Matrix skip", cls.users["skip"])
        engineering = Department.create(
            {
                "name": "Engineering",
                "parent_id": company_dep.id,
                "manager_id": skip.id,
            }
        )
        head = employee("Matrix head", cls.users["head"])
        platform = Department.create(
            {"name": "Platform", "parent_id": engineering.id, "manager_id": head.id}
        )
        manager = employee("Matrix manager", cls.users["manager"], platform.id)
        cls.emp = employee("Matrix employee", cls.users["employee"], platform.id)
        colleague = employee("Matrix colleague", cls.users["colleague"], platform.id)
        peer = employee("Matrix peer", cls.users["peer"], platform.id)
        employee("Matrix designated", cls.users["designated"], company_dep.id)
        employee("Matrix HR", cls.users["hr"], company_dep.id)
        employee("Matrix admin", cls.users["admin"], company_dep.id)
        ceo.department_id = company_dep
        skip.write({"department_id": engineering.id, "parent_id": ceo.id})
        head.write({"department_id": platform.id, "parent_id": skip.id})
        manager.parent_id = skip
        for person in (cls.emp, colleague, peer):
            person.parent_id = manager
        flow = env["perf.flow"].create(
            {
                "name": "Matrix flow",
                "step_ids": [
                    Command.create({"sequence": 1, "kind": "goal_setting"}),
                    Command.create(
                        {"sequence": 2, "kind": "goal_approval", "actor": "manager"}
                    ),
                    Command.create({"sequence": 10, "kind": "self", "weight": 10}),
                    Command.create(
                        {
                            "sequence": 20,
                            "kind": "peer",
                            "weight": 20,
                            "peer_min": 1,
                            "peer_max": 2,
                            "peer_anonymous": True,
                        }
                    ),
                    Command.create(
                        {
                            "sequence": 30,
                            "kind": "manager",
                            "weight": 40,
                            "can_reject": True,
                        }
                    ),
                    Command.create(
                        {"sequence": 40, "kind": "skip_level", "weight": 20}
                    ),
                    Command.create(
                        {
                            "sequence": 40,
                            "kind": "designated",
                            "weight": 10,
                            "designated_user_id": cls.users["designated"].id,
                        }
                    ),
                    Command.create({"sequence": 50, "kind": "calibration"}),
                    Command.create({"sequence": 60, "kind": "hr_approval"}),
                ],
            }
        )
        template = env["perf.template"].create(
            {
                "name": "Matrix template",
                "flow_id": flow.id,
                "kpi_weight": 100,
                "kpi_line_ids": [
                    Command.create(
                        {"name": "Revenue", "weight": 60, "target_value": 100}
                    ),
                    Command.create(
                        {"name": "Quality", "weight": 40, "target_value": 10}
                    ),
                ],
            }
        )
        scale = template.rating_scale_id
        policy = env["perf.distribution.policy"].create(
            {
                "name": "Matrix policy",
                "rating_scale_id": scale.id,
                "min_group_size": 0,
                "line_ids": [
                    Command.create({"grade_id": grade.id, "max_pct": 100})
                    for grade in scale.grade_ids
                ],
            }
        )
        cls.cycle = (
            env["perf.cycle"]
            .with_user(cls.users["hr"])
            .create(
                {
                    "name": "Matrix cycle",
                    "company_id": company.id,
                    "date_start": "2026-07-01",
                    "date_end": "2026-12-31",
                    "hr_user_id": cls.users["hr"].id,
                    "distribution_policy_id": policy.id,
                    "assignment_ids": [
                        Command.create(
                            {
                                "employee_ids": [Command.set(cls.emp.ids)],
                                "template_id": template.id,
                            }
                        )
                    ],
                }
            )
            .sudo()
        )
        cls.cycle.with_user(cls.users["hr"]).action_launch()
        env["perf.cycle"]._cron_deliver_todos()
        cls.review = cls.cycle.review_ids
        assert len(cls.review) == 1
        cls.attachment = env["ir.attachment"].create(
            {
                "name": "evidence.txt",
                "raw": b"evidence",
                "res_model": "perf.review",
                "res_id": cls.review.id,
            }
        )
        cls.review.with_user(cls.users["hr"]).message_post(
            body="Welcome", attachment_ids=cls.attachment.ids
        )
        cls.grade_b = scale.grade_ids.filtered(lambda g: g.code == "B")
        cls.uids = {role: user.id for role, user in cls.users.items()}

    # ------------------------------------------------------------ RPC
    def rpc(self, role, model, method, *args, **kw):
        self.calls += 1
        try:
            return self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                self.uids[role],
                f"matrix_{role}_pw",
                model,
                method,
                list(args),
                kw,
            )
        except xmlrpc.client.Fault as fault:
            if fault.faultCode not in REFUSALS:
                raise Crash(fault.faultString) from fault
            raise

    def rpc_as_hr(self, model, method, *args, **kw):
        """A step of the walk, done over RPC by the person whose turn it is."""
        return self.rpc("hr", model, method, *args, **kw)

    def allowed(self, work):
        """Run ``work`` (one check) inside a savepoint undone afterwards;
        True when it was allowed, False when refused."""
        self.env.flush_all()
        with closing(self.env.cr.savepoint()):
            try:
                outcome = work()
            except xmlrpc.client.Fault:
                outcome = False
        self.env.invalidate_all()
        return bool(outcome)

    # ----------------------------------------------------------- checks
    def _rating(self, role):
        return self.review.rating_ids.filtered(lambda r: r.role == role)[:1]

    def _check(self, name, role):
        review = self.review.id
        found_by = [("id", "=", review)]
        calibration = self.review.calibration_id.id
        checks = {
            "review.read": lambda: self.rpc(
                role, "perf.review", "read", [review], ["state"]
            ),
            "review.search_read": lambda: self.rpc(
                role, "perf.review", "search_read", found_by, ["id"]
            ),
            "review.read_group": lambda: sum(
                group["state_count"]
                for group in self.rpc(
                    role, "perf.review", "read_group", found_by, ["state"], ["state"]
                )
            ),
            "review.read_goals": lambda: self.rpc(
                role,
                "perf.review.line",
                "search_read",
                [("review_id", "=", review)],
                ["target_value"],
            ),
            "review.read_checkins": lambda: self.rpc(
                role,
                "perf.checkin",
                "search_read",
                [("review_id", "=", review)],
                ["value"],
            ),
            "review.read_attachment": lambda: self.rpc(
                role, "ir.attachment", "read", [self.attachment.id], ["name"]
            ),
            "review.read_chatter": lambda: self.rpc(
                role,
                "mail.message",
                "search_read",
                [("model", "=", "perf.review"), ("res_id", "=", review)],
                ["body"],
            ),
            "review.message_post": lambda: self.rpc(
                role, "perf.review", "message_post", [review], body="A word"
            ),
            "review.read_result": lambda: self.rpc(
                role, "perf.review", "read", [review], ["final_score"]
            )[0]["final_score"],
            "review.search_result": lambda: self.rpc(
                role,
                "perf.review",
                "search_count",
                [*found_by, ("final_score", ">", 0)],
            ),
            "review.group_result": lambda: sum(
                group["final_score"] or 0
                for group in self.rpc(
                    role,
                    "perf.review",
                    "read_group",
                    found_by,
                    ["final_score:sum"],
                    ["final_grade_id"],
                )
            ),
            "review.export_result": lambda: self.rpc(
                role, "perf.review", "export_data", [review], ["final_score"]
            )["datas"][0][0],
            "review.read_calibration": lambda: self.rpc(
                role, "perf.review", "read", [review], ["grade_id", "calibration_note"]
            )[0]["grade_id"],
            "review.write_goal": lambda: self.rpc(
                role,
                "perf.review.line",
                "write",
                self.review.line_ids[:1].ids,
                {"target_value": 120},
            ),
            "review.write_state": lambda: self.rpc(
                role, "perf.review", "write", [review], {"state": "published"}
            ),
            "review.write_score": lambda: self.rpc(
                role, "perf.review", "write", [review], {"final_score": 100}
            ),
            "review.write_people": lambda: self.rpc(
                role,
                "perf.review",
                "write",
                [review],
                {"manager_user_id": self.uids["colleague"]},
            ),
            "review.write_calibrated_grade": lambda: self.rpc(
                role,
                "perf.review",
                "write",
                [review],
                {"calibrated_grade_id": self.grade_b.id, "calibration_note": "Quota"},
            ),
            "review.read_approvals": lambda: self._search(
                role, "perf.review.approval", [("review_id", "=", review)]
            ),
            "review.read_activities": lambda: self._search(
                role,
                "mail.activity",
                [("res_model", "=", "perf.review"), ("res_id", "=", review)],
            ),
            "review.activity_schedule": lambda: self.rpc(
                role,
                "mail.activity",
                "create",
                {
                    "res_model_id": self.env["ir.model"]._get_id("perf.review"),
                    "res_id": review,
                    "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                    "summary": "Matrix",
                    "user_id": self.uids["manager"],
                },
            ),
            "review.create_objective": lambda: self.rpc(
                role,
                "perf.objective",
                "create",
                {"review_id": review, "name": "Matrix objective", "weight": 0},
            ),
            "review.create_checkin": lambda: self.rpc(
                role,
                "perf.checkin",
                "create",
                {
                    "review_id": review,
                    "line_id": self.review.line_ids[:1].id,
                    "value": 5,
                },
            ),
            "review.create": lambda: self.rpc(
                role,
                "perf.review",
                "create",
                {
                    "cycle_id": self.cycle.id,
                    "company_id": self.cycle.company_id.id,
                    "employee_id": self.emp.id,
                    "template_id": self.review.template_id.id,
                    "flow_id": self.review.flow_id.id,
                },
            ),
            "review.unlink": lambda: self.rpc(role, "perf.review", "unlink", [review]),
            "review.copy": lambda: self.rpc(role, "perf.review", "copy", [review]),
            "review.action_submit_goals": lambda: self.rpc(
                role, "perf.review", "action_submit_goals", [review]
            ),
            "review.action_approve_goals": lambda: self.rpc(
                role, "perf.review", "action_approve_goals", [review]
            ),
            "review.action_nominate_peers": lambda: self.rpc(
                role,
                "perf.review",
                "action_nominate_peers",
                [review],
                users=[self.uids["colleague"]],
            ),
            "review.action_acknowledge": lambda: self.rpc(
                role, "perf.review", "action_acknowledge", [review], comment="Seen"
            ),
            "cycle.action_export_xlsx": lambda: self._exported(role),
            "rating.read_self": lambda: self._read_rating(role, "self"),
            "rating.read_manager": lambda: self._read_rating(role, "manager"),
            "rating.read_skip": lambda: self._read_rating(role, "skip_level"),
            "rating.read_designated": lambda: self._read_rating(role, "designated"),
            "rating.read_peer": lambda: self._read_rating(role, "peer"),
            "rating.read_peer_scores": lambda: self._search(
                role,
                "perf.review.rating.line",
                [("rating_id", "=", self._rating("peer").id)],
            ),
            "rating.read_peer_history": lambda: self._search(
                role,
                "perf.review.rating.event",
                [("rating_id", "=", self._rating("peer").id)],
            ),
            "rating.write_manager_score": lambda: (
                self._rating("manager")
                and self.rpc(
                    role,
                    "perf.review.rating.line",
                    "write",
                    self._rating("manager").score_line_ids[:1].ids,
                    {"score": 77, "comment": "Matrix"},
                )
            ),
            "rating.action_submit_manager": lambda: (
                self._rating("manager")
                and self.rpc(
                    role,
                    "perf.review.rating",
                    "action_submit",
                    self._rating("manager").ids,
                )
            ),
            "rating.action_reject_self": lambda: (
                self._rating("self")
                and self.rpc(
                    role,
                    "perf.review.rating",
                    "action_reject",
                    self._rating("self").ids,
                    reason="Matrix",
                )
            ),
            "rating.write_state": lambda: (
                self._rating("self")
                and self.rpc(
                    role,
                    "perf.review.rating",
                    "write",
                    self._rating("self").ids,
                    {"state": "todo"},
                )
            ),
            "rating.create": lambda: self.rpc(
                role,
                "perf.review.rating",
                "create",
                {
                    "review_id": review,
                    "step_id": self.review.flow_id.step_ids[-1].id,
                    "role": "designated",
                    "rater_id": self.uids[role],
                },
            ),
            "rating.unlink": lambda: (
                self._rating("self")
                and self.rpc(
                    role, "perf.review.rating", "unlink", self._rating("self").ids
                )
            ),
            "rating.copy": lambda: (
                self._rating("self")
                and self.rpc(
                    role, "perf.review.rating", "copy", self._rating("self").ids
                )
            ),
            "rating.export_peer": lambda: (
                self._rating("peer")
                and self.rpc(
                    role,
                    "perf.review.rating",
                    "export_data",
                    self._rating("peer").ids,
                    ["total_score"],
                )["datas"]
            ),
            "rating.create_score_line": lambda: (
                self._rating("self")
                and self.rpc(
                    role,
                    "perf.review.rating.line",
                    "create",
                    {
                        "rating_id": self._rating("self").id,
                        "line_id": self.review.line_ids[:1].id,
                        "section": "kpi",
                        "score": 100,
                    },
                )
            ),
            "nomination.read": lambda: self._search(
                role, "perf.review.nomination", [("review_id", "=", review)]
            ),
            "calibration.read": lambda: (
                calibration
                and self.rpc(role, "perf.calibration", "read", [calibration], ["state"])
            ),
            "calibration.read_changes": lambda: self._search(
                role, "perf.review.grade.change", [("review_id", "=", review)]
            ),
            "calibration.action_submit": lambda: (
                calibration
                and self.rpc(role, "perf.calibration", "action_submit", [calibration])
            ),
            "calibration.write_state": lambda: (
                calibration
                and self.rpc(
                    role,
                    "perf.calibration",
                    "write",
                    [calibration],
                    {"state": "approved"},
                )
            ),
            "calibration.unlink": lambda: (
                calibration
                and self.rpc(role, "perf.calibration", "unlink", [calibration])
            ),
            "cycle.action_launch": lambda: self.rpc(
                role, "perf.cycle", "action_launch", [self.cycle.id]
            ),
            "cycle.unlink": lambda: self.rpc(
                role, "perf.cycle", "unlink", [self.cycle.id]
            ),
            "cycle.archive": lambda: self.rpc(
                role, "perf.cycle", "action_archive", [self.cycle.id]
            ),
            "cycle.write_recurrence": lambda: self.rpc(
                role, "perf.cycle", "write", [self.cycle.id], {"recurrence": "monthly"}
            ),
            "cycle.action_prepare_next_cycle": lambda: self.rpc(
                role, "perf.cycle", "action_prepare_next_cycle", [self.cycle.id]
            ),
            "config.write_template": lambda: self.rpc(
                role,
                "perf.template",
                "write",
                self.review.template_id.ids,
                {"description": "<p>Matrix</p>"},
            ),
            "config.write_flow": lambda: self.rpc(
                role,
                "perf.flow",
                "write",
                self.review.flow_id.ids,
                {"description": "Matrix"},
            ),
            "cycle.read": lambda: self.rpc(
                role, "perf.cycle", "read", [self.cycle.id], ["name"]
            ),
            "cycle.action_publish": lambda: self.rpc(
                role, "perf.cycle", "action_publish", [self.cycle.id]
            ),
            "cycle.open_hr_export": lambda: self._open_export("hr", role),
            "attachment.find_workbook": lambda: self._find_workbook(role),
        }
        return checks[name]

    def _search(self, role, model, domain):
        """Every existing record of ``domain`` is found by ``role``."""
        total = self.env[model].sudo().search_count(domain)
        found = self.rpc(role, model, "search_count", domain)
        return total and found == total

    def _read_rating(self, role, kind):
        rating = self._rating(kind)
        return rating and self.rpc(
            role, "perf.review.rating", "read", rating.ids, ["total_score"]
        )

    def _exported(self, role):
        """``role`` exports the cycle and finds the employee in the file."""
        return self._open_export(role, role)

    def _http_get(self, role, url):
        """GET ``url`` with ``role``'s browser session."""
        self.calls += 1
        if self._http_role != role:
            self.authenticate(f"matrix_{role}", f"matrix_{role}_pw")
            self._http_role = role
        return self.url_open(url, allow_redirects=False)

    def _open_export(self, maker, role):
        """``maker`` exports the cycle; ``role`` opens the link and finds the
        employee in the workbook."""
        action = self.rpc(maker, "perf.cycle", "action_export_xlsx", [self.cycle.id])
        response = self._http_get(role, action["url"])
        if response.status_code != 200:
            return False
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        names = [row[0] for row in book.worksheets[0].iter_rows(values_only=True)]
        return self.emp.name in names

    def _find_workbook(self, role):
        """Once HR exported the cycle, ``role`` finds a results workbook
        among the attachments it may read, by any field or none."""
        # Before the calibration there is nothing to export, nor to find.
        with suppress(xmlrpc.client.Fault):
            self.rpc("hr", "perf.cycle", "action_export_xlsx", [self.cycle.id])
        return self.rpc(
            role,
            "ir.attachment",
            "search_read",
            [
                ("mimetype", "like", "spreadsheetml"),
                "|",
                ("res_field", "=", False),
                ("res_field", "!=", False),
            ],
            ["datas"],
        )

    # ------------------------------------------------------------- run
    def _run_phase(self, phase):
        self.assertEqual(
            "closed" if self.cycle.state == "closed" else self.review.state,
            phase,
            "the walk did not reach the phase",
        )
        for name in MATRIX:
            for role in ROLES:
                want = expected(name, role, phase)
                try:
                    got = self.allowed(self._check(name, role))
                except Crash as crash:
                    self.crashes.append(f"{phase} / {role} / {name}: {crash}")
                    continue
                if got != want:
                    self.unexpected.append(
                        f"{phase:13} {role:10} {name:32} "
                        f"{'ALLOWED' if got else 'DENIED'} (expected "
                        f"{'allowed' if want else 'denied'})"
                    )

    def _act(self, role, model, method, *args, **kw):
        """A step of the walk, over RPC by ``role``; it must succeed."""
        result = self.rpc(role, model, method, *args, **kw)
        self.env.invalidate_all()
        return result

    def test_security_matrix(self):
        self.calls = 0
        self._http_role = None
        self.unexpected = []
        self.crashes = []
        review = self.review.id
        self._run_phase("goal_setting")
        self._act("employee", "perf.review", "action_submit_goals", [review])
        self._run_phase("goal_approval")
        self._act("manager", "perf.review", "action_approve_goals", [review])
        self._act(
            "hr",
            "perf.cycle",
            "action_start_execution",
            [self.cycle.id],
            context={"perf_force": True},
        )
        for line in self.review.line_ids:
            self._act(
                "employee",
                "perf.checkin",
                "create",
                {"review_id": review, "line_id": line.id, "value": line.target_value},
            )
        self._act(
            "employee",
            "perf.review",
            "action_nominate_peers",
            [review],
            users=[self.uids["peer"]],
        )
        self._act("manager", "perf.review", "action_approve_peers", [review])
        self._run_phase("execution")
        self._act(
            "hr",
            "perf.cycle",
            "action_start_evaluation",
            [self.cycle.id],
            context={"perf_force": True},
        )
        self._act(
            "employee", "perf.review.rating", "action_submit", self._rating("self").ids
        )
        self._act(
            "peer", "perf.review.rating", "action_submit", self._rating("peer").ids
        )
        self._run_phase("evaluation")
        for role, kind in (
            ("manager", "manager"),
            ("skip", "skip_level"),
            ("designated", "designated"),
        ):
            self._act(
                role, "perf.review.rating", "action_submit", self._rating(kind).ids
            )
        self.assertTrue(self.review.score_ready)
        self._act(
            "hr",
            "perf.cycle",
            "action_start_calibration",
            [self.cycle.id],
            context={"perf_force": True},
        )
        self._act(
            "head",
            "perf.review",
            "write",
            [review],
            {"calibrated_grade_id": self.grade_b.id, "calibration_note": "Calibrated"},
        )
        self._run_phase("calibration")
        calibration = self.review.calibration_id.id
        self._act("head", "perf.calibration", "action_submit", [calibration])
        self._act("hr", "perf.calibration", "action_approve", [calibration])
        self._act("hr", "perf.cycle", "action_publish", [self.cycle.id])
        self.env["perf.cycle"]._cron_deliver_todos()
        self._act("hr", "perf.cycle", "action_export_xlsx", [self.cycle.id])
        self._run_phase("published")
        self._act("hr", "perf.cycle", "action_close", [self.cycle.id])
        self._run_phase("closed")
        _logger.info(
            "security matrix: %s RPC calls, %s unexpected results, %s crashes",
            self.calls,
            len(self.unexpected),
            len(self.crashes),
        )
        self.assertGreaterEqual(self.calls, 300)
        self.assertFalse(self.crashes, "\n".join(crash[:300] for crash in self.crashes))
        self.assertFalse(
            self.unexpected,
            f"{len(self.unexpected)} unexpected results:\n"
            + "\n".join(self.unexpected),
        )
