"""`OfflineTranscriber`: the Transcriber port implemented entirely on this machine.

Audio never leaves the device: faster-whisper (Whisper base, int8) for words, numpy Resemblyzer
d-vectors for speakers, Presidio + spaCy small for PII. No step opens a network connection (a
test runs the whole engine under a socket guard). `submit` only mints an id, so after a restart
the pipeline simply calls `wait` again and the job re-runs on the stored audio.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from ...config import Settings
from ...errors import InvalidAudioError, ScribeError, TranscriptionFailedError
from ...model import Transcript
from ..base import ProgressFn, TranscriptionRequest, no_progress
from .asr import decode_audio
from .pipeline import OfflinePipeline, StageTimes


class OfflineTranscriber:
    # Capabilities (scribe_core.providers): nothing leaves this machine.
    name = "offline"
    label = "Offline (this machine)"
    sends_audio_off_device = False
    sends_text_off_device = False
    key_setting: str | None = None
    endpoint_setting: str | None = None

    def __init__(self, settings: Settings, *, pipeline: OfflinePipeline | None = None) -> None:
        # No model is touched here: construction must stay cheap (the UI builds services at start).
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        self.settings = settings
        self.pipeline = pipeline or OfflinePipeline(data_dir=Path(settings.data_dir),
                                                    model_dir_override=settings.whisper_model_dir)
        self.last_times: StageTimes | None = None

    def submit(self, audio: Path, request: TranscriptionRequest, progress: ProgressFn = no_progress) -> str:
        if not Path(audio).is_file():
            raise InvalidAudioError(f"Audio file {Path(audio).name} does not exist")
        progress("queued", None)
        return f"local-{uuid.uuid4().hex}"

    def wait(self, job_id: str, audio: Path, request: TranscriptionRequest,
             progress: ProgressFn = no_progress) -> Transcript:
        samples = decode_audio(Path(audio))
        times = StageTimes()
        try:
            transcript = self.pipeline.process(samples, request, progress, times)
        except ScribeError:
            raise
        except Exception as exc:  # translate at the edge; the message carries no patient text
            raise TranscriptionFailedError(
                f"Offline transcription of job {job_id} failed ({type(exc).__name__}); "
                "check the logs, or try the file again"
            ) from exc
        self.last_times = times
        return transcript

    def delete(self, job_id: str) -> None:
        return None  # nothing was stored anywhere but this machine
