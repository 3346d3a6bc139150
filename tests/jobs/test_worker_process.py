"""The app server's jobs on SQLite run in a worker process (jobs/worker_process.py), not on the server's
threads: a long draft is pure-Python CPU that would hold the interpreter lock every page needs. A real
SQLite file, a real spawned process, the real offline writer; the cloud test uses the loopback fakes."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from scribe_core.access import SYSTEM
from scribe_core.bootstrap import build_services, server_services
from scribe_core.clinical import parse_transcript_text
from scribe_core.config import Settings
from scribe_core.jobs.wiring import WORKER_PROCESS
from scribe_core.model import EncounterState
from scribe_core.worker import Worker
from tests.conftest import TEST_KEY
from tests.storage.cluster import wait_until

from .conftest import chat_requests, settings_for

READY = EncounterState.READY


def offline_settings(data_dir: Path) -> Settings:
    return Settings.from_env({"SCRIBE_DATA_DIR": str(data_dir), "SCRIBE_ENCRYPTION_KEY": TEST_KEY,
                              "SCRIBE_ENGINE": "offline"}, dotenv=False)


def long_visit(lines: int):
    return parse_transcript_text("\n".join(
        f"{'Doctor' if n % 2 else 'Patient'}: I take {n % 90 + 10} mg of lisinopril every day, visit line {n}."
        for n in range(lines)))


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"  # a zombie has exited
    except FileNotFoundError:
        return False


def test_a_long_draft_runs_in_the_worker_process_while_the_server_s_own_cpu_stays_idle(tmp_path):
    services = server_services(offline_settings(tmp_path / "data"))
    worker = services.worker
    assert isinstance(worker, Worker)
    try:
        encounter = services.scribe.import_transcript(long_visit(2_000), "long.txt", by=SYSTEM)
        started, cpu_before = time.monotonic(), time.process_time()
        worker.enqueue(encounter.id).result(timeout=180)
        wall, server_cpu = time.monotonic() - started, time.process_time() - cpu_before
        assert services.store.get(encounter.id).state == READY
        assert services.store.note(encounter.id) is not None
        pid = worker.executor.pid  # type: ignore[attr-defined]
        assert pid is not None and pid != os.getpid()
        # The draft's CPU was spent there: this process only waited on a pipe.
        assert server_cpu < 0.25 * wall, f"server CPU {server_cpu:.2f} s during a {wall:.2f} s draft"
    finally:
        worker.shutdown()


def test_a_worker_process_killed_mid_draft_is_replaced_and_the_encounter_still_drafts(tmp_path):
    services = server_services(offline_settings(tmp_path / "data"))
    worker = services.worker
    assert isinstance(worker, Worker)
    try:
        encounter = services.scribe.import_transcript(long_visit(4_000), "long.txt", by=SYSTEM)
        settled = worker.enqueue(encounter.id)
        wait_until(lambda: worker.executor.pid is not None, 60, "the worker process")  # type: ignore[attr-defined]
        first = worker.executor.pid  # type: ignore[attr-defined]
        wait_until(lambda: services.store.get(encounter.id).state == EncounterState.DRAFTING, 60, "the draft")
        os.kill(first, signal.SIGKILL)
        assert settled.result(timeout=240).state == READY
        assert services.store.note(encounter.id) is not None
        assert worker.executor.pid not in (None, first)  # type: ignore[attr-defined]
        assert not alive(first)
    finally:
        worker.shutdown()


def test_shutting_the_runner_down_leaves_no_worker_process_behind(tmp_path):
    services = server_services(offline_settings(tmp_path / "data"))
    worker = services.worker
    assert isinstance(worker, Worker)
    encounter = services.scribe.import_transcript(long_visit(20), "short.txt", by=SYSTEM)
    worker.enqueue(encounter.id).result(timeout=180)
    pid = worker.executor.pid  # type: ignore[attr-defined]
    assert pid is not None and alive(pid)
    worker.shutdown()
    assert not alive(pid)


def test_a_transient_llm_failure_in_the_worker_process_is_retried_without_a_restart(fake, tmp_path, short_wav):
    services = build_services(settings_for(fake, tmp_path / "data"), jobs_in=WORKER_PROCESS)
    store = services.store
    try:
        fake.inject_status("/v1/chat/completions", 503, times=6, method="POST")  # every resend of one try
        encounter = services.scribe.submit(short_wav, "visit.wav", by=SYSTEM)
        services.worker.enqueue(encounter.id)
        wait_until(lambda: store.get(encounter.id).state == READY, 120, "the draft's scheduled retry")
        assert chat_requests(fake) == 7  # one refused try (6 sends), then the retry
        assert "retry_scheduled" in [r["action"] for r in store.audit_log()]
    finally:
        services.worker.shutdown()
