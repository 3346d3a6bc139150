"""The pages' key flows, driven through AppTest with fake engines injected through the seam."""

from __future__ import annotations

import io
import time

import pytest
from streamlit.testing.v1 import AppTest

from scribe_core.crypto import generate_key
from scribe_core.model import DOCTOR, PATIENT, EncounterState
from ui.actions import SAMPLE_AUDIO
from ui.services import process_services

from .conftest import APP
from .fakes import wav_bytes


def table_with(at: AppTest, column: str):
    """The first table on the page that has `column` (AppTest does not keep read-only tables' keys)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def wait_until(condition, timeout_s: float = 10.0):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def text_of(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [h.value for h in at.subheader]
    parts += [w.value for w in at.warning] + [e.value for e in at.error] + [i.value for i in at.info]
    parts += [s.value for s in at.success]
    return "\n".join(str(p) for p in parts)


# -- first visit -----------------------------------------------------------------------------------
@pytest.fixture
def real_services(monkeypatch):
    """The app's own composition (no injection), with the per-process cache cleared around the test."""
    process_services.clear()
    yield
    try:
        process_services().worker.shutdown(wait=True)
    except Exception:  # the test may have run without a usable configuration
        pass
    process_services.clear()


def test_a_first_time_visitor_without_a_key_sees_the_start_page(real_services, monkeypatch):
    monkeypatch.setenv("SCRIBE_ENCRYPTION_KEY", generate_key())
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not at.exception and not at.error
    assert at.title[0].value == "New encounter"
    assert "Welcome to the AI medical scribe" in text_of(at)
    assert at.button(key="welcome_sample").label == "Try the sample consultation"
    sidebar = "\n".join(m.value for m in at.sidebar.markdown)
    assert "Offline (this machine)" in sidebar


def test_a_missing_encryption_key_is_explained_as_a_setup_step(real_services, monkeypatch):
    monkeypatch.delenv("SCRIBE_ENCRYPTION_KEY", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == "Set up the scribe"
    assert "SCRIBE_ENCRYPTION_KEY" in at.error[0].value


def test_the_sidebar_shows_whether_settings_are_set_but_never_a_secret(real_services, monkeypatch):
    key = generate_key()
    monkeypatch.setenv("SCRIBE_ENCRYPTION_KEY", key)
    monkeypatch.setenv("ASSEMBLYAI_API_KEY", "sk-very-secret-value")
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    shown = "\n".join(m.value for m in at.sidebar.markdown)
    assert "- `ASSEMBLYAI_API_KEY` :green[✓ set]" in shown and "- `LLM_API_KEY` :orange[not set]" in shown
    assert "sk-very-secret-value" not in shown and key not in shown
    assert "AssemblyAI (cloud)" in shown


# -- new encounter ---------------------------------------------------------------------------------
def test_uploading_a_recording_queues_it_and_opens_the_status_page(app, services):
    at = app()
    at.file_uploader(key="record_file").set_value(("visit.wav", wav_bytes(), "audio/wav"))
    at.text_area(key="record_keyterms").input("salbutamol, beclometasone\nmontelukast")
    at.text_input(key="record_context").input("asthma review")
    at.run()
    at.button(key="record_submit_file").click().run()
    assert not at.exception
    assert at.title[0].value == "Encounters"
    [encounter] = services.store.list()
    assert encounter.source_name == "visit.wav"
    assert encounter.keyterms == ["salbutamol", "beclometasone", "montelukast"]
    assert encounter.context == "asthma review"
    assert at.query_params["encounter"] == [encounter.id] or at.query_params["encounter"] == encounter.id
    wait_until(lambda: services.store.get(encounter.id).state == EncounterState.READY)


def test_a_bad_file_shows_the_core_message_and_keeps_the_form(app, services):
    at = app()
    at.text_area(key="record_keyterms").input("amoxicillin")
    at.file_uploader(key="record_file").set_value(("visit.mp3", b"this is not audio at all" * 100, "audio/mpeg"))
    at.run()
    at.button(key="record_submit_file").click().run()
    assert at.title[0].value == "New encounter"
    assert "not a recording" in at.error[0].value or "could not be read as audio" in at.error[0].value
    assert at.text_area(key="record_keyterms").value == "amoxicillin"
    assert services.store.list() == []


def test_the_sample_consultation_button_submits_the_bundled_recording(app, services):
    at = app()
    at.button(key="welcome_sample").click().run()
    assert at.title[0].value == "Encounters"
    [encounter] = services.store.list()
    assert encounter.source_name == "sample_consultation.mp3"
    assert services.store.audio_bytes(encounter.id) == SAMPLE_AUDIO.read_bytes()
    assert encounter.context.startswith("Sample:")


# -- status ----------------------------------------------------------------------------------------
def test_the_status_page_shows_steps_in_words_and_cancels_work_in_flight(app, services):
    waiting = services.scribe.submit(io.BytesIO(wav_bytes()), "waiting.wav")
    failed = services.scribe.submit(io.BytesIO(wav_bytes()), "failed.wav")
    services.store.update(failed.id, state=EncounterState.FAILED, step="failed",
                          error="AssemblyAI rejected the key: check ASSEMBLYAI_API_KEY.")
    uploading = services.scribe.submit(io.BytesIO(wav_bytes()), "uploading.wav")
    services.store.update(uploading.id, state=EncounterState.TRANSCRIBING, step="uploading", progress=0.42)
    at = app("pages/status.py")
    shown = text_of(at)
    assert "AssemblyAI rejected the key" in shown
    for badge in ("Waiting to start]", "Uploading 42%]", "Failed]"):
        assert badge in shown
    assert [p.value for p in at.get("progress")] == [42]
    at.button(key=f"cancel_{waiting.id}").click().run()
    assert services.store.cancel_requested(waiting.id)
    assert services.store.audit_log()[0]["action"] == "cancel_requested"


def test_a_ready_encounter_opens_its_note(app, ready_id):
    at = app("pages/status.py")
    at.button(key=f"open_{ready_id}").click().run()
    assert at.title[0].value == "Note"


# -- transcript ------------------------------------------------------------------------------------
def test_unconfirmed_roles_are_flagged_and_swapping_them_redrafts_the_note(app, services, ready_id, writer):
    at = app("pages/transcript.py", encounter=ready_id)
    assert "Speaker roles are not confirmed" in at.warning[0].value
    frame = table_with(at, "confidence")
    assert list(frame.columns) == ["id", "role", "start", "end", "confidence", "text"]
    before = services.store.note(ready_id).sections[0].statements[0].text
    at.button(key="transcript_swap").click().run()
    assert not at.exception
    assert "re-drafting" in at.success[0].value  # queued; a job drafts it
    assert services.worker.enqueue(ready_id).result(timeout=30).state == EncounterState.READY
    transcript = services.store.transcript(ready_id)
    assert transcript.roles_confirmed and transcript.by_id("U1").role == PATIENT
    assert len(writer.templates) == 2  # drafted, then re-drafted
    after = services.store.note(ready_id).sections[0].statements[0].text
    assert before != after and after == transcript.by_id("U1").text
    assert not any("not confirmed" in w.value for w in at.warning)


def test_one_utterance_role_can_be_corrected_and_the_table_filtered(app, services, ready_id):
    at = app("pages/transcript.py", encounter=ready_id)
    at.selectbox(key="transcript_utterance").set_value("U2").run()
    at.selectbox(key="transcript_role_U2_Patient").set_value(DOCTOR).run()
    at.button(key="transcript_set_role").click().run()
    assert services.store.transcript(ready_id).by_id("U2").role == DOCTOR
    at.button_group(key="transcript_role_filter").set_value(PATIENT).run()
    roles = set(table_with(at, "confidence")["role"])
    assert roles == {PATIENT}


def test_the_transcript_page_waits_for_work_in_flight(app, services):
    encounter = services.scribe.submit(io.BytesIO(wav_bytes()), "visit.wav")
    at = app("pages/transcript.py", encounter=encounter.id)
    assert "appears here by itself" in text_of(at)


# -- note ------------------------------------------------------------------------------------------
def test_the_note_flags_unsupported_statements_and_offers_exports(app, services, ready_id):
    at = app("pages/note.py", encounter=ready_id)
    assert "Unsupported: check" in text_of(at)
    assert "1 statement(s) have no supporting evidence" in at.warning[0].value
    assert at.code[0].value.strip() == services.store.note(ready_id).to_markdown().strip()
    assert {"Download Markdown", "Download JSON", "Download note PDF"} <= {b.label for b in at.download_button}


def test_changing_the_template_redrafts_the_note(app, services, ready_id, writer):
    at = app("pages/note.py", encounter=ready_id)
    at.selectbox(key=f"note_template_{ready_id}").set_value("hpi").run()
    at.button(key="note_redraft").click().run()
    assert not at.exception
    assert services.store.get(ready_id).template == "hpi"  # queued at once; a job drafts it
    assert services.worker.enqueue(ready_id).result(timeout=30).state == EncounterState.READY
    assert writer.templates[-1] == "hpi"
    assert services.store.note(ready_id).template == "hpi"
    at.run()
    assert "History of present illness" in text_of(at)


def test_an_edited_note_is_saved_keeping_evidence_for_kept_lines(app, services, ready_id):
    note = services.store.note(ready_id)
    subjective = note.sections[0]
    at = app("pages/note.py", encounter=ready_id)
    at.toggle(key="note_edit").set_value(True).run()
    [area] = [a for a in at.text_area if a.key.endswith("_subjective")]
    area.input(f"{subjective.statements[0].text}\nPatient also reports hay fever.").run()
    at.button(key="note_save").click().run()
    assert not at.exception
    saved = services.store.note(ready_id)
    assert saved.edited
    kept, added = saved.sections[0].statements
    assert kept.evidence == subjective.statements[0].evidence and not kept.unsupported
    assert added.text == "Patient also reports hay fever." and added.added_by_clinician and not added.unsupported
    assert at.success[0].value == "Note saved."
    assert not at.toggle(key="note_edit").value


# -- review ----------------------------------------------------------------------------------------
def test_selecting_a_statement_highlights_its_evidence_and_plays_it(app, services, ready_id):
    at = app("pages/review.py", encounter=ready_id)
    radio = at.radio(key=f"review_statement_{ready_id}")
    radio.set_value("plan:0").run()
    statement = services.store.note(ready_id).sections[3].statements[0]
    [evidence] = statement.evidence
    html = "".join(h.proto.body for h in at.get("html"))
    assert f'class="scribe-utt doctor hl" data-utterance="{evidence}"' in html
    assert html.count(" hl\"") == 1
    assert at.get("audio"), "an audio player for the evidence"
    assert f"Evidence: {evidence}" in text_of(at)


# -- privacy ---------------------------------------------------------------------------------------
def test_purging_needs_confirmation_and_leaves_a_tombstone(app, services, ready_id, transcriber, writer):
    at = app("pages/privacy.py", encounter=ready_id)
    assert at.button(key="privacy_purge_one").disabled
    at.checkbox(key=f"privacy_confirm_{ready_id}").check().run()
    at.button(key="privacy_purge_one").click().run()
    assert not at.exception
    assert services.store.list() == []
    assert transcriber.deleted == ["job-1"] and writer.forgotten == ["req-1"]
    [tombstone] = services.store.tombstones()
    assert tombstone.encounter_id == ready_id and set(tombstone.deleted) >= {"audio", "transcript", "note"}
    deleted = table_with(at, "result")
    assert sum(r.startswith("✓ deleted, confirmed") for r in deleted["result"]) == 2
    assert set(deleted["what"]) >= {"audio", "transcript", "note", "LLM Gateway request"}
    assert ready_id in set(table_with(at, "purged")["encounter"])
    assert "purged" in set(table_with(at, "action")["action"])
    assert "Purged 1 encounter(s)." in at.success[0].value


def test_purge_all_empties_the_store(app, services, ready_id):
    other = services.scribe.submit(io.BytesIO(wav_bytes()), "second.wav")
    at = app("pages/privacy.py")
    at.checkbox(key="privacy_confirm_all").check().run()
    at.button(key="privacy_purge_all").click().run()
    assert services.store.list() == []
    assert {t.encounter_id for t in services.store.tombstones()} >= {ready_id, other.id}


def test_a_failed_encounter_can_be_retried_from_the_status_page(app, services, ready_id):
    services.store.update(ready_id, state=EncounterState.FAILED, step="failed", error="Could not reach AssemblyAI.")
    at = app("pages/status.py")
    at.button(key=f"retry_{ready_id}").click().run()
    assert not at.exception
    wait_until(lambda: services.store.get(ready_id).state == EncounterState.READY)
    assert services.store.get(ready_id).error is None


def test_roles_can_be_confirmed_without_swapping(app, services, ready_id):
    assert not services.store.transcript(ready_id).roles_confirmed
    at = app("pages/transcript.py", encounter=ready_id)
    at.button(key="transcript_confirm_roles").click().run()
    assert not at.exception and services.store.transcript(ready_id).roles_confirmed
    assert [a["action"] for a in services.store.audit_log()][0] == "roles_confirmed"
