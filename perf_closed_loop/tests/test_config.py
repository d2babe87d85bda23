# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import PerfCase


@tagged("post_install", "-at_install")
class TestConfiguration(PerfCase):
    """Rating scales, templates, flows and distribution policies validate
    themselves with clear messages; the default data is valid."""

    # ------------------------------------------------------------ helpers
    def _scale(self, bands, name="Test scale"):
        return self.env["perf.rating.scale"].create(
            {
                "name": name,
                "grade_ids": [
                    Command.create(
                        {
                            "code": code,
                            "name": code,
                            "min_score": low,
                            "max_score": high,
                        }
                    )
                    for code, low, high in bands
                ],
            }
        )

    def _template(self, **vals):
        values = {
            "name": "Sales 2026 H1",
            "flow_id": self.flow_full.id,
            "rating_scale_id": self.scale_5.id,
            "kpi_weight": 60,
            "okr_enabled": True,
            "okr_weight": 40,
            "kpi_line_ids": [
                Command.create({"name": "Revenue", "weight": 50, "target_value": 100}),
                Command.create(
                    {"name": "New clients", "weight": 30, "target_value": 20}
                ),
                Command.create(
                    {
                        "name": "Churn",
                        "weight": 20,
                        "target_value": 5,
                        "direction": "lower",
                        "auto_score": True,
                    }
                ),
            ],
        }
        values.update(vals)
        return self.env["perf.template"].create(values)

    def _flow(self, steps, name="Test flow"):
        return self.env["perf.flow"].create(
            {
                "name": name,
                "step_ids": [
                    Command.create(
                        {"sequence": i, "kind": kind, "actor": actor, "weight": weight}
                    )
                    for i, (kind, actor, weight) in enumerate(steps)
                ],
            }
        )

    # ------------------------------------------------------- default data
    def test_default_data(self):
        self.assertEqual(
            self.scale_5.grade_ids.mapped("code"), ["S", "A", "B", "C", "D"]
        )
        self.assertEqual(
            self.scale_5.grade_ids.mapped("coefficient"), [1.5, 1.2, 1.0, 0.8, 0.0]
        )
        self.assertEqual(
            len(self.env.ref("perf_closed_loop.rating_scale_3").grade_ids), 3
        )
        self.assertEqual(
            self.flow_full._ordered_steps().mapped("kind"),
            [
                "goal_setting",
                "goal_approval",
                "self",
                "peer",
                "manager",
                "skip_level",
                "calibration",
                "hr_approval",
            ],
        )
        self.assertEqual(self.flow_full.rating_weight_total, 100)
        self.assertEqual(self.flow_full.goal_setter, "employee")
        self.assertEqual(self.flow_light.goal_setter, "manager")
        policy = self.env.ref("perf_closed_loop.distribution_policy_default")
        quotas = {
            line.grade_id.code: (line.min_pct, line.max_pct) for line in policy.line_ids
        }
        self.assertEqual(
            quotas,
            {"S": (0, 5), "A": (0, 15), "B": (0, 70), "C": (5, 100), "D": (0, 100)},
        )

    def test_grade_for_score(self):
        grade = self.scale_5._grade_for_score
        self.assertEqual(grade(100).code, "S")
        self.assertEqual(grade(90).code, "S")
        self.assertEqual(grade(89.99).code, "A")
        self.assertEqual(grade(60).code, "B")
        self.assertEqual(grade(0).code, "D")
        self.assertEqual(grade(118).code, "S")

    # -------------------------------------------------------------- scales
    def test_scale_overlap_and_gap_name_the_grades(self):
        with self.assertRefused(
            ValidationError, "grades A / B overlap between 70 and 75[.]"
        ):
            self._scale([("A", 70, 100), ("B", 0, 75)])
        with self.assertRefused(ValidationError, "scores from 60 to 70 "):
            self._scale([("A", 70, 100), ("B", 0, 60)])
        with self.assertRefused(ValidationError, "from 59.5 to 70 "):
            self._scale([("A", 70, 100), ("B", 0, 59.5)])
        with self.assertRefused(ValidationError, "0 to 100"):
            self._scale([("A", 50, 100)])

    def test_scale_bands_moved_together_in_one_save(self):
        scale = self._scale([("A", 70, 100), ("B", 0, 70)])
        a, b = scale.grade_ids.sorted("min_score", reverse=True)
        # What the form sends: both grades updated in one write.
        scale.write(
            {
                "grade_ids": [
                    Command.update(a.id, {"min_score": 80}),
                    Command.update(b.id, {"max_score": 80}),
                ]
            }
        )
        self.assertEqual(scale._grade_for_score(75), b)
        # A grade written on its own is checked at once.
        with self.assertRefused(ValidationError, "A"):
            a.write({"min_score": 85})

    def test_scale_context_cannot_switch_checks_off(self):
        scale = self._scale([("A", 70, 100), ("B", 0, 70)])
        with self.assertRaises(ValidationError):
            scale.grade_ids[0].with_context(perf_lines_checked_by_parent=True).write(
                {"min_score": 95}
            )

    # ----------------------------------------------------------- templates
    def test_template_kpi60_okr40_saves(self):
        template = self._template()
        self.assertEqual(template.section_weight_total, 100)
        self.assertEqual(template.kpi_line_weight_total, 100)
        self.assertEqual(template.kpi_line_count, 3)

    def test_template_section_weights_must_make_100(self):
        with self.assertRefused(ValidationError, "90"):
            self._template(okr_weight=30)

    def test_template_kpi_lines_must_make_100_and_show_the_sum(self):
        template = self._template()
        with self.assertRefused(ValidationError, "90"):
            template.kpi_line_ids[0].weight = 40
        with self.assertRefused(ValidationError, "90"):
            template.write(
                {
                    "kpi_line_ids": [
                        Command.update(template.kpi_line_ids[0].id, {"weight": 40})
                    ]
                }
            )
        # The budget left to employee-added indicators completes the 100.
        template.write(
            {
                "allow_employee_indicators": True,
                "indicator_weight_budget": 10,
                "kpi_line_ids": [
                    Command.update(template.kpi_line_ids[0].id, {"weight": 40})
                ],
            }
        )
        self.assertEqual(template.kpi_line_weight_total, 90)

    def test_template_questions_and_okr_settings(self):
        with self.assertRefused(ValidationError, "80"):
            self._template(
                kpi_weight=50,
                okr_weight=30,
                question_weight=20,
                question_ids=[
                    Command.create({"name": "Teamwork", "weight": 50}),
                    Command.create({"name": "Values", "weight": 30}),
                ],
            )
        with self.assertRefused(ValidationError, "not enabled"):
            self._template(okr_enabled=False)
        with self.assertRefused(ValidationError, "OKR"):
            self._template(okr_min_objectives=3, okr_max_objectives=2)

    def test_template_form_shows_live_sums(self):
        form = Form(self.env["perf.template"].with_user(self.user_admin))
        form.name = "Engineering"
        form.kpi_weight = 60
        form.okr_enabled = True
        form.okr_weight = 40
        self.assertEqual(form.section_weight_total, 100)
        for name, weight in (("Delivery", 50), ("Quality", 30), ("Incidents", 20)):
            with form.kpi_line_ids.new() as line:
                line.name = name
                line.weight = weight
        self.assertEqual(form.kpi_line_weight_total, 100)
        template = form.save()
        self.assertEqual(template.flow_id, self.flow_full)
        self.assertEqual(template.rating_scale_id, self.scale_5)

    def test_template_copy_is_independent(self):
        template = self._template()
        copy = template.copy()
        self.assertEqual(copy.name, "Copy of Sales 2026 H1")
        self.assertEqual(len(copy.kpi_line_ids), 3)
        self.assertFalse(copy.kpi_line_ids & template.kpi_line_ids)
        copy.write(
            {
                "kpi_line_ids": [
                    Command.update(
                        copy.kpi_line_ids[0].id, {"weight": 40, "name": "Margin"}
                    ),
                    Command.update(copy.kpi_line_ids[1].id, {"weight": 40}),
                ]
            }
        )
        self.assertEqual(template.kpi_line_ids[0].name, "Revenue")
        self.assertEqual(template.kpi_line_ids.mapped("weight"), [50, 30, 20])

    # --------------------------------------------------------------- flows
    def test_flow_rules(self):
        with self.assertRefused(ValidationError, "rating step"):
            self._flow([("goal_setting", "employee", 0), ("calibration", "hr", 0)])
        with self.assertRefused(ValidationError, "before any evaluation"):
            self._flow([("self", "employee", 100), ("goal_setting", "employee", 0)])
        with self.assertRefused(ValidationError, "before HR approval"):
            self._flow(
                [
                    ("goal_setting", "employee", 0),
                    ("manager", "manager", 100),
                    ("hr_approval", "hr", 0),
                    ("calibration", "hr", 0),
                ]
            )
        with self.assertRefused(ValidationError, "90"):
            self._flow(
                [
                    ("goal_setting", "employee", 0),
                    ("self", "employee", 20),
                    ("manager", "manager", 70),
                ]
            )
        flow = self._flow(
            [
                ("goal_setting", "employee", 0),
                ("goal_approval", "manager", 0),
                ("goal_approval", "skip_level", 0),
                ("goal_approval", "department_head", 0),
                ("goal_approval", "hr", 0),
                ("self", "employee", 20),
                ("peer", "employee", 20),
                ("manager", "manager", 40),
                ("skip_level", "skip_level", 20),
                ("calibration", "department_head", 0),
                ("hr_approval", "hr", 0),
            ]
        )
        self.assertEqual(
            list(flow._goal_approval_actors()),
            ["manager", "skip_level", "department_head", "hr"],
        )
        self.assertTrue(flow.has_peer_review and flow.has_skip_level_review)

    def test_flow_step_removed_alone_is_checked(self):
        flow = self.flow_light.copy()
        self.assertEqual(flow.name, "Copy of Light process")
        with self.assertRefused(ValidationError, "rating"):
            flow.step_ids.filtered(lambda s: s.kind == "self").unlink()

    # ------------------------------------------------------------ policies
    def test_policy_rules(self):
        policy = self.env.ref("perf_closed_loop.distribution_policy_default")
        line_s = policy.line_ids.filtered(lambda line: line.grade_id.code == "S")
        with self.assertRefused(ValidationError, "S"):
            line_s.write({"min_pct": 10})
        line_c = policy.line_ids.filtered(lambda line: line.grade_id.code == "C")
        with self.assertRefused(ValidationError, "105"):
            policy.write(
                {
                    "line_ids": [
                        Command.update(line_s.id, {"min_pct": 5}),
                        Command.update(line_c.id, {"min_pct": 100}),
                    ]
                }
            )
        with self.assertRefused(ValidationError, "D"):
            policy.line_ids.filtered(lambda line: line.grade_id.code == "D").unlink()
        counts = policy._quota_counts(20)
        self.assertEqual(counts["S"][1], 1)
        self.assertEqual(counts["A"][1], 3)
        self.assertEqual(counts["C"][0], 1)
        self.assertTrue(policy._check_counts({"S": 2, "B": 18}).blocking)
        self.assertFalse(policy._check_counts({"S": 2, "B": 2}).blocking)

    # ------------------------------------------------------------- access
    def test_only_admins_configure(self):
        for user in (self.user_employee, self.user_manager, self.user_hr):
            env = self.env(user=user)
            # Everyone reads what their reviews need.
            self.assertTrue(env["perf.template"].search_read([], ["name"]) is not None)
            self.assertEqual(
                env.ref("perf_closed_loop.rating_scale_5").grade_ids[0].code, "S"
            )
            self.assertTrue(env.ref("perf_closed_loop.flow_full").step_ids)
            with self.assertRaises(AccessError):
                env["perf.template"].create({"name": "Mine", "kpi_weight": 100})
            with self.assertRaises(AccessError):
                env.ref("perf_closed_loop.flow_full").name = "Changed"
            with self.assertRaises(AccessError):
                env.ref("perf_closed_loop.rating_scale_5").grade_ids[0].coefficient = 3
            with self.assertRaises(AccessError):
                env.ref("perf_closed_loop.distribution_policy_default").unlink()
        admin_env = self.env(user=self.user_admin)
        template = admin_env["perf.template"].create(
            {
                "name": "Admin's",
                "kpi_weight": 100,
                "kpi_line_ids": [Command.create({"name": "Output", "weight": 100})],
            }
        )
        template.copy()
        admin_env.ref("perf_closed_loop.flow_light").copy()

    def test_other_company_config_is_hidden(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        template = self._template(company_id=other.id)
        env = self.env(user=self.user_employee)
        self.assertFalse(env["perf.template"].search([("id", "=", template.id)]))
        shared = self._template(company_id=False, name="Shared")
        self.assertTrue(env["perf.template"].search([("id", "=", shared.id)]))

    # -------------------------------------------------------- translations
    def test_messages_in_chinese(self):
        self._load_zh_cn()
        with self.assertRaises(ValidationError) as caught:
            self.env["perf.template"].with_context(lang="zh_CN").create(
                {"name": "中文模板", "kpi_weight": 90}
            )
        message = str(caught.exception)
        self.assertIn("90", message)
        self.assertRegex(message, "[\u4e00-\u9fff]")
        self.assertNotIn("cannot be saved", message)

    def test_shipped_grades_are_named_in_chinese(self):
        """The shipped scales' grades carry XML ids, so their names come from
        i18n/ like any data (they were English in zh_CN); an upgrade names
        grades created before, once."""
        scale = self.env.ref("perf_closed_loop.rating_scale_5")
        grade_b = self.env.ref("perf_closed_loop.rating_scale_5_grade_b")
        self.assertEqual(grade_b.scale_id, scale)
        self.assertEqual(grade_b.code, "B")
        # A database of an earlier version: the grades had no XML id.
        self.env["ir.model.data"].search(
            [("model", "=", "perf.rating.grade"), ("module", "=", "perf_closed_loop")]
        ).unlink()
        self.env["perf.rating.scale"]._name_shipped_grades()
        self.env["perf.rating.scale"]._name_shipped_grades()
        self.assertEqual(
            self.env.ref("perf_closed_loop.rating_scale_5_grade_b"), grade_b
        )
        self.assertEqual(
            self.env["ir.model.data"].search_count(
                [("model", "=", "perf.rating.grade"), ("res_id", "=", grade_b.id)]
            ),
            1,
        )
        self._load_zh_cn()
        names = scale.grade_ids.with_context(lang="zh_CN").mapped("display_name")
        self.assertIn("B – 符合期望", names)
        for name in names:
            self.assertRegex(name, "[\u4e00-\u9fff]")
