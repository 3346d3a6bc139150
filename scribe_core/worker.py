"""The job runner: the job port (usecases.ports.JobRunner) for a process that runs its own jobs.

Every piece of work goes through a runner: a recording's transcription and draft, an import's draft,
a re-draft, `scribe resume` and `scribe process`. Use cases only enqueue and return; the runner calls
process() only while it holds the encounter's lock (Database.exclusive: a Postgres advisory lock, or an
OS file lock beside the SQLite file), so no two processes ever work on one encounter. It also schedules
a transient failure's retry (a timer due at retry_at), on either store.

Where a job runs is its executor (jobs/running.py), chosen by the composition root: the Streamlit app on
SQLite holds one in `st.cache_resource` whose jobs run in a worker process (jobs/worker_process.py), so
a long draft never slows the pages; the CLI makes its own on this process's threads, and leaves an
encounter another process holds to that process instead of checking on it again later. With Postgres
the app holds the Procrastinate adapter (jobs/client.py) instead, and worker processes run the jobs.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta

from .errors import EncounterNotFoundError
from .jobs.running import InThisProcess, JobExecutor, give_up
from .jobs.worker_process import WorkerProcessLost
from .model import Encounter, utc_now
from .usecases import Scribe

log = logging.getLogger(__name__)

# A job that keeps killing the process running it (a crash, memory) is run again this many times, then failed.
MAX_LOST_RUNS = 3


class Worker:
    def __init__(self, scribe: Scribe, *, max_parallel: int = 2, recheck_held_s: float | None = 30.0,
                 executor: JobExecutor | None = None) -> None:
        """`recheck_held_s`: when another process holds an encounter, look again this much later (the app:
        a `scribe resume` that dies mid-job is not stranded); None: leave it to that process (the CLI).
        `executor`: where each run happens (default: on this runner's threads)."""
        self.scribe = scribe
        self.recheck_held_s = recheck_held_s
        self.executor = executor or InThisProcess(scribe)
        self._lost_runs: dict[str, int] = {}
        self._pool = ThreadPoolExecutor(max_workers=max_parallel, thread_name_prefix="scribe-worker")
        self._lock = threading.Lock()
        self._running: dict[str, Future[None]] = {}
        self._again: set[str] = set()  # enqueued while running: run once more when this run ends
        self._settled: dict[str, Future[Encounter | None]] = {}
        self._stop = threading.Event()
        self._retention: threading.Thread | None = None

    def enqueue(self, encounter_id: str, at: datetime | None = None) -> Future[Encounter | None]:
        """Run the encounter's job now (or at `at`); a no-op while one is waiting to run. The future settles
        with the encounter once it is out of flight (retries included), or None when another process holds
        it and this runner leaves it to that process."""
        with self._lock:
            settled = self._settled.get(encounter_id)
            if settled is None or settled.done():
                settled = self._settled[encounter_id] = Future()
            if at is not None and at > utc_now():
                self._later(encounter_id, at)
                return settled
            running = self._running.get(encounter_id)
            if running is not None and not running.done():
                self._again.add(encounter_id)  # its run may have read the state before this change
                return settled
            if self._stop.is_set():
                return settled
            self._running[encounter_id] = self._pool.submit(self._run, encounter_id)
            return settled

    def run_now(self, encounter_id: str) -> Encounter | None:
        """One run of the encounter's job by the executor (jobs.running.run_held), waiting for it: None when
        another process holds it; the encounter otherwise (still in flight with retry_at when a retry is due)."""
        return self.executor.run(encounter_id)

    def _run(self, encounter_id: str) -> None:
        encounter, gone, lost = None, False, False
        try:
            encounter = self.run_now(encounter_id)
        except EncounterNotFoundError:
            gone = True  # purged meanwhile: nothing left to run or to look at again
        except WorkerProcessLost:
            lost = True
        except Exception:  # process() records failures itself; this guards the thread
            log.exception("worker: encounter %s could not be processed", encounter_id)
        with self._lock:
            again = encounter_id in self._again
            self._again.discard(encounter_id)
            self._running.pop(encounter_id, None)
            lost_before = self._lost_runs.pop(encounter_id, 0)
            lost_runs = lost_before + 1 if lost else 0
            if lost_runs:
                self._lost_runs[encounter_id] = lost_runs
        if lost and not self._stop.is_set():
            self._run_lost_again(encounter_id, lost_runs)
        elif again:
            self.enqueue(encounter_id)
        elif gone:
            self._settle(encounter_id, None)
        elif encounter is None and self.recheck_held_s is not None and not self._stop.is_set():
            self._later(encounter_id, utc_now() + timedelta(seconds=self.recheck_held_s))
        elif encounter is not None and encounter.state.in_flight and encounter.retry_at is not None:
            self._later(encounter_id, encounter.retry_at)
        else:
            self._settle(encounter_id, encounter)

    def _run_lost_again(self, encounter_id: str, lost_runs: int) -> None:
        """The process running the job died: its state is stored, so run it again (in a new worker
        process), unless the job itself seems to be what kills it."""
        if lost_runs <= MAX_LOST_RUNS:
            log.warning("worker: the process running encounter %s stopped; running it again", encounter_id)
            self.enqueue(encounter_id)
            return
        with self._lock:
            self._lost_runs.pop(encounter_id, None)
        log.error("worker: encounter %s stopped its worker process %d times; failed", encounter_id, lost_runs)
        encounter = give_up(self.scribe, encounter_id,
                            f"The worker process stopped {lost_runs} times while processing this encounter; "
                            "retry it, or report the problem if it happens again.")
        self._settle(encounter_id, encounter)

    def _settle(self, encounter_id: str, encounter: Encounter | None) -> None:
        with self._lock:
            settled = self._settled.pop(encounter_id, None)
        if settled is not None and not settled.done():
            settled.set_result(encounter)

    def _later(self, encounter_id: str, when: datetime) -> None:
        """Enqueue again at `when` (a transient failure's next try)."""
        delay = max(0.0, (when - utc_now()).total_seconds())
        timer = threading.Timer(delay, lambda: None if self._stop.is_set() else self.enqueue(encounter_id))
        timer.daemon = True
        timer.start()

    def resume_unfinished(self) -> list[str]:
        self.sweep_remote_deletions()
        ids = self.scribe.unfinished()
        for encounter_id in ids:
            self.enqueue(encounter_id)  # a retry not yet due waits for its time (run_now)
        if ids:
            log.info("worker: resuming %d unfinished encounter(s)", len(ids))
        return ids

    def sweep_remote_deletions(self) -> int:
        """Try again every remote transcript a purge could not delete yet; returns how many are now gone."""
        try:
            return sum(d.confirmed for d in self.scribe.delete_pending_transcripts())
        except Exception:
            log.exception("sweep of pending remote deletions failed; will try again")
            return 0

    def start_retention(self, retention_hours: float, *, every_s: float = 600.0) -> None:
        """Every `every_s` seconds, on a daemon thread: retry pending remote deletions, and purge
        expired encounters when a retention period is set."""
        if self._retention is not None:
            return

        def loop() -> None:
            while True:
                self.sweep_remote_deletions()
                try:
                    purged = self.scribe.purge_expired(retention_hours) if retention_hours > 0 else []
                    if purged:
                        log.info("retention: purged %d encounter(s) older than %g h", len(purged), retention_hours)
                except Exception:
                    log.exception("retention sweep failed; will try again")
                if self._stop.wait(every_s):
                    return

        self._retention = threading.Thread(target=loop, name="scribe-retention", daemon=True)
        self._retention.start()

    def busy(self) -> bool:
        with self._lock:
            return any(not f.done() for f in self._running.values())

    def shutdown(self, wait: bool = True) -> None:
        self._stop.set()
        if not wait:
            self.executor.close(wait=False)  # cuts the jobs in hand short: they resume from their stored state
        self._pool.shutdown(wait=wait, cancel_futures=True)
        self.executor.close(wait=wait)
        with self._lock:
            waiting, self._settled = list(self._settled.values()), {}
        for settled in waiting:  # nobody waits forever on work this runner will no longer do
            if not settled.done():
                settled.cancel()
