"""One provider registry: capabilities are class attributes, and one rule picks the note writer everywhere."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scribe_core import providers
from scribe_core.bootstrap import default_transcribers, writer_chooser
from scribe_core.config import Secret, Settings, env_names
from scribe_core.errors import ConfigurationError

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("provider", [*providers.ENGINES.values(), *providers.WRITERS.values()],
                         ids=lambda p: p.name)
def test_every_provider_declares_its_capabilities_on_its_class(provider):
    cls = provider.cls()
    missing = [attr for attr in providers.CAPABILITIES if attr not in vars(cls)]
    assert missing == [], f"{cls.__name__} lacks {missing}"
    assert cls.name == provider.name and cls.label
    assert (cls.endpoint_setting is None) == (not cls.sends_audio_off_device and not cls.sends_text_off_device)
    if cls.key_setting:
        assert cls.key_setting in env_names()


def test_one_table_says_what_leaves_this_machine_for_engines_writers_streamers_and_the_ehr():
    assert set(providers.PARTS) == {"engine", "writer", "streamer", "ehr"}
    for kind, registry in providers.PARTS.items():
        for name, part in registry.items():
            cls = part.cls()  # each declares both on its class: the answer needs no instance
            assert {"sends_audio_off_device", "sends_text_off_device"} <= set(vars(cls)), (kind, name)
    leaves = {(kind, name): providers.sends_off_machine(kind, name, "audio") or
              providers.sends_off_machine(kind, name, "text")
              for kind, registry in providers.PARTS.items() for name in registry}
    assert leaves == {("engine", "assemblyai"): True, ("engine", "offline"): False,
                      ("writer", "llm"): True, ("writer", "extractive"): False,
                      ("streamer", "assemblyai"): True, ("streamer", "offline"): False, ("ehr", "fhir"): True}
    assert providers.live_audio_leaves("assemblyai") and not providers.live_audio_leaves("offline")
    # A part the table does not know (a caller's own) is asked; when it cannot say, the answer is yes.
    assert providers.sends_off_machine("engine", "unlisted", "audio") is True


SETTINGS_CASES = {
    "no key": {},
    "assemblyai key": {"ASSEMBLYAI_API_KEY": "k"},
    "llm always": {"SCRIBE_NOTE_WRITER": "llm"},
    "extractive always": {"ASSEMBLYAI_API_KEY": "k", "SCRIBE_NOTE_WRITER": "extractive"},
}


@pytest.mark.parametrize("case", SETTINGS_CASES, ids=str)
@pytest.mark.parametrize("engine", list(providers.ENGINES))
def test_the_writer_that_runs_is_the_writer_the_badge_shows(case, engine):
    settings = Settings.from_env(SETTINGS_CASES[case])
    runs = writer_chooser(settings)(engine)
    route = providers.data_route(settings, engine)
    assert type(runs) is providers.WRITERS[route.writer].cls()
    assert route.text_leaves == runs.sends_text_off_device
    transcriber_cls = providers.ENGINES[engine].cls()
    assert route.audio_leaves == transcriber_cls.sends_audio_off_device


def test_offline_encounters_never_reach_an_llm_unless_the_clinic_says_so():
    assert providers.writer_for(Settings.from_env({"ASSEMBLYAI_API_KEY": "k"}), "offline") == "extractive"
    assert providers.writer_for(Settings.from_env({}), "assemblyai") == "llm"
    route = providers.data_route(Settings.from_env({}), "offline")
    assert not route.audio_leaves and not route.text_leaves and route.audio_goes_to == route.text_goes_to == ""
    cloud = providers.data_route(Settings.from_env({"ASSEMBLYAI_API_KEY": "k", "ASSEMBLYAI_EU": "true"}))
    assert cloud.audio_goes_to == "api.eu.assemblyai.com" and cloud.text_goes_to == "llm-gateway.eu.assemblyai.com"
    with pytest.raises(ConfigurationError, match="SCRIBE_NOTE_WRITER"):
        providers.writer_for(Settings(note_writer="gpt"), "offline")


def test_engines_needing_a_key_are_offered_only_with_it():
    assert providers.usable_engines(Settings(), ["assemblyai", "offline"]) == ["offline"]
    keyed = Settings(assemblyai_api_key=Secret("k"))
    assert providers.usable_engines(keyed, ["offline", "assemblyai"]) == ["assemblyai", "offline"]


def test_bootstrap_builds_every_registered_engine_and_the_ui_copies_no_rule():
    assert set(default_transcribers(Settings())) == set(providers.ENGINES)
    ui_sources = [ROOT / "streamlit_app.py", *(ROOT / "ui").rglob("*.py"),
                  *(p for folder in ("pages", "pages") for p in (ROOT / folder).rglob("*.py"))]
    assert len(ui_sources) > 10  # the pages really were found (the folder has moved before)
    copies = [f"{p.name}: {m}" for p in ui_sources
              for m in re.findall(r"""==\s*["'](?:assemblyai|offline|llm|extractive)["']""", p.read_text())]
    assert copies == []
