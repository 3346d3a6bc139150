"""No patient text under a tombstone: the one place that writes, reads and erases the rows holding a
patient's words (transcripts, notes, signed note versions, edited summaries and letters).

After a purge, no such row may be written (a worker finishing late, a page saved in another tab) or read
(whatever slipped past is never shown). Writes lock the encounter's row first, so a write and a purge of
the same encounter take turns: the write either lands before the purge (and the purge deletes it) or sees
the purge and is refused. Every table here is keyed by `encounter_id`; a new table holding patient text
is added to PATIENT_TEXT and is covered by all three.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Select, Table, delete, select

from ..errors import EncounterNotFoundError
from . import schema as t
from .base import upsert

PURGED = "purged"
# Each table holding patient text, with how a tombstone names it once erased.
PATIENT_TEXT: dict[Table, str] = {
    t.transcripts: "transcript",
    t.notes: "note",
    t.note_versions: "signed note versions",  # copies sent to an EHR are out of reach (ehr_sends has no text)
    t.edited_documents: "edited summary and letter",
}


def gone(encounter_id: str) -> EncounterNotFoundError:
    return EncounterNotFoundError(f"No encounter {encounter_id!r}: it may have been purged.")


def require_live(db: Connection, encounter_id: str) -> None:
    """Refuse (EncounterNotFoundError) unless the encounter exists, is not purged and has no tombstone;
    holds the encounter's row for the rest of the transaction, so a purge waits for this write."""
    c = t.encounters.c
    state = db.execute(select(c.state).where(c.id == encounter_id).with_for_update()).scalar()
    tombstoned = db.execute(select(t.tombstones.c.encounter_id).where(
        t.tombstones.c.encounter_id == encounter_id)).scalar()
    if state is None or state == PURGED or tombstoned is not None:
        raise gone(encounter_id)


def write(db: Connection, table: Table, values: dict[str, Any], keys: Sequence[str] | None = None) -> None:
    """Insert (or, with `keys`, upsert) one row of patient text, refused under a tombstone."""
    _check(table)
    require_live(db, values["encounter_id"])
    if keys:
        upsert(db, table, values, keys)
    else:
        db.execute(table.insert().values(**values))


def rows(table: Table, encounter_id: str) -> Select[Any]:
    """SELECT the encounter's rows of `table`, none when it is purged or tombstoned."""
    _check(table)
    enc, tomb = t.encounters.c, t.tombstones.c
    alive = select(enc.id).where(enc.id == encounter_id, enc.state != PURGED,
                                 ~select(tomb.encounter_id).where(tomb.encounter_id == enc.id).exists())
    return select(table).where(table.c.encounter_id == encounter_id, table.c.encounter_id.in_(alive))


def erase(db: Connection, encounter_id: str) -> list[str]:
    """Delete the encounter's patient text from every table; returns what was there (for the tombstone)."""
    return [what for table, what in PATIENT_TEXT.items()
            if db.execute(delete(table).where(table.c.encounter_id == encounter_id)).rowcount]


def _check(table: Table) -> None:
    if table not in PATIENT_TEXT:
        raise ValueError(f"{table.name} is not a table of patient text")
