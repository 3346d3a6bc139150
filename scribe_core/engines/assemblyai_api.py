"""AssemblyAI's async transcription API (/v2) on `requests`: upload, create, poll, delete.

Facts and pitfalls come from shared/reference/assemblyai/CONTRACT.md (section numbers cited below).
This module speaks HTTP and JSON only; assemblyai_mapping.py turns responses into domain objects.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from requests.adapters import HTTPAdapter

from ..errors import (
    ConfigurationError,
    DeadlineExceededError,
    RemoteServiceError,
    TranscriptionFailedError,
    UnknownTranscriptError,
)
from ..http import HttpClient, Resend
from .assemblyai_request import TranscriptOptions, validate_keyterms

__all__ = ["DELETED_TEXT", "AssemblyAIClient", "TranscriptOptions", "validate_keyterms"]

log = logging.getLogger(__name__)

DELETED_TEXT = "Deleted by user."  # CONTRACT §2.5: a deleted transcript keeps status "completed"
# An unknown transcript id: 400 in practice, 404 in the spec (CONTRACT §1.4, §8 item 4).
UNKNOWN_ID_STATUS = (400, 404)
UPLOAD_CHUNK_BYTES = 1 << 20


class _LargeBlockAdapter(HTTPAdapter):
    """urllib3 sends a file body in 16 KiB blocks by default; 1 MiB blocks keep uploads CPU-cheap."""

    def init_poolmanager(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["blocksize"] = UPLOAD_CHUNK_BYTES
        super().init_poolmanager(*args, **kwargs)


class _ProgressReader:
    """A file wrapper that reports bytes read; requests streams it in blocks with a Content-Length."""

    def __init__(self, fileobj: BinaryIO, size: int, on_progress: Callable[[int, int], None]) -> None:
        self._f = fileobj
        self._size = size
        self._sent = 0
        self._on_progress = on_progress

    def __len__(self) -> int:
        return self._size

    def read(self, n: int = -1) -> bytes:
        chunk = self._f.read(n if n and n > 0 else UPLOAD_CHUNK_BYTES)
        self._sent += len(chunk)
        self._on_progress(self._sent, self._size)
        return chunk


@dataclass
class AssemblyAIClient:
    """Thin client over /v2. Errors come out as ScribeError subclasses with actionable messages."""

    api_key: str
    base_url: str
    http: HttpClient = field(default_factory=lambda: HttpClient("AssemblyAI", "ASSEMBLYAI_API_KEY"))
    poll_interval_s: float = 3.0
    upload_timeout_s: float = 3600.0

    def __post_init__(self) -> None:
        if not self.api_key:
            raise ConfigurationError(
                "ASSEMBLYAI_API_KEY is not set: add it to your environment, .env file or Streamlit "
                "secrets, or use the offline engine."
            )
        self.base_url = self.base_url.rstrip("/")
        self.http.session.headers["Authorization"] = self.api_key
        self.http.session.mount("http://", _LargeBlockAdapter())
        self.http.session.mount("https://", _LargeBlockAdapter())

    # -- upload ---------------------------------------------------------------------------------
    def upload(self, audio: Path, on_progress: Callable[[int, int], None] | None = None) -> str:
        """Stream the file to /v2/upload; memory stays flat whatever the file size (CONTRACT §2.1)."""
        size = os.path.getsize(audio)
        report = on_progress or (lambda sent, total: None)
        handles: list[BinaryIO] = []

        def fresh_body() -> _ProgressReader:
            # Each retry starts from byte 0 of a freshly opened file.
            for h in handles:
                h.close()
            handles.clear()
            handles.append(open(audio, "rb"))  # noqa: SIM115 - closed after the request, below
            return _ProgressReader(handles[0], size, report)

        try:
            response = self.http.request(
                "POST",
                f"{self.base_url}/v2/upload",
                body_factory=fresh_body,
                headers={"Content-Type": "application/octet-stream"},
                timeout_s=(self.http.timeout_s[0], self.upload_timeout_s),
            )
        finally:
            for h in handles:
                h.close()
        return str(self.http.required(self.http.json_object(response, "upload"), "upload_url", str, "upload"))

    # -- transcripts ----------------------------------------------------------------------------
    def create(self, body: dict) -> dict:
        """POST /v2/transcript, sent once: a repeat could start a second billed job holding the same
        recording. After an ambiguous failure the caller looks in the transcript list instead."""
        response = self.http.request("POST", f"{self.base_url}/v2/transcript", json=body, resend=Resend.NEVER)
        created = self.http.json_object(response, "create transcript")
        self.http.required(created, "id", str, "create transcript")
        return created

    def find_by_audio_url(self, audio_url: str, limit: int = 200) -> dict | None:
        """After an ambiguous create failure: did the server create it anyway? (upload URLs are unique)."""
        response = self.http.request("GET", f"{self.base_url}/v2/transcript", params={"limit": limit})
        listing = self.http.json_object(response, "transcript list")
        for item in self.http.required(listing, "transcripts", list, "transcript list"):
            if isinstance(item, dict) and item.get("audio_url") == audio_url:
                self.http.required(item, "id", str, "transcript list")
                return item
        return None

    def get(self, transcript_id: str) -> dict:
        """GET one transcript; an id the service does not know is recognised by its status code."""
        try:
            response = self.http.request("GET", f"{self.base_url}/v2/transcript/{transcript_id}")
        except RemoteServiceError as exc:
            if exc.status_code in UNKNOWN_ID_STATUS:
                raise UnknownTranscriptError(
                    f"AssemblyAI has no transcript {transcript_id} (deleted, expired or made with another "
                    "API key). Submit the recording again.",
                    status_code=exc.status_code,
                    service="AssemblyAI",
                ) from exc
            raise
        transcript = self.http.json_object(response, "transcript")
        self.http.required(transcript, "status", str, "transcript")
        return transcript

    def wait(
        self,
        transcript_id: str,
        *,
        deadline_s: float,
        on_status: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> dict:
        """Poll until completed or error. Raises DeadlineExceededError; the job keeps running remotely."""
        give_up_at = clock() + deadline_s
        while True:
            transcript = self.get(transcript_id)
            status = transcript.get("status")
            if on_status:
                on_status(status or "unknown")
            if status == "completed":
                return transcript
            if status == "error":
                raise TranscriptionFailedError(
                    f"AssemblyAI could not transcribe this recording: {transcript.get('error') or 'no reason given'}"
                )
            if clock() + self.poll_interval_s > give_up_at:
                raise DeadlineExceededError(
                    f"Transcript {transcript_id} was still {status!r} after {deadline_s:.0f} s. It may "
                    "still finish: resume the encounter later, or raise SCRIBE_POLL_DEADLINE_S."
                )
            self.http.sleep(self.poll_interval_s)

    def delete(self, transcript_id: str) -> tuple[bool, str]:
        """DELETE and read back; returns (confirmed, detail). Confirmed means the text is gone.

        A refused DELETE (400/404: unknown id, or still processing) is settled by the read-back; a
        job that finished in the meantime is deleted once more. At most 2 DELETEs and 2 reads.
        """
        for attempt in (1, 2):
            refused = not self._send_delete(transcript_id)
            try:
                after = self.get(transcript_id)
            except UnknownTranscriptError:
                return True, "transcript no longer exists at AssemblyAI"
            if after.get("text") == DELETED_TEXT and not after.get("words") and not after.get("utterances"):
                return True, "read back as 'Deleted by user.'"
            if not (refused and after.get("status") in ("completed", "error") and attempt == 1):
                break
        return False, f"read back with status {after.get('status')!r}; the text is still stored"

    def _send_delete(self, transcript_id: str) -> bool:
        """True when the service accepted the DELETE; False when it refused it with 400/404."""
        try:
            self.http.request("DELETE", f"{self.base_url}/v2/transcript/{transcript_id}")
        except RemoteServiceError as exc:
            if exc.status_code not in UNKNOWN_ID_STATUS:
                raise
            return False
        return True
