# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Lint gate: ruff (OCA 18 config), pylint-odoo (mandatory checks for 18.0)
and the OCA module / po checks. A missing tool is a failure, not a skip:
``pip install -r requirements.txt`` installs them all."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ADDON = REPO / "perf_closed_loop"
# Every add-on of the repository: the core and its bridges.
ADDONS = sorted(p.parent.name for p in REPO.glob("*/__manifest__.py"))


def _run(*cmd):
    exe = shutil.which(cmd[0])
    if exe is None and cmd[0] not in ("python",):
        pytest.fail(f"{cmd[0]} is not installed: pip install -r requirements.txt")
    argv = [sys.executable, *cmd[1:]] if cmd[0] == "python" else [exe, *cmd[1:]]
    proc = subprocess.run(argv, cwd=REPO, capture_output=True, text=True)
    assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stdout}\n{proc.stderr}"


def test_ruff_check():
    _run("ruff", "check", ".")


def test_ruff_format():
    _run("ruff", "format", "--check", ".")


def test_pylint_odoo_mandatory():
    # Migration scripts are not in a package: pylint is given them by name.
    migrations = sorted(str(p) for p in ADDON.glob("migrations/*/*.py"))
    assert migrations
    _run(
        "python",
        "-m",
        "pylint",
        "--rcfile=.pylintrc-mandatory",
        *ADDONS,
        *migrations,
    )


def test_oca_checks_odoo_module():
    _run("oca-checks-odoo-module", *(f"{addon}/__manifest__.py" for addon in ADDONS))


@pytest.mark.parametrize("addon", ADDONS)
def test_oca_checks_po(addon):
    po_files = sorted(str(p) for p in (REPO / addon / "i18n").glob("*.po*"))
    assert po_files, f"{addon}/i18n/ has no .pot/.po file"
    _run("oca-checks-po", *po_files)
