"""One retry layer, bounded: requests counted at the fake AssemblyAI (real HTTP) under faults.

N = RetryPolicy.max_attempts (6) sends per request at most; J = 1 + len(SCRIBE_JOB_RETRY_DELAYS_S)
job attempts (6 here, as by default). A transcript create is sent once per job attempt and never
resent within one; after an ambiguous failure the transcript list is read instead.
"""

from __future__ import annotations

import pytest

from scribe_core.engines.assemblyai_api import AssemblyAIClient
from scribe_core.errors import UnknownTranscriptError
from scribe_core.http import HttpClient, RetryPolicy
from scribe_core.model import EncounterState

from .conftest import API_KEY, services_against

N = RetryPolicy().max_attempts
DELAYS = (1.0, 2.0, 3.0, 4.0, 5.0)
J = 1 + len(DELAYS)
FOREVER = 10**6
CREATE, LIST, POLL, UPLOAD, CHAT = ("POST", "/v2/transcript"), ("GET", "/v2/transcript?"), \
    ("GET", "/v2/transcript/"), ("POST", "/v2/upload"), ("POST", "/v1/chat/completions")


@pytest.fixture
def services(fake, clean_scribe_env, clock):
    return services_against(fake, clean_scribe_env, clock, job_retry_delays_s=DELAYS)


def settle(services, encounter_id):
    """Run job attempts (as the worker would when each retry falls due) until the encounter settles."""
    attempts = []
    for _ in range(J + 2):
        encounter = services.scribe.process(encounter_id)
        attempts.append(encounter)
        if encounter.state in (EncounterState.READY, EncounterState.FAILED):
            return encounter, attempts
    raise AssertionError("the encounter never settled: the retry schedule is not bounded")


def report(fault, fake):
    counts = {name: fake.count(*route) for name, route in
              {"upload": UPLOAD, "create": CREATE, "list": LIST, "poll": POLL, "chat": CHAT}.items()}
    print(f"{fault}: " + " ".join(f"{k}={v}" for k, v in counts.items()))
    return counts


def test_steady_503_on_create_sends_one_create_per_job_attempt(fake, services, short_wav):
    fake.inject_status("/v2/transcript", 503, times=FOREVER, method="POST")
    encounter = services.scribe.submit(short_wav, "visit.wav")
    first = services.scribe.process(encounter.id)
    assert first.step == "waiting to retry" and fake.count(*CREATE) == 1  # one submit, one create (was 36)
    done, _ = settle(services, encounter.id)
    counts = report("steady 503 on create", fake)
    assert done.state == EncounterState.FAILED and "AssemblyAI" in done.error and "503" in done.error
    assert counts["create"] == J and counts["upload"] == 1 and not fake.transcripts
    assert counts["list"] == 2 * J - 1  # after each failed create, and before each new create


def test_steady_503_everywhere_stays_within_n_per_request_and_j_attempts(fake, services, short_wav):
    fake.inject_status("/v2/", 503, times=FOREVER)
    encounter = services.scribe.submit(short_wav, "visit.wav")
    done, _ = settle(services, encounter.id)
    counts = report("steady 503 on every AssemblyAI route", fake)
    assert done.state == EncounterState.FAILED and "AssemblyAI" in done.error
    assert counts["upload"] == J * N and counts["create"] == 0
    assert len(fake.received) == J * N


def test_429_storm_on_create_is_not_resent_within_an_attempt(fake, services, clock, short_wav):
    fake.inject_status("/v2/transcript", 429, times=FOREVER, method="POST", retry_after=2)
    encounter = services.scribe.submit(short_wav, "visit.wav")
    done, attempts = settle(services, encounter.id)
    counts = report("429 storm on create", fake)
    assert done.state == EncounterState.FAILED and "429" in done.error
    assert counts["create"] == J and counts["upload"] == 1
    assert counts["list"] == J - 1  # a 429 is not ambiguous: the list is read only before creating again
    assert len(attempts) == J


def test_429_storm_on_polling_honours_retry_after_and_is_bounded(fake, services, clock, short_wav):
    fake.inject_status("/v2/transcript/", 429, times=FOREVER, method="GET", retry_after=3)
    encounter = services.scribe.submit(short_wav, "visit.wav")
    done, _ = settle(services, encounter.id)
    counts = report("429 storm on polling", fake)
    assert done.state == EncounterState.FAILED and "429" in done.error
    assert counts["create"] == 1 and counts["poll"] == J * N
    assert clock.sleeps.count(3.0) == J * (N - 1)  # Retry-After between the sends of each attempt


def test_dropped_connection_on_create_before_the_server_acts(fake, services, short_wav):
    fake.inject_drop("/v2/transcript", method="POST", after_bytes=10**9, times=FOREVER)
    encounter = services.scribe.submit(short_wav, "visit.wav")
    done, _ = settle(services, encounter.id)
    counts = report("dropped connection on every create", fake)
    assert done.state == EncounterState.FAILED and "AssemblyAI" in done.error
    assert counts["create"] == J and counts["list"] == 2 * J - 1 and counts["upload"] == 1
    assert not fake.transcripts


def test_answer_lost_after_the_server_created_is_found_in_the_list_not_created_again(fake, services, short_wav):
    fake.inject_lost_reply("/v2/transcript", method="POST")
    encounter = services.scribe.submit(short_wav, "visit.wav")
    done, attempts = settle(services, encounter.id)
    counts = report("answer to create lost", fake)
    assert done.state == EncounterState.READY and len(attempts) == 1
    assert counts["create"] == 1 and counts["list"] == 1 and len(fake.transcripts) == 1


def test_steady_503_at_the_llm_gateway_is_bounded(fake, services, short_wav):
    fake.inject_status("/v1/chat/completions", 503, times=FOREVER, method="POST")
    encounter = services.scribe.submit(short_wav, "visit.wav")
    done, _ = settle(services, encounter.id)
    counts = report("steady 503 at the LLM Gateway", fake)
    assert done.state == EncounterState.FAILED and "503" in done.error
    assert counts["chat"] == J * N and counts["create"] == 1 and counts["upload"] == 1


@pytest.mark.parametrize(("route", "body"), [
    ("/v2/transcript", "<html>Bad gateway</html>"),  # create: the server acted, the answer is unreadable
    ("/v2/transcript/", {"status": "completed", "utterances": [{"speaker": "A", "text": "x"}]}),
    ("/v2/transcript/", ["not", "an", "object"]),
    ("/v2/upload", {"upload": "no url"}),
])
def test_malformed_answers_become_errors_naming_the_service(fake, services, short_wav, route, body):
    method = "POST" if route in ("/v2/transcript", "/v2/upload") else "GET"
    fake.inject_malformed(route, body, method=method, times=FOREVER)
    encounter = services.scribe.submit(short_wav, "visit.wav")
    done, _ = settle(services, encounter.id)
    if route == "/v2/transcript" and method == "POST":  # reconciled: the transcript exists, found in the list
        assert done.state == EncounterState.READY and len(fake.transcripts) == 1 and fake.count(*CREATE) == 1
        return
    assert done.state == EncounterState.FAILED
    assert "AssemblyAI sent" in done.error and "cannot read" in done.error
    assert "Unexpected internal error" not in done.error and "Bad gateway" not in done.error


def test_malformed_gateway_envelope_names_the_llm_endpoint(fake, services, short_wav):
    fake.inject_malformed("/v1/chat/completions", "<html>oops</html>", method="POST", times=FOREVER)
    encounter = services.scribe.submit(short_wav, "visit.wav")
    done, _ = settle(services, encounter.id)
    assert done.state == EncounterState.FAILED and "LLM endpoint sent" in done.error, done.error


def test_unknown_transcript_is_recognised_by_status_code_not_wording(fake, clock):
    client = AssemblyAIClient(api_key=API_KEY, base_url=fake.base_url,
                              http=HttpClient("AssemblyAI", "ASSEMBLYAI_API_KEY", sleep=clock.sleep))
    for status in (400, 404):
        fake.inject_status("/v2/transcript/abc", status, method="GET", body={"error": "wording changed"})
        with pytest.raises(UnknownTranscriptError) as err:
            client.get("abc")
        assert err.value.status_code == status
    fake.inject_status("/v2/transcript/abc", 400, method="DELETE", body={"error": "anything"})
    assert client.delete("abc")[0]  # refused, and the read-back says it does not exist: gone
