"""Writes tests/storage/fixtures/release-5/: a data dir made by the last release before the SQLAlchemy store.

It was run once with that release's `scribe_core/store.py` (numbered SQLite migrations, schema version 5,
commit 9f2ee14) and its output committed; the adoption tests open it with the new store. Running it
again after the switch-over would write the new store's layout, so it refuses unless the old store is
importable as `scribe_core.store` with its MIGRATIONS list.

    .venv/bin/python -m tests.storage.make_release_fixture
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from scribe_core import store as release_store
from scribe_core.accounts import Accounts
from scribe_core.crypto import Vault
from scribe_core.documents.versions import NoteVersions
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
from tests.audio_files import tone_file

FIXTURE = Path(__file__).with_name("fixtures") / "release-5"
# A key for this fixture only (never a clinic's): the tests open the data with it.
FIXTURE_KEY = "c2NyaWJlLXJlbGVhc2UtNS1maXh0dXJlLWtleS0zMmI="


def main() -> None:
    if not hasattr(release_store, "MIGRATIONS"):
        raise SystemExit("scribe_core.store is not the release store (no MIGRATIONS): the fixture stays as committed")
    shutil.rmtree(FIXTURE, ignore_errors=True)
    data = FIXTURE / "data"
    store = release_store.EncounterStore(data, Vault(FIXTURE_KEY))
    assert store.schema_version == 5
    wav = tone_file(FIXTURE / "visit.wav", seconds=1.0)
    created = utc_now() - timedelta(hours=2)
    ready = Encounter(id="a1b2c3d4e5f6", created=created, source_name="Mrs Jones follow-up.wav", engine="assemblyai",
                      owner="dr.lee", context="follow-up for hypertension", keyterms=["amlodipine", "lisinopril"],
                      duration_s=1.0)
    with open(wav, "rb") as f:
        store.add(ready, f, ".wav")
    store.update(ready.id, state=EncounterState.READY, step="ready", remote_transcript_id="tr-1")
    store.save_transcript(ready.id, Transcript(utterances=[
        Utterance(id="U1", speaker="A", role="Doctor", start_ms=0, end_ms=900,
                  text="Take amlodipine 5 mg once a day, not 10."),
    ], duration_s=1.0, engine="assemblyai"))
    store.save_note(ready.id, Note(template="soap", sections=[
        Section(key="plan", title="Plan", statements=[Statement("Amlodipine 5 mg once a day.", ["U1"])])]))
    store.add_remote_request(ready.id, "checkpoint:upload_url", "https://cdn.example/upload/1")
    store.add_remote_request(ready.id, "llm_request", "req-1", deleted=True)
    store.audit("submitted", ready.id, actor="dr.lee", remote_result="engine=assemblyai")
    NoteVersions(store).add(ready.id, store.note(ready.id) or Note("soap", []), status="final", signed_by="dr.lee",
                            signed_at=utc_now())
    NoteVersions(store).record_send(ready.id, 1, "doc-9", "https://ehr.example/DocumentReference/doc-9",
                                    utc_now(), "dr.lee")
    purged = Encounter(id="0f0f0f0f0f0f", created=created, source_name="wrong patient.wav", engine="offline",
                       owner="dr.lee")
    with open(wav, "rb") as f:
        store.add(purged, f, ".wav")
    store.erase(purged.id, Tombstone(encounter_id=purged.id, created=created, purged=utc_now(), reason="user",
                                     deleted=[], remote=[RemoteDeletion("transcript", "tr-0", True, "deleted")]))
    Accounts(store).add("dr.lee", "correct horse battery", role="admin")
    wav.unlink()
    shutil.rmtree(data / "tmp")
    print(f"wrote {FIXTURE}")


if __name__ == "__main__":
    main()
