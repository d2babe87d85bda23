# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models

from ..domain import evaluation
from . import perf_bulk_insert


class PerfReviewRating(models.Model):
    """Rating tasks as the loop makes them: created (set-based, thousands
    at the start of the evaluation), opened when their step's turn comes
    (score lines with suggested scores), and their raters' to-dos. Who may
    do what with a rating: ``perf_review_rating.py``."""

    _inherit = "perf.review.rating"

    # -------------------------------------------------------- creation
    @api.model
    def _create_tasks(self, vals_list):
        """The rating tasks of ``vals_list`` (``perf.review``'s
        ``_rating_values``), waiting, or open when their values say so
        (``state`` "todo", ``deadline``, ``todo_pending``: then with their
        score lines and totals), each approved peer's nomination linked to
        its rating; set-based (issue 21), as the loop creates thousands at
        the start of the evaluation.

        Why SQL is safe here: nobody reads these rows while they are made
        (the loop creates them, in ``sudo``, no user does); the stored
        related fields (cycle, company, employee, department) are given
        from the review as the ORM would compute them, the totals as
        ``_compute_total_score`` gives them from the score lines inserted
        with them (none for a waiting rating), the state its default unless
        open; the model's one constraint (``_check_not_own``) runs on the new
        rows; no field checks companies; the mail thread would add nothing
        in the bulk context the loop creates ratings in (no log, no
        follower, no tracking), and the ORM's caches of the reviews'
        ratings are dropped and their dependants marked (``insert_rows``).
        """
        if not vals_list:
            return self.browse()
        reviews = (
            self.env["perf.review"]
            .sudo()
            .browse({vals["review_id"] for vals in vals_list})
        )
        Line = self.env["perf.review.rating.line"].sudo()
        indicators = Line._indicators(
            reviews.browse(
                {v["review_id"] for v in vals_list if v.get("state") == "todo"}
            )
        )
        no_lines = self._totals_values(evaluation.rating_totals([], {}))
        rows = []
        for vals in vals_list:
            review = reviews.browse(vals["review_id"])
            state = vals.get("state", "waiting")
            rows.append(
                {
                    **vals,
                    "cycle_id": review.cycle_id.id,
                    "company_id": review.company_id.id,
                    "employee_id": review.employee_id.id,
                    "department_id": review.department_id.id,
                    "state": state,
                    "deadline": vals.get("deadline", False),
                    "todo_pending": vals.get("todo_pending", False),
                    **(indicators[review.id][1] if state == "todo" else no_lines),
                }
            )
        ratings = perf_bulk_insert.insert_rows(self.sudo(), rows)
        ratings._check_not_own()
        # ``insert_rows`` returns the rows in the order of ``rows``.
        Line._insert_for(
            ratings.browse(
                [
                    r.id
                    for r, row in zip(ratings, rows, strict=True)
                    if row["state"] == "todo"
                ]
            ),
            indicators,
        )
        perf_bulk_insert.update_rows(
            self.env["perf.review.nomination"].sudo(),
            {
                rating.nomination_id.id: {"rating_id": rating.id}
                for rating in ratings
                if rating.nomination_id
            },
        )
        return ratings

    # ------------------------------------------------------------ to-dos
    @api.model
    def _deadline_for(self, step, cycle):
        """Deadline of a rating of ``step`` opening today: the step's days
        (7 by default), no later than the cycle's evaluation deadline."""
        today = fields.Date.context_today(self)
        deadline = today + timedelta(days=step.deadline_days or 7)
        cycle_deadline = cycle.evaluation_deadline
        if cycle_deadline and today <= cycle_deadline < deadline:
            deadline = cycle_deadline
        return deadline

    def _next_deadline(self):
        self.ensure_one()
        return self._deadline_for(self.step_id, self.cycle_id)

    def _todo_summary(self, env):
        self.ensure_one()
        if self.role == "self":
            return env._("Evaluate yourself for %(cycle)s", cycle=self.cycle_id.name)
        roles = self._role_labels(env)
        return env._(
            "Rate %(employee)s (%(step)s)",
            employee=self.employee_id.name,
            step=roles[self.role],
        )

    def _pending_todo(self):
        self.ensure_one()
        user = self.rater_id
        if self.state != "todo" or not user:
            return None
        return user, self._todo_summary(self._env_for(user)), self.deadline

    def _schedule_open_todo(self):
        for rating in self:
            user = rating.rater_id
            rating._schedule_todo(
                user, rating._todo_summary(rating._env_for(user)), rating.deadline
            )

    def _todo_follow(self, user):
        # An anonymous peer does not appear among the followers.
        return not (self.role == "peer" and self.anonymous)

    def _todo_digest_intro(self, env, count):
        return env._(
            "The evaluation has started. Your ratings to give (%(count)s):",
            count=count,
        )

    def _todo_bus_message(self, env):
        return env._("You have ratings to give.")

    def _open(self, now=False):
        """Open these waiting ratings: their lines get their suggested
        scores, their raters a to-do (at once, or through the batched job)."""
        if not self:
            return
        # One write per distinct deadline, not one per rating.
        by_deadline = defaultdict(list)
        for rating in self:
            by_deadline[rating._next_deadline()].append(rating.id)
        for deadline, ids in by_deadline.items():
            self.browse(ids)._write_state(
                {"state": "todo", "deadline": deadline, "todo_pending": not now}
            )
        self.filtered(lambda r: not r.score_line_ids)._create_score_lines()
        if now:
            self._schedule_open_todo()

    def _create_score_lines(self):
        """Every indicator of the review with its suggested score, for each
        of these ratings, in one batch (set-based: ``perf.review.rating.line``
        ``_create_for_ratings``)."""
        self.env["perf.review.rating.line"].sudo()._create_for_ratings(self)
