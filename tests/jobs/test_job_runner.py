"""One path runs work: use cases enqueue on the job runner and return; only a runner holding the
encounter's lock drafts or transcribes. Real stores, the fake AssemblyAI and LLM Gateway on loopback,
and real second processes."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import text

from scribe_core.access import SYSTEM
from scribe_core.jobs.client import QueueClient
from scribe_core.model import EncounterState
from scribe_core.storage.database import Database, database_url
from tests.integration.test_cli_and_restart import cli
from tests.storage.backends import ROOT, fresh_postgres_database
from tests.storage.cluster import Cluster, wait_until

from .conftest import API_KEY, app_services, chat_requests, settings_for, uploads

READY = EncounterState.READY
HOLD = ("import sys, time\n"
        "from scribe_core.storage.database import Database, database_url\n"
        "db = Database(database_url(sys.argv[1], sys.argv[2]))\n"
        "with db.exclusive('encounter:' + sys.argv[3]) as held:\n"
        "    print(held, flush=True)\n"
        "    time.sleep(600)\n")


def hold_elsewhere(url: str, data_dir, encounter_id: str) -> subprocess.Popen[str]:
    """Another process holding the encounter's lock, as a worker working on it would."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD, url, str(data_dir), encounter_id], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "True"
    return holder


def test_on_sqlite_an_encounter_s_lock_holds_across_processes_and_a_killed_holder_frees_it(tmp_path):
    db = Database(database_url("", tmp_path))
    with db.exclusive("encounter:e1") as first, db.exclusive("encounter:e1") as second, \
            db.exclusive("encounter:e2") as other:
        assert (first, second, other) == (True, False, True)
    holder = hold_elsewhere("", tmp_path, "e1")
    try:
        with db.exclusive("encounter:e1") as while_alive:
            assert not while_alive
        holder.kill()
        holder.wait(timeout=10)
        with db.exclusive("encounter:e1") as after:
            assert after
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_a_transient_failure_during_a_redraft_is_retried_on_sqlite_without_a_restart(fake, tmp_path, short_wav):
    services = app_services(settings_for(fake, tmp_path / "data"))
    store = services.store
    try:
        encounter = services.scribe.submit(short_wav, "visit.wav", by=SYSTEM)
        services.worker.enqueue(encounter.id)
        wait_until(lambda: store.get(encounter.id).state == READY, 30, "the first draft")
        fake.inject_status("/v1/chat/completions", 503, times=6, method="POST")  # every resend of one try
        before = chat_requests(fake)
        services.scribe.redraft(encounter.id, by=SYSTEM, template="apso")
        wait_until(lambda: store.get(encounter.id).state == READY, 30, "the re-draft's scheduled retry")
        assert chat_requests(fake) == before + 7  # one refused try (6 sends), then the retry
        assert store.note(encounter.id).template == "apso"
        assert "retry_scheduled" in [r["action"] for r in store.audit_log()]
    finally:
        services.worker.shutdown()


def test_a_redraft_on_postgres_makes_one_llm_call_by_the_worker_holding_the_encounter(fake, tmp_path, short_wav):
    with fresh_postgres_database() as url:
        cluster = Cluster(fake, tmp_path / "data", url, settings_for(fake, tmp_path).encryption_key.reveal())
        cluster.env_values["ASSEMBLYAI_API_KEY"] = API_KEY
        try:
            services = cluster.services()
            assert isinstance(services.worker, QueueClient)
            store = services.store
            encounter = services.scribe.submit(short_wav, "visit.wav", by=SYSTEM)
            cluster.start_worker()
            wait_until(lambda: store.get(encounter.id).state == READY, 60, "the first draft")
            before = chat_requests(fake)
            holder = hold_elsewhere(url, tmp_path, encounter.id)  # a worker busy with this encounter
            try:
                services.scribe.redraft(encounter.id, by=SYSTEM, template="apso")  # the page's request
                assert chat_requests(fake) == before  # the app server drafted nothing itself
                assert store.get(encounter.id).state.in_flight
            finally:
                holder.kill()
                holder.wait(timeout=10)
            wait_until(lambda: store.get(encounter.id).state == READY, 60, "the worker's re-draft")
            wait_until(lambda: _no_job_left(store), 30, "the job to finish")
            assert chat_requests(fake) == before + 1
            assert store.note(encounter.id).template == "apso"
        finally:
            cluster.stop()


def _no_job_left(store) -> bool:
    with store.db.transaction() as db:
        return not db.execute(text("SELECT 1 FROM procrastinate_jobs WHERE queue_name = 'encounters' "
                                   "AND status IN ('todo', 'doing')")).first()


def test_scribe_resume_beside_the_app_s_worker_on_sqlite_leaves_its_encounter_to_it(fake, tmp_path, short_wav):
    settings = settings_for(fake, tmp_path / "data")
    services = app_services(settings)
    store = services.store
    fake.polls_before_complete = 10**6  # the app's worker polls until we let the transcript finish
    try:
        encounter = services.scribe.submit(short_wav, "visit.wav", by=SYSTEM)
        services.worker.enqueue(encounter.id)
        wait_until(lambda: store.get(encounter.id).remote_transcript_id is not None, 30, "the transcript to start")
        env = {name: str(value) for name, value in _env_of(settings).items()}
        resumed = cli(env, "resume").stdout
        assert f"{encounter.id}: left to the worker processing it" in resumed
        fake.polls_before_complete = 0
        wait_until(lambda: store.get(encounter.id).state == READY, 30, "the app's worker to finish")
        actions = [r["action"] for r in store.audit_log()]
        assert uploads(fake) == 1 and len(fake.transcripts) == 1 and "transcription_resumed" not in actions
        assert chat_requests(fake) == 1
    finally:
        services.worker.shutdown()


def _env_of(settings) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSEMBLYAI_", "LLM_", "SCRIBE_"))}
    env.update(ASSEMBLYAI_API_KEY=API_KEY, ASSEMBLYAI_BASE_URL=settings.assemblyai_base_url,
               LLM_GATEWAY_BASE_URL=settings.llm_gateway_base_url, SCRIBE_DATA_DIR=str(settings.data_dir),
               SCRIBE_POLL_INTERVAL_S="0.05", SCRIBE_ENCRYPTION_KEY=settings.encryption_key.reveal(),
               PYTHONPATH=str(ROOT))
    return env
