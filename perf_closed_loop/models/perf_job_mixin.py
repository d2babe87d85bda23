# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from odoo import api, fields, models

DEFAULT_SYNC_LIMIT = 300
DEFAULT_BATCH_SIZE = 1000


class PerfJobMixin(models.AbstractModel):
    """The background-job machinery of the company-wide phases (launch,
    start of the evaluation, publication …), used by ``perf.cycle``.

    A phase starts a job with ``_start_job(kind, queue, options)``: the
    queue (a JSON list of items, e.g. review ids) is computed once, then
    ``_run_job_batch`` hands the next ``_batch_size()`` items to the
    phase's hook ``_job_<kind>(items, options)`` and advances the pointer
    ``job_done`` in the same transaction as the batch's work, so a crashed
    job resumes exactly where it stopped (the batch is redone from
    scratch). Once the queue is empty ``_job_<kind>_finish()`` writes the
    phase's state and its summary in the chatter. A job of at most
    ``_sync_limit()`` items runs at once, inside the click; a bigger one is
    queued for the cron ``ir_cron_perf_cycle_jobs`` (``_cron_run_jobs``),
    which commits one batch per call and reports its progress with
    ``ir.cron._notify_progress``. The limits are the system parameters
    ``perf_closed_loop.launch_sync_limit`` and
    ``perf_closed_loop.launch_batch_size``.

    A phase adds its kind to ``job_kind`` (``selection_add``) in its own
    file, next to its two hooks. The model using the mixin also inherits
    ``mail.thread`` (the summaries) and ``perf.state.mixin``
    (``_write_state``).

    The to-do delivery job (``_cron_deliver_todos``) is here too: the
    bulk phases leave to-dos pending (``perf.todo.mixin``) and it delivers
    them in batches of the same size, every model's in turn.

    Access: only the phases' buttons, already guarded, start a job; the
    queue and the options are HR-only fields.
    """

    _name = "perf.job.mixin"
    _description = "Background job"

    # ------------------------------------------------------------ fields
    # Each phase adds its kind (selection_add) with its hooks _job_<kind>
    # and _job_<kind>_finish.
    job_kind = fields.Selection(
        [],
        string="Background job",
        readonly=True,
        copy=False,
    )
    job_state = fields.Selection(
        [("queued", "Queued"), ("running", "Running"), ("done", "Done")],
        readonly=True,
        copy=False,
    )
    job_total = fields.Integer(readonly=True, copy=False)
    job_done = fields.Integer(readonly=True, copy=False)
    job_progress = fields.Float(compute="_compute_job_progress")
    job_queue = fields.Json(
        readonly=True, copy=False, groups="perf_closed_loop.group_perf_hr"
    )
    job_options = fields.Json(
        readonly=True, copy=False, groups="perf_closed_loop.group_perf_hr"
    )

    # ----------------------------------------------------------- compute
    @api.depends("job_total", "job_done")
    def _compute_job_progress(self):
        for cycle in self:
            cycle.job_progress = (
                100.0 * cycle.job_done / cycle.job_total if cycle.job_total else 0.0
            )

    # -------------------------------------------------------------- jobs
    def _sync_limit(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("perf_closed_loop.launch_sync_limit", DEFAULT_SYNC_LIMIT)
        )

    def _batch_size(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("perf_closed_loop.launch_batch_size", DEFAULT_BATCH_SIZE)
        )

    def _job_running(self):
        self.ensure_one()
        return self.job_state in ("queued", "running")

    def _start_job(self, kind, queue, options=None):
        """Queue a company-wide phase: ``queue`` lists its items (JSON), and
        each batch handles the next ones with ``_job_<kind>``. Small jobs
        run at once, big ones in the background."""
        self.ensure_one()
        self.sudo()._write_state(
            {
                "job_kind": kind,
                "job_state": "queued",
                "job_total": len(queue),
                "job_done": 0,
                "job_queue": queue,
                "job_options": options or {},
            }
        )
        if len(queue) <= self._sync_limit():
            while self._run_job_batch()[1]:
                pass
        else:
            kinds = dict(self._fields["job_kind"]._description_selection(self.env))
            self.message_post(
                body=self.env._(
                    "%(job)s of %(count)s reviews queued; it runs in the background.",
                    job=kinds[kind],
                    count=len(queue),
                ),
                subtype_xmlid="mail.mt_note",
            )
            self.env.ref("perf_closed_loop.ir_cron_perf_cycle_jobs")._trigger()

    def _run_job_batch(self):
        """One batch of this cycle's job; returns (handled, remaining).

        The pointer ``job_done`` moves in the same transaction as the
        batch's work: after a crash, the batch is redone from scratch."""
        self.ensure_one()
        cycle = self.sudo()
        queue = cycle.job_queue or []
        start = cycle.job_done
        batch = queue[start : start + self._batch_size()]
        getattr(cycle, f"_job_{cycle.job_kind}")(batch, cycle.job_options or {})
        done = start + len(batch)
        values = {"job_state": "running", "job_done": done}
        finished = done >= len(queue)
        if finished:
            values.update(job_state="done", job_queue=False, job_options=False)
        cycle._write_state(values)
        if finished:
            getattr(cycle, f"_job_{cycle.job_kind}_finish")()
        return len(batch), len(queue) - done

    # The cron runner commits after each call and calls again while
    # ``remaining`` is reported (ir.cron progress API of Odoo 18).
    @api.model
    def _cron_run_jobs(self):
        """Background jobs of big cycles, one committed batch per call."""
        cycles = self.sudo().search(
            [("job_state", "in", ("queued", "running"))], order="id"
        )
        if not cycles:
            return
        done, remaining = cycles[0]._run_job_batch()
        remaining += len(cycles) - 1
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        if remaining:
            # Committed with the batch: a worker that dies before the next
            # one leaves this call for the next cron worker, not tomorrow.
            self.env.ref("perf_closed_loop.ir_cron_perf_cycle_jobs")._trigger()

    # ------------------------------------------------------------ to-dos
    def _deliver_todo_batch(self):
        """Deliver one batch of pending to-dos (reviews first, then ratings
        …); returns (delivered, remaining)."""
        models_ = self.env["perf.todo.mixin"]._todo_models()
        domain = [("todo_pending", "=", True)]
        while models_:
            batch = (
                self.env[models_[0]]
                .sudo()
                .search(domain, limit=self._batch_size(), order="id")
            )
            if batch:
                batch._deliver_pending_todos()
                # The models before this one have nothing pending (just
                # searched): only this one and the next ones are counted.
                remaining = sum(
                    self.env[name].sudo().search_count(domain) for name in models_
                )
                return len(batch), remaining
            models_ = models_[1:]
        return 0, 0

    @api.model
    def _cron_deliver_todos(self):
        """Pending to-dos (and their notifications), one batch per call."""
        done, remaining = self._deliver_todo_batch()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        if remaining:
            self.env.ref("perf_closed_loop.ir_cron_perf_deliver_todos")._trigger()
