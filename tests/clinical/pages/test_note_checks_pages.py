"""The omission check on the Note and Review pages (AppTest): "Possibly missing", one click to add."""

from __future__ import annotations

from scribe_core.access import SYSTEM
from scribe_core.clinical import parse_transcript_text
from scribe_core.documents.templates import builtin_template
from scribe_core.notes.extractive import ExtractiveNoteWriter
from tests.clinical.conftest import VISIT
from ui.components import md_escape

SOAP = builtin_template('soap')


def _visit_with_a_note_lacking_chest_pain(services, encounter_id):
    transcript = parse_transcript_text(VISIT)
    services.store.save_transcript(encounter_id, transcript)
    note = ExtractiveNoteWriter().draft(transcript, SOAP).note
    for sec in note.sections:
        sec.statements = [st for st in sec.statements if "chest pain" not in st.text]
    services.scribe.save_note(encounter_id, note, by=SYSTEM)


def _markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_the_note_page_lists_a_missing_negative_and_one_click_adds_it(app, services, ready_id):
    _visit_with_a_note_lacking_chest_pain(services, ready_id)
    at = app("pages/note.py", encounter=ready_id)
    assert "Possibly missing" in _markdown(at)
    assert f"{md_escape('Denies chest pain.')} :gray-badge[U5, U6]" in _markdown(at)
    at.button(key="note_add_missing_0").click().run()
    assert not at.exception
    saved = services.store.note(ready_id)
    subjective = next(s for s in saved.sections if s.key == "subjective")
    assert subjective.statements[-1].text == "Denies chest pain." and subjective.statements[-1].evidence == ["U5", "U6"]
    assert "Added to the note: Denies chest pain." in at.success[0].value
    assert "The note covers every clinically salient fact" in "\n".join(c.value for c in at.caption)


def test_the_note_page_flags_a_statement_its_citation_contradicts(app, services, ready_id):
    _visit_with_a_note_lacking_chest_pain(services, ready_id)
    note = services.store.note(ready_id)
    note.sections[0].statements[0].text = "Reports chest pain."
    note.sections[0].statements[0].evidence = ["U5", "U6"]
    services.scribe.save_note(ready_id, note, by=SYSTEM)
    at = app("pages/note.py", encounter=ready_id)
    assert "Not backed by what they cite" in _markdown(at)
    assert "the patient answered no about" in _markdown(at)


def test_the_review_page_lists_what_may_be_missing(app, services, ready_id):
    _visit_with_a_note_lacking_chest_pain(services, ready_id)
    at = app("pages/review.py", encounter=ready_id)
    assert "**Possibly missing** (add them on the Note page)" in _markdown(at)
    assert md_escape("Denies chest pain.") in _markdown(at)
