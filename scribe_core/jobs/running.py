"""One run of an encounter's job, the same for every runner (the app's and the CLI's threads, worker.py;
a worker process's Procrastinate task, tasks.py): never before a scheduled retry is due, and only while
holding the encounter's lock, so no two processes ever work on one encounter."""

from __future__ import annotations

from ..model import Encounter, utc_now
from ..usecases import Scribe


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
