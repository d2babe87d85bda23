#!/usr/bin/env python3
# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Start Odoo 18.0 on http://127.0.0.1:8069 with a fresh database holding
perf_closed_loop and its demo data (an org chart of 60+ employees).

Odoo is found through ``ODOO_HOME`` or ``import odoo``; PostgreSQL through
PGHOST/PGPORT (default 127.0.0.1:5432) and the role ODOO_DB_USER (default
``odoo``, created when missing). The first start prepares ``.venv`` with
Odoo's and the project's requirements (``tools/setup_env.py``; later starts
reuse it) and runs again inside it. The database (default ``perf_demo``) is
dropped and recreated on every start.

When Odoo's Sales and Project are in the Odoo tree, the database also holds
``sale_management``, ``project`` and the bridges ``perf_closed_loop_sale``
and ``perf_closed_loop_project``, whose demo data shows KPIs measured from
orders and tasks; ``--no-bridges`` leaves them out.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import odoo_env
import setup_env

# Odoo applications installed with the bridge that measures from them.
BRIDGES = {
    "perf_closed_loop_sale": "sale_management",
    "perf_closed_loop_project": "project",
}


def bridge_modules(odoo):
    """The Odoo applications and bridges to install: those whose Odoo
    add-on is in the Odoo tree."""
    roots = [Path(root) for root in odoo.addons_path.split(",")]
    modules = []
    for bridge, app in BRIDGES.items():
        if any((root / app / "__manifest__.py").is_file() for root in roots):
            modules += [app, bridge]
        else:
            print(f"{app} is not in the Odoo tree: {bridge} is left out.")
    return modules


def create_demo_database(
    odoo, params, database, data_dir, load_language="zh_CN", extra=()
):
    """Install perf_closed_loop (and the ``extra`` modules) with its demo
    data into the (dropped) database ``database``; return the Odoo
    arguments that serve it."""
    common = [
        f"--addons-path={odoo.addons_path}",
        f"--data-dir={data_dir}",
        f"--database={database}",
        f"--db-filter=^{database}$",
        *odoo_env.odoo_db_args(params),
    ]
    modules = [odoo_env.MODULE, *extra]
    print(f"Creating database {database} with {', '.join(modules)} and demo data…")
    install = [f"--init={','.join(modules)}", "--stop-after-init", "--log-level=warn"]
    if load_language:
        install.append(f"--load-language={load_language}")
    code = subprocess.run(odoo.command + common + install).returncode
    if code:
        raise odoo_env.SetupError(
            f"Odoo could not install {odoo_env.MODULE} into {database} "
            f"(exit {code}); the lines above say why."
        )
    return common


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="perf_demo")
    parser.add_argument("--port", type=int, default=8069)
    parser.add_argument(
        "--load-language", default="zh_CN", help="extra language ('' for none)"
    )
    parser.add_argument(
        "--no-bridges",
        action="store_true",
        help="without Sales, Project and the bridges measuring from them",
    )
    args = parser.parse_args()
    try:
        odoo, params = setup_env.enter_with_odoo(__file__, sys.argv[1:])
        odoo_env.dropdb(params, args.database)
    except odoo_env.SetupError as exc:
        sys.exit(f"ERROR: {exc}")

    data_dir = odoo_env.REPO / ".odoo-data"
    try:
        extra = [] if args.no_bridges else bridge_modules(odoo)
        common = create_demo_database(
            odoo, params, args.database, data_dir, args.load_language, extra
        )
    except odoo_env.SetupError as exc:
        sys.exit(f"ERROR: {exc}")
    print(
        f"\nOdoo is starting on http://127.0.0.1:{args.port}/odoo\n"
        "  log in as admin / admin (performance administrator), or as a demo\n"
        "  employee whose password is their login, e.g. zhang.wei / zhang.wei\n"
        "  (see README.md for HR officers and managers). Ctrl+C stops it.\n",
        flush=True,
    )
    os.execv(
        odoo.command[0],
        odoo.command
        + common
        + [f"--http-port={args.port}", "--http-interface=127.0.0.1"],
    )


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
