"""A result read out as "it showed ..." names the test the doctor just named, and cites where it was named."""

from __future__ import annotations

from scribe_core.clinical import parse_transcript_text
from scribe_core.clinical.facts import extract_facts
from scribe_core.clinical.support import unsupported_claims

# Adapted from ACI-Bench train dialogues: the doctor asks the recording system for the test, then reads it out.
VISIT = parse_transcript_text("\n".join([
    "[doctor] let's go ahead and look at some of your results , okay ?",
    "[patient] okay .",
    "[doctor] hey , dragon , show me the echocardiogram .",
    "[doctor] so , this is the result of the echocardiogram that we did last year . it showed that you have that "
    "low-ish pumping function of your heart at about 45 % . and it also shows some mitral regurgitation .",
    "[patient] okay .",
    "[doctor] and it shows that you are doing well overall .",
]) + "\n")


def _statements(transcript):
    return [f for f in extract_facts(transcript) if f.kind == "statement"]


def test_it_names_the_test_the_doctor_just_named_and_cites_both_utterances():
    facts = _statements(VISIT)
    ef = next(f for f in facts if "45%" in f.text)
    assert ef.text.startswith("The echocardiogram showed that the patient has")
    assert ef.evidence == ["U4"]  # named in the same turn
    mitral = next(f for f in facts if "mitral regurgitation" in f.text)
    assert mitral.text.startswith("The echocardiogram also shows")
    texts = {u.id: u.text for u in VISIT.utterances}
    for f in (ef, mitral):
        assert not unsupported_claims(f.text, [texts[e] for e in f.evidence])


def test_across_turns_the_naming_utterance_is_cited_too_and_another_speaker_breaks_the_chain():
    named_before = parse_transcript_text(
        "[doctor] hey , dragon , show me the chest x-ray .\n"
        "[doctor] it shows that there is no pneumonia and your lungs are clear .\n")
    fact = next(f for f in _statements(named_before) if "pneumonia" in f.text)
    assert fact.text.startswith("The chest x-ray shows") and fact.evidence == ["U2", "U1"]
    # The patient spoke in between: what "it" is is no longer clear, so it is not guessed.
    interrupted = parse_transcript_text(
        "[doctor] hey , dragon , show me the chest x-ray .\n"
        "[patient] is it bad ?\n"
        "[doctor] it shows that there is no pneumonia and your lungs are clear .\n")
    assert not any(f.text.startswith("The chest x-ray") for f in _statements(interrupted))


def test_two_tests_named_together_are_not_guessed_between():
    both = parse_transcript_text("[doctor] i looked at your ekg and your echo . it showed that your heart is "
                                 "pumping normally at 60 % .\n")
    assert not any(f.text.startswith(("The EKG", "The echocardiogram")) for f in _statements(both))


def test_the_patients_it_names_the_finding_the_question_asked_about():
    visit = parse_transcript_text(
        "[doctor] hi , what brings you in ?\n[patient] i have a cough .\n"
        "[doctor] okay , and when did the cough start ?\n"
        "[patient] it started about a week ago and it gets worse at night .\n")
    fact = next(f for f in _statements(visit) if "a week ago" in f.text)
    assert fact.text.startswith("The cough started about a week ago") and fact.evidence == ["U3", "U4"]
    # Two findings asked about at once: which one "it" is stays unsaid, so the words stay as spoken.
    both = parse_transcript_text(
        "[doctor] hi , what brings you in ?\n[patient] i have a cough and some pain .\n"
        "[doctor] okay , and did the cough or the chest pain start first ?\n"
        "[patient] it started about a week ago , before anything else .\n")
    assert not any(f.text.startswith(("The cough", "The chest pain")) for f in _statements(both))
