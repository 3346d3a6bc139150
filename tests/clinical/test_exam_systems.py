"""The examination by body system: labels as clinicians write them, each finding kept with its numbers,
negations and side, the talk that only stages the examination left out, and every line citing its words."""

from __future__ import annotations

from scribe_core.clinical import parse_transcript_text
from scribe_core.clinical.exam_systems import by_body_system, stages_only, system_of
from scribe_core.clinical.facts import Fact
from scribe_core.clinical.support import unsupported_claims
from scribe_core.documents.templates import builtin_template
from scribe_core.eval.note_facts import speech_recognition_style
from scribe_core.notes.extractive import ExtractiveNoteWriter

# Adapted from ACI-Bench train dialogues.
VISIT = "\n".join([
    "[doctor] hi james , how is your back ?",
    "[patient] it still hurts when i bend over .",
    "[doctor] okay . will do a quick exam . have a seat on the table .",
    "[doctor] on your heart exam , there is a 2/6 systolic ejection murmur , which i've heard in the past .",
    "[doctor] your lungs are clear . on your back exam , you have pain to palpation of the lumbar spine and "
    "decreased range of motion with flexion and extension .",
    "[doctor] your strength is 4/5 on the right and 5/5 on the left , and there's no lower extremity edema .",
    "[doctor] so for your first problem , i think you have a lumbar strain . i'll prescribe meloxicam 15 "
    "milligrams once a day .",
    "[patient] okay .",
]) + "\n"


def _exam(text: str) -> list:
    note = ExtractiveNoteWriter().draft(parse_transcript_text(text), builtin_template("aci")).note
    return [st for sec in note.sections if sec.key == "exam" for st in sec.statements]


def _fact(text: str, uid: str = "U1", kind: str = "statement") -> Fact:
    return Fact(kind, "exam", text, [uid], 1.0)


def test_findings_are_grouped_under_their_system_with_the_lead_that_only_named_it_removed():
    exam = _exam(VISIT)
    lines = {st.text.split(":", 1)[0]: st for st in exam if ":" in st.text}
    assert lines["Cardiovascular"].text.startswith("Cardiovascular: A 2/6 systolic ejection murmur")
    assert "Lungs are clear." in lines["Respiratory"].text
    msk = lines["Musculoskeletal"].text.lower()
    assert "pain to palpation of the lumbar spine" in msk and "4/5 on the right and 5/5 on the left" in msk
    assert "no lower extremity edema" in lines["Extremities"].text.lower()  # the negation stays
    # Systems in the order examined, each line citing the utterances its findings came from.
    assert [k for k in lines] == ["Cardiovascular", "Respiratory", "Musculoskeletal", "Extremities"]
    assert lines["Cardiovascular"].evidence == ["U4"] and set(lines["Musculoskeletal"].evidence) == {"U5", "U6"}
    texts = {u.id: u.text for u in parse_transcript_text(VISIT).utterances}
    for st in exam:
        assert not unsupported_claims(st.text, [texts[e] for e in st.evidence]), st.text
    # Staging the examination is not a finding.
    assert not any("quick exam" in st.text or "have a seat" in st.text.lower() for st in exam)


def test_speech_recognition_without_punctuation_is_grouped_the_same_way():
    labels = [st.text.split(":", 1)[0] for st in _exam(speech_recognition_style(VISIT)) if ":" in st.text]
    assert labels[:2] == ["Cardiovascular", "Respiratory"] and "Musculoskeletal" in labels


def test_two_systems_in_one_breath_become_two_findings_and_a_side_is_never_lost():
    out = by_body_system([_fact("The patient has a carotid bruit on the right hand side and, their lungs are "
                                "clear.")])
    assert [st.text for st in out] == ["Neck: The patient has a carotid bruit on the right hand side.",
                                       "Respiratory: Lungs are clear."]
    kept = by_body_system([_fact("On the neurovascular exam of the patient's left foot capillary refill is brisk.")])
    assert "left foot" in kept[0].text


def test_vital_signs_are_one_line_and_what_names_no_system_stays_as_said():
    out = by_body_system([_fact("BP 128/72.", kind="vital"), _fact("SpO2 96%.", "U2", "vital"),
                          _fact("On physical examination, everything looks good.", "U3")])
    assert [(st.text, st.evidence) for st in out] == [
        ("Vital signs: BP 128/72. SpO2 96%.", ["U1", "U2"]),
        ("On physical examination, everything looks good.", ["U3"])]


def test_what_is_a_system_and_what_only_stages_the_exam():
    assert system_of("The patient's heart rate is 84.") is None  # a vital sign, not the heart's examination
    assert system_of("In reviewing the echocardiogram, the pumping function is low.") is None  # a result
    assert system_of("Abdomen is soft, non-tender.") == "Gastrointestinal"
    assert stages_only("Please have a seat on this table and will listen to her lungs and heart.")
    assert not stages_only("Capillary refill is less than three seconds.")  # a number said in words
