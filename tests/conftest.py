"""Every test runs with a clean environment and its own data dir: no real key, no user data."""

from __future__ import annotations

import pytest

from scribe_core.config import env_names
from scribe_core.crypto import generate_key

# One key per test session, handed to every test through the environment (never a real clinic key).
TEST_KEY = generate_key()

# Every setting the scribe reads (from the settings registry), so a developer's shell cannot leak in.
SCRIBE_ENV = env_names()


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
