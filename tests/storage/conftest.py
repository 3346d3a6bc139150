from __future__ import annotations

import pytest

from scribe_core.crypto import Vault
from scribe_core.storage import EncounterStore
from tests.conftest import TEST_KEY

from .backends import BACKENDS, database_url_for


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def database_url(backend):
    with database_url_for(backend) as url:
        yield url


@pytest.fixture
def store(tmp_path, database_url):
    store = EncounterStore.open(tmp_path / "data", Vault(TEST_KEY), database_url_setting=database_url)
    yield store
    store.close()
