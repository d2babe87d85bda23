# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo.models import INSERT_BATCH_SIZE
from odoo.tests import tagged

from .common import PerfBulkCase


@tagged("post_install", "-at_install", "perf_performance")
class TestCalibrationPerformance(PerfBulkCase):
    """Starting the calibration, its screen, the publication, its to-dos and
    the export cost queries per batch, not per person."""

    def _evaluated(self, department, name):
        """A cycle whose reviews are evaluated: one submitted manager rating
        each, closed by HR with the ratings given (set up in bulk: only what
        follows is measured)."""
        cycle = self._bulk_cycle(department, name)
        cycle.with_user(self.user_hr).action_launch()
        reviews = cycle.review_ids.sudo()
        reviews.write({"todo_pending": False, "evaluation_closed": True})
        reviews._write_state({"state": "evaluation"})
        cycle._write_state({"state": "evaluation"})
        step = self.template_okr.flow_id.step_ids.filtered(
            lambda s: s.kind == "manager"
        )
        ratings = (
            self.env["perf.review.rating"]
            .sudo()
            .create(
                [
                    {
                        "review_id": review.id,
                        "step_id": step.id,
                        "role": "manager",
                        "sequence": step.sequence,
                        "weight": step.weight,
                        "rater_id": self.user_hr.id,
                        "state": "submitted",
                    }
                    for review in reviews
                ]
            )
        )
        ratings._create_score_lines()
        for index, rating in enumerate(ratings):
            rating.score_line_ids.write({"score": 40 + (index * 7) % 60})
        reviews._recompute_scores()
        self.assertTrue(all(reviews.mapped("score_ready")))
        return cycle

    def _rows(self, cycle):
        return len(cycle.review_ids)

    def test_calibration_start_screen_and_publication(self):
        small = self._evaluated(self.dep_small, "Small")
        big = self._evaluated(self.dep_big, "Big")
        results = {}
        for key, cycle in (("small", small), ("big", big)):
            start = self._queries_of(
                lambda cycle=cycle: (
                    cycle.with_user(self.user_hr)
                    .with_context(perf_force=True)
                    .action_start_calibration()
                )
            )
            calibrations = cycle.calibration_ids
            screen = self._queries_of(
                lambda calibrations=calibrations: calibrations.with_user(
                    self.user_hr
                ).mapped("distribution_html")
            )
            calibrations.sudo()._write_state({"state": "approved"})
            publish = self._queries_of(
                lambda cycle=cycle: cycle.with_user(self.user_hr).action_publish()
            )
            todos = self._queries_of(self.env["perf.cycle"]._cron_deliver_todos)
            export = self._queries_of(
                lambda cycle=cycle: cycle.with_user(self.user_hr).action_export_xlsx()
            )
            results[key] = (start, screen, publish, todos, export)
        self.assertEqual(self._rows(big), 101)
        self.assertEqual(set(big.review_ids.mapped("state")), {"published"})
        self.assertEqual(len(big.review_ids.activity_ids), 101)
        # Odoo writes rows in statements of at most 100: a hundred people
        # more may add one statement per table touched, never one per person.
        allowance = 4 * (101 // INSERT_BATCH_SIZE + 1)
        for name, small_count, big_count in zip(
            ("start", "screen", "publish", "to-dos", "export"),
            results["small"],
            results["big"],
            strict=True,
        ):
            with self.subTest(phase=name):
                self.assertLessEqual(big_count, small_count + allowance)
