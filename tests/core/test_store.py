"""The store on a real SQLite file: migrations, round trips, erase with tombstone."""

import io
import sqlite3

from scribe_core.crypto import Vault, generate_key
from scribe_core.model import (
    Encounter,
    EncounterState,
    Note,
    Section,
    Statement,
    Tombstone,
    Transcript,
    Utterance,
    Word,
    utc_now,
)
from scribe_core.store import EncounterStore

VAULT = Vault(generate_key())


def make(store, eid="e1"):
    e = Encounter(id=eid, created=utc_now(), source_name="visit.mp3", engine="assemblyai", keyterms=["metformin"])
    return store.add(e, io.BytesIO(b"RIFFfake"), ".MP3")


def test_building_the_store_or_its_live_visit_files_touches_nothing_until_it_is_opened(tmp_path):
    from scribe_core.usecases.unfinished_visits import VisitFiles

    data = tmp_path / "data"
    store = EncounterStore(data, VAULT, recordings_dir=tmp_path / "shared")
    VisitFiles(store)
    assert not data.exists() and not (tmp_path / "shared").exists()
    (data / "live").mkdir(parents=True)
    (data / "live" / "abc.visit").write_text("sealed before the recordings were shared")
    store.prepare()  # what EncounterStore.open and bootstrap do, explicitly
    assert store.schema_version > 0 and (tmp_path / "shared").is_dir() and store.live_visit_ids() == []
    store.prepare_live_dir()  # bootstrap's explicit move of visits written before the directory was shared
    assert store.live_visit_ids() == ["abc"] and not (data / "live" / "abc.visit").exists()


def test_migrations_are_applied_once(tmp_path):
    first = EncounterStore.open(tmp_path, VAULT).schema_version
    store = EncounterStore.open(tmp_path, VAULT)  # a second open applies nothing twice
    assert store.schema_version == first
    with sqlite3.connect(store.db_path) as db:
        assert db.execute("SELECT COUNT(*) FROM alembic_version").fetchone()[0] == 1


def test_encounter_transcript_and_note_round_trip(tmp_path):
    store = EncounterStore.open(tmp_path, VAULT)
    make(store)
    assert store.audio_path("e1").name == "e1.mp3.enc" and store.audio_bytes("e1") == b"RIFFfake"
    store.update("e1", state=EncounterState.TRANSCRIBING, step="uploading", progress=0.5, remote_transcript_id="t-1")
    words = [Word("Any", 0, 300, 0.9, "Doctor")]
    t = Transcript([Utterance("U1", "Doctor", 0, 900, "Any allergies?", 0.9, words, "A")], roles_confirmed=True)
    store.save_transcript("e1", t)
    note = Note("soap", [Section("plan", "Plan", [Statement("Check allergies.", ["U1"]), Statement("Unbacked.")])])
    store.save_note("e1", note)
    reopened = EncounterStore.open(tmp_path, VAULT)
    e = reopened.get("e1")
    assert (e.state, e.step, e.progress, e.remote_transcript_id, e.keyterms) == (
        EncounterState.TRANSCRIBING, "uploading", 0.5, "t-1", ["metformin"])
    assert reopened.transcript("e1") == t
    loaded = reopened.note("e1")
    assert loaded == note and loaded.sections[0].statements[1].unsupported


def test_erase_removes_content_and_leaves_a_tombstone_and_audit_without_patient_text(tmp_path):
    store = EncounterStore.open(tmp_path, VAULT)
    make(store)
    store.save_transcript("e1", Transcript([Utterance("U1", "Patient", 0, 1, "I take metformin")]))
    store.save_note("e1", Note("soap", []))
    store.audit("submitted", "e1")
    audio = store.audio_path("e1")
    deleted = store.erase("e1", Tombstone("e1", utc_now(), utc_now(), "user", [], []))
    assert deleted == ["audio", "transcript", "note"] and not audio.exists()
    assert store.transcript("e1") is None and store.note("e1") is None
    assert store.get("e1").state == EncounterState.PURGED and store.get("e1").source_name == ""
    assert [t.encounter_id for t in store.tombstones()] == ["e1"]
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("scribe.sqlite3*"))
    assert b"I take metformin" not in raw  # secure_delete + WAL checkpoint: no readable remains
    with sqlite3.connect(store.db_path) as db:
        rows = db.execute("SELECT * FROM audit").fetchall()
    assert all("metformin" not in str(r) and "visit.mp3" not in str(r) for r in rows)


def test_sweep_keeps_a_live_process_temp_files_and_removes_a_dead_ones(tmp_path):
    import os
    import subprocess

    store = EncounterStore.open(tmp_path, VAULT)
    finished = subprocess.Popen(["true"])
    finished.wait()
    mine = store.staging_file(".wav")
    orphan = store.tmp_dir / f"{finished.pid}-e1-abcd.wav"
    unnamed = store.tmp_dir / "leftover.wav"
    for p in (orphan, unnamed):
        p.write_bytes(b"x")
    store.sweep_tmp()
    assert mine.exists() and mine.name.startswith(f"{os.getpid()}-")
    assert not orphan.exists() and not unnamed.exists()
