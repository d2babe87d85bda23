# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Find an Odoo 18.0 installation and a PostgreSQL server for the tools.

Odoo is found either through ``ODOO_HOME`` (a source tree holding ``odoo-bin``)
or because ``import odoo`` works for the running Python. Nothing here fetches
or builds Odoo.
"""

import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MODULE = "perf_closed_loop"


class SetupError(RuntimeError):
    """A prerequisite is missing; the message says what to do."""


@dataclass
class Odoo:
    command: list  # argv prefix that runs odoo-bin
    addons_path: str
    version: str
    where: str


def _probe_import(python):
    code = (
        "import os, odoo, odoo.release as r; "
        "print(r.major_version); print(os.path.dirname(odoo.__file__))"
    )
    try:
        out = subprocess.run(
            [python, "-c", code], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode:
        return None
    lines = out.stdout.split()
    return (lines[0], Path(lines[1])) if len(lines) == 2 else None


def find_odoo(python=sys.executable):
    """Return an :class:`Odoo` or None when Odoo 18.0 is not found."""
    home = os.environ.get("ODOO_HOME")
    if home:
        home = Path(home).expanduser().resolve()
        if not (home / "odoo-bin").is_file() or not (home / "odoo").is_dir():
            raise SetupError(
                f"ODOO_HOME={home} is not an Odoo source tree (no odoo-bin and "
                "odoo/ in it). Point ODOO_HOME at the folder that holds odoo-bin."
            )
        release = {}
        exec(  # noqa: S102 - reads Odoo's own version file
            (home / "odoo" / "release.py").read_text(encoding="utf-8"), release
        )
        version = release.get("major_version", "?")
        command = [python, str(home / "odoo-bin")]
        addons = [home / "addons", home / "odoo" / "addons"]
        where = str(home)
    else:
        probe = _probe_import(python)
        if not probe:
            return None
        version, package = probe
        command = [python, "-m", "odoo"]
        addons = [package / "addons", package.parent / "addons"]
        where = str(package)
    if version != "18.0":
        raise SetupError(
            f"Odoo {version} found at {where}; perf_closed_loop needs Odoo 18.0."
        )
    paths = [str(p) for p in addons if p.is_dir()] + [str(REPO)]
    return Odoo(command, ",".join(paths), version, where)


def db_params():
    return {
        "host": os.environ.get("PGHOST", "127.0.0.1"),
        "port": os.environ.get("PGPORT", "5432"),
        "user": os.environ.get("ODOO_DB_USER", "odoo"),
    }


def check_postgres(params):
    """Make sure PostgreSQL answers and the Odoo role exists (Odoo refuses
    the ``postgres`` role)."""
    if params["user"] == "postgres":
        raise SetupError(
            "Odoo refuses to run as the 'postgres' role: set ODOO_DB_USER to "
            "another superuser role (default: odoo)."
        )
    try:
        socket.create_connection((params["host"], int(params["port"])), 5).close()
    except OSError as exc:
        raise SetupError(
            f"PostgreSQL does not answer on {params['host']}:{params['port']} "
            f"({exc}). Start it (e.g. 'pg_ctlcluster 15 main start') or set "
            "PGHOST/PGPORT."
        ) from exc
    psql = shutil.which("psql")
    if not psql:
        return
    base = [psql, "-h", params["host"], "-p", params["port"], "-d", "postgres"]
    check = subprocess.run(
        base + ["-U", params["user"], "-tAc", "select 1"],
        capture_output=True,
        text=True,
    )
    if check.returncode == 0:
        return
    create = subprocess.run(
        base
        + ["-U", "postgres", "-c", f'CREATE ROLE "{params["user"]}" SUPERUSER LOGIN'],
        capture_output=True,
        text=True,
    )
    if create.returncode:
        raise SetupError(
            f"Cannot log in to PostgreSQL as role '{params['user']}' and could not "
            f"create it: {create.stderr.strip()}. Create a superuser role and set "
            "ODOO_DB_USER."
        )


def odoo_db_args(params):
    return [
        f"--db_host={params['host']}",
        f"--db_port={params['port']}",
        f"--db_user={params['user']}",
    ]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
