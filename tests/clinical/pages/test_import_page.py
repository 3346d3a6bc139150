"""Importing a transcript on the New encounter page (AppTest): an encounter with no recording, its note
drafted offline, shown on every page without a player, and purged like any other."""

from __future__ import annotations

from scribe_core.access import Viewer
from scribe_core.accounts import User
from scribe_core.model import EncounterState
from tests.clinical.conftest import VISIT


def _import(app, payload: bytes, name: str = "visit.txt", mime: str = "text/plain"):
    at = app()
    at.file_uploader(key="record_transcript_file").set_value((name, payload, mime))
    at.run()
    at.button(key="record_submit_transcript").click().run()
    return at


def test_importing_a_transcript_makes_a_ready_encounter_with_the_offline_note_and_no_recording(app, services):
    at = _import(app, VISIT.encode())
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Note"
    [encounter] = services.store.list()
    assert (encounter.engine, encounter.state, encounter.source_name) == ("import", EncounterState.READY, "visit.txt")
    assert not encounter.has_recording
    assert services.store.audio_path(encounter.id) is None
    transcript, note = services.store.transcript(encounter.id), services.store.note(encounter.id)
    assert [u.role for u in transcript.utterances[:2]] == ["Doctor", "Patient"]
    # An import is drafted by a job with the writer every encounter of this engine gets, not a hard-wired one.
    assert note.writer == services.scribe.writer_for_engine(encounter.engine).name
    assert any("chest pain" in st.text for st in note.statements())
    [audited] = [row for row in services.store.audit_log() if row["action"] == "imported_transcript"]
    assert audited["encounter_id"] == encounter.id and audited["actor"] == encounter.owner


def test_an_imported_encounter_renders_on_every_page_without_a_player(app, services):
    _import(app, VISIT.encode())
    [encounter] = services.store.list()
    for page in ("pages/status.py", "pages/transcript.py", "pages/note.py", "pages/review.py",
                 "pages/privacy.py"):
        at = app(page, encounter=encounter.id)
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])
        shown = "\n".join(c.value for c in at.caption)
        assert "cannot be played" not in shown, page
        assert not at.get("audio"), page


def test_an_imported_encounter_is_purged_like_any_other(app, services):
    _import(app, VISIT.encode())
    [encounter] = services.store.list()
    owner = Viewer(User(encounter.owner or "", "clinician"))
    tombstone = services.scribe.purge(encounter.id, by=owner)
    assert sorted(tombstone.deleted) == ["note", "transcript"]
    assert services.store.transcript(encounter.id) is None and services.store.note(encounter.id) is None
    assert services.store.list() == []


def test_a_bad_transcript_file_shows_the_line_that_is_wrong_and_stores_nothing(app, services):
    at = _import(app, b"Visit of 3 March\nDoctor: Hello.\nPatient: Hi.\n", name="notes.txt")
    assert not at.exception
    assert at.title[0].value == "New encounter"
    assert at.error[0].value.startswith("Line 1: no speaker in 'Visit of 3 March'")
    assert "'Doctor:' or 'Patient:'" in at.error[0].value
    assert services.store.list() == []


def test_a_json_file_that_is_not_a_transcript_is_refused_by_name(app, services):
    at = _import(app, b'{"text": "hello"}', name="export.json", mime="application/json")
    assert "no 'utterances' list" in at.error[0].value
    assert services.store.list() == []
