"""The Live visit page in Streamlit's AppTest: consent, start, pause/resume, the live view, stop into an
encounter, and an interrupted visit finished from the page. Real core, fake AssemblyAI servers."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from scribe_core.access import SINGLE_USER, Viewer
from scribe_core.live.microphone import AUTOMATIC_RECONNECTS
from scribe_core.live.session import LiveState
from scribe_core.live.visits import LiveVisits
from scribe_core.model import EncounterState
from tests.live.conftest import process_died, stream
from tests.live.test_visits import DOCTOR, services  # noqa: F401 - the fixture

LOCAL = Viewer(SINGLE_USER)  # who the app is on loopback (single-user)
APP = Path(__file__).resolve().parents[2] / "streamlit_app.py"


@pytest.fixture(autouse=True)
def loopback_address():
    from streamlit import config

    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield
    config.set_option("server.address", before)


def _open(services, visits) -> AppTest:  # noqa: F811
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["services"] = services
    at.session_state["live_visits"] = visits
    at.session_state["live_microphone"] = False
    at.run()
    at.switch_page("pages/live.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def test_consent_start_pause_resume_and_stop_from_the_page(services, consultation_pcm, fake_streaming):  # noqa: F811
    visits = LiveVisits(services.scribe, services.settings)
    at = _open(services, visits)
    assert _button(at, "live_start").disabled  # consent is required by default
    at.checkbox(key="live_consent").check().run()
    at.text_area(key="live_keyterms").input("salbutamol, montelukast").run()
    _button(at, "live_start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    visit_id = at.session_state["live_visit_id"]
    session = visits.session(visit_id, by=LOCAL)
    assert session.state == LiveState.RECORDING

    stream(session.feed_pcm, consultation_pcm[: 6 * 16000].tobytes(), speed=2)  # what the microphone sends
    at.run()
    assert any(m.label.startswith("Recorded") for m in at.metric)
    shown = [md.value for md in at.markdown]
    assert any("Speaker A:" in v for v in shown), (shown, fake_streaming.state())
    _button(at, "live_pause").click().run()
    assert session.state == LiveState.PAUSED
    _button(at, "live_resume").click().run()
    assert session.state == LiveState.RECORDING
    _button(at, "live_stop").click().run()
    encounter = services.scribe.queries.encounter(LOCAL, visit_id)
    assert encounter.owner == "local"
    assert encounter.keyterms == ["salbutamol", "montelukast"]
    assert encounter.state in (EncounterState.UPLOADED, EncounterState.TRANSCRIBING, EncounterState.TRANSCRIBED,
                               EncounterState.DRAFTING, EncounterState.READY)


def test_an_interrupted_visit_is_finished_from_the_page(services, consultation_pcm):  # noqa: F811
    earlier = LiveVisits(services.scribe, services.settings)
    session = earlier.begin(by=DOCTOR, consent=True)
    stream(session.feed_pcm, consultation_pcm[: 2 * 16000].tobytes(), speed=4)
    process_died(earlier, session)
    at = _open(services, LiveVisits(services.scribe, services.settings))  # the app restarted
    assert any("Interrupted live visit" in md.value for md in at.markdown)
    _button(at, f"live_finish_{session.encounter_id}").click().run()
    assert services.scribe.queries.encounter(DOCTOR, session.encounter_id).duration_s == pytest.approx(2.0, abs=0.25)


def test_a_microphone_that_never_connects_asks_the_person_to_check_the_browser(services, fake_streaming,  # noqa: F811
                                                                              consultation_pcm):
    visits = LiveVisits(services.scribe, services.settings)
    at = _open(services, visits)
    at.checkbox(key="live_consent").check().run()
    _button(at, "live_start").click().run()
    session = visits.session(at.session_state["live_visit_id"], by=LOCAL)
    assert any("allow it to use the microphone" in c.value for c in at.caption)
    assert not any(w.icon == ":material/mic_off:" for w in at.warning)
    for _ in range(AUTOMATIC_RECONNECTS):  # every automatic reopening stalled too
        session.microphone.reconnecting()
    at.run()
    assert any("microphone has not connected" in w.value for w in at.warning)
    _button(at, "live_mic_reconnect").click().run()
    assert session.microphone.reconnects == 0 and session.microphone.keep_closed()
    for _ in range(AUTOMATIC_RECONNECTS):
        session.microphone.reconnecting()
    at.run()
    assert any("microphone has not connected" in w.value for w in at.warning)
    stream(session.feed_pcm, consultation_pcm[: 16000].tobytes(), speed=4)  # it connected after all
    at.run()
    assert not any("microphone has not connected" in w.value for w in at.warning)
    visits.stop(session.encounter_id, by=LOCAL)
