"""Deleting what the remote services hold of an encounter; a failed deletion is recorded, never dropped."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path

from .. import providers
from ..engines.base import TranscriptionRequest, no_progress
from ..errors import ScribeError
from ..model import Encounter, RemoteDeletion
from .ports import Ports


def keeps_remote_copy(ports: Ports, engine: str) -> bool:
    """Whether an engine keeps the recording at a remote service: the registered class says so without
    being built; an engine plugged in by the caller is asked; when in doubt, yes."""
    return providers.sends_off_machine("engine", engine, "audio", ports.transcribers.get(engine))


def delete_remote_transcript(ports: Ports, encounter: Encounter) -> RemoteDeletion | None:
    engine = ports.transcribers[encounter.engine]()
    job_id = encounter.remote_transcript_id
    if job_id is None:
        return None
    return safe_delete(functools.partial(engine.delete, job_id), "transcript", job_id)


def delete_transcript_once_stopped(ports: Ports, engine_name: str, job_id: str) -> RemoteDeletion | None:
    """Delete a remote job, waiting for it to stop first if the service refuses while it runs.

    AssemblyAI cannot cancel a job and refuses to delete one still processing, so the job is polled
    (within the engine's own deadline) until it completes or fails, its result dropped unread, and
    deleted then. A deletion still unconfirmed after that stays pending in the tombstone, for the
    worker's sweep (`delete_pending_transcripts`).
    """
    engine = ports.transcribers[engine_name]()
    deletion = safe_delete(functools.partial(engine.delete, job_id), "transcript", job_id)
    if deletion is None or deletion.confirmed:
        return deletion
    try:
        # The engine reads no audio when it only polls a job that exists; the result is dropped.
        engine.wait(job_id, Path(os.devnull), TranscriptionRequest(), no_progress)
    except ScribeError:
        pass  # failed or still running at the deadline: try the deletion anyway, it says which
    return safe_delete(functools.partial(engine.delete, job_id), "transcript", job_id)


def safe_delete(call: Callable[[], RemoteDeletion | None], what: str, remote_id: str) -> RemoteDeletion | None:
    try:
        return call()
    except ScribeError as exc:
        return RemoteDeletion(what, remote_id, False, f"not confirmed: {exc}")


def describe(d: RemoteDeletion) -> str:
    return f"{d.what} {d.remote_id}: {'confirmed' if d.confirmed else 'NOT confirmed'} ({d.detail})"
