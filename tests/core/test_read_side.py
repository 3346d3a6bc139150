"""The read side and the users' actions, over a real SQLite store: every read and every action is checked
for the viewer, an unavailable id gets a typed refusal (never another encounter), and the audit log names
who acted."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from scribe_core.access import SYSTEM, Viewer
from scribe_core.accounts import User
from scribe_core.audio_magic import AudioRejected
from scribe_core.crypto import Vault, generate_key
from scribe_core.errors import AccessDeniedError, EncounterNotFoundError, EncounterPurgedError
from scribe_core.model import EncounterState
from scribe_core.store import EncounterStore
from scribe_core.usecases import AudioSource, Scribe
from tests.audio_files import write_audio
from tests.ui.fakes import FakeNoteWriter, FakeTranscriber, wav_bytes

ALICE = Viewer(User("alice", "clinician"))
BOB = Viewer(User("bob", "clinician"))
ADMIN = Viewer(User("root", "admin"))


class LocalTranscriber(FakeTranscriber):
    """Like the offline engine: nothing leaves the machine, so there is no remote copy to delete."""

    name = "local"
    sends_audio_off_device = False


@pytest.fixture
def scribe(tmp_path: Path) -> Scribe:
    store = EncounterStore.open(tmp_path / "data", Vault(generate_key()))
    transcriber, local, writer = FakeTranscriber(), LocalTranscriber(), FakeNoteWriter()
    return Scribe(store=store, transcribers={"fake": lambda: transcriber, "local": lambda: local},
                  writer_for_engine=lambda engine: writer, default_engine="fake")


def ready(scribe: Scribe, by: Viewer | None, name: str = "visit.wav", engine: str = "fake") -> str:
    encounter = scribe.submit(io.BytesIO(wav_bytes()), name, by=by, engine=engine)
    assert scribe.process(encounter.id).state == EncounterState.READY
    return encounter.id


def test_a_clinician_reads_only_their_own_encounters_and_an_admin_reads_all(scribe):
    mine, theirs = ready(scribe, ALICE, "alice.wav"), ready(scribe, BOB, "bob.wav")
    q = scribe.queries
    assert [e.id for e in q.encounters(ALICE)] == [mine]
    assert {e.id for e in q.encounters(ADMIN)} == {mine, theirs}
    assert q.transcript(ALICE, mine) is not None and q.note(ALICE, mine) is not None
    assert q.recording(ALICE, mine).mime == "audio/wav"
    for read in (q.encounter, q.transcript, q.note, q.recording, q.remote_copies):
        with pytest.raises(AccessDeniedError, match="^You do not have access to this encounter.$"):
            read(ALICE, theirs)
    assert q.note(ADMIN, theirs) is not None


def test_an_unknown_id_is_not_found_and_a_purged_one_says_when(scribe):
    encounter_id = ready(scribe, ALICE)
    with pytest.raises(EncounterNotFoundError, match="^No encounter with this id.$") as unknown:
        scribe.queries.note(ALICE, "0123456789ab")
    assert not isinstance(unknown.value, EncounterPurgedError)
    tombstone = scribe.purge(encounter_id, by=ALICE)
    with pytest.raises(EncounterPurgedError, match=r"^This encounter was purged on \d\d \w{3} \d{4} at") as purged:
        scribe.queries.note(ALICE, encounter_id)
    assert purged.value.purged_at == tombstone.purged
    # Someone else's purged encounter: refused before anything about it (even the purge) is said.
    with pytest.raises(AccessDeniedError):
        scribe.queries.encounter(BOB, encounter_id)


def test_a_clinician_cannot_change_or_purge_another_clinicians_encounter(scribe):
    theirs = ready(scribe, BOB)
    for action in (lambda: scribe.purge(theirs, by=ALICE), lambda: scribe.swap_roles(theirs, by=ALICE),
                   lambda: scribe.confirm_roles(theirs, by=ALICE), lambda: scribe.redraft(theirs, by=ALICE),
                   lambda: scribe.set_role(theirs, "U1", "Patient", by=ALICE),
                   lambda: scribe.save_note(theirs, scribe.queries.note(BOB, theirs), by=ALICE),
                   lambda: scribe.cancel(theirs, by=ALICE), lambda: scribe.retry(theirs, by=ALICE)):
        with pytest.raises(AccessDeniedError):
            action()
    assert scribe.queries.encounter(BOB, theirs).state == EncounterState.READY
    assert scribe.purge_all(by=ALICE) == []
    assert scribe.queries.note(BOB, theirs) is not None


def test_clinicians_see_only_their_tombstones_and_only_admins_the_audit_log(scribe):
    mine, theirs = ready(scribe, ALICE), ready(scribe, BOB)
    scribe.purge(mine, by=ALICE)
    scribe.purge(theirs, by=ADMIN)
    assert [t.encounter_id for t in scribe.queries.tombstones(ALICE)] == [mine]
    assert [t.encounter_id for t in scribe.queries.tombstones(BOB)] == [theirs]
    assert {t.encounter_id for t in scribe.queries.tombstones(ADMIN)} == {mine, theirs}
    with pytest.raises(AccessDeniedError, match="administrators only"):
        scribe.queries.audit_log(ALICE)
    assert scribe.queries.audit_log(ADMIN)


def test_the_audit_log_names_who_acted_and_never_records_nobody(scribe):
    encounter_id = ready(scribe, ALICE)
    scribe.swap_roles(encounter_id, by=ALICE)
    scribe.redraft(encounter_id, by=ALICE, template="apso")
    scribe.purge(encounter_id, by=ADMIN)
    unattended = scribe.submit(io.BytesIO(wav_bytes()), "cli.wav")
    scribe.purge(unattended.id, by=SYSTEM, reason="retention")
    log = list(reversed(scribe.queries.audit_log(ADMIN)))
    actors = {(e["action"], e["actor"]) for e in log if e["encounter_id"] == encounter_id}
    assert {("submitted", "alice"), ("transcription_started", "system"), ("note_drafted", "system"),
            ("roles_swapped", "alice"), ("redraft_requested", "alice"), ("purged", "root"),
            ("remote_transcript_deleted", "root")} <= actors
    assert all(e["actor"] for e in log), [e for e in log if not e["actor"]]


def test_what_remote_services_hold_follows_the_encounters_engine(scribe):
    remote, local = ready(scribe, ALICE, engine="fake"), ready(scribe, ALICE, engine="local")
    assert scribe.queries.remote_copies(ALICE, remote) == ["transcript", "llm_request"]
    assert scribe.queries.remote_copies(ALICE, local) == ["llm_request"]  # the fake writer is remote


def test_an_offline_job_in_flight_has_an_estimated_time_left(scribe):
    waiting = scribe.submit(io.BytesIO(wav_bytes(seconds=60.0)), "long.wav", by=ALICE, engine="local")
    assert scribe.queries.offline_rtf() == pytest.approx(0.10)  # nothing measured here yet
    assert scribe.queries.time_left_s(ALICE, waiting) == pytest.approx(60.0 * 0.10)
    remote = scribe.submit(io.BytesIO(wav_bytes()), "remote.wav", by=ALICE, engine="fake")
    assert scribe.queries.time_left_s(ALICE, remote) is None  # no estimate for a remote service's queue
    ready(scribe, ALICE, engine="local")  # a finished local job: its measured factor replaces the default
    assert scribe.queries.offline_rtf() != pytest.approx(0.10)
    done = scribe.queries.encounter(ALICE, ready(scribe, ALICE, engine="local"))
    assert scribe.queries.time_left_s(ALICE, done) is None
    with pytest.raises(AccessDeniedError):
        scribe.queries.time_left_s(BOB, waiting)


def test_a_silent_upload_speaks_of_the_file_and_a_silent_recording_of_the_microphone(scribe, tmp_path):
    silent = write_audio(tmp_path / "silent.wav", np.zeros(16_000 * 3))
    with pytest.raises(AudioRejected) as upload:
        scribe.submit(silent, "silent.wav", by=ALICE, source=AudioSource.FILE)
    assert upload.value.code == "silent"
    assert "file is silent" in str(upload.value) and "microphone" not in str(upload.value)
    with pytest.raises(AudioRejected) as recorded:
        scribe.submit(silent, "recording.wav", by=ALICE, source=AudioSource.MICROPHONE)
    assert "microphone" in str(recorded.value) and "file" not in str(recorded.value)
    assert scribe.queries.encounters(ADMIN) == []


def test_whether_audio_leaves_is_read_from_the_registered_class_without_building_the_engine(tmp_path):
    def unbuildable():
        raise AssertionError("built")

    scribe = Scribe(store=EncounterStore.open(tmp_path / "d", Vault(generate_key())),
                    transcribers={"assemblyai": unbuildable, "offline": unbuildable},
                    writer_for_engine=lambda engine: FakeNoteWriter(), default_engine="offline")
    assert scribe.sends_audio_off("assemblyai") and not scribe.sends_audio_off("offline")
    assert scribe.sends_audio_off("no-such-engine")  # when in doubt, promise nothing stays here


def test_an_offline_jobs_share_done_and_time_left_follow_its_progress(scribe):
    import time

    waiting = scribe.submit(io.BytesIO(wav_bytes(seconds=60.0)), "long.wav", by=ALICE, engine="local")
    assert scribe.queries.share_done(ALICE, waiting) == 0.0
    store = scribe.queries._store  # the worker's own writes, as processing makes them
    store.update_audited(waiting.id, ("transcription_started", "system", "local:job"),
                         state=EncounterState.TRANSCRIBING, step="starting")
    time.sleep(0.5)
    running = store.update(waiting.id, step="transcribing", progress=0.8)
    done = scribe.queries.share_done(ALICE, running)
    assert done is not None and 0.5 < done < 1.0  # the bar moves with the step
    left = scribe.queries.time_left_s(ALICE, running)
    assert left is not None and left < 60.0 * 0.10 * (1 - done)  # faster than the default factor: its own pace
    remote = scribe.submit(io.BytesIO(wav_bytes()), "remote.wav", by=ALICE, engine="fake")
    assert scribe.queries.share_done(ALICE, remote) is None
