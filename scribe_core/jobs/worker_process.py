"""The app's jobs in a worker process: a long draft or an offline transcription is pure-Python CPU, and
on the server's own threads it would hold the interpreter lock the pages need (on SQLite, where there
are no Procrastinate workers). So the runner (worker.Worker) hands each job to one long-lived child
process instead, started with the spawn context and at a lower CPU priority, which builds its own Scribe
from the same settings and runs the jobs on its own threads (worker_process_main.py).

Only encounter ids cross the pipe, one way, and a word back ("ran", "held", "missing", "error"); the
child reads and writes everything else in the store, under the encounter's lock (a file lock beside the
SQLite file, so the lock means the same in both processes). The parent reads the outcome back from the
store, so nothing is loaded in the server for the handover (no speech model, no writer).

A child that dies mid-job (killed, out of memory) fails the runs in hand with WorkerProcessLost; the
next run starts a new child, and the runner runs the lost encounters again from their stored state.
The child also leaves when its parent does, so a killed server leaves no orphan behind.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import types
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..config import Settings
from ..model import Encounter
from ..usecases import Scribe
from .worker_process_main import HELD, RAISED, serve

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from ..storage import EncounterStore

# The lowest priority: when the server and a job both want the CPU, the pages win and the job waits.
JOB_NICENESS = 19
STOP_WAIT_S = 30.0


class WorkerProcessLost(RuntimeError):
    """The worker process died while it held this run; the encounter's stored state is intact."""


class JobRaisedError(RuntimeError):
    """The job raised outside process()'s own handling (logged, by encounter id, in the worker process)."""


class InWorkerProcess:
    """Runs each job in the worker process; starts (or replaces) it on first need."""

    def __init__(self, store: EncounterStore, settings: Settings, build_scribe: Callable[[Settings], Scribe], *,
                 threads: int = 2, niceness: int = JOB_NICENESS) -> None:
        """`build_scribe` runs in the child and must be a module-level function (it is pickled by name)."""
        self.store = store
        self._start_args = (settings, build_scribe, threads, niceness)
        self._lock = threading.Lock()
        self._child: _Child | None = None
        self._closed = False

    @property
    def pid(self) -> int | None:
        """The worker process's id while one is running."""
        child = self._child
        return child.process.pid if child is not None and child.alive else None

    def run(self, encounter_id: str) -> Encounter | None:
        outcome = self._current().ask(encounter_id)
        if outcome == HELD:
            return None
        if outcome == RAISED:
            raise JobRaisedError(f"the job of encounter {encounter_id} raised in the worker process")
        return self.store.get(encounter_id)  # a purged encounter raises EncounterNotFoundError here

    def _current(self) -> _Child:
        with self._lock:
            if self._closed:
                raise WorkerProcessLost("the job runner is shutting down")
            if self._child is None or not self._child.alive:
                self._child = _Child(*self._start_args)
            return self._child

    def close(self, wait: bool = True) -> None:
        """Stop the worker process: after the jobs in hand (`wait`), or now (a job cut short resumes from
        its stored state at the next start). Either way no child outlives this call."""
        with self._lock:
            self._closed = True
            child, self._child = self._child, None
        if child is not None:
            child.stop(wait)


_STARTING = threading.Lock()


@contextmanager
def _no_main_module_for_the_child() -> Iterator[None]:
    """Spawn runs this process's __main__ again in the child unless told otherwise, and under Streamlit
    __main__ is the app's page script (it would run there, and stop at the sign-in gate). The child needs
    nothing from it: its target and the Scribe builder are imported by name. So while the child starts,
    __main__ is an empty module."""
    with _STARTING:
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            if main is not None:
                sys.modules["__main__"] = main


class _Child:
    """One spawned worker process, and the thread that reads its answers."""

    def __init__(self, settings: Settings, build_scribe: Callable[[Settings], Scribe], threads: int,
                 niceness: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, theirs = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=serve, name="scribe-jobs", daemon=True,  # daemon: ended with the server at its exit
            args=(theirs, settings, build_scribe, threads, niceness, multiprocessing.current_process().pid))
        with _no_main_module_for_the_child():
            self.process.start()
        theirs.close()  # the child's end lives in the child only: its death reads as end-of-file here
        self._lock = threading.Lock()
        self._waiting: dict[str, Future[str]] = {}
        self.alive = True
        self._reader = threading.Thread(target=self._read, name="scribe-jobs-reader", daemon=True)
        self._reader.start()

    def ask(self, encounter_id: str) -> str:
        """Run the encounter's job there; its outcome word. The runner never asks twice for one encounter
        at a time."""
        answer: Future[str] = Future()
        with self._lock:
            if not self.alive:
                raise WorkerProcessLost("the worker process has stopped")
            self._waiting[encounter_id] = answer
            try:
                self.conn.send(encounter_id)
            except OSError as exc:
                self._waiting.pop(encounter_id, None)
                raise WorkerProcessLost("the worker process has stopped") from exc
        return answer.result()

    def _read(self) -> None:
        connection: Connection = self.conn
        while True:
            try:
                encounter_id, outcome = connection.recv()
            except (EOFError, OSError):
                break
            with self._lock:
                answer = self._waiting.pop(encounter_id, None)
            if answer is not None:
                answer.set_result(outcome)
        with self._lock:
            self.alive = False
            lost, self._waiting = list(self._waiting.values()), {}
        for answer in lost:
            answer.set_exception(WorkerProcessLost("the worker process stopped during the job"))
        self.process.join()  # reaped: no zombie left behind
        connection.close()

    def stop(self, wait: bool) -> None:
        if wait:
            try:
                self.conn.send(None)  # finish the jobs in hand, then leave
            except OSError:
                pass
            self.process.join(STOP_WAIT_S)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5.0)
        if self.process.is_alive():
            self.process.kill()
        self._reader.join(10.0)
