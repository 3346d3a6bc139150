"""Settings: where they come from, and that secrets never show."""

from scribe_core.config import ASSEMBLYAI_EU, GATEWAY_EU, Settings


def test_environment_beats_dotenv_beats_streamlit_secrets(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("LLM_MODEL=from-dotenv\nSCRIBE_ENGINE=offline\n")
    monkeypatch.setenv("SCRIBE_ENGINE", "assemblyai")
    s = Settings.from_env(secrets={"LLM_MODEL": "from-secrets", "ASSEMBLYAI_API_KEY": "sk-secret-value"})
    assert s.engine == "assemblyai" and s.llm_model == "from-dotenv"
    assert s.assemblyai_api_key.reveal() == "sk-secret-value"


def test_secrets_never_appear_in_repr_or_the_settings_shown_in_the_ui():
    s = Settings.from_env({"ASSEMBLYAI_API_KEY": "sk-secret-value", "SCRIBE_ENCRYPTION_KEY": "k" * 44})
    shown = dict(s.describe())
    assert "sk-secret-value" not in repr(s) and "sk-secret-value" not in str(shown)
    assert shown["assemblyai_api_key"] == "set" and shown["llm_api_key"] == "not set"
    assert s.effective_llm_key.reveal() == "sk-secret-value"  # the Gateway takes the AssemblyAI key


def test_engine_defaults_to_offline_without_a_key_and_assemblyai_with_one():
    assert Settings.from_env({}).default_engine == "offline"
    assert Settings.from_env({"ASSEMBLYAI_API_KEY": "x"}).default_engine == "assemblyai"
    assert Settings.from_env({"ASSEMBLYAI_API_KEY": "x", "SCRIBE_ENGINE": "offline"}).default_engine == "offline"


def test_eu_region_switches_both_hosts_and_models_are_configurable():
    s = Settings.from_env({"ASSEMBLYAI_EU": "true", "ASSEMBLYAI_SPEECH_MODELS": "assemblyai-stt-3-7, universal-2"})
    assert s.assemblyai_base_url == ASSEMBLYAI_EU and s.llm_gateway_base_url == GATEWAY_EU
    assert s.speech_models == ("assemblyai-stt-3-7", "universal-2")
