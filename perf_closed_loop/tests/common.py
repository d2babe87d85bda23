# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from contextlib import contextmanager

from odoo.tests import TransactionCase, new_test_user


class PerfCase(TransactionCase):
    """Users for every role, built once per class; no demo data is used."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(cls.env.context, tracking_disable=True, no_reset_password=True)
        )
        cls.user_employee = cls._user("perf_employee", "base.group_user")
        cls.user_manager = cls._user(
            "perf_manager", "base.group_user,perf_closed_loop.group_perf_manager"
        )
        cls.user_hr = cls._user(
            "perf_hr", "base.group_user,perf_closed_loop.group_perf_hr"
        )
        cls.user_admin = cls._user(
            "perf_admin", "base.group_user,perf_closed_loop.group_perf_admin"
        )
        cls.scale_5 = cls.env.ref("perf_closed_loop.rating_scale_5")
        cls.flow_full = cls.env.ref("perf_closed_loop.flow_full")
        cls.flow_light = cls.env.ref("perf_closed_loop.flow_light")

    @classmethod
    def _user(cls, login, groups, **kw):
        return new_test_user(cls.env, login=login, groups=groups, **kw)

    @classmethod
    def _load_zh_cn(cls):
        """Install zh_CN with this add-on's translations."""
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.env["ir.module.module"].search(
            [("name", "=", "perf_closed_loop")]
        )._update_translations(["zh_CN"], overwrite=True)

    @contextmanager
    def assertRefused(self, exception, pattern):
        """Like assertRaisesRegex, inside a savepoint (as Odoo's assertRaises)
        so the refused change leaves no trace in the database or cache."""
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), pattern)
