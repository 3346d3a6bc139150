"""The use cases' pure decisions, on plain data: retry schedule, resume state, role swap, time left."""

from __future__ import annotations

import pytest

from scribe_core.model import DOCTOR, PATIENT, EncounterState, Transcript, Utterance, Word
from scribe_core.usecases.decisions import (
    OFFLINE_RTF,
    give_up_reason,
    measured_rtf,
    next_retry_delay_s,
    resume_state,
    swapped_roles,
    time_left_s,
    with_role,
)


def transcript() -> Transcript:
    return Transcript(utterances=[
        Utterance("U1", DOCTOR, 0, 1000, "How are you?", 0.9, [Word("How", 0, 300, 0.9, DOCTOR)], "A"),
        Utterance("U2", PATIENT, 1000, 2000, "Fine.", 0.8, [Word("Fine.", 1000, 1500, 0.8, PATIENT)], "B"),
        Utterance("U3", "Speaker C", 2000, 3000, "Hello.", 0.7, [Word("Hello.", 2000, 2500, 0.7, None)], "C"),
    ])


def test_the_retry_schedule_waits_longer_each_time_then_gives_up():
    delays = (15.0, 30.0, 60.0)
    assert [next_retry_delay_s(n, delays) for n in range(5)] == [15.0, 30.0, 60.0, None, None]
    assert next_retry_delay_s(0, ()) is None
    assert give_up_reason("AssemblyAI is down.", 3, delays) == (
        "AssemblyAI is down. Gave up after 4 tries over 2 min; use Retry when the service is back.")


def test_a_429_retry_after_stretches_the_next_wait_but_never_shortens_it():
    delays = (15.0, 30.0)
    assert next_retry_delay_s(0, delays, retry_after_s=120.0) == 120.0
    assert next_retry_delay_s(1, delays, retry_after_s=7.0) == 30.0
    assert next_retry_delay_s(0, delays, retry_after_s=None) == 15.0
    assert next_retry_delay_s(2, delays, retry_after_s=120.0) is None  # the schedule is still bounded


@pytest.mark.parametrize("has_transcript,remote_id,state", [
    (True, "job-1", EncounterState.TRANSCRIBED),   # only the note is missing: draft again
    (True, None, EncounterState.TRANSCRIBED),
    (False, "job-1", EncounterState.TRANSCRIBING),  # poll the stored job: never a second upload
    (False, None, EncounterState.UPLOADED),
])
def test_a_retried_encounter_resumes_from_its_last_stored_result(has_transcript, remote_id, state):
    assert resume_state(has_transcript=has_transcript, remote_transcript_id=remote_id) == state


def test_swapping_roles_exchanges_doctor_and_patient_on_utterances_and_words_only():
    original = transcript()
    swapped = swapped_roles(original)
    assert [u.role for u in swapped.utterances] == [PATIENT, DOCTOR, "Speaker C"]
    assert [u.words[0].speaker for u in swapped.utterances] == [PATIENT, DOCTOR, None]
    assert swapped.roles_confirmed
    assert [u.role for u in original.utterances] == [DOCTOR, PATIENT, "Speaker C"]  # a copy: input untouched
    assert [u.role for u in swapped_roles(swapped).utterances] == [DOCTOR, PATIENT, "Speaker C"]


def test_one_utterance_takes_a_new_role_with_its_words():
    changed = with_role(transcript(), "U3", DOCTOR)
    assert changed is not None
    assert changed.by_id("U3").role == DOCTOR and changed.by_id("U3").words[0].speaker == DOCTOR
    assert changed.by_id("U1").role == DOCTOR and changed.by_id("U2").role == PATIENT
    assert with_role(transcript(), "U9", DOCTOR) is None


def test_the_measured_real_time_factor_is_the_median_of_finished_jobs():
    assert measured_rtf([]) == OFFLINE_RTF
    # The first job after a start also loads the models (60 s over 100 s of audio); the median ignores it.
    assert measured_rtf([(60.0, 100.0), (10.0, 100.0), (24.0, 200.0)]) == pytest.approx(0.12)
    assert measured_rtf([(5.0, 0.0), (0.0, 10.0)], default=0.2) == 0.2  # nothing usable


def test_time_left_counts_down_through_the_offline_steps():
    # 600 s of audio at RTF 0.1: 60 s in all.
    assert time_left_s(600, 0.1, "queued", None) == pytest.approx(60.0)
    assert time_left_s(600, 0.1, "waiting", None) == pytest.approx(60.0)
    assert time_left_s(600, 0.1, "transcribing", 0.0) == pytest.approx(60.0)
    half_asr = time_left_s(600, 0.1, "transcribing", 0.5)
    diarizing = time_left_s(600, 0.1, "diarizing", 0.0)
    redacting = time_left_s(600, 0.1, "redacting", 1.0)
    assert 60.0 > half_asr > diarizing > redacting == pytest.approx(0.0, abs=1e-9)
    assert half_asr == pytest.approx(60.0 * (1 - 0.5 * 0.085 / 0.102))
    assert time_left_s(None, 0.1, "transcribing", 0.5) is None
    assert time_left_s(600, 0.1, "transcribing", 7.0) == pytest.approx(60.0 * (1 - 0.085 / 0.102))  # clamped


def test_the_share_done_grows_as_each_offline_step_finishes():
    from scribe_core.usecases.decisions import offline_done

    shares = [offline_done("queued", None), offline_done("transcribing", 0.0), offline_done("transcribing", 0.5),
              offline_done("diarizing", 0.0), offline_done("diarizing", 1.0), offline_done("redacting", 1.0)]
    assert shares[0] == shares[1] == 0.0
    assert shares == sorted(shares) and shares[2] > 0.3 and shares[-1] == pytest.approx(1.0)


def test_the_time_left_follows_the_jobs_own_pace_once_it_has_one():
    from scribe_core.usecases.decisions import offline_done, time_left_s

    # A 5-minute recording, this machine's factor unknown (0.10): 30 s expected. The job is slower:
    # halfway after 50 s. The factor alone still said "15 s left" (under a minute) all the way.
    halfway = offline_done("transcribing", 0.6)
    assert time_left_s(300.0, 0.10, "transcribing", 0.6) == pytest.approx(30.0 * (1 - halfway))
    own_pace = time_left_s(300.0, 0.10, "transcribing", 0.6, elapsed_s=50.0)
    assert own_pace == pytest.approx(50.0 * (1 - halfway) / halfway)
    assert own_pace > 3 * time_left_s(300.0, 0.10, "transcribing", 0.6)  # type: ignore[operator]
    # Too little done to go on (the first seconds also load the models): the factor still decides.
    assert time_left_s(300.0, 0.10, "transcribing", 0.01, elapsed_s=20.0) == pytest.approx(
        30.0 * (1 - offline_done("transcribing", 0.01)))
