"""Moving a clinic's store from the embedded SQLite file to Postgres: everything arrives readable with the
same key, recordings move into the database, the audit log keeps its ids and goes on after them, and a
copy that cannot be done safely changes nothing."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from sqlalchemy import text

from scribe_core.accounts import Accounts
from scribe_core.crypto import CHUNK, Vault
from scribe_core.documents.edited import EditedDocuments
from scribe_core.documents.versions import NoteVersions
from scribe_core.errors import ConfigurationError, InvalidStateError
from scribe_core.model import (
    Encounter,
    EncounterState,
    Note,
    RemoteDeletion,
    Section,
    Statement,
    Tombstone,
    Transcript,
    Utterance,
    utc_now,
)
from scribe_core.storage import EncounterStore
from scribe_core.storage.copying import copy_store
from tests.conftest import TEST_KEY

from .backends import ROOT, fresh_postgres_database

RECORDING = os.urandom(CHUNK + 12_345)  # more than one encrypted slice


def _clinic(data_dir) -> EncounterStore:
    """A SQLite store as a clinic leaves it: a ready encounter with everything, a purged one, accounts."""
    store = EncounterStore.open(data_dir, Vault(TEST_KEY))
    store.add(Encounter(id="e1", created=utc_now(), source_name="visit.wav", engine="offline", owner="dr.lee",
                        keyterms=["amlodipine"]), io.BytesIO(RECORDING), ".wav")
    store.save_transcript("e1", Transcript([Utterance("U1", "Doctor", 0, 900, "Amlodipine 5 mg once a day.")]))
    note = Note("soap", [Section("plan", "Plan", [Statement("Amlodipine 5 mg once daily.", ["U1"])])])
    store.save_note("e1", note)
    store.update("e1", state=EncounterState.READY)
    NoteVersions(store).add("e1", note, status="final", signed_by="dr.lee", signed_at=utc_now())
    NoteVersions(store).record_send("e1", 1, "doc-1", "https://ehr/DocumentReference/doc-1", utc_now(), "dr.lee")
    EditedDocuments(store).save("e1", "summary", "Your visit", "Take amlodipine every morning.", by="dr.lee")
    store.add_remote_request("e1", "llm_request", "r-1")
    store.audit("submitted", "e1", actor="dr.lee")
    store.add(Encounter(id="e2", created=utc_now(), source_name="old.mp3", engine="offline", owner="dr.lee"),
              io.BytesIO(b"ID3 old"), ".mp3")
    store.erase("e2", Tombstone("e2", utc_now(), utc_now(), "retention", ["audio"],
                                [RemoteDeletion("transcript", "t-2", False, "refused")]))
    Accounts(store).add("dr.lee", "correct horse battery", role="clinician")
    Accounts(store).set_signature("local", "Dana Smith", "MD")  # a single-user install's signer (no account row)
    return store


def test_everything_arrives_readable_and_the_audit_log_goes_on_after_its_ids(tmp_path):
    source = _clinic(tmp_path / "data")
    with fresh_postgres_database() as url:
        target = EncounterStore.open(tmp_path / "data", Vault(TEST_KEY), database_url_setting=url,
                                recordings_in_database=True)
        report = copy_store(source, target)
        assert report.rows["encounters"] == 2 and report.recordings_into_database == 1
        # another machine
        moved = EncounterStore.open(tmp_path / "elsewhere", Vault(TEST_KEY), database_url_setting=url)
        assert [(e.id, e.state, e.source_name) for e in moved.list(include_purged=True)] == [
            (e.id, e.state, e.source_name) for e in source.list(include_purged=True)]
        assert moved.get("e1").keyterms == ["amlodipine"]
        assert moved.audio_bytes("e1") == RECORDING  # from the database now, not the old machine's directory
        assert moved.transcript("e1") == source.transcript("e1") and moved.note("e1") == source.note("e1")
        assert NoteVersions(moved).latest("e1").signed_by == "dr.lee"
        assert [c.server_id for c in NoteVersions(moved).sends("e1")] == ["doc-1"]
        assert EditedDocuments(moved).get("e1", "summary").text == "Take amlodipine every morning."
        assert moved.remote_requests("e1") == source.remote_requests("e1")
        assert moved.tombstones() == source.tombstones()
        before = moved.audit_log()
        assert [(r["id"], r["action"]) for r in before] == [(r["id"], r["action"]) for r in source.audit_log()]
        assert Accounts(moved).verify("dr.lee", "correct horse battery").username == "dr.lee"  # audited
        assert Accounts(moved).signature("local") == "Dana Smith, MD"
        assert max(r["id"] for r in moved.audit_log()) == max(r["id"] for r in before) + 1
        for store in (moved, target):
            store.close()
    source.close()


def test_a_copy_into_a_database_that_holds_data_changes_nothing(tmp_path):
    source = _clinic(tmp_path / "data")
    with fresh_postgres_database() as url:
        target = EncounterStore.open(tmp_path / "data", Vault(TEST_KEY), database_url_setting=url,
                                recordings_in_database=True)
        target.audit("opened", None, actor="someone")
        with pytest.raises(ConfigurationError, match="already holds data"):
            copy_store(source, target)
        with target.db.transaction() as db:
            assert db.execute(text("SELECT count(*) FROM encounters")).scalar() == 0
            assert db.execute(text("SELECT count(*) FROM recording_chunks")).scalar() == 0
        target.close()
    source.close()


def test_work_in_progress_stays_with_the_old_installation(tmp_path):
    source = _clinic(tmp_path / "data")
    source.add(Encounter(id="e3", created=utc_now(), source_name="now.wav", engine="offline"), io.BytesIO(b"RIFF"),
               ".wav")  # uploaded: a job is waiting for it
    with fresh_postgres_database() as url:
        target = EncounterStore.open(tmp_path / "data", Vault(TEST_KEY), database_url_setting=url)
        with pytest.raises(InvalidStateError, match="still being processed \\(e3\\)"):
            copy_store(source, target)
        source.update("e3", state=EncounterState.READY)
        (source.data_dir / "live" / "v1.journal").parent.mkdir(exist_ok=True)
        (source.data_dir / "live" / "v1.journal").write_bytes(b"sealed audio")
        with pytest.raises(InvalidStateError, match="live visit"):
            copy_store(source, target)
        target.close()
    source.close()


def test_the_command_copies_and_says_what_to_set_without_printing_the_url(tmp_path):
    _clinic(tmp_path / "data").close()
    env = {**os.environ, "SCRIBE_DATA_DIR": str(tmp_path / "data"), "SCRIBE_ENCRYPTION_KEY": TEST_KEY,
           "SCRIBE_DATABASE_URL": ""}
    with fresh_postgres_database() as url:
        done = subprocess.run([sys.executable, "-m", "scribe_core", "copy-store", "--to", url], env=env, cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "encounters: 2" in done.stdout and "recordings moved into the database: 1" in done.stdout
        assert "SCRIBE_RECORDINGS=database" in done.stderr and url not in done.stdout + done.stderr
        again = subprocess.run([sys.executable, "-m", "scribe_core", "copy-store", "--to", url], env=env, cwd=ROOT,
                               capture_output=True, text=True, timeout=120)
        assert again.returncode == 2 and "already holds data" in again.stderr


def test_a_single_user_signature_goes_with_a_copy_to_another_sqlite_file(tmp_path):
    source = EncounterStore.open(tmp_path / "data", Vault(TEST_KEY))
    Accounts(source).set_signature("local", "Dana Lee", "MD")
    target = EncounterStore.open(tmp_path / "elsewhere", Vault(TEST_KEY))  # its own key check, written on opening
    assert copy_store(source, target).rows["meta"] == 1  # the signature; the key check stays each store's own
    assert Accounts(target).signature("local") == "Dana Lee, MD"
    for store in (source, target):
        store.close()
    EncounterStore.open(tmp_path / "elsewhere", Vault(TEST_KEY)).close()  # and the copy still opens with the key
