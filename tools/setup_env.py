#!/usr/bin/env python3
# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The project's one Python environment: ``.venv/`` at the repository root.

``tools/start.py`` and ``tools/run_tests.py`` call :func:`enter`, and
``.ci/run`` runs ``python3 tools/setup_env.py``; all of them:

- create ``.venv`` with ``python -m venv`` (a clean environment, without the
  system's site-packages) when it is missing or was made by another Python;
- make the Odoo that was found (``ODOO_HOME`` or ``import odoo``) importable
  in it through a ``.pth`` file;
- install the project's ``requirements.txt``, then Odoo's own
  ``requirements.txt`` as :func:`filter_requirements` filters it (the only
  place that knows how);
- record a hash of those inputs in ``.venv/perf-setup.stamp``: the next run
  skips pip when nothing changed and runs it again when anything did;
- re-run the calling script with ``.venv``'s Python (:func:`enter`).

``PERF_NO_VENV=1`` skips all of it: the running Python is used as it is.
Only packages from the Python package index are installed; Odoo itself is
never fetched. Chromium for the browser tours: :func:`ensure_chromium`.
"""

import argparse
import contextlib
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import odoo_env
from odoo_env import REPO, SetupError

VENV = REPO / ".venv"
PROJECT_REQUIREMENTS = REPO / "requirements.txt"
STAMP = "perf-setup.stamp"
LOG = "perf-setup.log"
PTH = "perf-odoo.pth"
NO_VENV = "PERF_NO_VENV"
REEXEC = "PERF_VENV_REEXEC"  # set on the re-run only: no re-exec loop
SETUP_VERSION = 1  # bump when the way requirements are installed changes

# Odoo 18.0 pins, for Python < 3.12, old releases that no longer build from
# source (e.g. cbor2 5.4.2 needs pkg_resources); its Python 3.12 pins are
# newer and ship wheels. So the markers are evaluated as if Python were at
# least 3.12.
MARKER_PYTHON_FLOOR = (3, 12)
# Left out of Odoo's list, with the reason.
DROPPED = {
    "python-ldap": "needs the LDAP headers to build; only auth_ldap uses it",
    "psycopg2": "needs pg_config to build; psycopg2-binary replaces it",
}
ADDED = ["psycopg2-binary==2.9.9"]
# The browsers Odoo's tours look for on PATH (odoo/tests/common.py).
BROWSERS = ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable")


def _relative(path):
    path = Path(path)
    return path.relative_to(REPO) if path.is_relative_to(REPO) else path


# --------------------------------------------------------- requirement files
def _packaging():
    """``Requirement`` and ``InvalidRequirement`` from ``packaging``, or from
    the copy inside pip; ImportError when the running Python has neither."""
    try:
        from packaging.requirements import InvalidRequirement, Requirement
    except ImportError:
        from pip._vendor.packaging.requirements import (
            InvalidRequirement,
            Requirement,
        )
    return Requirement, InvalidRequirement


def marker_environment(version_info=None, sys_platform=None):
    """The values Odoo's environment markers are evaluated with."""
    version = max(tuple(version_info or sys.version_info)[:2], MARKER_PYTHON_FLOOR)
    return {
        "python_version": f"{version[0]}.{version[1]}",
        "sys_platform": sys_platform or sys.platform,
    }


def filter_requirements(text, version_info=None, sys_platform=None):
    """The lines of Odoo's ``requirements.txt`` (``text``) to install."""
    requirement, invalid = _packaging()
    environment = marker_environment(version_info, sys_platform)
    kept = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            req = requirement(line)
        except invalid as exc:
            why = str(exc).splitlines()[0]
            raise SetupError(
                f"Odoo's requirements.txt, line {number}: cannot read {line!r} "
                f"({why}); is ODOO_HOME an Odoo 18.0 source tree?"
            ) from exc
        if req.marker and not req.marker.evaluate(environment):
            continue
        if req.name.lower().replace("_", "-") in DROPPED:
            continue
        extras = f"[{','.join(sorted(req.extras))}]" if req.extras else ""
        kept.append(
            f"{req.name}{extras} @ {req.url}"
            if req.url
            else f"{req.name}{extras}{req.specifier}"
        )
    return kept + ADDED


def odoo_requirements(odoo, python=None):
    """Odoo's requirements, filtered. Without ``packaging`` and pip in the
    running Python, ``.venv``'s ``python`` (which has pip) filters them."""
    path = Path(odoo.root) / "requirements.txt"
    if not path.is_file():
        raise SetupError(
            f"No requirements.txt next to the Odoo found at {odoo.where}: set "
            "ODOO_HOME to an Odoo 18.0 source tree, or PERF_NO_VENV=1 to use "
            "this Python, with Odoo's requirements installed, as it is."
        )
    try:
        return filter_requirements(path.read_text(encoding="utf-8"))
    except ImportError:
        if python is None:
            raise
    proc = subprocess.run(
        [str(python), __file__, "--filter", str(path)], capture_output=True, text=True
    )
    if proc.returncode:
        raise SetupError((proc.stderr.strip().splitlines() or ["?"])[-1])
    return proc.stdout.splitlines()


def inputs_hash(sets):
    """Hash of what goes into ``.venv``: the requirement sets (label, lines),
    this Python's version and the way they are installed."""
    data = json.dumps(
        {"python": sys.version, "setup": SETUP_VERSION, "sets": sets}, sort_keys=True
    )
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------- the venv
def venv_python(venv=VENV):
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def in_venv(venv=VENV):
    """True when the running Python is ``venv``'s."""
    return sys.prefix != sys.base_prefix and Path(sys.prefix).resolve() == (
        Path(venv).resolve()
    )


def _venv_version(venv):
    """The Python version ``venv`` was made with, or None when it is unusable."""
    cfg = venv / "pyvenv.cfg"
    if not cfg.is_file() or not venv_python(venv).exists():
        return None
    for line in cfg.read_text(encoding="utf-8", errors="replace").splitlines():
        key, _sep, value = line.partition("=")
        if key.strip() in ("version", "version_info"):
            return ".".join(value.strip().split(".")[:3])
    return None


def _create_venv(venv):
    proc = subprocess.run(
        [sys.executable, "-m", "venv", "--clear", str(venv)],
        capture_output=True,
        text=True,
    )
    if proc.returncode:
        shutil.rmtree(venv, ignore_errors=True)
        output = (proc.stderr + proc.stdout).strip().splitlines()
        why = next((x.strip() for x in output if "ensurepip" in x), None)
        raise SetupError(
            f"Cannot create {_relative(venv)} with '{sys.executable} -m venv' "
            f"({why or (output or ['no output'])[-1].strip()}). On Debian or "
            "Ubuntu, 'apt-get install python3-venv' provides it; then run again."
        )


def _write_pth(python, venv, odoo):
    """Make ``odoo`` importable in ``venv`` (or not, without an Odoo)."""
    proc = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
    )
    if proc.returncode:
        raise SetupError(
            f"{_relative(python)} does not run; delete {_relative(venv)} and run again."
        )
    pth = Path(proc.stdout.strip()) / PTH
    wanted = f"{odoo.root}\n" if odoo else None
    current = pth.read_text(encoding="utf-8") if pth.is_file() else None
    if wanted is None:
        pth.unlink(missing_ok=True)
    elif current != wanted:
        pth.write_text(wanted, encoding="utf-8")


@contextlib.contextmanager
def _locked(venv, say):
    """One set-up of ``venv`` at a time (two commands may start together)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    with (venv.parent / f"{venv.name}.lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"== waiting for another set-up of {_relative(venv)} to finish…")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


# ------------------------------------------------------------------------ pip
def _run_pip(python, requirements, log):
    """``pip install -r requirements`` in the venv; output appended to log."""
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"\n### pip install -r {requirements}\n")
        handle.flush()
        proc = subprocess.run(
            [str(python), "-m", "pip", "install", "--disable-pip-version-check"]
            + ["--no-input", "-r", str(requirements)],
            stdout=handle,
            stderr=subprocess.STDOUT,
            text=True,
        )
    return proc.returncode


NAME = r"([A-Za-z0-9][A-Za-z0-9._-]*)"
PIP_FAILURES = [
    (
        "build",
        rf"(?:Failed building wheel for|Could not build wheels for|Failed to build"
        rf"(?: installable wheels for some pyproject\.toml based projects \()?) {NAME}",
    ),
    ("download", r"No matching distribution found for ([^\s;]+)"),
    ("download", r"Could not find a version that satisfies the requirement ([^\s;]+)"),
    ("conflict", r"Cannot install (.+?) because these package versions"),
    ("started", rf"Collecting {NAME}"),  # the last one pip started on
]
BUILD_ERROR = re.compile(r"did not run successfully|subprocess-exited-with-error")


def pip_failure(output, label, log):
    """One line saying what failed in pip's ``output`` and what to do."""
    where = f"{label}; full log: {_relative(log)}"
    for kind, pattern in PIP_FAILURES:
        found = re.findall(pattern, output)
        if not found:
            continue
        name = found[-1].rstrip(".")
        if kind == "started" and BUILD_ERROR.search(output):
            kind = "build"
        if kind == "download":
            return (
                f"pip could not download {name} ({where}). Check the name and "
                "version, the network and pip's index settings ('pip config "
                "list'), then run again."
            )
        if kind == "conflict":
            return (
                f"pip cannot install {name} together ({where}): the pins "
                "conflict; fix the requirement file, then run again."
            )
        if kind == "build":
            return (
                f"pip could not build {name} from source ({where}): install what "
                "the end of the log says it needs (often a C compiler and a "
                "library's -dev headers) or pin a version with a wheel for Python "
                f"{platform.python_version()}, then run again."
            )
        return (
            f"pip stopped at {name} ({where}): fix what the end of the log says, "
            "then run again."
        )
    return f"pip failed ({where}): fix what the end of the log says, then run again."


# ---------------------------------------------------------------- the set-up
def prepare(odoo, venv=VENV, project=PROJECT_REQUIREMENTS, say=print):
    """Make ``venv`` ready for ``odoo`` (an :class:`odoo_env.Odoo` or None)
    and return its Python. Raise :class:`SetupError` with one line saying
    what to do when something cannot be set up."""
    venv = Path(venv)
    python = venv_python(venv)
    with _locked(venv, say):
        if not in_venv(venv) and _venv_version(venv) != platform.python_version():
            say(
                f"== creating {_relative(venv)} (python -m venv, Python "
                f"{platform.python_version()})",
            )
            _create_venv(venv)
        _write_pth(python, venv, odoo)
        # (label, file for pip, its text); Odoo's, filtered, is written out.
        project = Path(project)
        label = "the project's requirements.txt"
        steps = [(label, project, project.read_text(encoding="utf-8"))]
        if odoo:
            text = "\n".join(odoo_requirements(odoo, python)) + "\n"
            path = venv / "odoo-requirements.txt"
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
            steps.append((f"Odoo's requirements from {odoo.root}", path, text))
        stamp = venv / STAMP
        digest = inputs_hash([(label, text) for label, _path, text in steps])
        if stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == digest:
            return python
        stamp.unlink(missing_ok=True)
        log = venv / LOG
        log.write_text("", encoding="utf-8")
        for label, path, _text in steps:
            say(
                f"== installing {label} into {_relative(venv)} with pip "
                f"(minutes the first time; log: {_relative(log)})",
            )
            start = log.stat().st_size
            if _run_pip(python, path, log):
                with log.open(encoding="utf-8", errors="replace") as handle:
                    handle.seek(start)
                    output = handle.read()
                raise SetupError(pip_failure(output, label, log))
        stamp.write_text(digest + "\n", encoding="utf-8")
        say(f"== {_relative(venv)} is ready")
    return python


def enter(script, argv, odoo, say=print):
    """Prepare ``.venv`` and run ``script`` with ``argv`` in it (the process
    is replaced). Returns when the running Python already is ``.venv``'s,
    or when ``PERF_NO_VENV`` is set (then nothing is prepared)."""
    if os.environ.get(NO_VENV, "0") not in ("", "0"):
        return
    python = prepare(odoo, say=say)
    bin_dir = str(python.parent)
    if in_venv():
        os.environ.pop(REEXEC, None)
        if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
            os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
        return
    if os.environ.get(REEXEC):
        raise SetupError(
            f"{_relative(python)} did not start inside {_relative(VENV)} (its "
            f"prefix is {sys.prefix}): delete {_relative(VENV)} and run again, or "
            f"set {NO_VENV}=1 to use this Python as it is."
        )
    env = dict(os.environ, VIRTUAL_ENV=str(VENV))
    env[REEXEC] = "1"
    env["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
    env.pop("PYTHONHOME", None)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execve(python, [str(python), str(script), *argv], env)
    except OSError as exc:
        raise SetupError(
            f"Cannot run {_relative(python)} ({exc}): delete {_relative(VENV)} and "
            "run again."
        ) from exc


def enter_with_odoo(script, argv, say=print):
    """What a tool that runs Odoo does first: find Odoo 18.0 and
    PostgreSQL, then :func:`enter` ``.venv``. Returns ``(odoo, params)``, the
    Odoo found again by the Python now running; raises :class:`SetupError`."""
    odoo = odoo_env.require_odoo()
    params = odoo_env.db_params()
    odoo_env.check_postgres(params)
    enter(script, argv, odoo, say=say)
    return odoo_env.require_odoo(), params  # the same Odoo, run by this Python


# ------------------------------------------------------------------- Chromium
def find_browser():
    return next(filter(None, map(shutil.which, BROWSERS)), None)


def ensure_chromium(say=print):
    """The browser Odoo's tours will use. Installed with apt-get as root, the
    way CI always did; otherwise a :class:`SetupError` names the command."""
    found = find_browser()
    if found:
        return found
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    if root and shutil.which("apt-get"):
        say("== installing Chromium for the browser tours (apt-get install chromium)")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        for command in (
            ["apt-get", "update", "-qq"],
            ["apt-get", "install", "-y", "-qq", "chromium"],
        ):
            proc = subprocess.run(command, capture_output=True, text=True, env=env)
            if proc.returncode:
                why = (proc.stderr.strip().splitlines() or ["no output"])[-1]
                raise SetupError(
                    f"'{' '.join(command)}' failed ({why}): install Chromium or "
                    "Google Chrome, then run again."
                )
        found = find_browser()
        if found:
            return found
    command = "apt-get install chromium" if root else "sudo apt-get install chromium"
    raise SetupError(
        f"The browser tours need Chromium, which is not installed: run '{command}' "
        "(or install Google Chrome), then run again."
    )


def main():
    parser = argparse.ArgumentParser(
        description="Prepare .venv (and Chromium when Odoo is found) for the "
        "project's commands."
    )
    parser.add_argument("--filter", metavar="REQUIREMENTS", help=argparse.SUPPRESS)
    args = parser.parse_args()
    try:
        if args.filter:
            text = Path(args.filter).read_text(encoding="utf-8")
            print("\n".join(filter_requirements(text)))
            return
        odoo = odoo_env.find_odoo()
        python = prepare(odoo)
        if odoo:
            print(f"== Odoo {odoo.version} from {odoo.where}; {_relative(python)}")
            print(f"== browser for the tours: {ensure_chromium()}")
        else:
            print("== Odoo 18.0 not found: only the project's requirements")
    except SetupError as exc:
        sys.exit(f"ERROR: {exc}")


if __name__ == "__main__":
    main()
