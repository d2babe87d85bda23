# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import Counter

from odoo import Command
from odoo.tests import tagged

from .common import PerfCase


@tagged("post_install", "-at_install")
class TestLaunchOrg(PerfCase):
    """One launch over a 60-person company the test builds::

        Acme (CEO)
        ├── R&D (head) ── Back-end (lead + 9), Front-end (lead + 9)
        ├── Sales (head) ── North (lead + 9), South (lead + 9)
        ├── Operations (head) ── Support (lead + 9)
        └── Finance (head + 5)

    The company gets the general template, R&D (with its teams) the
    engineering one, and one named Finance employee a third one: the most
    specific assignment wins.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Department = cls.env["hr.department"]
        Employee = cls.env["hr.employee"]
        group_user = cls.env.ref("base.group_user")
        cls.users = cls.env["res.users"].create(
            [
                {
                    "name": f"Org user {i}",
                    "login": f"perf_org_{i}",
                    "email": f"perf_org_{i}@example.com",
                    "groups_id": [Command.set(group_user.ids)],
                }
                for i in range(60)
            ]
        )
        users = iter(cls.users)
        cls.ceo = Employee.create({"name": "CEO", "user_id": next(users).id})
        cls.acme = Department.create({"name": "Acme", "manager_id": cls.ceo.id})
        # hr would make the head of a department their own manager.
        cls.ceo.write({"department_id": cls.acme.id, "parent_id": False})
        cls.teams = Department
        cls.heads = Employee
        cls.leads = Employee
        divisions = {
            "R&D": ["Back-end", "Front-end"],
            "Sales": ["North", "South"],
            "Operations": ["Support"],
            "Finance": [],
        }
        cls.divisions = {}
        for division_name, team_names in divisions.items():
            head = Employee.create(
                {"name": f"{division_name} head", "user_id": next(users).id}
            )
            division = Department.create(
                {
                    "name": division_name,
                    "parent_id": cls.acme.id,
                    "manager_id": head.id,
                }
            )
            head.write({"department_id": division.id, "parent_id": cls.ceo.id})
            cls.heads |= head
            cls.divisions[division_name] = division
            for team_name in team_names:
                lead = Employee.create(
                    {"name": f"{team_name} lead", "user_id": next(users).id}
                )
                team = Department.create(
                    {
                        "name": team_name,
                        "parent_id": division.id,
                        "manager_id": lead.id,
                    }
                )
                lead.write({"department_id": team.id, "parent_id": head.id})
                cls.leads |= lead
                cls.teams |= team
                # Members get their manager from the department, as in hr.
                Employee.create(
                    [
                        {
                            "name": f"{team_name} {i}",
                            "department_id": team.id,
                            "user_id": next(users).id,
                        }
                        for i in range(9)
                    ]
                )
        cls.finance_staff = Employee.create(
            [
                {
                    "name": f"Finance {i}",
                    "department_id": cls.divisions["Finance"].id,
                    "user_id": next(users).id,
                }
                for i in range(5)
            ]
        )
        cls.employees = Employee.search([("user_id", "in", cls.users.ids)])
        template_vals = {
            "flow_id": cls.flow_full.id,
            "kpi_weight": 100,
            "kpi_line_ids": [
                Command.create({"name": "Results", "weight": 70, "target_value": 100}),
                Command.create({"name": "Quality", "weight": 30, "target_value": 5}),
            ],
        }
        cls.template_general, cls.template_rd, cls.template_special = cls.env[
            "perf.template"
        ].create(
            [
                dict(template_vals, name="General"),
                dict(template_vals, name="Engineering", flow_id=cls.flow_full.id),
                dict(template_vals, name="Controller", flow_id=cls.flow_light.id),
            ]
        )
        cls.controller = cls.finance_staff[0]

    def _company_cycle(self):
        return (
            self.env["perf.cycle"]
            .with_user(self.user_hr)
            .create(
                {
                    "name": "Acme 2026",
                    "date_start": "2026-07-01",
                    "date_end": "2026-12-31",
                    "goal_deadline": "2026-07-20",
                    "hr_user_id": self.user_hr.id,
                    "assignment_ids": [
                        Command.create(
                            {
                                "department_ids": [Command.set(self.acme.ids)],
                                "template_id": self.template_general.id,
                            }
                        ),
                        Command.create(
                            {
                                "department_ids": [
                                    Command.set(self.divisions["R&D"].ids)
                                ],
                                "template_id": self.template_rd.id,
                            }
                        ),
                        Command.create(
                            {
                                "employee_ids": [Command.set(self.controller.ids)],
                                "template_id": self.template_special.id,
                            }
                        ),
                    ],
                }
            )
        )

    def test_org_is_as_drawn(self):
        self.assertEqual(len(self.employees), 60)
        self.assertEqual(len(self.teams), 5)
        self.assertFalse(self.ceo.parent_id)
        self.assertEqual(self.heads.parent_id, self.ceo)
        for lead in self.leads:
            self.assertIn(lead.parent_id, self.heads)
            members = self.employees.filtered(
                lambda e, lead=lead: e.department_id == lead.department_id
            )
            self.assertEqual((members - lead).parent_id, lead)

    def test_preview_then_launch_over_the_company(self):
        cycle = self._company_cycle()
        action = cycle.with_user(self.user_hr).action_preview_launch()
        preview = self.env["perf.cycle.launch"].browse(action["res_id"])
        self.assertEqual(preview.employee_count, 60)
        self.assertEqual(preview.blocking_count, 0)
        templates = Counter(line.template_id.name for line in preview.line_ids)
        self.assertEqual(
            templates, Counter({"General": 38, "Engineering": 21, "Controller": 1})
        )

        preview.with_user(self.user_hr).action_launch()
        self.assertEqual(cycle.state, "goal_setting")
        reviews = cycle.review_ids
        self.assertEqual(len(reviews), 60)
        self.assertEqual(reviews.employee_id, self.employees)
        by_employee = {review.employee_id: review for review in reviews}
        # Templates: R&D with its teams on Engineering, the named employee on
        # their own, everybody else on General.
        rd_tree = self.env["hr.department"].search(
            [("id", "child_of", self.divisions["R&D"].id)]
        )
        for employee, review in by_employee.items():
            if employee == self.controller:
                expected = self.template_special
            elif employee.department_id in rd_tree:
                expected = self.template_rd
            else:
                expected = self.template_general
            self.assertEqual(review.template_id, expected, employee.name)
            self.assertEqual(review.flow_id, expected.flow_id)
            # Snapshots of the org chart at launch.
            self.assertEqual(review.manager_id, employee.parent_id, employee.name)
            self.assertEqual(review.skip_manager_id, employee.parent_id.parent_id)
            self.assertEqual(review.department_id, employee.department_id)
            self.assertEqual(review.line_ids.mapped("name"), ["Results", "Quality"])
        # The full flow's goal approval: the manager, when there is one.
        member = self.employees.filtered(lambda e: e.name == "North 3")
        self.assertEqual(
            by_employee[member].approval_ids.approver_id,
            self.leads.filtered(lambda e: e.name == "North lead").user_id,
        )
        self.assertEqual(by_employee[member].state, "goal_setting")

        # To-dos: one per review, for the employee (full flow) or for the
        # manager (light flow: the controller's head sets the goals).
        cycle._deliver_todo_batch()
        self.assertEqual(cycle.todo_pending_count, 0)
        activities = reviews.activity_ids
        self.assertEqual(len(activities), 60)
        for employee, review in by_employee.items():
            setter = (
                employee.parent_id.user_id
                if employee == self.controller
                else employee.user_id
            )
            self.assertEqual(review.activity_ids.user_id, setter, employee.name)
            self.assertEqual(str(review.activity_ids.date_deadline), "2026-07-20")
        self.assertEqual(cycle.goals_draft_count, 60)
        self.assertEqual(cycle.review_count, 60)
        # Bulk work: one summary on the cycle, nothing on the reviews.
        self.assertFalse(
            self.env["mail.message"].search_count(
                [("model", "=", "perf.review"), ("res_id", "in", reviews.ids)]
            )
        )
        summary = cycle.message_ids.filtered(lambda m: "launched" in (m.body or ""))
        self.assertIn("60 reviews", summary.body)
