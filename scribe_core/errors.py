"""Every failure the scribe reports, as one tree of exceptions.

    ScribeError                    base: `str(err)` is a message a clinic user can act on
    ├── ConfigurationError         a setting is missing or wrong (names the setting)
    ├── InvalidAudioError          the file is not usable audio (says why)
    ├── RemoteServiceError         a remote API failed; carries `status_code`
    │   ├── AuthenticationError    401/403: the key is wrong or lacks access
    │   ├── RateLimitedError       429 retried until the budget ran out
    │   ├── ServiceUnavailableError 5xx / connection errors retried until the budget ran out
    │   ├── MalformedResponseError  the service answered with a body the scribe cannot read
    │   └── UnknownTranscriptError  the remote id does not exist (any more)
    ├── TranscriptionFailedError   the engine finished the job with an error (its own text)
    ├── DeadlineExceededError      a job did not finish in time (the job may still be running)
    ├── NoteDraftError             the note writer produced no valid note
    ├── EncounterUnavailableError  an encounter cannot be shown or changed for this user:
    │   ├── EncounterNotFoundError     no such encounter in the store
    │   │   └── EncounterPurgedError   it was purged (carries `purged_at`)
    │   └── AccessDeniedError          it belongs to someone else (or the page is for admins only)
    ├── InvalidStateError          the action does not fit the encounter's state
    └── Cancelled                  the user cancelled the encounter while it was being processed

Errors are raised at the edge where they happen (HTTP, the engine, the store) and never carry
patient text or secrets: messages name ids, settings and status codes only.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo


class ScribeError(Exception):
    """Base class; the message says what to do next."""


class ConfigurationError(ScribeError):
    pass


class InvalidAudioError(ScribeError):
    pass


class RemoteServiceError(ScribeError):
    def __init__(self, message: str, *, status_code: int | None = None, service: str = "") -> None:
        super().__init__(message)
        self.status_code = status_code
        self.service = service


class AuthenticationError(RemoteServiceError):
    pass


class RateLimitedError(RemoteServiceError):
    def __init__(self, message: str, *, status_code: int | None = None, service: str = "",
                 retry_after_s: float | None = None) -> None:
        super().__init__(message, status_code=status_code, service=service)
        self.retry_after_s = retry_after_s  # what the server asked for, when it said


class ServiceUnavailableError(RemoteServiceError):
    pass


class MalformedResponseError(RemoteServiceError):
    pass


class UnknownTranscriptError(RemoteServiceError):
    pass


class TranscriptionFailedError(ScribeError):
    pass


class DeadlineExceededError(ScribeError):
    pass


class NoteDraftError(ScribeError):
    pass


class EncounterUnavailableError(ScribeError):
    """The pages show `str(err)` in place of the encounter, and nothing else."""


class EncounterNotFoundError(EncounterUnavailableError):
    pass


class EncounterPurgedError(EncounterNotFoundError):
    def __init__(self, message: str, *, encounter_id: str, purged_at: datetime | None) -> None:
        super().__init__(message)
        self.encounter_id = encounter_id
        self.purged_at = purged_at

    @staticmethod
    def gone(purged_at: datetime | None, zone: tzinfo | None = UTC) -> str:
        """What a page or the command line says in place of a purged encounter, the time in `zone`
        (named, so it is never read in the wrong one)."""
        local = purged_at.astimezone(zone) if purged_at else None
        on = f" on {local:%d %b %Y at %H:%M} {local.tzname()}" if local else ""
        return f"This encounter was purged{on}: its recording, transcript and note no longer exist."


class AccessDeniedError(EncounterUnavailableError):
    pass


class InvalidStateError(ScribeError):
    pass


class Cancelled(ScribeError):
    pass
