"""No patient text under a tombstone, for every table that holds it (storage/patient_text.py), and one
transaction per use case (store.unit_of_work). SQLite and Postgres."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from scribe_core.errors import EncounterNotFoundError
from scribe_core.model import Encounter, Note, Section, Statement, Tombstone, Transcript, Utterance, utc_now
from scribe_core.storage import schema as t
from scribe_core.storage.patient_text import PATIENT_TEXT

NOTE = Note(template="soap", writer="test",
            sections=[Section("plan", "Plan", [Statement("Metformin 500 mg.", ["U1"])])])
TRANSCRIPT = Transcript(utterances=[Utterance(id="U1", role="Doctor", start_ms=0, end_ms=900,
                                              text="Start metformin 500 mg.")], engine="test")
SIGNED_AT = datetime(2026, 3, 4, 10, 5, tzinfo=UTC)

# Each table of patient text: how a use case writes to it, and how it is read back (None/[] when absent).
WRITES = {
    "transcripts": (lambda s, e: s.save_transcript(e, TRANSCRIPT), lambda s, e: s.transcript(e)),
    "notes": (lambda s, e: s.save_note(e, NOTE), lambda s, e: s.note(e)),
    "note_versions": (lambda s, e: s.add_note_version(e, NOTE, status="final", signed_by="dr.a", signed_at=SIGNED_AT),
                      lambda s, e: s.note_versions(e)),
    "edited_documents": (lambda s, e: s.save_edited_document(e, "letter", "Referral", "Dear colleague", by="dr.a"),
                         lambda s, e: s.edited_document(e, "letter")),
}


def _encounter(store, eid: str = "e1") -> str:
    store.add(Encounter(id=eid, created=utc_now(), source_name="visit.txt", engine="offline", owner="dr.a"), None)
    return eid


def _purge(store, eid: str) -> list[str]:
    return store.erase(eid, Tombstone(eid, utc_now(), utc_now(), "user", [], []))


def test_every_table_of_patient_text_is_covered():
    assert {table.name for table in PATIENT_TEXT} == set(WRITES)


@pytest.mark.parametrize("table", sorted(WRITES))
def test_no_patient_text_is_written_after_a_purge(store, table):
    write, read = WRITES[table]
    eid = _encounter(store)
    write(store, eid)
    assert read(store, eid)
    assert _purge(store, eid)  # the purge erased it
    assert not read(store, eid)
    with pytest.raises(EncounterNotFoundError):
        write(store, eid)  # a worker or another tab finishing late
    with store.db.transaction() as db:
        assert db.execute(select(t.metadata.tables[table]).where(
            t.metadata.tables[table].c.encounter_id == eid)).first() is None
    with pytest.raises(EncounterNotFoundError):
        write(store, "never-existed")


@pytest.mark.parametrize("table", sorted(WRITES))
def test_a_row_that_slipped_under_a_tombstone_is_never_read(store, table):
    """Should a row get past the write check (a restore from backup, a hand-made fix), reads still refuse it."""
    write, read = WRITES[table]
    eid = _encounter(store)
    write(store, eid)
    with store.db.transaction() as db:
        rows = [dict(r) for r in db.execute(select(t.metadata.tables[table])).mappings()]
    _purge(store, eid)
    with store.db.transaction() as db:
        db.execute(t.metadata.tables[table].insert(), rows)
    assert not read(store, eid)


def test_a_unit_of_work_commits_all_of_its_writes_or_none(store):
    eid = _encounter(store)
    with pytest.raises(RuntimeError), store.unit_of_work() as uow:
        uow.save_note(eid, NOTE)
        uow.save_edited_document(eid, "summary", "Your visit", "Take metformin.", by="dr.a")
        uow.audit("note_edited", eid, actor="dr.a")
        raise RuntimeError("the use case failed half-way")
    assert store.note(eid) is None and store.edited_document(eid, "summary") is None
    assert not [a for a in store.audit_log() if a["action"] == "note_edited"]
    with store.unit_of_work() as uow:
        uow.save_note(eid, NOTE)
        with uow.unit_of_work():  # a use case calling another joins its transaction
            uow.audit("note_edited", eid, actor="dr.a")
    assert store.note(eid) == NOTE and [a for a in store.audit_log() if a["action"] == "note_edited"]
