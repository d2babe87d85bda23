# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import io

import openpyxl

from odoo.tests import HttpCase, tagged

from .common import PerfResultsCase

SPREADSHEETS = [
    ("mimetype", "like", "spreadsheetml"),
    "|",
    ("res_field", "=", False),
    ("res_field", "!=", False),
]
# How far past the last attachment before the export an attacker walks ids.
WALK = 25


@tagged("post_install", "-at_install", "access_rights")
class TestExportChannels(PerfResultsCase, HttpCase):
    """HR's results workbook reaches HR and nobody else, by any route an
    employee can try from outside: the download link, the attachment routes
    of Odoo's web client (walking attachment ids), the binary-field route,
    and ``ir.attachment`` over XML-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._start_calibration()
        cls._publish_all()
        cls.user_hr_2 = cls._user(
            "perf_hr_2", "base.group_user,perf_closed_loop.group_perf_hr"
        )
        cls.user_portal = cls._user("perf_portal", "base.group_portal")
        cls.outsiders = {
            "employee (Agent 0)": cls.agents[0].user_id,
            "colleague (Agent 1)": cls.agents[1].user_id,
            "head of Support": cls.user_support_head,
            "line manager elsewhere": cls.user_manager,
            "another HR officer": cls.user_hr_2,
            "performance administrator": cls.user_admin,
            "portal user": cls.user_portal,
        }
        # Each logs in with their login as password.
        for user in cls.user_hr | cls.env["res.users"].concat(*cls.outsiders.values()):
            user.password = user.login

    def _rpc(self, user, model, method, *args, **kw):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, user.id, user.login, model, method, list(args), kw
        )

    def _get(self, user, url):
        if self._session_of != user:
            self.authenticate(user.login, user.login)
            self._session_of = user
        return self.url_open(url, allow_redirects=False)

    def _is_workbook(self, response):
        if response.status_code != 200 or not response.content.startswith(b"PK"):
            return False
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        names = [row[0] for row in book.worksheets[0].iter_rows(values_only=True)]
        return self.agents[0].name in names

    def test_hr_export_reaches_hr_only(self):
        self._session_of = None
        Attachment = self.env["ir.attachment"].sudo()
        # The highest id of all (search() leaves field attachments out).
        self.env.flush_all()
        self.env.cr.execute("SELECT max(id) FROM ir_attachment")
        last = self.env.cr.fetchone()[0]
        action = self._rpc(
            self.user_hr, "perf.cycle", "action_export_xlsx", [self.cycle.id]
        )
        self.assertTrue(self._is_workbook(self._get(self.user_hr, action["url"])))
        for role, user in self.outsiders.items():
            with self.subTest(role=role):
                self.assertEqual(self._get(user, action["url"]).status_code, 404)
                field_route = f"/web/content/perf.cycle/{self.cycle.id}/export_file"
                self.assertFalse(self._is_workbook(self._get(user, field_route)))
                for attachment_id in range(last + 1, last + WALK):
                    for route in ("/web/content/%s?download=true", "/web/image/%s"):
                        response = self._get(user, route % attachment_id)
                        self.assertFalse(
                            self._is_workbook(response), route % attachment_id
                        )
                if user.share:
                    continue  # a portal user has no XML-RPC access to attachments
                self.assertEqual(
                    self._rpc(
                        user,
                        "ir.attachment",
                        "search_read",
                        SPREADSHEETS,
                        ["name", "datas"],
                    ),
                    [],
                )
                self.assertEqual(
                    self._rpc(
                        user,
                        "ir.attachment",
                        "read_group",
                        SPREADSHEETS,
                        ["res_model"],
                        ["res_model"],
                    ),
                    [],
                )
        # By construction: no attachment holds it, under any field.
        self.assertFalse(Attachment.search(SPREADSHEETS))

    def test_each_exports_their_own_scope(self):
        """Whoever may export builds their own workbook (their scope); an
        employee has nothing to export."""
        self._session_of = None
        head = self.user_support_head
        action = self._rpc(head, "perf.cycle", "action_export_xlsx", [self.cycle.id])
        response = self._get(head, action["url"])
        self.assertEqual(response.status_code, 200)
        self.assertIn("no-store", response.headers["Cache-Control"])
        self.assertIn(".xlsx", response.headers["Content-Disposition"])
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        names = {
            row[0] for row in book["Results"].iter_rows(min_row=2, values_only=True)
        }
        self.assertEqual(names, set(self.agents.mapped("name")))
        self.assertEqual(self._get(self.user_hr, action["url"]).status_code, 404)
        employee = self.agents[0].user_id
        with self.assertRaisesRegex(Exception, "no result to export"):
            self._rpc(employee, "perf.cycle", "action_export_xlsx", [self.cycle.id])
