"""Every test runs with a clean environment and its own data dir: no real key, no user data."""

from __future__ import annotations

import pytest

from scribe_core.crypto import generate_key

# One key per test session, handed to every test through the environment (never a real clinic key).
TEST_KEY = generate_key()

SCRIBE_ENV = (
    "ASSEMBLYAI_API_KEY", "ASSEMBLYAI_BASE_URL", "ASSEMBLYAI_EU", "ASSEMBLYAI_SPEECH_MODELS",
    "ASSEMBLYAI_MEDICAL_MODE", "LLM_GATEWAY_BASE_URL", "LLM_MODEL", "LLM_API_KEY", "SCRIBE_DATA_DIR",
    "SCRIBE_ENGINE", "SCRIBE_NOTE_WRITER", "SCRIBE_REDACT_PII", "SCRIBE_POLL_INTERVAL_S",
    "SCRIBE_POLL_DEADLINE_S", "SCRIBE_WHISPER_MODEL_DIR", "SCRIBE_ENCRYPTION_KEY",
)


@pytest.fixture(autouse=True)
def clean_scribe_env(tmp_path, monkeypatch):
    for name in SCRIBE_ENV:
        monkeypatch.delenv(name, raising=False)
    data_dir = tmp_path / "scribe-data"
    monkeypatch.setenv("SCRIBE_DATA_DIR", str(data_dir))
    monkeypatch.setenv("SCRIBE_ENCRYPTION_KEY", TEST_KEY)
    # A developer's .env must not leak into tests: run from the temp dir.
    monkeypatch.chdir(tmp_path)
    return data_dir
