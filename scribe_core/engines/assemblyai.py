"""The AssemblyAI engine: the Transcriber port over AssemblyAIClient."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from ..config import Settings
from ..errors import MalformedResponseError, ServiceUnavailableError
from ..http import HttpClient
from ..model import RemoteDeletion, Transcript
from .assemblyai_api import AssemblyAIClient
from .assemblyai_mapping import to_transcript
from .assemblyai_request import TranscriptOptions
from .base import ProgressFn, TranscriptionRequest

UPLOAD_CHECKPOINT = "upload"

# AssemblyAI status → the word the status page shows.
STEP_WORDS = {"queued": "queued", "processing": "processing", "completed": "transcribed", "error": "failed"}


class AssemblyAITranscriber:
    # Capabilities (scribe_core.providers): the recording and its transcript live at AssemblyAI until purged.
    name = "assemblyai"
    label = "AssemblyAI (cloud)"
    sends_audio_off_device = True
    sends_text_off_device = True
    key_setting: str | None = "ASSEMBLYAI_API_KEY"
    endpoint_setting: str | None = "assemblyai_base_url"

    def __init__(
        self,
        settings: Settings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self._monotonic = monotonic
        self.client = AssemblyAIClient(
            api_key=settings.assemblyai_api_key.reveal(),
            base_url=settings.assemblyai_base_url,
            http=HttpClient("AssemblyAI", "ASSEMBLYAI_API_KEY", sleep=sleep, clock=clock),
            poll_interval_s=settings.poll_interval_s,
        )

    def options(self, request: TranscriptionRequest) -> TranscriptOptions:
        return TranscriptOptions(
            speech_models=self.settings.speech_models,
            roles=request.roles,
            speakers_expected=request.speakers_expected,
            keyterms=request.keyterms,
            medical_mode=request.medical_mode and self.settings.medical_mode,
            redact_pii=request.redact_pii and self.settings.redact_pii,
            language_code=request.language_code,
        )

    def submit(self, audio: Path, request: TranscriptionRequest, progress: ProgressFn) -> str:
        """Upload (once) and create the transcript (once), even across crashes and broken connections.

        The upload URL is checkpointed before create is called. Upload URLs are unique, so after a
        crash or an ambiguous failure the transcript list tells whether create already happened.
        """
        body_options = self.options(request)  # validate settings before spending an upload
        body_options.request_body("https://placeholder")
        upload_url = request.checkpoints.get(UPLOAD_CHECKPOINT)
        if upload_url:
            existing = self.client.find_by_audio_url(upload_url)
            if existing is not None:
                return existing["id"]
        else:
            progress("uploading", 0.0)
            upload_url = self.client.upload(
                audio, on_progress=lambda sent, total: progress("uploading", sent / total if total else None)
            )
            request.checkpoints.put(UPLOAD_CHECKPOINT, upload_url)
        body = body_options.request_body(upload_url)
        try:
            created = self.client.create(body)  # sent once per job attempt, never resent
        except (ServiceUnavailableError, MalformedResponseError):
            # A 5xx, a connection broken after sending or an unreadable answer: the transcript may
            # exist anyway. If the list does not show it, this job attempt ends; the next one (the
            # pipeline's retry schedule) looks again before creating.
            existing = self.client.find_by_audio_url(upload_url)
            if existing is not None:
                return str(existing["id"])
            raise
        return str(created["id"])

    def wait(
        self, job_id: str, audio: Path, request: TranscriptionRequest, progress: ProgressFn
    ) -> Transcript:
        raw = self.client.wait(
            job_id,
            deadline_s=self.settings.poll_deadline_s,
            on_status=lambda status: progress(STEP_WORDS.get(status, status), None),
            clock=self._monotonic,
        )
        return to_transcript(raw, request.roles)

    def delete(self, job_id: str) -> RemoteDeletion:
        confirmed, detail = self.client.delete(job_id)
        return RemoteDeletion(what="transcript", remote_id=job_id, confirmed=confirmed, detail=detail)
