"""The assessment and plan as a numbered problem list: each problem the doctor walks through, named as a note
names it, numbered, and followed by what was said about it; the enumerators are layout that no check reads
as a number the visit said."""

from __future__ import annotations

import pytest

from scribe_core.clinical import parse_transcript_text
from scribe_core.clinical.consistency import check_consistency
from scribe_core.clinical.problems import problem_name
from scribe_core.clinical.support import unsupported_claims, without_enumerator
from scribe_core.documents.templates import builtin_template
from scribe_core.eval.note_facts import holds, junk_reasons, speech_recognition_style
from scribe_core.model import Note, Section, Statement
from scribe_core.notes.extractive import ExtractiveNoteWriter

# Adapted from the way ACI-Bench train dialogues walk through their problems.
VISIT = "\n".join([
    "[doctor] hi james . so you hurt your back golfing ?",
    "[patient] yeah , i felt a pop on my backswing and i went right down . i took some tylenol and ibuprofen .",
    "[doctor] and how are your sugars , are you still on the metformin ?",
    "[patient] yes , 500 twice a day .",
    "[doctor] on your back exam you have pain to palpation of the lumbar spine .",
    "[doctor] so for your first problem , i think you have an acute lumbar , um , strain . i'm going to prescribe "
    "meloxicam 15 milligrams once daily and refer you to physical therapy .",
    "[doctor] for your next problem , your type 2 diabetes , i would like to increase your metformin to 1000 "
    "milligrams twice daily .",
    "[doctor] and in terms of your congestive heart failure , you're doing really well , let's continue the "
    "lisinopril 20 milligrams once a day .",
    "[doctor] we'll see you again in two weeks .",
    "[patient] thank you .",
]) + "\n"


def _plan(text: str) -> list[str]:
    note = ExtractiveNoteWriter().draft(parse_transcript_text(text), builtin_template("aci")).note
    return [st.text for sec in note.sections if sec.key == "assessment_plan" for st in sec.statements]


@pytest.mark.parametrize("said, name", [
    ("so for your first problem , your high blood pressure , it's not well controlled", "Hypertension"),
    ("for your next problem your type 2 diabetes we will increase the metformin", "Type 2 diabetes"),
    ("for your first problem i think you have an acute lumbar , um , strain", "Probable acute lumbar strain"),
    ("so for your first problem i think you have gout", "Probable gout"),  # a one-word name stays hedged too
    ("first problem of the headache i do think that you have a tension type headache", "Headache"),
    ("so for your first problem , your , your depression , it seems like you're doing well", "Depression"),
    ("in terms of your gout , everything seems controlled right now", "Gout"),
    ("so my impression of you , you have this hyperglycemia , which is probably an infection", "Hyperglycemia"),
    ("from a chronic back pain standpoint i can refer you to physical therapy", "Chronic back pain"),
    # A hedge inside the impression, and a stutter before it, keep the name and the hedge.
    ("well , my impression is that you- you probably have a contusion , but let's take a look at your x-ray",
     "Probable contusion"),
    ("my impression is that she has a contusion", "Contusion"),
])
def test_the_problem_is_named_as_a_note_names_it(said, name):
    assert problem_name(said) == name


@pytest.mark.parametrize("said", [
    "for the pain i'll prescribe some ibuprofen",
    "for the most part you're doing fine",
    "for your first problem i think that that sounds like you're doing really well managing it",
    "my impression and plan is as follows",
    "for your other problems we'll talk next time",
])
def test_talk_that_names_no_problem_opens_none(said):
    assert problem_name(said) is None


def test_the_assessment_and_plan_is_a_numbered_problem_list_with_each_problems_plan_under_it():
    plan = _plan(VISIT)
    heads = [line for line in plan if line[:1].isdigit()]
    # The doctor hedged the first diagnosis ("i think"): the list keeps the hedge.
    assert heads == ["1. Probable acute lumbar strain.", "2. Type 2 diabetes.", "3. Congestive heart failure."]
    order = {h: plan.index(h) for h in heads}
    after = {h: " ".join(plan[order[h] + 1: order[nxt] if nxt else None]).lower()
             for h, nxt in zip(heads, [*heads[1:], None], strict=True)}
    assert "meloxicam 15 mg" in after[heads[0]] and "physical therapy" in after[heads[0]]
    assert "metformin to 1000 mg twice daily" in after[heads[1]]
    assert "lisinopril 20" in after[heads[2]]
    # The lead that only named the problem again is gone, and so is a line that only restated the diagnosis.
    assert not any("next problem" in line.lower() or "first problem" in line.lower() for line in plan)
    assert sum("lumbar" in line.lower() for line in plan) == 1


def test_speech_recognition_without_punctuation_gives_the_same_problem_list():
    plan = _plan(speech_recognition_style(VISIT))
    assert [line for line in plan if line[:1].isdigit()] == [
        "1. Probable acute lumbar strain.", "2. Type 2 diabetes.", "3. Congestive heart failure."]


def test_an_enumerator_is_layout_not_a_number_the_visit_said():
    said = ["for your second problem , your hypertension , let's continue the lisinopril"]
    assert unsupported_claims("2. Hypertension.", said) == []
    assert without_enumerator("2. Hypertension.") == "Hypertension."
    # A real number after the enumerator is still checked, and so is one that only looks like a list.
    assert [p.detail for p in unsupported_claims("2. Lisinopril 40 mg.", said)] == ["40"]
    assert [p.detail for p in unsupported_claims("Takes 2.5 mg.", said)] == ["2.5"]
    # The consistency check (LLM notes and edits too) and the key-fact measure read past it alike.
    note = Note(template="aci", writer="llm", sections=[Section(key="assessment_plan", title="A&P", statements=[
        Statement(text="2. Hypertension.", evidence=["U1"])])])
    transcript = parse_transcript_text("[doctor] " + said[0] + " .\n")
    assert check_consistency(transcript, note) == []
    assert not holds("2. Hypertension.", "#2")
    assert junk_reasons("2. Hypertension.") == [] and junk_reasons("Hypertension.") == ["under 3 words"]


def test_a_templates_medications_section_is_the_medication_list_one_line_per_medicine():
    note = ExtractiveNoteWriter().draft(parse_transcript_text(VISIT), builtin_template("progress")).note
    meds = [st for sec in note.sections if sec.key == "medications" for st in sec.statements]
    assert [st.text for st in meds] == ["Started meloxicam 15 mg once daily.",
                                        "Metformin increased to 1000 mg twice daily.",
                                        "Continue lisinopril 20 mg once daily."]
    # Metformin's line carries the doctor's last decision and cites where it was made.
    assert meds[1].evidence == ["U7"]


def test_the_problem_said_in_lay_words_is_not_named_twice_and_it_is_the_problem():
    plan = _plan("[doctor] how are you doing today ?\n[patient] i'm okay .\n"
                 "[doctor] so for your first problem , your high blood pressure , it's not well controlled . "
                 "i'm going to increase the lisinopril to 40 milligrams once a day .\n")
    assert plan[:2] == ["1. Hypertension.", "Hypertension is not well controlled."]


def test_a_problem_heading_is_shown_as_the_heading_of_its_plan():
    note = ExtractiveNoteWriter().draft(parse_transcript_text(VISIT), builtin_template("aci")).note
    heads = [st for st in note.statements() if st.heads_a_problem]
    assert [st.text for st in heads][:1] == ["1. Probable acute lumbar strain."]
    assert "- **1. Probable acute lumbar strain.**" in note.to_markdown()
    assert not Statement(text="2.5 mg of lisinopril daily.", evidence=["U1"]).heads_a_problem


def test_a_one_problem_visit_takes_its_problem_from_the_doctors_impression_but_never_a_ruled_out_one_or_a_sign():
    opening = "[doctor] so what happened to your ankle ?\n[patient] i rolled it playing soccer .\n"
    sprain = opening + ("[doctor] on exam you have significant tenderness over the lateral malleolus .\n"
                        "[doctor] i think you have a right ankle sprain . we'll get you a brace and ice it .\n")
    assert [line for line in _plan(sprain) if line[:1].isdigit()] == ["1. Probable right ankle sprain."]
    ruled_out = opening + ("[doctor] i don't think you have any type of infection , it looks fine .\n"
                           "[doctor] we'll get you a brace and ice it .\n")
    assert not [line for line in _plan(ruled_out) if line[:1].isdigit()]


@pytest.mark.parametrize("said, problem", [
    ("so looking at the x-ray and your exam , my diagnosis here would be lateral epicondylitis .",
     "1. Lateral epicondylitis."),
    ("so you do have that your diagnosis is uncontrolled hypertension .", "1. Uncontrolled hypertension."),
    ("your symptoms are consistent with patellofemoral pain syndrome .", "1. Probable patellofemoral pain syndrome."),
    ("so you do have that kidney stone on the right .", "1. Kidney stone."),
])
def test_a_one_problem_visit_reads_a_diagnosis_said_as_such_and_one_the_lexicon_does_not_list(said, problem):
    visit = ("[doctor] what brings you in today ?\n[patient] my elbow hurts when i lift things .\n"
             "[doctor] okay , let me examine you .\n[patient] sure .\n[doctor] " + said + "\n"
             "[doctor] we'll see you again in two weeks .\n")
    assert _plan(visit)[0] == problem


def test_a_prognosis_or_the_word_diagnosis_is_not_a_problem():
    visit = ("[doctor] what brings you in today ?\n[patient] the results of my scan .\n[doctor] okay .\n"
             "[patient] sure .\n[doctor] we believe you have a favorable diagnosis prognosis .\n"
             "[doctor] we'll see you again in two weeks .\n")
    assert not any(line[:1].isdigit() for line in _plan(visit))
