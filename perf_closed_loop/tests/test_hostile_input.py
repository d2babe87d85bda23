# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Hostile and broken input (issue 11, point 4).

Numbers that are NaN, infinite, negative, huge or text; empty, very long,
unicode and HTML/script text in the free-text fields (reasons, notes,
comments, blockers); weights and quotas at their limits; dates out of order.
Every case ends in a clear message (``UserError``, its subclasses
``ValidationError`` and ``AccessError``) in the user's language, or in data
stored as given and shown escaped (forms, chatter, to-dos, e-mails) — never
in a traceback (``ValueError``, ``TypeError``, ``OverflowError``, a
``psycopg2`` error) nor in a wrong value stored (NaN or an infinity in a
float column, a value no later step can use).

A SQL constraint (``_sql_constraints``) counts as a clear message: an RPC
caller (the web client) gets it as a ``ValidationError`` "The operation
cannot be completed: <the constraint's message>", in its language
(``odoo.service.model._as_validation_error``); ``assertClearRefusal`` checks
that message. Other database errors (``integer out of range`` …) do not.
"""

import io
from contextlib import contextmanager

import openpyxl
import psycopg2
from markupsafe import escape

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.service.model import _as_validation_error
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import PerfEvalCase, PerfOrgCase, PerfResultsCase

NAN = float("nan")
INF = float("inf")
HUGE = 1e308
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
UNICODE = "目标 Ünïcödé ✓ 🚀 \u202eRTL\u202c ﷽"
LONG = "长文本 " * 20000  # 80 000 characters
BLANKS = ["   ", "\n\t ", "\u3000"]
BIG_INT = 2**31  # one past PostgreSQL's integer


class HostileMixin:
    """Assertions shared by the hostile-input tests."""

    def assertClearRefusal(self, pattern, func):
        """``func`` (then a flush) is refused with a UserError matching
        ``pattern``, or by a SQL constraint whose message (as an RPC caller
        reads it) matches ``pattern``. Anything else, an acceptance included,
        fails the test."""
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                func()
                self.env.flush_all()
        except UserError as error:
            self.assertRegex(str(error), pattern)
            return
        except psycopg2.IntegrityError as error:
            message = str(_as_validation_error(self.env, error))
            self.assertRegex(message, pattern)
            self.assertNotIn("psycopg2", message)
            return
        self.fail(f"accepted, no refusal matching {pattern!r}")

    def assertRefusedNumber(self, func):
        """``func`` storing a value that is not a usable number is refused
        with a UserError (a ValidationError included)."""
        with self.assertRaises(UserError):
            func()
            self.env.flush_all()

    def _store_raw(self, record, **values):
        """Store ``values`` in ``record``'s row with SQL, past the ORM's
        checks, as a script or an older version could have."""
        self.env.flush_all()
        for name, value in values.items():
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET %s = %s WHERE id = %s",
                    SQL.identifier(record._table),
                    SQL.identifier(name),
                    value,
                    record.id,
                )
            )
        record.invalidate_recordset(list(values))

    @contextmanager
    def _rolled_back(self):
        """What runs inside leaves nothing behind, refused or not."""
        savepoint = self.env.cr.savepoint()
        try:
            yield
        finally:
            savepoint.close(rollback=True)

    def _mark(self):
        """Ids of the last message and e-mail, for ``assertShownEscaped``."""
        Message = self.env["mail.message"].sudo()
        Mail = self.env["mail.mail"].sudo()
        return (
            Message.search([], order="id desc", limit=1).id or 0,
            Mail.search([], order="id desc", limit=1).id or 0,
        )

    def assertShownEscaped(self, mark, marker="alert(1)", text=SCRIPT):
        """Every message and e-mail since ``mark`` that shows ``marker``
        shows it escaped: no tag is left to execute; at least one shows it."""
        self.env.flush_all()
        messages = (
            self.env["mail.message"]
            .sudo()
            .search([("id", ">", mark[0]), ("body", "ilike", marker)])
        )
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("id", ">", mark[1]), ("body_html", "ilike", marker)])
        )
        bodies = [str(m.body) for m in messages] + [str(m.body_html) for m in mails]
        self.assertTrue(bodies, f"{marker} is shown nowhere")
        for body in bodies:
            self.assertNotIn("<script", body)
            self.assertNotIn("<img", body)
            if text == SCRIPT:
                self.assertIn(str(escape(SCRIPT)), body)
        return messages, mails

    def assertHtmlEscaped(self, html, text=SCRIPT):
        html = str(html or "")
        self.assertNotIn("<script", html)
        self.assertNotIn("<img", html)
        self.assertIn(str(escape(text)), html)


@tagged("post_install", "-at_install")
class TestHostileInput(HostileMixin, PerfOrgCase):
    """Configuration, cycle dates, goals, reasons in goal approval, cycle
    cancellation, to-do digests."""

    def _sales_cycle(self, **vals):
        """Sales rep (template_kpi: Revenue 60 + Tickets 40, set by the
        employee, approved by the CEO) and the Back-end (template_okr)."""
        return self._cycle(**vals)

    # ------------------------------------------------------ configuration
    def test_template_section_weight_not_a_number(self):
        template = self.template_kpi.with_user(self.user_admin)
        for value in (NAN, INF, -5.0):
            with self.subTest(kpi_weight=value):
                with self.assertRaises(ValidationError):
                    template.write({"kpi_weight": value})
                    self.env.flush_all()
        # Huge but a number: the sum is refused with its value.
        with self.assertRefused(ValidationError, "add up to"):
            template.write({"kpi_weight": HUGE})

    def test_template_kpi_line_weight_not_a_number(self):
        Template = self.env["perf.template"].with_user(self.user_admin)
        for value in (NAN, INF):
            with self.subTest(weight=value):
                with self.assertRaises(ValidationError):
                    Template.create(
                        {
                            "name": "Hostile",
                            "kpi_weight": 100,
                            "kpi_line_ids": [
                                Command.create({"name": "A", "weight": value}),
                                Command.create({"name": "B", "weight": 100}),
                            ],
                        }
                    )
                    self.env.flush_all()

    def test_template_limits_refused_with_their_message(self):
        Template = self.env["perf.template"].with_user(self.user_admin)

        def line(**vals):
            return Template.create(
                {
                    "name": "Limits",
                    "kpi_weight": 100,
                    "kpi_line_ids": [Command.create(dict({"name": "A"}, **vals))],
                }
            )

        self.assertClearRefusal("weight cannot be negative", lambda: line(weight=-10.0))
        for cap in (NAN, 99.0, 151.0):
            with self.subTest(score_cap=cap):
                self.assertClearRefusal(
                    "score cap must be between 100 and 150",
                    lambda cap=cap: line(weight=100.0, score_cap=cap),
                )

    def test_template_description_html_is_sanitized(self):
        template = self.template_kpi.with_user(self.user_admin)
        template.description = f"<p>Fine</p>{SCRIPT}{IMG}"
        self.assertIn("Fine", template.description)
        self.assertNotIn("<script", template.description)
        self.assertNotIn("onerror", template.description)

    def test_flow_step_weight_not_a_number(self):
        Flow = self.env["perf.flow"].with_user(self.user_admin)
        with self.assertRaises(ValidationError):
            Flow.create(
                {
                    "name": "NaN weight",
                    "step_ids": [
                        Command.create({"sequence": 1, "kind": "goal_setting"}),
                        Command.create({"sequence": 2, "kind": "self", "weight": NAN}),
                    ],
                }
            )
            self.env.flush_all()

    def test_flow_step_numbers_at_their_limits(self):
        step = self.flow_light.step_ids.filtered(lambda s: s.kind == "self")
        step = step.with_user(self.user_admin)
        self.assertClearRefusal(
            "comment threshold cannot be negative",
            lambda: step.write({"comment_threshold": -1.0}),
        )
        for values in (
            {"comment_threshold": NAN},
            {"deadline_days": -3},
            {"deadline_days": 3_000_000},  # no date that far: OverflowError later
        ):
            with self.subTest(values=values):
                self.assertRefusedNumber(lambda values=values: step.write(values))

    def test_integers_beyond_the_database(self):
        """An integer PostgreSQL cannot hold is refused with a message, not
        a database error."""
        peer = self.env.ref("perf_closed_loop.flow_full").step_ids.filtered(
            lambda s: s.kind == "peer"
        )
        policy = self.env.ref("perf_closed_loop.distribution_policy_default")
        for record, values in (
            (peer, {"peer_max": BIG_INT}),
            (policy, {"min_group_size": BIG_INT}),
            (self.template_okr, {"okr_max_objectives": BIG_INT}),
        ):
            with self.subTest(model=record._name, values=values):
                self.assertClearRefusal(
                    ".",
                    lambda record=record, values=values: record.with_user(
                        self.user_admin
                    ).write(values),
                )

    def test_rating_scale_grade_bounds_not_a_number(self):
        scale = self.scale_5.with_user(self.user_admin)
        with self.assertRaises(ValidationError):
            scale.write(
                {
                    "grade_ids": [
                        Command.create(
                            {
                                "code": "X",
                                "name": "Not a band",
                                "min_score": NAN,
                                "max_score": NAN,
                            }
                        )
                    ]
                }
            )
            self.env.flush_all()

    def test_rating_grade_coefficient_at_its_limits(self):
        grade = self.scale_5.grade_ids[:1].with_user(self.user_admin)
        self.assertClearRefusal(
            "coefficient cannot be negative",
            lambda: grade.write({"coefficient": -1.0}),
        )
        for value in (NAN, INF):
            with self.subTest(coefficient=value):
                self.assertRefusedNumber(
                    lambda value=value: grade.write({"coefficient": value})
                )

    def test_distribution_quotas_at_their_limits(self):
        policy = self.env.ref("perf_closed_loop.distribution_policy_default").with_user(
            self.user_admin
        )
        line = policy.line_ids[:1]
        for values in (
            {"min_pct": NAN},
            {"max_pct": INF},
            {"min_pct": -1.0},
            {"max_pct": 101.0},
            {"min_pct": 90.0, "max_pct": 10.0},
        ):
            with self.subTest(values=values):
                with self.assertRefused(ValidationError, "cannot be saved"):
                    line.write(values)
        self.assertClearRefusal(
            "group size cannot be negative",
            lambda: policy.write({"min_group_size": -1}),
        )

    # --------------------------------------------------------- cycle dates
    def test_cycle_period_out_of_order(self):
        self.assertClearRefusal(
            "must end after it starts",
            lambda: self._cycle(date_start="2026-12-31", date_end="2026-07-01"),
        )

    def test_cycle_deadlines_out_of_order(self):
        """The evaluation cannot be due before the goals, nor the goals
        after the period."""
        for values in (
            {"goal_deadline": "2026-07-15", "evaluation_deadline": "2026-07-01"},
            {"goal_deadline": "2027-03-01"},
            {"evaluation_deadline": "2027-01-15", "calibration_deadline": "2027-01-01"},
        ):
            with self.subTest(values=values):
                with self.assertRaises(UserError):
                    self._cycle(**values)
                    self.env.flush_all()

    def test_next_cycle_at_the_end_of_the_calendar(self):
        cycle = self._cycle(
            date_start="9999-07-01", date_end="9999-12-31", goal_deadline=False
        )
        with self.assertRaises(UserError):
            cycle.with_user(self.user_hr).action_prepare_next_cycle()

    # --------------------------------------------------------------- goals
    def test_goal_numbers_not_a_number_are_refused(self):
        review = self._review(self._launch(self._cycle()).cycle_id, self.emp_employee)
        Line = self.env["perf.review.line"].with_user(self.user_employee)
        Objective = self.env["perf.objective"].with_user(self.user_employee)
        for values in (
            {"weight": NAN},
            {"weight": INF},
            {"weight": 10.0, "target_value": NAN},
            {"weight": 10.0, "target_value": -INF},
        ):
            with self.subTest(values=values):
                self.assertRefusedNumber(
                    lambda values=values: Line.create(
                        dict({"review_id": review.id, "name": "Added"}, **values)
                    )
                )
        with self.subTest(objective_weight=NAN):
            self.assertRefusedNumber(
                lambda: Objective.create(
                    {"review_id": review.id, "name": "Objective", "weight": NAN}
                )
            )
        self.assertClearRefusal(
            "weight cannot be negative",
            lambda: Line.create(
                {"review_id": review.id, "name": "Negative", "weight": -20.0}
            ),
        )

    def test_goal_without_a_name_is_refused(self):
        review = self._review(self._launch(self._cycle()).cycle_id, self.emp_employee)
        Line = self.env["perf.review.line"].with_user(self.user_employee)
        for name in ("", *BLANKS):
            with self.subTest(name=name):
                self.assertClearRefusal(
                    ".",
                    lambda name=name: Line.create(
                        {"review_id": review.id, "name": name, "weight": 10}
                    ),
                )

    def test_goal_submission_with_broken_weights_is_a_message(self):
        """Weights that came in another way (SQL, an older version: the ORM
        refuses them) stop the submission with a message, never a
        traceback."""
        review = self._review(self._launch(self._cycle()).cycle_id, self.emp_sales)
        revenue = review.line_ids.filtered(lambda x: x.name == "Revenue")
        with self.assertRaises(ValidationError):
            revenue.sudo().write({"weight": NAN})
        for weight in (NAN, INF):
            with self.subTest(weight=weight):
                self._store_raw(revenue, weight=weight)
                with self.assertRefused(UserError, "cannot be submitted"):
                    review.with_user(self.user_sales).action_submit_goals()
        revenue.sudo().write({"weight": HUGE})
        with self.assertRefused(UserError, "cannot be submitted"):
            review.with_user(self.user_sales).action_submit_goals()

    def test_huge_weight_refused_in_chinese(self):
        self._load_zh_cn()
        self.user_sales.lang = "zh_CN"
        review = self._review(self._launch(self._cycle()).cycle_id, self.emp_sales)
        review.line_ids.filtered(lambda x: x.name == "Revenue").sudo().write(
            {"weight": HUGE}
        )
        with self.assertRaises(UserError) as caught:
            review.with_user(self.user_sales).with_context(
                lang="zh_CN"
            ).action_submit_goals()
        message = str(caught.exception)
        self.assertRegex(message, "[\u4e00-\u9fff]")
        self.assertIn("1e+308", message)
        self.assertNotIn("cannot be submitted", message)

    def _valid_okr_goals(self, review, name, key_result):
        """The employee's goals on template_okr with hostile texts: an
        added KPI (20 %) and one objective with one key result."""
        Line = self.env["perf.review.line"].with_user(self.user_employee)
        Line.create(
            {
                "review_id": review.id,
                "name": name,
                "description": LONG,
                "weight": 20,
                "target_value": 5,
                "unit": IMG,
            }
        )
        self.env["perf.objective"].with_user(self.user_employee).create(
            {
                "review_id": review.id,
                "name": name,
                "description": UNICODE,
                "weight": 100,
                "key_result_ids": [
                    Command.create(
                        {"name": key_result, "weight": 100, "target_value": 1}
                    )
                ],
            }
        )

    def test_goal_texts_stored_as_given_and_shown_escaped(self):
        review = self._review(self._launch(self._cycle()).cycle_id, self.emp_employee)
        self._valid_okr_goals(review, SCRIPT, UNICODE)
        line = review.line_ids.filtered(lambda x: x.name == SCRIPT)
        self.assertEqual(
            line.with_user(self.user_employee).read(["name", "description", "unit"])[0],
            {"id": line.id, "name": SCRIPT, "description": LONG, "unit": IMG},
        )
        self.assertEqual(
            review.line_ids.filtered(lambda x: x.kind == "key_result").name, UNICODE
        )
        review.with_user(self.user_employee).action_submit_goals()
        review.with_user(self.user_manager).action_approve_goals()
        self.assertEqual(review.state, "execution")
        # A goal change shows the goals before the change in the chatter.
        review.with_user(self.user_employee).action_request_goal_change(reason=UNICODE)
        line.with_user(self.user_employee).write({"target_value": 6})
        review.with_user(self.user_employee).action_submit_goals()
        mark = self._mark()
        review.with_user(self.user_manager).action_approve_goals()
        messages, _mails = self.assertShownEscaped(mark)
        self.assertIn(str(escape(IMG)), str(messages[:1].body))

    # ----------------------------------------------------- goal reasons
    def _submitted_sales_review(self):
        review = self._review(self._launch(self._cycle()).cycle_id, self.emp_sales)
        review.with_user(self.user_sales).action_submit_goals()
        self.assertEqual(review.current_approver_id, self.user_ceo)
        return review

    def test_goal_rejection_reason_stored_and_shown_escaped(self):
        review = self._submitted_sales_review()
        mark = self._mark()
        reason = f"{SCRIPT} {IMG} {UNICODE}"
        review.with_user(self.user_ceo).action_reject_goals(reason=reason)
        self.assertEqual(review.state, "goal_setting")
        self.assertShownEscaped(mark)
        approval = review.approval_ids.filtered(lambda a: a.state == "rejected")
        self.assertEqual(approval.reason, reason)
        # The to-do is plain text, escaped by the web client.
        todo = review.activity_ids.filtered(lambda a: a.user_id == self.user_sales)
        self.assertIn(reason, todo.summary)

    def test_goal_rejection_long_reason(self):
        review = self._submitted_sales_review()
        review.with_user(self.user_ceo).action_reject_goals(reason=LONG)
        approval = review.approval_ids.filtered(lambda a: a.state == "rejected")
        self.assertEqual(approval.reason, LONG)
        self.assertIn(LONG[:100], review.message_ids[:1].body)

    def test_goal_rejection_blank_reason_is_refused(self):
        review = self._submitted_sales_review()
        for reason in BLANKS:
            with self.subTest(reason=reason), self._rolled_back():
                with self.assertRaises(UserError):
                    review.with_user(self.user_ceo).action_reject_goals(reason=reason)

    def test_reason_with_a_nul_character_is_refused(self):
        """PostgreSQL stores no NUL character: a clear message, not a
        database error."""
        review = self._submitted_sales_review()
        with mute_logger("odoo.sql_db"), self.assertRaises(UserError):
            review.with_user(self.user_ceo).action_reject_goals(reason="bad\x00input")
            self.env.flush_all()

    def _reason_wizard(self, review, reason):
        """The CEO's reason window for rejecting ``review``'s goals."""
        action = review.with_user(self.user_ceo).action_reject_goals()
        return (
            self.env[action["res_model"]]
            .with_user(self.user_ceo)
            .with_context(**action["context"])
            .create({"reason": reason})
        )

    def test_reason_wizard_with_hostile_reason(self):
        review = self._submitted_sales_review()
        wizard = self._reason_wizard(review, SCRIPT)
        mark = self._mark()
        wizard.action_confirm()
        self.assertEqual(review.state, "goal_setting")
        self.assertShownEscaped(mark)

    def test_reason_wizard_blank_reason_is_refused(self):
        review = self._submitted_sales_review()
        wizard = self._reason_wizard(review, "  ")
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertEqual(review.state, "goal_approval")

    # --------------------------------------------------- cycle cancellation
    def test_cycle_cancel_reason_stored_and_shown_escaped(self):
        cycle = self._launch(self._cycle()).cycle_id
        mark = self._mark()
        cycle.with_user(self.user_hr).action_cancel(reason=SCRIPT)
        self.assertEqual(cycle.state, "cancelled")
        self.assertEqual(
            cycle.with_user(self.user_hr).read(["cancel_reason"])[0]["cancel_reason"],
            SCRIPT,
        )
        self.assertEqual(set(cycle.review_ids.mapped("cancel_reason")), {SCRIPT})
        self.assertShownEscaped(mark)

    def test_cycle_cancel_blank_reason_is_refused(self):
        cycle = self._launch(self._cycle()).cycle_id
        with self.assertRaises(UserError):
            cycle.with_user(self.user_hr).action_cancel(reason="   ")
        self.assertEqual(cycle.state, "goal_setting")

    # ---------------------------------------------------------- digests
    def test_hostile_names_escaped_in_todo_digests(self):
        """The cycle's and the employee's names reach the to-do summaries
        and the digest e-mails and inbox messages escaped."""
        self.emp_sales.name = f"Sales {IMG}"
        self.user_peer.notification_type = "inbox"
        mark = self._mark()
        cycle = self._launch(self._cycle(name=f"2026 {SCRIPT}")).cycle_id
        messages, mails = self.assertShownEscaped(mark)
        self.assertTrue(mails, "no digest e-mail")
        self.assertTrue(
            messages.filtered(lambda m: m.message_type == "user_notification"),
            "no digest in the Discuss inbox",
        )
        review = self._review(cycle, self.emp_sales)
        self.assertIn(SCRIPT, review.activity_ids.summary)
        for mail in mails:
            self.assertNotIn("onerror=alert(2)>", mail.body_html)


@tagged("post_install", "-at_install")
class TestHostileInputEvaluation(HostileMixin, PerfEvalCase):
    """Check-ins during execution, scores, comments and reasons of the
    evaluation."""

    def _revenue(self):
        return self.review.line_ids.filtered(lambda x: x.name == "Revenue")

    def _new_checkin(self, values, user=None):
        user = user or self.user_employee
        return (
            self.env["perf.checkin"]
            .with_user(user)
            .create(dict({"review_id": self.review.id}, **values))
        )

    # ----------------------------------------------------------- check-ins
    def test_checkin_value_not_a_number_is_refused(self):
        revenue = self._revenue()
        for value in (NAN, INF, -INF, "abc", "1e999"):
            with self.subTest(value=value):
                self.assertRefusedNumber(
                    lambda value=value: self._new_checkin(
                        {"line_id": revenue.id, "value": value}
                    )
                )

    def test_checkin_huge_and_negative_values_stay_usable(self):
        revenue = self._revenue()
        self._new_checkin({"line_id": revenue.id, "value": HUGE})
        self.assertEqual(revenue.progress, 100)
        self._new_checkin({"line_id": revenue.id, "value": -HUGE})
        self.assertEqual(revenue.progress, 0)
        self.assertEqual(revenue.actual_value, -HUGE)

    def test_checkin_progress_out_of_range_is_refused(self):
        revenue = self._revenue()
        for progress in (150.0, -1.0, NAN, INF):
            with self.subTest(progress=progress):
                self.assertClearRefusal(
                    "Progress goes from 0 to 100",
                    lambda progress=progress: self._new_checkin(
                        {"line_id": revenue.id, "progress": progress}
                    ),
                )

    def test_checkin_texts_stored_and_shown_escaped(self):
        revenue = self._revenue()
        mark = self._mark()
        checkin = self._new_checkin(
            {
                "line_id": revenue.id,
                "value": 95,
                "status": "at_risk",
                "blocker": SCRIPT,
                "note": f"{IMG} {UNICODE} {LONG}",
            }
        )
        self.assertEqual(
            checkin.read(["blocker", "note"])[0],
            {"id": checkin.id, "blocker": SCRIPT, "note": f"{IMG} {UNICODE} {LONG}"},
        )
        self.assertShownEscaped(mark)
        todo = self.review.activity_ids.filtered(
            lambda a: a.user_id == self.user_manager
        )
        self.assertTrue(todo, "the manager gets a to-do for a blocker")
        # Raters read the latest check-ins beside the line.
        self._start_evaluation()
        line = self._rating("self").score_line_ids.filtered(
            lambda x: x.name == "Revenue"
        )
        self.assertHtmlEscaped(line.checkin_summary)
        self.assertIn(str(escape(SCRIPT)), str(line.checkin_summary))

    def test_checkin_empty_texts(self):
        checkin = self._new_checkin(
            {"line_id": self._revenue().id, "value": 91, "blocker": "", "note": "  "}
        )
        self.assertFalse(checkin.blocker)
        self.assertEqual(checkin.note, "  ")

    def test_evaluation_starts_despite_broken_goal_numbers(self):
        """A NaN that got into a goal (SQL, an older version: the ORM refuses
        it) leaves no NaN suggested score and no traceback when the
        evaluation starts."""
        revenue = self._revenue().sudo()
        self._store_raw(revenue, actual_value=NAN, target_value=NAN)
        try:
            self._start_evaluation()
            line = self._rating("self").score_line_ids.filtered(
                lambda x: x.name == "Revenue"
            )
            suggested = line.suggested_score
            total = self._rating("self").total_score
        except UserError:
            return  # refused with a message: fine
        self.assertEqual(suggested, suggested, "NaN suggested score")
        self.assertEqual(total, total, "NaN total")

    # -------------------------------------------------------------- scores
    def test_score_not_a_number_is_refused_with_a_message(self):
        self._start_evaluation()
        teamwork = self._rating("self").score_line_ids.filtered(
            lambda x: x.name == "Teamwork"
        )
        teamwork = teamwork.with_user(self.user_employee)
        for value in (NAN, INF, -INF, "abc", "nan", "1e999", "", [1]):
            with self.subTest(score=value):
                with self.assertRefused(UserError, "is a number"):
                    teamwork.write({"score": value})

    def test_score_beyond_its_bounds_is_a_message(self):
        """A score outside 0-100 is refused when saved or when the rating is
        submitted, with the line's bounds; never a traceback (the form reads
        the rating's total right after saving)."""
        self._start_evaluation()
        rating = self._rating("self").with_user(self.user_employee)
        teamwork = rating.score_line_ids.filtered(lambda x: x.name == "Teamwork")
        for value in (200.0, -1.0, HUGE, -HUGE):
            with self.subTest(score=value):
                with self.env.cr.savepoint():
                    try:
                        teamwork.write({"score": value})
                        rating.web_read({"total_score": {}, "kpi_score": {}})
                    except UserError as error:
                        self.assertIn("100", str(error))
                        continue
                    with self.assertRefused(UserError, "between 0 and 100"):
                        rating.action_submit()

    # ------------------------------------------------------------ comments
    def test_line_comment_escaped_in_the_rating_history(self):
        self._start_evaluation()
        rating = self._give(
            self._rating("self"),
            self.user_employee,
            {"Teamwork": (80, SCRIPT)},
            comment=f"{IMG} {UNICODE}",
        )
        self.assertEqual(rating.comment, f"{IMG} {UNICODE}")
        event = rating.event_ids.filtered(lambda e: e.kind == "submitted")
        self.assertEqual(event.scores[-1]["comment"], SCRIPT)
        self.assertHtmlEscaped(event.scores_html)

    def test_peer_comments_escaped_in_the_feedback(self):
        peers = self.user_peer | self.user_peer2 | self.user_sales
        self.review.with_user(self.user_employee).action_nominate_peers(peers)
        self.review.with_user(self.user_manager).action_approve_peers()
        self._start_evaluation()
        self._give(self._rating("self"), self.user_employee, {"Teamwork": 80})
        comments = [SCRIPT, IMG, LONG]
        for peer, comment in zip(peers, comments, strict=True):
            self.env.invalidate_all()
            self._give(
                self._rating("peer", rater=peer), peer, {"Teamwork": 70}, comment
            )
        html = self.review.sudo().peer_feedback_html
        self.assertHtmlEscaped(html)
        self.assertIn(str(escape(IMG)), str(html))
        self.assertIn(LONG[:100], str(html))

    # ------------------------------------------------------------- reasons
    def _self_submitted(self):
        self._start_evaluation()
        rating = self._give(self._rating("self"), self.user_employee, {"Teamwork": 80})
        self.assertEqual(self._rating("manager").state, "todo")
        return rating

    def test_send_back_reason_stored_and_shown_escaped(self):
        rating = self._self_submitted()
        mark = self._mark()
        rating.with_user(self.user_manager).action_reject(reason=SCRIPT)
        self.assertEqual(rating.state, "todo")
        self.assertEqual(rating.send_back_reason, SCRIPT)
        self.assertEqual(rating.event_ids[:1].reason, SCRIPT)
        self.assertShownEscaped(mark)
        todo = rating.activity_ids.filtered(lambda a: a.user_id == self.user_employee)
        self.assertIn(SCRIPT, todo.summary)

    def test_send_back_blank_reason_is_refused(self):
        rating = self._self_submitted()
        with self.assertRaises(UserError):
            rating.with_user(self.user_manager).action_reject(reason="\n \t")
        self.assertEqual(rating.state, "submitted")

    def test_decline_and_cancel_reasons_stored_and_shown_escaped(self):
        peers = self.user_peer | self.user_peer2
        self.review.with_user(self.user_employee).action_nominate_peers(peers)
        self.review.with_user(self.user_manager).action_approve_peers()
        self._start_evaluation()
        self._give(self._rating("self"), self.user_employee, {"Teamwork": 80})
        declined = self._rating("peer", rater=self.user_peer)
        mark = self._mark()
        declined.with_user(self.user_peer).action_decline(reason=SCRIPT)
        self.assertEqual(declined.state, "rejected")
        self.assertEqual(declined.nomination_id.reason, SCRIPT)
        todos = self.review.activity_ids.filtered(
            lambda a: a.user_id == self.user_employee
        )
        self.assertIn(SCRIPT, " ".join(todos.mapped("summary")))
        self.assertShownEscaped(mark)
        cancelled = self._rating("peer", rater=self.user_peer2)
        cancelled.with_user(self.user_hr).action_cancel(reason=UNICODE)
        self.assertEqual(cancelled.cancel_reason, UNICODE)
        self.assertEqual(cancelled.event_ids[:1].reason, UNICODE)

    def test_cancel_and_decline_blank_reasons_are_refused(self):
        self.review.with_user(self.user_employee).action_nominate_peers(
            self.user_peer | self.user_peer2
        )
        self.review.with_user(self.user_manager).action_approve_peers()
        self._start_evaluation()
        self._give(self._rating("self"), self.user_employee, {"Teamwork": 80})
        skip_level = self._rating("skip_level").with_user(self.user_hr)
        peer = self._rating("peer", rater=self.user_peer).with_user(self.user_peer)
        for action, reason in (
            (skip_level.action_cancel, "\u3000"),
            (peer.action_decline, " "),
        ):
            with self.subTest(action=action.__name__), self._rolled_back():
                with self.assertRaises(UserError):
                    action(reason=reason)


@tagged("post_install", "-at_install")
class TestHostileInputResults(HostileMixin, PerfResultsCase):
    """Calibration notes and reasons, names in the dashboards, the export
    and the acknowledgement."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dep_support.name = f"Support {IMG}"
        cls.emp_support_head.name = f"Lead {SCRIPT}"
        cls._start_calibration()
        cls.support = cls.cycle.sudo().calibration_ids.filtered(
            lambda c: c.department_id == cls.dep_support
        )

    def _regrade(self, note):
        agents = self.agents
        commands = [
            Command.update(
                self._review_of(employee).id,
                {"calibrated_grade_id": self._grade(code).id, "calibration_note": note},
            )
            for employee, code in ((agents[0], "A"), (agents[1], "B"), (agents[2], "B"))
        ]
        self.support.with_user(self.user_support_head).write({"review_ids": commands})

    def test_calibration_note_stored_as_given(self):
        note = f"=1+1 {SCRIPT} {UNICODE} {LONG}"
        self._regrade(note)
        review = self._review_of(self.agents[0])
        self.assertEqual(
            review.with_user(self.user_support_head).read(["calibration_note"])[0][
                "calibration_note"
            ],
            note,
        )
        self.assertEqual(review.grade_change_ids[:1].note, note)
        # A different grade needs a note: blanks are no note.
        for blank in BLANKS:
            with self.subTest(note=blank):
                with self.assertRefused(UserError, "a note is required"):
                    self.support.with_user(self.user_support_head).write(
                        {
                            "review_ids": [
                                Command.update(
                                    self._review_of(self.agents[3]).id,
                                    {
                                        "calibrated_grade_id": self._grade("A").id,
                                        "calibration_note": blank,
                                    },
                                )
                            ]
                        }
                    )

    def test_names_escaped_in_the_dashboards(self):
        """Manager, department and grade names reach the calibration screen
        and the cycle's dashboard escaped."""
        self.assertHtmlEscaped(self.support.leniency_html)
        self._grade("B").sudo().code = SCRIPT
        self.env.invalidate_all()
        self.assertHtmlEscaped(self.support.distribution_html)
        results = self.cycle.with_user(self.user_hr).results_html
        self.assertHtmlEscaped(results)
        self.assertIn(str(escape(IMG)), str(results))

    def test_calibration_sent_back_reason_shown_escaped(self):
        self._regrade("Quota")
        self.support.with_user(self.user_support_head).action_submit()
        mark = self._mark()
        self.support.with_user(self.user_admin).action_reject(reason=SCRIPT)
        self.assertEqual(self.support.state, "rejected")
        self.assertEqual(self.support.hr_reason, SCRIPT)
        self.assertShownEscaped(mark)

    def test_calibration_blank_reason_is_refused(self):
        self._regrade("Quota")
        self.support.with_user(self.user_support_head).action_submit()
        with self.assertRaises(UserError):
            self.support.with_user(self.user_admin).action_reject(reason=" \n ")
        self.assertEqual(self.support.state, "submitted")

    def test_export_keeps_hostile_texts_as_text(self):
        """Texts starting with = stay text in the spreadsheet (no formula),
        in every cell: notes, names, and the grade codes of the summary."""
        self._regrade(f'=HYPERLINK("http://example.com","x") {SCRIPT}')
        self._grade("D").sudo().code = "=1+1"
        action = self.cycle.with_user(self.user_hr).action_export_xlsx()
        content = self._download(action, self.user_hr)
        book = openpyxl.load_workbook(io.BytesIO(content))
        formulas = [
            (sheet.title, cell.coordinate, cell.value)
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.data_type == "f"
        ]
        self.assertEqual(formulas, [])
        results = book["Results"]
        header = [cell.value for cell in results[1]]
        notes = [
            row[header.index("Calibration note")]
            for row in results.iter_rows(min_row=2, values_only=True)
        ]
        self.assertIn(f'=HYPERLINK("http://example.com","x") {SCRIPT}', notes)

    def test_acknowledgement_comment_stored_and_shown_escaped(self):
        self._regrade("Quota")
        for calibration in self.cycle.sudo().calibration_ids:
            calibration.with_user(calibration.calibrator_id).action_submit()
            calibration.with_user(self.user_admin).action_approve()
        self.cycle.with_user(self.user_hr).action_publish()
        self._run_todo_job()
        review = self._review_of(self.agents[0])
        self.assertEqual(review.state, "published")
        mark = self._mark()
        comment = f"{SCRIPT} {UNICODE}"
        review.with_user(self.agents[0].user_id).action_acknowledge(comment=comment)
        self.assertEqual(review.acknowledge_comment, comment)
        self.assertShownEscaped(mark)
