#!/usr/bin/env python3
# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Launch benchmark: employees, seconds and queries of a cycle launch.

For each size (default 1,000 and 10,000 employees in 100 departments, a
template with 8 KPI lines) it builds a fresh database with the add-on, creates
the org chart (users by SQL, employees in one batch; not timed), then times:

* the launch: ``action_launch`` and the background job's batches, run as the
  cron runner runs them, until every review and line exists;
* the to-dos: the to-do job's batches until every to-do is delivered.

It prints one line per size. Needs Odoo 18.0 (ODOO_HOME or importable) and
PostgreSQL, like the Odoo test tier:

    ODOO_HOME=/path/to/odoo python3 tools/bench_launch.py [--sizes 1000 10000]
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import odoo_env  # noqa: E402

SCRIPT = r'''
import time
from odoo import Command

N = {size}
DEPARTMENTS = 100
env = env(context=dict(env.context, tracking_disable=True))
company = env.company
cr = env.cr

# --- org chart (not timed) -------------------------------------------------
root = env["hr.department"].create({{"name": "Bench"}})
departments = env["hr.department"].create(
    [{{"name": f"Bench {{i}}", "parent_id": root.id}} for i in range(DEPARTMENTS)]
)
group_user = env.ref("base.group_user").id
perf_user = env.ref("perf_closed_loop.group_perf_user").id
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
user_ids = [row[0] for row in cr.fetchall()]
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
per_department = N // DEPARTMENTS
heads = env["hr.employee"].create(
    [
        {{"name": f"Head {{i}}", "department_id": d.id, "user_id": user_ids[i]}}
        for i, d in enumerate(departments)
    ]
)
departments_heads = dict(zip(departments.ids, heads.ids))
for department, head in zip(departments, heads):
    department.manager_id = head
vals = []
for i, user_id in enumerate(user_ids[DEPARTMENTS:]):
    department = departments[i % DEPARTMENTS]
    vals.append(
        {{
            "name": f"Employee {{i}}",
            "department_id": department.id,
            "parent_id": departments_heads[department.id],
            "user_id": user_id,
        }}
    )
env["hr.employee"].create(vals)
template = env["perf.template"].create(
    {{
        "name": "Bench template",
        "kpi_weight": 100,
        "kpi_line_ids": [
            Command.create(
                {{"name": f"KPI {{k}}", "weight": 12.5, "target_value": 100}}
            )
            for k in range(8)
        ],
    }}
)
cycle = env["perf.cycle"].create(
    {{
        "name": "Bench cycle",
        "date_start": "2026-01-01",
        "date_end": "2026-06-30",
        "goal_deadline": "2026-01-31",
        "assignment_ids": [
            Command.create({{"department_ids": [Command.set(root.ids)],
                            "template_id": template.id}})
        ],
    }}
)
env.flush_all()
env.cr.commit()
env.invalidate_all()

# --- launch (timed) ---------------------------------------------------------
Cycle = env["perf.cycle"]
queries = cr.sql_log_count
started = time.perf_counter()
cycle.action_launch()
batches = 0
while cycle.job_state != "done":
    Cycle._cron_run_jobs()
    env.cr.commit()
    batches += 1
env.flush_all()
launch_seconds = time.perf_counter() - started
launch_queries = cr.sql_log_count - queries
reviews = env["perf.review"].search_count([("cycle_id", "=", cycle.id)])
lines = env["perf.review.line"].search_count([("review_id.cycle_id", "=", cycle.id)])

# --- to-dos (timed) ----------------------------------------------------------
queries = cr.sql_log_count
started = time.perf_counter()
todo_batches = 0
while env["perf.review"].search_count([("todo_pending", "=", True)]):
    Cycle._cron_deliver_todos()
    env.cr.commit()
    todo_batches += 1
todo_seconds = time.perf_counter() - started
todo_queries = cr.sql_log_count - queries
activities = env["mail.activity"].search_count([("res_model", "=", "perf.review")])
mails = env["mail.mail"].search_count([("state", "=", "outgoing")])
inbox = env["mail.notification"].search_count([("notification_type", "=", "inbox")])
print(
    f"BENCH employees={{reviews}} lines={{lines}} "
    f"launch_seconds={{launch_seconds:.1f}} "
    f"launch_queries={{launch_queries}} launch_batches={{batches}} "
    f"todos={{activities}} todo_seconds={{todo_seconds:.1f}} "
    f"todo_queries={{todo_queries}} todo_batches={{todo_batches}} mails={{mails}} "
    f"inbox={{inbox}}"
)
'''


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    try:
        odoo = odoo_env.find_odoo()
        if not odoo:
            raise odoo_env.SetupError(
                "Odoo 18.0 not found: set ODOO_HOME or make 'import odoo' work."
            )
        params = odoo_env.db_params()
        odoo_env.check_postgres(params)
    except odoo_env.SetupError as exc:
        sys.exit(f"ERROR: {exc}")
    pg = ["-h", params["host"], "-p", params["port"], "-U", params["user"]]
    print(
        "employees  launch_s  launch_queries  batches  todo_s  todo_queries  "
        "e-mails  inbox"
    )
    for size in args.sizes:
        db = f"perf_bench_{size}_{int(time.time())}"
        data_dir = odoo_env.REPO / ".odoo-data"
        common = [
            f"--addons-path={odoo.addons_path}",
            f"--data-dir={data_dir}",
            f"--database={db}",
            *odoo_env.odoo_db_args(params),
            "--log-level=warn",
            "--max-cron-threads=0",
        ]
        try:
            subprocess.run(
                odoo.command
                + common
                + [
                    f"--init={odoo_env.MODULE}",
                    "--without-demo=all",
                    "--stop-after-init",
                ],
                check=True,
            )
            out = subprocess.run(
                odoo.command + ["shell"] + common + ["--no-http"],
                input=SCRIPT.format(size=size),
                text=True,
                capture_output=True,
                check=False,
            )
            result = [line for line in out.stdout.splitlines() if "BENCH" in line]
            if not result:
                print(out.stdout[-2000:], out.stderr[-4000:])
                sys.exit(f"benchmark for {size} employees failed")
            fields = dict(item.split("=") for item in result[0].split()[1:])
            print(
                f"{fields['employees']:>9}  {fields['launch_seconds']:>8}  "
                f"{fields['launch_queries']:>14}  {fields['launch_batches']:>7}  "
                f"{fields['todo_seconds']:>6}  {fields['todo_queries']:>12}  "
                f"{fields['mails']:>7}  {fields['inbox']:>5}",
                flush=True,
            )
        finally:
            subprocess.run(["dropdb", "--if-exists", *pg, db], check=False)


if __name__ == "__main__":
    main()
