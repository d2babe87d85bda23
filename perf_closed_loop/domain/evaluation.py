# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Evaluation: which rating steps are open, what each line's suggested
score is, what blocks a submission, who may be nominated as a peer, a
rating's total and a review's final score."""

import math
from typing import NamedTuple

from . import numbers, scoring, text

# A rating is done once submitted, declined (peers) or cancelled.
OPEN_STATES = ("waiting", "todo")
DONE_STATES = ("submitted", "rejected", "cancelled")
DEFAULT_COMMENT_THRESHOLD = 10.0


# ----------------------------------------------------------------- steps
def step_groups(steps):
    """Rating steps grouped by sequence, in order: steps of equal sequence
    open together. ``steps`` is an iterable of (key, sequence)."""
    groups = {}
    for key, sequence in steps:
        groups.setdefault(sequence, []).append(key)
    return [groups[sequence] for sequence in sorted(groups)]


def open_group(groups, done):
    """Index of the group whose ratings are open (the first one with a step
    not done), or None when every step is done. ``done`` is the set of the
    keys of finished steps."""
    for index, keys in enumerate(groups):
        if any(key not in done for key in keys):
            return index
    return None


# ---------------------------------------------------------------- scores
def score_bounds(kind, auto_score=False, cap=100.0):
    """Lowest and highest score a rater may give a line: 0–100, except an
    auto-scored KPI, which may reach its cap (over-achievement)."""
    if kind == "kpi" and auto_score:
        return 0.0, max(100.0, min(float(cap or 100.0), scoring.SCORE_MAX))
    return 0.0, 100.0


def suggested_score(
    kind,
    actual=0.0,
    target=0.0,
    direction="higher",
    auto_score=False,
    cap=100.0,
    progress=0.0,
    key_result_mode="linear",
):
    """The score a line starts with on a rating screen: a KPI from its actual
    value against its target (within its bounds), a key result from its
    progress; None for a question (rated by hand)."""
    if kind == "kpi":
        high = score_bounds(kind, auto_score, cap)[1]
        return scoring.round_score(
            scoring.kpi_auto_score(actual, target, direction or "higher", cap=high)
        )
    if kind == "key_result":
        progress = numbers.finite(progress or 0.0, "Progress")
        progress = min(max(progress, 0.0), 100.0)
        return scoring.round_score(scoring.key_result_score(progress, key_result_mode))
    if kind == "question":
        return None
    raise ValueError(f"Unknown line kind {kind!r}.")


def comment_needed(score, suggested, threshold, always=False):
    """Whether a rater must explain a score: the question asks for it, or the
    score moved more than ``threshold`` points from the suggested one.
    ValueError when the threshold is not a finite number >= 0."""
    threshold = numbers.finite(threshold, "The comment threshold")
    if threshold < 0:
        raise ValueError(f"The comment threshold cannot be negative ({threshold}).")
    if always:
        return True
    if score is None or suggested is None:
        return False
    moved = numbers.finite(score, "A score") - numbers.finite(suggested, "A score")
    return abs(moved) > threshold + 1e-9


class ScoreProblem(NamedTuple):
    line: str
    kind: str  # missing / out_of_range / comment
    detail: object


def score_problems(lines):
    """What stops a rating from being submitted, line by line.

    ``lines``: (name, score or None, low, high, comment, comment needed)."""
    problems = []
    for name, score, low, high, comment, needs_comment in lines:
        if score is None or isinstance(score, bool):
            problems.append(ScoreProblem(name, "missing", None))
            continue
        value = float(score)
        if math.isnan(value) or not low <= value <= high:
            problems.append(ScoreProblem(name, "out_of_range", (low, high)))
        if needs_comment and text.is_blank(comment):
            problems.append(ScoreProblem(name, "comment", None))
    return problems


def rating_total(kpis, objectives, questions, section_weights):
    """Total of one rating: the KPI lines' weighted mean, the objectives'
    weighted mean of their key results' weighted means, the questions'
    weighted mean, then the section-weighted mean (sections ``kpi``,
    ``okr``, ``question``). Lines are (score, weight); objectives are
    (weight, key results). None when nothing is scored."""
    sections = {
        "kpi": list(kpis),
        "okr": [
            (scoring.weighted_mean(results), weight) for weight, results in objectives
        ],
        "question": list(questions),
    }
    total = scoring.section_score(
        {name: items for name, items in sections.items() if name in section_weights},
        section_weights,
    )
    return None if total is None else scoring.round_score(total)


def rating_totals(lines, section_weights):
    """Stored totals of one rating from its score lines, each (section,
    score or None when not scored, weight, objective key): ``total``,
    ``kpi``, ``okr`` and ``question`` scores (0.0 when nothing is scored, or
    when a score or weight is no number a total can use: submitting names
    the line) and the ``scored`` / ``lines`` counts. Key results (section
    ``key_result``) are grouped by their objective key, a pair (objective,
    objective weight)."""
    kpis, questions, objectives = [], [], {}
    for section, score, weight, objective in lines:
        if section == "key_result":
            objectives.setdefault(objective, []).append((score, weight))
        elif section == "kpi":
            kpis.append((score, weight))
        else:
            questions.append((score, weight))
    okrs = [(key[1], results) for key, results in objectives.items()]
    try:
        totals = {
            "total": rating_total(kpis, okrs, questions, section_weights) or 0.0,
            "kpi": rating_total(kpis, [], [], {"kpi": 100}) or 0.0,
            "okr": rating_total([], okrs, [], {"okr": 100}) or 0.0,
            "question": rating_total([], [], questions, {"question": 100}) or 0.0,
        }
    except ValueError:
        totals = dict.fromkeys(("total", "kpi", "okr", "question"), 0.0)
    totals["scored"] = sum(1 for line in lines if line[1] is not None)
    totals["lines"] = len(lines)
    return totals


def step_score(scores):
    """Score of one step from its submitted ratings (several for peers): their
    mean, or None when none was submitted. ValueError on a score that is not
    a number from 0 to scoring.SCORE_MAX."""
    scores = [scoring.checked_score(s) for s in scores]
    return sum(scores) / len(scores) if scores else None


def final_score(steps, force=False):
    """Final score of a review from (weight, required, submitted scores) per
    rating step: each step's mean, weighted by the step weights; a step
    without score gives its weight to the others when optional (or when
    ``force``, once HR closes the evaluation with what was given); a
    required step without score means no final score yet (None)."""
    items = [
        (step_score(scores), weight, bool(required) and not force)
        for weight, required, scores in steps
    ]
    total = scoring.final_score(items)
    return None if total is None else scoring.round_score(total)


# ----------------------------------------------------------------- peers
class NominationProblem(NamedTuple):
    kind: str  # self / twice / count
    detail: object


def nomination_problems(employee, nominated, new, peer_min, peer_max, excluded=()):
    """Problems of nominating the users ``new`` as peers of ``employee``'s
    review when ``nominated`` are already nominated (and not declined):
    nobody rates themselves (nor anyone in ``excluded``, e.g. the manager
    who already rates), nobody is nominated twice, and the total stays
    within ``peer_min``–``peer_max``."""
    problems = []
    new = list(new)
    nominated = list(nominated)
    if employee in new:
        problems.append(NominationProblem("self", employee))
    for user in dict.fromkeys(new):
        if user in excluded and user != employee:
            problems.append(NominationProblem("excluded", user))
    seen = set(nominated)
    for user in new:
        if user in seen:
            problems.append(NominationProblem("twice", user))
        seen.add(user)
    total = len(set(nominated) | set(new))
    if not peer_min <= total <= peer_max:
        problems.append(NominationProblem("count", (total, peer_min, peer_max)))
    return problems
