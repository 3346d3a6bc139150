"""Live visits as use cases: consent, stop into an ordinary encounter with a note, interrupted visits
finished later, the streamed-transcript setting, access, purge and retention. Real store, real
scribe, the fake batch API and the fake streaming server over real sockets."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from scribe_core.access import SYSTEM, Viewer
from scribe_core.accounts import User
from scribe_core.bootstrap import build_services
from scribe_core.config import Settings
from scribe_core.errors import AccessDeniedError, ScribeError
from scribe_core.live.visits import ConsentRequiredError, LiveVisits
from scribe_core.model import EncounterState, utc_now
from tests.fakes.assemblyai import FakeAssemblyAI
from tests.live.conftest import process_died, stream

DOCTOR = Viewer(User("dr.lee", "clinician"))
OTHER = Viewer(User("dr.kim", "clinician"))


@pytest.fixture
def services(fake_streaming, clean_scribe_env, monkeypatch):
    with FakeAssemblyAI(api_key=fake_streaming.api_key, polls_before_processing=0, polls_before_complete=1) as batch:
        env = {"ASSEMBLYAI_API_KEY": fake_streaming.api_key, "ASSEMBLYAI_BASE_URL": batch.base_url,
               "LLM_GATEWAY_BASE_URL": batch.gateway_url, "ASSEMBLYAI_STREAMING_URL": fake_streaming.url,
               "SCRIBE_POLL_INTERVAL_S": "0.05"}
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        built = build_services(Settings.from_env())
        yield built
        built.worker.shutdown(wait=False)


def _audit(services, action):
    return [row for row in services.scribe.queries.audit_log(SYSTEM) if row["action"] == action]


def test_a_live_visit_needs_consent_then_becomes_an_encounter_with_a_note(services, consultation_pcm):
    visits = LiveVisits(services.scribe, services.settings)
    with pytest.raises(ConsentRequiredError, match="agreed to be recorded"):
        visits.begin(by=DOCTOR, consent=False)
    session = visits.begin(by=DOCTOR, consent=True, keyterms=["salbutamol"], context="follow-up")
    pcm = consultation_pcm[: 10 * 16000].tobytes()
    stream(session.feed_pcm, pcm, speed=1.5)
    assert any(t.text for t in session.turns()), "words appeared during the visit"

    began = time.monotonic()
    encounter = visits.stop(session.encounter_id, by=DOCTOR)
    assert encounter.id == session.encounter_id and encounter.state == EncounterState.UPLOADED
    assert encounter.owner == "dr.lee" and encounter.keyterms == ["salbutamol"] and encounter.context == "follow-up"
    assert encounter.duration_s == pytest.approx(10.0, abs=0.05)
    assert encounter.consent is not None and encounter.consent.by == "dr.lee"
    assert encounter.created <= encounter.consent.at <= utc_now()
    assert services.store.get(encounter.id).consent == encounter.consent  # kept in the store
    assert encounter.to_dict()["consent"] == {"by": "dr.lee", "at": encounter.consent.at.isoformat()}  # show --json
    recording = services.scribe.queries.recording(DOCTOR, encounter.id)
    assert recording is not None and recording.data[44:] == pcm  # every byte captured is in the encounter
    ready = services.scribe.process(encounter.id)
    stop_to_note_s = time.monotonic() - began
    assert ready.state == EncounterState.READY, ready.error
    assert services.scribe.queries.note(DOCTOR, encounter.id) is not None
    assert services.scribe.queries.transcript(DOCTOR, encounter.id).roles_confirmed  # the batch path
    assert stop_to_note_s < 5

    consent = _audit(services, "live_consent_recorded")
    assert [(r["encounter_id"], r["actor"]) for r in consent] == [(encounter.id, "dr.lee")]
    finished = _audit(services, "live_visit_finished")
    assert "final_transcript=batch" in finished[0]["remote_result"]
    assert "consent=recorded" in finished[0]["remote_result"]
    assert not list(visits.dir.iterdir()), "the live journal and plan are gone once the encounter holds the audio"
    kinds = [k for k, _, _ in services.store.remote_requests(encounter.id)]
    assert "checkpoint:streaming_session:0" in kinds

    tombstone = services.scribe.purge(encounter.id, by=DOCTOR)
    assert "audio" in tombstone.deleted
    assert services.store.remote_requests(encounter.id) == []


def test_an_interrupted_visit_keeps_its_audio_and_is_finished_later(services, consultation_pcm):
    visits = LiveVisits(services.scribe, services.settings)
    session = visits.begin(by=DOCTOR, consent=True)
    pcm = consultation_pcm[: 4 * 16000].tobytes()
    stream(session.feed_pcm, pcm, speed=3)
    # The tab closes / the server restarts: a fresh process knows nothing of the running session.
    process_died(visits, session)
    restarted = LiveVisits(services.scribe, services.settings)
    assert restarted.interrupted(by=OTHER) == []
    [visit] = restarted.interrupted(by=DOCTOR)
    assert visit.id == session.encounter_id and visit.recorded_s == pytest.approx(4.0, abs=0.25)
    with pytest.raises(AccessDeniedError):
        restarted.finish(visit.id, by=OTHER)
    encounter = restarted.finish(visit.id, by=DOCTOR)
    recording = services.scribe.queries.recording(DOCTOR, encounter.id)
    assert recording is not None
    saved = recording.data[44:]
    assert saved == pcm[: len(saved)] and len(saved) >= len(pcm) - 6400  # at most the unsealed 200 ms
    assert services.scribe.process(encounter.id).state == EncounterState.READY


def test_the_streamed_transcript_can_be_kept_instead_of_the_batch_one(services, consultation_pcm, monkeypatch):
    monkeypatch.setenv("SCRIBE_LIVE_FINAL_TRANSCRIPT", "streamed")
    settings = Settings.from_env()
    visits = LiveVisits(services.scribe, settings)
    session = visits.begin(by=DOCTOR, consent=True)
    stream(session.feed_pcm, consultation_pcm[: 8 * 16000].tobytes(), speed=1.5)
    encounter = visits.stop(session.encounter_id, by=DOCTOR)
    assert encounter.state == EncounterState.TRANSCRIBED
    transcript = services.scribe.queries.transcript(DOCTOR, encounter.id)
    assert transcript.engine == "assemblyai" and not transcript.roles_confirmed and transcript.redacted
    assert transcript.utterances[0].text.startswith("Uh, what brings you")
    assert services.scribe.process(encounter.id).state == EncounterState.READY
    assert "final_transcript=streamed" in _audit(services, "live_visit_finished")[0]["remote_result"]


def test_retention_discards_unfinished_visits_and_consent_can_be_optional(services, consultation_pcm, monkeypatch):
    monkeypatch.setenv("SCRIBE_LIVE_CONSENT_REQUIRED", "false")
    visits = LiveVisits(services.scribe, Settings.from_env())
    session = visits.begin(by=DOCTOR, consent=False)
    session.feed_pcm(consultation_pcm[: 16000].tobytes())
    process_died(visits, session)
    restarted = LiveVisits(services.scribe, services.settings)
    assert restarted.discard_expired(72) == []
    assert restarted.discard_expired(72, now=utc_now() + timedelta(hours=73)) == [session.encounter_id]
    assert not list(restarted.dir.iterdir())
    assert _audit(services, "live_visit_discarded")[0]["remote_result"] == "reason=retention"
    assert _audit(services, "live_consent_recorded") == []


def test_a_visit_without_consent_asked_holds_no_consent(services, consultation_pcm, monkeypatch):
    monkeypatch.setenv("SCRIBE_LIVE_CONSENT_REQUIRED", "false")
    visits = LiveVisits(services.scribe, Settings.from_env())
    session = visits.begin(by=DOCTOR, consent=False)
    stream(session.feed_pcm, consultation_pcm[: 2 * 16000].tobytes(), speed=4)
    encounter = visits.stop(session.encounter_id, by=DOCTOR)
    assert encounter.consent is None and services.store.get(encounter.id).consent is None
    assert "consent=not asked" in _audit(services, "live_visit_finished")[0]["remote_result"]


def test_a_silent_visit_is_refused_with_advice_about_the_microphone_and_keeps_its_files(services):
    visits = LiveVisits(services.scribe, services.settings)
    session = visits.begin(by=DOCTOR, consent=True)
    session.feed_pcm(bytes(32000 * 3))  # 3 s of digital silence: a muted microphone
    with pytest.raises(ScribeError, match="microphone"):
        visits.stop(session.encounter_id, by=DOCTOR)
    # Nothing became an encounter; the visit can still be discarded (or finished if it was not silent).
    [visit] = visits.interrupted(by=DOCTOR)
    visits.discard(visit.id, by=DOCTOR)
    assert visits.interrupted(by=DOCTOR) == []


def test_the_app_starting_discards_unfinished_visits_past_retention(services, consultation_pcm):
    visits = LiveVisits(services.scribe, services.settings)
    session = visits.begin(by=DOCTOR, consent=True)
    session.feed_pcm(consultation_pcm[: 16000].tobytes())
    process_died(visits, session)
    assert list(visits.dir.iterdir())
    started = LiveVisits(services.scribe, Settings.from_env())
    assert list(visits.dir.iterdir()), "building the live visits touches no files"
    started.discard_expired(72, now=utc_now() + timedelta(hours=1))  # not yet expired: kept
    assert list(visits.dir.iterdir())
    started.discard_expired(72, now=utc_now() + timedelta(hours=73))  # what the app calls when it starts
    assert not list(visits.dir.iterdir()), "the expired visit's audio and plan are gone"
    assert _audit(services, "live_visit_discarded")[0]["encounter_id"] == session.encounter_id
