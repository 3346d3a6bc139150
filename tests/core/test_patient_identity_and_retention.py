"""Who the patient is at intake (validated, sealed at rest, gone with a purge), and retention that keeps a
signed note never sent to the EHR. Real stores (SQLite, and a fresh Postgres database), real use cases."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from scribe_core.access import Viewer
from scribe_core.accounts import User
from scribe_core.crypto import Vault, generate_key
from scribe_core.documents.signoff import sign
from scribe_core.documents.versions import NoteVersions
from scribe_core.model import EncounterState, utc_now
from scribe_core.patient import PatientIdentity, PatientIdError, valid_patient_id
from scribe_core.store import EncounterStore
from scribe_core.usecases import Scribe
from scribe_core.usecases.purging import UnsentSignedNoteError
from tests.storage.backends import BACKENDS, database_url_for
from tests.ui.fakes import FakeNoteWriter, FakeTranscriber, wav_bytes

ALICE = Viewer(User("alice", "clinician"))


@pytest.fixture(params=BACKENDS)
def scribe(request, tmp_path: Path) -> Iterator[Scribe]:
    with database_url_for(request.param) as url:
        store = EncounterStore.open(tmp_path / "data", Vault(generate_key()), database_url_setting=url)
        transcriber, writer = FakeTranscriber(), FakeNoteWriter()
        yield Scribe(store=store, transcribers={"fake": lambda: transcriber}, writer_for_engine=lambda e: writer,
                     default_engine="fake")
        store.close()


def _raw_patient(scribe: Scribe) -> tuple[str, str]:
    """The stored patient columns as the database holds them (sealed), read past the store."""
    with scribe.store.transaction() as db:
        row = db.execute("SELECT patient_name, patient_mrn FROM encounters").fetchone()
    return row[0], row[1]


def _ready(scribe: Scribe, patient: PatientIdentity | None = None) -> str:
    encounter = scribe.submit(io.BytesIO(wav_bytes()), "visit.wav", by=ALICE, patient=patient)
    assert scribe.process(encounter.id).state == EncounterState.READY
    return encounter.id


@pytest.mark.parametrize("bad", ["<script>alert(1)</script>", "447 1902", "x" * 33, "MRN:4471902", "44;71"])
def test_a_record_number_outside_the_pattern_is_refused_with_a_clear_error(bad):
    with pytest.raises(PatientIdError, match="letters, digits, dashes and dots, at most 32 characters"):
        valid_patient_id(bad)


def test_a_clinic_pattern_replaces_the_default():
    assert valid_patient_id(" 4471902 ", r"\d{7}") == "4471902"
    with pytest.raises(PatientIdError, match=r"the pattern \\d\{7\}"):
        valid_patient_id("AB-12", r"\d{7}")


def test_intake_keeps_the_patient_sealed_and_purge_removes_it(scribe, tmp_path):
    encounter_id = _ready(scribe, PatientIdentity("  Ana   Diaz ", "MRN-4471902"))
    encounter = scribe.queries.encounter(ALICE, encounter_id)
    assert (encounter.patient_name, encounter.patient_mrn) == ("Ana Diaz", "MRN-4471902")
    assert encounter.patient_label == "Ana Diaz · MRN MRN-4471902"
    raw = _raw_patient(scribe)
    assert "Diaz" not in raw[0] and "4471902" not in raw[1]  # sealed like the patient's words
    scribe.purge(encounter_id, by=ALICE)
    assert _raw_patient(scribe) == ("", "")


def test_intake_refuses_a_bad_record_number_and_stores_nothing(scribe):
    with pytest.raises(PatientIdError):
        scribe.submit(io.BytesIO(wav_bytes()), "visit.wav", by=ALICE, patient=PatientIdentity("Ana", "<b>1</b>"))
    assert scribe.queries.encounters(ALICE) == []


def test_the_patient_identity_is_masked_in_text_that_leaves_the_machine():
    who = PatientIdentity("Ana Diaz", "4471902")
    masked = who.mask("Ana Diaz, MRN 4471902, says Diaz family may come. Take 4471902mg? no.")
    assert "Diaz" not in masked and "Ana" not in masked and "MRN [RECORD NUMBER]" in masked
    assert "may come" in masked and "4471902mg" in masked  # a word or number that is not the identity stays


def test_retention_keeps_a_signed_note_never_sent_and_purges_it_once_sent(scribe):
    signed, draft = _ready(scribe), _ready(scribe)
    scribe.store.save_note(signed, _backed(scribe.store.note(signed)))
    sign(scribe.store, signed, by=ALICE, template=None)
    later = utc_now() + timedelta(hours=100)
    assert [t.encounter_id for t in scribe.purge_expired(72, now=later)] == [draft]
    assert scribe.queries.encounter(ALICE, signed).state == EncounterState.READY
    assert any(a["action"] == "retention_kept_unsent_signed" for a in scribe.store.audit_log())
    with pytest.raises(UnsentSignedNoteError):
        scribe.purge_all(by=ALICE)
    NoteVersions(scribe.store).record_send(signed, 1, "ehr", "DocumentReference/1", utc_now(), sent_by="alice")
    assert [t.encounter_id for t in scribe.purge_expired(72, now=later)] == [signed]


def test_the_setting_lets_retention_purge_unsent_signed_notes(scribe):
    encounter_id = _ready(scribe)
    scribe.store.save_note(encounter_id, _backed(scribe.store.note(encounter_id)))
    sign(scribe.store, encounter_id, by=ALICE, template=None)
    scribe.retention_purges_unsent_signed = True
    assert [t.encounter_id for t in scribe.purge_expired(72, now=utc_now() + timedelta(hours=100))] == [encounter_id]


def _backed(note):
    """The fake writer's draft with its uncited line removed, so it can be signed."""
    for section in note.sections:
        section.statements = [s for s in section.statements if not s.unsupported]
    return note


def test_the_list_shows_each_visits_patient_and_note_state_and_filters_in_the_core(scribe):
    from scribe_core.encounter_list import SIGNED, SIGNED_NOT_SENT, EncounterFilter

    diaz = _ready(scribe, PatientIdentity("Ana Diaz", "4471902"))
    _ready(scribe, PatientIdentity("Ben Okafor", "BO-17"))
    scribe.store.save_note(diaz, _backed(scribe.store.note(diaz)))
    sign(scribe.store, diaz, by=ALICE, template=None, signer="Alice Ng, MD")
    scribe.accounts.set_signature("alice", "Alice Ng", "MD")
    rows = scribe.queries.listing(ALICE)
    assert [r.encounter.patient_label for r in rows] == ["Ben Okafor · MRN BO-17", "Ana Diaz · MRN 4471902"]
    assert [r.note_label for r in rows] == ["Draft", "Signed"]
    assert {r.clinician for r in rows} == {"Alice Ng, MD"} and {r.template for r in rows} == {"SOAP note"}
    assert [r.encounter.id for r in scribe.queries.listing(ALICE, EncounterFilter(patient="diaz"))] == [diaz]
    assert [r.encounter.id for r in scribe.queries.listing(ALICE, EncounterFilter(patient="4471"))] == [diaz]
    assert [r.encounter.id for r in scribe.queries.listing(ALICE, EncounterFilter(state=SIGNED))] == [diaz]
    assert [r.encounter.id for r in scribe.queries.listing(ALICE, EncounterFilter(state=SIGNED_NOT_SENT))] == [diaz]
    tomorrow = (utc_now() + timedelta(days=1)).date()
    assert scribe.queries.listing(ALICE, EncounterFilter(on_or_after=tomorrow)) == []
    assert scribe.queries.listing(Viewer(User("bob", "clinician"))) == []  # never another clinician's visits


class _NamingTranscriber(FakeTranscriber):
    def wait(self, job_id, audio, request, progress):
        transcript = super().wait(job_id, audio, request, progress)
        transcript.utterances[0].text = "Hello Ms Diaz, your record number is 4471902, right?"
        return transcript


class _SeeingWriter(FakeNoteWriter):
    """A remote writer that keeps what it was sent, to check what left the machine."""

    def draft(self, transcript, template, context=""):
        self.seen = transcript.text + " | " + context
        return super().draft(transcript, template, context)


@pytest.mark.parametrize("leaves", [False, True])
def test_the_typed_identity_reaches_a_remote_writer_only_when_the_setting_allows(tmp_path, leaves):
    writer = _SeeingWriter()
    scribe = Scribe(store=EncounterStore.open(tmp_path / "d", Vault(generate_key())),
                    transcribers={"fake": _NamingTranscriber}, writer_for_engine=lambda e: writer,
                    default_engine="fake", patient_identity_leaves=leaves)
    encounter = scribe.submit(io.BytesIO(wav_bytes()), "v.wav", by=ALICE, context="Diaz follow-up",
                              patient=PatientIdentity("Ana Diaz", "4471902"))
    scribe.process(encounter.id)
    assert ("Diaz" in writer.seen and "4471902" in writer.seen) is leaves
    if not leaves:
        assert "Hello Ms [PATIENT NAME], your record number is [RECORD NUMBER], right?" in writer.seen
        assert "salbutamol two puffs" in writer.seen  # nothing else changed
        assert "4471902" in scribe.store.transcript(encounter.id).text  # the stored transcript is untouched
