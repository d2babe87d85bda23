#!/usr/bin/env python3
# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Run every test of perf_closed_loop, in two tiers.

Tier 1 (always): ``pytest tests/`` - the pure-Python domain maths and the
static checks of the add-on (manifest, XML, CSV, lint).

Both run with ``.venv``'s Python, prepared first (``tools/setup_env.py``:
the project's requirements and, when Odoo is found, Odoo's own).

Tier 2 (when Odoo 18.0 is found through ``import odoo`` or ``ODOO_HOME``):
installs the add-on into a fresh, uniquely named database with
``--test-enable``, runs ``perf_closed_loop/tests/``, upgrades and uninstalls
the add-on, fails on any failed test or any WARNING/ERROR line in the log,
and drops the database. The browser tours need Chromium: installed with
apt-get when run as root, otherwise the command to run is printed. Without
Odoo the tier is skipped loudly, and fails when ``ODOO_REQUIRED=1``.

Tier 2 then runs the bridges (``perf_closed_loop_sale``,
``perf_closed_loop_project``: the add-ons of the repository beside the core)
in a second fresh database that installs them with Sales and Project, and
runs their tests; a bridge whose Odoo add-ons are not in the Odoo tree is
skipped loudly.

Each tier ends with one line ``tierN: X passed, Y failed``.
Options: ``--tier 1`` or ``--tier 2`` runs one tier; ``--keep-db`` keeps the
database for inspection; extra ``--test-tags`` can narrow tier 2;
``--addons a,b`` installs and tests those add-ons instead (the bridges:
``--addons perf_closed_loop_sale,perf_closed_loop_project``).
"""

import argparse
import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import odoo_env  # noqa: E402
import setup_env  # noqa: E402

REPO = odoo_env.REPO
LOG_DIR = REPO / ".test-logs"

LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<rest>.*)$"
)
RESULT_LINE = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests"
)
# Lines at WARNING level or above that come from Odoo itself, not from the
# add-on, and that say nothing about its health. Each entry is a regex
# searched in the log message, with the reason it is harmless.
ALLOWED = [
    # Tours: Chromium prints its own console noise when it is shut down.
    (r"Chrome: .*Failed to load resource", "browser noise, not our code"),
    # Odoo warns once that the test HTTP server is not behind a proxy.
    (r"werkzeug: .*WARNING: This is a development server", "dev server banner"),
    # Odoo logs a user error raised by an RPC call as a warning; the
    # configuration tours make these mistakes on purpose and check the
    # message in the UI.
    (r"odoo\.http: The template “Sales H1” cannot be saved", "tour's mistake"),
    (r"odoo\.http: The review flow “Sales flow” cannot be saved", "tour's mistake"),
    (r"odoo\.http: The grades of the scale “Three grades” must", "tour's mistake"),
    # Uninstall drops the test user's sessions; Odoo logs it as a warning.
    (r"odoo\.modules\.loading: Transient module states were reset", "state reset"),
]


def banner(text):
    line = "!" * 78
    print(f"\n{line}\n!! {text}\n{line}\n", flush=True)


# --------------------------------------------------------------------- tier 1
def run_tier1():
    print("== tier 1: pytest tests/ (domain maths, static checks, lint)", flush=True)
    junit = Path(tempfile.mkstemp(suffix=".xml")[1])
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "tests/", "-q", f"--junitxml={junit}"],
            cwd=REPO,
        )
        passed = failed = 0
        if junit.stat().st_size:
            root = ET.parse(junit).getroot()
            for suite in root.iter("testsuite"):
                tests = int(suite.get("tests", 0))
                bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
                skipped = int(suite.get("skipped", 0))
                failed += bad
                passed += tests - bad - skipped
    finally:
        junit.unlink(missing_ok=True)
    if proc.returncode and not failed:
        failed = 1  # pytest could not even collect: count it
    print(f"tier1: {passed} passed, {failed} failed", flush=True)
    return passed, failed


# --------------------------------------------------------------------- tier 2
def scan_log(path):
    """Return (problems, result) for an Odoo log file."""
    problems, result = [], None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        match = LOG_LINE.match(line)
        if match:
            if match["level"] in ("WARNING", "ERROR", "CRITICAL"):
                rest = match["rest"]
                if not any(re.search(pattern, rest) for pattern, _ in ALLOWED):
                    problems.append(line)
            found = RESULT_LINE.search(line)
            if found and "when loading database" in line:
                result = {k: int(v) for k, v in found.groupdict().items()}
        elif line.startswith("Traceback"):
            problems.append(line)
    return problems, result


def run_odoo(odoo, args, log, env, stdin=None):
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"\n### {' '.join(args)}\n")
        handle.flush()
        proc = subprocess.run(
            odoo.command + args,
            stdout=handle,
            stderr=subprocess.STDOUT,
            cwd=REPO,
            env=env,
            input=stdin,
            text=True,
        )
    return proc.returncode


def cannot_run(exc):
    banner(f"ODOO TIER CANNOT RUN: {exc}")
    print("tier2: 0 passed, 1 failed", flush=True)
    return 0, 1


def bridges(odoo):
    """The repository's add-ons beside the core whose Odoo dependencies are
    in the Odoo tree, and those skipped (with the missing add-on)."""
    found, skipped = [], []
    for path in sorted(REPO.glob("*/__manifest__.py")):
        name = path.parent.name
        if name == odoo_env.MODULE:
            continue
        manifest = ast.literal_eval(path.read_text(encoding="utf-8"))
        missing = [
            dep
            for dep in manifest.get("depends", [])
            if not (REPO / dep).is_dir()
            and not any(
                (Path(root) / dep / "__manifest__.py").is_file()
                for root in odoo.addons_path.split(",")
            )
        ]
        (skipped if missing else found).append((name, missing))
    return [name for name, _ in found], skipped


def run_tier2(keep_db=False, test_tags=None, demo=True, addons=None):
    required = os.environ.get("ODOO_REQUIRED") == "1"
    try:
        odoo = odoo_env.find_odoo()
    except odoo_env.SetupError as exc:
        return cannot_run(exc)
    if not odoo:
        banner(
            "ODOO TIER SKIPPED: Odoo 18.0 not found (neither 'import odoo' works "
            "nor ODOO_HOME points at an Odoo source tree). The add-on's Odoo tests "
            "did NOT run. Set ODOO_HOME=/path/to/odoo and run again."
        )
        if required:
            print("ODOO_REQUIRED=1: a missing Odoo is a failure.")
            print("tier2: 0 passed, 1 failed", flush=True)
            return 0, 1
        print("tier2: skipped (Odoo not found)", flush=True)
        return 0, 0

    print(f"== tier 2: Odoo {odoo.version} at {odoo.where}", flush=True)
    params = odoo_env.db_params()
    try:
        odoo_env.check_postgres(params)
        print(f"   browser for the tours: {setup_env.ensure_chromium()}", flush=True)
    except odoo_env.SetupError as exc:
        if not test_tags or "Chromium" not in str(exc):
            return cannot_run(exc)
        print(f"   {exc} (tier 2 is narrowed by --test-tags: going on)")

    modules = addons or [odoo_env.MODULE]
    core = modules == [odoo_env.MODULE]
    db = f"perf_test_{time.strftime('%Y%m%d%H%M%S')}_{os.getpid()}_{len(modules)}"
    LOG_DIR.mkdir(exist_ok=True)
    log = LOG_DIR / f"{db}.log"
    data_dir = Path(tempfile.mkdtemp(prefix="perf_odoo_data_"))
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    common = [
        f"--addons-path={odoo.addons_path}",
        f"--data-dir={data_dir}",
        f"--database={db}",
        f"--db-filter=^{db}$",
        "--max-cron-threads=0",
        "--workers=0",
        "--log-level=info",
        *odoo_env.odoo_db_args(params),
    ]
    if not demo:
        common.append("--without-demo=all")
    tags = test_tags or ",".join(f"/{module}" for module in modules)
    print(f"   {', '.join(modules)}: database {db}, log {log.relative_to(REPO)}")
    checks_passed, checks_failed, result = 0, 0, None
    try:
        started = time.time()
        code = run_odoo(
            odoo,
            common
            + [
                f"--init={','.join(modules)}",
                "--test-enable",
                f"--test-tags={tags}",
                f"--http-port={odoo_env.free_port()}",
                "--stop-after-init",
            ],
            log,
            env,
        )
        print(f"   install + tests: exit {code} in {time.time() - started:.0f}s")
        _problems, result = scan_log(log)
        tests_bad = (result["failed"] + result["errors"]) if result else 0
        if result is None or (code and not tests_bad):
            checks_failed += 1
            print("   FAILED: install or test run did not complete")
        if core and not test_tags:
            code = run_odoo(
                odoo,
                common + [f"--update={odoo_env.MODULE}", "--stop-after-init"],
                log,
                env,
            )
            print(f"   upgrade (-u): exit {code}")
            checks_passed, checks_failed = (
                (checks_passed + 1, checks_failed)
                if not code
                else (checks_passed, checks_failed + 1)
            )
            script = (
                "mod = env['ir.module.module'].search("
                f"[('name', '=', '{odoo_env.MODULE}')])\n"
                "mod.button_immediate_uninstall()\n"
                "env.cr.commit()\n"
                "assert mod.state == 'uninstalled', mod.state\n"
                "print('UNINSTALL-OK')\n"
            )
            code = run_odoo(
                odoo, ["shell", *common, "--no-http"], log, env, stdin=script
            )
            text = log.read_text(encoding="utf-8", errors="replace")
            ok = not code and "UNINSTALL-OK" in text
            print(f"   uninstall: {'ok' if ok else 'FAILED'}")
            checks_passed += ok
            checks_failed += not ok
    finally:
        if keep_db:
            print(f"   kept database {db}")
        else:
            try:
                odoo_env.dropdb(params, db)
            except odoo_env.SetupError as exc:
                print(f"   {exc}")
        shutil.rmtree(data_dir, ignore_errors=True)

    problems, _ = scan_log(log)
    if problems:
        print(f"   {len(problems)} WARNING/ERROR line(s) in the Odoo log (a failure):")
        for line in problems[:40]:
            print("   | " + line[:400])
    run = result["run"] if result else 0
    bad = (result["failed"] + result["errors"]) if result else 0
    if result and run == 0:
        print("   FAILED: no Odoo test ran")
        checks_failed += 1
    # The clean log is one more check: a failed test also logs an ERROR.
    passed = run - bad + checks_passed + (not problems)
    failed = bad + checks_failed + bool(problems)
    print(f"tier2: {passed} passed, {failed} failed", flush=True)
    return passed, failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tier", choices=["1", "2"])
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--test-tags", help="narrow tier 2 (Odoo --test-tags)")
    parser.add_argument(
        "--no-demo", action="store_true", help="tier 2 without demo data (faster)"
    )
    parser.add_argument(
        "--addons", help="tier 2: install and test these add-ons (comma-separated)"
    )
    args = parser.parse_args()
    try:
        odoo = odoo_env.find_odoo()
    except odoo_env.SetupError:
        odoo = None  # tier 2 says why
    try:
        setup_env.enter(__file__, sys.argv[1:], odoo)
    except odoo_env.SetupError as exc:
        sys.exit(f"ERROR: {exc}")
    failed = 0
    if args.tier in (None, "1"):
        failed += run_tier1()[1]
    if args.tier in (None, "2"):
        demo = not args.no_demo
        addons = args.addons.split(",") if args.addons else None
        failed += run_tier2(args.keep_db, args.test_tags, demo, addons)[1]
        if not addons and not args.test_tags and odoo:
            found, skipped = bridges(odoo)
            for name, missing in skipped:
                banner(f"BRIDGE SKIPPED: {name} needs {', '.join(missing)}")
            if found:
                print("== tier 2, bridges: " + ", ".join(found), flush=True)
                failed += run_tier2(args.keep_db, None, demo, found)[1]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
