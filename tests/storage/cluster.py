"""A cluster on one machine, for the job tests and benchmarks/scale.py: the fake AssemblyAI (real HTTP on
127.0.0.1), a Postgres database, and `python -m scribe_core worker` processes started and killed like
they would be on separate machines. The submitting side is an app server's composition in this process.
"""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from scribe_core.bootstrap import Services, build_services
from scribe_core.config import Settings, env_names
from scribe_core.jobs.wiring import open_store
from tests.fakes.assemblyai import FakeAssemblyAI

ROOT = Path(__file__).resolve().parents[2]
API_KEY = "cluster-test-key"


class Cluster:
    def __init__(self, fake: FakeAssemblyAI, data_dir: Path, database_url: str, key: str, *,
                 takeover_s: float = 5.0, poll_interval_s: float = 0.05, recordings: str = "directory") -> None:
        self.fake, self.data_dir, self.logs = fake, data_dir, data_dir.parent / "worker-logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.env_values = {
            "ASSEMBLYAI_API_KEY": API_KEY, "ASSEMBLYAI_BASE_URL": fake.base_url,
            "LLM_GATEWAY_BASE_URL": fake.gateway_url, "SCRIBE_ENGINE": "assemblyai",
            "SCRIBE_DATA_DIR": str(data_dir), "SCRIBE_ENCRYPTION_KEY": key, "SCRIBE_DATABASE_URL": database_url,
            "SCRIBE_RECORDINGS": recordings, "SCRIBE_WORKER_TAKEOVER_S": str(takeover_s),
            "SCRIBE_POLL_INTERVAL_S": str(poll_interval_s), "SCRIBE_REDACT_PII": "false",
            "SCRIBE_JOB_RETRY_DELAYS_S": "1,2", "SCRIBE_LOG_LEVEL": "INFO",
        }
        self.workers: list[subprocess.Popen[bytes]] = []
        self._services: Services | None = None

    def settings(self) -> Settings:
        return Settings.from_env(self.env_values, dotenv=False)

    def services(self) -> Services:
        """The app server's side: a store that enqueues on Procrastinate, and the QueueClient."""
        if self._services is None:
            settings = self.settings()
            self._services = build_services(settings, store=open_store(settings))
        return self._services

    def start_worker(self, concurrency: int = 1) -> subprocess.Popen[bytes]:
        env = {k: v for k, v in os.environ.items() if k not in env_names()}
        env.update(self.env_values, PYTHONPATH=str(ROOT))
        log = open(self.logs / f"worker-{len(self.workers)}.log", "wb")  # noqa: SIM115 (kept open while it runs)
        process = subprocess.Popen([sys.executable, "-m", "scribe_core", "worker", "--concurrency", str(concurrency)],
                                   cwd=self.data_dir.parent, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.workers.append(process)
        return process

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                process.terminate()
        for process in self.workers:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill(process)
        if self._services is not None:
            self._services.store.close()

    def worker_log(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.logs.glob("*.log")))


def wait_until(condition: Callable[[], bool], timeout_s: float, what: str, *, every_s: float = 0.1) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout_s:g} s for {what}")
        time.sleep(every_s)


def remote_counts(fake: FakeAssemblyAI) -> dict[str, list[int]]:
    """Per recording (the upload's SHA-256): [uploads, transcripts created] as the fake saw them."""
    counts: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    with fake._lock:
        for sha in fake.upload_sha256.values():
            counts[sha][0] += 1
        for transcript_id in fake.transcripts:
            upload_id = fake._jobs[transcript_id].request["audio_url"].rsplit("/", 1)[-1]
            counts[fake.upload_sha256.get(upload_id, "unknown")][1] += 1
    return dict(counts)
