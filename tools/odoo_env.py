# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Find an Odoo 18.0 installation and a PostgreSQL server for the tools.

Odoo is found either through ``ODOO_HOME`` (a source tree holding ``odoo-bin``)
or because the running Python finds the ``odoo`` package (``import odoo``).
Nothing here fetches or builds Odoo.
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


ODOO_SOURCE = "branch 18.0 of https://github.com/odoo/odoo"


@dataclass
class Odoo:
    command: list  # argv prefix that runs odoo-bin
    addons_path: str
    version: str
    where: str
    root: Path = None  # the folder holding the ``odoo`` package


def _probe_import(python):
    """The folder of the ``odoo`` package ``python`` would import, or None.

    ``find_spec`` locates the package without running it: ``import odoo``
    would fail before Odoo's own requirements are installed."""
    code = (
        "import importlib.util as u; s = u.find_spec('odoo'); "
        "print(s.submodule_search_locations[0] "
        "if s and s.submodule_search_locations else '')"
    )
    try:
        out = subprocess.run(
            [python, "-c", code], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = out.stdout.strip()
    return Path(found) if not out.returncode and found else None


def _release_version(package):
    """``major_version`` from Odoo's own ``odoo/release.py``, or None."""
    release = {}
    try:
        exec(  # noqa: S102 - reads Odoo's own version file
            (package / "release.py").read_text(encoding="utf-8"), release
        )
    except Exception:  # any unreadable or broken file: not an Odoo we know
        return None
    return release.get("major_version")


def find_odoo(python=sys.executable):
    """Return an :class:`Odoo` or None when no Odoo is found; raise
    :class:`SetupError` when the Odoo found cannot be used."""
    home = os.environ.get("ODOO_HOME")
    if home:
        home = Path(home).expanduser().resolve()
        if not (home / "odoo-bin").is_file() or not (home / "odoo").is_dir():
            raise SetupError(
                f"ODOO_HOME={home} is not an Odoo source tree (no odoo-bin and "
                "odoo/ in it). Point ODOO_HOME at the folder that holds odoo-bin: "
                f"a clone of {ODOO_SOURCE}."
            )
        package = home / "odoo"
        command = [python, str(home / "odoo-bin")]
        where = str(home)
    else:
        package = _probe_import(python)
        if not package:
            return None
        command = [python, "-m", "odoo"]
        where = str(package)
    version = _release_version(package)
    if version != "18.0":
        found = (
            f"Odoo {version} found at {where}"
            if version
            else f"{package / 'release.py'} does not say which Odoo this is"
        )
        raise SetupError(
            f"{found}; perf_closed_loop needs Odoo 18.0: point ODOO_HOME at a "
            f"clone of {ODOO_SOURCE}."
        )
    addons = [package / "addons", package.parent / "addons"]
    paths = [str(p) for p in addons if p.is_dir()] + [str(REPO)]
    return Odoo(command, ",".join(paths), version, where, package.parent)


def require_odoo(python=sys.executable):
    """Like :func:`find_odoo`, but a missing Odoo is a :class:`SetupError`."""
    odoo = find_odoo(python)
    if not odoo:
        raise SetupError(
            f"Odoo 18.0 not found: clone {ODOO_SOURCE} (or install the Odoo "
            "18.0 package) and run 'ODOO_HOME=/path/to/that/clone python3 "
            "tools/start.py'."
        )
    return odoo


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


def dropdb(params, name):
    """Drop database ``name`` if it exists; a failure is a :class:`SetupError`."""
    if not shutil.which("dropdb"):
        raise SetupError(
            "dropdb not found: install PostgreSQL's client programs "
            "(e.g. 'apt-get install postgresql-client')."
        )
    pg = ["-h", params["host"], "-p", params["port"], "-U", params["user"]]
    proc = subprocess.run(
        ["dropdb", "--if-exists", *pg, name], capture_output=True, text=True
    )
    if proc.returncode:
        why = (proc.stderr.strip().splitlines() or ["dropdb failed"])[-1]
        raise SetupError(
            f"Cannot drop database {name}: {why} (is a server "
            "still using it? Stop it, or choose another database)."
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
