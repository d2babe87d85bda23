# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""18.0.1.1.0: a cycle's launch job became its background job (launch,
start of the evaluation, publication)."""

from odoo.tools import SQL


def migrate(cr, version):
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'perf_cycle' AND column_name LIKE 'launch_%%'"
    )
    columns = {row[0] for row in cr.fetchall()}
    for old, new in (
        ("launch_state", "job_state"),
        ("launch_total", "job_total"),
        ("launch_done", "job_done"),
    ):
        if old in columns:
            cr.execute(
                SQL(
                    "ALTER TABLE perf_cycle RENAME COLUMN %s TO %s",
                    SQL.identifier(old),
                    SQL.identifier(new),
                )
            )
    if "launch_state" in columns:
        cr.execute("ALTER TABLE perf_cycle ADD COLUMN IF NOT EXISTS job_kind varchar")
        cr.execute(
            "UPDATE perf_cycle SET job_kind = 'launch' WHERE job_state IS NOT NULL"
        )
    cr.execute(
        """
        UPDATE ir_model_data SET name = 'ir_cron_perf_cycle_jobs'
         WHERE module = 'perf_closed_loop' AND name = 'ir_cron_perf_cycle_launch'
        RETURNING res_id
        """
    )
    for (cron_id,) in cr.fetchall():
        cr.execute(
            """
            UPDATE ir_act_server SET code = 'model._cron_run_jobs()'
             WHERE id = (SELECT ir_actions_server_id FROM ir_cron WHERE id = %s)
            """,
            [cron_id],
        )
