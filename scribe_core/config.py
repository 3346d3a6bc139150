"""Settings, read once from the environment, a `.env` file or Streamlit secrets.

Nothing here does work at import time. Secrets are held in `Secret` so that printing, logging or
repr-ing a Settings object never shows them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from .errors import ConfigurationError

ASSEMBLYAI_US = "https://api.assemblyai.com"
ASSEMBLYAI_EU = "https://api.eu.assemblyai.com"
GATEWAY_US = "https://llm-gateway.assemblyai.com/v1"
GATEWAY_EU = "https://llm-gateway.eu.assemblyai.com/v1"

# AssemblyAI's model line-up churns (CONTRACT §7.1); the first available model in the list runs.
DEFAULT_SPEECH_MODELS = ("universal-3-pro", "universal-2")
# Claude/Gemini models keep no data under a BAA; OpenAI models keep 30-day abuse logs.
DEFAULT_LLM_MODEL = "claude-haiku-4-5-20251001"


class Secret:
    """A string that never shows itself in repr/str/logs."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('********')" if self._value else "Secret('')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "ai-scribe"


@dataclass(frozen=True)
class Settings:
    assemblyai_api_key: Secret = field(default_factory=lambda: Secret(""))
    assemblyai_base_url: str = ASSEMBLYAI_US
    llm_gateway_base_url: str = GATEWAY_US
    llm_model: str = DEFAULT_LLM_MODEL
    # Key for the note writer's endpoint; falls back to the AssemblyAI key (the Gateway uses it).
    llm_api_key: Secret = field(default_factory=lambda: Secret(""))
    data_dir: Path = field(default_factory=default_data_dir)
    engine: str = ""  # "" = automatic: assemblyai with a key, offline without
    note_writer: str = ""  # "" = automatic: llm when an endpoint is usable, extractive otherwise
    speech_models: tuple[str, ...] = DEFAULT_SPEECH_MODELS
    medical_mode: bool = True
    redact_pii: bool = True
    eu_region: bool = False
    poll_interval_s: float = 3.0
    poll_deadline_s: float = 3600.0
    whisper_model_dir: str = ""  # any CTranslate2 Whisper model dir; default: bundled base
    encryption_key: Secret = field(default_factory=lambda: Secret(""))
    retention_hours: float = 72.0  # AssemblyAI's BAA default TTL; 0 keeps encounters until purged by hand
    # Waits before each new try after a transient failure (network down, rate limit, poll deadline).
    job_retry_delays_s: tuple[float, ...] = (15.0, 30.0, 60.0, 120.0, 240.0)
    session_idle_minutes: float = 15.0
    admin_emails: tuple[str, ...] = ()  # with OIDC sign-in: who is an admin

    @classmethod
    def from_env(
        cls, env: dict[str, str] | None = None, *, dotenv: bool = True, secrets: Mapping[str, object] | None = None
    ) -> Settings:
        """Read settings: the environment wins, then `.env` in the working directory, then `secrets`
        (Streamlit's st.secrets, flat keys with the same names)."""
        if env is None:
            merged = {k: str(v) for k, v in (secrets or {}).items() if isinstance(v, str | int | float | bool)}
            if dotenv:
                from dotenv import dotenv_values

                merged.update({k: v for k, v in dotenv_values(".env").items() if v is not None})
            merged.update(os.environ)
            env = merged
        get = env.get
        eu = _flag(get("ASSEMBLYAI_EU"), False)
        models = tuple(m.strip() for m in get("ASSEMBLYAI_SPEECH_MODELS", "").split(",") if m.strip())
        try:
            poll_interval_s = float(get("SCRIBE_POLL_INTERVAL_S") or 3.0)
            poll_deadline_s = float(get("SCRIBE_POLL_DEADLINE_S") or 3600.0)
            retention_hours = float(get("SCRIBE_RETENTION_HOURS") or 72.0)
            session_idle_minutes = float(get("SCRIBE_SESSION_IDLE_MINUTES") or 15.0)
            retry_delays = tuple(float(v) for v in (get("SCRIBE_JOB_RETRY_DELAYS_S") or "").split(",") if v.strip())
        except ValueError as exc:
            raise ConfigurationError(
                "SCRIBE_POLL_INTERVAL_S, SCRIBE_POLL_DEADLINE_S, SCRIBE_RETENTION_HOURS and "
                "SCRIBE_JOB_RETRY_DELAYS_S and SCRIBE_SESSION_IDLE_MINUTES must be numbers"
            ) from exc
        return cls(
            assemblyai_api_key=Secret(get("ASSEMBLYAI_API_KEY", "").strip()),
            assemblyai_base_url=(get("ASSEMBLYAI_BASE_URL") or (ASSEMBLYAI_EU if eu else ASSEMBLYAI_US)).rstrip("/"),
            llm_gateway_base_url=(get("LLM_GATEWAY_BASE_URL") or (GATEWAY_EU if eu else GATEWAY_US)).rstrip("/"),
            llm_model=get("LLM_MODEL") or DEFAULT_LLM_MODEL,
            llm_api_key=Secret(get("LLM_API_KEY", "").strip()),
            data_dir=Path(get("SCRIBE_DATA_DIR") or default_data_dir()).expanduser(),
            engine=(get("SCRIBE_ENGINE") or "").strip().lower(),
            note_writer=(get("SCRIBE_NOTE_WRITER") or "").strip().lower(),
            speech_models=models or DEFAULT_SPEECH_MODELS,
            medical_mode=_flag(get("ASSEMBLYAI_MEDICAL_MODE"), True),
            redact_pii=_flag(get("SCRIBE_REDACT_PII"), True),
            eu_region=eu,
            poll_interval_s=poll_interval_s,
            poll_deadline_s=poll_deadline_s,
            whisper_model_dir=get("SCRIBE_WHISPER_MODEL_DIR", ""),
            encryption_key=Secret(get("SCRIBE_ENCRYPTION_KEY", "").strip()),
            retention_hours=retention_hours,
            job_retry_delays_s=retry_delays or (15.0, 30.0, 60.0, 120.0, 240.0),
            session_idle_minutes=session_idle_minutes,
            admin_emails=tuple(a.strip().lower() for a in (get("SCRIBE_ADMIN_EMAILS") or "").split(",") if a.strip()),
        )

    @property
    def default_engine(self) -> str:
        if self.engine:
            return self.engine
        return "assemblyai" if self.assemblyai_api_key else "offline"

    @property
    def effective_llm_key(self) -> Secret:
        return self.llm_api_key or self.assemblyai_api_key

    def describe(self) -> list[tuple[str, str]]:
        """(setting, shown value) pairs for the UI: secrets appear only as 'set' / 'not set'."""
        shown = []
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Secret):
                shown.append((f.name, "set" if value else "not set"))
            else:
                shown.append((f.name, ", ".join(map(str, value)) if isinstance(value, tuple) else str(value)))
        return shown
