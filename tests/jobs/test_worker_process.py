"""On SQLite the app's runner runs each job in a worker process of its own: a long draft costs the server's
process next to no CPU, a worker process killed mid-job is replaced and the encounter completes, retries
and rechecks still happen without a restart, and no child outlives the runner. Real SQLite files, the
real offline writer, real child processes; the fake AssemblyAI and LLM Gateway on loopback for retries."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from scribe_core.access import SYSTEM
from scribe_core.bootstrap import build_services, server_services
from scribe_core.clinical import parse_transcript_text
from scribe_core.config import Settings
from scribe_core.jobs.wiring import THREADS, WORKER_PROCESS
from scribe_core.jobs.worker_process import InWorkerProcess
from scribe_core.model import EncounterState
from scribe_core.worker import MAX_LOST_RUNS, Worker
from tests.clinical.conftest import VISIT
from tests.conftest import TEST_KEY
from tests.storage.backends import ROOT
from tests.storage.cluster import wait_until
from tests.ui.fakes import LocalNoteWriter

from .conftest import chat_requests, settings_for
from .test_job_runner import hold_elsewhere

READY = EncounterState.READY
LONG_VISIT = "\n".join(f"{'Doctor' if n % 2 else 'Patient'}: I take {n % 90 + 10} mg of lisinopril every day, "
                       f"visit line {n}." for n in range(4_000))


def offline_settings(data_dir) -> Settings:
    return Settings.from_env({"SCRIBE_DATA_DIR": str(data_dir), "SCRIBE_ENCRYPTION_KEY": TEST_KEY,
                              "SCRIBE_ENGINE": "offline"}, dotenv=False)


def stat(pid: int) -> list[str]:
    """A process's /proc/<pid>/stat fields after its name (Linux)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_s(pid: int) -> float:
    """User + system CPU seconds a live process has used."""
    fields = stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def alive(pid: int) -> bool:
    try:
        state = stat(pid)[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_the_app_s_runner_on_sqlite_runs_a_long_draft_in_another_process_at_lower_priority(tmp_path):
    services = server_services(offline_settings(tmp_path / "data"))  # the app server's own composition
    executor = services.worker.executor
    assert isinstance(executor, InWorkerProcess) and executor.pid is None  # started on first need, not here
    try:
        encounter = services.scribe.import_transcript(parse_transcript_text(LONG_VISIT), "long.txt", by=SYSTEM)
        wait_until(lambda: executor.pid is not None, 30, "the worker process to start")
        child = executor.pid
        assert child != os.getpid()
        parent_before = time.process_time()
        finished = services.worker.enqueue(encounter.id).result(timeout=180)
        parent_cpu, child_cpu = time.process_time() - parent_before, cpu_s(child)
        assert finished is not None and finished.state == READY and services.store.note(encounter.id) is not None
        print(f"4,000-line draft: worker process {child_cpu:.2f} s CPU, this process {parent_cpu:.2f} s")
        assert child_cpu > 1.0 and parent_cpu < child_cpu / 4
        assert os.getpriority(os.PRIO_PROCESS, child) > os.getpriority(os.PRIO_PROCESS, 0)
    finally:
        services.worker.shutdown()
    assert not alive(child)


def test_a_worker_process_killed_mid_draft_is_replaced_and_the_encounter_completes(tmp_path):
    services = build_services(offline_settings(tmp_path / "data"), jobs_in=WORKER_PROCESS)
    executor = services.worker.executor
    store = services.store
    try:
        encounter = services.scribe.import_transcript(parse_transcript_text(LONG_VISIT), "long.txt", by=SYSTEM)
        settled = services.worker.enqueue(encounter.id)
        wait_until(lambda: store.get(encounter.id).state == EncounterState.DRAFTING, 60, "the draft to start")
        killed = executor.pid
        os.kill(killed, signal.SIGKILL)
        finished = settled.result(timeout=180)
        assert finished is not None and finished.state == READY
        assert executor.pid not in (None, killed) and not alive(killed)
        actions = [r["action"] for r in store.audit_log() if r.get("encounter_id", encounter.id) == encounter.id]
        assert actions.count("note_drafted") == 1 and "failed" not in actions
    finally:
        services.worker.shutdown()


def test_a_transient_failure_in_the_worker_process_is_retried_without_a_restart(fake, tmp_path, short_wav):
    fake.inject_status("/v1/chat/completions", 503, times=6, retry_after=0, method="POST")  # one whole try
    services = build_services(settings_for(fake, tmp_path / "data"), jobs_in=WORKER_PROCESS)
    try:
        encounter = services.scribe.submit(short_wav, "visit.wav", by=SYSTEM)
        finished = services.worker.enqueue(encounter.id).result(timeout=60)  # settles after the retry
        assert finished is not None and finished.state == READY
        assert chat_requests(fake) == 7  # one refused try (6 sends), then the scheduled retry
        assert "retry_scheduled" in [r["action"] for r in services.store.audit_log()]
    finally:
        services.worker.shutdown()


def test_an_encounter_another_process_holds_is_checked_again_and_run_once_it_is_free(tmp_path):
    settings = offline_settings(tmp_path / "data")
    services = build_services(settings, jobs_in=WORKER_PROCESS)
    services.worker.recheck_held_s = 0.5
    store = services.store
    try:
        encounter = services.scribe.import_transcript(parse_transcript_text("Doctor: Any chest pain?\nPatient: No."),
                                                      "short.txt", by=SYSTEM)
        holder = hold_elsewhere("", settings.data_dir, encounter.id)  # e.g. `scribe resume` working on it
        try:
            settled = services.worker.enqueue(encounter.id)
            time.sleep(1.5)
            assert store.get(encounter.id).state == EncounterState.TRANSCRIBED and not settled.done()
        finally:
            holder.kill()
            holder.wait(timeout=10)
        assert settled.result(timeout=60).state == READY
    finally:
        services.worker.shutdown()


def test_shutdown_mid_job_leaves_no_child_and_the_next_start_resumes_the_encounter(tmp_path):
    settings = offline_settings(tmp_path / "data")
    services = build_services(settings, jobs_in=WORKER_PROCESS)
    encounter = services.scribe.import_transcript(parse_transcript_text(LONG_VISIT), "long.txt", by=SYSTEM)
    wait_until(lambda: services.store.get(encounter.id).state == EncounterState.DRAFTING, 60, "the draft to start")
    child = services.worker.executor.pid
    services.worker.shutdown(wait=False)
    assert not alive(child) and services.store.get(encounter.id).state.in_flight

    again = build_services(settings, jobs_in=WORKER_PROCESS)  # the next start of the app
    try:
        assert again.worker.resume_unfinished() == [encounter.id]
        assert again.worker.enqueue(encounter.id).result(timeout=180).state == READY
    finally:
        again.worker.shutdown()


SERVER = ("import sys, time\n"
          "from scribe_core.access import SYSTEM\n"
          "from scribe_core.clinical import parse_transcript_text\n"
          "from tests.jobs.test_worker_process import LONG_VISIT, offline_settings, server_services\n"
          "if __name__ == '__main__':\n"
          "    services = server_services(offline_settings(sys.argv[1]))\n"
          "    services.scribe.import_transcript(parse_transcript_text(LONG_VISIT), 'long.txt', by=SYSTEM)\n"
          "    while services.worker.executor.pid is None:\n"
          "        time.sleep(0.05)\n"
          "    print(services.worker.executor.pid, flush=True)\n"
          "    time.sleep(600)\n")


def test_a_server_killed_outright_leaves_no_worker_process_behind(tmp_path):
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(tmp_path / "data")], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        child = int(server.stdout.readline())
        assert alive(child)
    finally:
        server.kill()
        server.wait(timeout=10)
    wait_until(lambda: not alive(child), 15, "the orphaned worker process to leave")


class DiesWhileDrafting(LocalNoteWriter):
    """A draft that takes its process down with it, as a crash in native code or the OOM killer would."""

    def draft(self, transcript, template, context=""):
        os._exit(70)


def dying_scribe(settings):
    """The worker process's Scribe in the next test (built there, by name, like bootstrap's)."""
    return build_services(settings, jobs_in=THREADS, writer_for_engine=lambda _engine: DiesWhileDrafting()).scribe


def test_a_job_that_keeps_killing_its_worker_process_fails_after_a_few_tries_and_can_be_retried(tmp_path):
    settings = offline_settings(tmp_path / "data")
    services = build_services(settings, jobs_in=THREADS)
    runner = services.scribe.jobs = Worker(services.scribe, executor=InWorkerProcess(services.store, settings,
                                                                                     dying_scribe))
    try:
        encounter = services.scribe.import_transcript(parse_transcript_text(VISIT), "visit.txt", by=SYSTEM)
        done = runner.enqueue(encounter.id).result(timeout=120)
        assert done is not None and done.state == EncounterState.FAILED
        assert f"stopped {MAX_LOST_RUNS + 1} times" in (done.error or "")
        assert services.store.transcript(encounter.id) is not None  # nothing lost: a retry drafts it again
        assert "failed" in [r["action"] for r in services.store.audit_log() if r["encounter_id"] == encounter.id]
    finally:
        runner.shutdown()
        services.worker.shutdown()
