"""A visit's clinical slots: vital signs, medications with dose and status, follow-up, each citing its
utterance. Read from the visit's clauses (visit.py) after number normalisation, so "blood pressure is one
twenty eight over seventy two" and a 400-word unpunctuated turn give the same slots as a dictated note.

The slots carry what a note must never lose (BP 128/72, "Continue lisinopril 40 mg once daily.", "Follow
up in 3 months."); the writer adds each as a statement unless another statement already states its
numbers and drug (facts.py), and the after-visit summary or a referral letter can be built from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import DOCTOR, Transcript
from .history_slots import allergies, answered_duration, demographics, present_illness, social_history
from .numbers import READING, normalise_numbers, value
from .register import Pronouns, clinical_units
from .slot_types import SlotItem
from .support import drug_names
from .visit import VisitSentence, visit_sentences

__all__ = ["Medication", "SlotItem", "VisitSlots", "slots_of", "visit_slots"]


@dataclass(frozen=True)
class Medication:
    name: str
    dose: str  # "40 mg", or "" when none was said
    frequency: str  # "once daily", or ""
    status: str  # "new", "changed", "continued", "stopped", "not taking", "taking"
    evidence: tuple[str, ...]
    order: float
    change: str = ""  # for a changed dose, the way it went: "increased", "decreased", "switched"

    @property
    def text(self) -> str:
        what = " ".join(x for x in (self.name, self.dose, self.frequency) if x)
        if self.status == "changed" and self.change:  # "Lisinopril increased to 40 mg daily."
            amount = " ".join(x for x in (self.dose, self.frequency) if x)
            return f"{self.name[:1].upper()}{self.name[1:]} {self.change}" + (f" to {amount}." if amount else ".")
        return {"new": f"Start {what}.", "changed": f"Change {what}.", "continued": f"Continue {what}.",
                "stopped": f"Stop {what}.", "not taking": f"Not taking {what}.",
                "taking": f"Takes {what}."}[self.status]


@dataclass
class VisitSlots:
    vitals: list[SlotItem] = field(default_factory=list)
    medications: list[Medication] = field(default_factory=list)
    follow_up: list[SlotItem] = field(default_factory=list)
    results: list[SlotItem] = field(default_factory=list)
    # History (history_slots.py): "41-year-old female.", "Allergic to penicillin.", "Tobacco: smokes ...",
    # "Onset: started about 3 days ago." — each citing its utterance.
    demographics: list[SlotItem] = field(default_factory=list)
    allergies: list[SlotItem] = field(default_factory=list)
    social_history: list[SlotItem] = field(default_factory=list)
    present_illness: list[SlotItem] = field(default_factory=list)


_GAP = r"(?:[a-z',]+\s+){0,6}?"
_VITALS = (
    ("BP", re.compile(r"\bblood pressure\b\s+" + _GAP + r"(\d{2,3}/\d{2,3})\b", re.IGNORECASE)),
    ("HR", re.compile(rf"\b(?:heart rate|pulse)\b\s+{_GAP}({READING})\b(?!\s*(?:/|over|percent|%))", re.IGNORECASE)),
    ("Temperature", re.compile(r"\btemperature\b\s+" + _GAP + r"(\d{2,3}(?:\.\d)?)\b", re.IGNORECASE)),
    ("Respiratory rate", re.compile(rf"\brespiratory rate\b\s+{_GAP}({READING})\b", re.IGNORECASE)),
    ("SpO2", re.compile(rf"\b(?:oxygen|o2|pulse ox|saturation)\w*\b\s+{_GAP}({READING})\s*(?:%|percent)",
                        re.IGNORECASE)),
    ("Weight", re.compile(rf"\bweigh(?:t|s|ing)?\b\s+{_GAP}({READING})\s*(pounds|lbs|kilograms|kg)\b",
                          re.IGNORECASE)),
)
_LABS = {"a1c": "A1c", "hemoglobin a1c": "Hemoglobin A1c", "ejection fraction": "Ejection fraction",
         "creatinine": "Creatinine", "potassium": "Potassium", "sodium": "Sodium", "glucose": "Glucose",
         "ldl": "LDL", "hdl": "HDL", "cholesterol": "Cholesterol", "triglycerides": "Triglycerides", "tsh": "TSH",
         "hemoglobin": "Hemoglobin", "white count": "White count", "platelets": "Platelets", "psa": "PSA",
         "vitamin d": "Vitamin D", "gfr": "GFR", "ferritin": "Ferritin", "inr": "INR", "bnp": "BNP"}
_LAB = re.compile(r"\b(hemoglobin a1c|a1c|ejection fraction|creatinine|potassium|sodium|glucose|ldl|hdl|cholesterol|"
                  r"triglycerides|tsh|hemoglobin(?! a1c)|white count|platelets|psa|vitamin d|gfr|ferritin|inr|bnp)\b"
                  rf"\s+(?:[a-z',]+\s+){{0,5}}?(?:is|was|of|at|came back|came back at|measured)\s+"
                  rf"(?:about\s+|around\s+)?"
                  rf"(\d+(?:\.\d+)?|{READING})(\s*(?:%|percent))?(?![\d/])", re.IGNORECASE)
_PAST = re.compile(r"\b(?:was|were|had been|used to|last (?:time|visit|week|month)|at home|emergency|er|hospital)\b",
                   re.IGNORECASE)
_PLAUSIBLE = {"HR": (30, 220), "Respiratory rate": (6, 60), "SpO2": (50, 100), "Weight": (2, 700),
              "Temperature": (34, 108)}
_DOSE = re.compile(r"^\s*(?:[a-z]+\s+){0,3}?(?:to\s+|at\s+)?(\d+(?:\.\d+)?\s*(?:mg|mcg|units?|mL|grams?|g)\b)"
                   r"(?:\s+(?:tablets?\s+)?(once daily|twice daily|three times daily|daily|nightly|at night|"
                   r"at bedtime|every \d+ hours|as needed|a day|weekly|in the morning|b\.i\.d\.|t\.i\.d\.))?",
                   re.IGNORECASE)
_STATUS = (("not taking", re.compile(r"\b(?:not taking|haven't (?:been )?tak|hasn't (?:been )?tak|ran out|"
                                     r"stopped taking|not been taking|isn't taking)", re.IGNORECASE)),
           ("stopped", re.compile(r"\b(?:stop|discontinue|hold|come off|get (?:you|her|him) off)\b", re.IGNORECASE)),
           ("changed", re.compile(r"\b(?:increase|decrease|raise|lower|bump|double|cut back|change|switch|up)"
                                  r"\w*\b", re.IGNORECASE)),
           ("new", re.compile(r"\b(?:start|restart|resume|add|begin|prescrib|put (?:you|her|him) on|try)\w*\b",
                              re.IGNORECASE)),
           ("continued", re.compile(r"\b(?:continue|keep|stay on|remain on|refill)\w*\b", re.IGNORECASE)))
# The doctor telling the patient to take a medicine ("take amoxicillin 500 mg three times a day", "i want you
# to use the inhaler") prescribes it: it is new, not a medicine the patient already takes.
_INSTRUCTED = re.compile(r"(?:^|\b(?:i want you to|i'd like you to|i would like you to|you should|you need to|you'll|"
                         r"you will|please|just))\W*(?:take|use|apply)\s+(?:the\s+|some\s+|an?\s+)?$", re.IGNORECASE)
_CHANGE = (("decreased", re.compile(r"\b(?:decrease|lower|cut back|reduc|drop)\w*", re.IGNORECASE)),
           ("increased", re.compile(r"\b(?:increas|rais|bump|doubl)\w*", re.IGNORECASE)),
           ("switched", re.compile(r"\bswitch\w*", re.IGNORECASE)))
_FOLLOW_UP = re.compile(r"\b(?:see (?:you|her|him) (?:back )?|follow[- ]?up|come back|return|check back|"
                        r"recheck)\w*\b\s+(?:[a-z]+\s+){0,5}?(?:in|after)\s+(?:about\s+)?"
                        r"(\d+|a|one|two|three|four|five|six|eight|twelve)\s+(days?|weeks?|months?|years?)\b",
                        re.IGNORECASE)


def _vitals(s: VisitSentence, text: str) -> list[SlotItem]:
    out = []
    for name, pattern in _VITALS:
        m = pattern.search(text)
        if not m:
            continue
        if _PAST.search(m.group(0)):
            continue  # "your blood pressure was 200/90 (in the emergency room)" is history, not today's sign
        reading = m.group(1)
        number = value(reading) if not re.fullmatch(r"[\d./]+", reading) else None
        shown = str(number) if number is not None else reading
        low, high = _PLAUSIBLE.get(name, (0, 10_000))
        if "/" not in shown and not low <= float(shown) <= high:
            continue
        unit = {"SpO2": "%", "Weight": " " + m.group(2) if name == "Weight" and m.lastindex == 2 else ""}.get(name, "")
        out.append(SlotItem(f"{name} {shown}{unit}.", (s.utterance_id,), s.index))
    return out


def _medications(s: VisitSentence, text: str) -> list[Medication]:
    out = []
    for name in sorted(drug_names(text), key=lambda d: text.lower().find(d)):
        at = text.lower().find(name)
        if at < 0:
            continue
        after = text[at + len(name):]
        dose = _DOSE.match(after)
        if dose and drug_names(after[:dose.start(1)]):
            dose = None  # "from norvasc to losartan 50 mg": the dose is the next drug's
        window = text[max(0, at - 80):at]
        # The status verb nearest before the drug ("start x and continue lisinopril": continued).
        found = [(m.end(), key) for key, pattern in _STATUS for m in pattern.finditer(window)]
        status = max(found)[1] if found else "taking"
        if any(key == "not taking" for _, key in found):
            status = "not taking"
        if status == "taking" and s.role == DOCTOR and _INSTRUCTED.search(window):
            status = "new"
        if status == "taking" and s.role == DOCTOR and not dose:
            continue  # a drug the doctor only names is not yet a medication fact
        nearest = max(((m.end(), word) for word, pattern in _CHANGE for m in pattern.finditer(window)), default=None)
        change = nearest[1] if nearest and status == "changed" else ""
        if change == "switched" and re.search(r"\b(?:from|off(?: of)?)\s+(?:the\s+|your\s+)?$", window, re.I):
            status, change = "stopped", ""  # "switch you from norvasc to losartan": norvasc stops ...
        elif change == "switched" and re.search(r"\b(?:to|onto)\s+(?:the\s+)?$", window, re.IGNORECASE):
            status, change = "new", ""  # ... and losartan starts
        out.append(Medication(name, dose.group(1) if dose else "", (dose.group(2) or "") if dose else "", status,
                              (s.utterance_id,), s.index, change))
    return out


def _results(s: VisitSentence, text: str) -> list[SlotItem]:
    out = []
    for m in _LAB.finditer(text):
        reading = m.group(2)
        number = reading if re.fullmatch(r"[\d.]+", reading) else value(reading)
        if number is None:
            continue
        unit = "%" if m.group(3) else ""
        out.append(SlotItem(f"{_LABS[m.group(1).lower()]} {number}{unit}.", (s.utterance_id,), s.index))
    return out


def slots_of(sentences: list[VisitSentence], pronouns: Pronouns | None = None) -> VisitSlots:
    slots = VisitSlots()
    pronouns = pronouns or Pronouns.for_sex(None)
    seen_vitals: set[str] = set()
    asked: VisitSentence | None = None  # the doctor's last sentence: a question answered next
    for s in sentences:
        if not slots.demographics:
            slots.demographics += demographics(s)
        if asked and s.utterance_index == asked.utterance_index + 1:
            slots.present_illness += answered_duration(asked, s)
            asked = None  # only the answer's first sentence answers
        if s.role == DOCTOR:  # speech recognition may not mark it a question ("crestor how long have you ...")
            asked = s
        if s.statement is None or s.command:
            continue
        text = clinical_units(normalise_numbers(s.statement))
        slots.allergies += allergies(s, text)
        slots.social_history += social_history(s, text, pronouns)
        slots.present_illness += present_illness(s, text, pronouns)
        if s.role == DOCTOR:
            for item in _vitals(s, text):
                if item.text.split()[0] not in seen_vitals:
                    seen_vitals.add(item.text.split()[0])
                    slots.vitals.append(item)
            slots.results += _results(s, text)
            m = _FOLLOW_UP.search(text)
            if m:
                count = m.group(1).lower()
                count = "1" if count in ("a", "one") else str(value(count) or count)
                slots.follow_up.append(SlotItem(f"Follow up in {count} {m.group(2).lower()}.", (s.utterance_id,),
                                                s.index))
        slots.medications += [m for m in _medications(s, text) if m.dose or m.status != "taking"]
    return slots


def visit_slots(transcript: Transcript) -> VisitSlots:
    """The visit's vital signs, results, medications and follow-up, each citing its utterance."""
    return slots_of(visit_sentences(transcript))
