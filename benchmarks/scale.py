"""Scale benchmark: encounters through worker processes on Postgres, against the fake AssemblyAI.

    python benchmarks/scale.py [--encounters 200] [--workers 1,2,4] [--database-url postgresql://...]

Everything is real but the remote service: Postgres (a throwaway server from scripts/postgres unless a URL
is given; a fresh database per run), `python -m scribe_core worker` processes, the store, the HTTP client
and the LLM note writer, against tests/fakes/assemblyai.py over HTTP on 127.0.0.1. The fake holds each
transcript for a few polls, as the real service does for a while, so a worker spends part of each job
waiting: that waiting is what several workers overlap.

For each worker count: the workers start, then the encounters are submitted as an app server does
(the job enqueued with the encounter); throughput is encounters per second from the first submission to
the last ready, and p95 is the 95th percentile of submit→ready. The 1-worker run is the baseline.

Then the fault run: 3 workers, and once all three are in the middle of a job, one is killed with SIGKILL.
The other two take its encounter over after SCRIBE_WORKER_TAKEOVER_S. Each encounter is counted once:

    completed   ready, with a note
    failed      failed, with a reason
    lost        anything else (still in flight at the end, or missing)
    duplicated  a second upload or a second remote transcript of one encounter's recording (the fake
                counts them by the recording's SHA-256; every encounter's audio is distinct)

The last line is `encounters: N completed: X failed: Y lost: Z duplicated: D`; exit code 1 when lost or
duplicated is not 0.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from scribe_core.crypto import generate_key  # noqa: E402
from scribe_core.model import EncounterState  # noqa: E402
from tests.audio_files import tone_file  # noqa: E402
from tests.fakes.assemblyai import FakeAssemblyAI  # noqa: E402
from tests.storage.backends import fresh_postgres_database  # noqa: E402
from tests.storage.cluster import API_KEY, Cluster, remote_counts, wait_until  # noqa: E402

TAKEOVER_S = 5.0


def recordings(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [tone_file(folder / f"visit-{n:03d}.wav", seconds=1.0, seed=n) for n in range(count)]


def run(fake: FakeAssemblyAI, workdir: Path, database_url: str, audio: list[Path], workers: int, *,
        kill_one: bool = False) -> dict:
    cluster = Cluster(fake, workdir / "data", database_url, generate_key(), takeover_s=TAKEOVER_S,
                      poll_interval_s=0.1)
    try:
        store = cluster.services().store  # creates the schema before the workers start
        for _ in range(workers):
            cluster.start_worker()
        wait_until(lambda: _workers_seen(store) >= workers, 60, "the workers to register")
        start = time.monotonic()
        submitted: dict[str, float] = {}
        for path in audio:
            encounter = cluster.services().scribe.submit(path, path.name, engine="assemblyai")
            submitted[encounter.id] = time.monotonic()
        killed_at = None
        if kill_one:
            wait_until(lambda: _jobs_running(store) >= workers, 60, "every worker to be mid-job", every_s=0.02)
            cluster.kill(cluster.workers[0])
            killed_at = time.monotonic()
        finished: dict[str, tuple[str, float]] = {}

        def progress() -> bool:
            finished.update(_finished(store))
            return len(finished) >= len(submitted)

        try:
            wait_until(progress, 120 + 3 * len(audio), "every encounter to finish", every_s=0.5)
        except TimeoutError:
            print(cluster.worker_log()[-4000:], file=sys.stderr)
        # Times from the store: created at submission, updated when it became ready (both UTC, this machine).
        latencies = sorted(latency for _, latency in finished.values())
        last = max((store.get(i).updated for i in finished), default=None)
        first = min(store.get(i).created for i in submitted)
        elapsed = (last - first).total_seconds() if last else time.monotonic() - start
        states = {i: store.get(i) for i in submitted}
        completed = sum(1 for i, e in states.items() if e.state == EncounterState.READY and store.note(i))
        failed = sum(1 for e in states.values() if e.state == EncounterState.FAILED and e.error)
        return {
            "workers": workers, "encounters": len(submitted), "elapsed_s": elapsed,
            "throughput": len(finished) / elapsed if elapsed else 0.0,
            "p95_s": statistics.quantiles(latencies, n=20)[-1] if len(latencies) >= 2 else float("nan"),
            "completed": completed, "failed": failed, "lost": len(submitted) - completed - failed,
            "killed_at": killed_at, "start": start,
        }
    finally:
        cluster.stop()


def _finished(store) -> dict[str, tuple[str, float]]:
    """Encounters no longer in flight: state and submit->finish seconds, in one query without decrypting."""
    with store.db.transaction() as db:
        rows = db.execute(text("SELECT id, state, created, updated FROM encounters "
                               "WHERE state IN ('ready', 'failed', 'purged')")).all()
    return {r[0]: (r[1], (datetime.fromisoformat(r[3]) - datetime.fromisoformat(r[2])).total_seconds()) for r in rows}


def _workers_seen(store) -> int:
    with store.db.transaction() as db:
        return int(db.execute(text("SELECT COUNT(*) FROM procrastinate_workers")).scalar() or 0)


def _jobs_running(store) -> int:
    with store.db.transaction() as db:
        return int(db.execute(text(
            "SELECT COUNT(*) FROM procrastinate_jobs WHERE status = 'doing' AND task_name = 'scribe:process_encounter'"
        )).scalar() or 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--encounters", type=int, default=200)
    parser.add_argument("--workers", default="1,2,4", help="worker process counts to measure, comma-separated")
    parser.add_argument("--hold-polls", type=int, default=4,
                        help="polls the fake answers 'queued'/'processing' before 'completed' (0.1 s apart)")
    parser.add_argument("--database-url", default=os.environ.get("TEST_POSTGRES_URL", ""),
                        help="a Postgres server to create throwaway databases on (default: scripts/postgres)")
    args = parser.parse_args(argv)
    if args.database_url:
        os.environ["TEST_POSTGRES_URL"] = args.database_url
    else:
        started = subprocess.run(["bash", str(ROOT / "scripts" / "postgres"), "start"], capture_output=True, text=True)
        if started.returncode != 0:
            print(started.stderr, file=sys.stderr)
            return 2
        os.environ["TEST_POSTGRES_URL"] = started.stdout.strip().split("=", 1)[1]
    counts = [int(n) for n in args.workers.split(",")]
    with tempfile.TemporaryDirectory(prefix="scribe-scale-") as tmp, ExitStack() as stack:
        workdir = Path(tmp)
        audio = recordings(workdir / "audio", args.encounters)
        print(f"{args.encounters} encounters of 1 s audio; fake AssemblyAI holds each transcript "
              f"{args.hold_polls} polls (poll every 0.1 s); Postgres {os.environ['TEST_POSTGRES_URL'].split('@')[-1]}; "
              f"{os.cpu_count()} CPU cores", flush=True)
        print(f"{'workers':>7} {'seconds':>8} {'enc/s':>7} {'speed-up':>8} {'p95 submit->ready':>18}  done", flush=True)
        baseline = None
        for workers in counts:
            fake = stack.enter_context(FakeAssemblyAI(api_key=API_KEY, polls_before_processing=1,
                                                      polls_before_complete=args.hold_polls))
            with fresh_postgres_database() as url:
                result = run(fake, workdir / f"w{workers}", url, audio, workers)
            baseline = baseline or result["throughput"]
            print(f"{workers:>7} {result['elapsed_s']:>8.1f} {result['throughput']:>7.2f} "
                  f"{result['throughput'] / baseline:>7.2f}x {result['p95_s']:>17.1f}s  "
                  f"{result['completed']}/{result['encounters']}", flush=True)
        fake = stack.enter_context(FakeAssemblyAI(api_key=API_KEY, polls_before_processing=1,
                                                  polls_before_complete=args.hold_polls))
        with fresh_postgres_database() as url:
            result = run(fake, workdir / "fault", url, audio, 3, kill_one=True)
        per_recording = remote_counts(fake)
        duplicated = sum(1 for uploads, creates in per_recording.values() if uploads > 1 or creates > 1)
        print(f"fault run: 3 workers, one SIGKILLed mid-job {result['killed_at'] - result['start']:.1f} s in "
              f"(takeover after {TAKEOVER_S:g} s without a heartbeat); {result['elapsed_s']:.1f} s, "
              f"{result['throughput']:.2f} enc/s; uploads {sum(u for u, _ in per_recording.values())}, "
              f"remote transcripts {sum(c for _, c in per_recording.values())}", flush=True)
        print(f"encounters: {result['encounters']} completed: {result['completed']} failed: {result['failed']} "
              f"lost: {result['lost']} duplicated: {duplicated}")
        return 1 if result["lost"] or duplicated else 0


if __name__ == "__main__":
    sys.exit(main())
