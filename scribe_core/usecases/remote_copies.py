"""Deleting what the remote services hold of an encounter; a failed deletion is recorded, never dropped."""

from __future__ import annotations

import functools
from collections.abc import Callable

from ..errors import ScribeError
from ..model import Encounter, RemoteDeletion
from .ports import Ports


def delete_remote_transcript(ports: Ports, encounter: Encounter) -> RemoteDeletion | None:
    engine = ports.transcribers[encounter.engine]()
    job_id = encounter.remote_transcript_id
    if job_id is None:
        return None
    return safe_delete(functools.partial(engine.delete, job_id), "transcript", job_id)


def safe_delete(call: Callable[[], RemoteDeletion | None], what: str, remote_id: str) -> RemoteDeletion | None:
    try:
        return call()
    except ScribeError as exc:
        return RemoteDeletion(what, remote_id, False, f"not confirmed: {exc}")


def describe(d: RemoteDeletion) -> str:
    return f"{d.what} {d.remote_id}: {'confirmed' if d.confirmed else 'NOT confirmed'} ({d.detail})"
