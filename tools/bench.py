#!/usr/bin/env python3
# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Benchmark of the company-wide phases: min / median seconds, queries.

For each size (default 1,000 and 10,000 employees in 100 departments) it
builds a database with the add-on, the org chart (users by SQL, employees in
one batch), a flow (goal setting, goal approval by the manager, self 20 % and
two peers 20 % nominated by the manager at sequence 10, manager 60 % at
sequence 20), a template with 8 KPI lines and a draft cycle (none of it
timed). Each run works on its own copy of that database (``odoo db
duplicate``), so runs are independent, and times, as the cron runner runs
the background jobs (one committed batch per call):

1. launch: ``action_launch`` (by an HR officer), then the job's batches;
2. launch to-dos: ``_cron_deliver_todos`` until no to-do is pending;
3. start of the evaluation: two approved peers per review and every review
   in execution (set up in bulk, untimed), then ``_do_start_evaluation``
   (by the HR officer) and the job's batches;
4. evaluation to-dos: ``_cron_deliver_todos`` until none is pending;
5. final-score recompute: every rating submitted with scores (in bulk,
   untimed), then ``_recompute_scores`` of all the cycle's reviews;
6. the calibration screen: the calibration started through its preview by
   the HR officer, who merges the groups of the first 20 departments into
   one (untimed: 1,980 people at 10,000 employees, 180 at 1,000), then the
   ``web_read`` the calibration form makes (the specification the web
   client builds from the form view: its fields, the distribution and
   leniency tables, the people list's first page of 40 in its order), once
   as the group's calibrator and once as the HR officer;
7. publication: every group approved (in bulk, untimed), then
   ``action_publish`` (by the HR officer) and the job's batches;
8. publication to-dos: ``_cron_deliver_todos`` until none is pending;
9. export: ``action_export_xlsx`` of the cycle by the HR officer;
10. final scores by department over 5 cycles: 4 earlier closed cycles each
    get a copy of this cycle's reviews (SQL, untimed: 50,000 reviews at
    10,000 employees), then the grouped read of the cycle dashboard
    (``_read_group`` by department, count and average final score) over
    every review with a final score, as the HR officer.

On another copy of the database, the results interview (``--only
interview``; ``--only loop`` runs 1-10 alone):

11. launch with nothing to carry over (the reference for 12);
12. the cycle published (untimed: each review's interview with two open
    agreed actions), the next cycle prepared and launched: the launch job
    carries each person's actions into their goals;
13. one person's history: their review copied into 24 earlier published
    cycles (SQL, untimed), then what the *Performance* button shows their
    manager (the action, the list's rows, the grade trend and last cycle's
    panel of the latest review).

It prints one Markdown table (min and median seconds over the runs, the
median CPU seconds of the Odoo process, queries, batches and the seconds of
the first / last / slowest batch), the counts that show the work was done,
and a line describing the machine. Needs Odoo
18.0 (ODOO_HOME or importable) and PostgreSQL, like the Odoo test tier;
runs in ``.venv`` like the other tools (``PERF_NO_VENV=1``: this Python):

    python3 tools/bench.py [--sizes 1000 10000] [--runs 3] [--rev HEAD]
                           [--only loop|interview|refresh]

``--rev`` benchmarks the add-on as committed in that revision (exported
under ``.bench/``) instead of the working tree.

``--only refresh`` benchmarks the refresh of measured actuals instead: three
measures over contacts (a count, a sum and a ratio) bound to the template's
first three KPI lines, two contacts per employee created by SQL, every
review in execution (untimed), then ``_refresh_actuals`` of the cycle twice
(every actual changes, then none does), printing seconds and queries for
each size: the queries depend on the measures, not on the people.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import odoo_env  # noqa: E402
import setup_env  # noqa: E402

REPO = odoo_env.REPO
WORK = REPO / ".bench"
CYCLE = "Bench cycle"
HR_LOGIN = "bench_hr"
DEPARTMENTS = 100  # the org chart's departments (BUILD), each with its head
MERGED = 20  # departments whose calibration groups HR merges into one
CYCLES = 5  # cycles the statistics group (this one and 4 copies)
# Smallest size whose departments reach the default policy's minimum group
# size (5) besides their head, so that they are calibration groups.
MIN_SIZE = DEPARTMENTS * 6

# Untimed: org chart, HR officer, flow, template and draft cycle.
BUILD = r'''
import json
from odoo import Command

P = json.loads(PARAMS)
N, DEPARTMENTS = P["size"], P["departments"]
env = env(context=dict(env.context, tracking_disable=True, no_reset_password=True))
company = env.company
cr = env.cr
root = env["hr.department"].create({"name": "Bench"})
departments = env["hr.department"].create(
    [{"name": f"Bench {i}", "parent_id": root.id} for i in range(DEPARTMENTS)]
)
group_user = env.ref("base.group_user").id
perf_user = env.ref("perf_closed_loop.group_perf_user").id
hr = env["res.users"].create(
    {
        "name": "Bench HR",
        "login": P["hr_login"],
        "email": "bench.hr@example.com",
        "groups_id": [
            Command.set([group_user, env.ref("perf_closed_loop.group_perf_hr").id])
        ],
    }
)
cr.execute(
    """
    WITH partners AS (
        INSERT INTO res_partner (name, email, active, company_id, type)
        SELECT 'Bench ' || i, 'bench' || i || '@example.com', true, %s, 'contact'
        FROM generate_series(1, %s) i RETURNING id
    )
    INSERT INTO res_users
        (login, partner_id, company_id, active, notification_type, share)
    SELECT 'bench' || p.id, p.id, %s, true,
           CASE WHEN p.id %% 2 = 0 THEN 'email' ELSE 'inbox' END, false
    FROM partners p
    RETURNING id
    """,
    [company.id, N, company.id],
)
user_ids = sorted(row[0] for row in cr.fetchall())
cr.execute(
    "INSERT INTO res_groups_users_rel (gid, uid) SELECT g, u FROM unnest(%s) u, "
    "unnest(%s) g",
    [user_ids, [group_user, perf_user]],
)
cr.execute(
    "INSERT INTO res_company_users_rel (cid, user_id) SELECT %s, u FROM unnest(%s) u",
    [company.id, user_ids],
)
env.invalidate_all()
heads = env["hr.employee"].create(
    [
        {"name": f"Head {i}", "department_id": d.id, "user_id": user_ids[i]}
        for i, d in enumerate(departments)
    ]
)
for department, head in zip(departments, heads):
    department.manager_id = head
env["hr.employee"].create(
    [
        {
            "name": f"Employee {i}",
            "department_id": departments[i % DEPARTMENTS].id,
            "parent_id": heads[i % DEPARTMENTS].id,
            "user_id": user_id,
        }
        for i, user_id in enumerate(user_ids[DEPARTMENTS:])
    ]
)
flow = env["perf.flow"].create(
    {
        "name": "Bench flow: self, two peers, manager",
        "step_ids": [
            Command.create({"sequence": 1, "kind": "goal_setting"}),
            Command.create({"sequence": 5, "kind": "goal_approval"}),
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
template = env["perf.template"].create(
    {
        "name": "Bench template",
        "flow_id": flow.id,
        "kpi_weight": 100,
        "kpi_line_ids": [
            Command.create({"name": f"KPI {k}", "weight": 12.5, "target_value": 100})
            for k in range(8)
        ],
    }
)
env["perf.cycle"].create(
    {
        "name": P["cycle"],
        "hr_user_id": hr.id,
        "date_start": "2026-01-01",
        "date_end": "2026-06-30",
        "goal_deadline": "2026-01-31",
        "assignment_ids": [
            Command.create(
                {"department_ids": [Command.set(root.ids)], "template_id": template.id}
            )
        ],
    }
)
env.flush_all()
env.cr.commit()
print("BENCH_BUILT", len(user_ids))
'''

# Timed phases (Odoo's normal context, as an HR officer's click and the cron
# runner have) with untimed bulk set-ups between them.
RUN = r'''
import json
import sys
import time

import odoo.release

P = json.loads(PARAMS)
cr = env.cr
Cycle = env["perf.cycle"]
cycle = Cycle.search([("name", "=", P["cycle"])])
hr = env["res.users"].search([("login", "=", P["hr_login"])])
models_ = env["perf.todo.mixin"]._todo_models()
BULK = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
    "mail_activity_automation_skip": True,
}
phases, counts = {}, {}


def measure(name, start=None, step=None, done=None):
    """Seconds, queries and this process's CPU seconds of ``start`` and of
    ``step`` (one committed batch) called until ``done()``; the ``done()``
    checks are not counted."""
    queries, cpu = 0, 0.0

    def timed(function):
        nonlocal queries, cpu
        before, cpu_before = cr.sql_log_count, time.process_time()
        started = time.perf_counter()
        function()
        env.flush_all()
        env.cr.commit()
        seconds = time.perf_counter() - started
        queries += cr.sql_log_count - before
        cpu += time.process_time() - cpu_before
        return seconds

    start_seconds = timed(start) if start else 0.0
    batches = []
    while step and not done():
        batches.append(timed(step))
    phases[name] = {
        "seconds": start_seconds + sum(batches),
        "start": start_seconds,
        "queries": queries,
        "cpu": cpu,
        "batches": batches,
    }


def job_done(target=None):
    target = target or cycle
    target.invalidate_recordset(["job_state"])
    return target.job_state == "done"


def nothing_pending():
    return not any(
        env[name].sudo().search_count([("todo_pending", "=", True)])
        for name in models_
    )


def count(model, domain):
    return env[model].sudo().with_context(active_test=False).search_count(domain)


def mail_counts():
    return (
        count("mail.mail", [("state", "=", "outgoing")]),
        count("mail.notification", [("notification_type", "=", "inbox")]),
    )


cr.execute("SHOW server_version")
machine = {
    "postgresql": cr.fetchone()[0],
    "odoo": odoo.release.version,
    "python": sys.version.split()[0],
    "batch_size": cycle._batch_size(),
    "sync_limit": cycle._sync_limit(),
}

# 1. Launch ------------------------------------------------------------------
measure("launch", cycle.with_user(hr).action_launch, Cycle._cron_run_jobs, job_done)
reviews = env["perf.review"].search([("cycle_id", "=", cycle.id)])
counts["reviews"] = len(reviews)
counts["review lines"] = count("perf.review.line", [("review_id", "in", reviews.ids)])
counts["goal approvals"] = count(
    "perf.review.approval", [("review_id", "in", reviews.ids)]
)

# 2. Launch to-dos -------------------------------------------------------------
measure("todos", None, Cycle._cron_deliver_todos, nothing_pending)
counts["goal to-dos"] = count("mail.activity", [("res_model", "=", "perf.review")])
mails, inbox = mail_counts()
counts["launch e-mails"], counts["launch inbox messages"] = mails, inbox

# Untimed: two approved peers per review (the next colleagues of the same
# department, neither oneself nor one's manager), goals approved, every
# review and the cycle in execution.
reviews = reviews.sudo().with_context(**BULK)
by_department = {}
for review in reviews.sorted("id"):
    by_department.setdefault(review.department_id.id, []).append(review)
nominations = []
for members in by_department.values():
    users = [review.user_id for review in members]
    for index, review in enumerate(members):
        excluded = review.user_id | review.manager_user_id
        peers = [
            user
            for user in users[index + 1 :] + users[:index]
            if user not in excluded
        ][:2]
        nominations += [
            {
                "review_id": review.id,
                "user_id": peer.id,
                "nominated_by_id": (review.manager_user_id or hr).id,
                "state": "approved",
            }
            for peer in peers
        ]
env["perf.review.nomination"].sudo().with_context(**BULK).create(nominations)
env["perf.review.approval"].sudo().search([("review_id", "in", reviews.ids)]).write(
    {"state": "approved"}
)
reviews.write({"peer_state": "approved", "todo_pending": False})
reviews._write_state({"state": "execution"})
cycle.sudo()._write_state({"state": "execution"})
env.flush_all()
env.cr.commit()
env.invalidate_all()
counts["peer nominations"] = len(nominations)

# 3. Start of the evaluation ---------------------------------------------------
measure(
    "evaluation",
    cycle.with_user(hr)._do_start_evaluation,
    Cycle._cron_run_jobs,
    job_done,
)
Rating = env["perf.review.rating"].sudo().with_context(**BULK)
ratings = Rating.search([("cycle_id", "=", cycle.id)])
counts["reviews in evaluation"] = count(
    "perf.review", [("cycle_id", "=", cycle.id), ("state", "=", "evaluation")]
)
counts["ratings"] = len(ratings)
counts["ratings to do"] = count(
    "perf.review.rating", [("cycle_id", "=", cycle.id), ("state", "=", "todo")]
)
counts["score lines"] = count(
    "perf.review.rating.line", [("rating_id", "in", ratings.ids)]
)

# 4. Evaluation to-dos ---------------------------------------------------------
measure("evaluation_todos", None, Cycle._cron_deliver_todos, nothing_pending)
counts["rating to-dos"] = count(
    "mail.activity", [("res_model", "=", "perf.review.rating")]
)
mails_after, inbox_after = mail_counts()
counts["evaluation e-mails"] = mails_after - mails
counts["evaluation inbox messages"] = inbox_after - inbox

# Untimed: the manager ratings open (with their score lines), every line
# scored, every rating submitted with its total.
ratings.filtered(lambda r: r.state == "waiting")._open()
env.flush_all()
cr.execute(
    """
    UPDATE perf_review_rating_line l
       SET score = 50 + (l.id %% 51), scored = true
      FROM perf_review_rating r
     WHERE r.id = l.rating_id AND r.cycle_id = %s
    """,
    [cycle.id],
)
cr.execute(
    """
    UPDATE perf_review_rating
       SET state = 'submitted', todo_pending = false,
           submitted_date = now() at time zone 'UTC'
     WHERE cycle_id = %s
    """,
    [cycle.id],
)
env.invalidate_all()
env.add_to_compute(Rating._fields["total_score"], ratings)
env.flush_all()
env.cr.commit()
env.invalidate_all()

# 5. Final-score recompute -----------------------------------------------------
reviews = env["perf.review"].search([("cycle_id", "=", cycle.id)])
env.invalidate_all()
measure("recompute", reviews._recompute_scores)
cr.execute(
    """
    SELECT count(*) FILTER (WHERE score_ready), count(*) FILTER (WHERE
           evaluation_done), round(avg(final_score), 2)
      FROM perf_review WHERE cycle_id = %s
    """,
    [cycle.id],
)
ready, done, mean = cr.fetchone()
counts["final scores ready"] = ready
counts["evaluations complete"] = done
counts["mean final score"] = float(mean or 0)

# Untimed: the start of the calibration through its preview, as HR, who
# merges the groups of the first MERGED departments into the first one's
# (the group the calibration screen shows below).
action = cycle.with_user(hr).action_start_calibration()
wizard = env["perf.cycle.calibration"].with_user(hr).browse(action["res_id"])
group_lines = wizard.line_ids.filtered(
    lambda line: line.kind == "group" and line.department_id
).sorted(lambda line: line.department_id.id)
merged = group_lines[: P["merged"]]
merged[1:].write({"merge_into_id": merged[0].id})
wizard.action_confirm()
env.flush_all()
env.cr.commit()
env.invalidate_all()
calibrations = env["perf.calibration"].sudo().search([("cycle_id", "=", cycle.id)])
calibration = calibrations.filtered(
    lambda c: c.department_id == merged[0].department_id
)
calibrator = calibration.calibrator_id
counts["calibration groups"] = len(calibrations)
counts["reviews in calibration"] = count(
    "perf.review", [("cycle_id", "=", cycle.id), ("state", "=", "calibration")]
)
counts["people in the calibrated group"] = len(calibration.review_ids)
counts["departments in the calibrated group"] = len(calibration.department_ids)


def field_nodes(node):
    """The <field> nodes of a view, not those of its x2many sub-views."""
    for child in node:
        if child.tag == "field":
            yield child
        elif isinstance(child.tag, str):
            yield from field_nodes(child)


def view_spec(node, fields, models_):
    """The web_read specification the web client (desktop) builds for a
    view: every field, many2one display names, the columns of an x2many's
    list for its first page (the list's limit, 40 by default) in the list's
    order, the names of many2many tags."""
    spec = {}
    for field in field_nodes(node):
        name = field.get("name")
        kind = fields[name]["type"]
        hidden = bool(
            {"1", "True"} & {field.get("invisible"), field.get("column_invisible")}
        )
        if kind == "many2one":
            entry = {"fields": {} if hidden else {"display_name": {}}}
        elif kind in ("one2many", "many2many") and not hidden:
            sub = next((child for child in field if child.tag == "list"), None)
            relation = fields[name]["relation"]
            if sub is not None:
                entry = {
                    "fields": view_spec(sub, models_[relation]["fields"], models_),
                    "limit": int(sub.get("limit") or 40),
                }
                if sub.get("default_order"):
                    entry["order"] = sub.get("default_order")
            else:
                entry = {"fields": {"display_name": {}}}
        else:
            entry = {}
        spec.setdefault(name, entry)
    return spec


def form_spec(record):
    from lxml import etree

    views = record.get_views([(False, "form")])
    models_ = views["models"]
    arch = etree.fromstring(views["views"]["form"]["arch"])
    return view_spec(arch, models_[record._name]["fields"], models_)


WEB_CONTEXT = {"bin_size": True, "lang": "en_US", "tz": "UTC"}


def read_screen(name, user):
    """Time what the calibration form loads (web_read), as ``user``."""
    record = calibration.with_user(user).with_context(**WEB_CONTEXT)
    spec = form_spec(record)
    env.invalidate_all()
    screen = []
    measure(name, lambda: screen.extend(record.web_read(spec)))
    values = screen[0]
    rows = values["review_ids"]
    shown = [row for row in rows if len(row) > 1]
    return values, rows, shown


# 6. The calibration screen -----------------------------------------------------
for name, user, who in (
    ("calibration_screen", calibrator, "calibrator"),
    ("calibration_screen_hr", hr, "HR"),
):
    values, rows, shown = read_screen(name, user)
    counts[f"screen ({who}): people"] = len(rows)
    counts[f"screen ({who}): rows read"] = len(shown)
    counts[f"screen ({who}): scores shown"] = sum(
        1 for row in shown if row.get("final_score")
    )
    counts[f"screen ({who}): grade lines"] = (values["distribution_html"] or "").count(
        "<tr class="
    )
    counts[f"screen ({who}): leniency lines"] = (
        values["leniency_html"] or ""
    ).count("<tr><td>")
    counts[f"screen ({who}): can edit"] = int(bool(values["can_edit"]))

# Untimed: every group approved by HR (its to-do void).
calibrations.with_context(**BULK)._write_state(
    {"state": "approved", "todo_pending": False}
)
env.flush_all()
env.cr.commit()
env.invalidate_all()

# 7. Publication ------------------------------------------------------------------
measure(
    "publication", cycle.with_user(hr).action_publish, Cycle._cron_run_jobs, job_done
)
counts["reviews published"] = count(
    "perf.review", [("cycle_id", "=", cycle.id), ("state", "=", "published")]
)
counts["cycle published"] = int(cycle.sudo().state == "published")
todos_before = count("mail.activity", [("res_model", "=", "perf.review")])

# 8. Publication to-dos -------------------------------------------------------------
measure("publication_todos", None, Cycle._cron_deliver_todos, nothing_pending)
counts["acknowledgement to-dos"] = (
    count("mail.activity", [("res_model", "=", "perf.review")]) - todos_before
)
mails_now, inbox_now = mail_counts()
counts["publication e-mails"] = mails_now - mails_after
counts["publication inbox messages"] = inbox_now - inbox_after

# 9. Export (xlsx) --------------------------------------------------------------------
env.invalidate_all()
exported = []


def export_xlsx():
    """The request, then the workbook built as its link is opened."""
    action = cycle.with_user(hr).action_export_xlsx()
    export_id = int(action["url"].rsplit("/", 1)[1])
    exported.append(
        env["perf.cycle.export"].with_user(hr).browse(export_id)._content()[0]
    )


measure("export", export_xlsx)
import io
import re
import zipfile

content = exported[0]
with zipfile.ZipFile(io.BytesIO(content)) as book:
    sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
    first = book.read("xl/worksheets/sheet1.xml").decode()
counts["exported rows"] = len(re.findall(r"<row ", first)) - 1
counts["export sheets"] = len(sheets)
counts["export kB"] = round(len(content) / 1024)

# Untimed: four earlier cycles, closed, each with a copy of this cycle's
# reviews (SQL), for the statistics over five cycles.
cr.execute(
    """
    SELECT column_name FROM information_schema.columns
     WHERE table_name = 'perf_review'
       AND column_name NOT IN ('id', 'cycle_id', 'calibration_id')
    """
)
columns = ", ".join(f'"{row[0]}"' for row in cr.fetchall())
for year in range(2022, 2022 + P["cycles"] - 1):
    earlier = Cycle.sudo().with_context(**BULK).create(
        {
            "name": f"{P['cycle']} {year}",
            "hr_user_id": hr.id,
            "date_start": f"{year}-01-01",
            "date_end": f"{year}-06-30",
        }
    )
    earlier._write_state({"state": "closed"})
    env.flush_all()
    cr.execute(
        f"INSERT INTO perf_review (cycle_id, {columns}) "
        f"SELECT %s, {columns} FROM perf_review WHERE cycle_id = %s",
        [earlier.id, cycle.id],
    )
cr.execute("ANALYZE perf_review")
env.cr.commit()
env.invalidate_all()

# 10. Final scores by department over five cycles (the dashboard's grouped read)
by_department = []
measure(
    "distribution",
    lambda: by_department.extend(
        env["perf.review"]
        .with_user(hr)
        ._read_group(
            [("score_ready", "=", True)],
            ["department_id"],
            ["__count", "final_score:avg"],
        )
    ),
)
counts["cycles"] = Cycle.sudo().with_context(active_test=False).search_count([])
counts["reviews grouped"] = sum(row[1] for row in by_department)
counts["department groups"] = len(by_department)
counts["mean of the department averages"] = round(
    sum(row[2] for row in by_department) / len(by_department), 2
)
print("BENCH_RESULT " + json.dumps({"phases": phases, "counts": counts, **machine}))
'''

# The results interview's phases, on their own copy of the database: the
# cycle launched and published (untimed, interviews with two agreed actions
# each), then timed: the next cycle's launch carrying the actions over, and
# one person's history over 24 earlier cycles as their manager reads it.
RUN_INTERVIEW = (
    RUN[: RUN.index("# 1. Launch")]
    + r'''
# 11. Launch without anything to carry over (the reference) -----------------------
measure(
    "launch_plain", cycle.with_user(hr).action_launch, Cycle._cron_run_jobs, job_done
)
reviews = env["perf.review"].sudo().search([("cycle_id", "=", cycle.id)])
counts["reviews"] = len(reviews)

# Untimed: published (each review gets its interview), two open actions each.
reviews.with_context(**BULK)._do_publish()
cycle.sudo()._write_state({"state": "published"})
interviews = env["perf.interview"].sudo().search([("cycle_id", "=", cycle.id)])
env["perf.agreed.action"].sudo().with_context(**BULK).create(
    [
        {"interview_id": interview.id, "name": name, "date_due": "2027-03-31"}
        for interview in interviews
        for name in ("Take the course", "Mentor a colleague")
    ]
)
env.flush_all()
env.cr.commit()
env.invalidate_all()
counts["interviews"] = len(interviews)

# 12. The next cycle's launch, carrying the open actions over -----------------------
nxt = Cycle.browse(cycle.with_user(hr).action_prepare_next_cycle()["res_id"])
measure(
    "carry_over",
    nxt.with_user(hr).action_launch,
    Cycle._cron_run_jobs,
    lambda: job_done(nxt),
)
counts["carried lines"] = count(
    "perf.review.line",
    [("origin", "=", "carried"), ("review_id.cycle_id", "=", nxt.id)],
)

# Untimed: one person's review copied, published, into 24 earlier cycles (SQL).
review = reviews.filtered("manager_user_id")[:1]
manager = review.manager_user_id
grade = review.template_id.rating_scale_id.grade_ids[:1]
cr.execute(
    """
    SELECT column_name FROM information_schema.columns
     WHERE table_name = 'perf_review'
       AND column_name NOT IN ('id', 'cycle_id', 'calibration_id', 'interview_id',
                               'state', 'final_score', 'score_ready',
                               'final_grade_id', 'cycle_date_start')
    """
)
columns = ", ".join(f'"{row[0]}"' for row in cr.fetchall())
for month in range(24):
    year, index = 2018 + month // 12, month % 12 + 1
    earlier = Cycle.sudo().with_context(**BULK).create(
        {
            "name": f"{P['cycle']} {year}-{index:02d}",
            "hr_user_id": hr.id,
            "date_start": f"{year}-{index:02d}-01",
            "date_end": f"{year}-{index:02d}-28",
        }
    )
    earlier._write_state({"state": "closed"})
    env.flush_all()
    cr.execute(
        f"INSERT INTO perf_review (cycle_id, cycle_date_start, state, "
        f"final_score, score_ready, final_grade_id, {columns}) SELECT %s, %s, "
        f"'published', %s, true, %s, {columns} FROM perf_review WHERE id = %s",
        [earlier.id, earlier.date_start, 60 + month, grade.id, review.id],
    )
env.cr.commit()
env.invalidate_all()

# 13. One person's history, as their manager reads it -------------------------------
history = []


def read_history():
    employee = review.employee_id.with_user(manager)
    action = employee.action_open_perf_history()
    Review = env["perf.review"].with_user(manager)
    history.extend(
        Review.search_read(
            action["domain"],
            ["cycle_id", "final_score", "final_grade_id", "interview_state"],
        )
    )
    latest = Review.browse(history[-1]["id"] if history else [])
    latest.read(["grade_trend_html", "previous_results_html"])


measure("history", read_history)
counts["history rows"] = len(history)
print("BENCH_RESULT " + json.dumps({"phases": phases, "counts": counts, **machine}))
'''
)

# Measured actuals (``--only refresh``), on the built database.
REFRESH = r'''
import json
import time

P = json.loads(PARAMS)
cr = env.cr
env = env(context=dict(env.context, tracking_disable=True))
cycle = env["perf.cycle"].search([("name", "=", P["cycle"])])
hr = env["res.users"].search([("login", "=", P["hr_login"])])
fields_ = env["ir.model.fields"]


def field(name):
    return fields_._get("res.partner", name).id


base = {
    "model_id": env["ir.model"]._get_id("res.partner"),
    "person_field_id": field("user_id"),
    "date_field_id": field("create_date"),
}
measures = env["perf.measure"].create(
    [
        {**base, "name": "Contacts"},
        {
            **base,
            "name": "Colours",
            "aggregate": "sum",
            "value_field_id": field("color"),
        },
        {
            **base,
            "name": "Share",
            "aggregate": "ratio",
            "ratio_domain": "[('color', '>', 2)]",
        },
    ]
)
kpis = cycle.assignment_ids.template_id.kpi_line_ids[:3]
for kpi, measure in zip(kpis, measures):
    kpi.measure_id = measure
cycle.with_user(hr).action_launch()
while cycle.job_state != "done":
    env["perf.cycle"]._cron_run_jobs()
    cycle.invalidate_recordset(["job_state"])
reviews = cycle.review_ids
cr.execute(
    "UPDATE perf_review SET state = 'execution' WHERE cycle_id = %s", [cycle.id]
)
cr.execute("UPDATE perf_cycle SET state = 'execution' WHERE id = %s", [cycle.id])
cr.execute(
    """
    INSERT INTO res_partner (name, active, type, user_id, color, create_date)
    SELECT 'Contact ' || u.id || '-' || k, true, 'contact', u.id, (u.id + k) %% 5,
           '2026-03-01'
    FROM perf_review r JOIN res_users u ON u.id = r.user_id,
         generate_series(1, 2) k
    WHERE r.cycle_id = %s
    """,
    [cycle.id],
)
env.invalidate_all()
env.cr.commit()
result = {"reviews": len(reviews), "bound lines": 3 * len(reviews)}
for name in ("refresh", "refresh again"):
    env.invalidate_all()
    before = cr.sql_log_count
    started = time.perf_counter()
    changed = cycle._refresh_actuals()
    env.flush_all()
    env.cr.commit()
    result[name] = {
        "seconds": round(time.perf_counter() - started, 2),
        "queries": cr.sql_log_count - before,
        "changed": changed,
    }
print("BENCH_REFRESH " + json.dumps(result))
'''

PHASES = [
    ("launch", "launch (job)"),
    ("todos", "launch to-dos"),
    ("evaluation", "start of the evaluation (job)"),
    ("evaluation_todos", "evaluation to-dos"),
    ("recompute", "final-score recompute"),
    ("calibration_screen", "calibration screen, calibrator (web_read)"),
    ("calibration_screen_hr", "calibration screen, HR (web_read)"),
    ("publication", "publication (job)"),
    ("publication_todos", "publication to-dos"),
    ("export", "export of the results (xlsx)"),
    ("distribution", "final scores by department, 5 cycles"),
    ("launch_plain", "launch, nothing to carry over (job)"),
    ("carry_over", "next launch carrying 2 actions a person (job)"),
    ("history", "one person's history, 25 cycles, as the manager"),
]
# Which script times which phases (``--only``).
SCRIPTS = {"loop": RUN, "interview": RUN_INTERVIEW}


class OdooRunner:
    """Odoo's command lines for the benchmark's databases: install, shell
    script, duplicate and drop (with their filestores), in one place."""

    def __init__(self, odoo, params, addons_path):
        self.odoo = odoo
        self.common = [
            f"--addons-path={addons_path}",
            f"--data-dir={REPO / '.odoo-data'}",
            *odoo_env.odoo_db_args(params),
        ]

    def _run(self, argv, what, stdin=None):
        proc = subprocess.run(
            self.odoo.command + argv,
            input=stdin,
            text=True,
            capture_output=True,
            check=False,
        )
        if proc.returncode:
            tail = (proc.stdout[-2000:] + proc.stderr[-4000:]).strip()
            raise odoo_env.SetupError(
                f"{what} failed (exit {proc.returncode}):\n{tail}"
            )
        return proc

    def install(self, db):
        self._run(
            [
                *self.common,
                f"--database={db}",
                f"--init={odoo_env.MODULE}",
                "--without-demo=all",
                "--log-level=warn",
                "--max-cron-threads=0",
                "--stop-after-init",
            ],
            f"installing {odoo_env.MODULE} into {db}",
        )

    def shell(self, db, script, params, marker):
        """Run ``script`` in ``odoo shell`` on ``db`` (``PARAMS`` holds
        ``params`` as JSON) and return the text after ``marker``."""
        argv = [
            "shell",
            *self.common,
            f"--database={db}",
            "--log-level=warn",
            "--max-cron-threads=0",
            "--no-http",
        ]
        stdin = f"PARAMS = {json.dumps(params)!r}\n{script}"
        proc = self._run(argv, f"odoo shell on {db}", stdin)
        for line in proc.stdout.splitlines():
            if line.startswith(marker):
                return line[len(marker) :].strip()
        tail = (proc.stdout[-2000:] + proc.stderr[-4000:]).strip()
        raise odoo_env.SetupError(f"odoo shell on {db} printed no {marker}:\n{tail}")

    def db(self, *args):
        self._run(["db", *self.common, *args], f"odoo db {' '.join(args)}")

    def drop(self, db):
        try:
            self.db("drop", db)
        except odoo_env.SetupError:
            pass  # never created


# ------------------------------------------------------------------ the add-on
def addon_source(rev):
    """(folder holding perf_closed_loop, description) for ``rev`` (exported
    with git archive) or for the working tree when ``rev`` is None."""
    if not rev:
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", odoo_env.MODULE],
            cwd=REPO,
            capture_output=True,
            text=True,
        ).stdout.strip()
        head = _git("rev-parse", "--short", "HEAD")
        state = " + uncommitted changes" if dirty else ""
        return REPO, f"working tree (HEAD {head}{state})"
    commit = _git("rev-parse", "--verify", f"{rev}^{{commit}}")
    target = WORK / f"src-{commit[:12]}"
    if not (target / odoo_env.MODULE).is_dir():
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "archive", commit, odoo_env.MODULE],
            cwd=REPO,
            capture_output=True,
            check=True,
        )
        subprocess.run(
            ["tar", "-x", "-C", str(target)], input=archive.stdout, check=True
        )
    return target, f"commit {commit[:12]}"


def _git(*args):
    proc = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True)
    if proc.returncode:
        raise odoo_env.SetupError(f"git {' '.join(args)}: {proc.stderr.strip()}")
    return proc.stdout.strip()


# ------------------------------------------------------------------ reporting
def machine_line(result, params):
    model = platform.processor() or platform.machine()
    ram = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f", {int(line.split()[1]) / 1024**2:.1f} GiB RAM"
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} CPUs{ram}; PostgreSQL {result['postgresql']} "
        f"on {params['host']}; Python {result['python']}; Odoo {result['odoo']}"
    )


def _fmt(seconds):
    """Seconds with two decimals, three below a tenth of a second."""
    return f"{seconds:.3f}" if seconds < 0.1 else f"{seconds:.2f}"


def summarize(size, results):
    """Markdown rows of one size: min / median over the runs."""
    rows = []
    for key, label in PHASES:
        if key not in results[0]["phases"]:
            continue
        runs = [r["phases"][key] for r in results]
        seconds = [p["seconds"] for p in runs]
        queries = sorted({p["queries"] for p in runs})
        query_text = (
            f"{queries[0]:,}"
            if len(queries) == 1
            else f"{queries[0]:,}–{queries[-1]:,}"
        )
        batches = "0 | –"
        width = min(len(p["batches"]) for p in runs)
        if width:
            # Each batch's seconds: the median over the runs.
            per_batch = [
                statistics.median(p["batches"][i] for p in runs) for i in range(width)
            ]
            batches = (
                f"{width} | {_fmt(per_batch[0])} / {_fmt(per_batch[-1])} / "
                f"{_fmt(max(per_batch))}"
            )
        cpu = statistics.median(p["cpu"] for p in runs)
        rows.append(
            f"| {size:,} | {label} | {_fmt(min(seconds))} | "
            f"{_fmt(statistics.median(seconds))} | {_fmt(cpu)} | {query_text} | "
            f"{batches} |"
        )
    return rows


def run_line(size, index, runs, result, elapsed):
    parts = []
    for key, _label in PHASES:
        if key not in result["phases"]:
            continue
        phase = result["phases"][key]
        text = f"{key} {_fmt(phase['seconds'])}s/{phase['queries']}q"
        if phase["batches"]:
            text += " [" + " ".join(f"{b:.2f}" for b in phase["batches"]) + "]"
        parts.append(text)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return (
        f"   {size:,} run {index}/{runs} ({elapsed:.0f}s, load {load:.1f}): "
        + "; ".join(parts)
    )


# ----------------------------------------------------------------------- main
def bench_size(runner, size, runs, scripts):
    """Build the size's database once, run the phases on ``runs`` copies."""
    stamp = int(time.time())
    base = f"perf_bench_{size}_{stamp}"
    shared = {
        "size": size,
        "departments": DEPARTMENTS,
        "cycle": CYCLE,
        "hr_login": HR_LOGIN,
        "merged": MERGED,
        "cycles": CYCLES,
    }
    results = []
    try:
        started = time.time()
        runner.install(base)
        runner.shell(base, BUILD, shared, "BENCH_BUILT")
        print(
            f"   {size:,}: database built in {time.time() - started:.0f}s", flush=True
        )
        for index in range(1, runs + 1):
            started = time.time()
            result = {"phases": {}, "counts": {}}
            for name in scripts:
                db = f"{base}_run{index}_{name}"
                try:
                    runner.db("duplicate", base, db)
                    part = json.loads(
                        runner.shell(db, SCRIPTS[name], shared, "BENCH_RESULT")
                    )
                finally:
                    runner.drop(db)
                phases, counts = result["phases"], result["counts"]
                result.update(part)
                result["phases"] = {**phases, **part["phases"]}
                result["counts"] = {**counts, **part["counts"]}
            results.append(result)
            print(
                run_line(size, index, runs, result, time.time() - started), flush=True
            )
    finally:
        runner.drop(base)
    return results


def bench_refresh(runner, size):
    """The refresh of measured actuals on a database of ``size`` people."""
    base = f"perf_bench_refresh_{size}_{int(time.time())}"
    shared = {
        "size": size,
        "departments": DEPARTMENTS,
        "cycle": CYCLE,
        "hr_login": HR_LOGIN,
        "merged": MERGED,
        "cycles": CYCLES,
    }
    try:
        runner.install(base)
        runner.shell(base, BUILD, shared, "BENCH_BUILT")
        result = json.loads(runner.shell(base, REFRESH, shared, "BENCH_REFRESH"))
    finally:
        runner.drop(base)
    for name in ("refresh", "refresh again"):
        run = result[name]
        print(
            f"| {size:,} | {result['reviews']:,} | {result['bound lines']:,} | "
            f"{name} | {run['seconds']} | {run['queries']:,} | {run['changed']:,} |",
            flush=True,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3, help="runs per size")
    parser.add_argument(
        "--rev", help="benchmark the add-on of this git revision (default: as is)"
    )
    parser.add_argument(
        "--only",
        choices=[*sorted(SCRIPTS), "refresh"],
        help="only the loop's phases (1-10), only the results interview's "
        "(11-13: carry-over at launch, one person's history), or only the "
        "refresh of measured actuals; default: the loop and the interview",
    )
    args = parser.parse_args()
    if args.runs < 1 or any(size < MIN_SIZE for size in args.sizes):
        parser.error(
            f"--runs must be at least 1, every size at least {MIN_SIZE} (5 people "
            "per department besides its head: smaller teams have no calibration "
            "group of their own)"
        )
    try:
        odoo, params = setup_env.enter_with_odoo(__file__, sys.argv[1:])
        source, described = addon_source(args.rev)
        paths = [p for p in odoo.addons_path.split(",") if p != str(REPO)]
        runner = OdooRunner(odoo, params, ",".join([*paths, str(source)]))
        if args.only == "refresh":
            print(f"== add-on: {described}; refresh of measured actuals", flush=True)
            print(
                "| employees | reviews | bound lines | run | seconds | queries "
                "| actuals changed |\n|---:|---:|---:|---|---:|---:|---:|"
            )
            for size in args.sizes:
                bench_refresh(runner, size)
            return
        print(f"== add-on: {described}; {args.runs} runs per size", flush=True)
        table, counts, result = [], {}, None
        for size in args.sizes:
            scripts = [args.only] if args.only else list(SCRIPTS)
            results = bench_size(runner, size, args.runs, scripts)
            table += summarize(size, results)
            counts[size] = results
            result = results[-1]
    except (odoo_env.SetupError, subprocess.CalledProcessError) as exc:
        sys.exit(f"ERROR: {exc}")
    print()
    print(f"Machine: {machine_line(result, params)}")
    print(
        f"Add-on: {described}; batch size {result['batch_size']}, background "
        f"above {result['sync_limit']} reviews; {args.runs} runs per size, each "
        "on its own copy of a freshly built database"
    )
    print()
    print(
        "| employees | phase | min (s) | median (s) | Odoo CPU (s) | queries | "
        "batches | batch (s): first / last / max |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---|")
    print("\n".join(table))
    print()
    print(
        "min / median: wall-clock seconds over the runs; Odoo CPU: the median "
        "CPU seconds of the Odoo process (PostgreSQL's own time left out); "
        "queries: the phase's SQL queries, a range when runs differ; batch (s): "
        "each batch's median seconds over the runs."
    )
    print()
    for size, results in counts.items():
        seen = {json.dumps(r["counts"], sort_keys=True) for r in results}
        same = "" if len(seen) == 1 else " (DIFFER between runs; last run shown)"
        items = ", ".join(f"{k} {v:,}" for k, v in results[-1]["counts"].items())
        print(f"{size:,} employees{same}: {items}")


if __name__ == "__main__":
    main()
