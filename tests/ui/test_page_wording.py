"""Pages speak in the encounter's own terms: its engine, its source, its writer, its time left."""

from __future__ import annotations

import io

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from scribe_core.bootstrap import build_services
from scribe_core.config import Settings
from scribe_core.crypto import Vault, generate_key
from scribe_core.model import EncounterState
from scribe_core.store import EncounterStore
from tests.audio_files import write_audio

from .conftest import APP
from .fakes import LocalNoteWriter, LocalTranscriber, wav_bytes


@pytest.fixture
def local_services(clean_scribe_env):
    """An engine and writer that keep everything on this machine, like the offline engine."""
    transcriber, writer = LocalTranscriber(), LocalNoteWriter()
    built = build_services(Settings(data_dir=clean_scribe_env, engine="local"),
                           store=EncounterStore.open(clean_scribe_env, Vault(generate_key())),
                           transcribers={"local": lambda: transcriber}, writer_for_engine=lambda engine: writer)
    yield built
    built.worker.shutdown(wait=True)


def open_page(services, page: str, encounter_id: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["services"] = services
    if encounter_id:
        at.query_params["encounter"] = encounter_id
    at.run()
    if page != "pages/record.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def ready(services) -> str:
    encounter = services.scribe.submit(io.BytesIO(wav_bytes()), "visit.wav")
    assert services.scribe.process(encounter.id).state == EncounterState.READY
    return encounter.id


def test_purging_an_offline_encounter_promises_no_remote_deletion(local_services):
    at = open_page(local_services, "pages/privacy.py", ready(local_services))
    [caption] = [c.value for c in at.caption if c.value.startswith("Purging deletes")]
    assert caption.startswith("Purging deletes its recording, transcript and note on this server.")
    assert "remote" not in caption.lower()
    intro = at.markdown[0].value
    assert "remote copies" not in intro and "Purging deletes every file of the encounter on this server" in intro


def test_an_extractive_note_says_no_language_model_drafted_it(local_services):
    at = open_page(local_services, "pages/note.py", ready(local_services))
    badges = "\n".join(m.value for m in at.markdown)
    assert "Drafted without a language model — every line comes from the transcript" in badges
    assert "Written by" not in badges


def test_a_language_model_note_names_the_model(services, ready_id):
    note = services.store.note(ready_id)
    note.writer = "llm:claude-haiku-4-5"
    services.store.save_note(ready_id, note)
    at = open_page(services, "pages/note.py", ready_id)
    assert "Drafted by a language model (claude-haiku-4-5)" in "\n".join(m.value for m in at.markdown)


def test_an_offline_job_in_flight_shows_an_estimated_time_left(local_services):
    waiting = local_services.scribe.submit(io.BytesIO(wav_bytes()), "long-visit.wav")
    local_services.store.update(waiting.id, duration_s=1200.0)  # 20 min of audio at RTF 0.10: about 2 min
    at = open_page(local_services, "pages/status.py")
    assert any("About 2 min left" in c.value for c in at.caption), [c.value for c in at.caption]


def test_a_silent_upload_gets_advice_about_the_file_not_the_microphone(services, tmp_path):
    silent = write_audio(tmp_path / "silent.wav", np.zeros(16_000 * 3)).read_bytes()
    at = open_page(services, "pages/record.py")
    at.file_uploader(key="record_file").set_value(("silent.wav", silent, "audio/wav"))
    at.run()
    at.button(key="record_submit_file").click().run()
    [error] = at.error
    assert "file is silent" in error.value and "microphone" not in error.value


def test_a_silent_recording_made_here_gets_advice_about_the_microphone(services, tmp_path):
    silent = write_audio(tmp_path / "silent.wav", np.zeros(16_000 * 3)).read_bytes()
    at = open_page(services, "pages/record.py")
    at.audio_input(key="record_mic").set_value(("recording.wav", silent, "audio/wav"))
    at.run()
    at.button(key="record_submit_mic").click().run()
    [error] = at.error
    assert "recording is silent" in error.value and "microphone" in error.value and "file" not in error.value
