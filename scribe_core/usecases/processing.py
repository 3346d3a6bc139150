"""Processing: run an encounter through transcription and drafting, resume it after a crash, retry, cancel.

Every state change is written to the store before the next step starts, so a process killed at any
moment resumes where it stopped: an encounter caught mid-transcription polls its stored remote id
again and never uploads twice.

    uploaded → transcribing → transcribed → drafting → ready
                                   any step → failed            (with a reason a user can act on)
                                   any state → purged           (tombstone kept; nothing written back)

The work itself is done by the scribe (actor "system" in the audit log); retry and cancel are a
user's actions and name that user.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from .. import providers
from ..access import SYSTEM, Viewer
from ..engines.base import TranscriptionRequest
from ..errors import (
    Cancelled,
    DeadlineExceededError,
    EncounterNotFoundError,
    InvalidStateError,
    RateLimitedError,
    ScribeError,
    ServiceUnavailableError,
)
from ..model import Encounter, EncounterState, utc_now
from ..patient import PatientIdentity
from ..store import EncounterStore
from .decisions import give_up_reason, next_retry_delay_s, resume_state
from .ports import Ports
from .remote_copies import delete_remote_transcript, delete_transcript_once_stopped, describe

log = logging.getLogger(__name__)
S = EncounterState
ACTOR = SYSTEM.name

# Failures that say "not now" rather than "never": the encounter stays in flight and is tried again.
TRANSIENT = (ServiceUnavailableError, RateLimitedError, DeadlineExceededError)


class StoredCheckpoints:
    """An engine's notes about a job, kept in the store's remote_requests table (kind 'checkpoint:<key>')."""

    def __init__(self, store: EncounterStore, encounter_id: str) -> None:
        self.store, self.encounter_id = store, encounter_id

    def get(self, key: str) -> str | None:
        kind = f"checkpoint:{key}"
        return next((rid for k, rid, _ in self.store.remote_requests(self.encounter_id) if k == kind), None)

    def put(self, key: str, value: str) -> None:
        self.store.add_remote_request(self.encounter_id, f"checkpoint:{key}", value)


def transcription_request(store: EncounterStore, encounter: Encounter) -> TranscriptionRequest:
    """What an engine is asked for: the key terms, and checkpoints it keeps in the store."""
    return TranscriptionRequest(keyterms=list(encounter.keyterms), checkpoints=StoredCheckpoints(store, encounter.id))


def process(ports: Ports, encounter_id: str) -> Encounter:
    """Run (or resume) an encounter to `ready` or `failed`. Safe to call again after a crash."""
    encounter = ports.store.get(encounter_id)
    try:
        return _run(ports, encounter)
    except _PurgedAfterSubmit as purged:
        return _purged_meanwhile(ports, encounter_id, purged.job_id)
    except EncounterNotFoundError:
        return _purged_meanwhile(ports, encounter_id)


def _purged_meanwhile(ports: Ports, encounter_id: str, job_id: str | None = None) -> Encounter:
    """Purged while it was processed: nothing is written back. The remote job, which refuses deletion
    while it runs, is deleted once it stops, and the tombstone says so (`job_id`: a job started
    after the purge erased the encounter, which the tombstone cannot list yet)."""
    store = ports.store
    purged = store.get(encounter_id)
    pending = {r.remote_id for t in store.tombstones() if t.encounter_id == encounter_id
               for r in t.remote if r.what == "transcript" and not r.confirmed}
    if job_id is not None:
        pending.add(job_id)
    for remote_id in sorted(pending):
        deletion = delete_transcript_once_stopped(ports, purged.engine, remote_id)
        if deletion is not None:
            store.amend_tombstone(encounter_id, deletion)
            store.audit("remote_transcript_deleted", encounter_id, actor=ACTOR, remote_result=describe(deletion))
    return purged


class _PurgedAfterSubmit(EncounterNotFoundError):
    """The encounter was purged while its job was being created: the job id never reached the store."""

    def __init__(self, job_id: str) -> None:
        super().__init__("The encounter was purged while its transcription started.")
        self.job_id = job_id


def _run(ports: Ports, encounter: Encounter) -> Encounter:
    encounter_id = encounter.id
    try:
        if encounter.state in (S.UPLOADED, S.TRANSCRIBING):
            encounter = _transcribe(ports, encounter)
        if encounter.state in (S.TRANSCRIBED, S.DRAFTING):
            encounter = _draft(ports, encounter)
    except TRANSIENT as exc:
        encounter = _retry_later(ports, encounter_id, exc)
    except Cancelled:
        encounter = _fail(ports, encounter_id, "Cancelled by the user.", cancelled=True)
        if encounter.remote_transcript_id:
            # Best effort: a job still processing remotely may refuse; purge retries later.
            deletion = delete_remote_transcript(ports, encounter)
            if deletion is not None:
                ports.store.audit("remote_transcript_deleted", encounter_id, actor=ACTOR,
                                  remote_result=describe(deletion))
    except EncounterNotFoundError:
        raise  # purged meanwhile: process() deletes the remote job and writes nothing back
    except ScribeError as exc:
        encounter = _fail(ports, encounter_id, str(exc))
    except Exception as exc:  # a bug: keep the message out of the store (it may quote data)
        log.exception("encounter %s: unexpected %s", encounter_id, type(exc).__name__)
        encounter = _fail(ports, encounter_id,
                          f"Unexpected internal error ({type(exc).__name__}); retry, or report it.")
    return encounter


def _retry_later(ports: Ports, encounter_id: str, exc: ScribeError) -> Encounter:
    """Keep the encounter in flight and schedule another try, or fail it once the schedule is spent."""
    store = ports.store
    encounter = store.get(encounter_id)
    if store.cancel_requested(encounter_id):
        return _fail(ports, encounter_id, "Cancelled by the user.", cancelled=True)
    retry_after_s = exc.retry_after_s if isinstance(exc, RateLimitedError) else None
    delay = next_retry_delay_s(encounter.attempts, ports.retry_delays_s, retry_after_s=retry_after_s)
    if delay is None:
        return _fail(ports, encounter_id, give_up_reason(str(exc), encounter.attempts, ports.retry_delays_s))
    store.audit("retry_scheduled", encounter_id, actor=ACTOR, remote_result=f"{type(exc).__name__}; in {delay:g} s")
    return store.update(encounter_id, attempts=encounter.attempts + 1, error=str(exc),
                        retry_at=utc_now() + timedelta(seconds=delay), step="waiting to retry", progress=None)


def _transcribe(ports: Ports, encounter: Encounter) -> Encounter:
    store = ports.store
    engine = ports.transcribers[encounter.engine]()
    request = transcription_request(store, encounter)
    progress = _progress_reporter(ports, encounter.id)
    job_id = encounter.remote_transcript_id
    # The engine reads a decrypted copy that exists only for the length of this block.
    with store.plain_audio(encounter.id) as audio:
        if job_id is None:
            encounter = store.update(encounter.id, state=S.TRANSCRIBING, step="starting", progress=None, error=None)
            job_id = engine.submit(audio, request, progress)
            try:  # the checkpoint and its audit entry together: a worker killed between them lost the entry
                started = ("transcription_started", ACTOR, f"{engine.name}:{job_id}")
                encounter = store.update_audited(encounter.id, started, remote_transcript_id=job_id)
            except EncounterNotFoundError as exc:
                raise _PurgedAfterSubmit(job_id) from exc
        else:
            store.audit("transcription_resumed", encounter.id, actor=ACTOR, remote_result=f"{engine.name}:{job_id}")
        transcript = engine.wait(job_id, audio, request, progress)
    _check_cancel(store, encounter.id)  # cancelled or purged while the engine worked
    store.save_transcript(encounter.id, transcript)
    store.audit("transcribed", encounter.id, actor=ACTOR)
    changes: dict[str, object] = {"state": S.TRANSCRIBED, "step": "transcribed", "progress": None, "error": None,
                                  "attempts": 0, "retry_at": None}
    if transcript.duration_s:
        changes["duration_s"] = transcript.duration_s
    return store.update(encounter.id, **changes)


def _draft(ports: Ports, encounter: Encounter) -> Encounter:
    store = ports.store
    transcript = store.transcript(encounter.id)
    if transcript is None:
        raise InvalidStateError("The transcript is missing; submit the recording again.")
    _check_cancel(store, encounter.id)
    encounter = store.update(encounter.id, state=S.DRAFTING, step="drafting", progress=None)
    writer = ports.writer_for_engine(encounter.engine)
    context = encounter.context
    if providers.writer_sends_text_off(writer) and not ports.patient_identity_leaves:
        # The name and number typed at intake stay here: placeholders go to the remote writer instead.
        who = PatientIdentity(encounter.patient_name, encounter.patient_mrn)
        transcript, context = who.mask_transcript(transcript), who.mask(context)
    result = writer.draft(transcript, ports.templates.get(encounter.template), context)
    for request_id in result.remote_request_ids:
        confirmed = any(d.remote_id == request_id and d.confirmed for d in result.remote_deletions)
        store.add_remote_request(encounter.id, "llm_request", request_id, deleted=confirmed)
    for deletion in result.remote_deletions:
        store.audit("llm_request_deleted", encounter.id, actor=ACTOR, remote_result=describe(deletion))
    # The note, its audit entry and `ready` in one transaction: a crash leaves the old note in flight or
    # the new one ready, never a ready encounter with a note from before.
    return store.update_with_note(encounter.id, result.note, ("note_drafted", ACTOR, writer.name), state=S.READY,
                                  step="ready", error=None, attempts=0, retry_at=None)


def _fail(ports: Ports, encounter_id: str, reason: str, *, cancelled: bool = False) -> Encounter:
    ports.store.audit("cancelled" if cancelled else "failed", encounter_id, actor=ACTOR)
    return ports.store.update(encounter_id, state=S.FAILED, step="cancelled" if cancelled else "failed",
                              error=reason, progress=None, retry_at=None)


def _progress_reporter(ports: Ports, encounter_id: str) -> Callable[[str, float | None], None]:
    """Persist progress at most every progress_interval_s (and on each new step); honour cancel."""
    last_step: str | None = None
    last_at = -1e9

    def report(step: str, fraction: float | None = None) -> None:
        nonlocal last_step, last_at
        now = ports.clock()
        if step == last_step and now - last_at < ports.progress_interval_s:
            return
        last_step, last_at = step, now
        _check_cancel(ports.store, encounter_id)
        ports.store.update(encounter_id, step=step, progress=fraction)

    return report


def _check_cancel(store: EncounterStore, encounter_id: str) -> None:
    if store.cancel_requested(encounter_id):
        raise Cancelled("Cancelled by the user.")


def retry(ports: Ports, encounter_id: str, *, by: Viewer) -> Encounter:
    """Put a failed encounter back in flight from where it stopped (never re-uploading a stored job)."""
    store = ports.store
    encounter = by.check(store.get(encounter_id))
    if encounter.state != S.FAILED:
        raise InvalidStateError(f"Only a failed encounter can be retried (this one is {encounter.state.value}).")
    state = resume_state(has_transcript=store.transcript(encounter_id) is not None,
                         remote_transcript_id=encounter.remote_transcript_id)
    store.clear_cancel(encounter_id)
    store.audit("retry_requested", encounter_id, actor=by.name)
    return store.update(encounter_id, state=state, step="waiting", error=None, attempts=0, retry_at=None)


def cancel(ports: Ports, encounter_id: str, *, by: Viewer) -> None:
    encounter = by.check(ports.store.get(encounter_id))
    if not encounter.state.in_flight:
        raise InvalidStateError(
            f"Only an encounter in progress can be cancelled (this one is {encounter.state.value}).")
    ports.store.request_cancel(encounter_id)
    ports.store.audit("cancel_requested", encounter_id, actor=by.name)


def unfinished(ports: Ports) -> list[str]:
    """Encounters a crash or restart left in flight, oldest first (the worker resumes them)."""
    return [e.id for e in reversed(ports.store.list()) if e.state.in_flight]
