"""The worker's tasks (`python -m scribe_core worker` runs them; see cli_worker.py).

    process_encounter   run one encounter to ready or failed (processing.process), under the lock
                        encounter:<id>: never two workers on one encounter
    sweep               every 5 s, once across the cluster: a job whose worker stopped sending
                        heartbeats for SCRIBE_WORKER_TAKEOVER_S goes back to the queue, and another
                        worker resumes it from the stored state (the engine's checkpoints mean no
                        second upload and no second remote transcript); an encounter in flight with no
                        job (e.g. left by an in-process worker) gets one
    retention           every 10 minutes, once across the cluster: retry remote deletions a purge left
                        pending, and purge encounters past SCRIBE_RETENTION_HOURS

Procrastinate defers each periodic run once per tick for the whole cluster (its periodic_defers table),
and the queueing locks below keep a slow run from piling up behind itself.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta

from procrastinate import Blueprint, JobContext

from ..model import utc_now
from ..storage import EncounterStore
from ..usecases import Scribe
from .queue import ENCOUNTER_QUEUE, MAINTENANCE_QUEUE, PROCESS_TASK, ProcrastinateQueue
from .running import run_held

log = logging.getLogger(__name__)
blueprint = Blueprint()


@dataclass
class WorkerRuntime:
    scribe: Scribe
    store: EncounterStore  # the scribe's store, on Postgres
    queue: ProcrastinateQueue
    takeover_s: float
    retention_hours: float


_runtime: list[WorkerRuntime] = []


def serve(runtime: WorkerRuntime) -> None:
    """Give the tasks what they work with (the worker command calls this once, before running)."""
    _runtime[:] = [runtime]


def runtime() -> WorkerRuntime:
    if not _runtime:
        raise RuntimeError("scribe tasks run only in `python -m scribe_core worker`")
    return _runtime[0]


@blueprint.task(name="process_encounter", queue=ENCOUNTER_QUEUE)
def process_encounter(encounter_id: str) -> None:
    current = runtime()
    # The job's lock keeps other jobs of this encounter waiting. The encounter's database lock (run_held)
    # also covers a worker that was handed over for silence but is still alive (frozen, cut off): it keeps
    # its database session and that lock, so the new worker waits instead of working beside it. A retry
    # not yet due was scheduled as a job of its own, due at retry_at.
    encounter = run_held(current.scribe, encounter_id)
    if encounter is None:
        log.warning("encounter %s is still held by a silent worker; trying again later", encounter_id)
        current.store.queue_job(encounter_id, at=utc_now() + timedelta(seconds=current.takeover_s))
        return
    log.info("encounter %s: %s", encounter_id, encounter.state.value)


@blueprint.periodic(cron="* * * * * */5")
@blueprint.task(name="sweep", queue=MAINTENANCE_QUEUE, queueing_lock="scribe.sweep", pass_context=True)
async def sweep(context: JobContext, timestamp: int) -> None:
    current = runtime()
    manager = context.app.job_manager
    for job in await manager.get_stalled_jobs(task_name=PROCESS_TASK, seconds_since_heartbeat=current.takeover_s):
        log.warning("job %s (%s) lost its worker; handing it to another", job.id, job.lock)
        await manager.retry_job(job)
    await asyncio.to_thread(enqueue_stranded, current)


def enqueue_stranded(current: WorkerRuntime) -> list[str]:
    """Give a job to every encounter in flight that has none waiting or running."""
    return current.store.queue_stranded()


@blueprint.periodic(cron="*/10 * * * *")
@blueprint.task(name="retention", queue=MAINTENANCE_QUEUE, queueing_lock="scribe.retention")
def retention(timestamp: int) -> None:
    """What the in-process worker's retention loop does on one machine, once for the whole cluster: retry
    remote transcripts a purge could not delete yet, then purge what is past SCRIBE_RETENTION_HOURS."""
    current = runtime()
    deleted = sum(d.confirmed for d in current.scribe.delete_pending_transcripts())
    if deleted:
        log.info("retention: %d remote transcript(s) a purge left pending are now deleted", deleted)
    if current.retention_hours > 0:
        purged = current.scribe.purge_expired(current.retention_hours)
        if purged:
            log.info("retention: purged %d encounter(s) older than %g h", len(purged), current.retention_hours)
