"""The encounter list as clinicians read it: whose visit, its state, whether the note is signed, amended or
sent, the template and the clinician; searched and filtered here, so every page and the CLI agree.

    rows = encounter_list(store, viewer, EncounterFilter(patient="diaz", state=SIGNED))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, tzinfo

from .access import Viewer
from .documents.model import AMENDED, DRAFT
from .documents.signoff import note_status
from .documents.versions import NoteVersions
from .model import Encounter, EncounterState
from .store import EncounterStore

# What the state filter offers, in the order a page lists them.
ANY_STATE = "any"
IN_PROGRESS = "in progress"
READY_UNSIGNED = "ready, not signed"
SIGNED = "signed"
AMENDED_STATE = "amended"
SENT = "sent to the EHR"
SIGNED_NOT_SENT = "signed, not sent"
FAILED = "failed"
STATE_CHOICES = (ANY_STATE, IN_PROGRESS, READY_UNSIGNED, SIGNED, AMENDED_STATE, SENT, SIGNED_NOT_SENT, FAILED)


@dataclass(frozen=True)
class EncounterRow:
    encounter: Encounter
    signed: bool  # final or amended
    amended: bool
    sent: bool  # some version reached an EHR
    template: str  # the template's title
    clinician: str  # the owner's signature ("Dana Smith, MD"), else their user name

    @property
    def note_label(self) -> str:
        """"Draft", "Signed", "Amended", each with ", sent" once a copy reached the EHR."""
        label = "Amended" if self.amended else "Signed" if self.signed else "Draft"
        return label + (", sent" if self.sent else "")

    def matches(self, state: str) -> bool:
        e = self.encounter
        return {
            ANY_STATE: True,
            IN_PROGRESS: e.state.in_flight,
            READY_UNSIGNED: e.state == EncounterState.READY and not self.signed,
            SIGNED: self.signed,
            AMENDED_STATE: self.amended,
            SENT: self.sent,
            SIGNED_NOT_SENT: self.signed and not self.sent,
            FAILED: e.state == EncounterState.FAILED,
        }.get(state, True)


@dataclass(frozen=True)
class EncounterFilter:
    patient: str = ""  # part of the patient's name or record number, any case
    on_or_after: date | None = None  # the visit's day, in `zone`
    on_or_before: date | None = None
    state: str = ANY_STATE
    zone: tzinfo = UTC

    def admits(self, e: Encounter) -> bool:
        wanted = " ".join(self.patient.split()).lower()
        if wanted and wanted not in e.patient_name.lower() and wanted not in e.patient_mrn.lower():
            return False
        day = e.created.astimezone(self.zone).date()
        return not ((self.on_or_after and day < self.on_or_after) or (self.on_or_before and day > self.on_or_before))


def encounter_list(store: EncounterStore, viewer: Viewer, wanted: EncounterFilter | None = None, *,
                   template_title: Callable[[str], str] = str.upper,
                   signature: Callable[[str], str] = lambda name: "") -> list[EncounterRow]:
    """The encounters `viewer` may open that pass the filter, newest first."""
    wanted = wanted or EncounterFilter()
    versions = NoteVersions(store)
    rows = []
    for e in store.list(owner=viewer.owner_filter):
        if not wanted.admits(e):
            continue
        status = note_status(store, e.id).status
        owner = e.owner or ""
        row = EncounterRow(e, signed=status != DRAFT, amended=status == AMENDED, sent=bool(versions.sends(e.id)),
                           template=template_title(e.template), clinician=(signature(owner) or owner) if owner else "")
        if row.matches(wanted.state):
            rows.append(row)
    return rows
