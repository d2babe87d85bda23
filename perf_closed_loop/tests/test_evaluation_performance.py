# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import Command
from odoo.exceptions import ValidationError
from odoo.models import INSERT_BATCH_SIZE
from odoo.tests import tagged

from ..domain import evaluation
from ..models.perf_todo_mixin import BULK_CONTEXT
from .common import PerfBulkCase


@tagged("post_install", "-at_install", "perf_performance")
class TestEvaluationPerformance(PerfBulkCase):
    """Starting the evaluation (self + manager + 2 peers each), delivering
    its to-dos and recomputing the final scores cost queries per batch,
    not per person."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.flow_peers = cls.env["perf.flow"].create(
            {
                "name": "Self, two peers, manager",
                "step_ids": [
                    Command.create({"sequence": 1, "kind": "goal_setting"}),
                    Command.create({"sequence": 10, "kind": "self", "weight": 20}),
                    Command.create(
                        {
                            "sequence": 10,
                            "kind": "peer",
                            "weight": 20,
                            "peer_min": 2,
                            "peer_max": 2,
                            "peer_nominated_by": "manager",
                        }
                    ),
                    Command.create({"sequence": 20, "kind": "manager", "weight": 60}),
                ],
            }
        )
        cls.template_okr.flow_id = cls.flow_peers

    def _in_execution(self, department, name):
        """A cycle whose reviews are in execution, two peers approved each
        (set up directly: only the start of the evaluation is measured)."""
        cycle = self._bulk_cycle(department, name)
        cycle.with_user(self.user_hr).action_launch()
        reviews = cycle.review_ids.sudo()
        users = reviews.user_id
        self.env["perf.review.nomination"].sudo().create(
            [
                {
                    "review_id": review.id,
                    "user_id": peer.id,
                    "nominated_by_id": (review.manager_user_id or self.user_hr).id,
                    "state": "approved",
                }
                for review in reviews
                for peer in (users - review.user_id)[:2]
            ]
        )
        reviews.write({"peer_state": "approved", "todo_pending": False})
        reviews._write_state({"state": "execution"})
        cycle._write_state({"state": "execution"})
        return cycle

    def test_start_evaluation_same_queries_for_10_and_100_reviews(self):
        small = self._in_execution(self.dep_small, "Small")
        big = self._in_execution(self.dep_big, "Big")
        queries_10 = self._queries_of(
            lambda: small.with_user(self.user_hr)._do_start_evaluation()
        )
        self.assertEqual(len(small.review_ids.rating_ids), 11 * 4)
        queries_100 = self._queries_of(
            lambda: big.with_user(self.user_hr)._do_start_evaluation()
        )
        ratings = big.review_ids.rating_ids
        self.assertEqual(len(ratings), 101 * 4)
        self.assertEqual(len(ratings.filtered(lambda r: r.state == "todo")), 101 * 3)
        self.assertEqual(len(ratings.score_line_ids), 101 * 3 * 2)
        # Odoo writes rows in statements of at most 100 rows
        # (INSERT_BATCH_SIZE / UPDATE_BATCH_SIZE): the 90 more reviews add
        # about a thousand rows (ratings, their scores, links), so a few
        # statements more, and nothing per review (which would be 90+).
        rows_100 = len(ratings) + len(ratings.score_line_ids)
        statements = 3 * (rows_100 // INSERT_BATCH_SIZE + 1)
        self.assertLessEqual(queries_100, queries_10 + statements)
        self.assertLess(queries_100 - queries_10, 90)

    def test_rating_todos_and_scores_same_queries_for_10_and_100(self):
        small = self._in_execution(self.dep_small, "Small")
        big = self._in_execution(self.dep_big, "Big")
        small.with_user(self.user_hr)._do_start_evaluation()
        queries_10 = self._queries_of(self.env["perf.cycle"]._cron_deliver_todos)
        big.with_user(self.user_hr)._do_start_evaluation()
        queries_100 = self._queries_of(self.env["perf.cycle"]._cron_deliver_todos)
        self.assertLessEqual(queries_100, queries_10)
        self.assertEqual(len(big.review_ids.rating_ids.activity_ids), 101 * 3)
        # Final scores of every review recomputed at once.
        recompute_10 = self._queries_of(small.review_ids._recompute_scores)
        recompute_100 = self._queries_of(big.review_ids._recompute_scores)
        self.assertLessEqual(recompute_100, recompute_10)

    def test_score_lines_inserted_as_the_orm_would(self):
        """The score lines are inserted set-based (issue 21): the rows
        carry their rating's company and the log columns, the ratings see
        them in the same transaction, and the ratings' stored totals are
        what a recompute through the ORM gives."""
        cycle = self._in_execution(self.dep_small, "Small")
        # Untidy actuals (as a script or an import leaves them): the lines
        # are read by SQL (``_indicator_rows``), NULL as the ORM reads it.
        review_lines = cycle.review_ids.line_ids
        review_lines.flush_recordset()
        self.env.cr.execute(
            """UPDATE perf_review_line
                  SET actual_value = CASE WHEN id %% 3 = 0 THEN NULL
                                          ELSE id %% 7 * 10 END,
                      progress = CASE WHEN id %% 2 = 0 THEN NULL ELSE id %% 5 * 20 END,
                      auto_score = CASE WHEN id %% 4 = 0 THEN NULL
                                        WHEN id %% 4 = 1 THEN true ELSE auto_score END
                WHERE id = ANY(%s)""",
            [review_lines.ids],
        )
        review_lines.invalidate_recordset()
        cycle.with_user(self.user_hr)._do_start_evaluation()
        ratings = cycle.review_ids.rating_ids.filtered(lambda r: r.state == "todo")
        lines = ratings.score_line_ids
        self.assertEqual(len(lines), len(ratings) * 2)
        # Each suggestion as the ORM's values of the review line give it.
        for line in lines:
            indicator = line.line_id
            try:
                expected = evaluation.suggested_score(
                    indicator.kind,
                    actual=indicator.actual_value,
                    target=indicator.target_value,
                    direction=indicator.direction,
                    auto_score=indicator.auto_score,
                    cap=indicator.score_cap,
                    progress=indicator.progress,
                    key_result_mode=indicator.review_id.template_id.key_result_mode
                    or "linear",
                )
            except ValueError:
                expected = None
            self.assertEqual(line.has_suggestion, expected is not None)
            self.assertAlmostEqual(line.suggested_score, expected or 0.0, places=2)
            self.assertEqual(line.section, indicator.kind)
        self.assertGreater(len(set(lines.mapped("suggested_score"))), 2)
        self.assertEqual(lines.company_id, ratings.company_id)
        for line in lines:
            self.assertEqual(line.company_id, line.rating_id.company_id)
            # Who created the rating (in the same transaction), as the ORM.
            self.assertEqual(line.create_uid, line.rating_id.create_uid)
            self.assertEqual(line.write_uid, line.rating_id.create_uid)
            self.assertEqual(line.create_date, line.rating_id.create_date)
            self.assertEqual(line.write_date, line.create_date)
            self.assertEqual(line.line_id.review_id, line.rating_id.review_id)
        totals = [
            "total_score",
            "kpi_score",
            "okr_score",
            "question_score",
            "scored_count",
            "line_count",
        ]
        self.env.invalidate_all()
        stored = ratings.read(totals)
        self.assertTrue(any(row["line_count"] for row in stored))
        for name in totals:
            self.env.add_to_compute(ratings._fields[name], ratings)
        ratings.flush_recordset()
        self.env.invalidate_all()
        self.assertEqual(ratings.read(totals), stored)

    def test_ratings_inserted_as_the_orm_would(self):
        """The ratings are inserted set-based (issue 21): each row holds
        what an ORM create of the same values stores (related fields, state,
        totals, log columns), every approved peer's nomination names its
        rating, and the model's constraint still refuses a rater rating
        their own review."""
        cycle = self._in_execution(self.dep_small, "Small")
        cycle.with_user(self.user_hr)._do_start_evaluation()
        ratings = cycle.review_ids.rating_ids
        self.assertEqual(len(ratings), 11 * 4)
        # As the job creates them: the HR officer's click, in sudo.
        Rating = (
            self.env["perf.review.rating"]
            .with_user(self.user_hr)
            .sudo()
            .with_context(**BULK_CONTEXT)
        )
        skip = {"id", "create_date", "write_date"}
        stored = [
            name
            for name, field in Rating._fields.items()
            if field.store and field.column_type and name not in skip
        ]
        waiting = ratings.filtered(lambda r: r.state == "waiting")
        self.assertEqual(waiting.mapped("role"), ["manager"] * 11)
        orm = Rating.create(
            [
                {
                    name: rating[name].id
                    if rating._fields[name].type == "many2one"
                    else rating[name]
                    for name in (
                        "review_id",
                        "step_id",
                        "role",
                        "sequence",
                        "weight",
                        "rater_id",
                        "anonymous",
                        "employee_visible",
                        "nomination_id",
                    )
                }
                for rating in waiting
            ]
        )
        orm.flush_recordset()  # as the job flushes it: the HR officer writes
        self.env.flush_all()
        self.env.invalidate_all()
        rows = [
            {name: row[name] for name in stored}
            for row in (waiting | orm).read(stored, load=None)
        ]
        self.assertEqual(rows[: len(waiting)], rows[len(waiting) :])
        self.assertEqual(waiting.create_uid, self.user_hr)
        self.assertTrue(all(waiting.mapped("cycle_id")))
        peers = ratings.filtered(lambda r: r.role == "peer")
        self.assertEqual(len(peers), 11 * 2)
        for rating in peers:
            self.assertEqual(rating.nomination_id.rating_id, rating)
            self.assertEqual(rating.nomination_id.user_id, rating.rater_id)
        review = cycle.review_ids[0]
        manager_step = waiting[0].step_id
        with self.assertRaisesRegex(ValidationError, "Nobody rates their own review"):
            self.env["perf.review.rating"]._create_tasks(
                [review._rating_values(manager_step, review.user_id)]
            )

    def test_score_lines_change_no_other_stored_field_but_the_totals(self):
        """The score lines are inserted without marking them modified
        (``dependants_given``): that is right only while the stored fields
        of other models depending on them are their ratings' totals and
        what depends on those (the review's scores)."""
        registry = self.env.registry
        Line = self.env["perf.review.rating.line"]
        Rating = self.env["perf.review.rating"]
        totals = [
            Rating._fields[name]
            for name in Rating._totals_values(evaluation.rating_totals([], {}))
        ]
        on_lines = {
            dependant
            for field in Line._fields.values()
            for dependant in registry.get_dependent_fields(field)
            if dependant.store
            and dependant.column_type
            and dependant.model_name != Line._name
        }
        via_totals = set(totals) | {
            dependant
            for field in totals
            for dependant in registry.get_dependent_fields(field)
        }
        self.assertIn(Rating._fields["total_score"], on_lines)
        self.assertLessEqual(on_lines, via_totals)
