"""The composition root keeps each engine's privacy promise, and patient data stays out of shared caches."""

from pathlib import Path

from scribe_core.bootstrap import writer_chooser
from scribe_core.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_offline_encounters_use_the_extractive_draft_unless_an_llm_endpoint_is_chosen():
    automatic = writer_chooser(Settings.from_env({}))
    assert automatic("offline").name == "extractive"
    assert automatic("assemblyai").name.startswith("llm:")
    assert not automatic("offline").sends_text_off_device

    chosen = writer_chooser(Settings.from_env({"SCRIBE_NOTE_WRITER": "llm", "LLM_MODEL": "llama3.1:8b",
                                               "LLM_GATEWAY_BASE_URL": "http://127.0.0.1:11434/v1"}))
    ollama = chosen("offline")
    assert ollama.name == "llm:llama3.1:8b" and ollama.base_url == "http://127.0.0.1:11434/v1"
    assert writer_chooser(Settings.from_env({"SCRIBE_NOTE_WRITER": "extractive"}))("assemblyai").name == "extractive"


def test_nothing_in_the_app_uses_st_cache_data():
    """st.cache_data is shared by every user of the server: patient data must never pass through it."""
    sources = [ROOT / "streamlit_app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py"),
               *(ROOT / "scribe_core").rglob("*.py")]
    offenders = [p.relative_to(ROOT) for p in sources if "st.cache_data(" in p.read_text()
                 or "@st.cache_data" in p.read_text()]
    assert offenders == []


def test_the_package_map_names_every_subpackage_and_no_module_that_is_gone():
    """The map at the top of scribe_core is where a newcomer starts: it must match the tree."""
    import scribe_core

    root = Path(scribe_core.__file__).parent
    doc = scribe_core.__doc__ or ""
    for package in sorted(p.name for p in root.iterdir() if (p / "__init__.py").exists()):
        assert f"{package}/" in doc, f"scribe_core/{package}/ is missing from the package docstring"
    assert "pipeline" not in doc  # scribe_core.pipeline became scribe_core.usecases
