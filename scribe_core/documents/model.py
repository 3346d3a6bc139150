"""What the documents are made from, and the documents themselves: plain dataclasses, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..model import Note
from ..note_template import NoteTemplate

DRAFT, FINAL, AMENDED = "preliminary", "final", "amended"


@dataclass(frozen=True)
class NoteDocument:
    """One version of one encounter's note, with what a printed or exported copy must say about it."""

    encounter_id: str
    encounter_start: datetime  # when the visit was recorded: the document's encounter date
    template: NoteTemplate
    note: Note
    status: str = DRAFT  # preliminary (draft), final (signed) or amended (signed, then changed and re-signed)
    author: str = ""  # the clinician responsible for the note
    signed_by: str | None = None
    signed_at: datetime | None = None
    version: int = 1
    patient: str = ""  # who the visit was with, as named at intake ("Ana Diaz · MRN 4471902"); "" when not given
    patient_mrn: str = ""  # the record number typed at intake (already checked), offered as the EHR patient id

    @property
    def status_label(self) -> str:
        return {DRAFT: "DRAFT - not signed", FINAL: "FINAL", AMENDED: "AMENDED"}.get(self.status, self.status)


@dataclass
class SourcedSentence:
    """A sentence of a patient-facing document and the note statements it says again (traceability)."""

    text: str
    sources: list[str] = field(default_factory=list)  # "section_key#index" of the note statements it restates
    evidence: list[str] = field(default_factory=list)  # utterance ids, for a line built from the visit's own words


@dataclass
class SummaryPart:
    heading: str
    sentences: list[SourcedSentence] = field(default_factory=list)
    nothing_said: str = ""  # what the part says, plainly, when the visit gave it nothing ("" leaves it out)


@dataclass
class PatientSummary:
    """The after-visit summary: plain language, second person, every sentence traced to the note."""

    parts: list[SummaryPart]
    reading_grade: float  # Flesch-Kincaid grade of the whole text (0 unless every sentence is whole)
    writer: str = ""  # "from the note" (offline) or "llm:<model>"
    clinician: str = ""  # the signature ("Dana Smith, MD"); "" prints as an unsigned draft
    whole_sentences: bool = False  # every sentence passed the whole-sentence check: only then is a grade shown

    def text(self) -> str:
        out = []
        for part in self.parts:
            if part.sentences or part.nothing_said:
                out.append(part.heading)
                out += [f"- {s.text}" for s in part.sentences] or [part.nothing_said]
                out.append("")
        out.append(signature_line(self.clinician))
        return "\n".join(out).strip() + "\n"

    def sentences(self) -> list[SourcedSentence]:
        return [s for p in self.parts for s in p.sentences]


@dataclass
class ReferralLetter:
    """A letter to a colleague, drafted from the note; the clinician edits it before sending."""

    specialty: str
    salutation: str
    opening: str
    paragraphs: list[tuple[str, list[str]]]  # (heading, lines) in letter order
    closing: str
    signature: str

    def text(self) -> str:
        out = [self.salutation, "", self.opening, ""]
        for heading, lines in self.paragraphs:
            out.append(heading)
            out += lines or ["Not recorded in this visit."]
            out.append("")
        out += [self.closing, "", self.signature]
        return "\n".join(out).strip() + "\n"


UNSIGNED = "Unsigned draft: no clinician named yet."


def signature_line(clinician: str) -> str:
    """How a patient document or letter is signed: the clinician's display name, never a login name."""
    return f"Your clinician: {clinician}" if clinician else UNSIGNED


def statement_ref(section_key: str, index: int) -> str:
    return f"{section_key}#{index}"
