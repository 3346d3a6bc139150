"""Retention and purge cover live visits: the scribe's retention sweep (worker and CLI) discards a
visit never finished once it is older than the retention, and a purged live encounter's tombstone
lists its streaming sessions as keeping nothing remotely. Real store, fake AssemblyAI servers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from scribe_core.access import SYSTEM
from scribe_core.live.visits import LiveVisits
from scribe_core.model import utc_now
from scribe_core.usecases.purging import STREAMING_KEEPS_NOTHING, STREAMING_SESSION
from tests.live.conftest import process_died, stream
from tests.live.test_live_page import APP, LOCAL, loopback_address  # noqa: F401 - the fixture
from tests.live.test_visits import DOCTOR, services  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parents[2]


def _interrupted(services, consultation_pcm) -> tuple[LiveVisits, str]:  # noqa: F811
    visits = LiveVisits(services.scribe, services.settings)
    session = visits.begin(by=DOCTOR, consent=True)
    session.feed_pcm(consultation_pcm[: 16000].tobytes())
    process_died(visits, session)
    return visits, session.encounter_id


def _discards(services) -> list[tuple[str, str, str]]:  # noqa: F811
    return [(r["encounter_id"], r["actor"], r["remote_result"]) for r in services.scribe.queries.audit_log(SYSTEM)
            if r["action"] == "live_visit_discarded"]


def test_purge_expired_discards_an_interrupted_visit_older_than_the_retention(services, consultation_pcm):  # noqa: F811
    visits, visit_id = _interrupted(services, consultation_pcm)
    assert services.scribe.purge_expired(72) == [] and [v.id for v in visits.interrupted(by=DOCTOR)] == [visit_id]
    services.scribe.purge_expired(72, now=utc_now() + timedelta(hours=73))
    assert visits.interrupted(by=DOCTOR) == [] and not list(visits.dir.iterdir())
    assert _discards(services) == [(visit_id, "system", "reason=retention")]


def test_a_running_visit_is_never_taken_for_an_expired_one(services, consultation_pcm):  # noqa: F811
    visits = LiveVisits(services.scribe, services.settings)
    session = visits.begin(by=DOCTOR, consent=True)
    session.feed_pcm(consultation_pcm[: 16000].tobytes())
    services.scribe.purge_expired(72, now=utc_now() + timedelta(hours=73))  # another sweep in this process
    assert _discards(services) == [] and visits.session(session.encounter_id, by=DOCTOR) is session
    visits.discard(session.encounter_id, by=DOCTOR)


def test_the_worker_retention_sweep_discards_expired_visits(services, consultation_pcm):  # noqa: F811
    visits, visit_id = _interrupted(services, consultation_pcm)
    time.sleep(0.5)
    services.worker.start_retention(0.0001, every_s=60)  # 0.36 s: the visit is older
    deadline = time.monotonic() + 10
    while list(visits.dir.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not list(visits.dir.iterdir())
    assert _discards(services) == [(visit_id, "system", "reason=retention")]


def test_cli_retention_discards_expired_visits(services, consultation_pcm):  # noqa: F811
    visits, visit_id = _interrupted(services, consultation_pcm)
    time.sleep(0.5)
    env = {**os.environ, "SCRIBE_RETENTION_HOURS": "0.0001", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "scribe_core", "retention"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not list(visits.dir.iterdir())
    assert _discards(services) == [(visit_id, "system", "reason=retention")]


def test_a_purged_live_encounter_lists_its_streaming_sessions_as_keeping_nothing(services, consultation_pcm):  # noqa: F811
    visits = LiveVisits(services.scribe, services.settings)
    session = visits.begin(by=DOCTOR, consent=True)
    stream(session.feed_pcm, consultation_pcm[: 3 * 16000].tobytes(), speed=3)
    encounter = visits.stop(session.encounter_id, by=DOCTOR)
    sessions = [rid for kind, rid, _ in services.store.remote_requests(encounter.id)
                if kind.startswith("checkpoint:streaming_session:")]
    assert sessions and all(sessions)
    tombstone = services.scribe.purge(encounter.id, by=DOCTOR)
    streamed = [r for r in tombstone.remote if r.what == STREAMING_SESSION]
    assert [r.remote_id for r in streamed] == sessions
    assert all(r.confirmed and r.detail == STREAMING_KEEPS_NOTHING for r in streamed)
    assert services.store.remote_requests(encounter.id) == []
    kept_nothing = [r for r in services.scribe.queries.audit_log(SYSTEM)
                    if r["action"] == "streaming_session_kept_nothing"]
    assert [r["remote_result"] for r in kept_nothing] == sessions


def test_the_privacy_page_says_a_streaming_session_kept_nothing(services, consultation_pcm):  # noqa: F811
    from streamlit.testing.v1 import AppTest

    visits = LiveVisits(services.scribe, services.settings)
    session = visits.begin(by=LOCAL, consent=True)
    stream(session.feed_pcm, consultation_pcm[: 2 * 16000].tobytes(), speed=4)
    encounter = visits.stop(session.encounter_id, by=LOCAL)
    services.scribe.purge(encounter.id, by=LOCAL)
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["services"] = services
    at.session_state["privacy_last_purge"] = [encounter.id]  # what the page remembers after its own purge
    at.run()
    at.switch_page("pages/privacy.py").run()
    assert not at.exception, [e.value for e in at.exception]
    rows = [r for frame in at.dataframe if "what" in frame.value.columns for r in frame.value.to_dict("records")]
    streamed = [r for r in rows if r["what"] == "AssemblyAI streaming session"]
    assert streamed and all(r["result"] == f"✓ nothing kept ({STREAMING_KEEPS_NOTHING})" for r in streamed), rows
