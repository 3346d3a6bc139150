"""Purge and retention: delete an encounter's copies remotely (verified) and here, and keep a tombstone.

A clinician may purge their own encounters; an admin any; retention sweeps act as the system.

A signed note never sent to the EHR is the only copy of a signed clinical record: a purge of it is
refused until the user confirms (after being warned, `unsent_signed_ok=True`), and the retention
sweep leaves it alone unless SCRIBE_RETENTION_PURGES_UNSENT_SIGNED says otherwise.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from ..access import SYSTEM, Viewer
from ..documents.signoff import note_status
from ..documents.versions import EHR_COPY, NoteVersions, ehr_copies_kept
from ..errors import EncounterPurgedError, InvalidStateError
from ..model import Encounter, EncounterState, RemoteDeletion, Tombstone, utc_now
from ..notes.base import NoteWriter
from ..store import EncounterStore
from .ports import Ports
from .remote_copies import delete_remote_transcript, describe, keeps_remote_copy, safe_delete
from .unfinished_visits import discard_expired_visits

# How a remote copy is listed in the tombstone between the local erase and the remote answer.
PENDING = "deletion pending"
STREAMING_SESSION = "streaming session"
# CONTRACT §4.6: zero data retention for accounts opted out of model training; no delete endpoint exists.
STREAMING_KEEPS_NOTHING = "AssemblyAI streaming keeps no copy; nothing to delete"


class UnsentSignedNoteError(InvalidStateError):
    """The encounter holds a signed note that was never sent to the EHR: purging it loses the record."""


def signed_but_unsent(store: EncounterStore, encounter_id: str) -> bool:
    """Whether the encounter's note is signed (final or amended) and no version of it reached an EHR."""
    return note_status(store, encounter_id).signed and not NoteVersions(store).sends(encounter_id)


def purge_warnings(ports: Ports, encounter_id: str, *, by: Viewer) -> list[str]:
    """What the user must read and confirm before purging this encounter (empty: nothing to confirm)."""
    by.check(ports.store.get(encounter_id))
    if signed_but_unsent(ports.store, encounter_id):
        return [UNSENT_SIGNED_WARNING]
    return []


UNSENT_SIGNED_WARNING = ("This note is signed but was never sent to the EHR: purging deletes the only copy of the "
                         "signed record. Send it to the EHR (or print it) first, or confirm that it is not needed.")


def purge(ports: Ports, encounter_id: str, *, by: Viewer, reason: str = "user",
          unsent_signed_ok: bool = False) -> Tombstone:
    """Erase every local file and keep a tombstone, then delete the remote copies (verified) and amend it.

    The local erase comes first so that whoever notices the purge (the worker running this encounter,
    or this call) finds a tombstone listing every remote copy still to delete: a deletion refused
    here (a job still processing) stays pending there until the worker deletes the job once it stops.
    """
    store = ports.store
    encounter = by.check(store.get(encounter_id))
    if encounter.state == EncounterState.PURGED:
        raise EncounterPurgedError(f"Encounter {encounter_id} was already purged.", encounter_id=encounter_id,
                                   purged_at=encounter.updated)
    if not unsent_signed_ok and signed_but_unsent(store, encounter_id):
        raise UnsentSignedNoteError(UNSENT_SIGNED_WARNING)
    requests = store.remote_requests(encounter_id)
    has_job = _has_remote_job(ports, encounter)
    pending = [RemoteDeletion("transcript", str(encounter.remote_transcript_id), False, PENDING)] if has_job else []
    pending += [RemoteDeletion(kind, rid, False, PENDING) for kind, rid, deleted in requests
                if not kind.startswith("checkpoint:") and not deleted]
    tombstone = Tombstone(encounter_id, encounter.created, utc_now(), reason, [],
                          pending + ehr_copies_kept(store, encounter_id))
    tombstone.deleted = store.erase(encounter_id, tombstone)
    if encounter.state.in_flight:
        store.request_cancel(encounter_id)  # the worker stops at its next check and writes nothing back
    remote = _delete_remote_copies(ports, encounter, requests)
    for deletion in remote:
        store.amend_tombstone(encounter_id, deletion)
    confirmed = remote + ehr_copies_kept(store, encounter_id)
    for r in confirmed:
        if r.what == EHR_COPY:
            store.audit("ehr_copy_kept", encounter_id, actor=by.name, remote_result=r.remote_id)
            continue
        if r.what == STREAMING_SESSION:
            store.audit("streaming_session_kept_nothing", encounter_id, actor=by.name, remote_result=r.remote_id)
            continue
        store.audit(f"remote_{r.what}_deleted", encounter_id, actor=by.name, remote_result=describe(r))
    store.audit("purged", encounter_id, actor=by.name,
                remote_result=f"reason={reason}; local={','.join(tombstone.deleted)}")
    amended = next(t for t in store.tombstones() if t.encounter_id == encounter_id)
    return amended


def _has_remote_job(ports: Ports, encounter: Encounter) -> bool:
    """A transcript held at a remote service (an offline engine's job id names nothing stored elsewhere)."""
    return bool(encounter.remote_transcript_id and encounter.engine in ports.transcribers
                and keeps_remote_copy(ports, encounter.engine))


def _delete_remote_copies(ports: Ports, encounter: Encounter,
                          requests: list[tuple[str, str, bool]]) -> list[RemoteDeletion]:
    remote: list[RemoteDeletion | None] = []
    if _has_remote_job(ports, encounter):
        remote.append(delete_remote_transcript(ports, encounter))
    writer: NoteWriter | None = None
    transcript_deleted = any(r and r.what == "transcript" and r.confirmed for r in remote)
    for kind, request_id, deleted in requests:
        if kind == "checkpoint:upload":
            # AssemblyAI deletes an upload together with its transcript; an upload no transcript
            # used has no delete endpoint and expires with the account's TTL.
            remote.append(RemoteDeletion("upload", request_id, transcript_deleted,
                                         "deleted with the transcript" if transcript_deleted
                                         else "no delete endpoint; expires with AssemblyAI's retention TTL"))
            continue
        if kind.startswith("checkpoint:streaming_session:"):
            # A live visit's streaming session: listed, so the tombstone says what streamed and why
            # nothing is asked of the service (confirmed: no copy is held to delete).
            remote.append(RemoteDeletion(STREAMING_SESSION, request_id, True, STREAMING_KEEPS_NOTHING))
            continue
        if kind.startswith("checkpoint:"):
            continue
        if deleted:
            remote.append(RemoteDeletion(kind, request_id, True, "deleted right after drafting"))
            continue
        writer = writer or ports.writer_for_engine(encounter.engine)
        remote.append(safe_delete(functools.partial(writer.forget, request_id), kind, request_id))
    return [r for r in remote if r is not None]


def delete_pending_transcripts(ports: Ports) -> list[RemoteDeletion]:
    """The worker's sweep: try again every remote transcript a tombstone still lists as not deleted.

    Covers a worker that stopped (crash, restart, deadline) before the job it was running could be
    deleted, and a job that was cancelled and then purged while it still ran. Returns what it tried.
    """
    store = ports.store
    tried = []
    for tombstone in store.tombstones():
        for r in tombstone.remote:
            if r.what != "transcript" or r.confirmed:
                continue
            engine = store.get(tombstone.encounter_id).engine
            if engine not in ports.transcribers:
                continue
            deletion = safe_delete(functools.partial(ports.transcribers[engine]().delete, r.remote_id),
                                   "transcript", r.remote_id)
            if deletion is None:
                continue
            tried.append(deletion)
            store.amend_tombstone(tombstone.encounter_id, deletion)
            if deletion.confirmed:
                store.audit("remote_transcript_deleted", tombstone.encounter_id, actor=SYSTEM.name,
                            remote_result=describe(deletion))
    return tried


def purge_all(ports: Ports, *, by: Viewer, reason: str = "user", unsent_signed_ok: bool = False) -> list[Tombstone]:
    """Every encounter `by` may open (a clinician's own; an admin's: all). Without `unsent_signed_ok`,
    nothing is purged while one of them holds a signed note never sent to the EHR."""
    encounters = ports.store.list(owner=by.owner_filter)
    unsent = [e.id for e in encounters if signed_but_unsent(ports.store, e.id)]
    if unsent and not unsent_signed_ok:
        raise UnsentSignedNoteError(f"{len(unsent)} encounter(s) hold a signed note never sent to the EHR "
                                    f"({', '.join(unsent)}): purging deletes the only copy of each signed record. "
                                    "Send them first, or confirm that they are not needed.")
    return [purge(ports, e.id, by=by, reason=reason, unsent_signed_ok=True) for e in encounters]


def purge_expired(ports: Ports, retention_hours: float, *, now: datetime | None = None) -> list[Tombstone]:
    """Purge, locally and remotely, every encounter created more than `retention_hours` ago, and
    discard the audio of live visits started that long ago and never finished (audited each).
    A signed note never sent to the EHR is kept (audited) unless the setting says to purge it too."""
    if retention_hours <= 0:
        return []
    discard_expired_visits(ports.store, retention_hours, now=now)
    cutoff = (now or utc_now()) - timedelta(hours=retention_hours)
    expired = [e for e in ports.store.list() if e.created < cutoff]
    purged = []
    for e in expired:
        if signed_but_unsent(ports.store, e.id) and not ports.retention_purges_unsent_signed:
            ports.store.audit("retention_kept_unsent_signed", e.id, actor=SYSTEM.name)
            continue
        purged.append(purge(ports, e.id, by=SYSTEM, reason="retention", unsent_signed_ok=True))
    return purged
