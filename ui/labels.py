"""Plain-word labels for encounters, steps and times (pure functions, no Streamlit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Literal

from scribe_core import providers
from scribe_core.model import Encounter, EncounterState, Note

BadgeColor = Literal["red", "orange", "yellow", "blue", "green", "violet", "gray", "primary"]

S = EncounterState

# Worker step words (scribe_core.engines.base.ProgressFn) → what the status page says.
_STEP_WORDS = {
    "waiting": "Waiting to start",
    "starting": "Starting",
    "uploading": "Uploading",
    "queued": "Queued",
    "processing": "Processing",
    "transcribing": "Transcribing",
    "diarizing": "Telling speakers apart",
    "redacting": "Removing personal details",
    "transcribed": "Transcribed",
}


@dataclass(frozen=True)
class StepLabel:
    text: str
    color: BadgeColor
    icon: str
    progress: float | None = None  # 0..1 when known
    detail: str = ""  # the failure reason, in the core's own words


def step_label(e: Encounter, zone: tzinfo | None = None) -> StepLabel:
    if e.state == S.READY:
        return StepLabel("Ready", "green", ":material/check_circle:")
    if e.state == S.FAILED:
        if e.step == "cancelled":
            return StepLabel("Cancelled", "gray", ":material/cancel:", detail=e.error or "")
        return StepLabel("Failed", "red", ":material/error:", detail=e.error or "No reason was recorded.")
    if e.state == S.PURGED:
        return StepLabel("Purged", "gray", ":material/delete:")
    if e.retry_at is not None:
        at = e.retry_at.astimezone(zone).strftime("%H:%M:%S")
        return StepLabel(f"Waiting to retry (try {e.attempts + 1} at {at})", "orange", ":material/replay:",
                         detail=e.error or "")
    if e.state == S.DRAFTING:
        return StepLabel("Drafting the note", "violet", ":material/edit_note:")
    if e.state == S.TRANSCRIBED:
        return StepLabel("Transcribed, drafting next", "violet", ":material/edit_note:")
    word = _STEP_WORDS.get(e.step or "", (e.step or "working").capitalize())
    if e.state == S.UPLOADED:
        return StepLabel(_STEP_WORDS["waiting"], "gray", ":material/schedule:")
    progress = e.progress if e.progress is not None and 0 <= e.progress <= 1 else None
    if e.step == "uploading" and progress is not None:
        word = f"Uploading {progress:.0%}"
    return StepLabel(word, "blue", ":material/hourglass_top:", progress=progress)


def clock(ms: int) -> str:
    """12_345 ms → '0:12.3' (minutes:seconds.tenths)."""
    tenths = max(0, int(ms)) // 100
    minutes, tenths = divmod(tenths, 600)
    return f"{minutes}:{tenths // 10:02d}.{tenths % 10}"


def duration(seconds: float | None) -> str:
    if not seconds:
        return "length unknown"
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def when(t: datetime | None, zone: tzinfo | None = None, *, seconds: bool = False) -> str:
    """'30 Nov 2026, 17:05 CET': in the viewer's zone (the server's when None), the zone named, so that a
    signing or purge time is never read in the wrong one."""
    if t is None:
        return ""
    local = t.astimezone(zone)
    shown = local.strftime("%d %b %Y, %H:%M:%S" if seconds else "%d %b %Y, %H:%M")
    return f"{shown} {local.tzname()}" if local.tzname() else shown


def consent_line(e: Encounter, zone: tzinfo | None = None) -> str | None:
    """For a live visit whose patient agreed to be recorded: who recorded that agreement, and when."""
    if e.consent is None:
        return None
    return f"Patient consent to recording: given by {e.consent.by} at {when(e.consent.at, zone)}"


def encounter_title(e: Encounter, zone: tzinfo | None = None) -> str:
    """Whose visit first (when the patient was named at intake), then the recording, the time and the id."""
    name = e.source_name or "(purged)"
    patient = f"{e.patient_label} · " if e.patient_label else ""
    return f"{patient}{name} · {when(e.created, zone)} · {e.id}"


def engine_name(engine: str) -> str:
    """The label the engine's provider declares (scribe_core.providers); an unregistered engine shows its name."""
    provider = providers.ENGINES.get(engine)
    return provider.label if provider is not None else engine


@dataclass(frozen=True)
class Badge:
    text: str
    color: BadgeColor
    icon: str


def writer_badge(note: Note) -> Badge:
    """Who drafted the note, in a clinician's words."""
    if note.extractive:
        return Badge("Drafted without a language model — every line comes from the transcript", "green",
                     ":material/format_quote:")
    if note.writer.startswith("llm:"):
        return Badge(f"Drafted by a language model ({note.writer.removeprefix('llm:')}) — check every line "
                     "against the transcript", "violet", ":material/smart_toy:")
    return Badge(f"Drafted by {note.writer or 'an unknown writer'}", "gray", ":material/smart_toy:")


def time_left(seconds: float | None) -> str:
    """'about 2 min left', 'under a minute left'; '' when unknown."""
    if seconds is None:
        return ""
    if seconds < 60:
        return "under a minute left" if seconds > 5 else "almost done"
    return f"about {round(seconds / 60)} min left"
