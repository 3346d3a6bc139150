"""One run of an encounter's job, the same for every runner (the app's runner, worker.py, on this process's
threads or in its worker process; a Procrastinate worker's task, tasks.py): never before a scheduled retry
is due, and only while holding the encounter's lock, so no two processes ever work on one encounter.

Where the runner's jobs run (its executor):
    InThisProcess     on the runner's own threads: the CLI, a job worker process itself, and tests that
                      hand in their own engines (a worker process could not have them)
    InWorkerProcess   in a long-lived worker process of lower CPU priority (worker_process.py): the app
                      on SQLite, so a long draft never slows the pages the server is answering
"""

from __future__ import annotations

from typing import Protocol

from ..access import SYSTEM
from ..model import Encounter, EncounterState, utc_now
from ..usecases import Scribe


class JobExecutor(Protocol):
    def run(self, encounter_id: str) -> Encounter | None:
        """One run (run_held); raises WorkerProcessLost when the process doing it died."""
        ...

    def close(self, wait: bool = True) -> None: ...


def run_held(scribe: Scribe, encounter_id: str) -> Encounter | None:
    """Process the encounter under its lock: None when another process holds it; otherwise the encounter
    (still in flight, with retry_at, when a transient failure scheduled another try). A retry not yet due
    comes back untouched: the runner that scheduled it runs it at retry_at."""
    encounter = scribe.store.get(encounter_id)
    if encounter.retry_at is not None and encounter.retry_at > utc_now():
        return encounter
    with scribe.store.hold_encounter(encounter_id) as held:
        if not held:
            return None
        return scribe.process(encounter_id)


def give_up(scribe: Scribe, encounter_id: str, reason: str) -> Encounter | None:
    """Fail an encounter whose job keeps killing the process running it (a crash loop is bounded, like
    every retry); the user can retry it. None when another process holds it meanwhile."""
    with scribe.store.hold_encounter(encounter_id) as held:
        if not held:
            return None
        scribe.store.audit("failed", encounter_id, actor=SYSTEM.name)
        return scribe.store.update(encounter_id, state=EncounterState.FAILED, step="failed", error=reason,
                                   progress=None, retry_at=None)


class InThisProcess:
    """The runner's jobs on the runner's own threads."""

    def __init__(self, scribe: Scribe) -> None:
        self.scribe = scribe

    def run(self, encounter_id: str) -> Encounter | None:
        return run_held(self.scribe, encounter_id)

    def close(self, wait: bool = True) -> None:
        return None
