# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from collections import defaultdict

from odoo import Command, api, fields, models

from ..domain import evaluation
from .perf_review_peers import PEER_AGGREGATE_MIN
from .perf_todo_mixin import BULK_CONTEXT

# The states in which a review has scores, and its scores before.
SCORED_STATES = ("evaluation", "calibration", "published")
NO_SCORES = {
    "evaluation_done": False,
    "final_score": 0.0,
    "score_ready": False,
    "grade_id": False,
    "self_score": 0.0,
    "manager_score": 0.0,
    "skip_level_score": 0.0,
    "designated_score": 0.0,
    "peer_score": 0.0,
    "peer_submitted_count": 0,
    "kpi_score": 0.0,
    "okr_score": 0.0,
    "question_score": 0.0,
}


class PerfReview(models.Model):
    """The evaluation (考核评价) of a review and its scores.

    When the cycle starts the evaluation (``perf_cycle_evaluation.py``),
    ``_start_evaluation`` creates one ``perf.review.rating`` per rating
    step of the flow and rater (self, manager, skip-level, designated;
    peers from their approved nominations, ``perf_review_peers.py``): an
    optional step nobody can give is skipped and its weight goes to the
    other steps, a required one goes to the rater HR named, else to HR.
    Steps of equal sequence open together, a later one once every earlier
    one is done (``_evaluation_advance``, ``domain/evaluation.py``); each
    rater fills in and submits their own rating (``perf.review.rating``).
    HR may close an evaluation with the ratings given so far when the
    calibration starts (``_close_evaluation``).

    The scores are computed from the submitted ratings (``_score_values``):
    each role's and each section's score, and, once every step is done,
    the final score (the flow-step-weighted mean) and the proposed grade
    of the template's scale. They are results: hidden record by record
    (``perf_review_results.py``, ``perf.result.mixin``).

    Fields: the ratings (``rating_ids``; ``visible_*``: the ratings, their
    history and the nominations the current user may read), the skipped
    steps, ``evaluation_done``, ``evaluation_closed`` and the scores
    (``final_score``, ``score_ready``, ``grade_id``, ``*_score``,
    ``peer_submitted_count``).
    """

    # One model, a file per phase (docs/architecture.md): not to be merged.
    _inherit = "perf.review"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------ fields
    rating_ids = fields.One2many(
        "perf.review.rating", "review_id", string="Ratings", readonly=True
    )
    visible_rating_ids = fields.Many2many(
        "perf.review.rating",
        string="Ratings you may read",
        compute="_compute_visible_records",
    )
    visible_event_ids = fields.Many2many(
        "perf.review.rating.event",
        string="Rating history",
        compute="_compute_visible_records",
    )
    visible_nomination_ids = fields.Many2many(
        "perf.review.nomination",
        string="Nominated peers",
        compute="_compute_visible_records",
    )
    skipped_step_ids = fields.Many2many(
        "perf.flow.step",
        string="Steps nobody gives",
        readonly=True,
        copy=False,
        help="Optional rating steps without a rater: their weight goes to the "
        "other steps.",
    )
    evaluation_done = fields.Boolean(
        compute="_compute_scores", store=True, index=True, copy=False
    )
    evaluation_closed = fields.Boolean(
        readonly=True,
        copy=False,
        help="HR closed the evaluation with the ratings given so far.",
    )
    # Results: hidden record by record (perf.result.mixin).
    final_score = fields.Float(
        aggregator="avg",
        compute="_compute_scores",
        store=True,
        digits=(16, 2),
        copy=False,
    )
    score_ready = fields.Boolean(
        string="Final score ready", compute="_compute_scores", store=True, copy=False
    )
    grade_id = fields.Many2one(
        "perf.rating.grade",
        string="Proposed grade",
        compute="_compute_scores",
        store=True,
        copy=False,
        index=True,
    )
    self_score = fields.Float(
        aggregator="avg", compute="_compute_scores", store=True, digits=(16, 2)
    )
    manager_score = fields.Float(
        aggregator="avg", compute="_compute_scores", store=True, digits=(16, 2)
    )
    skip_level_score = fields.Float(
        aggregator="avg", compute="_compute_scores", store=True, digits=(16, 2)
    )
    designated_score = fields.Float(
        aggregator="avg", compute="_compute_scores", store=True, digits=(16, 2)
    )
    peer_score = fields.Float(
        aggregator="avg",
        string="Peer score (aggregate)",
        compute="_compute_scores",
        store=True,
        digits=(16, 2),
        help="Mean of the submitted peer ratings; shown once at least three "
        "peers submitted when peers are anonymous.",
    )
    peer_submitted_count = fields.Integer(compute="_compute_scores", store=True)
    kpi_score = fields.Float(
        aggregator="avg",
        string="KPI score",
        compute="_compute_scores",
        store=True,
        digits=(16, 2),
    )
    okr_score = fields.Float(
        aggregator="avg",
        string="OKR score",
        compute="_compute_scores",
        store=True,
        digits=(16, 2),
    )
    question_score = fields.Float(
        aggregator="avg", compute="_compute_scores", store=True, digits=(16, 2)
    )

    # ----------------------------------------------------------- compute
    @api.depends_context("uid")
    def _compute_visible_records(self):
        """The ratings, their history and the nominations of these reviews
        that the current user may read (record rules), without the shared
        cache of ``rating_ids`` that code running as superuser fills."""
        ratings = self.env["perf.review.rating"].search([("review_id", "in", self.ids)])
        events = self.env["perf.review.rating.event"].search(
            [("review_id", "in", self.ids)]
        )
        nominations = self.env["perf.review.nomination"].search(
            [("review_id", "in", self.ids)]
        )
        for review in self:
            review.visible_rating_ids = ratings.filtered(
                lambda r, review=review: r.review_id == review
            )
            review.visible_event_ids = events.filtered(
                lambda e, review=review: e.review_id == review
            )
            review.visible_nomination_ids = nominations.filtered(
                lambda n, review=review: n.review_id == review
            )

    @api.depends(
        "state",
        "rating_ids.state",
        "rating_ids.total_score",
        "rating_ids.weight",
        "skipped_step_ids",
        "peer_state",
        "evaluation_closed",
        "template_id.rating_scale_id",
    )
    def _compute_scores(self):
        # Nothing scored yet (before the evaluation, or at its start):
        # one assignment per field for all of them (thousands of reviews at
        # launch and at the start of the evaluation), not per review.
        memo = {}
        unscored = self.filtered(lambda r: not r._has_scores(memo))
        if unscored:
            for name, value in NO_SCORES.items():
                unscored[name] = value
        for review in self - unscored:
            values = review._score_values(memo)
            review.update(values)

    def _has_scores(self, memo=None):
        """Whether this review's scores may differ from ``NO_SCORES``
        (what ``_score_values`` gives before the evaluation, and while a
        step is open and no rating is submitted): to be computed."""
        self.ensure_one()
        if self.state not in SCORED_STATES:
            return False
        if self.evaluation_closed:
            return True
        states = self._rating_states()
        if any("submitted" in of_step for of_step in states.values()):
            return True
        return not any(
            state in evaluation.OPEN_STATES
            for step in self._rating_steps(memo)
            for state in states.get(step.id, ())
        )

    def _score_values(self, memo=None):
        """Scores of this review from its submitted ratings (domain maths):
        the final score once every step is done (or HR closed the evaluation
        with what was given), each role's and each section's score
        (``memo``: see ``_rating_steps``)."""
        self.ensure_one()
        empty = dict(NO_SCORES)
        if self.state not in SCORED_STATES:
            return empty
        steps = self._rating_steps(memo)
        ratings = self.rating_ids
        submitted = ratings.filtered(lambda r: r.state == "submitted")
        items = []
        sections = {"kpi": [], "okr": [], "question": []}
        is_open = False
        by_step = defaultdict(list)
        for rating in ratings:
            by_step[rating.step_id.id].append(rating)
        for step in steps:
            of_step = by_step[step.id]
            if any(r.state in evaluation.OPEN_STATES for r in of_step):
                is_open = True
            if step.kind == "peer" and self.peer_state in ("to_nominate", "to_approve"):
                is_open = True
            done = [r for r in of_step if r.state == "submitted"]
            required = not step.optional and step not in self.skipped_step_ids
            items.append((step.weight, required, [r.total_score for r in done]))
            for name in sections:
                sections[name].append(
                    (step.weight, required, [r[f"{name}_score"] for r in done])
                )
        is_open = is_open and not self.evaluation_closed
        values = dict(empty)
        for role in ("self", "manager", "skip_level", "designated"):
            scores = [r.total_score for r in submitted if r.role == role]
            values[f"{role}_score"] = evaluation.step_score(scores) or 0.0
        peers = [r.total_score for r in submitted if r.role == "peer"]
        anonymous = any(r.anonymous for r in ratings if r.role == "peer")
        values["peer_submitted_count"] = len(peers)
        if peers and (len(peers) >= PEER_AGGREGATE_MIN or not anonymous):
            values["peer_score"] = evaluation.step_score(peers)
        values["evaluation_done"] = bool(ratings) and not is_open
        if is_open:
            return values
        force = self.evaluation_closed
        final = evaluation.final_score(items, force=force)
        weights = self.template_id._section_weights()
        for name, section_items in sections.items():
            if weights.get(name):
                values[f"{name}_score"] = (
                    evaluation.final_score(section_items, force=force) or 0.0
                )
        if final is not None:
            grade = self.template_id.rating_scale_id._grade_for_score(final)
            values.update(final_score=final, score_ready=True, grade_id=grade.id)
        return values

    def _recompute_scores(self):
        """Recompute the stored scores now (after a state written in bulk)."""
        self.env.add_to_compute(self._fields["final_score"], self)
        self.flush_recordset(
            [
                name
                for name in (*self._perf_result_fields, "evaluation_done")
                if self._fields[name].store
            ]
        )

    # ------------------------------------------------------------ raters
    def _rating_steps(self, memo=None):
        """The rating steps of this review's flow; ``memo`` ({flow: its
        steps}, kept over one batch) reads each flow's steps once."""
        self.ensure_one()
        flow = self.flow_id
        if memo is None:
            return flow._rating_steps()
        if flow not in memo:
            memo[flow] = flow._rating_steps()
        return memo[flow]

    def _step_rater(self, step):
        """(user, why) of the rater of a rating step other than peers: the
        user is empty, and ``why`` says why, when nobody can give it."""
        self.ensure_one()
        _ = self.env._
        user = {
            "self": self.user_id,
            "manager": self.manager_user_id,
            "skip_level": self.skip_manager_user_id,
            "designated": step.designated_user_id,
        }[step.kind]
        missing = {
            "self": _("no user"),
            "manager": _("nobody above them"),
            "skip_level": _("no skip-level manager"),
            "designated": _("no designated reviewer in the flow"),
        }[step.kind]
        if not user:
            return user, missing
        if not user.active:
            return user.browse(), _("%(user)s has left", user=user.name)
        if step.kind != "self" and user == self.user_id:
            return user.browse(), _(
                "%(user)s would rate their own review", user=user.name
            )
        return user, ""

    # -------------------------------------------------------- evaluation
    def _start_evaluation(self, raters=None):
        """Move these reviews to evaluation and create their rating tasks
        (one batch): one rating per step and rater, peers from the approved
        nominations; an optional step nobody can give is skipped (its weight
        goes to the others), a required one goes to the rater HR named (or
        to HR). The first steps open; later ones wait."""
        raters = raters or {}
        reviews = self.sudo().with_context(**BULK_CONTEXT)
        leftovers = reviews.filtered(lambda r: r.state != "execution")
        if leftovers:
            leftovers.approval_ids.filtered(lambda a: a.state == "pending").write(
                {"state": "cancelled"}
            )
            leftovers._todo_activities().unlink()
        reviews._write_state(
            {"state": "evaluation", "goal_change_state": False, "todo_pending": False}
        )
        Users = self.env["res.users"].sudo()
        vals_list = []
        skipped = {}
        peer_states = defaultdict(list)
        to_nominate = self.browse()
        memo = {}
        for review in reviews:
            for step in review._rating_steps(memo):
                if step.kind == "peer":
                    continue
                named = raters.get((review.id, step.id))
                user = Users.browse(named) if named else review._step_rater(step)[0]
                if not user and not step.optional:
                    user = review._hr_fallback_user()
                if not user:
                    skipped.setdefault(review, []).append(step.id)
                    continue
                vals_list.append(review._rating_values(step, user))
            step = review._peer_step()
            if step:
                approved = review.nomination_ids.filtered(
                    lambda n: n.state == "approved" and not n.rating_id
                )
                vals_list += [
                    review._rating_values(step, n.user_id, nomination=n)
                    for n in approved
                ]
                peer_state = review._peer_state_now()
                if peer_state == "to_nominate":
                    if step.optional and not review._active_nominations():
                        # Nobody to give it: its weight goes to the others.
                        peer_state = "skipped"
                        skipped.setdefault(review, []).append(step.id)
                    else:
                        to_nominate |= review
                peer_states[peer_state].append(review.id)
        # One write per value, not one per review.
        for peer_state, ids in peer_states.items():
            reviews.browse(ids).write({"peer_state": peer_state})
        by_steps = defaultdict(list)
        for review, step_ids in skipped.items():
            by_steps[tuple(step_ids)].append(review.id)
        for step_ids, ids in by_steps.items():
            reviews.browse(ids).write({"skipped_step_ids": [Command.set(step_ids)]})
        if to_nominate:
            to_nominate.write({"todo_kind": "nominate_peers", "todo_pending": True})
        reviews._open_at_creation(vals_list, memo)
        self.env["perf.review.rating"]._create_tasks(vals_list)

    def _open_at_creation(self, vals_list, memo=None):
        """Mark the values of the ratings of these reviews (``vals_list``,
        about to be created) whose step opens now, as ``_evaluation_advance``
        would open them one write later: to do, with their deadline, their
        to-dos waiting for the batched job."""
        Rating = self.env["perf.review.rating"]
        Step = self.env["perf.flow.step"]
        by_review = defaultdict(list)
        for vals in vals_list:
            by_review[vals["review_id"]].append(vals)
        for review in self:
            of_review = by_review[review.id]
            states = review._rating_states()
            for vals in of_review:
                states[vals["step_id"]].append("waiting")
            current = review._open_step_ids(states, memo) or ()
            for vals in of_review:
                if vals["step_id"] in current:
                    vals.update(
                        state="todo",
                        deadline=Rating._deadline_for(
                            Step.browse(vals["step_id"]), review.cycle_id
                        ),
                        todo_pending=True,
                    )

    def _rating_values(self, step, user, nomination=None):
        self.ensure_one()
        return {
            "review_id": self.id,
            "step_id": step.id,
            "role": step.kind,
            "sequence": step.sequence,
            "weight": step.weight,
            "rater_id": user.id,
            "anonymous": step.kind == "peer" and step.peer_anonymous,
            "employee_visible": step.visible_to_employee,
            "nomination_id": nomination.id if nomination else False,
        }

    def _step_done(self, step, states):
        """Whether ``step`` is done, ``states`` being those of its ratings."""
        if step in self.skipped_step_ids:
            return True
        if step.kind == "peer":
            if self.peer_state not in ("approved", "skipped"):
                return False
        return all(state not in evaluation.OPEN_STATES for state in states)

    def _rating_states(self):
        """{step id: [state of each of this review's ratings of the step]}."""
        self.ensure_one()
        states = defaultdict(list)
        for rating in self.rating_ids:
            states[rating.step_id.id].append(rating.state)
        return states

    def _open_step_ids(self, states, memo=None):
        """Ids of the steps whose ratings are open now, from the states of
        this review's ratings by step ({step id: [state]}): steps of equal
        sequence open together, a later step once every earlier one is done;
        None once every step is done (``memo``: see ``_rating_steps``)."""
        self.ensure_one()
        steps = self._rating_steps(memo)
        groups = evaluation.step_groups([(s.id, s.sequence) for s in steps])
        done = {s.id for s in steps if self._step_done(s, states.get(s.id, ()))}
        index = evaluation.open_group(groups, done)
        return None if index is None else set(groups[index])

    def _evaluation_advance(self, now=False):
        """Open the ratings whose turn has come (``_open_step_ids``). ``now``
        schedules the to-dos at once (one review moving on), else the
        batched job delivers them."""
        to_open = self.env["perf.review.rating"].sudo()
        finished = self.sudo().browse()
        memo = {}
        for review in self.sudo().filtered(lambda r: r.state == "evaluation"):
            ratings = review.rating_ids
            current = review._open_step_ids(review._rating_states(), memo)
            if current is None:
                finished |= review
                continue
            to_open |= ratings.filtered(
                lambda r, current=current: (
                    r.step_id.id in current and r.state == "waiting"
                )
            )
        to_open._open(now=now)
        if now and finished:
            finished._recompute_scores()
            # Posted by the system: the last rater may be an anonymous peer.
            for review in finished.filtered("evaluation_done"):
                review.message_post(
                    body=self.env._("Every rating is in: the evaluation is complete."),
                    author_id=self.env.ref("base.partner_root").id,
                    subtype_xmlid="mail.mt_note",
                )

    def _close_evaluation(self):
        """HR closes these evaluations with the ratings given so far: open
        ratings are cancelled, missing steps give their weight to the
        others."""
        reviews = self.sudo().with_context(**BULK_CONTEXT)
        ratings = reviews.rating_ids.filtered(lambda r: r.state in ("waiting", "todo"))
        ratings._todo_activities().unlink()
        ratings._write_state(
            {
                "state": "cancelled",
                "todo_pending": False,
                "cancel_reason": self.env._("Evaluation closed by HR"),
            }
        )
        reviews._todo_activities().unlink()
        reviews.write({"evaluation_closed": True, "todo_pending": False})
        reviews._recompute_scores()
