"""Wiring for tests that drive the real client, writer, store and pipeline against the fake server."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from scribe_core.bootstrap import Services, build_services
from scribe_core.config import Secret, Settings
from scribe_core.crypto import Vault
from scribe_core.engines.assemblyai import AssemblyAITranscriber
from scribe_core.notes.llm import ChatCompletionsNoteWriter
from scribe_core.storage import EncounterStore
from tests.audio_files import tone_file
from tests.conftest import TEST_KEY
from tests.fakes.assemblyai import FakeAssemblyAI
from tests.storage.backends import BACKENDS, database_url_for

SHARED = Path(__file__).resolve().parents[3] / "shared"
# The log-hygiene scan reruns these tests with a random key and a dialogue full of invented PII,
# then searches everything they printed or logged for both.
API_KEY = os.environ.get("SCRIBE_TEST_API_KEY", "test-key")
DIALOGUE = os.environ.get("SCRIBE_TEST_DIALOGUE") or None
FAREEZ_AUDIO = SHARED / "data" / "fareez-osce" / "audio"


@dataclass
class FakeClock:
    """Time that moves only when the code under test sleeps: retries and deadlines without waiting."""

    now: float = 1_000.0
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=BACKENDS, autouse=True)
def database_backend(request, clean_scribe_env, monkeypatch):
    """Every test here runs on both stores: SQLite in its data dir, and a fresh Postgres database (CLI
    subprocesses too, through the environment). Jobs run on the in-process worker either way here; worker
    processes on Postgres are tested in tests/storage/test_jobs.py."""
    with database_url_for(request.param) as url:
        if url:
            monkeypatch.setenv("SCRIBE_DATABASE_URL", url)
        yield request.param


@pytest.fixture
def fake():
    with FakeAssemblyAI(api_key=API_KEY, dialogue_path=DIALOGUE, polls_before_processing=1,
                        polls_before_complete=2) as server:
        yield server


@pytest.fixture
def clock():
    return FakeClock()


def fake_settings(fake: FakeAssemblyAI, data_dir: Path, **overrides) -> Settings:
    values = dict(
        assemblyai_api_key=Secret(API_KEY),
        assemblyai_base_url=fake.base_url,
        llm_gateway_base_url=fake.gateway_url,
        data_dir=data_dir,
        poll_interval_s=0.05,
        poll_deadline_s=60.0,
        encryption_key=Secret(TEST_KEY),
        database_url=Secret(os.environ.get("SCRIBE_DATABASE_URL", "")),
    )
    values.update(overrides)
    return Settings(**values)


def configured_store(data_dir: Path) -> EncounterStore:
    """The store a CLI subprocess of this test sees: SQLite in data_dir, or this test's Postgres database."""
    return EncounterStore.open(data_dir, Vault(TEST_KEY),
                               database_url_setting=os.environ.get("SCRIBE_DATABASE_URL", ""))


def services_against(fake: FakeAssemblyAI, data_dir: Path, clock: FakeClock, **overrides) -> Services:
    settings = fake_settings(fake, data_dir, **overrides)
    engine = AssemblyAITranscriber(settings, sleep=clock.sleep, clock=clock, monotonic=clock)
    writer = ChatCompletionsNoteWriter(base_url=settings.llm_gateway_base_url, model=settings.llm_model,
                                       api_key=settings.effective_llm_key.reveal(), sleep=clock.sleep)
    # A store without a job queue: jobs run on the in-process worker on either database.
    store = EncounterStore.open(settings.data_dir, Vault(TEST_KEY), database_url_setting=settings.database_url.reveal())
    return build_services(settings, store=store, transcribers={"assemblyai": lambda: engine},
                          writer_for_engine=lambda _engine: writer)


@pytest.fixture
def services(fake, clean_scribe_env, clock) -> Services:
    return services_against(fake, clean_scribe_env, clock)


@pytest.fixture(scope="session")
def short_wav(tmp_path_factory) -> Path:
    """Three seconds of real audio (a tone with noise); the fake never listens to it."""
    return tone_file(tmp_path_factory.mktemp("audio") / "visit.wav")
