"""Page tests: each gets its own data dir (tests/conftest.py) and Services built around fakes.

The seam: `at.session_state["services"] = services` before the first run (see ui/services.py).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from scribe_core.bootstrap import Services, build_services
from scribe_core.config import Settings
from scribe_core.crypto import Vault, generate_key
from scribe_core.store import EncounterStore

from .fakes import FakeNoteWriter, FakeTranscriber, wav_bytes

APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"


@pytest.fixture(autouse=True)
def loopback_address():
    """AppTest does not read .streamlit/config.toml from the repo; set the app's default listen address."""
    from streamlit import config

    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield
    config.set_option("server.address", before)


@pytest.fixture
def transcriber() -> FakeTranscriber:
    return FakeTranscriber()


@pytest.fixture
def writer() -> FakeNoteWriter:
    return FakeNoteWriter()


@pytest.fixture
def services(clean_scribe_env: Path, transcriber: FakeTranscriber, writer: FakeNoteWriter) -> Services:
    settings = Settings(data_dir=clean_scribe_env, engine="fake")
    store = EncounterStore.open(clean_scribe_env, Vault(generate_key()))
    built = build_services(settings, store=store, transcribers={"fake": lambda: transcriber},
                           writer_for_engine=lambda engine: writer)
    yield built
    built.worker.shutdown(wait=True)


@pytest.fixture
def ready_id(services: Services) -> str:
    """One encounter processed to `ready` (synchronously, no worker)."""
    encounter = services.scribe.submit(io.BytesIO(wav_bytes()), "visit.wav", template="soap")
    assert services.scribe.process(encounter.id).state.value == "ready"
    return encounter.id


@pytest.fixture
def app(services: Services):
    """Open the app (optionally on a page) with the fake services injected."""

    def open_app(page: str | None = None, *, encounter: str | None = None) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=30)
        at.session_state["services"] = services
        if encounter:
            at.query_params["encounter"] = encounter
        at.run()
        if page:
            at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return open_app
