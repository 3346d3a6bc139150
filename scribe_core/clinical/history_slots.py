"""History slots: age and sex, allergies, tobacco, alcohol and drug use, and the history of the present
illness (symptom, onset, duration, course, severity), each citing the utterance it was read from.

Each item is written in the speaker's own words, put in the third person ("i smoke about half a pack a
day" -> "Tobacco: smokes about half a pack a day."), so it can carry no number, drug or negation that was
not said; the writer's support check still runs on every item it states.
"""

from __future__ import annotations

import re

from ..model import DOCTOR, PATIENT
from .register import Pronouns, clinical_units, to_third_person
from .slot_types import SlotItem
from .support import drug_names
from .visit import VisitSentence

_AGE = re.compile(r"\b(\d{1,3})[- ]year[- ]old\s+(male|female|man|woman|gentleman|lady|boy|girl)\b", re.IGNORECASE)
_ALLERGY = re.compile(r"\b(?:allergic|allergy|allergies)\s+to\s+((?:[a-z0-9-]+\s*){1,3}?)(?=\s*(?:[,.;]|\band\b|"
                      r"\bbut\b|\bthat\b|\bwhich\b|\bit\b|$))", re.IGNORECASE)
_NO_ALLERGY = re.compile(r"\b(?:no known (?:drug )?allergies|(?:don't|do not) have any (?:drug )?allergies|"
                         r"not allergic to anything|no allergies)\b", re.IGNORECASE)
# "i smoke about a pack a day", "i quit smoking ten years ago", "i drink two glasses of wine a week",
# "i don't do any drugs": the habit with its amount, as said.
_HABITS = (
    ("Tobacco", re.compile(r"\b(?:(?:don't|do not|never|quit|stopped|used to)\s+)?(?:smok\w*|vap\w*|chew\w* tobacco)"
                           r"(?:\s+(?!and\b|but\b|so\b)[a-z0-9/.'-]+){0,8}", re.IGNORECASE)),
    ("Alcohol", re.compile(r"\b(?:(?:don't|do not|never|quit|stopped|used to)\s+)?(?:drink\w*(?!\s+(?:water|"
                           r"coffee|plenty|fluids|lots))|alcohol)(?:\s+(?!and\b|but\b|so\b)[a-z0-9/.'-]+){0,8}",
                           re.IGNORECASE)),
    ("Drugs", re.compile(r"\b(?:(?:don't|do not|never|quit|stopped|used to)\s+)?(?:use|do|did|used)\s+(?:any\s+)?"
                         r"(?:recreational |illicit |iv |street )?drugs\b(?:\s+(?!and\b|but\b|so\b)[a-z0-9/.'-]+){0,6}",
                         re.IGNORECASE)),
)
_AMOUNT_OR_STATUS = re.compile(r"\d|\b(?:one|two|three|half|pack|packs|cigarettes?|beers?|glass(?:es)?|drinks?|"
                               r"wine|day|week|night|never|don't|do not|quit|stopped|used to|socially|occasionally)\b",
                               re.IGNORECASE)
# History of the present illness: when it began, how long, how it has gone, how bad.
_HPI = (
    ("Onset", re.compile(r"\b(?:started|began|start|begin|came on)\b(?:\s+[a-z0-9/.'-]+){0,3}?\s+"
                         r"(?:(?:about|around|like|maybe)\s+)?(?:\d+|a|an|one|two|three|four|five|six|seven|eight|"
                         r"nine|ten|a couple of|a few|several)\s+(?:days?|weeks?|months?|years?|hours?)\s+ago\b",
                         re.IGNORECASE)),
    ("Duration", re.compile(r"\b(?:for|over) (?:the (?:last|past) )?(?:(?:about|around|like|maybe)\s+)?"
                            r"(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few|several)"
                            r"\s+(?:days?|weeks?|months?|years?)\b", re.IGNORECASE)),
    ("Course", re.compile(r"\b(?:getting|gotten|got|been getting) (?:a (?:little|lot) )?(?:worse|better)\b|"
                          r"\b(?:comes and goes|on and off)\b", re.IGNORECASE)),
)


_NEGATION_BEFORE = re.compile(r"\b(?:don't|do not|doesn't|didn't|never|not|no longer|haven't|hardly)\b"
                              r"(?:\s+[a-z']+){0,2}\s*$", re.IGNORECASE)


def _with_negation(text: str, m: re.Match[str]) -> str:
    """The matched words with a negation said just before them ("i don't really drink anymore"): a habit
    read without its "not" would be the opposite of what was said."""
    before = _NEGATION_BEFORE.search(text[max(0, m.start() - 30):m.start()])
    return (before.group(0) + " " if before else "") + m.group(0)


def _third(text: str, role: str, pronouns: Pronouns, *, verb: bool) -> str:
    """In the third person; a habit is the patient's verb phrase ("don't drink" -> "doesn't drink")."""
    said = clinical_units(to_third_person(f"i {text}" if verb else text, role, pronouns)).strip(" ,.")
    return re.sub(r"^(?:the patient|she|he)\s+", "", said, flags=re.IGNORECASE)


def demographics(s: VisitSentence) -> list[SlotItem]:
    """ "she's a 41-year-old female, and what brings you in today?": the age is dictation even in a question."""
    m = _AGE.search(s.cleaned) if s.role == DOCTOR and not s.command else None
    if not m:
        return []
    return [SlotItem(f"The patient is a {m.group(1)}-year-old {m.group(2).lower()}.", (s.utterance_id,), s.index)]


def allergies(s: VisitSentence, text: str) -> list[SlotItem]:
    if _NO_ALLERGY.search(text):
        return [SlotItem("No known allergies.", (s.utterance_id,), s.index)]
    return [SlotItem(f"Allergic to {m.group(1).strip()}.", (s.utterance_id,), s.index) for m in _ALLERGY.finditer(text)
            if not re.search(r"\b(?:not|n't|no)\b", text[max(0, m.start() - 12):m.start()], re.IGNORECASE)]


def social_history(s: VisitSentence, text: str, pronouns: Pronouns) -> list[SlotItem]:
    if s.role != PATIENT:
        return []
    out = []
    for name, pattern in _HABITS:
        m = pattern.search(text)
        said = _with_negation(text, m) if m else ""
        if m and _AMOUNT_OR_STATUS.search(said) and not re.search(r"\b(?:okay|like|water)\b", said):
            out.append(SlotItem(f"{name}: {_third(said, PATIENT, pronouns, verb=True)}.", (s.utterance_id,),
                                s.index))
    return out


def present_illness(s: VisitSentence, text: str, pronouns: Pronouns) -> list[SlotItem]:
    if s.role != PATIENT:
        return []
    out = []
    for name, pattern in _HPI:
        m = pattern.search(text)
        if m:
            said = _with_negation(text, m)
            out.append(SlotItem(f"{name}: {_third(said, PATIENT, pronouns, verb=False)}.", (s.utterance_id,),
                                s.index))
    return out


# "how long has this been going on?" / "about three days": the answer is the duration, said as a time span.
_HOW_LONG = re.compile(r"\bhow long (?:has|have|had|did|does|do|is|was)\b|\bwhen did (?:it|this|that|the \w+|your \w+)"
                       r" (?:start|begin)\b", re.IGNORECASE)
_SPAN = re.compile(r"(?:^|\s)((?:(?:about|around|like|maybe|"
                   r"probably|almost|over|just|only|roughly|a little over|more than|less than)\s+)?"
                   r"(?:\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                   r"a couple(?: of)?|a few|several)"
                   r"(?: and a half)?\s+(?:days?|weeks?|months?|years?|hours?)(?: and a half)?(?:\s+(?:now|ago))?)\b",
                   re.IGNORECASE)


_ABOUT_A_MEDICINE = re.compile(r"\b(?:taking|been on|using|had (?:the|your) (?:cast|brace|sling))\b", re.IGNORECASE)


def answered_duration(question: VisitSentence, answer: VisitSentence) -> list[SlotItem]:
    """The patient's time span answering the doctor's "how long ...?" ("Duration: about 3 days."), citing both."""
    if question.role != DOCTOR or answer.role != PATIENT or not _HOW_LONG.search(question.cleaned):
        return []
    about_a_medicine = bool(_ABOUT_A_MEDICINE.search(question.cleaned))
    medicine = sorted(drug_names(question.cleaned)) if about_a_medicine else []
    if about_a_medicine and len(medicine) != 1:
        return []  # "how long have you been taking that?" is no symptom's duration
    # The answer's last span is its most exact ("about i want to say a few weeks i think it's been about three
    # weeks now"); a long answer is telling more than how long, and the note takes it as said.
    spans = list(_SPAN.finditer(answer.cleaned))
    if not spans or len(answer.cleaned.split()) > 25:
        return []
    m = spans[-1]
    span = clinical_units(m.group(1)).strip().lower()
    cited = (question.utterance_id, answer.utterance_id)
    if medicine:  # "crestor, how long have you been taking that?" / "about 18 months"
        if span.endswith(" ago"):
            return []
        return [SlotItem(f"Has been taking {medicine[0]} for {span}.", cited, answer.index)]
    name = "Onset" if span.endswith(" ago") else "Duration"
    return [SlotItem(f"{name}: {span}.", cited, answer.index)]
