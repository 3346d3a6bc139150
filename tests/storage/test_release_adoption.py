"""A data directory made by the last release before Alembic (fixtures/release-5, written by that release's
store: see make_release_fixture.py) opens with the new store with nothing lost, and keeps working."""

from __future__ import annotations

import io
import shutil
import sqlite3

import pytest

from scribe_core.accounts import Accounts
from scribe_core.crypto import Vault
from scribe_core.documents.versions import NoteVersions
from scribe_core.model import Encounter, EncounterState, utc_now
from scribe_core.storage import EncounterStore
from scribe_core.storage.legacy import RELEASE_MIGRATIONS

from .make_release_fixture import FIXTURE, FIXTURE_KEY


@pytest.fixture
def release_dir(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURE / "data", data)
    return data


def test_the_release_data_dir_is_adopted_without_loss(release_dir):
    before = sqlite3.connect(release_dir / "scribe.sqlite3")
    counts = {table: before.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 (fixed names)
              for table in ("encounters", "transcripts", "notes", "remote_requests", "audit", "tombstones",
                            "users", "note_versions", "ehr_sends", "meta")}
    assert before.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] == 5
    before.close()

    store = EncounterStore.open(release_dir, Vault(FIXTURE_KEY))
    assert store.schema_version == 10
    after = sqlite3.connect(release_dir / "scribe.sqlite3")
    for table, count in counts.items():
        assert after.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == count, table  # noqa: S608
    # The release's own record, with the one release-style migration written after it (6) applied too.
    assert after.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] == 6
    after.close()

    ready = store.get("a1b2c3d4e5f6")
    assert (ready.state, ready.source_name, ready.context, ready.keyterms, ready.owner) == (
        EncounterState.READY, "Mrs Jones follow-up.wav", "follow-up for hypertension",
        ["amlodipine", "lisinopril"], "dr.lee")
    assert store.transcript(ready.id).utterances[0].text == "Take amlodipine 5 mg once a day, not 10."
    assert store.note(ready.id).sections[0].statements[0].text == "Amlodipine 5 mg once a day."
    assert store.audio_bytes(ready.id)[:4] == b"RIFF"
    assert ("checkpoint:upload_url", "https://cdn.example/upload/1", False) in store.remote_requests(ready.id)
    assert NoteVersions(store).latest(ready.id).signed_by == "dr.lee"
    assert [c.server_id for c in NoteVersions(store).sends(ready.id)] == ["doc-9"]
    assert Accounts(store).verify("dr.lee", "correct horse battery").is_admin
    purged = store.get("0f0f0f0f0f0f")
    assert purged.state == EncounterState.PURGED
    [tombstone] = store.tombstones()
    assert tombstone.encounter_id == purged.id and tombstone.deleted == ["audio"]
    assert "submitted" in [r["action"] for r in store.audit_log()]

    # And it keeps working: a new encounter, a reopen that migrates nothing.
    store.add(Encounter(id="new1", created=utc_now(), source_name="next.wav", engine="offline"),
              io.BytesIO(b"RIFFnext"), ".wav")
    again = EncounterStore.open(release_dir, Vault(FIXTURE_KEY))
    assert again.schema_version == 10 and again.audio_bytes("new1") == b"RIFFnext"
    assert [e.id for e in again.list()][0] == "new1"


def test_an_older_release_database_gets_the_missing_release_migrations_first(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    db = sqlite3.connect(data / "scribe.sqlite3")
    db.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied TEXT)")
    for version, script in enumerate(RELEASE_MIGRATIONS[:3], start=1):
        db.executescript(script)
        db.execute("INSERT INTO schema_migrations VALUES (?, '2026-01-01')", (version,))
    db.execute("INSERT INTO encounters (id, created, source_name, engine, state, keyterms) "
               "VALUES ('old1', '2026-01-01T00:00:00+00:00', '', 'offline', 'failed', '')")
    db.commit()
    db.close()
    store = EncounterStore.open(data, Vault(FIXTURE_KEY))
    assert store.schema_version == 10
    old = store.get("old1")
    assert (old.state, old.attempts, old.retry_at) == (EncounterState.FAILED, 0, None)  # release migration 4
    assert NoteVersions(store).all("old1") == []  # release migration 5


def test_a_wrong_key_on_the_release_data_dir_is_refused(release_dir):
    from scribe_core.crypto import generate_key
    from scribe_core.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="not the key"):
        EncounterStore.open(release_dir, Vault(generate_key()))


def test_a_database_that_already_has_the_consent_columns_is_adopted_too(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    db = sqlite3.connect(data / "scribe.sqlite3")
    db.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied TEXT)")
    for version, script in enumerate(RELEASE_MIGRATIONS, start=1):  # all six, consent columns included
        db.executescript(script)
        db.execute("INSERT INTO schema_migrations VALUES (?, '2026-01-01')", (version,))
    db.execute("INSERT INTO encounters (id, created, source_name, engine, state, keyterms, consent_by, consent_at) "
               "VALUES ('live1', '2026-01-01T00:00:00+00:00', '', 'assemblyai', 'failed', '', 'dr.lee',"
               " '2026-01-01T00:00:00+00:00')")
    db.commit()
    db.close()
    store = EncounterStore.open(data, Vault(FIXTURE_KEY))
    assert store.schema_version == 10 and store.get("live1").consent.by == "dr.lee"
