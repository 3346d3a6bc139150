"""What is still open before a note is signed: the sign-off asks the clinician to confirm each.

    items = open_items_before_signing(transcript, note)
    items.missing        # [MissingFact]: what the conversation holds that the note does not say (omission.py)
    items.unbacked       # [Flag]: statements their citations do not back (consistency.py)
    items.empty_plan     # ["Assessment", "Plan", ...]: empty sections while the visit holds plan language
    items.plan_evidence  # utterance ids of that plan language
    items.clear          # nothing open: signing needs no confirmation

Plan language is read by the omission check's own detector (dose changes, orders, referrals, follow-up
intervals) and by the doctor's plan phrases ("I'm going to ...", "I want you to ...", "we'll ..."), never by
the note writer, so an empty Assessment or Plan is caught whoever wrote the note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import DOCTOR, Note, Transcript
from .consistency import Flag, check_consistency
from .content_units import ContentUnit, detect
from .omission import MissingFact, possibly_missing

PLAN_KINDS = frozenset({"dose", "order", "referral", "follow_up"})
_PLAN_PHRASE = re.compile(r"\b(i'm going to|i am going to|i'm gonna|i'm gon na|we're going to|we are going to|"
                          r"we'll|we will|i want you to|i'd like you to|i would like you to|let's go ahead and|"
                          r"my plan|the plan is|i recommend|i would recommend|i'll prescribe|i'm prescribing|"
                          r"my assessment|my impression|i think you have|you have a|diagnos\w+ (?:you|with))\b")
_PLAN_SECTION = re.compile(r"\b(assessment|plan|impression)\b", re.IGNORECASE)


@dataclass(frozen=True)
class OpenItems:
    missing: list[MissingFact] = field(default_factory=list)
    unbacked: list[Flag] = field(default_factory=list)
    empty_plan: list[str] = field(default_factory=list)  # titles of the empty assessment or plan sections
    plan_evidence: list[str] = field(default_factory=list)

    @property
    def clear(self) -> bool:
        return not (self.missing or self.unbacked or self.empty_plan)


def plan_language(transcript: Transcript, units: list[ContentUnit] | None = None) -> list[str]:
    """Utterance ids where the doctor states a plan or an impression, in visit order."""
    units = detect(transcript) if units is None else units
    ids = {u.evidence[0] for u in units if u.kind in PLAN_KINDS}
    ids |= {u.id for u in transcript.utterances if u.role == DOCTOR and _PLAN_PHRASE.search(u.text.lower())}
    return [u.id for u in transcript.utterances if u.id in ids]


def empty_plan_sections(note: Note) -> list[str]:
    """Titles of the note's assessment or plan sections that hold no statement."""
    return [s.title for s in note.sections
            if (_PLAN_SECTION.search(s.title) or _PLAN_SECTION.search(s.key.replace("_", " "))) and not s.statements]


def open_items_before_signing(transcript: Transcript, note: Note) -> OpenItems:
    """Everything a clinician should see before signing this note as it stands now."""
    units = detect(transcript)
    plan = plan_language(transcript, units)
    return OpenItems(missing=possibly_missing(transcript, note, units),
                     unbacked=check_consistency(transcript, note),
                     empty_plan=empty_plan_sections(note) if plan else [],
                     plan_evidence=plan)
