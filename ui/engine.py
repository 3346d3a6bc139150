"""What the sidebar says about engines and settings (never a secret's value)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from urllib.parse import urlparse

from scribe_core.bootstrap import Services
from scribe_core.config import Secret, Settings

from .labels import engine_name

# Settings field → the environment variable that sets it (scribe_core.config.Settings.from_env).
ENV_VARS = {
    "assemblyai_api_key": "ASSEMBLYAI_API_KEY",
    "assemblyai_base_url": "ASSEMBLYAI_BASE_URL",
    "llm_gateway_base_url": "LLM_GATEWAY_BASE_URL",
    "llm_model": "LLM_MODEL",
    "llm_api_key": "LLM_API_KEY",
    "data_dir": "SCRIBE_DATA_DIR",
    "engine": "SCRIBE_ENGINE",
    "note_writer": "SCRIBE_NOTE_WRITER",
    "speech_models": "ASSEMBLYAI_SPEECH_MODELS",
    "medical_mode": "ASSEMBLYAI_MEDICAL_MODE",
    "redact_pii": "SCRIBE_REDACT_PII",
    "eu_region": "ASSEMBLYAI_EU",
    "poll_interval_s": "SCRIBE_POLL_INTERVAL_S",
    "poll_deadline_s": "SCRIBE_POLL_DEADLINE_S",
    "whisper_model_dir": "SCRIBE_WHISPER_MODEL_DIR",
    "encryption_key": "SCRIBE_ENCRYPTION_KEY",
    "retention_hours": "SCRIBE_RETENTION_HOURS",
}


@dataclass(frozen=True)
class EngineInfo:
    engine: str
    label: str
    audio_leaves: bool
    audio_goes_to: str  # a host name, or "" when audio stays here
    writer_label: str
    text_leaves: bool
    text_goes_to: str


def _host(url: str) -> str:
    return urlparse(url).netloc or url


def engine_info(services: Services, engine: str | None = None) -> EngineInfo:
    """Where an engine's audio and transcript text go, read from settings without building engines."""
    settings = services.settings
    engine = engine or settings.default_engine
    if engine == "assemblyai":
        audio_leaves, audio_to = True, _host(settings.assemblyai_base_url)
    elif engine == "offline":
        audio_leaves, audio_to = False, ""
    else:  # an engine plugged in by the caller (tests): ask it
        transcriber = services.scribe.transcribers[engine]()
        audio_leaves, audio_to = bool(getattr(transcriber, "sends_audio_off_device", True)), transcriber.name
    uses_llm = settings.note_writer == "llm" or (settings.note_writer == "" and engine == "assemblyai")
    if engine in ("assemblyai", "offline"):
        if uses_llm:
            url = settings.llm_gateway_base_url
            writer, text_leaves, text_to = f"LLM ({settings.llm_model})", True, _host(url)
        else:
            writer, text_leaves, text_to = "Extractive (quotes the transcript)", False, ""
    else:
        w = services.scribe.writer_for_engine(engine)
        writer, text_leaves, text_to = w.name, bool(getattr(w, "sends_text_off_device", True)), w.name
    return EngineInfo(engine, engine_name(engine), audio_leaves, audio_to, writer, text_leaves, text_to)


def usable_engines(services: Services) -> list[str]:
    """Engines a user may pick: AssemblyAI only with a key; the default engine first."""
    names = [n for n in services.scribe.transcribers
             if n != "assemblyai" or services.settings.assemblyai_api_key]
    default = services.settings.default_engine
    return sorted(names, key=lambda n: n != default)


def settings_rows(settings: Settings) -> list[dict[str, str]]:
    """One row per setting: env var, whether it is configured, and a value safe to show."""
    default = Settings(data_dir=settings.data_dir)  # data_dir's default depends on $HOME: compare the rest
    shown = dict(settings.describe())
    rows = []
    for f in fields(settings):
        value = getattr(settings, f.name)
        if isinstance(value, Secret):
            status, text = ("✓ set" if value else "✗ not set"), ""
        else:
            status = "default" if value == getattr(default, f.name) else "✓ configured"
            text = shown[f.name] or "(automatic)"
        if f.name == "data_dir":
            status = "✓ configured" if str(value) != str(Settings().data_dir) else "default"
        rows.append({"setting": ENV_VARS.get(f.name, f.name.upper()), "status": status, "value": text})
    return rows
