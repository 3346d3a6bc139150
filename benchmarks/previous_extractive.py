"""The offline note writer as it was before clinical facts (kept runnable as a benchmark baseline).

Original docstring follows: a note without any language model, transcript sentences sorted into sections.

Every statement is a sentence quoted verbatim from one utterance and cites that utterance's id,
so nothing in the note can be invented; the note is labelled extractive and the UI says so.
Sentences are classified by documented cues, the speaker's role breaking ties:

    plan        prescriptions, doses, tests ordered, referrals, follow-up, advice
                ("I'll order", "we'll start", "mg", "follow up", "come back", "blood work")
    assessment  the clinician's impression ("I think", "likely", "sounds like", "consistent with")
    objective   examination, vital signs, results ("blood pressure", "on exam", "came back", "%")
    subjective  what the patient reports: symptoms, history, medications, allergies (a patient's
                first-person statement with clinical content; any patient statement with a cue)

Skipped: questions (they hold no finding on their own), sentences under four words ("Okay.",
"Yes."), pleasantries, and sentences that are only redaction tags. Each section keeps at most
`max_per_section` statements, the most cue-rich first, shown in transcript order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from scribe_core.model import DOCTOR, PATIENT, Note, RemoteDeletion, Section, Statement, Transcript
from scribe_core.note_template import NoteTemplate
from scribe_core.notes.base import DraftResult

_SENTENCE = re.compile(r"[^.?!]+[.?!]*")
_WORD = re.compile(r"[\w']+")

CUES: dict[str, re.Pattern] = {
    "plan": re.compile(
        r"\b(prescrib\w*|i'?ll (order|send|start|give|refer|book|prescribe|get)|we'?ll (start|order|do|get|check|send|"
        r"book|refer|see)|going to (order|start|send|refer|prescribe|get|do)|refer\w*|follow[- ]?up|come back|"
        r"book\w*|schedul\w*|blood (work|test)s?|x-?ray|ecg|ekg|ultrasound|ct scan|mri|swab|test(s|ing)?\b|"
        r"\d+\s*(mg|milligrams?|mcg|micrograms?|ml|units?)\b|once a day|twice a day|three times|daily|"
        r"every \d+ hours|recommend\w*|advis\w*|continue|stop taking|increase|decrease|in \w+ weeks?|"
        r"physio\w*|therapy|inhaler|antibiotics?)\b", re.IGNORECASE),
    "assessment": re.compile(
        r"\b(i think|i suspect|likely|unlikely|probably|sounds like|looks like|consistent with|"
        r"diagnos\w*|impression|differential|rule out|could be|might be|most likely|concern\w* (for|about))\b",
        re.IGNORECASE),
    "objective": re.compile(
        r"\b(blood pressure|heart rate|pulse|temperature|oxygen|saturation|sats|respiratory rate|"
        r"on exam\w*|examin\w*|listen\w* to|auscultat\w*|palpat\w*|tender\w*|swollen|swelling|"
        r"(lungs?|chest|heart) (sounds?|is|are)|clear|murmur|wheez\w*|crackles|results?|came back|"
        r"levels?|bpm|mmhg|\d+\s*(%|percent|over \d+))\b", re.IGNORECASE),
    "subjective": re.compile(
        r"\b(pain|ache|aching|hurts?|cough\w*|fever\w*|short(ness)? of breath|breath\w*|nause\w*|vomit\w*|"
        r"dizz\w*|tired|fatigue|sleep\w*|headaches?|rash|itch\w*|bleed\w*|swell\w*|numb\w*|weak\w*|"
        r"since|started|for (about )?\w+ (days?|weeks?|months?|years?)|ago|allerg\w*|smok\w*|drink\w*|"
        r"alcohol|take|taking|medication\w*|history|diabet\w*|asthma|blood pressure|surgery|worse|better)\b",
        re.IGNORECASE),
}
_PLEASANTRIES = re.compile(
    r"^(hi|hello|good (morning|afternoon|evening)|thank\w*|thanks|okay|ok|alright|all right|yeah|yes|no|"
    r"sure|great|perfect|nice to meet you|bye|see you)\b[\w\s,']{0,25}[.!]?$", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(i|i'm|i've|my|me)\b", re.IGNORECASE)
_TAG_ONLY = re.compile(r"^[\s\W]*(\[[A-Z_]+\][\s\W]*)+$")

# Where each category goes when a template has no section of that name.
_FALLBACK = {"subjective": ("subjective", "hpi"), "objective": ("objective",),
             "assessment": ("assessment",), "plan": ("plan",), "medications": ("medications", "subjective", "hpi")}
_MEDICATION = re.compile(r"\b(\d+\s*(mg|milligrams?|mcg|ml|units?)|medication\w*|pills?|tablets?|inhaler|"
                         r"taking|take)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    order: int
    utterance_id: str
    text: str
    category: str
    score: float


def classify(sentence: str, role: str) -> tuple[str, float] | None:
    """(category, cue score) for one sentence, or None when it carries no note content."""
    text = sentence.strip()
    if len(_WORD.findall(text)) < 4 or text.endswith("?") or _PLEASANTRIES.match(text) or _TAG_ONLY.match(text):
        return None
    hits = {key: len(pattern.findall(text)) for key, pattern in CUES.items()}
    if role == PATIENT:
        # Patients report; their mention of a test or a drug is history, not the plan.
        score = hits["subjective"] + hits["plan"] * 0.5 + hits["objective"] * 0.5
        if score == 0 and not _FIRST_PERSON.search(text):
            return None
        category = "medications" if _MEDICATION.search(text) else "subjective"
        return category, score + (0.5 if _FIRST_PERSON.search(text) else 0.0)
    if role not in (DOCTOR, "") and role is not None:
        return None  # a third speaker (relative, interpreter): not quoted as a clinical finding
    doctor_hits = {k: hits[k] for k in ("plan", "assessment", "objective") if hits[k]}
    if not doctor_hits:
        return None
    # A plan cue inside an impression ("likely viral, so rest and fluids") counts as the plan on ties.
    best = max(doctor_hits, key=lambda k: (doctor_hits[k], k == "plan"))
    return best, float(doctor_hits[best])


def _place(category: str, keys: set[str]) -> str | None:
    for key in _FALLBACK.get(category, (category,)):
        if key in keys:
            return key
    return None


class PreviousExtractiveWriter:
    # Capabilities (scribe_core.providers): no language model, nothing leaves this machine.
    name = "previous-extractive"
    label = "Extractive draft (quotes the transcript, no language model)"
    sends_audio_off_device = False
    sends_text_off_device = False
    key_setting: str | None = None
    endpoint_setting: str | None = None

    def __init__(self, *, max_per_section: int = 8) -> None:
        self.max_per_section = max_per_section

    def candidates(self, transcript: Transcript) -> list[Candidate]:
        out = []
        for u in transcript.utterances:
            for sentence in _SENTENCE.findall(u.text):
                result = classify(sentence, u.role)
                if result:
                    out.append(Candidate(len(out), u.id, sentence.strip(), *result))
        return out

    def draft(self, transcript: Transcript, template: NoteTemplate, context: str = "") -> DraftResult:
        keys = {spec.key for spec in template.sections}
        chosen: dict[str, list[Candidate]] = {key: [] for key in keys}
        for cand in self.candidates(transcript):
            key = _place(cand.category, keys)
            if key is not None:
                chosen[key].append(cand)
        sections = []
        for spec in template.sections:
            best = sorted(chosen[spec.key], key=lambda c: (-c.score, c.order))[: self.max_per_section]
            statements = [Statement(text=c.text, evidence=[c.utterance_id])
                          for c in sorted(best, key=lambda c: c.order)]
            sections.append(Section(key=spec.key, title=spec.title, statements=statements))
        note = Note(template=template.name, sections=sections, writer=self.name, extractive=True)
        return DraftResult(note=note)

    def forget(self, request_id: str) -> RemoteDeletion | None:
        return None  # nothing was sent anywhere
