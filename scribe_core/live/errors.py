"""What can go wrong while streaming a live visit, each with a message a clinic user can act on.

    LiveStreamError                 base; `code` is the WebSocket close or error code when there is one,
    │                               `retriable` says whether a new session may fix it
    ├── StreamRefusedError          1008 / 3009 / 4001-4003: key, account or too many sessions
    ├── StreamSessionTooLongError   3008: the 3-hour limit (a new session continues the visit)
    ├── StreamServerError           1011 / 3005 and other server-side failures (retried)
    ├── StreamProtocolError         3006 / 3007: our client broke the contract (a bug: not retried)
    └── StreamConnectionLostError   the socket dropped or never opened (retried)

Whatever happens, the recording continues locally: the final transcript is made from it at stop.
"""

from __future__ import annotations

from ..errors import ScribeError

_AFTER = " The recording continues; the transcript will be made from it when you stop."


class LiveStreamError(ScribeError):
    retriable = False

    def __init__(self, message: str, *, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class StreamRefusedError(LiveStreamError):
    pass


class StreamSessionTooLongError(LiveStreamError):
    retriable = True


class StreamServerError(LiveStreamError):
    retriable = True


class StreamProtocolError(LiveStreamError):
    pass


class StreamConnectionLostError(LiveStreamError):
    retriable = True


def error_for_close(code: int | None, reason: str = "") -> LiveStreamError:
    """The typed error for a close code or Error event from the streaming service (CONTRACT §4.5)."""
    said = f" (the service said: {reason[:120]})" if reason else ""
    if code in (1008, 3009, 4102) and "concurrent" in reason.lower() or code in (3009, 4102):
        return StreamRefusedError(
            f"AssemblyAI refused the live transcript: too many live sessions at once on this account ({code}). "
            f"Finish another live visit or raise the account's concurrency limit.{_AFTER}", code=code)
    if code in (1008, 4001, 4002, 4003):
        return StreamRefusedError(
            f"AssemblyAI refused the live transcript ({code}){said}: check ASSEMBLYAI_API_KEY and that the "
            f"account is active and funded.{_AFTER}", code=code)
    if code == 3008:
        return StreamSessionTooLongError(
            "The live transcript reached AssemblyAI's 3-hour session limit (3008); a new session continues it.",
            code=code)
    if code in (3006, 3007, 4101):
        return StreamProtocolError(
            f"The live transcript stopped: AssemblyAI rejected what this app sent ({code}){said}. This is a bug "
            f"in the app; please report it.{_AFTER}", code=code)
    if code is None or code == 1006:
        return StreamConnectionLostError(
            f"The connection to AssemblyAI's live transcription dropped{said}; reconnecting.", code=code)
    return StreamServerError(
        f"AssemblyAI's live transcription had a server error ({code}){said}; reconnecting.", code=code)
