"""The job bookkeeping the scribe reads from Procrastinate's table (Postgres only): whether an encounter
has a job waiting or running, and which encounters in flight have none. Procrastinate writes the rows
itself (jobs/queue.py defers through it); this is the scribe's only SQL over them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, text

from ..model import EncounterState

_IN_FLIGHT = [s.value for s in EncounterState if s.in_flight]


def encounter_lock(encounter_id: str) -> str:
    """The name of an encounter's lock: the Procrastinate job lock and the Database.exclusive lock alike."""
    return f"encounter:{encounter_id}"


def has_job(connection: Connection, encounter_id: str) -> bool:
    """Whether a job of this encounter waits or runs."""
    return connection.execute(text(
        "SELECT EXISTS (SELECT 1 FROM procrastinate_jobs WHERE lock = :lock AND status IN ('todo', 'doing'))"),
        {"lock": encounter_lock(encounter_id)}).scalar() is True


def stranded(connection: Connection) -> list[tuple[str, datetime | None]]:
    """Encounters in flight with no job waiting or running, with the time their retry is due (if any)."""
    rows = connection.execute(text(
        "SELECT e.id, e.retry_at FROM encounters e WHERE e.state = ANY(:states) AND NOT EXISTS ("
        " SELECT 1 FROM procrastinate_jobs j WHERE j.lock = 'encounter:' || e.id"
        " AND j.status IN ('todo', 'doing'))"), {"states": _IN_FLIGHT}).all()
    return [(r[0], datetime.fromisoformat(r[1]) if r[1] else None) for r in rows]
