"""Wiring for the job-runner tests: the fake AssemblyAI and LLM Gateway on loopback, a real store on
either database, and services built the way the app builds them."""

from __future__ import annotations

from pathlib import Path

import pytest

from scribe_core.bootstrap import Services, build_services
from scribe_core.config import Settings
from scribe_core.jobs.wiring import open_store
from scribe_core.notes.llm import ChatCompletionsNoteWriter
from tests.audio_files import tone_file
from tests.conftest import TEST_KEY
from tests.fakes.assemblyai import FakeAssemblyAI
from tests.storage.backends import BACKENDS, database_url_for

API_KEY = "jobs-test-key"


@pytest.fixture
def fake():
    with FakeAssemblyAI(api_key=API_KEY, polls_before_processing=1, polls_before_complete=2) as server:
        yield server


def settings_for(fake: FakeAssemblyAI, data_dir: Path, database_url: str = "", **env: str) -> Settings:
    values = {"ASSEMBLYAI_API_KEY": API_KEY, "ASSEMBLYAI_BASE_URL": fake.base_url,
              "LLM_GATEWAY_BASE_URL": fake.gateway_url, "SCRIBE_ENGINE": "assemblyai",
              "SCRIBE_DATA_DIR": str(data_dir), "SCRIBE_DATABASE_URL": database_url,
              "SCRIBE_POLL_INTERVAL_S": "0.05", "SCRIBE_REDACT_PII": "false",
              "SCRIBE_JOB_RETRY_DELAYS_S": "0.2,0.2,0.2", "SCRIBE_ENCRYPTION_KEY": TEST_KEY}
    values.update(env)
    return Settings.from_env(values, dotenv=False)


def app_services(settings: Settings) -> Services:
    """What an app server builds: on Postgres a store that enqueues on Procrastinate and the queue
    client; on SQLite the in-process runner. The note writer's HTTP backoff does not sleep (a refused
    request is resent at once), so a test of a job-level retry waits only for the job's own delay."""
    writer = ChatCompletionsNoteWriter(base_url=settings.llm_gateway_base_url, model=settings.llm_model,
                                       api_key=settings.effective_llm_key.reveal(), sleep=lambda _s: None)
    return build_services(settings, store=open_store(settings), writer_for_engine=lambda _engine: writer)


@pytest.fixture(scope="session")
def short_wav(tmp_path_factory) -> Path:
    return tone_file(tmp_path_factory.mktemp("audio") / "visit.wav")


def chat_requests(fake: FakeAssemblyAI) -> int:
    return fake.count("POST", "/v1/chat/completions")


def uploads(fake: FakeAssemblyAI) -> int:
    return fake.count("POST", "/v2/upload")


@pytest.fixture(params=BACKENDS)
def database_url(request):
    with database_url_for(request.param) as url:
        yield url
