"""Sentence segmentation keeps numbers, doses, times and abbreviations whole; cleanup keeps speech out of notes."""

from __future__ import annotations

import pytest

from scribe_core.clinical.cleanup import clean, command_order, is_command
from scribe_core.clinical.segment import sentences
from scribe_core.documents.templates import builtin_template
from scribe_core.notes.extractive import ExtractiveNoteWriter

SOAP = builtin_template('soap')


@pytest.mark.parametrize("text, expected", [
    ("Her hemoglobin level is 8.9 today. We will recheck it.",
     ["Her hemoglobin level is 8.9 today.", "We will recheck it."]),
    ("Take 2.5 mg of bisoprolol daily. Then come back.", ["Take 2.5 mg of bisoprolol daily.", "Then come back."]),
    ("The appointment is at 10:30 tomorrow. Bring your meds.", ["The appointment is at 10:30 tomorrow.",
                                                                 "Bring your meds."]),
    ("Dr. Smith saw her last week. She is better.", ["Dr. Smith saw her last week.", "She is better."]),
    ("Metformin 500 mg b.i.d. with meals is fine. Any questions?", ["Metformin 500 mg b.i.d. with meals is fine.",
                                                                    "Any questions?"]),
    ("the hemoglobin level is 8.9 . okay ?", ["the hemoglobin level is 8.9 .", "okay ?"]),
])
def test_segmentation_never_splits_numbers_doses_times_or_abbreviations(text, expected):
    assert sentences(text) == expected


def test_every_number_survives_segmentation_intact():
    text = "Sodium 135.5, potassium 4.2 and a dose of 0.125 mg at 08:45 p.m. yesterday. Next sentence here."
    joined = " ".join(sentences(text))
    for number in ("135.5", "4.2", "0.125", "08:45", "p.m."):
        assert number in joined


@pytest.mark.parametrize("spoken, written", [
    ("um , so if i was running , you know , i get short of breath .", "if i was running, i get short of breath."),
    ("your- your blood pressure is , is good .", "your blood pressure is good."),
    ("s- , amazing .", "amazing."),
    ("i , i love to eat the the soft pretzels .", "i love to eat the soft pretzels."),
    ("it was in twenty twenty , about 20- 30 times", "it was in twenty twenty, about 20- 30 times"),
    ("any allergies that you know of ?", "any allergies that you know of?"),
    ("i do n't think it 's broken , i 'm gon na order an x-ray",
     "i don't think it's broken, i'm going to order an x-ray"),
])
def test_cleanup_removes_fillers_stutters_and_false_starts_but_not_numbers(spoken, written):
    assert clean(spoken) == written


def test_voice_assistant_commands_are_recognised_and_orders_kept_as_plan_items():
    assert is_command("hey , dragon , show me the ecg .")
    assert is_command("Hey Dragon, finalize the note.")
    assert not is_command("I'll show you the ECG results now.")
    assert command_order("hey , dragon , order an echocardiogram .") == "order an echocardiogram"
    assert command_order("hey , dragon , show me the labs") is None


def test_commands_and_fillers_never_reach_the_note_and_the_transcript_is_unchanged(visit):
    before = [u.text for u in visit.utterances]
    note = ExtractiveNoteWriter().draft(visit, SOAP).note
    text = " ".join(st.text for st in note.statements()).lower()
    assert "dragon" not in text and "show me" not in text
    assert " um " not in f" {text} " and "my, my" not in text
    assert [u.text for u in visit.utterances] == before


def test_the_segmenter_splits_as_spacy_blank_english_does_with_the_same_rules():
    import spacy

    from scribe_core.clinical import segment

    texts = ['so i will say , " apply to rash on face twice daily , until resolved . "',
             "do you have any questions ? , and i forgot . for your annual exam , you're due for a mammogram .",
             'other doctors have said , " did you notice your pursed lips breathing ? " i do n\'t know .',
             "Her hemoglobin is 8.9 today. Take 2.5 mg b.i.d. with food. See Dr. Smith at 10:30 a.m. tomorrow!"]
    nlp = spacy.blank("en")
    for abbr in segment.ABBREVIATIONS:
        for form in {abbr, abbr.upper(), abbr.capitalize()}:
            nlp.tokenizer.add_special_case(form, [{"ORTH": form}])
    nlp.add_pipe("sentencizer", config={"punct_chars": [".", "?", "!", "…"]})
    for text in texts:
        expected = [s.text.strip() for s in nlp(text).sents if s.text.strip()]
        assert segment.sentences(text) == expected, text


def test_the_segmenter_loads_no_spacy_plugins_so_a_fresh_process_starts_fast():
    import subprocess
    import sys

    code = ("import sys; from scribe_core.clinical.segment import sentences; sentences('One. Two.'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('presidio_analyzer', 'torch')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
