"""Key terms read one way by the pages, the CLI and the live visits; a note version's tag."""

from __future__ import annotations

from scribe_core.keyterms import parse_keyterms
from scribe_core.model import Note, Section, Statement
from scribe_core.notes.edits import edited_note, note_version


def test_key_terms_typed_or_repeated_on_the_command_line_read_the_same():
    typed = parse_keyterms("salbutamol, Montelukast\n\n  beclometasone  dipropionate ;montelukast,")
    given = parse_keyterms(["salbutamol", "Montelukast, beclometasone dipropionate", " montelukast ", ""])
    assert typed == given == ["salbutamol", "Montelukast", "beclometasone dipropionate"]


def test_a_note_versions_tag_changes_with_any_edit_and_only_then():
    note = Note(template="soap", writer="test",
                sections=[Section("plan", "Plan", [Statement("Metformin 500 mg.", ["U1"])])])
    assert note_version(note) == note_version(Note.from_dict(note.to_dict()))
    assert note_version(edited_note(note, {"plan": "Metformin 850 mg."})) != note_version(note)
