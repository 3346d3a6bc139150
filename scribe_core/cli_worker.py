"""`python -m scribe_core worker [--concurrency N]`: process encounters on this machine, from the shared Postgres.

Start as many as the machines' cores allow, on any machine that reaches the database (and the shared
recordings directory, unless SCRIBE_RECORDINGS=database). Each takes encounters from the queue one job
per encounter at a time; if one dies, another takes its encounter over after SCRIBE_WORKER_TAKEOVER_S.
SIGTERM or Ctrl-C stops it after the jobs in hand (a job cut short is taken over the same way).
With SQLite there are no worker processes: the app runs the jobs itself.
"""

from __future__ import annotations

import argparse
import logging
import sys

from .errors import ScribeError

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction) -> None:
    worker = sub.add_parser("worker", help="process encounters from the shared Postgres (SCRIBE_DATABASE_URL)")
    worker.add_argument("--concurrency", type=int, default=1, metavar="N",
                        help="encounters processed at once by this process (default 1)")


def run(args: argparse.Namespace) -> int | None:
    if args.command != "worker":
        return None
    if args.concurrency < 1:
        print("error: --concurrency must be 1 or more", file=sys.stderr)
        return 2
    try:
        return _work(args.concurrency)
    except ScribeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _work(concurrency: int) -> int:
    from .bootstrap import build_services
    from .config import Settings
    from .jobs.queue import ENCOUNTER_QUEUE, MAINTENANCE_QUEUE, ProcrastinateQueue, worker_app
    from .jobs.tasks import WorkerRuntime, serve
    from .jobs.wiring import open_store

    settings = Settings.from_env()
    if not settings.database_url:
        print("error: worker processes need the shared Postgres: set SCRIBE_DATABASE_URL=postgresql://... "
              "(with SQLite the app runs the jobs itself)", file=sys.stderr)
        return 2
    store = open_store(settings)
    services = build_services(settings, store=store)
    queue = store.jobs
    assert isinstance(queue, ProcrastinateQueue)  # open_store attaches it on Postgres
    takeover = settings.worker_takeover_s
    serve(WorkerRuntime(scribe=services.scribe, store=store, queue=queue, takeover_s=takeover,
                        retention_hours=settings.retention_hours))
    log.info("worker: %d at once; takeover after %g s", concurrency, takeover)
    worker_app(store.database_url).run_worker(
        queues=[ENCOUNTER_QUEUE, MAINTENANCE_QUEUE], concurrency=concurrency, install_signal_handlers=True,
        update_heartbeat_interval=max(1.0, takeover / 4), stalled_worker_timeout=takeover, delete_jobs="successful")
    return 0
