"""The Templates page's section editor: empty cells of an added row are empty fields, never 'nan'."""

from __future__ import annotations

import pandas as pd

from scribe_core.documents.templates import parse_template, template_to_toml
from scribe_core.note_template import NoteTemplate
from ui.template_rows import sections_from_rows

COLUMNS = ["key", "title", "instructions", "loinc", "role", "required"]


def _edited_with_added_rows() -> pd.DataFrame:
    """What st.data_editor hands back after two rows were added with the '+' button and partly filled."""
    rows = pd.DataFrame([{"key": "subjective", "title": "Subjective", "instructions": "What the patient says.",
                          "loinc": "10164-2", "role": "", "required": True}], columns=COLUMNS)
    added = pd.DataFrame([{"key": "wound", "title": "Wound", "instructions": "Size and look.", "loinc": float("nan"),
                           "role": "objective", "required": float("nan")},
                          {"key": "dressing", "title": "Dressing", "instructions": "What was applied.",
                           "loinc": None, "role": "plan", "required": pd.NA},
                          {k: float("nan") for k in COLUMNS}], columns=COLUMNS)  # an added row left empty
    return pd.concat([rows, added], ignore_index=True)


def test_an_added_section_with_no_loinc_code_is_saved_with_none_and_not_required():
    sections = sections_from_rows(_edited_with_added_rows().to_dict("records"))
    assert [s.key for s in sections] == ["subjective", "wound", "dressing"]  # the empty row is dropped
    wound, dressing = sections[1], sections[2]
    assert wound.loinc is None and dressing.loinc is None
    assert wound.role == "objective" and not wound.required and not dressing.required
    assert sections[0].required and sections[0].loinc == "10164-2"


def test_the_core_validator_accepts_the_sections_the_editor_produced():
    sections = sections_from_rows(_edited_with_added_rows().to_dict("records"))
    template = NoteTemplate(name="wound_care", title="Wound care", sections=sections, loinc="11506-3")
    parsed = parse_template(template_to_toml(template))  # raised "'nan' is not a LOINC code" before
    assert [s.key for s in parsed.sections] == ["subjective", "wound", "dressing"]
