"""Encounter processing on Procrastinate, a Postgres-backed task queue, when the store is on Postgres.

    queue.py     the app's side: a job enqueued in the same transaction as the state change that
                 needs it; the schema; the Worker stand-in app servers hold (they only enqueue and read)
    tasks.py     the worker's side: process an encounter (one worker per encounter at a time, by the
                 job's lock), the cluster-wide sweep that takes over a dead worker's job, and retention

    running.py         one run of a job under the encounter's lock, for every runner; where it runs
    worker_process.py  SQLite: the app runner's worker process (worker_process_main.py is its side)

With SQLite the app's runner (scribe_core/worker.py) runs jobs in its worker process; the CLI on its threads.
See docs/deploy.md for why Procrastinate.
"""
