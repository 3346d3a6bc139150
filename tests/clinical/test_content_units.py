"""The omission check's own reading of a raw transcript: every kind of content unit, found in lower-case,
unpunctuated speech recognition with long turns as well as in punctuated text."""

from __future__ import annotations

from scribe_core.clinical import parse_transcript_text
from scribe_core.clinical.content_units import detect

RAW = "\n".join([
    "[doctor] hi there so what brings you in today",
    "[patient] my knee has been hurting for about three weeks now and it swells up after i walk",
    "[doctor] okay and have you had any fevers or chills",
    "[patient] no nothing like that",
    "[doctor] any numbness or tingling in your foot",
    "[patient] yeah a little bit at night",
    "[doctor] and are you still taking the metformin",
    "[patient] yes five hundred milligrams twice a day",
    "[doctor] okay so your blood pressure today is 142 over 88 and your heart rate is seventy two on exam of "
    "your right knee there is tenderness over the medial joint line and a small effusion your x-ray showed mild "
    "degenerative changes and your a1c came back at 7.2 so i'm going to order an mri of the knee and i want to "
    "increase your metformin to 1000 milligrams twice a day i'm also going to refer you to orthopedics and "
    "we'll follow up in six weeks does that sound good",
    "[patient] yeah that sounds good",
])


def _units():
    return detect(parse_transcript_text(RAW))


def test_each_kind_of_unit_is_found_in_unpunctuated_speech():
    units = {(u.kind, tuple(sorted(u.keys))) for u in _units()}
    expected = {
        ("number", ("#3",)),  # three weeks
        ("answer", ("chill", "fev")),  # denies fevers or chills
        ("answer", ("foot", "numbn", "tingl")),  # reports numbness or tingling in the foot
        ("drug", ("metfor",)),
        ("number", ("#500",)),  # five hundred milligrams
        ("number", ("#142",)), ("number", ("#88",)),  # a vital sign said as digits
        ("number", ("#72",)),  # and one said in words
        ("exam", ("tende",)), ("exam", ("effus",)),
        ("result", ("x-ray",)), ("number", ("#7.2",)),
        ("order", ("mri",)),
        ("dose", ("metfor",)), ("number", ("#1000",)),
        ("referral", ("ortho",)),
        ("follow_up", ("#6", "week")),
    }
    assert expected <= units, expected - units


def test_answers_carry_their_polarity_and_cite_question_and_answer():
    answers = {u.text: (u.polarity, u.evidence) for u in _units() if u.kind == "answer"}
    assert answers["Denies fevers or chills."] == (False, ("U3", "U4"))
    assert answers["Reports numbness or tingling in the foot."][0] is True
    # "does that sound good" / "yeah" asks about the conversation, not the patient.
    assert not [t for t in answers if "sound" in t]


def test_counting_and_small_talk_are_not_units():
    t = parse_transcript_text("[doctor] number one thing i want to ask is one of your kids sick\n"
                              "[patient] one of them yes\n[doctor] do you have any questions\n[patient] no\n")
    assert detect(t) == [] or all(u.kind == "answer" and "sick" in u.text for u in detect(t))


def test_punctuated_and_raw_transcripts_give_the_same_units():
    punctuated = RAW.replace(" today is", ". Today is").replace(" so i'm", ". So I'm").replace("chills", "chills?")
    keys = lambda text: {(u.kind, u.keys) for u in detect(parse_transcript_text(text))}  # noqa: E731
    assert keys(punctuated) == keys(RAW)
