# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install", "access_rights")
class TestSecurityGroups(TransactionCase):
    """The four roles form a chain and every internal user is a performance
    user, while portal users are not."""

    CHAIN = (
        "group_perf_user",
        "group_perf_manager",
        "group_perf_hr",
        "group_perf_admin",
    )

    def _group(self, name):
        return self.env.ref(f"perf_closed_loop.{name}")

    def test_each_group_implies_the_one_before(self):
        for before, group in zip(self.CHAIN, self.CHAIN[1:], strict=False):
            self.assertIn(self._group(before), self._group(group).implied_ids)
        admin_all = self._group("group_perf_admin").trans_implied_ids
        for name in self.CHAIN[:-1]:
            self.assertIn(self._group(name), admin_all)
        self.assertNotIn(
            self._group("group_perf_hr"),
            self._group("group_perf_manager").trans_implied_ids,
        )

    def test_groups_in_appraisals_category(self):
        category = self.env.ref("base.module_category_human_resources_appraisals")
        for name in self.CHAIN:
            self.assertEqual(self._group(name).category_id, category)
        in_category = self.env["res.groups"].search([("category_id", "=", category.id)])
        self.assertEqual(
            set(in_category.ids), {self._group(name).id for name in self.CHAIN}
        )
        # Selectable on the user form: a chained category becomes one
        # selection field listing the four roles.
        field = "sel_groups_" + "_".join(str(i) for i in sorted(in_category.ids))
        fields = self.env["res.users"].fields_get([field])
        self.assertIn(field, fields)
        choices = {value for value, _label in fields[field]["selection"]}
        self.assertEqual(choices, {False} | set(in_category.ids))

    def test_internal_user_is_performance_user(self):
        user = new_test_user(self.env, login="perf_internal", groups="base.group_user")
        self.assertTrue(user.has_group("perf_closed_loop.group_perf_user"))
        self.assertFalse(user.has_group("perf_closed_loop.group_perf_manager"))

    def test_portal_user_is_not_performance_user(self):
        user = new_test_user(self.env, login="perf_portal", groups="base.group_portal")
        self.assertFalse(user.has_group("perf_closed_loop.group_perf_user"))

    def test_hr_officer_gets_manager_and_user_rights(self):
        user = new_test_user(
            self.env,
            login="perf_hr_officer",
            groups="base.group_user,perf_closed_loop.group_perf_hr",
        )
        self.assertTrue(user.has_group("perf_closed_loop.group_perf_manager"))
        self.assertTrue(user.has_group("perf_closed_loop.group_perf_user"))
        self.assertFalse(user.has_group("perf_closed_loop.group_perf_admin"))

    def test_admin_user_is_performance_administrator(self):
        self.assertTrue(
            self.env.ref("base.user_admin").has_group(
                "perf_closed_loop.group_perf_admin"
            )
        )
