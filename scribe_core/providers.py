"""The engines and note writers the scribe can run, and the one rule that picks a note writer.

Each provider's capabilities are class attributes of its class (read without building it):

    name                    the id used in settings, the store and the CLI
    label                   what a clinician reads
    sends_audio_off_device  the recording leaves this machine
    sends_text_off_device   transcript text leaves this machine
    key_setting             the setting holding its API key (None: needs none)
    endpoint_setting        the Settings field naming where data goes (None: stays here)

Bootstrap builds providers from this registry; the pages show where data goes from `data_route`,
which reads the same classes and the same writer rule, so the badge cannot disagree with what runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from .config import Settings, registry
from .errors import ConfigurationError, ScribeError

CAPABILITIES = ("name", "label", "sends_audio_off_device", "sends_text_off_device", "key_setting",
                "endpoint_setting")


@dataclass(frozen=True)
class Provider:
    """A registered engine or note writer: where its class lives and how it is built from settings."""

    name: str
    class_path: str  # "package.module:ClassName", imported on first use
    build: Callable[[Settings], Any] | None = None  # None: built by a layer above (live/, bootstrap)

    def cls(self) -> type:
        module, _, attr = self.class_path.partition(":")
        found: type = getattr(importlib.import_module(module), attr)
        return found

    def make(self, settings: Settings) -> Any:
        if self.build is None:
            raise ConfigurationError(f"{self.class_path} is built where it is used, not from the registry")
        return self.build(settings)

    def capability(self, attr: str) -> Any:
        return getattr(self.cls(), attr)

    @property
    def label(self) -> str:
        return str(self.capability("label"))

    @property
    def sends_audio_off_device(self) -> bool:
        return bool(self.capability("sends_audio_off_device"))

    @property
    def sends_text_off_device(self) -> bool:
        return bool(self.capability("sends_text_off_device"))


def _assemblyai(settings: Settings) -> Any:
    from .engines.assemblyai import AssemblyAITranscriber

    return AssemblyAITranscriber(settings)


def _offline(settings: Settings) -> Any:
    from .engines.offline.engine import OfflineTranscriber

    return OfflineTranscriber(settings)


def _llm(settings: Settings) -> Any:
    from .notes.llm import ChatCompletionsNoteWriter

    return ChatCompletionsNoteWriter(base_url=settings.llm_gateway_base_url, model=settings.llm_model,
                                     api_key=settings.effective_llm_key.reveal())


def _extractive(settings: Settings) -> Any:
    from .notes.extractive import ExtractiveNoteWriter

    return ExtractiveNoteWriter()


ENGINES: Mapping[str, Provider] = {p.name: p for p in (
    Provider("assemblyai", "scribe_core.engines.assemblyai:AssemblyAITranscriber", _assemblyai),
    Provider("offline", "scribe_core.engines.offline.engine:OfflineTranscriber", _offline),
)}
WRITERS: Mapping[str, Provider] = {p.name: p for p in (
    Provider("llm", "scribe_core.notes.llm:ChatCompletionsNoteWriter", _llm),
    Provider("extractive", "scribe_core.notes.extractive:ExtractiveNoteWriter", _extractive),
)}


# Live streamers: built by live/visits.py (a layer above this one), registered here for what they send.
STREAMERS: Mapping[str, Provider] = {p.name: p for p in (
    Provider("assemblyai", "scribe_core.live.assemblyai_stream:AssemblyAIStreamer"),
    Provider("offline", "scribe_core.live.offline_stream:OfflineStreamer"),
)}
# The EHR a signed note is sent to: built by bootstrap (Services.ehr_client).
EHR: Mapping[str, Provider] = {"fhir": Provider("fhir", "scribe_core.documents.ehr:EhrClient")}

# The one table of every part that could send patient data off this machine, by kind.
PARTS: Mapping[str, Mapping[str, Provider]] = {"engine": ENGINES, "writer": WRITERS, "streamer": STREAMERS,
                                                "ehr": EHR}


def sends_off_machine(kind: str, name: str, what: str, built: Callable[[], Any] | None = None) -> bool:
    """Whether the `kind` part `name` ("engine", "writer", "streamer", "ehr" in PARTS) sends `what`
    ("audio" or "text") off this machine: the one answer the writer rule, the privacy badges, the live
    page, the purge (which remote copies to delete) and the summary (LLM or offline) all use.

    A registered part's class says so without being built; a part plugged in by a caller (a test
    double) is asked through `built`; when in doubt, yes."""
    attr = f"sends_{what}_off_device"
    provider = PARTS[kind].get(name)
    if provider is not None:
        return bool(provider.capability(attr))
    if built is None:
        return True
    try:
        return bool(getattr(built(), attr, True))
    except ScribeError:
        return True


def writer_sends_text_off(writer: Any) -> bool:
    """Whether this note writer, built, sends the transcript's text off this machine (its registered name's
    answer in the table, else its own)."""
    return sends_off_machine("writer", str(getattr(writer, "name", "")), "text", lambda: writer)


def live_audio_leaves(engine: str) -> bool:
    """Whether a live visit with `engine` streams the microphone's audio off this machine while it runs
    (imports the streamer's module: the Live page asks, not every page)."""
    return sends_off_machine("streamer", engine, "audio")


def check_engine(name: str) -> None:
    if name not in ENGINES:
        raise ConfigurationError(f"SCRIBE_ENGINE={name!r} is not an engine; choose one of: {', '.join(ENGINES)}")


def writer_for(settings: Settings, engine: str) -> str:
    """Which note writer drafts an engine's encounters: the one rule, for bootstrap and pages alike.

    Automatic choice keeps each engine's privacy promise: a writer that sends text off this machine
    runs only for an engine whose data already leaves it (AssemblyAI → the LLM Gateway); an offline
    encounter stays here (extractive draft) unless the clinic set SCRIBE_NOTE_WRITER=llm and chose
    the endpoint (LLM_GATEWAY_BASE_URL: its own Ollama, vLLM, ...).
    """
    if settings.note_writer:
        if settings.note_writer not in WRITERS:
            raise ConfigurationError(
                f"SCRIBE_NOTE_WRITER must be one of {', '.join(WRITERS)}, or empty (automatic)")
        return settings.note_writer
    data_leaves = engine in ENGINES and sends_off_machine("engine", engine, "audio")
    return "llm" if data_leaves else "extractive"


def usable_engines(settings: Settings, available: list[str]) -> list[str]:
    """Engines a user may pick among `available`: those needing a key only when it is set; default first."""
    def usable(name: str) -> bool:
        provider = ENGINES.get(name)
        key = provider.capability("key_setting") if provider else None
        return not key or bool(settings_value_of(settings, key))

    names = [n for n in available if usable(n)]
    return sorted(names, key=lambda n: n != settings.default_engine)


def settings_value_of(settings: Settings, env: str) -> Any:
    for spec in registry():
        if spec.env == env:
            return getattr(settings, spec.attr)
    raise KeyError(env)


@dataclass(frozen=True)
class DataRoute:
    """Where one engine's audio and its note writer's text go (host names), for the privacy badges."""

    engine: str
    label: str
    audio_leaves: bool
    audio_goes_to: str  # a host name, or "" when audio stays here
    writer: str
    writer_label: str
    text_leaves: bool
    text_goes_to: str


def _host(url: str) -> str:
    return urlparse(url).netloc or url


def _destination(settings: Settings, owner: Any) -> str:
    field_name = getattr(owner, "endpoint_setting", None)
    return _host(str(getattr(settings, field_name))) if field_name else str(getattr(owner, "name", ""))


def data_route(settings: Settings, engine: str | None = None, *,
               built_engine: Callable[[str], Any] | None = None,
               built_writer: Callable[[str], Any] | None = None) -> DataRoute:
    """Where audio and text go for an engine, from the registered classes without building them.

    An engine not in the registry (plugged in by a caller, e.g. a test double) is asked through
    `built_engine` / `built_writer`, reading the same class attributes from its instances.
    """
    engine = engine or settings.default_engine
    if engine in ENGINES:
        engine_cls: Any = ENGINES[engine].cls()
        writer_name = writer_for(settings, engine)
        writer_cls: Any = WRITERS[writer_name].cls()
    elif built_engine is not None and built_writer is not None:
        engine_cls, writer_cls = built_engine(engine), built_writer(engine)
        writer_name = str(writer_cls.name)
    else:
        check_engine(engine)
        raise AssertionError("unreachable")
    audio_leaves = sends_off_machine("engine", engine, "audio", lambda: engine_cls)
    text_leaves = sends_off_machine("writer", writer_name, "text", lambda: writer_cls)
    writer_label = str(getattr(writer_cls, "label", writer_name))
    if writer_name == "llm":
        writer_label = f"{writer_label} ({settings.llm_model})"
    return DataRoute(
        engine=engine,
        label=str(getattr(engine_cls, "label", engine)),
        audio_leaves=audio_leaves,
        audio_goes_to=_destination(settings, engine_cls) if audio_leaves else "",
        writer=writer_name,
        writer_label=writer_label,
        text_leaves=text_leaves,
        text_goes_to=_destination(settings, writer_cls) if text_leaves else "",
    )
