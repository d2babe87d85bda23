#!/usr/bin/env python3
# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Regenerate ``i18n/<addon>.pot`` from a fresh install and merge it into
``i18n/zh_CN.po`` (kept translations stay, new terms are added empty,
vanished terms are dropped), for perf_closed_loop or the add-ons named on
the command line (``tools/i18n_update.py perf_closed_loop_sale``). Prints
how many terms still need a translation.

Needs Odoo 18.0 (``ODOO_HOME`` or ``import odoo``) and PostgreSQL, like the
Odoo test tier.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polib

sys.path.insert(0, str(Path(__file__).resolve().parent))
import odoo_env


def export_pot(odoo, params, module=odoo_env.MODULE):
    db = f"perf_i18n_{time.strftime('%Y%m%d%H%M%S')}_{os.getpid()}"
    i18n = odoo_env.REPO / module / "i18n"
    i18n.mkdir(exist_ok=True)
    pot = i18n / f"{module}.pot"
    with tempfile.TemporaryDirectory() as data_dir:
        common = [
            f"--addons-path={odoo.addons_path}",
            f"--data-dir={data_dir}",
            f"--database={db}",
            "--without-demo=all",
            "--stop-after-init",
            "--log-level=warn",
            *odoo_env.odoo_db_args(params),
        ]
        try:
            subprocess.run(odoo.command + common + [f"--init={module}"], check=True)
            subprocess.run(
                odoo.command + common + [f"--i18n-export={pot}", f"--modules={module}"],
                check=True,
            )
        finally:
            subprocess.run(
                [
                    "dropdb",
                    "--if-exists",
                    "-h",
                    params["host"],
                    "-p",
                    params["port"],
                    "-U",
                    params["user"],
                    db,
                ],
                check=False,
            )
    return pot


def merge(pot_path, lang="zh_CN"):
    pot = polib.pofile(str(pot_path))
    po_path = Path(pot_path).parent / f"{lang}.po"
    old = polib.pofile(str(po_path)) if po_path.exists() else polib.POFile()
    known = {(e.msgctxt, e.msgid): e for e in old if e.msgstr}
    po = polib.POFile(wrapwidth=78)
    po.metadata = dict(pot.metadata)
    po.metadata.update(
        {
            "Language": lang,
            "Content-Type": "text/plain; charset=UTF-8",
            "Plural-Forms": "nplurals=1; plural=0;",
        }
    )
    po.header = pot.header
    missing = 0
    for entry in pot:
        done = known.get((entry.msgctxt, entry.msgid))
        entry.msgstr = done.msgstr if done else ""
        missing += not entry.msgstr
        po.append(entry)
    po.save(str(po_path))
    # The OCA hook's own layout (it also drops msgstr equal to msgid, which
    # then count as missing: translate such terms differently).
    subprocess.run(
        [
            sys.executable,
            "-m",
            "oca_pre_commit_hooks.cli_po",
            "--fix",
            str(pot_path),
            str(po_path),
        ],
        check=False,
        capture_output=True,
    )
    return po_path, len(pot), missing


def main():
    odoo = odoo_env.find_odoo()
    if not odoo:
        sys.exit("Odoo 18.0 not found: set ODOO_HOME to an Odoo 18.0 source tree.")
    params = odoo_env.db_params()
    odoo_env.check_postgres(params)
    for module in sys.argv[1:] or [odoo_env.MODULE]:
        pot = export_pot(odoo, params, module)
        po_path, total, missing = merge(pot)
        print(f"{pot.name}: {total} terms; {po_path.name}: {missing} untranslated")


if __name__ == "__main__":
    main()
