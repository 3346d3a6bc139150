"""Two app servers on one Postgres and one shared recordings directory: a visit one of them is recording
is never offered for finishing on the other; once that server is gone, the other finishes it with all its
audio, and only one server can be finishing it at a time."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time

import pytest

from scribe_core.access import User, Viewer
from scribe_core.bootstrap import build_services
from scribe_core.config import Settings
from scribe_core.errors import InvalidStateError
from scribe_core.live.visits import LiveVisits
from scribe_core.usecases.unfinished_visits import HEARTBEAT_S
from tests.conftest import TEST_KEY
from tests.storage.backends import ROOT, fresh_postgres_database

DOCTOR = Viewer(User("dr.lee", "clinician"))


@pytest.fixture
def server_b_and_a_env(tmp_path, clean_scribe_env, monkeypatch):
    """This process is app server B; the environment returned starts app server A beside it."""
    with fresh_postgres_database() as url:
        monkeypatch.setenv("SCRIBE_DATABASE_URL", url)
        monkeypatch.setenv("SCRIBE_RECORDINGS_DIR", str(tmp_path / "shared-recordings"))
        monkeypatch.setenv("SCRIBE_ENCRYPTION_KEY", TEST_KEY)
        monkeypatch.setenv("SCRIBE_DATA_DIR", str(tmp_path / "server-b"))
        yield {**os.environ, "SCRIBE_DATA_DIR": str(tmp_path / "server-a"), "PYTHONPATH": str(ROOT)}


def test_a_visit_is_finished_on_another_server_only_once_its_recorder_is_gone(server_b_and_a_env):
    a = subprocess.Popen([sys.executable, "-m", "tests.live.recording_server"], env=server_b_and_a_env, cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    services = build_services(Settings.from_env())
    b = LiveVisits(services.scribe, services.settings)
    try:
        visit_id = a.stdout.readline().strip() if a.stdout else ""
        assert visit_id, a.stderr.read() if a.stderr else ""
        time.sleep(1.5)  # server A records
        assert b.interrupted(by=DOCTOR) == []  # still recording there: not offered here
        with pytest.raises(InvalidStateError, match="still recording on another app server"):
            b.finish(visit_id, by=DOCTOR)
    finally:
        a.send_signal(signal.SIGKILL)
        a.wait()
    [visit] = b.interrupted(by=DOCTOR)  # server A is gone: its process no longer exists
    assert visit.id == visit_id and visit.recorded_s > 1.0

    # Recorded on another machine: running while its journal grows, gone once it has been silent a while.
    plan = b.files.plan(visit_id)
    b.files.save_plan(dataclasses.replace(plan, host="ward-3-app-server"))
    journal = b.files.journal_path(visit_id)
    os.utime(journal)
    assert b.interrupted(by=DOCTOR) == []
    silent_since = time.time() - 2 * HEARTBEAT_S
    os.utime(journal, (silent_since, silent_since))
    assert [v.id for v in b.interrupted(by=DOCTOR)] == [visit_id]

    pressed_on_a = services.store.db.exclusive(f"live-visit:{visit_id}")  # Finish, pressed on another server
    with pressed_on_a, pytest.raises(InvalidStateError, match="being finished on another app server"):
        b.finish(visit_id, by=DOCTOR)
    encounter = b.finish(visit_id, by=DOCTOR)
    recording = services.scribe.queries.recording(DOCTOR, encounter.id)
    assert recording is not None and len(recording.data) > 44 + 32000  # more than a second of audio
    assert not list(b.dir.iterdir())
    services.store.close()
