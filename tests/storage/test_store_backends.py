"""The store on both databases: round trips, purge with tombstone, the key check, recordings in a
directory or in the database, and the sqlite3-style SQL of the accounts and signed notes."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import text

from scribe_core.accounts import Accounts, SignInError
from scribe_core.crypto import CHUNK, Vault, generate_key
from scribe_core.documents.versions import NoteVersions
from scribe_core.errors import ConfigurationError, EncounterNotFoundError
from scribe_core.model import (
    Encounter,
    EncounterState,
    Note,
    RecordingConsent,
    RemoteDeletion,
    Section,
    Statement,
    Tombstone,
    Transcript,
    Utterance,
    Word,
    utc_now,
)
from scribe_core.storage import EncounterStore
from tests.conftest import TEST_KEY


def make(store, eid="e1", audio=b"RIFFfake", owner=None):
    e = Encounter(id=eid, created=utc_now(), source_name="visit.mp3", engine="assemblyai", keyterms=["metformin"],
                  owner=owner)
    return store.add(e, io.BytesIO(audio), ".MP3")


def raw_rows(store, sql):
    with store.db.transaction() as db:
        return [tuple(r) for r in db.execute(text(sql))]


def test_a_second_open_migrates_nothing_twice(store, tmp_path, database_url):
    again = EncounterStore.open(tmp_path / "data", Vault(TEST_KEY), database_url_setting=database_url)
    assert again.schema_version == store.schema_version == 10
    assert store.db.dialect == ("sqlite" if not database_url else "postgresql")


def test_encounter_transcript_and_note_round_trip(store, tmp_path, database_url):
    make(store)
    assert store.audio_path("e1").name == "e1.mp3.enc" and store.audio_bytes("e1") == b"RIFFfake"
    store.update("e1", state=EncounterState.TRANSCRIBING, step="uploading", progress=0.5, remote_transcript_id="t-1")
    words = [Word("Any", 0, 300, 0.9, "Doctor")]
    t = Transcript([Utterance("U1", "Doctor", 0, 900, "Any allergies?", 0.9, words, "A")], roles_confirmed=True)
    store.save_transcript("e1", t)
    store.save_transcript("e1", t)  # written again (a resumed job): replaced, not duplicated
    note = Note("soap", [Section("plan", "Plan", [Statement("Check allergies.", ["U1"]), Statement("Unbacked.")])])
    store.save_note("e1", note)
    reopened = EncounterStore.open(tmp_path / "data", Vault(TEST_KEY), database_url_setting=database_url)
    e = reopened.get("e1")
    assert (e.state, e.step, e.progress, e.remote_transcript_id, e.keyterms, e.source_name) == (
        EncounterState.TRANSCRIBING, "uploading", 0.5, "t-1", ["metformin"], "visit.mp3")
    assert reopened.transcript("e1") == t
    loaded = reopened.note("e1")
    assert loaded == note and loaded.sections[0].statements[1].unsupported
    # Patient words never reach the database in clear.
    dump = str(raw_rows(store, "SELECT * FROM encounters")) + str(raw_rows(store, "SELECT * FROM transcripts"))
    assert "metformin" not in dump and "visit.mp3" not in dump and "allergies" not in dump


def test_list_filters_by_owner_newest_first_and_hides_purged(store):
    make(store, "a", owner="dr.a")
    make(store, "b", owner="dr.b")
    make(store, "c", owner="dr.a")
    assert [e.id for e in store.list(owner="dr.a")] == ["c", "a"]
    store.erase("c", Tombstone("c", utc_now(), utc_now(), "user", [], []))
    assert [e.id for e in store.list()] == ["b", "a"]
    assert {e.id for e in store.list(include_purged=True)} == {"a", "b", "c"}
    assert store.lengths()["c"] == ("assemblyai", None)
    assert [t.encounter_id for t in store.tombstones(owner="dr.a")] == ["c"] and store.tombstones(owner="dr.b") == []


def test_erase_removes_content_leaves_a_tombstone_and_refuses_late_writes(store):
    make(store)
    store.save_transcript("e1", Transcript([Utterance("U1", "Patient", 0, 1, "I take metformin")]))
    store.save_note("e1", Note("soap", []))
    store.add_remote_request("e1", "llm_request", "r-1")
    store.audit("submitted", "e1", actor="dr.a")
    deleted = store.erase("e1", Tombstone("e1", utc_now(), utc_now(), "user", [],
                                          [RemoteDeletion("transcript", "t-1", False, "refused")]))
    assert deleted == ["audio", "transcript", "note"] and store.audio_path("e1") is None
    assert store.transcript("e1") is None and store.note("e1") is None and store.remote_requests("e1") == []
    assert store.get("e1").state == EncounterState.PURGED and store.get("e1").source_name == ""
    store.amend_tombstone("e1", RemoteDeletion("transcript", "t-1", True, "deleted"))
    assert store.tombstones()[0].remote == [RemoteDeletion("transcript", "t-1", True, "deleted")]
    with pytest.raises(EncounterNotFoundError):
        store.update("e1", state=EncounterState.READY)  # a worker finishing late cannot bring it back
    with pytest.raises(EncounterNotFoundError):
        store.save_transcript("e1", Transcript([Utterance("U1", "Patient", 0, 1, "I take metformin")]))
    assert store.get("e1").state == EncounterState.PURGED
    assert [r["action"] for r in store.audit_log()] == ["submitted"]


def test_cancel_flag_and_remote_requests_replace_by_kind_and_id(store):
    make(store)
    assert not store.cancel_requested("e1")
    store.request_cancel("e1")
    assert store.cancel_requested("e1")
    store.clear_cancel("e1")
    assert not store.cancel_requested("e1")
    store.add_remote_request("e1", "checkpoint:upload_url", "https://cdn/1")
    store.add_remote_request("e1", "checkpoint:upload_url", "https://cdn/1", deleted=True)
    assert store.remote_requests("e1") == [("checkpoint:upload_url", "https://cdn/1", True)]


def test_update_refuses_unknown_fields_and_missing_encounters(store):
    make(store)
    with pytest.raises(ValueError):
        store.update("e1", colour="red")
    with pytest.raises(EncounterNotFoundError):
        store.update("nope", step="x")
    with pytest.raises(EncounterNotFoundError):
        store.get("nope")


def test_a_wrong_key_is_refused_at_start_and_nothing_changes(store, tmp_path, database_url):
    make(store)
    with pytest.raises(ConfigurationError, match="SCRIBE_ENCRYPTION_KEY is not the key"):
        EncounterStore.open(tmp_path / "data", Vault(generate_key()), database_url_setting=database_url)
    assert store.get("e1").source_name == "visit.mp3"


def test_recordings_kept_in_the_database_as_encrypted_chunks(tmp_path, database_url):
    store = EncounterStore.open(tmp_path / "data", Vault(TEST_KEY), database_url_setting=database_url,
                           recordings_in_database=True)
    audio = bytes(range(256)) * (CHUNK // 256 * 2 + 100)  # a bit over two vault chunks
    make(store, audio=audio)
    assert not any((tmp_path / "data" / "audio").iterdir())  # nothing on disk
    chunks = raw_rows(store, "SELECT seq, data FROM recording_chunks ORDER BY seq")
    assert [c[0] for c in chunks] == [0, 1, 2] and bytes(range(256)) * 4 not in b"".join(bytes(c[1]) for c in chunks)
    ref = store.audio_path("e1")
    assert ref.name == "e1.mp3.enc" and ref.exists()
    assert store.audio_bytes("e1") == audio
    with store.plain_audio("e1") as plain:
        assert plain.read_bytes() == audio and plain.suffix == ".mp3"
    assert not plain.exists()
    assert store.erase("e1", Tombstone("e1", utc_now(), utc_now(), "user", [], []))[0] == "audio"
    assert raw_rows(store, "SELECT COUNT(*) FROM recording_chunks") == [(0,)] and not ref.exists()


def test_a_shared_recordings_directory(tmp_path, database_url):
    shared = tmp_path / "shared-recordings"
    store = EncounterStore.open(tmp_path / "data", Vault(TEST_KEY), database_url_setting=database_url,
                           recordings_dir=shared)
    make(store)
    assert (shared / "e1.mp3.enc").exists() and store.audio_bytes("e1") == b"RIFFfake"
    assert b"RIFFfake" not in (shared / "e1.mp3.enc").read_bytes()


def test_accounts_and_signed_note_versions_run_their_sql_on_either_database(store):
    accounts = Accounts(store)
    assert not accounts.exist()
    accounts.add("Dr.Lee", "correct horse battery", role="admin")
    assert accounts.list()[0].username == "dr.lee" and accounts.exist()
    with pytest.raises(SignInError):
        accounts.verify("dr.lee", "wrong password here")
    assert accounts.verify("dr.lee", "correct horse battery").is_admin
    make(store)
    versions = NoteVersions(store)
    note = Note("soap", [Section("plan", "Plan", [Statement("Amlodipine 5 mg once a day.", ["U1"])])])
    first = versions.add("e1", note, status="final", signed_by="dr.lee", signed_at=utc_now())
    second = versions.add("e1", note, status="amended", signed_by="dr.lee", signed_at=utc_now(), reason="dose")
    assert (first.version, second.version) == (1, 2) and versions.latest("e1").reason == "dose"
    versions.record_send("e1", 2, "doc-1", "https://ehr/DocumentReference/doc-1", utc_now(), "dr.lee")
    assert [c.server_id for c in versions.sends("e1")] == ["doc-1"]
    deleted = store.erase("e1", Tombstone("e1", utc_now(), utc_now(), "user", [], []))
    assert "signed note versions" in deleted and versions.all("e1") == []
    assert [c.server_id for c in versions.sends("e1")] == ["doc-1"]  # the EHR's copy is remembered
    accounts.remove("dr.lee")
    assert not accounts.exist()


def test_a_live_visit_s_consent_round_trips(store):
    at = utc_now()
    e = Encounter(id="live1", created=at, source_name="live.wav", engine="assemblyai", owner="dr.a",
                  consent=RecordingConsent("dr.a", at))
    store.add(e, io.BytesIO(b"RIFF"), ".wav")
    assert store.get("live1").consent == RecordingConsent("dr.a", at)
    store.update("live1", consent=None)
    assert store.get("live1").consent is None


def test_an_imported_transcript_has_no_recording_and_queues_no_work(store):
    imported = Encounter(id="imp1", created=utc_now(), source_name="visit.txt", engine="offline",
                         state=EncounterState.READY)
    store.add(imported, None)
    assert store.audio_path("imp1") is None and store.get("imp1").state == EncounterState.READY
    assert store.erase("imp1", Tombstone("imp1", utc_now(), utc_now(), "user", [], [])) == []


def test_a_confirmed_remote_deletion_is_not_overwritten_by_a_later_refusal(store):
    make(store)
    store.erase("e1", Tombstone("e1", utc_now(), utc_now(), "user", [], [RemoteDeletion("transcript", "t-1", False)]))
    store.amend_tombstone("e1", RemoteDeletion("transcript", "t-1", True, "deleted"))
    store.amend_tombstone("e1", RemoteDeletion("transcript", "t-1", False, "refused: still processing"))
    assert store.tombstones()[0].remote == [RemoteDeletion("transcript", "t-1", True, "deleted")]
