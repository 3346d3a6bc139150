"""The scribe's use cases: submit, process (and resume), correct roles, re-draft, cancel, purge.

Every state change is written to the store before the next step starts, so a process killed at
any moment resumes where it stopped: an encounter caught mid-transcription polls its stored
remote id again and never uploads twice.

    uploaded → transcribing → transcribed → drafting → ready
                                   any step → failed            (with a reason a user can act on)
                                   any state → purged           (tombstone kept)
"""

from __future__ import annotations

import functools
import logging
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from . import audio as audio_probe
from .engines.base import Transcriber, TranscriptionRequest
from .errors import (
    DeadlineExceededError,
    EncounterNotFoundError,
    InvalidStateError,
    RateLimitedError,
    ScribeError,
    ServiceUnavailableError,
)
from .model import (
    DOCTOR,
    PATIENT,
    Encounter,
    EncounterState,
    Note,
    RemoteDeletion,
    Tombstone,
    Transcript,
    utc_now,
)
from .notes.base import NoteWriter
from .notes.templates import get_template
from .store import EncounterStore

log = logging.getLogger(__name__)
S = EncounterState


# Failures that say "not now" rather than "never": the encounter stays in flight and is tried again.
TRANSIENT = (ServiceUnavailableError, RateLimitedError, DeadlineExceededError)
DEFAULT_RETRY_DELAYS_S = (15.0, 30.0, 60.0, 120.0, 240.0)


class Cancelled(ScribeError):
    pass


class StoredCheckpoints:
    """An engine's notes about a job, kept in the store's remote_requests table (kind 'checkpoint:<key>')."""

    def __init__(self, store: EncounterStore, encounter_id: str) -> None:
        self.store, self.encounter_id = store, encounter_id

    def get(self, key: str) -> str | None:
        kind = f"checkpoint:{key}"
        return next((rid for k, rid, _ in self.store.remote_requests(self.encounter_id) if k == kind), None)

    def put(self, key: str, value: str) -> None:
        self.store.add_remote_request(self.encounter_id, f"checkpoint:{key}", value)


@dataclass
class Scribe:
    store: EncounterStore
    # Engines and writers are built on first use: the offline models are heavy.
    transcribers: dict[str, Callable[[], Transcriber]]
    writer_for_engine: Callable[[str], NoteWriter]
    default_engine: str
    progress_interval_s: float = 0.5
    clock: Callable[[], float] = time.monotonic
    retry_delays_s: tuple[float, ...] = DEFAULT_RETRY_DELAYS_S

    # -- submit ---------------------------------------------------------------------------------
    def submit(
        self,
        audio: BinaryIO | Path,
        source_name: str,
        *,
        engine: str | None = None,
        keyterms: list[str] | tuple[str, ...] = (),
        context: str = "",
        template: str = "soap",
        owner: str | None = None,
    ) -> Encounter:
        """Validate and store a recording as a new encounter (state `uploaded`); no remote call yet."""
        engine = engine or self.default_engine
        if engine not in self.transcribers:
            raise ScribeError(f"Unknown engine {engine!r}; choose one of: {', '.join(self.transcribers)}")
        get_template(template)
        suffix = Path(source_name).suffix.lower() or ".audio"
        # The upload is checked in a private staging file; only a real recording is encrypted into
        # the store, and a rejected one leaves nothing behind.
        staged = self.store.staging_file(suffix)
        try:
            if isinstance(audio, Path):
                shutil.copyfile(audio, staged)
            else:
                with open(staged, "wb") as out:
                    shutil.copyfileobj(audio, out, length=1 << 20)
            try:
                info = audio_probe.probe(staged)
            except ScribeError:
                self.store.audit("rejected_upload")
                raise
            encounter = Encounter(
                id=uuid.uuid4().hex[:12], created=utc_now(), source_name=Path(source_name).name, engine=engine,
                keyterms=[k.strip() for k in keyterms if k.strip()], context=context, template=template,
                owner=owner, step="waiting", duration_s=info.duration_s,
            )
            with open(staged, "rb") as f:
                self.store.add(encounter, f, suffix)
        finally:
            staged.unlink(missing_ok=True)
        self.store.audit("submitted", encounter.id, actor=owner, remote_result=f"engine={engine}")
        return encounter

    # -- process --------------------------------------------------------------------------------
    def process(self, encounter_id: str) -> Encounter:
        """Run (or resume) an encounter to `ready` or `failed`. Safe to call again after a crash."""
        encounter = self.store.get(encounter_id)
        try:
            return self._run(encounter)
        except EncounterNotFoundError:
            # Purged while it was being processed: nothing may be written back. A remote job that
            # refused deletion while it was running is deleted now, and the tombstone says so.
            purged = self.store.get(encounter_id)
            unconfirmed = {r.remote_id for t in self.store.tombstones() if t.encounter_id == encounter_id
                           for r in t.remote if r.what == "transcript" and not r.confirmed}
            if purged.remote_transcript_id in unconfirmed:
                deletion = self._delete_remote_transcript(purged)
                if deletion is not None and deletion.confirmed:
                    self.store.amend_tombstone(encounter_id, deletion)
                    self.store.audit("remote_transcript_deleted", encounter_id, remote_result=_describe(deletion))
            return purged

    def _run(self, encounter: Encounter) -> Encounter:
        encounter_id = encounter.id
        try:
            if encounter.state in (S.UPLOADED, S.TRANSCRIBING):
                encounter = self._transcribe(encounter)
            if encounter.state in (S.TRANSCRIBED, S.DRAFTING):
                encounter = self._draft(encounter)
        except TRANSIENT as exc:
            encounter = self._retry_later(encounter_id, exc)
        except Cancelled:
            encounter = self._fail(encounter_id, "Cancelled by the user.", cancelled=True)
            if encounter.remote_transcript_id:
                # Best effort: a job still processing remotely may refuse; purge retries later.
                deletion = self._delete_remote_transcript(encounter)
                if deletion is not None:
                    self.store.audit("remote_transcript_deleted", encounter_id, remote_result=_describe(deletion))
        except ScribeError as exc:
            encounter = self._fail(encounter_id, str(exc))
        except Exception as exc:  # a bug: keep the message out of the store (it may quote data)
            log.exception("encounter %s: unexpected %s", encounter_id, type(exc).__name__)
            encounter = self._fail(
                encounter_id, f"Unexpected internal error ({type(exc).__name__}); retry, or report it."
            )
        return encounter

    def _retry_later(self, encounter_id: str, exc: ScribeError) -> Encounter:
        """Keep the encounter in flight and schedule another try, or fail it once the schedule is spent."""
        encounter = self.store.get(encounter_id)
        if self.store.cancel_requested(encounter_id):
            return self._fail(encounter_id, "Cancelled by the user.", cancelled=True)
        if encounter.attempts >= len(self.retry_delays_s):
            waited_min = sum(self.retry_delays_s) / 60
            return self._fail(encounter_id, f"{exc} Gave up after {encounter.attempts + 1} tries over "
                                            f"{waited_min:.0f} min; use Retry when the service is back.")
        delay = self.retry_delays_s[encounter.attempts]
        self.store.audit("retry_scheduled", encounter_id, remote_result=f"{type(exc).__name__}; in {delay:g} s")
        return self.store.update(encounter_id, attempts=encounter.attempts + 1, error=str(exc),
                                 retry_at=utc_now() + timedelta(seconds=delay), step="waiting to retry",
                                 progress=None)

    def retry(self, encounter_id: str) -> Encounter:
        """Put a failed encounter back in flight from where it stopped (never re-uploading a stored job)."""
        encounter = self.store.get(encounter_id)
        if encounter.state != S.FAILED:
            raise InvalidStateError(f"Only a failed encounter can be retried (this one is {encounter.state.value}).")
        if self.store.transcript(encounter_id) is not None:
            state = S.TRANSCRIBED
        elif encounter.remote_transcript_id:
            state = S.TRANSCRIBING
        else:
            state = S.UPLOADED
        self.store.clear_cancel(encounter_id)
        self.store.audit("retry_requested", encounter_id)
        return self.store.update(encounter_id, state=state, step="waiting", error=None, attempts=0, retry_at=None)

    def _request(self, encounter: Encounter) -> TranscriptionRequest:
        return TranscriptionRequest(keyterms=list(encounter.keyterms),
                                    checkpoints=StoredCheckpoints(self.store, encounter.id))

    def _transcribe(self, encounter: Encounter) -> Encounter:
        engine = self.transcribers[encounter.engine]()
        request = self._request(encounter)
        progress = self._progress_reporter(encounter.id)
        job_id = encounter.remote_transcript_id
        # The engine reads a decrypted copy that exists only for the length of this block.
        with self.store.plain_audio(encounter.id) as audio:
            if job_id is None:
                encounter = self.store.update(
                    encounter.id, state=S.TRANSCRIBING, step="starting", progress=None, error=None
                )
                job_id = engine.submit(audio, request, progress)
                encounter = self.store.update(encounter.id, remote_transcript_id=job_id)
                self.store.audit("transcription_started", encounter.id, remote_result=f"{engine.name}:{job_id}")
            else:
                self.store.audit("transcription_resumed", encounter.id, remote_result=f"{engine.name}:{job_id}")
            transcript = engine.wait(job_id, audio, request, progress)
        self._check_cancel(encounter.id)  # cancelled or purged while the engine worked
        self.store.save_transcript(encounter.id, transcript)
        self.store.audit("transcribed", encounter.id)
        changes: dict = {"state": S.TRANSCRIBED, "step": "transcribed", "progress": None, "error": None,
                         "attempts": 0, "retry_at": None}
        if transcript.duration_s:
            changes["duration_s"] = transcript.duration_s
        return self.store.update(encounter.id, **changes)

    def _draft(self, encounter: Encounter) -> Encounter:
        transcript = self.store.transcript(encounter.id)
        if transcript is None:
            raise InvalidStateError("The transcript is missing; submit the recording again.")
        self._check_cancel(encounter.id)
        encounter = self.store.update(encounter.id, state=S.DRAFTING, step="drafting", progress=None)
        writer = self.writer_for_engine(encounter.engine)
        result = writer.draft(transcript, get_template(encounter.template), encounter.context)
        for request_id in result.remote_request_ids:
            confirmed = any(d.remote_id == request_id and d.confirmed for d in result.remote_deletions)
            self.store.add_remote_request(encounter.id, "llm_request", request_id, deleted=confirmed)
        for deletion in result.remote_deletions:
            self.store.audit("llm_request_deleted", encounter.id, remote_result=_describe(deletion))
        self.store.save_note(encounter.id, result.note)
        self.store.audit("note_drafted", encounter.id, remote_result=writer.name)
        return self.store.update(encounter.id, state=S.READY, step="ready", error=None, attempts=0, retry_at=None)

    def _fail(self, encounter_id: str, reason: str, *, cancelled: bool = False) -> Encounter:
        self.store.audit("cancelled" if cancelled else "failed", encounter_id)
        return self.store.update(encounter_id, state=S.FAILED, step="cancelled" if cancelled else "failed",
                                 error=reason, progress=None, retry_at=None)

    def _progress_reporter(self, encounter_id: str) -> Callable[[str, float | None], None]:
        """Persist progress at most every progress_interval_s (and on each new step); honour cancel."""
        last = {"step": None, "at": -1e9}

        def report(step: str, fraction: float | None = None) -> None:
            now = self.clock()
            if step == last["step"] and now - last["at"] < self.progress_interval_s:
                return
            last.update(step=step, at=now)
            self._check_cancel(encounter_id)
            self.store.update(encounter_id, step=step, progress=fraction)

        return report

    def _check_cancel(self, encounter_id: str) -> None:
        if self.store.cancel_requested(encounter_id):
            raise Cancelled("Cancelled by the user.")

    def unfinished(self) -> list[str]:
        """Encounters a crash or restart left in flight, oldest first (the worker resumes them)."""
        return [e.id for e in reversed(self.store.list()) if e.state.in_flight]

    # -- corrections ----------------------------------------------------------------------------
    def swap_roles(self, encounter_id: str) -> Transcript:
        """Swap Doctor and Patient throughout, e.g. when diarization guessed them the wrong way round."""
        transcript = self._transcript(encounter_id)
        swap = {DOCTOR: PATIENT, PATIENT: DOCTOR}
        for u in transcript.utterances:
            u.role = swap.get(u.role, u.role)
            for w in u.words:
                w.speaker = swap.get(w.speaker, w.speaker) if w.speaker else w.speaker
        transcript.roles_confirmed = True
        self.store.save_transcript(encounter_id, transcript)
        self.store.audit("roles_swapped", encounter_id)
        return transcript

    def confirm_roles(self, encounter_id: str) -> Transcript:
        """A clinician checked the Doctor/Patient labels and they are right as they are."""
        transcript = self._transcript(encounter_id)
        transcript.roles_confirmed = True
        self.store.save_transcript(encounter_id, transcript)
        self.store.audit("roles_confirmed", encounter_id)
        return transcript

    def set_role(self, encounter_id: str, utterance_id: str, role: str) -> Transcript:
        transcript = self._transcript(encounter_id)
        utterance = transcript.by_id(utterance_id)
        if utterance is None:
            raise ScribeError(f"No utterance {utterance_id} in this transcript.")
        utterance.role = role
        for w in utterance.words:
            w.speaker = role
        self.store.save_transcript(encounter_id, transcript)
        self.store.audit("role_corrected", encounter_id, remote_result=utterance_id)
        return transcript

    def redraft(self, encounter_id: str, template: str | None = None) -> Encounter:
        """Write the note again from the (corrected) transcript, synchronously."""
        encounter = self.store.get(encounter_id)
        if encounter.state not in (S.READY, S.FAILED, S.TRANSCRIBED) or self.store.transcript(encounter_id) is None:
            raise InvalidStateError("The note can be re-drafted once the transcript is ready.")
        if template:
            get_template(template)
            encounter = self.store.update(encounter_id, template=template)
        encounter = self.store.update(encounter_id, state=S.TRANSCRIBED, error=None)
        return self.process(encounter_id)

    def save_note(self, encounter_id: str, note: Note) -> None:
        note.edited = True
        self.store.save_note(encounter_id, note)
        self.store.audit("note_edited", encounter_id)

    def _transcript(self, encounter_id: str) -> Transcript:
        transcript = self.store.transcript(encounter_id)
        if transcript is None:
            raise InvalidStateError("This encounter has no transcript yet.")
        return transcript

    # -- cancel and purge -----------------------------------------------------------------------
    def cancel(self, encounter_id: str) -> None:
        encounter = self.store.get(encounter_id)
        if not encounter.state.in_flight:
            raise InvalidStateError(
                f"Only an encounter in progress can be cancelled (this one is {encounter.state.value})."
            )
        self.store.request_cancel(encounter_id)
        self.store.audit("cancel_requested", encounter_id)

    def purge(self, encounter_id: str, *, reason: str = "user") -> Tombstone:
        """Delete the remote transcript (verified), the LLM requests and every local file; keep a tombstone."""
        encounter = self.store.get(encounter_id)
        if encounter.state == S.PURGED:
            raise EncounterNotFoundError(f"Encounter {encounter_id} was already purged.")
        if encounter.state.in_flight:
            self.store.request_cancel(encounter_id)
        remote: list[RemoteDeletion] = []
        if encounter.remote_transcript_id and encounter.engine in self.transcribers:
            remote.append(self._delete_remote_transcript(encounter))
        writer = None
        transcript_deleted = any(r and r.what == "transcript" and r.confirmed for r in remote)
        for kind, request_id, deleted in self.store.remote_requests(encounter_id):
            if kind == "checkpoint:upload":
                # AssemblyAI deletes an upload together with its transcript; an upload no transcript
                # used has no delete endpoint and expires with the account's TTL.
                remote.append(RemoteDeletion("upload", request_id, transcript_deleted,
                                             "deleted with the transcript" if transcript_deleted
                                             else "no delete endpoint; expires with AssemblyAI's retention TTL"))
                continue
            if kind.startswith("checkpoint:"):
                continue
            if deleted:
                remote.append(RemoteDeletion(kind, request_id, True, "deleted right after drafting"))
                continue
            writer = writer or self.writer_for_engine(encounter.engine)
            remote.append(_safe_delete(functools.partial(writer.forget, request_id), kind, request_id))
        remote = [r for r in remote if r is not None]
        tombstone = Tombstone(encounter_id, encounter.created, utc_now(), reason, [], remote)
        tombstone.deleted = self.store.erase(encounter_id, tombstone)
        for r in remote:
            self.store.audit(f"remote_{r.what}_deleted", encounter_id, remote_result=_describe(r))
        self.store.audit("purged", encounter_id, remote_result=f"reason={reason}; local={','.join(tombstone.deleted)}")
        return tombstone

    def _delete_remote_transcript(self, encounter: Encounter) -> RemoteDeletion | None:
        engine = self.transcribers[encounter.engine]()
        job_id = encounter.remote_transcript_id
        return _safe_delete(functools.partial(engine.delete, job_id), "transcript", job_id)

    def purge_expired(self, retention_hours: float, *, now: datetime | None = None) -> list[Tombstone]:
        """Purge, locally and remotely, every encounter created more than `retention_hours` ago."""
        if retention_hours <= 0:
            return []
        cutoff = (now or utc_now()) - timedelta(hours=retention_hours)
        expired = [e for e in self.store.list() if e.created < cutoff]
        return [self.purge(e.id, reason="retention") for e in expired]

    def purge_all(self, *, owner: str | None = None, reason: str = "user") -> list[Tombstone]:
        return [self.purge(e.id, reason=reason) for e in self.store.list(owner=owner)]


def _safe_delete(call: Callable[[], RemoteDeletion | None], what: str, remote_id: str) -> RemoteDeletion | None:
    """A remote deletion that fails is recorded as unconfirmed, never silently dropped."""
    try:
        return call()
    except ScribeError as exc:
        return RemoteDeletion(what, remote_id, False, f"not confirmed: {exc}")


def _describe(d: RemoteDeletion) -> str:
    return f"{d.what} {d.remote_id}: {'confirmed' if d.confirmed else 'NOT confirmed'} ({d.detail})"
