#!/usr/bin/env python3
# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Crash and resume on a multi-worker Odoo: kill the background jobs mid-way.

Builds a throwaway database (``perf_crash_<timestamp>``) with the add-on, an
org chart of ``--employees`` people (users and employees in departments of
about 100, each with its head), a flow (goal setting, goal approval, manager
rating 100 %), a template of 4 KPI lines and two cycles: one in draft, and
one of an earlier period already evaluated (one submitted manager rating per
review, with scores) and calibrated (every group approved). Then it starts
Odoo as a company runs it: ``--workers 2 --max-cron-threads 1`` (a prefork
server: HTTP workers and one cron worker process) with
``ODOO_NOTIFY_CRON_CHANGES=1`` (``--no-notify``: without it), and:

1. launch: HR launches the draft cycle over XML-RPC (an HTTP worker); the
   launch job runs in the cron worker in committed batches of
   ``--batch-size``. Mid-job the cron worker is killed (SIGKILL); the server
   respawns one, which must resume the job. Later, still mid-job, the whole
   server is killed (SIGKILL to its process group) and started again; the
   job must resume by itself. Then, mid-delivery of the goal to-dos (their
   own batched cron), the cron worker is killed once more.
2. publication: HR publishes the calibrated cycle over XML-RPC, and the
   same three kills happen to the publication job and its to-dos
   (``--publication-batch-size``: publication batches are much faster).

Nothing calls the add-on's job methods: only the server's cron worker runs
them. While the jobs run, every reading checks that the progress bar
(``job_done`` of ``job_total``) equals the work committed, and after each
kill that ``job_done`` did not move past what was committed. At the end it
counts, with SQL: reviews, lines, goal approvals, to-dos and digests exactly
once, the jobs done, every review published and the ratings and their
scores unchanged by the publication (checksums before and after). It prints
each step, then a table of the checks with OK/FAIL, and exits 1 on any FAIL.

Needs Odoo 18.0 (ODOO_HOME or importable) and PostgreSQL like the other
tools, and runs in ``.venv`` the same way (``PERF_NO_VENV=1``: this Python)::

    python3 tools/crash_resume.py [--employees 3000] [--batch-size 200]
        [--publication-batch-size 50] [--no-notify] [--keep-db]

The database, its filestore and the server are removed at the end, also on
failure (``--keep-db`` keeps the database, the files and the server log).
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xmlrpc.client
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import odoo_env  # noqa: E402
import setup_env  # noqa: E402

ADMIN = ("admin", "admin")  # base.user_admin: an HR officer of the add-on
TEMPLATE_LINES = 4
DIGEST_SUBJECT = "Performance review: your to-dos"  # the users' language: en_US
LAUNCH_CYCLE = "Crash launch"
PUBLICATION_CYCLE = "Crash publication"
WAIT_RESUME = 180  # seconds a killed job may take to move again
WAIT_PHASE = 900  # seconds a whole phase may take
POLL = 0.05
# How far into a job each kill lands: (what is killed, share of the job).
KILLS = [("cron worker", 0.25), ("whole server", 0.6)]
TODO_KILLS = [("cron worker", 0.4)]

# Untimed set-up in ``odoo shell``: the org chart, the two cycles, the
# publication cycle evaluated and calibrated; PARAMS is JSON.
BUILD = r'''
import json
from odoo import Command

P = json.loads(PARAMS)
env = env(context=dict(env.context, tracking_disable=True, no_reset_password=True))
cr = env.cr
admin = env.ref("base.user_admin")
company = env.company
parameters = env["ir.config_parameter"].sudo()
# E-mails stay queued in this throwaway database: nothing leaves the machine
# and the digests can be counted.
env.ref("mail.ir_cron_mail_scheduler_action").active = False

top = env["hr.department"].create({"name": "Crash company"})
teams = env["hr.department"].create(
    [{"name": f"Crash team {t}", "parent_id": top.id} for t in range(P["teams"])]
)
# Users in one statement: partners first, then their users.
cr.execute(
    """
    INSERT INTO res_partner (name, email, active, company_id, type)
         SELECT 'Crash person ' || n, 'crash.' || n || '@example.com', true,
                %(company)s, 'contact'
           FROM generate_series(1, %(count)s) n
      RETURNING id
    """,
    {"company": company.id, "count": P["employees"]},
)
partner_ids = sorted(row[0] for row in cr.fetchall())
cr.execute(
    """
    INSERT INTO res_users (login, partner_id, company_id, active, share,
                           notification_type)
         SELECT 'crash.' || p, p, %(company)s, true, false,
                (ARRAY['inbox', 'email'])[1 + p %% 2]
           FROM unnest(%(partners)s) p
      RETURNING id
    """,
    {"company": company.id, "partners": partner_ids},
)
user_ids = sorted(row[0] for row in cr.fetchall())
groups = [env.ref("base.group_user").id, env.ref("perf_closed_loop.group_perf_user").id]
cr.execute(
    """
    INSERT INTO res_groups_users_rel (gid, uid)
         SELECT g, u FROM unnest(%(groups)s) g CROSS JOIN unnest(%(users)s) u;
    INSERT INTO res_company_users_rel (cid, user_id)
         SELECT %(company)s, u FROM unnest(%(users)s) u
    """,
    {"groups": groups, "users": user_ids, "company": company.id},
)
env.invalidate_all()
Employee = env["hr.employee"]
heads = Employee.create(
    [
        {"name": f"Crash head {t}", "department_id": team.id, "user_id": user_ids[t]}
        for t, team in enumerate(teams)
    ]
)
for team, head in zip(teams, heads):
    team.manager_id = head
Employee.create(
    [
        {
            "name": f"Crash employee {n}",
            "department_id": teams[n % len(teams)].id,
            "parent_id": heads[n % len(teams)].id,
            "user_id": user_id,
        }
        for n, user_id in enumerate(user_ids[len(teams):])
    ]
)
# Flow: the employee sets the goals, the manager approves them and rates.
steps = [
    {"sequence": 1, "kind": "goal_setting"},
    {"sequence": 5, "kind": "goal_approval"},
    {"sequence": 20, "kind": "manager", "weight": 100},
]
flow = env["perf.flow"].create(
    {"name": "Crash flow", "step_ids": [Command.create(step) for step in steps]}
)
kpis = [
    {"name": f"KPI {k}", "weight": 100 / P["lines"], "target_value": 100}
    for k in range(P["lines"])
]
template = env["perf.template"].create(
    {
        "name": "Crash template",
        "flow_id": flow.id,
        "kpi_weight": 100,
        "kpi_line_ids": [Command.create(kpi) for kpi in kpis],
    }
)
cycles = env["perf.cycle"].create(
    [
        {
            "name": name,
            "hr_user_id": admin.id,
            "date_start": start,
            "date_end": end,
            "goal_deadline": deadline,
            "assignment_ids": [
                Command.create(
                    {"department_ids": [Command.set(top.ids)],
                     "template_id": template.id}
                )
            ],
        }
        for name, start, end, deadline in (
            (P["launch_cycle"], "2026-01-01", "2026-06-30", "2026-01-31"),
            (P["publication_cycle"], "2025-07-01", "2025-12-31", "2025-07-31"),
        )
    ]
)
launch, publication = cycles

# The earlier cycle: launched at once (above the sync limit for this call
# only), evaluated in bulk (one submitted manager rating per review, its
# lines scored), then calibrated with every group approved.
parameters.set_param("perf_closed_loop.launch_sync_limit", str(10**9))
publication.with_user(admin).action_launch()
parameters.set_param("perf_closed_loop.launch_sync_limit", str(P["sync_limit"]))
reviews = publication.review_ids.sudo()
reviews.write({"todo_pending": False, "evaluation_closed": True})
reviews._write_state({"state": "evaluation"})
publication._write_state({"state": "evaluation"})
step = flow.step_ids.filtered(lambda s: s.kind == "manager")
Rating = env["perf.review.rating"].sudo()
ratings = Rating.create(
    [
        {
            "review_id": review.id,
            "step_id": step.id,
            "role": "manager",
            "sequence": step.sequence,
            "weight": step.weight,
            "rater_id": (review.manager_user_id or admin).id,
            "state": "submitted",
        }
        for review in reviews
    ]
)
ratings._create_score_lines()
env.flush_all()
cr.execute(
    """
    UPDATE perf_review_rating_line line
       SET score = 35 + line.id %% 66, scored = true
      FROM perf_review_rating rating
     WHERE rating.id = line.rating_id AND rating.cycle_id = %s
    """,
    [publication.id],
)
env.invalidate_all()
env.add_to_compute(Rating._fields["total_score"], ratings)
env.flush_all()
reviews._recompute_scores()
publication.with_user(admin).with_context(perf_force=True).action_start_calibration()
publication.calibration_ids.sudo()._write_state({"state": "approved"})
# The set-up's own to-dos are not part of the test.
for name in env["perf.todo.mixin"]._todo_models():
    pending = env[name].sudo().search([("todo_pending", "=", True)])
    pending.write({"todo_pending": False})
env["mail.activity"].sudo().search([("res_model", "like", "perf.%")]).unlink()
env.flush_all()
cr.commit()
print(
    "CRASH_BUILT",
    json.dumps(
        {
            "launch": launch.id,
            "publication": publication.id,
            "publication_state": publication.state,
            "calibrations": len(publication.calibration_ids),
            "reviews": len(reviews),
        }
    ),
)
'''


def say(text):
    print(text, flush=True)


# ------------------------------------------------------------------ odoo
class OdooProcesses:
    """The Odoo command lines of the test: install, ``odoo shell`` and the
    multi-worker server (one at a time, in its own process group)."""

    def __init__(self, odoo, params, db, folder, args):
        self.odoo, self.params, self.db, self.folder = odoo, params, db, folder
        self.workers, self.limits, self.notify = args.workers, args.limits, args.notify
        self.log = folder / "server.log"
        self.common = [
            f"--addons-path={odoo.addons_path}",
            f"--data-dir={folder / 'data'}",
            *odoo_env.odoo_db_args(params),
            f"--database={db}",
        ]
        self.proc = None
        self.port = None
        self.log_start = 0
        self._cron = None

    def run(self, argv, what, stdin=None):
        proc = subprocess.run(
            self.odoo.command + argv, input=stdin, text=True, capture_output=True
        )
        if proc.returncode:
            tail = (proc.stdout[-2000:] + proc.stderr[-4000:]).strip()
            raise odoo_env.SetupError(
                f"{what} failed (exit {proc.returncode}):\n{tail}"
            )
        return proc.stdout

    def install(self):
        self.run(
            [
                *self.common,
                f"--init={odoo_env.MODULE}",
                "--without-demo=all",
                "--log-level=warn",
                "--max-cron-threads=0",
                "--stop-after-init",
            ],
            f"installing {odoo_env.MODULE} into {self.db}",
        )

    def shell(self, script, params, marker):
        out = self.run(
            ["shell", *self.common, "--log-level=warn", "--max-cron-threads=0"]
            + ["--no-http"],
            f"odoo shell on {self.db}",
            f"PARAMS = {json.dumps(params)!r}\n{script}",
        )
        for line in out.splitlines():
            if line.startswith(marker):
                return json.loads(line[len(marker) :])
        raise odoo_env.SetupError(f"odoo shell printed no {marker}:\n{out[-2000:]}")

    def command(self):
        return [
            *self.common,
            f"--db-filter=^{self.db}$",
            f"--workers={self.workers}",
            "--max-cron-threads=1",
            f"--limit-time-cpu={self.limits[0]}",
            f"--limit-time-real={self.limits[1]}",
            "--http-interface=127.0.0.1",
            f"--http-port={self.port}",
            f"--gevent-port={odoo_env.free_port()}",
            f"--logfile={self.log}",
            "--log-level=info",
        ]

    def start(self):
        """Start the server and wait until it answers and its cron worker
        is alive; returns the seconds it took."""
        started = time.time()
        self.port = odoo_env.free_port()
        self.log_start = self.log.stat().st_size if self.log.exists() else 0
        env = dict(os.environ)
        if self.notify:
            # Odoo then wakes the cron worker again after a run that left
            # work (10 batches), instead of at its next poll.
            env["ODOO_NOTIFY_CRON_CHANGES"] = "1"
        self.proc = subprocess.Popen(
            self.odoo.command + self.command(),
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=(self.folder / "server.stderr").open("a"),
            start_new_session=True,  # its own process group: killed at once
        )
        deadline = started + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise odoo_env.SetupError(
                    f"the server stopped at start (exit {self.proc.returncode}); "
                    f"see {self.log}"
                )
            try:
                self.rpc("common").version()
                if self.cron_worker():
                    return time.time() - started
            except OSError:
                pass
            time.sleep(0.5)
        raise odoo_env.SetupError(f"the server did not answer in 120 s; see {self.log}")

    def rpc(self, endpoint):
        return xmlrpc.client.ServerProxy(
            f"http://127.0.0.1:{self.port}/xmlrpc/2/{endpoint}", allow_none=True
        )

    def call(self, model, method, *args):
        login, password = ADMIN
        uid = self.rpc("common").authenticate(self.db, login, password, {})
        return self.rpc("object").execute_kw(
            self.db, uid, password, model, method, args
        )

    def _log_text(self):
        with self.log.open(encoding="utf-8", errors="replace") as handle:
            handle.seek(self.log_start)
            return handle.read()

    def cron_worker(self):
        """Pid of this server's live cron worker (the last one Odoo logged
        as alive, still a child of the server), or None."""
        if not self.proc:
            return None
        if self._cron and parent_of(self._cron) == self.proc.pid:
            return self._cron
        self._cron = None
        marker = "Worker WorkerCron ("
        for line in reversed(self._log_text().splitlines()):
            if marker in line:
                pid = int(line.split(marker, 1)[1].split(")", 1)[0])
                if parent_of(pid) == self.proc.pid:
                    self._cron = pid
                break
        return self._cron

    def pids(self):
        """The processes still in the server's process group."""
        if not self.proc:
            return []
        group = self.proc.pid
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[2]) == group:
                    found.append(int(entry.name))
        return found

    def _signal_all(self, signum, seconds):
        """Send ``signum`` to the server's process group (only the processes
        this script started) and wait up to ``seconds`` for them to end."""
        if self.proc:
            try:
                os.killpg(self.proc.pid, signum)
            except ProcessLookupError:
                pass
            wait_for(lambda: not self.pids(), seconds)

    def kill_all(self):
        """SIGKILL the whole server (its process group) and wait for it."""
        self._signal_all(signal.SIGKILL, 30)
        if self.proc:
            self.proc.wait()
            self.proc = None

    def stop(self):
        """Stop the server (SIGTERM), or kill it after 10 s."""
        self._signal_all(signal.SIGTERM, 10)
        self.kill_all()


def parent_of(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("PPid:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def alive(pid):
    return Path(f"/proc/{pid}").exists() and parent_of(pid) is not None


def wait_for(condition, seconds, every=0.1):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return True
        time.sleep(every)
    return condition()


# ------------------------------------------------------------------ database
class Database:
    """An autocommit connection: each statement reads one snapshot, so the
    job's pointer and the rows it counts are read consistently."""

    def __init__(self, params, db):
        import psycopg2  # Odoo's requirement: present once .venv is entered

        self.db = db
        self.conn = psycopg2.connect(
            host=params["host"], port=params["port"], user=params["user"], dbname=db
        )
        self.conn.autocommit = True

    def rows(self, sql, args=None):
        with self.conn.cursor() as cr:
            cr.execute(sql, args)
            return cr.fetchall()

    def value(self, sql, args=None):
        return self.rows(sql, args)[0][0]

    def in_batch(self):
        """{backend pid: (has written, query)} of the transactions that hold
        a lock on perf_review (other than this connection). While the HTTP
        workers are idle, that is the cron worker's job transaction inside a
        batch: the launch, the publication and the to-dos all read or write
        the reviews, and a transaction keeps its locks until it ends. Odoo
        names connections ``odoo-<pid>``, but a worker's job connection may
        carry the server's pid (its pool comes from before the fork), so the
        name does not tell whose it is."""
        rows = self.rows(
            """
            SELECT a.pid, a.backend_xid IS NOT NULL,
                   left(regexp_replace(a.query, '\\s+', ' ', 'g'), 60)
              FROM pg_stat_activity a
             WHERE a.datname = %s AND a.pid <> pg_backend_pid()
               AND a.pid IN (SELECT l.pid FROM pg_locks l
                              WHERE l.relation = 'perf_review'::regclass)
            """,
            [self.db],
        )
        return {pid: (wrote, query) for pid, wrote, query in rows}

    def others(self):
        """Connections to the database other than this one."""
        return self.value(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
            "AND pid <> pg_backend_pid()",
            [self.db],
        )

    def cron_report(self, xmlid):
        """What Odoo's cron tables say about one of the add-on's crons."""
        row = self.rows(
            """
            SELECT c.id, c.active, c.nextcall, c.failure_count,
                   (SELECT count(*) FROM ir_cron_trigger t WHERE t.cron_id = c.id),
                   (SELECT row(p.done, p.remaining, p.timed_out_counter)::text
                      FROM ir_cron_progress p WHERE p.cron_id = c.id
                  ORDER BY p.id DESC LIMIT 1)
              FROM ir_cron c
              JOIN ir_model_data d ON d.model = 'ir.cron' AND d.res_id = c.id
             WHERE d.module = 'perf_closed_loop' AND d.name = %s
            """,
            [xmlid],
        )[0]
        return (
            f"cron {row[0]}: active {row[1]}, nextcall {row[2]}, failures "
            f"{row[3]}, triggers {row[4]}, last progress (done, remaining, "
            f"timed out) {row[5]}"
        )


# ------------------------------------------------------------------ the kills
class Driver:
    """Watches one piece of background work until it is finished, killing
    the server's cron worker or the whole server at the planned points, and
    checks after every reading that the progress shown is the work
    committed."""

    def __init__(self, server, db, checks):
        self.server, self.db, self.checks = server, db, checks
        self.events = []
        self.waited = 0
        self.pauses = {}

    def drive(self, label, read, kills, batch, cron_xmlid):
        """``read()`` -> dict(done, total, finished, committed): ``done``
        is the progress shown, ``committed`` the work really in the
        database (both read in one statement)."""
        readings = untruthful = backwards = 0
        last = None
        pending = list(kills)
        started = moved_at = time.time()
        pause = 0.0  # longest wait for the next batch, kills left out
        while True:
            state = read()
            readings += 1
            untruthful += state["done"] != state["committed"]
            backwards += last is not None and state["done"] < last
            if last is not None and (state["done"] != last or state["finished"]):
                pause = max(pause, time.time() - moved_at)
                moved_at = time.time()
            last = state["done"]
            if state["finished"]:
                break
            if time.time() - started > WAIT_PHASE:
                self.checks.fail(label, "finished", "yes", "no: timed out")
                say(f"   {label}: not finished after {WAIT_PHASE} s")
                say(f"   {self.db.cron_report(cron_xmlid)}")
                return
            if pending and self._due(state, pending[0][1]):
                what = pending.pop(0)[0]
                if not self._kill(label, what, state, read, batch, cron_xmlid):
                    return
                last, moved_at = None, time.time()
                continue
            time.sleep(POLL)
        seconds = time.time() - started
        say(
            f"   {label}: finished after {seconds:.1f} s ({state['done']}/"
            f"{state['total']}); longest wait for a batch, the kills left out: "
            f"{pause:.1f} s"
        )
        self.pauses[label] = pause
        for what, _share in pending:
            self.checks.fail(
                label,
                f"kill of the {what} mid-way",
                "done",
                "finished first: use a smaller batch size",
            )
        self.checks.add(
            label,
            "progress shown = work committed",
            f"{readings} readings",
            f"{readings - untruthful} readings",
            not untruthful,
        )
        self.checks.add(label, "progress never went back", 0, backwards)

    def _due(self, state, share):
        done, total = state["done"], state["total"]
        if not 0 < done < total or done < share * total:
            return False
        # Land inside a batch (see Database.in_batch), or after 40 readings.
        self.waited += 1
        if self.db.in_batch() or self.waited > 40:
            self.waited = 0
            return True
        return False

    def _kill(self, label, what, before, read, batch, cron_xmlid):
        pid = self.server.cron_worker()
        batch_open = self.db.in_batch()
        where = "between batches"
        if batch_open:
            wrote = any(wrote for wrote, _query in batch_open.values())
            where = "inside a batch (its transaction " + (
                "had written)" if wrote else "had read the reviews, not written)"
            )
        killed_at = time.time()
        if what == "cron worker":
            say(
                f"   {label} at {before['done']}/{before['total']}: killing the cron "
                f"worker pid {pid} (SIGKILL), {where}"
            )
            os.kill(pid, signal.SIGKILL)
            wait_for(lambda: not alive(pid), 30)
        else:
            group = self.server.proc.pid
            say(
                f"   {label} at {before['done']}/{before['total']}: killing the whole "
                f"server (SIGKILL to process group {group}: master and "
                f"{len(self.server.pids()) - 1} workers; cron worker pid {pid}), "
                f"{where}"
            )
            self.server.kill_all()
        for backend, (_wrote, query) in batch_open.items():
            say(f"      the batch's transaction (backend {backend}) was at: {query}")
        # PostgreSQL rolls back the dead worker's transaction and frees the
        # cron's row lock once it sees the connections gone.
        wait_for(lambda: not set(batch_open) & set(self.db.in_batch()), 30)
        after = read()
        jumped = after["done"] not in (before["done"], before["done"] + batch)
        ok = not jumped and after["done"] == after["committed"]
        say(
            f"      after the kill: progress {after['done']}/{after['total']}, "
            f"committed {after['committed']} (was {before['done']} before; a batch "
            f"is {batch})"
        )
        self.checks.add(
            label,
            f"kill of the {what}: progress = committed, no jump",
            f"{before['done']} or {before['done'] + batch}",
            f"{after['done']} (committed {after['committed']})",
            ok,
        )
        restart = 0.0
        if what == "whole server":
            restart = self.server.start()
            say(
                f"      restarted: server pid {self.server.proc.pid}, cron worker "
                f"pid {self.server.cron_worker()} ({restart:.1f} s to answer)"
            )
        else:
            wait_for(lambda: self.server.cron_worker(), 30)
            say(
                "      the server respawned a cron worker: pid "
                f"{self.server.cron_worker()}, {time.time() - killed_at:.1f} s "
                "after the kill (it first sleeps 60 s + pid % 10 unless a cron "
                "NOTIFY wakes it)"
            )

        def moving():
            state = read()
            return state["finished"] or state["done"] > after["done"]

        moved = wait_for(moving, WAIT_RESUME, POLL)
        seconds = time.time() - killed_at
        now = read()
        event = {
            "label": label,
            "what": what,
            "pid": pid,
            "before": before["done"],
            "after": after["done"],
            "resumed": moved and now["done"],
            "seconds": seconds,
            "restart": restart,
        }
        self.events.append(event)
        if not moved:
            say(
                f"      NOT resumed within {WAIT_RESUME} s: "
                f"{self.db.cron_report(cron_xmlid)}"
            )
            self.checks.fail(
                label, f"resumes after the kill of the {what}", "yes", "no"
            )
            return False
        say(
            f"      resumed by itself: {now['done']}/{now['total']} "
            f"{seconds:.1f} s after the kill"
        )
        self.checks.add(
            label,
            f"resumes after the kill of the {what}",
            f"< {WAIT_RESUME} s",
            f"{seconds:.1f} s",
            True,
        )
        return True


class Checks:
    def __init__(self):
        self.rows = []

    def add(self, phase, what, expected, got, ok=None):
        if ok is None:
            ok = expected == got
        self.rows.append((phase, what, str(expected), str(got), bool(ok)))

    def fail(self, phase, what, expected, got):
        self.add(phase, what, expected, got, False)

    def table(self):
        widths = [max(len(row[i]) for row in self.rows) for i in range(4)]
        head = ("phase", "check", "expected", "counted")
        widths = [max(w, len(h)) for w, h in zip(widths, head, strict=True)]
        line = " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))
        out = [line + " | result", "-" * (len(line) + 9)]
        for row in self.rows:
            cells = " | ".join(c.ljust(w) for c, w in zip(row[:4], widths, strict=True))
            out.append(f"{cells} | {'OK' if row[4] else 'FAIL'}")
        return "\n".join(out)

    def failed(self):
        return sum(not row[4] for row in self.rows)


# ------------------------------------------------------------------ readings
def job_reader(db, cycle_id, published):
    """The job's progress and the work committed, in one statement: reviews
    of the cycle (launch) or its published reviews (publication)."""
    committed = "AND r.state = 'published'" if published else ""

    def read():
        state, done, total, count = db.rows(
            f"""
            SELECT c.job_state, c.job_done, c.job_total,
                   (SELECT count(*) FROM perf_review r
                     WHERE r.cycle_id = c.id {committed})
              FROM perf_cycle c WHERE c.id = %s
            """,
            [cycle_id],
        )[0]
        return {
            "done": done,
            "total": total,
            "finished": state == "done",
            "committed": count,
        }

    return read


def todo_reader(db, cycle_id, since):
    """To-dos of the cycle's reviews created since activity id ``since``:
    delivered (activities) and pending; delivered + pending must be every
    review that waits for one."""

    def read():
        delivered, pending, total = db.rows(
            """
            SELECT (SELECT count(*) FROM mail_activity a
                      JOIN perf_review r ON a.res_model = 'perf.review'
                                        AND a.res_id = r.id
                     WHERE r.cycle_id = %(cycle)s AND a.id > %(since)s),
                   count(*) FILTER (WHERE todo_pending),
                   count(*)
              FROM perf_review WHERE cycle_id = %(cycle)s
            """,
            {"cycle": cycle_id, "since": since},
        )[0]
        return {
            "done": delivered,
            "total": total,
            "finished": not pending,
            "committed": total - pending,
        }

    return read


def scores_checksum(db, cycle_id):
    """Ratings, their score lines and the reviews' scores and grades."""
    return db.value(
        """
        SELECT md5(string_agg(row_text, ',' ORDER BY row_text))
          FROM (SELECT concat_ws(':', 'rating', g.id, g.review_id, g.state,
                                 g.total_score, g.submitted_date) AS row_text
                  FROM perf_review_rating g WHERE g.cycle_id = %(cycle)s
                UNION ALL
                SELECT concat_ws(':', 'line', l.id, l.rating_id, l.score, l.scored)
                  FROM perf_review_rating_line l
                  JOIN perf_review_rating g ON g.id = l.rating_id
                 WHERE g.cycle_id = %(cycle)s
                UNION ALL
                SELECT concat_ws(':', 'review', r.id, r.final_score,
                                 r.calibrated_grade_id, r.final_grade_id)
                  FROM perf_review r WHERE r.cycle_id = %(cycle)s) rows
        """,
        {"cycle": cycle_id},
    )


def count_todos(db, checks, phase, cycle_id, since, reviews):
    """To-dos exactly once: one activity per review, and one digest (e-mail
    or inbox message) per person who got a to-do, since the phase began
    (``since``: the last activity and message ids before it)."""
    activity_since, message_since = since
    per_review = db.rows(
        """
        SELECT count(a.id), count(DISTINCT a.user_id),
               count(*) FILTER (WHERE a.id IS NULL)
          FROM perf_review r
     LEFT JOIN mail_activity a ON a.res_model = 'perf.review' AND a.res_id = r.id
                              AND a.id > %s
         WHERE r.cycle_id = %s
        """,
        [activity_since, cycle_id],
    )[0]
    twice = db.value(
        """
        SELECT count(*) FROM (
            SELECT a.res_id FROM mail_activity a
              JOIN perf_review r ON a.res_model = 'perf.review' AND a.res_id = r.id
             WHERE r.cycle_id = %s AND a.id > %s
          GROUP BY a.res_id HAVING count(*) > 1) twice
        """,
        [cycle_id, activity_since],
    )
    pending = db.value(
        "SELECT count(*) FROM perf_review WHERE cycle_id = %s AND todo_pending",
        [cycle_id],
    )
    # Digests: e-mails (queued: the mail queue is off) and inbox messages,
    # of the reviews' to-dos (they link to the reviews' to-do list): the
    # publication's interview to-dos (the managers', same subject) are
    # still being delivered when the reviews' are done, and their digests
    # would be counted or not depending on timing.
    digests = db.rows(
        """
        SELECT count(*), count(DISTINCT partner), coalesce(max(n), 0) FROM (
            SELECT partner, count(*) OVER (PARTITION BY partner) AS n FROM (
                SELECT rel.res_partner_id AS partner
                  FROM mail_mail m
                  JOIN mail_message msg ON msg.id = m.mail_message_id
                  JOIN mail_mail_res_partner_rel rel ON rel.mail_mail_id = m.id
                 WHERE msg.id > %(since)s AND msg.subject = %(subject)s
                   AND m.body_html LIKE %(link)s
                UNION ALL
                SELECT n.res_partner_id
                  FROM mail_notification n
                  JOIN mail_message msg ON msg.id = n.mail_message_id
                 WHERE msg.id > %(since)s AND msg.subject = %(subject)s
                   AND msg.message_type = 'user_notification'
                   AND msg.body LIKE %(link)s
                   AND n.notification_type = 'inbox') sent) counted
        """,
        {
            "since": message_since,
            "subject": DIGEST_SUBJECT,
            "link": "%/odoo/action-perf_closed_loop.perf_review_action_todo%",
        },
    )[0]
    activities, people, missing = per_review
    checks.add(phase, "to-dos (one activity per review)", reviews, activities)
    checks.add(
        phase, "reviews without / with 2+ to-dos", "0 / 0", f"{missing} / {twice}"
    )
    checks.add(phase, "to-dos still pending", 0, pending)
    checks.add(
        phase,
        "digests: one per person with a to-do",
        f"{people} (max 1 each)",
        f"{digests[0]} to {digests[1]} people (max {digests[2]} each)",
        digests[0] == digests[1] == people and digests[2] == 1,
    )


def marks(db):
    return (
        db.value("SELECT coalesce(max(id), 0) FROM mail_activity"),
        db.value("SELECT coalesce(max(id), 0) FROM mail_message"),
    )


def check_job(db, checks, phase, cycle_id, reviews, cycle_state):
    state, done, total, cycle = db.rows(
        "SELECT job_state, job_done, job_total, state FROM perf_cycle WHERE id = %s",
        [cycle_id],
    )[0]
    checks.add(phase, "job state", "done", state)
    checks.add(
        phase,
        "job_done = job_total = reviews",
        f"{reviews} = {reviews}",
        f"{done} = {total}",
        done == total == reviews,
    )
    checks.add(phase, "cycle state", cycle_state, cycle)


def check_crons(db, checks, phase):
    for xmlid in ("ir_cron_perf_cycle_jobs", "ir_cron_perf_deliver_todos"):
        active, failures = db.rows(
            """
            SELECT c.active, c.failure_count FROM ir_cron c
              JOIN ir_model_data d ON d.model = 'ir.cron' AND d.res_id = c.id
             WHERE d.module = 'perf_closed_loop' AND d.name = %s
            """,
            [xmlid],
        )[0]
        checks.add(
            phase, f"{xmlid}: active, failures", "True, 0", f"{active}, {failures}"
        )


# ------------------------------------------------------------------ phases
def act_and_watch(server, db, checks, cycle, method, phase, batch):
    """HR calls ``method`` on the cycle over XML-RPC (an HTTP worker), then
    its job and the to-dos it leaves are watched, with their kills, until
    done. Returns the driver and the ids before (see ``marks``)."""
    since = marks(db)
    started = time.time()
    server.call("perf.cycle", method, [cycle])
    say(
        f"   {method} answered in {time.time() - started:.1f} s; the job is "
        "queued for the cron worker"
    )
    driver = Driver(server, db, checks)
    published = method == "action_publish"
    driver.drive(
        f"{phase} job",
        job_reader(db, cycle, published),
        KILLS,
        batch,
        "ir_cron_perf_cycle_jobs",
    )
    driver.drive(
        "acknowledgement to-dos" if published else f"{phase} to-dos",
        todo_reader(db, cycle, since[0]),
        TODO_KILLS,
        batch,
        "ir_cron_perf_deliver_todos",
    )
    say("   counting")
    return driver, since


def phase_launch(server, db, checks, built, args):
    phase = "launch"
    cycle = built["launch"]
    n = args.employees
    say(f"\n== launch of {n} reviews: HR launches '{LAUNCH_CYCLE}' over XML-RPC")
    driver, since = act_and_watch(
        server, db, checks, cycle, "action_launch", "launch", args.batch_size
    )
    reviews = db.value("SELECT count(*) FROM perf_review WHERE cycle_id = %s", [cycle])
    checks.add(phase, "reviews (one per employee)", n, reviews)
    checks.add(
        phase,
        "employees with 2+ reviews",
        0,
        db.value(
            "SELECT count(*) FROM (SELECT employee_id FROM perf_review WHERE "
            "cycle_id = %s GROUP BY employee_id HAVING count(*) > 1) twice",
            [cycle],
        ),
    )
    lines, odd = db.rows(
        """
        SELECT coalesce(sum(n), 0), count(*) FILTER (WHERE n <> %s) FROM (
            SELECT count(l.id) AS n FROM perf_review r
         LEFT JOIN perf_review_line l ON l.review_id = r.id
             WHERE r.cycle_id = %s GROUP BY r.id) per_review
        """,
        [TEMPLATE_LINES, cycle],
    )[0]
    checks.add(
        phase, f"review lines ({TEMPLATE_LINES} per review)", n * TEMPLATE_LINES, lines
    )
    checks.add(phase, f"reviews without exactly {TEMPLATE_LINES} lines", 0, odd)
    approvals, twice = db.rows(
        """
        SELECT coalesce(sum(n), 0), count(*) FILTER (WHERE n <> 1) FROM (
            SELECT count(a.id) AS n FROM perf_review r
         LEFT JOIN perf_review_approval a ON a.review_id = r.id AND a.kind = 'goal'
             WHERE r.cycle_id = %s GROUP BY r.id) per_review
        """,
        [cycle],
    )[0]
    checks.add(phase, "goal approvals (one per review)", n, approvals)
    checks.add(phase, "reviews without exactly 1 approval", 0, twice)
    check_job(db, checks, phase, cycle, n, "goal_setting")
    count_todos(db, checks, phase, cycle, since, n)
    check_crons(db, checks, phase)
    return driver


def phase_publication(server, db, checks, built, args):
    phase = "publication"
    cycle = built["publication"]
    n = args.employees
    before = scores_checksum(db, cycle)
    ratings_before = db.value(
        "SELECT count(*) FROM perf_review_rating WHERE cycle_id = %s", [cycle]
    )
    say(
        f"\n== publication of {n} reviews: HR publishes '{PUBLICATION_CYCLE}' "
        f"({built['calibrations']} approved calibration groups) over XML-RPC"
    )
    say(f"   ratings before: {ratings_before}, checksum of the scores {before}")
    driver, since = act_and_watch(
        server,
        db,
        checks,
        cycle,
        "action_publish",
        "publication",
        args.publication_batch_size,
    )
    states = dict(
        db.rows(
            "SELECT state, count(*) FROM perf_review WHERE cycle_id = %s "
            "GROUP BY state",
            [cycle],
        )
    )
    checks.add(
        phase,
        "reviews published",
        f"{n} (all)",
        f"{states.get('published', 0)} (all: {sum(states.values())})",
        states == {"published": n},
    )
    check_job(db, checks, phase, cycle, n, "published")
    ratings = db.value(
        "SELECT count(*) FROM perf_review_rating WHERE cycle_id = %s", [cycle]
    )
    checks.add(phase, "ratings (unchanged)", ratings_before, ratings)
    after = scores_checksum(db, cycle)
    checks.add(phase, "checksum of ratings, scores, grades", before[:12], after[:12])
    count_todos(db, checks, phase, cycle, since, n)
    check_crons(db, checks, phase)
    return driver


# ------------------------------------------------------------------ main
def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employees", type=int, default=3000)
    parser.add_argument(
        "--batch-size",
        type=int,
        default=200,
        help="perf_closed_loop.launch_batch_size during the launch (default 200)",
    )
    parser.add_argument(
        "--publication-batch-size",
        type=int,
        default=50,
        help="the same parameter during the publication (default 50)",
    )
    parser.add_argument("--workers", type=int, default=2, help="HTTP workers")
    parser.add_argument(
        "--limits",
        type=int,
        nargs=2,
        default=[600, 1200],
        metavar=("CPU", "REAL"),
        help="--limit-time-cpu and --limit-time-real of the server",
    )
    parser.add_argument(
        "--no-notify",
        dest="notify",
        action="store_false",
        help="run the server without ODOO_NOTIFY_CRON_CHANGES=1 (Odoo's default: "
        "a job waits for the cron worker's next poll after every 10 batches)",
    )
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    teams = max(1, args.employees // 100)
    if args.employees < 500:
        parser.error(
            "--employees must be at least 500 (a phase runs in the background "
            "above 300 reviews)"
        )
    try:
        odoo, params = setup_env.enter_with_odoo(__file__, sys.argv[1:])
    except odoo_env.SetupError as exc:
        sys.exit(f"ERROR: {exc}")
    db_name = f"perf_crash_{int(time.time())}"
    folder = Path(tempfile.mkdtemp(prefix=f"{db_name}_"))
    server = OdooProcesses(odoo, params, db_name, folder, args)
    checks = Checks()
    drivers, db, error = [], None, None
    began = time.time()
    try:
        say(f"== database {db_name}: installing {odoo_env.MODULE} (files: {folder})")
        server.install()
        say(
            f"== building {args.employees} employees in {teams} teams, two cycles; "
            "the earlier one evaluated and calibrated (odoo shell)"
        )
        built = server.shell(
            BUILD,
            {
                "employees": args.employees,
                "teams": teams,
                "lines": TEMPLATE_LINES,
                "launch_cycle": LAUNCH_CYCLE,
                "publication_cycle": PUBLICATION_CYCLE,
                "sync_limit": 300,
            },
            "CRASH_BUILT",
        )
        say(f"   built in {time.time() - began:.0f} s: {built}")
        db = Database(params, db_name)
        for phase, batch in (
            (phase_launch, args.batch_size),
            (phase_publication, args.publication_batch_size),
        ):
            # Set while no server runs: every worker reads it fresh.
            db.rows(
                "UPDATE ir_config_parameter SET value = %s "
                "WHERE key = 'perf_closed_loop.launch_batch_size' RETURNING id",
                [str(batch)],
            ) or db.rows(
                "INSERT INTO ir_config_parameter (key, value) VALUES "
                "('perf_closed_loop.launch_batch_size', %s) RETURNING id",
                [str(batch)],
            )
            seconds = server.start()
            notify = "ODOO_NOTIFY_CRON_CHANGES=1 " if args.notify else ""
            say(
                f"\n== started the server: pid {server.proc.pid}, {notify}odoo "
                f"--workers {args.workers} --max-cron-threads 1 --limit-time-cpu "
                f"{args.limits[0]} --limit-time-real {args.limits[1]}, port "
                f"{server.port}, cron worker pid {server.cron_worker()} "
                f"({seconds:.1f} s); batch size {batch}"
            )
            drivers.append(phase(server, db, checks, built, args))
            server.stop()
            say("   server stopped")
    except Exception as exc:  # noqa: BLE001 - reported in the table, then cleaned up
        error = exc
    finally:
        server.kill_all()
        if db:
            db.conn.close()
        if args.keep_db:
            say(f"\n== kept: database {db_name}, files and server log in {folder}")
        else:
            try:
                odoo_env.dropdb(params, db_name)
                shutil.rmtree(folder, ignore_errors=True)
            except odoo_env.SetupError as exc:
                say(f"WARNING: {exc}")
    if error:
        checks.fail("run", "no error", "none", str(error).splitlines()[0][:80])
        say(f"\nERROR: {error}")
    say(f"\n== kills (total {time.time() - began:.0f} s)")
    for e in (event for driver in drivers for event in driver.events):
        restart = f", server up again in {e['restart']:.1f} s" if e["restart"] else ""
        say(
            f"   {e['label']}: {e['what']} (pid {e['pid']}) killed at {e['before']}; "
            f"after the kill {e['after']}; moving again ({e['resumed']}) "
            f"{e['seconds']:.1f} s after the kill{restart}"
        )
    say(
        "   longest wait for a batch, kills left out ("
        f"{'ODOO_NOTIFY_CRON_CHANGES=1' if args.notify else 'without NOTIFY'}): "
        + ", ".join(
            f"{label} {pause:.1f} s"
            for driver in drivers
            for label, pause in driver.pauses.items()
        )
    )
    say("\n" + checks.table())
    failed = checks.failed()
    say(f"\n{len(checks.rows) - failed} OK, {failed} FAIL")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
