"""Jobs on Procrastinate (Postgres): enqueued in the state change's transaction, one worker per
encounter, a killed worker's encounter taken over without a second upload or remote transcript."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import text

from scribe_core.crypto import Vault
from scribe_core.jobs.client import QueueClient
from scribe_core.jobs.tasks import WorkerRuntime, enqueue_stranded
from scribe_core.jobs.wiring import attach_queue, queue_client
from scribe_core.model import Encounter, EncounterState, utc_now
from scribe_core.storage import EncounterStore
from scribe_core.storage.jobs import has_job
from tests.audio_files import tone_file
from tests.conftest import TEST_KEY
from tests.fakes.assemblyai import FakeAssemblyAI

from .backends import ROOT, fresh_postgres_database
from .cluster import API_KEY, Cluster, remote_counts, wait_until


@pytest.fixture
def postgres_url():
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def queued_store(tmp_path, postgres_url):
    store = EncounterStore.open(tmp_path / "data", Vault(TEST_KEY), database_url_setting=postgres_url)
    attach_queue(store)
    yield store
    store.close()


def jobs(store):
    with store.db.transaction() as db:
        return [tuple(r) for r in db.execute(text(
            "SELECT lock, status::text, scheduled_at IS NOT NULL FROM procrastinate_jobs ORDER BY id"))]


def encounter(eid):
    return Encounter(id=eid, created=utc_now(), source_name="visit.wav", engine="assemblyai")


def test_a_job_is_enqueued_with_the_encounter_and_rolled_back_with_it(queued_store):
    queued_store.add(encounter("e1"), io.BytesIO(b"RIFF"), ".wav")
    assert jobs(queued_store) == [("encounter:e1", "todo", False)]
    with pytest.raises(RuntimeError), queued_store.db.transaction() as db:
        queued_store.insert_encounter(db, encounter("e2"), "e2.wav.enc")
        raise RuntimeError("the process dies before the commit")
    assert jobs(queued_store) == [("encounter:e1", "todo", False)]  # neither the row nor its job
    with pytest.raises(Exception, match="e2"):
        queued_store.get("e2")


def test_coming_back_into_flight_or_a_scheduled_retry_enqueues_and_other_changes_do_not(queued_store):
    queued_store.add(encounter("e1"), io.BytesIO(b"RIFF"), ".wav")
    with queued_store.db.transaction() as db:
        db.execute(text("UPDATE procrastinate_jobs SET status = 'succeeded'"))
    queued_store.update("e1", state=EncounterState.TRANSCRIBING, step="uploading")  # in flight already: no job
    queued_store.update("e1", state=EncounterState.FAILED)
    assert len(jobs(queued_store)) == 1
    queued_store.update("e1", state=EncounterState.UPLOADED)  # a retry: back into flight
    assert jobs(queued_store)[-1] == ("encounter:e1", "todo", False)
    queued_store.update("e1", state=EncounterState.UPLOADED)  # one waits already: not a second
    assert len(jobs(queued_store)) == 2
    with queued_store.db.transaction() as db:
        db.execute(text("UPDATE procrastinate_jobs SET status = 'doing' WHERE status = 'todo'"))
    queued_store.update("e1", retry_at=utc_now() + timedelta(seconds=30), attempts=1)
    assert jobs(queued_store)[-1] == ("encounter:e1", "todo", True)  # the next try, due at retry_at


def test_the_sweep_gives_a_job_to_an_encounter_in_flight_without_one(queued_store):
    queued_store.add(encounter("e1"), io.BytesIO(b"RIFF"), ".wav")
    with queued_store.db.transaction() as db:
        db.execute(text("DELETE FROM procrastinate_jobs"))  # e.g. left in flight by an in-process worker
        assert not has_job(db, "e1")
    runtime = WorkerRuntime(scribe=None, store=queued_store, queue=queued_store.jobs, takeover_s=5,
                            retention_hours=0)  # the sweep needs only the store and the queue
    assert enqueue_stranded(runtime) == ["e1"]
    assert enqueue_stranded(runtime) == []
    client = queue_client(queued_store)
    assert isinstance(client, QueueClient)
    client.enqueue("e1")  # the app asking again: one job waits already
    assert jobs(queued_store) == [("encounter:e1", "todo", False)]


@pytest.fixture
def fake():
    with FakeAssemblyAI(api_key=API_KEY, polls_before_processing=1, polls_before_complete=2) as server:
        yield server


@pytest.fixture
def cluster(fake, tmp_path, postgres_url):
    cluster = Cluster(fake, tmp_path / "data", postgres_url, TEST_KEY, takeover_s=3)
    yield cluster
    cluster.stop()


def submit(cluster, tmp_path, count, *, seconds=1.0):
    ids = []
    for n in range(count):
        wav = tone_file(tmp_path / f"visit-{n}.wav", seconds=seconds, seed=n)  # distinct audio per encounter
        ids.append(cluster.services().scribe.submit(wav, wav.name, engine="assemblyai").id)
    return ids


def test_two_workers_process_every_encounter_once(cluster, tmp_path, fake):
    ids = submit(cluster, tmp_path, 6)
    cluster.start_worker()
    cluster.start_worker(concurrency=2)
    store = cluster.services().store
    try:
        wait_until(lambda: all(store.get(i).state == EncounterState.READY for i in ids), 90, "every encounter ready")
    except TimeoutError:
        pytest.fail(cluster.worker_log())
    assert all(store.note(i) is not None for i in ids)
    counts = remote_counts(fake)
    assert len(counts) == 6 and all(c == [1, 1] for c in counts.values()), counts


def test_a_transient_failure_in_a_worker_schedules_its_retry_as_a_job_that_finishes_it(cluster, tmp_path, fake):
    fake.inject_status("/v2/transcript", 503, times=1, method="POST")  # the first create fails: try again later
    [eid] = submit(cluster, tmp_path, 1)
    cluster.start_worker()
    store = cluster.services().store
    try:
        wait_until(lambda: store.get(eid).state == EncounterState.READY, 60, "the scheduled retry to finish")
    except TimeoutError:
        pytest.fail(cluster.worker_log())
    actions = [r["action"] for r in store.audit_log()]
    assert "retry_scheduled" in actions and list(remote_counts(fake).values()) == [[1, 1]]


def test_a_killed_worker_s_encounter_is_taken_over_without_a_second_upload_or_transcript(cluster, tmp_path, fake):
    fake.polls_before_complete = 60  # long enough to be killed while the remote transcript runs
    [eid] = submit(cluster, tmp_path, 1)
    first = cluster.start_worker()
    store = cluster.services().store
    wait_until(lambda: store.get(eid).remote_transcript_id is not None, 60, "the transcript to be started")
    cluster.kill(first)  # SIGKILL mid-job: no goodbye, the job stays 'doing'
    fake.polls_before_complete = 2
    cluster.start_worker()
    try:
        wait_until(lambda: store.get(eid).state == EncounterState.READY, 60, "the takeover to finish")
    except TimeoutError:
        pytest.fail(cluster.worker_log())
    assert list(remote_counts(fake).values()) == [[1, 1]]
    actions = [r["action"] for r in store.audit_log()]
    assert actions.count("transcription_started") == 1 and "transcription_resumed" in actions


def test_the_worker_command_refuses_sqlite(tmp_path):
    done = subprocess.run([sys.executable, "-m", "scribe_core", "worker"], cwd=tmp_path, capture_output=True,
                          text=True, env={"SCRIBE_ENCRYPTION_KEY": TEST_KEY, "SCRIBE_DATA_DIR": str(tmp_path / "d"),
                                          "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, timeout=60)
    assert done.returncode == 2 and "SCRIBE_DATABASE_URL" in done.stderr


def test_an_encounter_held_by_a_live_process_is_not_held_twice_and_a_killed_holder_frees_it(queued_store,
                                                                                            postgres_url):
    db = queued_store.db
    with db.exclusive("encounter:e1") as first, db.exclusive("encounter:e1") as second, \
            db.exclusive("encounter:e2") as other:
        assert (first, second, other) == (True, False, True)
    with db.exclusive("encounter:e1") as again:
        assert again
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\n"
         "from scribe_core.storage.database import Database, database_url\n"
         "db = Database(database_url(sys.argv[1], '.'))\n"
         "with db.exclusive('encounter:e1') as held:\n"
         "    print(held, flush=True)\n"
         "    time.sleep(600)\n", postgres_url],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "True"
        with db.exclusive("encounter:e1") as while_alive:
            assert not while_alive
        holder.kill()  # SIGKILL: its session ends with its connection
        holder.wait(timeout=10)
        wait_until(lambda: _held_now(db), 10, "the killed holder's lock to be released")
    finally:
        holder.kill()


def _held_now(db) -> bool:
    with db.exclusive("encounter:e1") as held:
        return held


def test_the_cluster_retention_task_purges_what_is_past_retention(tmp_path, postgres_url):
    from scribe_core.bootstrap import build_services
    from scribe_core.config import Settings
    from scribe_core.jobs.tasks import retention, serve
    from scribe_core.jobs.wiring import open_store

    settings = Settings.from_env({"SCRIBE_DATA_DIR": str(tmp_path / "data"), "SCRIBE_ENCRYPTION_KEY": TEST_KEY,
                                  "SCRIBE_DATABASE_URL": postgres_url, "SCRIBE_ENGINE": "offline"}, dotenv=False)
    store = open_store(settings)
    services = build_services(settings, store=store, transcribers={"offline": lambda: None})  # never built
    old = encounter("old1")
    old.created = utc_now() - timedelta(hours=100)
    store.add(old, io.BytesIO(b"RIFF"), ".wav")
    store.update("old1", state=EncounterState.FAILED)
    store.add(encounter("new1"), io.BytesIO(b"RIFF"), ".wav")
    serve(WorkerRuntime(scribe=services.scribe, store=store, queue=store.jobs, takeover_s=5, retention_hours=72))
    retention(timestamp=0)
    assert store.get("old1").state == EncounterState.PURGED and store.get("new1").state != EncounterState.PURGED
    store.close()
