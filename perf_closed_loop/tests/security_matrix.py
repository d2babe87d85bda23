# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Who may do what to one employee's review, phase by phase: the security
matrix of the whole loop, as data.

Each row names a check (run over XML-RPC and HTTP with a browser session,
as an attacker would, by ``test_security_matrix``), the channel it tries
(``CHANNELS``: the records themselves, their attachments, messages and
notifications, reports, exports and imports, the employee profile, another
company) and, for every role, the phases of the review in which the check
must be ALLOWED; in every other phase, and for every role not listed, it
must be DENIED (an AccessError/UserError, no record found, or no value
returned). A check trying several routes at once (e.g. ``/web/content`` and
``/web/image``) must get the same answer from each. The walk writes
secrets (a rater's comment, the calibration note, a rating's total, the
final score, a note in a record's chatter, the anonymous peer's name:
``SECRETS``); checks named "find what one may not see ..." look for them in
everything a channel hands the role and are allowed to nobody, and the test
fails on any secret found, by any check, by a role who may not see it.
The roles, around the reviewed employee:

* employee: the reviewed employee;
* colleague: same team, no part in the review;
* peer: a colleague the employee nominated to rate them (anonymous);
* manager: the employee's line manager;
* head: the head of the employee's department (not in their chain), who
  calibrates their group;
* skip: the manager's manager (skip-level), head of the parent department;
* designated: the flow's designated reviewer;
* hr: an HR officer of the company (also an HR officer of the employees
  app, and of the other company too);
* hr_other: an HR officer of another company;
* admin: a performance administrator;
* portal: a portal user.
"""

PHASES = (
    "goal_setting",
    "goal_approval",
    "execution",
    "evaluation",
    "calibration",
    "published",
    "closed",
)
ROLES = (
    "employee",
    "colleague",
    "peer",
    "manager",
    "head",
    "skip",
    "designated",
    "hr",
    "hr_other",
    "admin",
    "portal",
)
ALL = frozenset(PHASES)
OPEN = ALL - {"closed"}
RESULTS = frozenset({"calibration", "published", "closed"})
RATED = frozenset({"evaluation", "calibration", "published", "closed"})
PUBLIC = frozenset({"published", "closed"})
ABOVE = ("manager", "head", "skip", "hr", "admin")
READERS = ("employee", *ABOVE)
INTERNAL = (
    "employee",
    "colleague",
    "peer",
    "manager",
    "head",
    "skip",
    "designated",
    "hr",
    "admin",
)


def _roles(roles, phases):
    return dict.fromkeys(roles, frozenset(phases))


# Who may read what the walk attaches, posts and writes (the record's
# readers): reused by the rows of every channel.
REVIEW = _roles(READERS, ALL)
RESULT = {**_roles(ABOVE, RESULTS), "employee": PUBLIC}
INTERNAL_RESULT = _roles(ABOVE, RESULTS)
SELF_RATING = _roles(READERS, RATED)
MANAGER_RATING = {**_roles(ABOVE, RATED), "employee": PUBLIC}
PEER_RATING = {**_roles(("hr", "admin"), RATED), "peer": RATED}
CALIBRATION = _roles(("head", "skip", "hr", "admin"), RESULTS)
NOMINATIONS = _roles(
    ("employee", "peer", "manager", "head", "skip", "hr", "admin"),
    {"execution", *RATED},
)
CYCLE = _roles(INTERNAL, ALL)

CHANNELS = {
    "record": "Records: read, search, write, act",
    "attachments": "Attachments: by id, by search, over HTTP",
    "messages": "Messages and notifications: chatter, to-dos, digests, bus",
    "reporting": "Reporting: pivots, graphs, dashboard, grouped reads",
    "export": "Exports and imports",
    "employee profile": "The employee profile",
    "multi-company": "Another company",
}

# The walk's secrets (``test_security_matrix``): what each one is, and the
# row whose allowed roles and phases may see it. Any other role finding it
# in what a channel hands them is a leak.
SECRETS = {
    "self comment": "rating.read_self",
    "manager comment": "rating.read_manager",
    "manager's total": "rating.read_manager",
    "peer's total": "rating.read_peer",
    "skip-level comment": "rating.read_skip",
    "designated comment": "rating.read_designated",
    "peer comment": "rating.read_peer",
    # Who was asked to rate (the nominations say it; nothing else may).
    "peer's name": "nomination.read",
    "calibration note": "review.read_calibration",
    "final score": "review.read_result",
    "note on the self rating": "rating.read_self",
    "note on the manager's rating": "rating.read_manager",
    "note on the peer's rating": "rating.read_peer",
    "note on the calibration": "calibration.read",
    "interview record": "interview.read",
}

MATRIX = {}


def _channel(channel, rows):
    """Add ``rows`` (check: (what it does, {role: phases})) to the matrix,
    trying ``channel``."""
    assert channel in CHANNELS, channel
    for name, (label, allowed) in rows.items():
        assert name not in MATRIX, name
        MATRIX[name] = (label, allowed, channel)


# check name: (what it does, {role: phases allowed})
_channel(
    "record",
    {
        # -- the review itself
        "review.read": ("read the review", _roles(READERS, ALL)),
        "review.search_read": ("find it with search_read", _roles(READERS, ALL)),
        "review.read_goals": ("read its indicators", _roles(READERS, ALL)),
        "review.read_checkins": (
            "read its check-ins",
            _roles(READERS, {"execution", *RATED}),
        ),
        "review.read_result": (
            "read its final score",
            {**_roles(ABOVE, RESULTS), "employee": PUBLIC},
        ),
        "review.search_result": (
            "find it by final score",
            {**_roles(ABOVE, RESULTS), "employee": PUBLIC},
        ),
        "review.read_calibration": (
            "read its proposed grade and calibration note",
            _roles(ABOVE, RESULTS),
        ),
        # A form's onchange computes a new record from what the caller sends,
        # here existing records by id (a guessable sequence): the scores of
        # a new review holding the review's ratings, the total of a new
        # rating holding the peer's score lines, the check-ins of a new
        # score line on an indicator.
        "review.onchange_new": (
            "compute the review's scores in a new review holding its ratings "
            "(onchange)",
            {},
        ),
        "review.onchange_checkins": (
            "read the review's check-ins in a new score line (onchange)",
            {},
        ),
        "review.onchange_target": (
            "read an indicator's target in a new check-in on it (onchange)",
            REVIEW,
        ),
        "review.write_goal": (
            "change a target",
            _roles(("employee", "manager", "hr", "admin"), {"goal_setting"}),
        ),
        "review.write_state": ("write its state", {}),
        "review.write_score": ("write its final score", {}),
        "review.write_people": (
            "write who its manager is",
            _roles(("hr", "admin"), OPEN),
        ),
        "review.write_calibrated_grade": (
            "set its calibrated grade with a note",
            _roles(("head", "hr", "admin"), {"calibration"}),
        ),
        "review.read_approvals": ("read its goal approvals", _roles(READERS, ALL)),
        "review.create_objective": (
            "add an objective",
            _roles(("employee", "manager", "hr", "admin"), {"goal_setting"}),
        ),
        "review.create_checkin": (
            "record a check-in",
            _roles(("employee", "manager", "hr", "admin"), {"execution"}),
        ),
        "review.action_refresh_actuals": (
            "refresh its measured actuals",
            _roles(("employee", "manager", "hr", "admin"), {"execution"}),
        ),
        "review.create": ("create a review", {}),
        "review.unlink": ("delete it", {}),
        "review.copy": ("copy it", {}),
        "review.action_submit_goals": (
            "submit the goals",
            _roles(("employee", "manager", "hr", "admin"), {"goal_setting"}),
        ),
        "review.action_approve_goals": (
            "approve the goals",
            _roles(("manager",), {"goal_approval"}),
        ),
        "review.action_nominate_peers": (
            "nominate a peer",
            _roles(("employee", "manager", "hr", "admin"), {"execution", "evaluation"}),
        ),
        "review.action_acknowledge": (
            "acknowledge the result",
            _roles(("employee",), {"published"}),
        ),
        # -- ratings
        "rating.read_self": (
            "read the self rating",
            {**_roles(READERS, RATED)},
        ),
        "rating.read_manager": (
            "read the manager's rating",
            {**_roles(ABOVE, RATED), "employee": PUBLIC},
        ),
        "rating.read_skip": (
            "read the skip-level rating",
            {**_roles(ABOVE, RATED), "employee": PUBLIC},
        ),
        "rating.read_designated": (
            "read the designated reviewer's rating",
            {**_roles(ABOVE, RATED), "designated": RATED},
        ),
        "rating.read_peer": (
            "read the (anonymous) peer's rating",
            {**_roles(("hr", "admin"), RATED), "peer": RATED},
        ),
        "rating.read_peer_scores": (
            "read the peer's scores line by line",
            {**_roles(("hr", "admin"), RATED), "peer": RATED},
        ),
        "rating.read_peer_history": (
            "read the peer rating's history",
            {**_roles(("hr", "admin"), RATED), "peer": RATED},
        ),
        "rating.write_manager_score": (
            "score a line of the manager's rating",
            _roles(("manager",), {"evaluation"}),
        ),
        "rating.action_submit_manager": (
            "submit the manager's rating",
            _roles(("manager",), {"evaluation"}),
        ),
        "rating.action_reject_self": (
            "send the self rating back",
            _roles(("manager", "hr", "admin"), {"evaluation"}),
        ),
        "rating.write_state": ("write a rating's state", {}),
        "rating.create": ("create a rating", {}),
        "rating.unlink": ("delete a rating", {}),
        "rating.copy": ("copy a rating", {}),
        "rating.create_score_line": ("add a score line to a rating", {}),
        "rating.onchange_new": (
            "compute the peer's total in a new rating holding its lines (onchange)",
            {},
        ),
        "rating.onchange_lines": (
            "compute the manager's total in a rating one reads, given the "
            "manager's lines (onchange)",
            MANAGER_RATING,
        ),
        "nomination.read": ("read the peer nominations", NOMINATIONS),
        "nomination.wizard": (
            "see who is nominated in the nominate wizard",
            NOMINATIONS,
        ),
        # -- calibration
        "calibration.read": (
            "read the calibration group",
            _roles(("head", "skip", "hr", "admin"), RESULTS),
        ),
        "calibration.read_changes": ("read the grade changes", _roles(ABOVE, RESULTS)),
        "calibration.action_submit": (
            "submit the calibration",
            _roles(("head", "hr", "admin"), {"calibration"}),
        ),
        "calibration.write_state": ("write the calibration's state", {}),
        "calibration.unlink": ("delete the calibration", {}),
        "calibration.onchange_new": (
            "compute the grades and managers' scores of a new calibration group "
            "holding the review (onchange)",
            {},
        ),
        # -- the cycle
        "cycle.read": ("read the cycle", _roles(INTERNAL, ALL)),
        "cycle.action_publish": ("publish the results", {}),
        "cycle.action_launch": ("launch the cycle again", {}),
        "cycle.unlink": ("delete the cycle", {}),
        "cycle.archive": ("archive the cycle by hand", {}),
        "cycle.write_recurrence": (
            "make the cycle repeat",
            _roles(("hr", "admin"), ALL),
        ),
        "cycle.action_prepare_next_cycle": (
            "prepare the next cycle",
            _roles(("hr", "admin"), ALL),
        ),
        "config.write_template": (
            "change the review template",
            _roles(("admin",), ALL),
        ),
        "config.write_flow": ("change the review flow", _roles(("admin",), ALL)),
        # Measures are computed as the superuser: only administrators
        # define them (docs/security.md); every employee reads them.
        "config.create_measure": ("define a measure", _roles(("admin",), ALL)),
        "config.write_measure": (
            "change a measure's filter",
            _roles(("admin",), ALL),
        ),
        "config.read_measure": (
            "read a measure",
            _roles((*INTERNAL, "hr_other"), ALL),
        ),
    },
)
_channel(
    "attachments",
    {
        "review.read_attachment": (
            "read a file attached to the review",
            _roles(READERS, ALL),
        ),
        "attachment.find_workbook": (
            "find a results workbook among the attachments (search_read)",
            {},
        ),
        # One file attached (as a chatter message) to each record, by whoever
        # may: by id (read) and by its name (search_read), then over HTTP.
        "attachment.review": (
            "find the file attached to the review (id, search)",
            REVIEW,
        ),
        "attachment.review_http": (
            "download the review's file (/web/content, /web/image, "
            "/mail/attachment/zip)",
            REVIEW,
        ),
        "attachment.self_rating": (
            "find the file attached to the self rating (id, search)",
            SELF_RATING,
        ),
        "attachment.self_rating_http": (
            "download the self rating's file (/web/content)",
            SELF_RATING,
        ),
        "attachment.manager_rating": (
            "find the file attached to the manager's rating (id, search)",
            MANAGER_RATING,
        ),
        "attachment.manager_rating_http": (
            "download the manager's rating's file (/web/content)",
            MANAGER_RATING,
        ),
        "attachment.peer_rating": (
            "find the file attached to the peer's rating (id, search)",
            PEER_RATING,
        ),
        "attachment.peer_rating_http": (
            "download the peer's rating's file (/web/content, /web/image, "
            "/mail/attachment/zip)",
            PEER_RATING,
        ),
        "attachment.calibration": (
            "find the file attached to the calibration (id, search)",
            CALIBRATION,
        ),
        "attachment.calibration_http": (
            "download the calibration's file (/web/content)",
            CALIBRATION,
        ),
        "attachment.cycle": ("find the file attached to the cycle (id, search)", CYCLE),
        "attachment.cycle_http": ("download the cycle's file (/web/content)", CYCLE),
    },
)
# The results interview (绩效面谈), once the results are published: the
# employee and the people above them read it; the manager (or HR) records
# and holds it; only the employee confirms it; nobody writes its state.
INTERVIEW = _roles(READERS, PUBLIC)
INTERVIEWER = _roles(("manager", "hr", "admin"), {"published"})
_channel(
    "record",
    {
        "interview.read": ("read the results interview", INTERVIEW),
        "interview.search_read": ("find it with search_read", INTERVIEW),
        "interview.read_actions": ("read its agreed actions", INTERVIEW),
        "interview.write_record": ("record what went well", INTERVIEWER),
        "interview.add_action": ("add an agreed action", INTERVIEWER),
        "interview.hold": ("mark the interview held", INTERVIEWER),
        "interview.confirm": (
            "confirm the interview record (it is not held yet, then confirmed)",
            {},
        ),
        "interview.write_state": ("write the interview's state", {}),
    },
)
_channel(
    "employee profile",
    {
        "profile.history": (
            "open the employee's performance history (smart button)",
            {**_roles(ABOVE, PUBLIC), "employee": PUBLIC},
        ),
    },
)
_channel(
    "messages",
    {
        "review.read_chatter": ("read the review's chatter", _roles(READERS, ALL)),
        "review.message_post": ("post in the review's chatter", _roles(READERS, ALL)),
        # To-dos exist while goals are set or approved and once published.
        "review.read_activities": (
            "see the review's to-dos",
            _roles(READERS, {"goal_setting", "goal_approval", "published"}),
        ),
        # Chatter and to-dos stay open on a closed cycle (they are not its data).
        "review.activity_schedule": (
            "schedule a to-do on the review",
            _roles(READERS, ALL),
        ),
        "message.review_http": (
            "read the review's chatter over HTTP (/mail/thread/messages, /data)",
            REVIEW,
        ),
        # A note posted, with the file above, in each record's chatter.
        "message.self_rating": (
            "read the note on the self rating (search)",
            SELF_RATING,
        ),
        "message.manager_rating": (
            "read the note on the manager's rating (search)",
            MANAGER_RATING,
        ),
        "message.peer_rating": (
            "read the note on the peer's rating (search, /mail/thread/messages)",
            PEER_RATING,
        ),
        "message.calibration": (
            "read the note on the calibration (search)",
            CALIBRATION,
        ),
        "message.cycle": ("read the note on the cycle (search)", CYCLE),
        # The manager's to-do lives while their rating is to give; HR asks
        # the peer for a word on theirs (a to-do naming the anonymous rater).
        "activity.manager_rating": (
            "see the manager's to-do on their rating",
            _roles(ABOVE, {"evaluation"}),
        ),
        "activity.peer_rating": (
            "see the to-do on the peer's rating (who rates)",
            PEER_RATING,
        ),
        "message.digest": (
            "read the employee's to-do digest (Discuss inbox)",
            _roles(("employee",), ALL),
        ),
        "message.find_secrets": (
            "find what one may not see in messages, tracking values, to-dos, digests",
            {},
        ),
        "message.bus_secrets": (
            "find what one may not see in one's real-time notifications (bus)",
            {},
        ),
    },
)
_channel(
    "reporting",
    {
        "review.read_group": ("count the review with read_group", _roles(READERS, ALL)),
        "review.group_result": (
            "sum the review's final score with read_group",
            {**_roles(ABOVE, RESULTS), "employee": PUBLIC},
        ),
        "report.results": (
            "count the review in the Results pivot and graph (lazy and not)",
            RESULT,
        ),
        "report.team_results": (
            "count the review in the Team Results pivot",
            INTERNAL_RESULT,
        ),
        "report.calibration_pivot": (
            "count the review in the proposed / calibrated grades pivot",
            INTERNAL_RESULT,
        ),
        "report.dashboard": (
            "find the review's grade on the cycle's dashboard",
            RESULT,
        ),
        "report.order_by_result": (
            "find the review ordering by final score (search, any whitespace)",
            RESULT,
        ),
        "report.group_order_having": (
            "group the review ordering by, or filtering on (having), a score",
            RESULT,
        ),
        "report.list_totals": (
            "read the review's score in a list and its totals (web_search_read)",
            RESULT,
        ),
        "report.rating_groups": (
            "group the ratings by step and rater, with the peer's total",
            PEER_RATING,
        ),
        "report.fields_get": (
            "find what one may not see in fields_get",
            {},
        ),
    },
)
_channel(
    "export",
    {
        "review.export_result": (
            "export the review's final score (export_data)",
            {**_roles(ABOVE, RESULTS), "employee": PUBLIC},
        ),
        "cycle.action_export_xlsx": (
            "export the cycle's results (and find the review in them)",
            _roles(ABOVE, RESULTS),
        ),
        "rating.export_peer": (
            "export the peer's rating (export_data)",
            {**_roles(("hr", "admin"), RATED), "peer": RATED},
        ),
        "cycle.open_hr_export": (
            "open HR's results workbook by its link (HTTP)",
            _roles(("hr",), RESULTS),
        ),
        "export.csv_http": (
            "export the review's final score over HTTP (/web/export/csv)",
            RESULT,
        ),
        "export.xlsx_grouped_http": (
            "export the reviews grouped by final grade (/web/export/xlsx)",
            RESULT,
        ),
        # A record's export reaches the review's fields through a relation.
        "export.through_rating": (
            "export the review's final score through the self rating (review_id/…)",
            RESULT,
        ),
        "export.through_cycle": (
            "export the review's calibration note through the cycle (review_ids/…)",
            INTERNAL_RESULT,
        ),
        "export.import_scores": (
            "import a final score or a peer's score (load; base_import preview "
            "and import)",
            {},
        ),
    },
)
_channel(
    "employee profile",
    {
        "profile.read": (
            "read the employee's profile (hr.employee.public)",
            CYCLE,
        ),
        "profile.find_results": (
            "find a score, grade, rating or to-do of the loop in the employee's "
            "profile (hr.employee, hr.employee.public, res.users, org chart)",
            {},
        ),
    },
)
_channel(
    "multi-company",
    {
        "company.switch_review": (
            "read the review, the other company switched on too",
            REVIEW,
        ),
        "company.switch_result": (
            "read the review's final score, the other company switched on too",
            RESULT,
        ),
        "company.switch_peer_rating": (
            "read the peer's rating, the other company switched on too",
            PEER_RATING,
        ),
        "company.other_only": (
            "find the review, its files or messages with only the other "
            "company selected",
            {},
        ),
    },
)


def expected(check, role, phase):
    """Whether ``role`` may do ``check`` in ``phase``."""
    return phase in MATRIX[check][1].get(role, ())


def markdown_summary():
    """The matrix as markdown: one table per channel, one row per check,
    one column per role, the phases in which it is allowed (abbreviated)."""
    short = {
        "goal_setting": "G",
        "goal_approval": "A",
        "execution": "X",
        "evaluation": "E",
        "calibration": "C",
        "published": "P",
        "closed": "Z",
    }
    lines = []
    for channel, title in CHANNELS.items():
        rows = [row for row in MATRIX.values() if row[2] == channel]
        if lines:
            lines.append("")
        lines += [
            f"**{title}** ({len(rows)} checks)",
            "",
            "| check | " + " | ".join(ROLES) + " |",
            "|---|" + "---|" * len(ROLES),
        ]
        for label, allowed, _channel_name in rows:
            cells = []
            for role in ROLES:
                phases = allowed.get(role, ())
                if phases == ALL:
                    cells.append("all")
                else:
                    cells.append(
                        "".join(short[p] for p in PHASES if p in phases) or "–"
                    )
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
