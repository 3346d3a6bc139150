"""Sign-off: a clinician marks the note final; a final note is read-only; a change is an amendment.

    sign(store, id, by=…)              the note as it stands becomes version 1, status final, once the
                                       clinician confirmed its open items (open_items.py)
    amend(store, id, note, by=…, reason=…)   a signed note changed: saved as the next version, status
                                       amended, signed by whoever changed it; the difference is kept
    require_editable(store, id)        what edits and re-drafts call first: refuses on a signed note
    note_status(store, id)             draft / final / amended, and the latest version

A note is signed only when it is checkable: no statement is flagged unsupported and every section
the template marks required has something in it. Every signature and amendment is in the audit log.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ..access import Viewer
from ..errors import InvalidStateError
from ..model import Note, utc_now
from ..note_template import NoteTemplate
from ..store import EncounterStore
from .model import AMENDED, DRAFT, FINAL
from .open_items import OpenItemsError, open_items
from .versions import NoteVersion, NoteVersions


class NoteSignedError(InvalidStateError):
    """The note is final: it can only be amended."""


@dataclass(frozen=True)
class NoteStatus:
    status: str  # preliminary (draft), final or amended
    latest: NoteVersion | None

    @property
    def signed(self) -> bool:
        return self.status != DRAFT


def note_status(store: EncounterStore, encounter_id: str) -> NoteStatus:
    latest = NoteVersions(store).latest(encounter_id)
    if latest is None:
        return NoteStatus(DRAFT, None)
    return NoteStatus(latest.status, latest)


def require_editable(store: EncounterStore, encounter_id: str) -> None:
    if note_status(store, encounter_id).signed:
        raise NoteSignedError("This note is signed and read-only. To change it, amend it: the change is kept as a "
                              "new version beside the signed one.")


def signing_problems(note: Note, template: NoteTemplate | None) -> list[str]:
    """Why the note cannot be signed yet (empty when it can)."""
    problems = []
    unsupported = sum(s.unsupported for s in note.statements())
    if unsupported:
        problems.append(f"{unsupported} statement(s) are marked unsupported: check them against the recording, "
                        "then reword or remove them")
    filled = {s.key for s in note.sections if s.statements}
    for spec in template.sections if template else ():
        if spec.required and spec.key not in filled:
            problems.append(f"the required section '{spec.title}' is empty")
    return problems


def _note(store: EncounterStore, encounter_id: str) -> Note:
    note = store.note(encounter_id)
    if note is None:
        raise InvalidStateError("This encounter has no note yet: wait until it is drafted.")
    return note


def sign(store: EncounterStore, encounter_id: str, *, by: Viewer, template: NoteTemplate | None,
         signer: str = "", confirmed_open_items: bool = False) -> NoteVersion:
    """Make the note final. `signer` is how the signature reads ("Dana Smith, MD"; default the viewer's
    name); open items (statements not backed, facts possibly missing) must have been shown to the
    clinician and confirmed (`confirmed_open_items`), else OpenItemsError lists them."""
    encounter = by.check(store.get(encounter_id))
    if encounter.state.in_flight:
        raise InvalidStateError("The note is still being drafted; sign it when it is ready.")
    if note_status(store, encounter_id).signed:
        raise NoteSignedError("This note is already signed. To change it, amend it.")
    note = _note(store, encounter_id)
    problems = signing_problems(note, template)
    if problems:
        raise InvalidStateError("The note cannot be signed yet: " + "; ".join(problems) + ".")
    items = open_items(store.transcript(encounter_id), note)
    if items and not confirmed_open_items:
        raise OpenItemsError(items)
    version = NoteVersions(store).add(encounter_id, note, status=FINAL, signed_by=signer or by.name,
                                      signed_at=utc_now())
    store.audit("note_signed", encounter_id, actor=by.name,
                remote_result=f"version {version.version}" + (f"; open items confirmed: {len(items)}" if items else ""))
    return version


def amend(store: EncounterStore, encounter_id: str, note: Note, *, by: Viewer, reason: str,
          template: NoteTemplate | None, signer: str = "") -> NoteVersion:
    by.check(store.get(encounter_id))
    status = note_status(store, encounter_id)
    if status.latest is None:
        raise InvalidStateError("This note is not signed yet: save your edits to the draft instead.")
    if not reason.strip():
        raise InvalidStateError("Say why the signed note is being amended (it is kept with the new version).")
    if note.sections == status.latest.note.sections:
        raise InvalidStateError("Nothing changed: the amendment would be the same as the signed version.")
    problems = signing_problems(note, template)
    if problems:
        raise InvalidStateError("The amendment cannot be signed yet: " + "; ".join(problems) + ".")
    note.edited = True
    store.save_note(encounter_id, note)
    version = NoteVersions(store).add(encounter_id, note, status=AMENDED, signed_by=signer or by.name,
                                      signed_at=utc_now(),
                                      reason=" ".join(reason.split()))
    store.audit("note_amended", encounter_id, actor=by.name,
                remote_result=f"version {version.version} amends version {status.latest.version}")
    return version


def version_diff(old: NoteVersion, new: NoteVersion) -> list[str]:
    """The lines that changed between two versions, as a unified diff of the note's text."""
    return list(difflib.unified_diff(old.note.to_markdown().splitlines(), new.note.to_markdown().splitlines(),
                                     fromfile=f"version {old.version} ({old.status}, {old.signed_by})",
                                     tofile=f"version {new.version} ({new.status}, {new.signed_by})", lineterm=""))
