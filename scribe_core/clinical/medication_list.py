"""The visit's medication list: one line per medicine, the latest decision about it, its dose as said.

The visit's slots (slots.py) hold every mention of a medicine with its status; a drug named three times ("I
take lisinopril 20 mg" ... "we'll increase the lisinopril to 40 mg") is one line here, carrying the doctor's
last decision. A continued medicine without a dose in the doctor's words keeps the dose the patient said it
was taken at (it is the same dose, by definition), citing both utterances; a new or changed one never borrows
a dose: when none was said, the line says so. The note's Medications section, the referral letter and the
patient's "Your medicines" all read this one list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import DOCTOR, Transcript
from .numbers import normalise_numbers
from .register import clinical_units
from .slots import Medication
from .support import drug_names
from .visit import VisitSentence, visit_sentences

DECIDED = ("new", "changed", "continued", "stopped")  # what the doctor decided at this visit
_DOSE_AFTER = (r"\b[^.;?]{{0,30}}?\b((?:\d[\d,]*(?:\.\d+)?|one|two|three|four)\s*(?:mg|mcg|units?|ml|mL|grams?|g|"
               r"puffs?|tablets?|capsules?|pills?|drops?|sprays?)\b)"
               r"(?:,?\s+(once daily|twice daily|three times daily|four times daily|\d+ times (?:a day|daily)|daily|"
               r"nightly|at night|at bedtime|every \d+ hours|as needed|a day|weekly|in the morning|b\.i\.d\.|"
               r"t\.i\.d\.))?")
# The doctor prescribing or ordering a medicine, by voice or by a dictated order ("hey dragon, order amoxicillin").
_PRESCRIBING = re.compile(r"\b(?:order|prescrib\w*|treat (?:you|him|her) with|put (?:you|him|her) on|"
                          r"start (?:you |him |her )?on|give (?:you|him|her)|send in|call in)\b", re.IGNORECASE)
_NOT_NEW = re.compile(r"\b(?:refill|continue|keep|stay on|remain on|stop|hold|discontinue)\b", re.IGNORECASE)
_CORRECTED = r"\W+(?:or\W+)?(?:i'm sorry|i am sorry|sorry|i mean|rather)\b"


@dataclass(frozen=True)
class MedicineLine:
    name: str
    dose: str  # as said; "" when none was
    frequency: str
    status: str  # as in slots.Medication
    by_doctor: bool  # the status comes from the doctor's words
    evidence: tuple[str, ...]
    order: float
    change: str = ""  # as in slots.Medication: "increased", "decreased", "switched"

    @property
    def text(self) -> str:
        """In a clinician's words, for the note and the referral letter."""
        what = " ".join(x for x in (self.name, self.dose, self.frequency) if x)
        amount = " ".join(x for x in (self.dose, self.frequency) if x)
        name = self.name[:1].upper() + self.name[1:]
        return {"new": f"Started {what}.", "changed": f"{name} {self.change or 'changed'} to {amount}." if self.dose
                else f"{name} {self.change or 'changed'} (new dose not stated).", "continued": f"Continue {what}.",
                "stopped": f"Stopped {self.name}.", "not taking": f"Not taking {what}.",
                "taking": f"Takes {what}."}[self.status]


def prescribed(transcript: Transcript, known: list[Medication],
               sentences: list[VisitSentence] | None = None) -> list[Medication]:
    """Medicines the doctor prescribed or ordered that the slots do not hold yet: "we're going to treat you
    with amoxicillin, 500 milligrams, three times a day", "hey dragon, order albuterol, two puffs as needed".
    A drug the patient already takes is a refill, not a new medicine; a drug named and then corrected
    ("penicillin or, I'm sorry, amoxicillin") is not prescribed."""
    taken = {m.name.lower() for m in known if m.status in ("taking", "continued", "changed", "not taking")}
    out = []
    for s in sentences if sentences is not None else visit_sentences(transcript):
        order = _PRESCRIBING.search(s.cleaned)
        if s.role != DOCTOR or s.is_question or order is None or _NOT_NEW.search(s.cleaned):
            continue
        after = s.cleaned[order.start():]
        for name in sorted(drug_names(after)):
            if name.lower() in taken or re.search(re.escape(name) + _CORRECTED, after, re.IGNORECASE):
                continue
            dose, frequency = _dose_in(name, [after]) or ("", "")
            out.append(Medication(name, dose, frequency, "new", (s.utterance_id,), s.index))
    return out


def medicine_list(medications: list[Medication], transcript: Transcript,
                  sentences: list[VisitSentence] | None = None) -> list[MedicineLine]:
    """One line per medicine, in the order the medicines were first named (the slots' mentions and what the
    doctor prescribed). `sentences`: the visit's, when the caller has them already."""
    by_name: dict[str, list[Medication]] = {}
    for m in sorted(medications + prescribed(transcript, medications, sentences), key=lambda m: m.order):
        by_name.setdefault(m.name.lower(), []).append(m)
    roles = {u.id: u.role for u in transcript.utterances}
    texts = {u.id: u.text for u in transcript.utterances}
    out = []
    for mentions in by_name.values():
        decided = [m for m in mentions if m.status in DECIDED]
        chosen = decided[-1] if decided else mentions[-1]
        dose, frequency, evidence = chosen.dose, chosen.frequency, chosen.evidence
        if chosen.status == "continued" and not dose:
            dose, frequency, evidence = _dose_kept(chosen, mentions, transcript) or (dose, frequency, evidence)
        if not dose and chosen.status in ("new", "changed", "continued"):
            # A dose the slot reader missed ("1,000 milligrams") is still in the sentence it cites.
            dose, frequency = _dose_in(chosen.name, [texts.get(e, "") for e in chosen.evidence]) or ("", frequency)
        by_doctor = all(roles.get(e) == DOCTOR for e in chosen.evidence)
        out.append(MedicineLine(chosen.name, dose, frequency, chosen.status, by_doctor, evidence, mentions[0].order,
                                chosen.change))
    return out


def _dose_kept(chosen: Medication, mentions: list[Medication],
               transcript: Transcript) -> tuple[str, str, tuple[str, ...]] | None:
    """The dose a continued medicine is taken at, when the visit said exactly one: a mention with a dose, or a
    sentence naming the drug with one ("a refill of lisinopril 20 milligrams"). Two different doses: none."""
    found: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for m in mentions:
        if m.dose and m.status in ("taking", "continued"):
            found.setdefault(m.dose.replace(" ", "").lower(), (m.dose, m.frequency, m.evidence))
    for u in transcript.utterances:
        if chosen.name.lower() in u.text.lower() and (said := _dose_in(chosen.name, [u.text])):
            found.setdefault(said[0].replace(" ", "").lower(), (said[0], said[1], (u.id,)))
    if len(found) != 1:
        return None
    dose, frequency, evidence = next(iter(found.values()))
    return dose, frequency or chosen.frequency, tuple(dict.fromkeys(evidence + chosen.evidence))


def _dose_in(name: str, texts: list[str]) -> tuple[str, str] | None:
    """(dose, frequency) said right after `name` in one of `texts`, numbers as digits; None when none was."""
    pattern = re.compile(re.escape(name) + _DOSE_AFTER.format(), re.IGNORECASE)
    for text in texts:
        m = pattern.search(clinical_units(normalise_numbers(text)))
        if m and not drug_names(m.group(0)[len(name):m.start(1) - m.start()]):  # not the next drug's dose
            return m.group(1), m.group(2) or ""
    return None
