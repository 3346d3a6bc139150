"""Answered yes/no questions, read from raw turns: the doctor's last question and the patient's yes or no.

"okay and have you had any chest pain" / "no" -> "Denies chest pain." (U5, U6); "how about fatigue" /
"a little bit yeah" -> "Reports fatigue.". Works without punctuation: the question is the end of the
doctor's turn from its last question opener ("any", "have you", "do you", "how about" ...), and the
answer is how the patient's next turn begins. The omission check's own reading, not the writer's.
"""

from __future__ import annotations

import re

from ..model import DOCTOR, PATIENT, Transcript
from .content_units import CLINICAL_WORDS, ContentUnit, stem, tokens

_OPENER = re.compile(r"\b(any|anything|have you|has there|do you|did you|are you|were you|is there|are there|"
                     r"how about|what about|ever|does it|do they)\b")
_FILLER = {"uh", "um", "uhm", "umm", "er", "erm", "well", "oh", "hmm", "so", "okay", "ok", "ah", "like", "i", "mean"}
_NO = re.compile(r"^(no|nope|nah|not|never|none|nothing|negative|i don't|i do not|i haven't|i have not|i didn't|"
                 r"i'm not|i am not|i wasn't|i never|no i)\b")
_YES = re.compile(r"^(yes|yeah|yep|yup|yea|mhm|mm-hmm|uh-huh|uh huh|i do|i have|i did|i am|a little|sometimes|"
                  r"definitely|correct|right|sure|occasionally|a bit|kind of|kinda)\b")
# Words that open or close a question but say nothing about what was asked.
_LEADING = {"you", "had", "have", "has", "been", "noticed", "notice", "felt", "feel", "feeling", "experienced",
            "experience", "experiencing", "seen", "get", "got", "getting", "take", "taking", "having", "ever",
            "any", "at", "all", "there", "is", "are", "were", "was", "the", "a", "an", "other", "kind", "of",
            "like", "sort", "problems", "issues", "uh", "um", "uhm", "sorry", "recently", "lately", "currently",
            "now", "right", "also", "with", "or", "and", "type", "symptoms", "new", "further", "that", "your",
            "this", "these", "those", "in", "up", "on", "for", "to"}
_TRAILING = {"at", "all", "or", "anything", "like", "that", "lately", "recently", "now", "right", "today", "any",
             "else", "and", "so", "okay", "the", "a", "of", "with", "to", "currently", "things", "stuff", "um", "uh",
             "you", "know", "your", "in", "past", "before", "way", "since", "then"}
# Words said while asking that name nothing ("sorry", "your") and never make a topic on their own.
_NOT_TOPIC = _LEADING | _TRAILING | {"sorry", "way", "anyone", "someone", "thing", "things", "something", "once",
                                     "twice", "day", "daily", "milligrams", "mg", "times", "week", "still"}
_VERBS = {"smoke": "smoking", "drink": "drinking", "use": "using", "vape": "vaping", "exercise": "exercising"}
# A topic holding these is another question or an examination step ("did you buy the cuff like i asked",
# "tenderness where i'm pressing"), not a finding the patient has or denies.
_NESTED = {"i", "i'm", "me", "my", "you", "you're", "did", "does", "do", "here", "where", "what", "how", "when",
           "why", "we"}
# Where a yes or no answer stops ("No fever. I do get chills": the no is about the fever).
_ANSWER_END = re.compile(r"[.!?;]|\b(?:but|though|although|except|i do|i have|i get|yes|yeah|sometimes)\b")
# Questions about the conversation, not the patient ("any questions", "does that sound good").
_SMALL_TALK = re.compile(r"\b(questions?|sound good|sounds good|make sense|makes sense|understand|okay with|"
                         r"anything else|else i can|concerns?|ready|doing okay|comfortable|sound okay|help you)\b")


def _question(words: list[str]) -> list[str] | None:
    """The words of the last question the doctor's turn ends with, from its opener; None when the turn
    does not end on a question."""
    text = " ".join(words[-30:])
    for opener in _OPENER.finditer(text):  # the first opener that leaves a short question
        asked = [w for w in text[opener.end():].split() if w not in ("sorry", "uh", "um", "uhm")]
        if len(asked) > 8:  # "in the past month had contact with anyone sick": from the last verb on
            verbs = [k for k, w in enumerate(asked) if w in ("had", "have", "been", "noticed", "felt")]
            asked = asked[verbs[-1] + 1:] if verbs else asked
        while asked and asked[0] in _LEADING:
            asked = asked[1:]
        while asked and asked[-1] in _TRAILING:
            asked = asked[:-1]
        if asked and asked[0] in _VERBS:
            asked = [_VERBS[asked[0]], *asked[1:]]
        if asked and asked[0] in asked[1:]:  # a restart: "loss of taste of, sorry, loss of sense of taste"
            asked = asked[len(asked) - 1 - asked[::-1].index(asked[0]):]
        alternative = [k for k, w in enumerate(asked) if w in _NESTED and k > 1 and asked[k - 1] == "or"]
        if alternative:  # "fatigue or do you feel tired": the first wording is the topic
            asked = asked[:alternative[0] - 1]
        if 0 < len(asked) <= 12 and not _NESTED.intersection(asked):
            return asked
    return None


def _answer(text: str) -> bool | None:
    words = [w for w in tokens(text)[:8] if w not in _FILLER]
    head = " ".join(words)
    if _NO.match(head):
        return False
    if _YES.match(head):
        return True
    return None


def answered_questions(transcript: Transcript) -> list[ContentUnit]:
    units = []
    turns = transcript.utterances
    for q, a in zip(turns, turns[1:], strict=False):
        if q.role != DOCTOR or a.role != PATIENT:
            continue
        words = tokens(re.split(r"[.!]\s", q.text.lower().rstrip(" .!"))[-1])
        asked = _question(words)
        if not asked or _SMALL_TALK.search(" ".join(words[-12:])):
            continue
        polarity = _answer(a.text)
        if polarity is None:
            continue
        topic = " ".join("the" if w == "your" else w for w in asked)  # "pain in your foot" -> "in the foot"
        keys = frozenset(stem(w) for w in asked if w not in _NOT_TOPIC and len(w) > 2)
        if not keys:
            continue
        # "No dizziness, but ..." to "chest pain or dizziness": the answer denies only what it names.
        head = _ANSWER_END.split(a.text.lower())[0]
        named = [w for w in asked if stem(w) in {stem(x) for x in tokens(head)[:6]} and w not in _NOT_TOPIC]
        if named and len(named) < len(keys):
            keys, topic = frozenset(stem(w) for w in named), " ".join(named)
        text = f"{'Reports' if polarity else 'Denies'} {topic}."
        clinical = any(w in CLINICAL_WORDS for w in asked)
        units.append(ContentUnit("answer", keys, text, (q.id, a.id), "ros", polarity, clinical))
    return units
