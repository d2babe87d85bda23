# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from math import ceil

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import PerfBulkCase, PerfOrgCase


class MeasureMixin:
    """Measures over ``res.partner`` (a base model): partners whose
    salesperson (``user_id``) is the person, placed in the period by their
    date (a date field) or their creation (a datetime)."""

    @classmethod
    def _field(cls, model, name):
        return cls.env["ir.model.fields"]._get(model, name)

    @classmethod
    def _measure(cls, name, **vals):
        values = {
            "name": name,
            "model_id": cls.env["ir.model"]._get_id("res.partner"),
            "domain": "[('is_company', '=', False)]",
            "person_field_id": cls._field("res.partner", "user_id").id,
            "date_field_id": cls._field("res.partner", "create_date").id,
            "aggregate": "count",
            "unit": "contacts",
        }
        values.update(vals)
        return cls.env["perf.measure"].with_user(cls.user_admin).create(values)

    @classmethod
    def _partners(cls, user, days, **vals):
        """Contacts of ``user`` created on ``days`` (at noon in Shanghai),
        or at the UTC instants given."""
        partners = cls.env["res.partner"].create(
            [
                {"name": f"Contact {i}", "user_id": user.id, **vals}
                for i in range(len(days))
            ]
        )
        cls.env.flush_all()
        for partner, day in zip(partners, days, strict=True):
            instant = f"{day} 04:00:00" if len(day) == 10 else day
            cls.env.cr.execute(
                "UPDATE res_partner SET create_date = %s WHERE id = %s",
                (instant, partner.id),
            )
        partners.invalidate_recordset()
        return partners


class TestMeasures(MeasureMixin, PerfOrgCase):
    """Measures over base records: definition checks, values, refresh,
    system check-ins, drill-down and who may do what."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_hr.tz = "Asia/Shanghai"
        cls.m_contacts = cls._measure("Contacts won")
        cls.m_created = cls._measure("Contacts created", domain="[]")
        cls.m_share = cls._measure(
            "Share with e-mail",
            aggregate="ratio",
            ratio_domain="[('email', '!=', False)]",
            unit="%",
        )
        cls.template = cls._measured_template(
            "Measured",
            [
                ("Contacts", 50, 4, cls.m_contacts),
                ("Created", 30, 2, cls.m_created),
                ("With e-mail", 20, 100, cls.m_share),
            ],
        )
        cls.cycle = cls._executing_cycle(
            "2026 H2 measured", cls.dep_backend, cls.template
        )
        cls.review = cls.cycle.review_ids.filtered(
            lambda r: r.employee_id == cls.emp_employee
        )
        cls.review_peer = cls.cycle.review_ids.filtered(
            lambda r: r.employee_id == cls.emp_peer
        )

    def _line(self, review, name):
        return review.line_ids.filtered(lambda x: x.name == name)

    def _system_checkins(self, review=None, line="Contacts"):
        """The system's check-ins on a line (records created by the tests
        today also count for "Created": today is in the period)."""
        return (review or self.review).checkin_ids.filtered(
            lambda c: (
                c.user_id == self.env.ref("base.user_root") and c.line_id.name == line
            )
        )

    # ---------------------------------------------------------- binding
    def test_launch_carries_the_binding(self):
        line = self._line(self.review, "Contacts")
        self.assertEqual(line.measure_id, self.m_contacts)
        self.assertEqual(self.review.measured_line_count, 3)

    # ----------------------------------------------------------- values
    def test_count_in_the_period_and_zero_for_nobody(self):
        self._partners(
            self.user_employee,
            ["2026-07-01", "2026-09-15", "2026-12-31", "2026-06-30", "2027-01-01"],
        )
        self._partners(self.user_employee, ["2026-08-01"], is_company=True)
        self.cycle.with_user(self.user_hr).action_refresh_actuals()
        self.assertEqual(self._line(self.review, "Contacts").actual_value, 3)
        # The peer has no contact: 0, not a failure, and no check-in (no
        # change from 0).
        self.assertEqual(self._line(self.review_peer, "Contacts").actual_value, 0)
        self.assertFalse(self._system_checkins(self.review_peer))

    def test_datetimes_are_compared_in_the_cycle_time_zone(self):
        """The period's days are Shanghai days (the HR officer's zone):
        from 2026-06-30 16:00 to 2026-12-31 16:00 UTC."""
        self._partners(
            self.user_employee,
            [
                "2026-06-30 15:59:59",  # 23:59 on 30 June in Shanghai: out
                "2026-06-30 16:00:00",  # midnight, 1 July: in
                "2026-12-31 15:59:59",  # 23:59 on 31 December: in
                "2026-12-31 16:00:00",  # 2027 in Shanghai: out
            ],
        )
        self.review.with_user(self.user_employee).action_refresh_actuals()
        self.assertEqual(self._line(self.review, "Created").actual_value, 2)

    def test_ratio_sum_and_average(self):
        self._partners(self.user_employee, ["2026-07-02"] * 3, email="a@example.com")
        self._partners(self.user_employee, ["2026-07-02"], color=8)
        self.review.with_user(self.user_employee).action_refresh_actuals()
        self.assertEqual(self._line(self.review, "With e-mail").actual_value, 75)
        self.m_contacts.with_user(self.user_admin).write(
            {
                "aggregate": "sum",
                "value_field_id": self._field("res.partner", "color").id,
            }
        )
        self.review.with_user(self.user_employee).action_refresh_actuals()
        self.assertEqual(self._line(self.review, "Contacts").actual_value, 8)
        self.m_contacts.with_user(self.user_admin).aggregate = "avg"
        self.review.with_user(self.user_employee).action_refresh_actuals()
        self.assertEqual(self._line(self.review, "Contacts").actual_value, 2)

    def test_employee_field_and_many2many(self):
        """A person field may name employees (a manager's direct reports),
        or several users at once (the members of a group)."""
        wide = (self.cycle.date_start.replace(year=2000), self.cycle.date_end)
        reports = self._measure(
            "Direct reports",
            model_id=self.env["ir.model"]._get_id("hr.employee"),
            domain="[]",
            person_field_id=self._field("hr.employee", "parent_id").id,
            date_field_id=self._field("hr.employee", "create_date").id,
        )
        values = reports._values(
            (self.emp_manager | self.emp_employee).ids, *wide, self.env.company
        )
        self.assertEqual(values[self.emp_manager.id], (2.0, 2))
        self.assertEqual(values[self.emp_employee.id], (0.0, 0))
        # A date field: the reports whose birthday falls in the period.
        self.emp_employee.birthday = "2026-12-31"
        self.emp_peer.birthday = "2027-01-01"
        reports.date_field_id = self._field("hr.employee", "birthday")
        values = reports._values(
            self.emp_manager.ids, self.cycle.date_start, self.cycle.date_end, False
        )
        self.assertEqual(values[self.emp_manager.id], (1.0, 1))
        groups = self._measure(
            "Groups",
            model_id=self.env["ir.model"]._get_id("res.groups"),
            domain="[]",
            person_field_id=self._field("res.groups", "users").id,
            date_field_id=self._field("res.groups", "create_date").id,
        )
        values = groups._values(self.user_employee.ids, *wide, self.env.company)
        # As many as a search of the same records finds (a many2many person
        # field counts each record once per person).
        domain = groups._records_domain(
            self.user_employee.ids, *wide, self.env.company, None
        )
        expected = self.env["res.groups"].sudo().search_count(domain)
        self.assertGreaterEqual(expected, 1)
        self.assertEqual(values[self.user_employee.id], (float(expected), expected))

    # --------------------------------------------------- system check-ins
    def test_refresh_writes_a_system_checkin_only_on_a_change(self):
        self._partners(self.user_employee, ["2026-07-03", "2026-07-04"])
        self.review.with_user(self.user_employee).action_refresh_actuals()
        checkins = self._system_checkins()
        self.assertEqual(len(checkins), 1)
        self.assertEqual(checkins.value, 2)
        self.assertEqual(checkins.user_id, self.env.ref("base.user_root"))
        self.assertIn("Contacts won", checkins.note)
        self.assertIn("2 records", checkins.note)
        line = self._line(self.review, "Contacts")
        self.assertEqual(line.progress, 50)  # 2 of 4
        # Nothing changed: no new check-in.
        self.env["perf.cycle"]._cron_refresh_actuals()
        self.assertEqual(len(self._system_checkins()), 1)
        self._partners(self.user_employee, ["2026-07-05"])
        self.env["perf.cycle"]._cron_refresh_actuals()
        self.assertEqual(len(self._system_checkins()), 2)
        self.assertEqual(line.actual_value, 3)

    def test_a_person_comments_but_does_not_type_a_measured_actual(self):
        self._partners(self.user_employee, ["2026-07-03"])
        self.review.with_user(self.user_employee).action_refresh_actuals()
        line = self._line(self.review, "Contacts")
        checkin = (
            self.env["perf.checkin"]
            .with_user(self.user_employee)
            .create(
                {
                    "review_id": self.review.id,
                    "line_id": line.id,
                    "value": 99,
                    "note": "Two more signed next week",
                }
            )
        )
        self.assertEqual(checkin.value, 1)
        self.assertEqual(line.actual_value, 1)
        with self.assertRefused(UserError, "check-ins"):
            line.with_user(self.user_employee).write({"measure_id": False})

    def test_refresh_only_during_execution_and_by_whom(self):
        with self.assertRefused(AccessError, "yours to see|check-ins"):
            self.review.with_user(self.user_peer).action_refresh_actuals()
        self.assertTrue(self.review.with_user(self.user_employee).can_refresh_actuals)
        with self.assertRefused(AccessError, "HR|yours to see"):
            self.cycle.with_user(self.user_manager).action_refresh_actuals()

    # ------------------------------------------------------- drill-down
    def test_records_open_as_the_viewer(self):
        partners = self._partners(self.user_employee, ["2026-07-03", "2026-07-04"])
        line = self._line(self.review, "Contacts").with_user(self.user_employee)
        self.assertTrue(line.can_open_measured_records)
        action = line.action_open_measured_records()
        self.assertEqual(action["res_model"], "res.partner")
        found = (
            self.env["res.partner"]
            .with_user(self.user_employee)
            .search(action["domain"])
        )
        self.assertEqual(found, partners)

    def test_no_records_for_who_may_not_read_them(self):
        """Scheduled actions are for administrators: an employee sees the
        measured number, never the records."""
        measure = self._measure(
            "Scheduled actions",
            model_id=self.env["ir.model"]._get_id("ir.cron"),
            domain="[]",
            person_field_id=self._field("ir.cron", "user_id").id,
            date_field_id=self._field("ir.cron", "nextcall").id,
        )
        line = self._line(self.review, "Contacts")
        line.sudo().measure_id = measure
        line = line.with_user(self.user_employee)
        self.assertFalse(line.can_open_measured_records)
        line.read(["actual_value", "measure_id"])
        with self.assertRefused(AccessError, "measured value"):
            line.action_open_measured_records()

    # --------------------------------------------------------- definition
    def test_a_wrong_definition_is_refused_when_saved(self):
        cases = [
            ({"domain": "[('no_such_field', '=', 1)]"}, "not valid"),
            ({"domain": "[("}, "not valid"),
            ({"domain": "__import__('os')"}, "not valid"),
            ({"person_field_id": self._field("res.partner", "parent_id").id}, "user"),
            ({"date_field_id": self._field("res.partner", "name").id}, "not a date"),
            ({"aggregate": "sum"}, "needs a field"),
            (
                {
                    "aggregate": "sum",
                    "value_field_id": self._field("res.partner", "name").id,
                },
                "not a number",
            ),
            (
                {
                    "date_field_id": self._field("res.users", "create_date").id,
                },
                "not a field of",
            ),
            ({"aggregate": "ratio", "ratio_domain": "[('x', '=', 1)]"}, "not valid"),
        ]
        for vals, pattern in cases:
            with self.subTest(vals=vals), self.assertRefused(ValidationError, pattern):
                self._measure("Wrong", **vals)

    def test_only_administrators_define_measures(self):
        for user in (self.user_employee, self.user_manager, self.user_hr):
            with self.subTest(user=user.login):
                with self.assertRefused(AccessError, "."):
                    self.env["perf.measure"].with_user(user).create(
                        {
                            "name": "Mine",
                            "model_id": self.env["ir.model"]._get_id("res.partner"),
                            "person_field_id": self._field("res.partner", "user_id").id,
                            "date_field_id": self._field(
                                "res.partner", "create_date"
                            ).id,
                        }
                    )
                with self.assertRefused(AccessError, "."):
                    self.m_contacts.with_user(user).write({"domain": "[]"})
                # Everybody reads the measure their line names.
                self.m_contacts.with_user(user).read(["name", "unit"])

    def test_test_button_shows_value_and_count(self):
        self._partners(self.user_employee, ["2026-07-03", "2026-07-04"])
        action = self.m_contacts.with_user(self.user_admin).action_open_test()
        test = (
            self.env["perf.measure.test"]
            .with_user(self.user_admin)
            .with_context(**action["context"])
            .create(
                {
                    "employee_id": self.emp_employee.id,
                    "date_start": "2026-07-01",
                    "date_end": "2026-07-03",
                }
            )
        )
        self.assertEqual((test.value, test.record_count), (1, 1))
        self.assertEqual(test.result, "1 contacts from 1 records")

    def test_a_change_mid_cycle_is_logged_on_the_measure_and_the_cycle(self):
        self.m_contacts.with_user(self.user_admin).domain = "[]"
        self.assertTrue(
            any(
                "was changed" in (body or "")
                for body in self.cycle.message_ids.mapped("body")
            )
        )
        self.assertTrue(
            any(
                "2026 H2 measured" in (body or "")
                for body in self.m_contacts.message_ids.mapped("body")
            )
        )


@tagged("post_install", "-at_install", "perf_performance")
class TestMeasurePerformance(MeasureMixin, PerfBulkCase):
    """The refresh costs queries per measure and cycle, not per person."""

    def _measured_cycle(self, department, name, template):
        cycle = self._department_cycle(name, department, template)
        cycle.with_user(self.user_hr).action_launch()
        cycle._write_state({"state": "execution"})
        cycle.review_ids._write_state({"state": "execution"})
        return cycle

    def test_same_queries_for_10_and_100_people(self):
        measures = (
            self._measure("Contacts"),
            self._measure(
                "Colours",
                aggregate="sum",
                value_field_id=self._field("res.partner", "color").id,
            ),
            self._measure(
                "Share", aggregate="ratio", ratio_domain="[('color', '>', 1)]"
            ),
        )
        template = self._measured_template(
            "Measured bulk",
            [
                (f"KPI {i}", weight, 10, measure)
                for i, (weight, measure) in enumerate(
                    zip((40, 30, 30), measures, strict=True)
                )
            ],
        )
        small = self._measured_cycle(self.dep_small, "Small", template)
        big = self._measured_cycle(self.dep_big, "Big", template)
        users = (self.dep_small | self.dep_big).member_ids.user_id

        def more_contacts():
            for i, user in enumerate(users):
                self._partners(user, ["2026-07-10"] * (1 + i % 3), color=2 + i % 5)

        more_contacts()
        # The first refresh warms the caches and sets every share to 100 %.
        (small | big)._refresh_actuals()
        more_contacts()
        queries_10 = self._queries_of(small._refresh_actuals)
        self.env.invalidate_all()
        # Odoo's ORM writes at most 100 rows per INSERT or UPDATE statement:
        # 202 check-ins (and their lines) take two statements more per
        # table than 22, and 101 reviews one more than 11. Nothing else may
        # grow with the number of people.
        batches = 3 * (ceil(202 / 100) - ceil(22 / 100)) + 1
        with self.assertQueryCount(queries_10 + batches):
            changed = big._refresh_actuals()
            self.env.flush_all()
        self.assertEqual(changed, 101 * 2)  # "Share" stays 100 %
        self.assertEqual(
            self.env["perf.checkin"].search_count(
                [("review_id", "in", big.review_ids.ids)]
            ),
            303 + 202,
        )
