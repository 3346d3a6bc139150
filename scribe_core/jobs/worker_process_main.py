"""The worker process's side (worker_process.py starts it): build a Scribe from the server's settings, then
run each encounter id the server sends under the encounter's lock (running.run_held) on a few threads,
and answer with one word. It leaves when told to, when the server closes the pipe, or when the server
process is gone (a killed server must not leave it behind); a job cut short resumes from its stored state.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from ..config import Settings
from ..errors import EncounterNotFoundError
from ..usecases import Scribe
from .running import run_held

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

log = logging.getLogger(__name__)

RAN, HELD, MISSING, RAISED = "ran", "held", "missing", "error"
PARENT_CHECK_S = 1.0


def serve(conn: Connection, settings: Settings, build_scribe: Callable[[Settings], Scribe], threads: int,
          niceness: int, parent_pid: int | None) -> None:
    if niceness and hasattr(os, "nice"):
        os.nice(niceness)
    _log_like_the_server()
    if parent_pid is not None:
        threading.Thread(target=_leave_with_parent, args=(parent_pid,), name="scribe-jobs-parent", daemon=True).start()
    scribe = build_scribe(settings)
    answering = threading.Lock()

    def one(encounter_id: str) -> None:
        try:
            outcome = RAN if run_held(scribe, encounter_id) is not None else HELD
        except EncounterNotFoundError:
            outcome = MISSING
        except Exception:  # process() records failures itself; this guards the thread
            log.exception("worker process: encounter %s could not be processed", encounter_id)
            outcome = RAISED
        try:
            with answering:
                conn.send((encounter_id, outcome))
        except OSError:
            os._exit(0)  # the server is gone; the stored state is what counts

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="scribe-job") as pool:
        while True:
            try:
                encounter_id = conn.recv()
            except (EOFError, OSError):
                break
            if encounter_id is None:
                break
            pool.submit(one, encounter_id)


def _leave_with_parent(parent_pid: int) -> None:
    """A server killed outright closes no pipe while a job runs here: notice it is gone and leave now."""
    while os.getppid() == parent_pid:
        threading.Event().wait(PARENT_CHECK_S)
    os._exit(0)


def _log_like_the_server() -> None:
    """The same level for the scribe's loggers as the server's (ui/services.py), to the same stderr."""
    level = os.environ.get("SCRIBE_LOG_LEVEL")
    if level:
        logging.getLogger("scribe_core").setLevel(level.upper())
        if not logging.getLogger().handlers:
            logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
