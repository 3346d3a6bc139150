"""Spoken turns into a clinician's register: words that carry meaning survive cleanup ("make sure", "for
now", "doing really well"), frames that carry none go ("I feel like", "I would say"), and the history
questions a doctor asks with a verb ("do you smoke?") or a correction ("loss of taste of, sorry, ...") are
answered in the note."""

from __future__ import annotations

import pytest

from scribe_core.clinical import parse_transcript_file
from scribe_core.clinical.clauses import clauses
from scribe_core.clinical.omission import possibly_missing
from scribe_core.clinical.questions import answer_polarity, topic_of
from scribe_core.clinical.register import Pronouns
from scribe_core.clinical.wording import note_sentences
from scribe_core.documents.templates import builtin_template
from scribe_core.model import DOCTOR, PATIENT
from scribe_core.notes.extractive import ExtractiveNoteWriter

from .conftest import DATA

THEY = Pronouns.for_sex(None)


@pytest.mark.parametrize("said, role, written", [
    ("just make sure that you're getting some rest, you're hydrating well", DOCTOR,
     "Just make sure that the patient is getting some rest, they are hydrating well."),
    ("it seems again like you're doing really well", DOCTOR, "It seems again like the patient is doing really well."),
    ("what is reassuring is that you're not having any other symptoms, like you're not having any cough", DOCTOR,
     "What is reassuring is that the patient is not having any other symptoms, like they are not having any cough."),
    ("no dizziness, i feel like sometimes i have a headache though", PATIENT,
     "No dizziness, sometimes the patient has a headache though."),
    ("i feel like throwing up after meals", PATIENT, "The patient feels like throwing up after meals."),
    # "great" before its noun is what the doctor said, not a tag; "the patient portal" is a thing.
    ("you're doing a great job of keeping it controlled", DOCTOR,
     "The patient is doing a great job of keeping it controlled."),
    ("i'll be in touch with you through the patient portal", DOCTOR,
     "Will be in touch with the patient through the patient portal."),
    # A double hedge reads once, in the doctor's own word.
    ("i think this is most likely strep pharyngitis, a bacterial infection", DOCTOR,
     "Most likely strep pharyngitis, a bacterial infection."),
    # A decision against keeps its object and the doctor's view; a restarted frame and "you know" go.
    ("i think, you know, i don't think we need to do any more workup of that", DOCTOR,
     "The clinician does not think there is a need to do any more workup of that."),
])
def test_words_that_carry_meaning_survive_and_frames_that_carry_none_go(said, role, written):
    assert note_sentences(said, role, THEY) == [written]


def test_for_now_is_not_cut_off_from_what_it_qualifies():
    long = ("you can get some over the counter medications like tylenol cold for example but for now i would say "
            "we should just wait and watch and see how things go over the next week")
    pieces = [c.text for c in clauses(long, None)]
    assert not any(p.rstrip().endswith(" for") for p in pieces), pieces
    assert note_sentences("you can get tylenol cold but for now i would say we should just wait and watch", DOCTOR,
                          THEY) == ["The patient can get tylenol cold but for now will just wait and watch."]


@pytest.mark.parametrize("question, topic", [
    ("And currently right now, do you smoke cigarettes at all?", "smoking cigarettes"),
    ("Have you smoked in the past?", "smoking in the past"),
    ("do you drink alcohol", "drinking alcohol"),
    ("OK, and any symptoms of a loss of taste of, sorry, loss of sense of taste or smell?",
     "loss of sense of taste or smell"),
    ("Do you take any regular medications?", "regular medications"),
    ("OK and any travel?", "travel"),
])
def test_history_questions_asked_with_a_verb_or_a_correction_have_a_topic(question, topic):
    assert topic_of(question) == topic


def test_a_no_after_a_filler_is_a_no():
    assert answer_polarity("Uhm, no.") is False and answer_polarity("Uh no, I don't even take vitamins.") is False
    assert answer_polarity("Uhm, yeah, a little.") is True


def test_the_samples_note_states_what_the_patient_denied_and_leaves_nothing_missing():
    sample = parse_transcript_file(DATA / "RES0091.txt")
    note = ExtractiveNoteWriter().draft(sample, builtin_template("soap")).note
    text = " ".join(st.text for st in note.statements())
    assert "No regular medications." in [st.text for st in note.statements()]
    for denied in ("travel", "loss of sense of taste or smell", "smoking cigarettes", "contact with anyone"):
        assert denied in text, denied
    assert "make that" not in text and "but for." not in text and "feels like sometimes" not in text
    assert possibly_missing(sample, note) == []


def test_fragments_talk_to_the_recording_system_and_tell_me_about_requests_are_not_note_sentences():
    for spoken, role in (("I actually felt.", PATIENT), ("I went through a lot.", PATIENT),
                         ("I will tell dax a little bit about you.", DOCTOR),
                         ("Tell me a little bit about your heart failure.", DOCTOR),
                         ("I think it is because.", PATIENT)):
        assert note_sentences(spoken, role, THEY) == [], spoken
    # What the patient says about it, a drug, a number, or a sentence ending on its preposition, stays.
    for spoken, role in (("I took some Tylenol.", PATIENT), ("I have been traveling a lot.", PATIENT),
                         ("Tell me about how many wet diapers she has in a 24 hour period.", DOCTOR),
                         ("These tests help us determine what type of tumor we are dealing with.", DOCTOR)):
        assert note_sentences(spoken, role, THEY), spoken


def test_this_before_the_complaint_reads_as_an_article_and_not_before_a_time():
    text = " ".join(note_sentences("I've had this runny nose for the past week and a half.", PATIENT, THEY))
    assert text == "The patient has had a runny nose for the past week and a half."
    text = " ".join(note_sentences("I've had these headaches since Monday and this itchy rash too.", PATIENT, THEY))
    assert "has had headaches" in text and "this itchy rash" in text  # only after a verb of having
    text = " ".join(note_sentences("I noticed this swelling in my ankle this morning.", PATIENT, THEY))
    assert "noticed a swelling" in text and "this morning" in text


def test_a_reason_whose_it_is_not_said_is_dropped_and_the_action_stays():
    text = " ".join(note_sentences("Since it is one of the symptoms of covid as well, we will just get a covid "
                                   "swab just in case.", DOCTOR, THEY))
    assert text.startswith("Will just get a covid swab") and "since it" not in text.lower()
    # A reason that names what it is about stays.
    text = " ".join(note_sentences("Since your blood pressure is high today, we will start lisinopril.", DOCTOR,
                                   THEY))
    assert "blood pressure" in text and "lisinopril" in text



def test_a_hedged_one_problem_impression_stays_hedged_and_a_week_and_a_half_is_one_and_a_half():
    sample = parse_transcript_file(DATA / "RES0091.txt")
    note = ExtractiveNoteWriter().draft(sample, builtin_template("soap")).note
    assessment = [st.text for sec in note.sections if sec.key == "assessment" for st in sec.statements]
    assert assessment[0] == "1. Probable cold."  # "it seems that you might just be having a cold"
    from scribe_core.clinical.support import spoken_numbers

    assert spoken_numbers("for the past week and a half") == {"1.5"}
    assert spoken_numbers("two weeks and a half") == {"2", "2.5"}


SHE = Pronouns.for_sex("female")


@pytest.mark.parametrize("said, role, written", [
    # The patient's "you" is the clinician where the words say so, and the patient where it is generic.
    ("i really needed to see you three months ago, but this was your first available appointment", PATIENT,
     "She really needed to see the clinician 3 months ago, but this was the clinician's first available "
     "appointment."),
    ("since you mention anxiety, i was going through a stressful job transition", PATIENT,
     "Since the clinician mentions anxiety, she was going through a stressful job transition."),
    ("it hurts when you bend over and it wakes you up at night", PATIENT,
     "It hurts when she bends over and it wakes her up at night."),
    # "I'd say" / "we'll say" frames carry nothing; a short whole clause with a finding, test or number stays.
    ("i would say that the pain is a seven out of ten", PATIENT, "The pain is a 7/10."),
    ("your lungs are clear", DOCTOR, "Her lungs are clear."),
    ("the x-ray is normal", DOCTOR, "The x-ray is normal."),
    ("we will say you have some mild tenderness in the upper abdominal quadrants, but everything on your exam "
     "looks normal", DOCTOR, "She has some mild tenderness in the upper abdominal quadrants, but everything on "
     "her exam looks normal."),
    # Abbreviations as a note writes them; "er" after an article is the emergency room.
    ("we could do an egd to look for gerd after your visit to the er", DOCTOR,
     "Could do an EGD to look for GERD after her visit to the ER."),
])
def test_who_you_is_frames_short_findings_and_abbreviations(said, role, written):
    assert note_sentences(said, role, SHE) == [written]


def test_fragments_stay_out_even_when_short_findings_are_kept():
    for spoken, role in (("I actually felt.", PATIENT), ("Just weird stuff.", PATIENT), ("That is good.", DOCTOR),
                         ("It hurts.", PATIENT)):
        assert note_sentences(spoken, role, SHE) == [], spoken


def test_a_restart_after_an_ellipsis_is_said_once_even_with_a_number_and_the_er_is_no_filler():
    from scribe_core.clinical.cleanup import clean, is_command

    assert clean("i needed to see you three months ... three months ago") == "i needed to see you three months ago"
    assert clean("twenty ... twenty five milligrams") == "twenty five milligrams"
    assert clean("did they give you any medications in the er ?") == "did they give you any medications in the er?"
    assert clean("er , i think so") == "i think so"
    # Dictation about whom the note is, and what to put in it, is not note text.
    assert is_command("next is betty hill , uh , date of birth is 2/21/1968 .")
    assert is_command("um , in the plan , include our discussion of the egd .")
    assert is_command("go ahead and um , pres- do the orders and um , procedures uh , as described .")
    assert not is_command("i will see you next in two weeks .")
    # Without punctuation the same words open a whole dictated paragraph, which is note text.
    assert not is_command("next patient is nicole miller date of birth is 09/18/1949 patient was called for a "
                          "follow-up for chronic congestive heart failure with diastolic dysfunction")
    from scribe_core.eval.note_facts import junk_reasons

    assert junk_reasons("No medications were given in the ER.") == []


@pytest.mark.parametrize("question, topic", [
    ("any in- ... issues with abdominal pain ?", "abdominal pain"),
    ("so when i push on your lower belly , do you have any pain , or does it feel tender ?",
     "pain on pressing the lower belly"),
    ("when i press here does that cause any pain ?", "pain"),
])
def test_a_questions_topic_drops_issues_with_and_keeps_where_it_was_pressed(question, topic):
    assert topic_of(question) == topic


def test_no_medications_given_elsewhere_is_a_medicine_line_and_how_long_is_answered_with_the_span():
    from scribe_core.clinical import parse_transcript_text

    visit = parse_transcript_text("Doctor: What brings you in today?\nPatient: I have a headache.\n"
                                  "Doctor: How long has it been going on?\nPatient: About three days.\n"
                                  "Doctor: Did they prescribe you any medications in the ER?\nPatient: No.\n"
                                  "Doctor: I think this is a tension headache.\n")
    note = ExtractiveNoteWriter().draft(visit, builtin_template("aci")).note
    lines = {st.text: st.evidence for st in note.statements()}
    assert lines["Duration: about 3 days."] == ["U3", "U4"]
    assert "No medications in the ER." in lines
    assert not any(text.startswith("Denies medications") for text in lines)


def test_a_greeting_opens_the_complaint_and_ive_been_better_never_reads_as_better():
    from scribe_core.clinical import parse_transcript_text

    visit = parse_transcript_text(
        "[doctor] hi wayne how're you today\n"
        "[patient] i've been better i'm having this left shoulder pain that i've been having\n"
        "[doctor] okay and how long have you had this pain\n"
        "[patient] about i want to say a few weeks i think it's been about three weeks now\n"
        "[doctor] what are you doing with your basement\n[patient] a man cave\n"
        "[doctor] that is awesome great well that sounds like fun\n"
        "[doctor] for your problem of left shoulder pain your symptoms are most likely due to a rotator cuff "
        "tendinopathy i'm going to refer you to physical therapy for approximately six to eight weeks\n")
    note = ExtractiveNoteWriter().draft(visit, builtin_template("aci")).note
    by_section = {sec.key: [st.text for st in sec.statements] for sec in note.sections}
    text = " ".join(st.text for st in note.statements())
    assert by_section["cc"] == ["Left shoulder pain."]
    assert "been better" not in text and "fun" not in text and "awesome" not in text
    assert by_section["assessment_plan"][0] == "1. Left shoulder pain."
    assert "6 to 8 weeks" in text and "problem of" not in text


def test_a_body_part_alone_is_no_complaint_and_a_subjects_also_is_no_new_clause():
    from scribe_core.clinical import parse_transcript_text

    visit = parse_transcript_text(
        "[doctor] okay raymond you've been having some difficulty swallowing could you tell me what's going on\n"
        "[patient] well i've been better for the last several weeks i've been noticing that it's been hard for me "
        "to swallow certain foods and i also have pain when i swallow down in my chest\n")
    note = ExtractiveNoteWriter().draft(visit, builtin_template("aci")).note
    text = [st.text for st in note.statements()]
    assert "Chest." not in text and "For the last several weeks." not in text
    assert any("also have pain when they swallow" in line for line in text), text


def test_speech_recognition_without_punctuation_asks_its_questions_and_keeps_the_doctors_okay_statements():
    from scribe_core.clinical import parse_transcript_text
    from scribe_core.clinical.visit import is_question

    assert is_question("okay and then and how long has this pain been going on")
    assert is_question("and then does the pain radiate down your arm or up into your shoulder")
    assert is_question("anything you've done to help relieve that pain")
    assert not is_question("how long we keep it on depends on the results")
    visit = parse_transcript_text(
        "[doctor] hey lawrence how're you doing\n[patient] i'm doing alright aside from this elbow pain\n"
        "[doctor] alright so now let's talk a little bit about your pain and how bad it how bad is that pain on a "
        "scale from zero to ten ten being the worst pain you've ever felt in your life\n"
        "[patient] i would say probably a six\n"
        "[doctor] okay and then does the pain radiate down your arm\n[patient] no\n"
        "[doctor] okay and you had a skin cancer removed about five months ago as well you've had a lot going on\n"
        "[patient] you know it hurts a lot in the inside of my elbow\n"
        "[doctor] crestor how long have you been taking that\n[patient] about 18 months\n")
    note = ExtractiveNoteWriter().draft(visit, builtin_template("aci")).note
    text = [st.text for st in note.statements()]
    assert not any(line.lower().startswith(("does the pain", "hey lawrence", "will talk")) for line in text), text
    assert any("skin cancer removed about 5 months ago" in line for line in text), text
    assert any(line.startswith("It hurts a lot in the inside of") for line in text), text
    assert not any(line.startswith("Duration: about 18 months") for line in text)  # how long crestor was taken
    assert any("18 months" in line for line in text)
