"""Interrupted live visits on the Encounters page (finish or discard, as the viewer), and the patient's
consent shown on a live encounter. Streamlit AppTest over the real core; fake AssemblyAI servers."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from scribe_core.access import SYSTEM
from scribe_core.live.visits import LiveVisits
from scribe_core.model import utc_now
from tests.audio_files import tone_file
from tests.live.conftest import process_died, stream
from tests.live.test_live_page import APP, LOCAL, _button, loopback_address  # noqa: F401 - the fixture
from tests.live.test_visits import services  # noqa: F401 - the fixture


def _encounters_page(services, visits) -> AppTest:  # noqa: F811
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["services"] = services
    at.session_state["live_visits"] = visits
    at.run()
    at.switch_page("pages/status.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _interrupted_visit(services, consultation_pcm, seconds: float) -> tuple[LiveVisits, str]:  # noqa: F811
    earlier = LiveVisits(services.scribe, services.settings)
    session = earlier.begin(by=LOCAL, consent=True)
    stream(session.feed_pcm, consultation_pcm[: int(seconds * 16000)].tobytes(), speed=4)
    process_died(earlier, session)
    return LiveVisits(services.scribe, services.settings), session.encounter_id  # the app restarted


def test_an_interrupted_visit_is_finished_from_encounters_and_shows_the_consent(services, consultation_pcm):  # noqa: F811
    began = utc_now()
    visits, visit_id = _interrupted_visit(services, consultation_pcm, 2)
    at = _encounters_page(services, visits)
    shown = [md.value for md in at.markdown]
    assert any("Interrupted live visit" in v and visit_id in v for v in shown), shown
    _button(at, f"visit_finish_{visit_id}").click().run()
    assert not at.exception, [e.value for e in at.exception]

    encounter = services.scribe.queries.encounter(LOCAL, visit_id)
    assert encounter.duration_s == pytest.approx(2.0, abs=0.25)
    assert encounter.consent is not None and encounter.consent.by == LOCAL.name
    assert began <= encounter.consent.at <= utc_now()
    assert visits.interrupted(by=LOCAL) == []
    finished = [r for r in services.scribe.queries.audit_log(SYSTEM) if r["action"] == "live_visit_finished"]
    assert [(r["encounter_id"], r["actor"]) for r in finished] == [(visit_id, LOCAL.name)]
    at.run()
    captions = [c.value for c in at.caption]
    assert any(f"Patient consent to recording: given by {LOCAL.name} at " in c for c in captions), captions
    assert not any("Interrupted live visit" in md.value for md in at.markdown)
    at.query_params["encounter"] = visit_id
    at.switch_page("pages/note.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"Patient consent to recording: given by {LOCAL.name} at " in c.value for c in at.caption)


def test_an_interrupted_visit_is_discarded_from_encounters(services, consultation_pcm):  # noqa: F811
    visits, visit_id = _interrupted_visit(services, consultation_pcm, 1)
    at = _encounters_page(services, visits)
    _button(at, f"visit_discard_{visit_id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert visits.interrupted(by=LOCAL) == [] and not list(visits.dir.iterdir())
    discarded = [r for r in services.scribe.queries.audit_log(SYSTEM) if r["action"] == "live_visit_discarded"]
    assert [(r["encounter_id"], r["actor"], r["remote_result"]) for r in discarded] == [
        (visit_id, LOCAL.name, "reason=user")]
    assert services.scribe.queries.encounters(LOCAL) == []  # nothing became an encounter


def test_an_upload_shows_no_consent_line(services, tmp_path):  # noqa: F811
    services.scribe.submit(tone_file(tmp_path / "upload.wav"), "upload.wav", by=LOCAL)
    at = _encounters_page(services, LiveVisits(services.scribe, services.settings))
    assert not any("Patient consent to recording" in c.value for c in at.caption)
