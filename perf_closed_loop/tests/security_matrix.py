# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Who may do what to one employee's review, phase by phase: the security
matrix of the whole loop, as data.

Each row names a check (run over XML-RPC, as an attacker would, by
``test_security_matrix``) and, for every role, the phases of the review in
which the check must be ALLOWED; in every other phase, and for every role
not listed, it must be DENIED (an AccessError/UserError, no record found, or
no value returned). The roles, around the reviewed employee:

* employee: the reviewed employee;
* colleague: same team, no part in the review;
* peer: a colleague the employee nominated to rate them (anonymous);
* manager: the employee's line manager;
* head: the head of the employee's department (not in their chain), who
  calibrates their group;
* skip: the manager's manager (skip-level), head of the parent department;
* designated: the flow's designated reviewer;
* hr: an HR officer of the company;
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


# check name: (what it does, {role: phases allowed})
MATRIX = {
    # -- the review itself
    "review.read": ("read the review", _roles(READERS, ALL)),
    "review.search_read": ("find it with search_read", _roles(READERS, ALL)),
    "review.read_group": ("count it with read_group", _roles(READERS, ALL)),
    "review.read_goals": ("read its indicators", _roles(READERS, ALL)),
    "review.read_checkins": (
        "read its check-ins",
        _roles(READERS, {"execution", *RATED}),
    ),
    "review.read_attachment": ("read a file attached to it", _roles(READERS, ALL)),
    "review.read_chatter": ("read its chatter", _roles(READERS, ALL)),
    "review.message_post": ("post in its chatter", _roles(READERS, ALL)),
    "review.read_result": (
        "read its final score",
        {**_roles(ABOVE, RESULTS), "employee": PUBLIC},
    ),
    "review.search_result": (
        "find it by final score",
        {**_roles(ABOVE, RESULTS), "employee": PUBLIC},
    ),
    "review.group_result": (
        "sum its final score with read_group",
        {**_roles(ABOVE, RESULTS), "employee": PUBLIC},
    ),
    "review.export_result": (
        "export its final score (export_data)",
        {**_roles(ABOVE, RESULTS), "employee": PUBLIC},
    ),
    "review.read_calibration": (
        "read its proposed grade and calibration note",
        _roles(ABOVE, RESULTS),
    ),
    "review.write_goal": (
        "change a target",
        _roles(("employee", "manager", "hr", "admin"), {"goal_setting"}),
    ),
    "review.write_state": ("write its state", {}),
    "review.write_score": ("write its final score", {}),
    "review.write_people": ("write who its manager is", _roles(("hr", "admin"), OPEN)),
    "review.write_calibrated_grade": (
        "set its calibrated grade with a note",
        _roles(("head", "hr", "admin"), {"calibration"}),
    ),
    "review.read_approvals": ("read its goal approvals", _roles(READERS, ALL)),
    # To-dos exist while goals are set or approved and once published.
    "review.read_activities": (
        "see its to-dos",
        _roles(READERS, {"goal_setting", "goal_approval", "published"}),
    ),
    # Chatter and to-dos stay open on a closed cycle (they are not its data).
    "review.activity_schedule": ("schedule a to-do on it", _roles(READERS, ALL)),
    "review.create_objective": (
        "add an objective",
        _roles(("employee", "manager", "hr", "admin"), {"goal_setting"}),
    ),
    "review.create_checkin": (
        "record a check-in",
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
    "cycle.action_export_xlsx": (
        "export the cycle's results (and find the review in them)",
        _roles(ABOVE, RESULTS),
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
    "rating.export_peer": (
        "export the peer's rating (export_data)",
        {**_roles(("hr", "admin"), RATED), "peer": RATED},
    ),
    "rating.create_score_line": ("add a score line to a rating", {}),
    "nomination.read": (
        "read the peer nominations",
        {
            **_roles(
                ("employee", "peer", "manager", "head", "skip", "hr", "admin"),
                {"execution", *RATED},
            ),
        },
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
    # -- the cycle
    "cycle.read": ("read the cycle", _roles(INTERNAL, ALL)),
    "cycle.action_publish": ("publish the results", {}),
    "cycle.action_launch": ("launch the cycle again", {}),
    "cycle.unlink": ("delete the cycle", {}),
    "cycle.archive": ("archive the cycle by hand", {}),
    "cycle.write_recurrence": ("make the cycle repeat", _roles(("hr", "admin"), ALL)),
    "cycle.action_prepare_next_cycle": (
        "prepare the next cycle",
        _roles(("hr", "admin"), ALL),
    ),
    "config.write_template": (
        "change the review template",
        _roles(("admin",), ALL),
    ),
    "config.write_flow": ("change the review flow", _roles(("admin",), ALL)),
    "cycle.open_hr_export": (
        "open HR's results workbook by its link (HTTP)",
        _roles(("hr",), RESULTS),
    ),
    "attachment.find_workbook": (
        "find a results workbook among the attachments (search_read)",
        {},
    ),
}


def expected(check, role, phase):
    """Whether ``role`` may do ``check`` in ``phase``."""
    return phase in MATRIX[check][1].get(role, ())


def markdown_summary():
    """The matrix as a markdown table: one row per check, one column per
    role, the phases in which it is allowed (abbreviated)."""
    short = {
        "goal_setting": "G",
        "goal_approval": "A",
        "execution": "X",
        "evaluation": "E",
        "calibration": "C",
        "published": "P",
        "closed": "Z",
    }
    header = "| check | " + " | ".join(ROLES) + " |"
    lines = [header, "|---|" + "---|" * len(ROLES)]
    for _name, (label, allowed) in MATRIX.items():
        cells = []
        for role in ROLES:
            phases = allowed.get(role, ())
            if phases == ALL:
                cells.append("all")
            else:
                cells.append("".join(short[p] for p in PHASES if p in phases) or "–")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
