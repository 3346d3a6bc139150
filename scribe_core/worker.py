"""Background processing: encounters run on worker threads, never inside a page's script run.

One Worker per process (the Streamlit app holds it in `st.cache_resource`; the CLI makes its own).
The store is the only shared state, so two browser tabs, a reload or a restart all see the same
encounters; on start the worker picks up whatever a crash left in flight.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime

from .model import utc_now
from .usecases import Scribe

log = logging.getLogger(__name__)


class Worker:
    def __init__(self, scribe: Scribe, *, max_parallel: int = 2) -> None:
        self.scribe = scribe
        self._pool = ThreadPoolExecutor(max_workers=max_parallel, thread_name_prefix="scribe-worker")
        self._lock = threading.Lock()
        self._running: dict[str, Future] = {}
        self._stop = threading.Event()
        self._retention: threading.Thread | None = None

    def enqueue(self, encounter_id: str) -> Future:
        """Process an encounter in the background; enqueuing one already running is a no-op."""
        with self._lock:
            future = self._running.get(encounter_id)
            if future is not None and not future.done():
                return future
            future = self._pool.submit(self._run, encounter_id)
            self._running[encounter_id] = future
            return future

    def _run(self, encounter_id: str) -> None:
        try:
            encounter = self.scribe.process(encounter_id)
        except Exception:  # process() records failures itself; this guards the thread
            log.exception("worker: encounter %s could not be processed", encounter_id)
            return
        if encounter.state.in_flight and encounter.retry_at is not None:
            self._later(encounter_id, encounter.retry_at)

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
            retry_at = self.scribe.store.get(encounter_id).retry_at
            if retry_at is not None and retry_at > utc_now():
                self._later(encounter_id, retry_at)
            else:
                self.enqueue(encounter_id)
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
        self._pool.shutdown(wait=wait, cancel_futures=True)
