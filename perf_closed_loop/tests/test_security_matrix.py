# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import base64
import csv
import functools
import io
import json
import logging
import time
import xmlrpc.client
import zipfile
from collections import Counter
from contextlib import closing, suppress
from types import SimpleNamespace

import openpyxl

from odoo import Command, http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .security_matrix import CHANNELS, MATRIX, ROLES, SECRETS, expected

_logger = logging.getLogger(__name__)

# XML-RPC fault codes of Odoo (base/controllers/rpc.py): a refusal is a
# UserError (2) or an AccessError (4); anything else (1) is a crash.
REFUSALS = (2, 3, 4)
# The same over JSON-RPC and in an HTTP route's error payload.
REFUSED = (
    "odoo.exceptions.AccessError",
    "odoo.exceptions.AccessDenied",
    "odoo.exceptions.UserError",
    "odoo.exceptions.MissingError",
    "odoo.exceptions.ValidationError",
    "werkzeug.exceptions.NotFound",
    "werkzeug.exceptions.Forbidden",
)
# The file each record gets in the walk (a 1x1 PNG, so /web/image serves it).
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQ"
    "AAAABJRU5ErkJggg=="
)
# What each rater writes (comments) and scores: the walk's secrets.
RATINGS = {
    # kind: (role of the rater, score of every line, secret)
    "self": ("employee", 71.3, "self comment"),
    "peer": ("peer", 62.7, "peer comment"),
    "manager": ("manager", 83.9, "manager comment"),
    "skip_level": ("skip", 94.1, "skip-level comment"),
    "designated": ("designated", 57.9, "designated comment"),
}
PERF_MODELS = ["perf.review", "perf.review.rating", "perf.calibration", "perf.cycle"]


class Crash(Exception):
    """A call ended in an unexpected server error (a traceback)."""


def secret_text(name):
    """The text that stands for secret ``name`` where the walk writes it."""
    return "MX-" + name.upper().replace(" ", "-").replace("'", "")


@tagged("post_install", "-at_install", "access_rights", "perf_security_matrix")
class TestSecurityMatrix(HttpCase):
    """The security matrix (``security_matrix.MATRIX``) run through the real
    HTTP server over XML-RPC and with each role's browser session, logged in
    as each role, in each phase of one employee's review: every unexpected
    allow or deny fails, and so does any secret of the walk (``SECRETS``)
    found in what a channel hands a role who may not see it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.env = env
        company = env.company
        # What the walk writes from here on is searched for secrets.
        env.cr.execute("SELECT coalesce(max(id), 0) FROM mail_message")
        cls.first_message = env.cr.fetchone()[0]
        env.cr.execute("SELECT coalesce(max(id), 0) FROM bus_bus")
        cls.first_bus = env.cr.fetchone()[0]
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
            "hr": "base.group_user,perf_closed_loop.group_perf_hr,hr.group_hr_user",
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
                # Notifications and digests land in the Discuss inbox, where
                # the channels below can try to read them.
                notification_type="inbox",
            )
        # HR belongs to the other company too (an HR officer of a group):
        # selecting only that company shows nothing of this one.
        cls.users["hr"].company_ids = [Command.link(other.id)]
        cls.users["hr_other"] = new_test_user(
            env,
            login="matrix_hr_other",
            password="matrix_hr_other_pw",
            name="Matrix hr_other",
            groups=f"base.group_user,perf_closed_loop.group_perf_hr,{export}",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
            notification_type="inbox",
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
        # The walk's scores propose B; the head calibrates to A (with a note).
        cls.grade_a = scale.grade_ids.filtered(lambda g: g.code == "A")
        cls.uids = {role: user.id for role, user in cls.users.items()}
        cls.company = company
        cls.other_company = other
        # What the walk posts, with a file, in each record's chatter:
        # {kind: {"model", "res_id", "note", "file", "attachment"}}.
        cls.planted = {}
        for kind, record in (("review", cls.review), ("cycle", cls.cycle)):
            cls._plant_in_process(kind, record, cls.users["hr"])

    @classmethod
    def _plant_in_process(cls, kind, record, user):
        message = record.with_user(user).message_post(
            body=cls._note(kind),
            attachments=[(cls._file(kind), PNG)],
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        cls.planted[kind] = cls._planted(kind, record, message.attachment_ids.id)

    @classmethod
    def _planted(cls, kind, record, attachment):
        return {
            "model": record._name,
            "res_id": record.id,
            "note": cls._note(kind),
            "file": cls._file(kind),
            "attachment": attachment,
        }

    @staticmethod
    def _note(kind):
        return f"MX-NOTE-ON-{kind.upper()}"

    @staticmethod
    def _file(kind):
        return f"mx-file-of-{kind}.png"

    # The records the walk attaches a file to and posts a note on: the
    # matrix rows' suffix, and the kind of record.
    KINDS = {
        "review": "review",
        "self_rating": "self",
        "manager_rating": "manager",
        "peer_rating": "peer",
        "calibration": "calibration",
        "cycle": "cycle",
    }

    # Checks looking for the final score or grade, in reports and exports:
    # tried once the review has a final score (calibration on).
    SCORED_ONLY = frozenset(
        {
            "report.results",
            "report.team_results",
            "report.calibration_pivot",
            "report.dashboard",
            "report.order_by_result",
            "report.group_order_having",
            "report.list_totals",
            "export.csv_http",
            "export.xlsx_grouped_http",
            "export.through_rating",
            "export.through_cycle",
            "company.switch_result",
        }
    )

    # ------------------------------------------------------------ RPC
    def _count(self):
        self.calls[self.channel] += 1

    def rpc(self, role, model, method, *args, **kw):
        self._count()
        try:
            result = self.xmlrpc_object.execute_kw(
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
        self._scan(role, result)
        return result

    def _scan(self, role, payload):
        """Whatever a check hands ``role`` is searched for the secrets they
        may not see (``_leaks``); not the walk's own steps."""
        if self.channel != "walk":
            self._leaks(role, payload)

    def _measure_vals(self):
        fields_ = self.env["ir.model.fields"]
        return {
            "name": "Matrix contacts",
            "model_id": self.env["ir.model"]._get_id("res.partner"),
            "person_field_id": fields_._get("res.partner", "user_id").id,
            "date_field_id": fields_._get("res.partner", "create_date").id,
        }

    def _matrix_measure(self):
        """A measure of the matrix's company, made once."""
        measure = self.env["perf.measure"].search([("name", "=", "Matrix measure")])
        return measure or self.env["perf.measure"].create(
            {**self._measure_vals(), "name": "Matrix measure"}
        )

    def rpc_as_hr(self, model, method, *args, **kw):
        """A step of the walk, done over RPC by the person whose turn it is."""
        return self.rpc("hr", model, method, *args, **kw)

    def allowed(self, work):
        """Run ``work`` (one check) inside a savepoint undone afterwards;
        True when it was allowed, False when refused, or {route: allowed}
        for a check trying several routes."""
        self.env.flush_all()
        with closing(self.env.cr.savepoint()):
            try:
                outcome = work()
            except xmlrpc.client.Fault:
                outcome = False
        self.env.invalidate_all()
        if isinstance(outcome, dict):
            return {route: bool(value) for route, value in outcome.items()}
        return bool(outcome)

    @staticmethod
    def _try(work):
        """``work()`` as a boolean, a refusal being False (one route of a
        check trying several)."""
        try:
            return bool(work())
        except xmlrpc.client.Fault:
            return False

    # ----------------------------------------------------------- HTTP
    def _login(self, role):
        """``role``'s browser session: opened once, kept for the whole walk
        (``authenticate`` would drop the previous role's)."""
        if self._http_role == role:
            return
        if role not in self.browsers:
            self.session = None
            self.authenticate(f"matrix_{role}", f"matrix_{role}_pw")
            self.browsers[role] = (self.opener, self.session)
        self.opener, self.session = self.browsers[role]
        self._http_role = role

    def _logout_all(self):
        for _opener, session in self.browsers.values():
            http.root.session_store.delete(session)
        self.session = None

    def _http_get(self, role, url):
        """GET ``url`` with ``role``'s browser session."""
        self._count()
        self._login(role)
        # A refused download is logged by Odoo as a warning (tier 2 fails on
        # any): the status code says it here.
        with mute_logger("odoo.http"):
            response = self.url_open(url, allow_redirects=False)
        self._check_status(response, url)
        self._scan_response(role, response)
        return response

    def _scan_response(self, role, response):
        kind = response.headers.get("Content-Type", "")
        if kind.startswith(("text/", "application/json")):
            self._scan(role, response.text)

    def _http_post(self, role, url, data):
        """POST the form ``data`` (with the session's CSRF token) as ``role``."""
        self._count()
        self._login(role)
        token = http.Request.csrf_token(
            SimpleNamespace(env=self.env, session=self.session)
        )
        with mute_logger("odoo.http", "odoo.addons.web.controllers.export"):
            response = self.url_open(
                url, data={**data, "csrf_token": token}, allow_redirects=False
            )
        self._check_status(response, url)
        self._scan_response(role, response)
        return response

    def _check_status(self, response, url):
        if response.status_code >= 500 and not any(
            name in response.text for name in REFUSED
        ):
            raise Crash(f"{url}: HTTP {response.status_code} {response.text[:300]}")

    def _json(self, role, route, **params):
        """Call the JSON route ``route`` as ``role``: its result, or None when
        refused."""
        self._count()
        self._login(role)
        with mute_logger("odoo.http"):
            response = self.url_open(
                route,
                data=json.dumps(
                    {"id": 0, "jsonrpc": "2.0", "method": "call", "params": params}
                ),
                headers={"Content-Type": "application/json"},
                allow_redirects=False,
            )
        self._check_status(response, route)
        if response.status_code != 200:
            return None
        payload = response.json()
        self._scan(role, payload)
        if "error" in payload:
            name = payload["error"].get("data", {}).get("name", "")
            if name not in REFUSED:
                raise Crash(f"{route}: {payload['error']}")
            return None
        return payload["result"]

    # --------------------------------------------------------- secrets
    def _secret_texts(self):
        """{secret: the text standing for it}, for the secrets written so far."""
        # What the raters and the head write (``RATINGS``, the walk).
        written = [secret for _role, _score, secret in RATINGS.values()]
        texts = {name: secret_text(name) for name in (*written, "calibration note")}
        for name, kind in (
            ("note on the self rating", "self"),
            ("note on the manager's rating", "manager"),
            ("note on the peer's rating", "peer"),
            ("note on the calibration", "calibration"),
        ):
            texts[name] = self._note(kind)
        texts["peer's name"] = self.users["peer"].name
        if self.review.sudo().interview_id.went_well:
            texts["interview record"] = secret_text("interview record")
        for name, kind in (("manager's total", "manager"), ("peer's total", "peer")):
            texts[name] = f"{RATINGS[kind][1]}"
        if self.review.sudo().score_ready:
            texts["final score"] = f"{self.review.sudo().final_score:.2f}"
        return texts

    def _leaks(self, role, payload, record=True):
        """The secrets ``role`` may not see now that ``payload`` (any result,
        response or text) holds; each is also a failure of the test (unless
        not ``record``)."""
        text = payload if isinstance(payload, str) else repr(payload)
        found = [
            name
            for name, secret in self.secrets.items()
            if secret in text
            and not expected(SECRETS[name], role, self.phase)
            # The peer's pages show their own name.
            and not (name == "peer's name" and role == "peer")
        ]
        for name in found if record else ():
            self.leaks.add(f"{self.phase:13} {role:10} {self.check:32} LEAK {name}")
        return found

    def _check_secrets_are_found(self):
        """The secrets are where the walk wrote them, and the search for
        them finds them: a colleague shown the ratings and the review would
        see every one of them."""
        ratings = self.review.rating_ids.sudo()
        shown = [
            ratings.read(["comment", "total_score"]),
            ratings.score_line_ids.read(["comment"]),
            self.review.sudo().read(["final_score", "calibration_note"]),
            self.review.sudo().interview_id.read(["went_well"]),
            self.env["mail.message"]
            .sudo()
            .search([("id", ">", self.first_message)])
            .read(["body", "author_id"]),
        ]
        self.assertEqual(
            sorted(self._leaks("colleague", shown, record=False)), sorted(SECRETS)
        )

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
            "review.onchange_new": lambda: self._onchange_new(role),
            "review.onchange_checkins": lambda: self._onchange_checkins(role),
            "review.onchange_target": lambda: self._onchange_value(
                role,
                "perf.checkin",
                {"line_id": self.review.line_ids[:1].id},
                ["target_value"],
            ).get("target_value"),
            "rating.onchange_new": lambda: self._onchange_rating(role),
            "rating.onchange_lines": lambda: self._onchange_lines(role),
            "calibration.onchange_new": lambda: self._onchange_calibration(role),
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
            "nomination.wizard": lambda: self._nominate_wizard(role),
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
            "config.create_measure": lambda: self.rpc(
                role, "perf.measure", "create", self._measure_vals()
            ),
            "config.write_measure": lambda: self.rpc(
                role,
                "perf.measure",
                "write",
                self._matrix_measure().ids,
                {"domain": "[('is_company', '=', True)]"},
            ),
            "config.read_measure": lambda: self.rpc(
                role, "perf.measure", "read", self._matrix_measure().ids, ["name"]
            ),
            "review.action_refresh_actuals": lambda: self.rpc(
                role, "perf.review", "action_refresh_actuals", [self.review.id]
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
            # -- attachments
            **{
                f"attachment.{row}": functools.partial(self._attachment, role, kind)
                for row, kind in self.KINDS.items()
            },
            **{
                f"attachment.{row}_http": functools.partial(
                    self._attachment_http, role, kind
                )
                for row, kind in self.KINDS.items()
            },
            # -- messages
            "message.review_http": lambda: self._review_chatter_http(role),
            **{
                f"message.{row}": functools.partial(self._message, role, kind)
                for row, kind in self.KINDS.items()
                if kind != "review"
            },
            "activity.manager_rating": lambda: self._activities(role, "manager"),
            "activity.peer_rating": lambda: self._activities(role, "peer"),
            "message.digest": lambda: self._search(
                role,
                "mail.message",
                [
                    ("message_type", "=", "user_notification"),
                    ("partner_ids", "in", self.users["employee"].partner_id.ids),
                ],
            ),
            "message.find_secrets": lambda: self._find_in_messages(role),
            "message.bus_secrets": lambda: self._find_in_bus(role),
            # -- reporting
            "report.results": lambda: self._results_reports(role),
            "report.team_results": lambda: any(
                group["__count"]
                for group in self.rpc(
                    role,
                    "perf.review",
                    "web_read_group",
                    [
                        ("user_id", "!=", self.uids[role]),
                        ("final_grade_id", "!=", False),
                        ("cycle_id", "=", self.cycle.id),
                    ],
                    ["final_score:avg"],
                    ["department_id", "final_grade_id"],
                    lazy=False,
                )["groups"]
            ),
            # The grades pivot's rows: grouped by the proposed grade (set).
            "report.calibration_pivot": lambda: self._grouped(
                role,
                [("cycle_id", "=", self.cycle.id), ("grade_id", "!=", False)],
                ["__count"],
                ["grade_id", "final_grade_id"],
                lazy=False,
            ),
            "report.dashboard": lambda: self._dashboard(role),
            "report.order_by_result": lambda: {
                f"order {order!r}": self.rpc(
                    role, "perf.review", "search", found_by, order=order
                )
                for order in ("final_score desc", "final_score\tdesc")
            },
            "report.group_order_having": lambda: self._grouped_by_result(role),
            # A list's totals are summed in the browser from these values.
            "report.list_totals": lambda: any(
                record["final_score"]
                for record in self.rpc(
                    role,
                    "perf.review",
                    "web_search_read",
                    found_by,
                    {"final_score": {}},
                )["records"]
            ),
            "report.rating_groups": lambda: self._rating_groups(role),
            "report.fields_get": lambda: self._leaks(
                role,
                self.rpc(
                    role, "perf.review", "fields_get", attributes=["string", "help"]
                ),
            ),
            # -- export
            "export.csv_http": lambda: self._export_http(role, "csv"),
            "export.xlsx_grouped_http": lambda: self._export_http(role, "xlsx"),
            "export.through_rating": lambda: (
                self._rating("self")
                and self.rpc(
                    role,
                    "perf.review.rating",
                    "export_data",
                    self._rating("self").ids,
                    ["review_id/final_score"],
                )["datas"][0][0]
            ),
            "export.through_cycle": lambda: any(
                row[0]
                for row in self.rpc(
                    role,
                    "perf.cycle",
                    "export_data",
                    [self.cycle.id],
                    ["review_ids/calibration_note"],
                )["datas"]
            ),
            "export.import_scores": lambda: self._import_scores(role),
            # -- employee profile
            "profile.read": lambda: self.rpc(
                role, "hr.employee.public", "read", self.emp.ids, ["name"]
            ),
            "profile.find_results": lambda: self._find_in_profile(role),
            "profile.history": lambda: self.rpc(
                role, "hr.employee", "action_open_perf_history", self.emp.ids
            )["domain"][0][2],
            # -- the results interview
            "interview.read": lambda: self._interview_rpc(
                role, "read", ["went_well", "to_improve"]
            ),
            "interview.search_read": lambda: self._interview_rpc(
                role, "search_read", fields=["state"]
            ),
            "interview.read_actions": lambda: self._interview_actions(role),
            "interview.write_record": lambda: self._interview_rpc(
                role, "write", {"to_improve": "Answer faster"}
            ),
            "interview.add_action": lambda: self._interview_rpc(
                role,
                "write",
                {"action_ids": [(0, 0, {"name": "Take a course"})]},
            ),
            "interview.hold": lambda: self._interview_rpc(role, "action_hold"),
            "interview.confirm": lambda: self._interview_rpc(role, "action_confirm"),
            "interview.write_state": lambda: self._interview_rpc(
                role, "write", {"state": "confirmed"}
            ),
            # -- another company
            "company.switch_review": lambda: self.rpc(
                role,
                "perf.review",
                "read",
                [review],
                ["state"],
                context=self._companies(role, switch=True),
            ),
            "company.switch_result": lambda: self.rpc(
                role,
                "perf.review",
                "read",
                [review],
                ["final_score"],
                context=self._companies(role, switch=True),
            )[0]["final_score"],
            "company.switch_peer_rating": lambda: (
                self._rating("peer")
                and self.rpc(
                    role,
                    "perf.review.rating",
                    "read",
                    self._rating("peer").ids,
                    ["total_score"],
                    context=self._companies(role, switch=True),
                )
            ),
            "company.other_only": lambda: self._other_company_only(role),
        }
        if name in self.SCORED_ONLY and not self._scored():
            return lambda: False  # nothing to find before there is a score
        return checks[name]

    def _search(self, role, model, domain):
        """Every existing record of ``domain`` is found by ``role``."""
        total = self.env[model].sudo().search_count(domain)
        found = self.rpc(role, model, "search_count", domain)
        return total and found == total

    def _onchange_new(self, role):
        """The scores the onchange of a new review computes when given the
        review's submitted ratings (by their ids, a guessable sequence)."""
        review = self.review.sudo()
        ratings = review.rating_ids.filtered(lambda r: r.state == "submitted")
        if not ratings:
            return False
        scores = ["final_score", "self_score", "manager_score", "skip_level_score"]
        value = self.rpc(
            role,
            "perf.review",
            "onchange",
            [],
            {
                "state": "evaluation",
                "flow_id": review.flow_id.id,
                "template_id": review.template_id.id,
                "rating_ids": [[6, 0, ratings.ids]],
            },
            [],
            dict.fromkeys(
                ["state", "flow_id", "template_id", "rating_ids", *scores], {}
            ),
        )["value"]
        return any(value.get(name) for name in scores)

    def _onchange_value(self, role, model, values, names):
        """The values of ``names`` the onchange of a new ``model`` record
        computes from ``values``."""
        return self.rpc(
            role,
            model,
            "onchange",
            [],
            values,
            [],
            dict.fromkeys([*values, *names], {}),
        )["value"]

    def _onchange_checkins(self, role):
        line = self.review.sudo().line_ids[:1]
        if not line.checkin_ids:
            return False
        value = self._onchange_value(
            role,
            "perf.review.rating.line",
            {"line_id": line.id},
            ["checkin_summary", "actual_value"],
        )
        return value.get("checkin_summary")

    def _onchange_rating(self, role):
        lines = self._rating("peer").sudo().score_line_ids
        if not lines:
            return False
        value = self._onchange_value(
            role,
            "perf.review.rating",
            {"review_id": self.review.id, "score_line_ids": [[6, 0, lines.ids]]},
            ["total_score"],
        )
        return value.get("total_score")

    def _onchange_lines(self, role):
        """The total the onchange of a rating ``role`` reads computes with the
        manager's score lines in it."""
        lines = self._rating("manager").sudo().score_line_ids
        user = self.users[role]
        rating = next(
            (
                rating
                for kind in ("self", "peer", "designated", "skip_level")
                if (rating := self._rating(kind).with_user(user)).has_access("read")
            ),
            None,
        )
        if not lines or not rating:
            return False
        value = self.rpc(
            role,
            "perf.review.rating",
            "onchange",
            rating.ids,
            {"score_line_ids": [[6, 0, lines.ids]]},
            ["score_line_ids"],
            {"score_line_ids": {}, "total_score": {}},
        )["value"]
        return f"{value.get('total_score')}" == f"{RATINGS['manager'][1]}"

    def _onchange_calibration(self, role):
        calibration = self.review.sudo().calibration_id
        if not calibration:
            return False
        value = self._onchange_value(
            role,
            "perf.calibration",
            {
                "review_ids": [[6, 0, self.review.ids]],
                "policy_id": calibration.policy_id.id,
            },
            ["distribution_html", "leniency_html"],
        )
        return f"{RATINGS['manager'][1]:g}" in (value.get("leniency_html") or "")

    def _nominate_wizard(self, role):
        """``role`` opens the nominate wizard on the review (creates it) and
        reads whom it shows as already nominated (once somebody is)."""
        if not self.review.sudo().nomination_ids:
            return False
        wizard = self.rpc(
            role, "perf.review.nominate", "create", {"review_id": self.review.id}
        )
        shown = self.rpc(
            role, "perf.review.nominate", "read", [wizard], ["nominated_user_ids"]
        )[0]["nominated_user_ids"]
        return self.uids["peer"] in shown

    def _read_rating(self, role, kind):
        rating = self._rating(kind)
        return rating and self.rpc(
            role, "perf.review.rating", "read", rating.ids, ["total_score"]
        )

    def _exported(self, role):
        """``role`` exports the cycle and finds the employee in the file."""
        return self._open_export(role, role)

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

    # ----------------------------------------------------- attachments
    def _attachment(self, role, kind):
        """``role`` reads the file attached to ``kind`` by its id, and finds
        it by its name."""
        planted = self.planted.get(kind)
        if not planted:
            return False
        return {
            "read by id": self._try(
                lambda: self.rpc(
                    role, "ir.attachment", "read", [planted["attachment"]], ["name"]
                )
            ),
            "search_read by name": self._try(
                lambda: self.rpc(
                    role,
                    "ir.attachment",
                    "search_read",
                    [("name", "=", planted["file"])],
                    ["res_model", "res_id"],
                )
            ),
        }

    def _attachment_http(self, role, kind):
        """``role`` downloads the file attached to ``kind`` with their
        browser session: its bytes, not a placeholder or an error. The
        review's and the peer rating's files are also asked for as a
        picture and as a zip (the same check of the record behind)."""
        planted = self.planted.get(kind)
        if not planted:
            return False
        ident = planted["attachment"]
        routes = {}
        every_route = kind in ("review", "peer")
        for route in (f"/web/content/{ident}", f"/web/image/{ident}"):
            if route.startswith("/web/image") and not every_route:
                continue
            response = self._http_get(role, route)
            routes[route] = response.status_code == 200 and response.content == PNG
        if every_route:
            response = self._http_post(
                role,
                "/mail/attachment/zip",
                {"file_ids": str(ident), "zip_name": "files.zip"},
            )
            files = []
            if response.status_code == 200 and response.content[:2] == b"PK":
                with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
                    files = [archive.read(name) for name in archive.namelist()]
            routes["/mail/attachment/zip"] = PNG in files
        return routes

    # -------------------------------------------------------- messages
    def _message(self, role, kind):
        """``role`` finds the note posted on ``kind`` by its text; for the
        peer's rating, also in its chatter over HTTP (the review's chatter
        has a row of its own)."""
        planted = self.planted.get(kind)
        if not planted:
            return False
        found = self._try(
            lambda: self.rpc(
                role,
                "mail.message",
                "search_read",
                [("body", "ilike", planted["note"])],
                ["body", "author_id", "record_name"],
            )
        )
        routes = {"search by text": found}
        if kind == "peer":
            # The chatter's own route (same search, with tracking values).
            chatter = self._json(
                role,
                "/mail/thread/messages",
                thread_model=planted["model"],
                thread_id=planted["res_id"],
            )
            routes["/mail/thread/messages"] = planted["note"] in json.dumps(chatter)
        return routes

    def _review_chatter_http(self, role):
        """The review's chatter as the web client loads it: its messages
        (with their tracking values), its files, to-dos and followers."""
        planted = self.planted["review"]
        thread = {"thread_model": "perf.review", "thread_id": self.review.id}
        messages = self._json(role, "/mail/thread/messages", **thread)
        data = self._json(
            role,
            "/mail/thread/data",
            request_list=["activities", "attachments", "followers"],
            **thread,
        )
        return {
            "/mail/thread/messages": planted["note"] in json.dumps(messages),
            "/mail/thread/data": planted["file"] in json.dumps(data),
        }

    def _activities(self, role, kind):
        """``role`` sees the to-dos on ``kind``'s rating (and who has them)."""
        rating = self._rating(kind)
        if not rating:
            return False
        domain = [("res_model", "=", rating._name), ("res_id", "=", rating.id)]
        total = self.env["mail.activity"].sudo().search_count(domain)
        if not total:
            return False
        found = self.rpc(
            role, "mail.activity", "search_read", domain, ["summary", "note", "user_id"]
        )
        return len(found) == total

    def _find_in_messages(self, role):
        """Every message (with digests) and to-do ``role`` may read since the
        walk began, searched for what they may not see."""
        messages = self._try_list(
            role,
            "mail.message",
            [("id", ">", self.first_message)],
            ["body", "subject", "record_name", "author_id", "partner_ids"],
        )
        activities = self._try_list(
            role,
            "mail.activity",
            [("res_model", "in", PERF_MODELS)],
            ["summary", "note", "res_name", "user_id"],
        )
        return self._leaks(role, [messages, activities])

    def _try_list(self, role, model, domain, fields):
        try:
            return self.rpc(role, model, "search_read", domain, fields)
        except xmlrpc.client.Fault:
            return []

    def _find_in_bus(self, role):
        """The real-time notifications sent since the walk began on a channel
        ``role`` listens to (their partner, their groups, broadcast),
        searched for what they may not see."""
        self._count()
        user = self.users[role]
        listens = {
            ("res.partner", user.partner_id.id),
            *(("res.groups", group.id) for group in user.groups_id),
        }
        payloads = []
        self.env.flush_all()
        for row in (
            self.env["bus.bus"]
            .sudo()
            .search_read([("id", ">", self.first_bus)], ["channel", "message"])
        ):
            channel = json.loads(row["channel"])
            target = tuple(channel[1:3]) if isinstance(channel, list) else channel
            if target in listens or channel in (
                "broadcast",
                [self.env.cr.dbname, "broadcast"],
            ):
                payloads.append(row["message"])
        self.bus_seen[role] += len(payloads)
        return self._leaks(role, payloads)

    # ------------------------------------------------------- reporting
    def _grouped(self, role, domain, fields, groupby, model="perf.review", **kw):
        """Whether ``read_group`` gives ``role`` a group holding records
        (False when refused)."""
        # Odoo's name of a group's record count.
        lazy = kw.get("lazy", True) and groupby
        count = f"{groupby[0]}_count" if lazy else "__count"
        return self._try(
            lambda: any(
                group[count]
                for group in self.rpc(
                    role, model, "read_group", domain, fields, groupby, **kw
                )
            )
        )

    def _results_reports(self, role):
        """The Results action's pivot (every grouping at once) and graph
        (lazy grouping), as ``role``."""
        domain = [("final_grade_id", "!=", False), ("cycle_id", "=", self.cycle.id)]
        groupby = ["department_id", "final_grade_id"]
        return {
            "pivot": self._grouped(
                role, domain, ["final_score:avg"], groupby, lazy=False
            ),
            "graph": self._grouped(role, domain, ["__count"], groupby[::-1]),
        }

    def _dashboard(self, role):
        """The cycle's dashboard shows the employee's final grade."""
        grade = self.review.sudo().final_grade_id
        html = self.rpc(role, "perf.cycle", "read", [self.cycle.id], ["results_html"])[
            0
        ]["results_html"]
        return bool(grade and html and grade.display_name in html)

    def _grouped_by_result(self, role):
        """Groups ordered by an aggregate score (lazy and not) and filtered on
        one (``having``: not reachable over RPC, tried as the user)."""
        found_by = [("id", "=", self.review.id)]
        Review = self.env["perf.review"].with_user(self.uids[role])

        def having():
            self._count()
            try:
                return Review._read_group(
                    found_by,
                    ["state"],
                    ["__count"],
                    having=[("final_score:max", ">", 0)],
                )
            except AccessError:
                return []

        order = "final_score:max desc"
        return {
            "read_group lazy, ordered by max score": self._grouped(
                role, found_by, ["__count"], ["state"], orderby=order
            ),
            "read_group eager, ordered by max score": self._grouped(
                role,
                found_by,
                ["__count"],
                ["state", "department_id"],
                orderby=order,
                lazy=False,
            ),
            "_read_group having max score": any(count for _s, count in having()),
        }

    def _scored(self):
        """Whether the review has a final score yet (``SCORED_ONLY``)."""
        return self.review.sudo().score_ready

    def _rating_groups(self, role):
        """The ratings report grouped by step and rater: the peer's group
        (the anonymous rater's name and total)."""
        domain = [("review_id", "=", self.review.id), ("role", "=", "peer")]
        fields = ["total_score:avg"]
        model = "perf.review.rating"
        return {
            "read_group eager": self._grouped(
                role, domain, fields, ["role", "rater_id"], model=model, lazy=False
            ),
            "web_read_group lazy": self._try(
                lambda: any(
                    group["rater_id_count"]
                    for group in self.rpc(
                        role, model, "web_read_group", domain, fields, ["rater_id"]
                    )["groups"]
                )
            ),
        }

    # ---------------------------------------------------------- export
    def _export_http(self, role, kind):
        """The web client's export of the review's final score: as CSV
        (selected records) or as a workbook grouped by final grade."""
        fields = [
            {"name": "employee_id", "label": "Employee", "type": "many2one"},
            {"name": "final_score", "label": "Final score", "type": "float"},
        ]
        params = {
            "model": "perf.review",
            "fields": fields,
            "ids": [self.review.id],
            "domain": [],
            "import_compat": False,
            "context": {},
        }
        if kind == "xlsx":
            params.update(
                ids=False,
                domain=[("cycle_id", "=", self.cycle.id)],
                groupby=["final_grade_id"],
            )
        response = self._http_post(
            role, f"/web/export/{kind}", {"data": json.dumps(params)}
        )
        if response.status_code != 200:
            return False
        if kind == "csv":
            cells = [
                cell
                for row in csv.reader(io.StringIO(response.content.decode()))
                for cell in row
            ]
        else:
            book = openpyxl.load_workbook(io.BytesIO(response.content))
            cells = [
                str(cell)
                for row in book.worksheets[0].iter_rows(values_only=True)
                for cell in row
                if cell is not None
            ]
        score = self.review.sudo().final_score
        return bool(score) and any(self._is_number(cell, score) for cell in cells)

    @staticmethod
    def _is_number(text, number):
        try:
            return abs(float(text) - number) < 0.005
        except ValueError:
            return False

    def _import_scores(self, role):
        """``role`` imports a final score onto the review, a score onto the
        peer's rating (``load``), and a final score through the import
        wizard (base_import): each written, or refused."""
        review = self.review.sudo()
        if not review.rating_ids:
            return False  # tried from the evaluation on, once scores exist
        line = self._rating("peer").sudo().score_line_ids[:1]
        routes = {
            "load a final score": self._try(
                lambda: self.rpc(
                    role,
                    "perf.review",
                    "load",
                    [".id", "final_score"],
                    [[str(review.id), "99"]],
                )["ids"]
            )
            and self._reread(review, "final_score") == 99,
        }
        if line:
            routes["load a peer's score"] = (
                self._try(
                    lambda: self.rpc(
                        role,
                        "perf.review.rating.line",
                        "load",
                        [".id", "score"],
                        [[str(line.id), "1"]],
                    )["ids"]
                )
                and self._reread(line, "score") == 1
            )
        wizard = self._import_wizard(role)
        if wizard:
            # The preview reads the uploaded file only: nothing from the
            # records may show in it (searched like any result).
            self._try_preview(role, wizard)
            self._try(
                lambda: self.rpc(
                    role,
                    "base_import.import",
                    "execute_import",
                    [wizard],
                    [".id", "final_score"],
                    [".id", "final_score"],
                    {"quoting": '"', "separator": ",", "has_headers": True},
                )
            )
            routes["base_import"] = self._reread(review, "final_score") == 98
        return routes

    def _reread(self, record, field):
        self.env.invalidate_all()
        return record[field]

    def _import_wizard(self, role):
        """An import (base_import) of a final score onto the review, created
        by ``role``: its id, or None when refused."""
        if "base_import.import" not in self.env:
            return None
        content = f".id,final_score\n{self.review.id},98\n"
        try:
            return self.rpc(
                role,
                "base_import.import",
                "create",
                {
                    "res_model": "perf.review",
                    "file": content,
                    "file_name": "scores.csv",
                    "file_type": "text/csv",
                },
            )
        except xmlrpc.client.Fault:
            return None

    def _try_preview(self, role, wizard):
        try:
            return self.rpc(
                role,
                "base_import.import",
                "parse_preview",
                [wizard],
                {"quoting": '"', "separator": ",", "has_headers": True},
            )
        except xmlrpc.client.Fault:
            return {}

    # ------------------------------------------------ employee profile
    def _interview_rpc(self, role, method, *args, **kw):
        """``method`` on the review's results interview by ``role``; False
        while it has none (before publication)."""
        interview = self.review.sudo().interview_id
        if not interview:
            return False
        if method == "search_read":
            return self.rpc(
                role, "perf.interview", method, [("id", "=", interview.id)], **kw
            )
        return self.rpc(role, "perf.interview", method, interview.ids, *args, **kw)

    def _interview_actions(self, role):
        if not self.review.sudo().interview_id:
            return False
        return self.rpc(
            role,
            "perf.agreed.action",
            "search_read",
            [("interview_id", "=", self.review.sudo().interview_id.id)],
            ["name"],
        )

    def _find_in_profile(self, role):
        """The employee's profile as ``role`` may read it (hr.employee with
        the employees app's HR rights, else hr.employee.public), their user
        and the org chart: a field of this add-on, or any field linking to
        the loop's records (perf.*), holding a value, or a secret."""
        models = [
            ("hr.employee", self.emp.id),
            ("hr.employee.public", self.emp.id),
            ("res.users", self.users["employee"].id),
        ]
        if not self.users[role].has_group("hr.group_hr_user"):
            models.pop(0)
        payloads = []
        found = False
        for model, ident in models:
            fields = self._profile_fields(role, model)
            try:
                values = self.rpc(role, model, "read", [ident], ["name", *fields])
            except xmlrpc.client.Fault:
                continue
            payloads.append(values)
            found |= any(values[0].get(name) for name in fields)
        if "hr_org_chart" in self.env.registry._init_modules:
            payloads.append(
                self._json(role, "/hr/get_org_chart", employee_id=self.emp.id)
            )
        return found or self._leaks(role, payloads)

    def _profile_fields(self, role, model):
        """The fields of ``model`` that ``role`` may read and that this
        add-on adds or that link to its records."""
        key = (role, model)
        if key not in self.profile_fields:
            added = (
                self.env["ir.model.data"]
                .sudo()
                .search(
                    [
                        ("model", "=", "ir.model.fields"),
                        ("module", "=", "perf_closed_loop"),
                    ]
                )
                .mapped("res_id")
            )
            ours = set(
                self.env["ir.model.fields"]
                .sudo()
                .browse(added)
                .filtered(lambda field, model=model: field.model == model)
                .mapped("name")
            )
            try:
                described = (
                    self.env[model]
                    .with_user(self.uids[role])
                    .fields_get(attributes=["type", "relation"])
                )
            except AccessError:
                described = {}
            self.profile_fields[key] = [
                name
                for name, attrs in described.items()
                if name in ours or (attrs.get("relation") or "").startswith("perf.")
            ]
        return self.profile_fields[key]

    # --------------------------------------------------- multi-company
    def _companies(self, role, switch=False):
        """A context selecting ``role``'s companies, and (``switch``) this
        company too, as the web client's company switcher does."""
        ids = self.users[role].company_ids.ids
        if switch and self.company.id not in ids:
            ids.append(self.company.id)
        return {"allowed_company_ids": ids}

    def _other_company_only(self, role):
        """With only the other company selected, anything of the review."""
        context = {"allowed_company_ids": self.other_company.ids}
        partner = self.users[role].partner_id.id
        searches = {
            "the review": ("perf.review", [("id", "=", self.review.id)]),
            "the files": ("ir.attachment", [("res_model", "in", PERF_MODELS)]),
            # Not the messages they wrote or were sent: Odoo hands those to
            # their author and recipients whatever the company selected.
            "others' messages": (
                "mail.message",
                [
                    ("model", "in", PERF_MODELS),
                    ("author_id", "!=", partner),
                    ("partner_ids", "not in", [partner]),
                    ("notification_ids", "not any", [("res_partner_id", "=", partner)]),
                ],
            ),
        }
        return {
            what: self._try(
                lambda model=model, domain=domain: self.rpc(
                    role, model, "search_count", domain, context=context
                )
            )
            for what, (model, domain) in searches.items()
        }

    # ------------------------------------------------------------- run
    def _run_phase(self, phase):
        self.assertEqual(
            "closed" if self.cycle.state == "closed" else self.review.state,
            phase,
            "the walk did not reach the phase",
        )
        self.phase = phase
        self.env.flush_all()
        self.env.cr.flush()  # the walk's real-time notifications
        self.secrets = self._secret_texts()
        # Role by role: one browser session per role and phase.
        for role in ROLES:
            for name, (_label, _allowed, channel) in MATRIX.items():
                self.check, self.channel = name, channel
                want = expected(name, role, phase)
                started = time.monotonic()
                try:
                    got = self.allowed(self._check(name, role))
                except Crash as crash:
                    # The error, at the end of the server's traceback.
                    error = str(crash).strip().splitlines()[-1]
                    self.crashes.append(f"{phase} / {role} / {name}: {error}")
                    continue
                except Exception as error:  # noqa: BLE001 - a defect of the check
                    _logger.info("%s / %s / %s", phase, role, name, exc_info=True)
                    self.crashes.append(f"{phase} / {role} / {name}: {error!r}")
                    continue
                self.seconds[name] += time.monotonic() - started
                routes = got if isinstance(got, dict) else {"": got}
                wrong = [route for route, value in routes.items() if value != want]
                if wrong:
                    self.unexpected.append(
                        f"{phase:13} {role:10} {name:32} "
                        f"{'DENIED' if want else 'ALLOWED'} (expected "
                        f"{'allowed' if want else 'denied'})"
                        + (f" by {', '.join(wrong)}" if wrong != [""] else "")
                    )
        self.channel = "walk"

    def _act(self, role, model, method, *args, **kw):
        """A step of the walk, over RPC by ``role``; it must succeed."""
        result = self.rpc(role, model, method, *args, **kw)
        self.env.invalidate_all()
        return result

    def _post(self, role, kind, record):
        """``role`` posts the note of ``kind`` with its file in ``record``'s
        chatter, over RPC (the file first, then the message, as the web
        client's chatter does)."""
        attachment = self._act(
            role,
            "ir.attachment",
            "create",
            {
                "name": self._file(kind),
                "datas": base64.b64encode(PNG).decode(),
                "res_model": record._name,
                "res_id": record.id,
            },
        )
        self._act(
            role,
            record._name,
            "message_post",
            record.ids,
            body=self._note(kind),
            attachment_ids=[attachment],
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.planted[kind] = self._planted(kind, record, attachment)

    def _rate(self, kind, submit=True):
        """The rater of ``kind`` scores every line and writes their comment
        (the walk's secrets), then submits."""
        role, score, secret = RATINGS[kind]
        rating = self._rating(kind)
        self._act(
            role,
            "perf.review.rating.line",
            "write",
            rating.score_line_ids.ids,
            {"score": score, "comment": secret_text(secret)},
        )
        self._act(
            role,
            "perf.review.rating",
            "write",
            rating.ids,
            {"comment": secret_text(secret)},
        )
        if submit:
            self._act(role, "perf.review.rating", "action_submit", rating.ids)

    def _deliver_todos(self):
        """The to-do delivery job runs (to-dos, digests, notifications)."""
        self.env["perf.cycle"]._cron_deliver_todos()
        self.env.flush_all()
        self.env.cr.flush()

    def test_security_matrix(self):
        self.calls = Counter()
        self.channel = "walk"
        self.phase, self.check = None, "walk"
        self._http_role = None
        self.browsers = {}
        self.addCleanup(self._logout_all)
        self.unexpected = []
        self.crashes = []
        self.leaks = set()
        self.bus_seen = Counter()
        self.profile_fields = {}
        self.seconds = Counter()
        self.planted = dict(self.planted)
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
        self._deliver_todos()
        # HR asks the (anonymous) peer for a word: a to-do naming the rater.
        self._act(
            "hr",
            "mail.activity",
            "create",
            {
                "res_model_id": self.env["ir.model"]._get_id("perf.review.rating"),
                "res_id": self._rating("peer").id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                "summary": "A word on your rating, please",
                "user_id": self.uids["peer"],
            },
        )
        self._post("employee", "self", self._rating("self"))
        self._rate("self")
        self._post("peer", "peer", self._rating("peer"))
        self._rate("peer")
        self._post("manager", "manager", self._rating("manager"))
        self._rate("manager", submit=False)
        self._run_phase("evaluation")
        self._act(
            "manager",
            "perf.review.rating",
            "action_submit",
            self._rating("manager").ids,
        )
        self._rate("skip_level")
        self._rate("designated")
        self.assertTrue(self.review.score_ready)
        self._act(
            "hr",
            "perf.cycle",
            "action_start_calibration",
            [self.cycle.id],
            context={"perf_force": True},
        )
        self._deliver_todos()
        self._act(
            "head",
            "perf.review",
            "write",
            [review],
            {
                "calibrated_grade_id": self.grade_a.id,
                "calibration_note": secret_text("calibration note"),
            },
        )
        self._post("head", "calibration", self.review.calibration_id)
        self._run_phase("calibration")
        calibration = self.review.calibration_id.id
        self._act("head", "perf.calibration", "action_submit", [calibration])
        self._act("hr", "perf.calibration", "action_approve", [calibration])
        self._act("hr", "perf.cycle", "action_publish", [self.cycle.id])
        self._deliver_todos()
        self._act("hr", "perf.cycle", "action_export_xlsx", [self.cycle.id])
        interview = self.review.interview_id.ids
        self._act(
            "manager",
            "perf.interview",
            "write",
            interview,
            {
                "went_well": secret_text("interview record"),
                "action_ids": [(0, 0, {"name": "Lead the next release"})],
            },
        )
        self._run_phase("published")
        self._act("manager", "perf.interview", "action_hold", interview)
        self._act("employee", "perf.interview", "action_confirm", interview)
        self._act("hr", "perf.cycle", "action_close", [self.cycle.id])
        self._run_phase("closed")
        self._check_secrets_are_found()
        self.unexpected += sorted(self.leaks)
        total = sum(self.calls.values())
        _logger.info(
            "security matrix: %s calls (%s), %s unexpected results, %s crashes",
            total,
            ", ".join(
                f"{channel} {self.calls[channel]}" for channel in (*CHANNELS, "walk")
            ),
            len(self.unexpected),
            len(self.crashes),
        )
        _logger.info(
            "security matrix: slowest checks %s",
            ", ".join(f"{n} {t:.0f}s" for n, t in self.seconds.most_common(12)),
        )
        self.assertFalse(
            self.crashes or self.unexpected,
            f"{len(self.crashes)} crashes, {len(self.unexpected)} unexpected "
            "results:\n" + "\n".join(self.crashes + self.unexpected),
        )
        # Every channel was tried, and the bus did carry notifications.
        for channel in CHANNELS:
            self.assertGreater(self.calls[channel], 0, channel)
        self.assertGreater(self.bus_seen["employee"], 0)
        self.assertGreaterEqual(total, 300)
