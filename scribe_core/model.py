"""The scribe's domain: plain dataclasses with no I/O.

Times are integer milliseconds from the start of the recording (`start_ms`, `end_ms`), as AssemblyAI
reports them. Every object converts to and from plain JSON-able dicts so the store and the CLI can
persist and print it without knowing its shape.
"""

from __future__ import annotations

import enum
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime


class EncounterState(enum.StrEnum):
    UPLOADED = "uploaded"
    TRANSCRIBING = "transcribing"
    TRANSCRIBED = "transcribed"
    DRAFTING = "drafting"
    READY = "ready"
    FAILED = "failed"
    PURGED = "purged"

    @property
    def in_flight(self) -> bool:
        return self in (self.UPLOADED, self.TRANSCRIBING, self.TRANSCRIBED, self.DRAFTING)


DOCTOR = "Doctor"
PATIENT = "Patient"
IMPORTED = "import"  # the engine of an encounter made from an imported transcript (no recording)
DEFAULT_ROLES = (DOCTOR, PATIENT)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class RecordingConsent:
    """The patient's agreement to a live visit being recorded: the clinician who recorded it, and when."""

    by: str
    at: datetime


@dataclass
class Encounter:
    id: str
    created: datetime
    source_name: str
    engine: str
    state: EncounterState = EncounterState.UPLOADED
    duration_s: float | None = None
    error: str | None = None
    # What the worker is doing right now, in words a clinician reads ("uploading", "queued", ...),
    # and how far along it is (0..1) when that is known.
    step: str | None = None
    progress: float | None = None
    remote_transcript_id: str | None = None
    owner: str | None = None
    context: str = ""
    keyterms: list[str] = field(default_factory=list)
    template: str = "soap"
    updated: datetime | None = None
    # Transient failures (network, rate limit, deadline) are retried later: how many so far, and when next.
    attempts: int = 0
    retry_at: datetime | None = None
    # Set for a live visit whose patient agreed to be recorded (None: an upload, or consent not asked).
    consent: RecordingConsent | None = None
    # Who the patient is, as typed at intake (both optional; sealed at rest like the patient's words).
    # The record number is validated by scribe_core.patient before it is stored.
    patient_name: str = ""
    patient_mrn: str = ""

    @property
    def patient_label(self) -> str:
        """The patient as headers and lists show them: "Ana Diaz · MRN 4471902", or "" when not given."""
        parts = [self.patient_name] if self.patient_name else []
        parts += [f"MRN {self.patient_mrn}"] if self.patient_mrn else []
        return " · ".join(parts)

    @property
    def has_recording(self) -> bool:
        """False for an encounter made from an imported transcript: there is nothing to play."""
        return self.engine != IMPORTED

    def to_dict(self) -> dict:
        d = asdict(self)
        d["state"] = self.state.value
        d["created"] = self.created.isoformat()
        d["updated"] = self.updated.isoformat() if self.updated else None
        d["retry_at"] = self.retry_at.isoformat() if self.retry_at else None
        d["consent"] = {"by": self.consent.by, "at": self.consent.at.isoformat()} if self.consent else None
        return d


@dataclass
class Word:
    text: str
    start_ms: int
    end_ms: int
    confidence: float | None = None
    speaker: str | None = None


@dataclass
class Utterance:
    id: str  # "U1", "U2", ... stable within one transcript: notes cite these
    role: str
    start_ms: int
    end_ms: int
    text: str
    confidence: float | None = None
    words: list[Word] = field(default_factory=list)
    speaker: str | None = None  # the engine's own label ("A", "B") before roles were applied


@dataclass
class Transcript:
    utterances: list[Utterance]
    # True when the engine itself identified who is Doctor and who is Patient; False when roles
    # were guessed from speaker labels and a clinician should confirm them.
    roles_confirmed: bool = False
    language: str | None = None
    duration_s: float | None = None
    engine: str = ""
    model: str | None = None
    redacted: bool = False

    @property
    def text(self) -> str:
        return " ".join(u.text for u in self.utterances)

    def utterance_ids(self) -> set[str]:
        return {u.id for u in self.utterances}

    def by_id(self, utterance_id: str) -> Utterance | None:
        return next((u for u in self.utterances if u.id == utterance_id), None)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Transcript:
        utterances = [
            Utterance(**{**u, "words": [Word(**w) for w in u.get("words", [])]})
            for u in d["utterances"]
        ]
        return cls(**{**d, "utterances": utterances})


# "1. Hypertension." numbers a problem list: the enumerator is layout, not a number the visit said; the
# checks read past it (clinical/support.py) and the pages show the line as the problem's heading.
LIST_ENUMERATOR = re.compile(r"^[ \t]*\d{1,2}[.)](?!\d)[ \t]*(?=[A-Za-z])", re.MULTILINE)


@dataclass
class Statement:
    text: str
    evidence: list[str] = field(default_factory=list)  # utterance ids
    # Set when no valid citation supports the statement: the clinician must check it by hand.
    unsupported: bool = False
    # A line the clinician wrote while editing: their own word, not a claim the transcript must back.
    added_by_clinician: bool = False
    # A drafted line the clinician reworded: it keeps its citations, but its words are the clinician's.
    edited_by_clinician: bool = False

    def __post_init__(self) -> None:
        if not self.evidence and not self.added_by_clinician:
            self.unsupported = True

    @property
    def heads_a_problem(self) -> bool:
        """ "2. Hypertension.": a problem of the numbered problem list, the lines after it its plan."""
        return bool(LIST_ENUMERATOR.match(self.text))


@dataclass
class Section:
    key: str  # "subjective", "objective", ...
    title: str
    statements: list[Statement] = field(default_factory=list)


@dataclass
class Note:
    template: str
    sections: list[Section]
    writer: str = ""  # which note writer produced it, e.g. "llm:claude-haiku..." or "extractive"
    extractive: bool = False  # drafted without a language model (every statement built from the utterances it cites)
    edited: bool = False

    def statements(self) -> list[Statement]:
        return [s for sec in self.sections for s in sec.statements]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Note:
        sections = [
            Section(
                key=s["key"],
                title=s["title"],
                statements=[Statement(**st) for st in s["statements"]],
            )
            for s in d["sections"]
        ]
        return cls(**{**d, "sections": sections})

    def to_markdown(self) -> str:
        lines = [f"# {self.template.upper()} note"]
        if self.extractive and not self.edited:
            lines.append("_Drafted without a language model: every line is built only from the utterances it cites. "
                         "Review before use._")
        elif self.extractive:  # a clinician's edits are theirs, not the utterances'
            lines.append("_Drafted without a language model from the utterances each line cites, then edited by a "
                         "clinician (lines marked as added cite nothing). Review before use._")
        for sec in self.sections:
            lines += ["", f"## {sec.title}"]
            if not sec.statements:
                lines.append("- (nothing recorded)")
            for st in sec.statements:
                if st.evidence:
                    cite = f" [{', '.join(st.evidence)}]"
                else:
                    cite = " [added by clinician]" if st.added_by_clinician else " [UNSUPPORTED: check]"
                lines.append(f"- **{st.text}**{cite}" if st.heads_a_problem else f"- {st.text}{cite}")
        return "\n".join(lines) + "\n"


@dataclass
class RemoteDeletion:
    """What a remote service said when asked to forget something."""

    what: str  # "transcript", "llm_request"
    remote_id: str
    confirmed: bool
    detail: str = ""


@dataclass
class Tombstone:
    encounter_id: str
    created: datetime
    purged: datetime
    reason: str  # "user", "retention"
    deleted: list[str]  # local things removed, e.g. ["audio", "transcript", "note"]
    remote: list[RemoteDeletion]

    def to_dict(self) -> dict:
        d = asdict(self)
        d["created"] = self.created.isoformat()
        d["purged"] = self.purged.isoformat()
        return d
