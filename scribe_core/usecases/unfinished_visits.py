"""Live visits not yet finished: who may see one, whether it still records, and retention for the ones
never finished.

A running visit's files are the store's (storage/live_visits.py): `<id>.journal` (the encrypted audio)
and `<id>.visit` (its plan, sealed: owner, key terms, context, template, engine, consent, and the host
and process recording it). Both go when the visit becomes an encounter or is discarded. This module needs
only the store, so the retention sweep (purging.py) discards expired visits without the live engines.

Visits running in this process are registered here (not per LiveVisits object), so no sweep or page
in the same process takes a running visit for an interrupted one. A visit another process records is
running while its journal grows (the recorder appends every 200 ms) and, on this host, its process lives;
on another host a journal silent for HEARTBEAT_S means that server went down.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ..access import SYSTEM, Viewer
from ..errors import AccessDeniedError, EncounterNotFoundError
from ..model import RecordingConsent, utc_now
from ..storage.recordings import process_alive
from ..store import EncounterStore


@dataclass(frozen=True)
class VisitPlan:
    id: str
    owner: str
    started: str  # ISO time
    engine: str
    keyterms: list[str]
    context: str
    template: str
    consent: bool
    # Who ticked "The patient agreed to be recorded", and when (absent in plans written before).
    consent_by: str | None = None
    consent_at: str | None = None
    # Who records it (absent in plans written before): tells another app server whether it still runs.
    host: str | None = None
    pid: int | None = None

    @property
    def recording_consent(self) -> RecordingConsent | None:
        if not self.consent:
            return None
        return RecordingConsent(self.consent_by or self.owner,
                                datetime.fromisoformat(self.consent_at or self.started))


@dataclass(frozen=True)
class InterruptedVisit:
    id: str
    owner: str
    started: datetime
    recorded_s: float


_running: set[Path] = set()  # journals of visits recording in this process
_running_lock = threading.Lock()
HEARTBEAT_S = 60.0  # a journal silent this long belongs to a recorder that is gone


def recorder() -> tuple[str, int]:
    """This host and process, as a plan records who is recording its visit."""
    return socket.gethostname(), os.getpid()


class VisitFiles:
    """The rules about unfinished visits over the store's files of them (storage/live_visits.py)."""

    def __init__(self, store: EncounterStore) -> None:
        self.store = store

    def save_plan(self, plan: VisitPlan) -> None:
        self.store.save_live_plan(plan.id, asdict(plan))

    def plan(self, visit_id: str) -> VisitPlan:
        return VisitPlan(**self.store.live_plan(visit_id))

    def checked_plan(self, visit_id: str, by: Viewer) -> VisitPlan:
        plan = self.plan(visit_id)
        if not (by.is_admin or plan.owner == by.name):
            raise AccessDeniedError("You do not have access to this encounter.")
        return plan

    def plan_path(self, visit_id: str) -> Path:
        return self.store.live_plan_path(visit_id)

    def journal_path(self, visit_id: str) -> Path:
        return self.store.live_journal_path(visit_id)

    def mark_running(self, visit_id: str, running: bool) -> None:
        with _running_lock:
            (_running.add if running else _running.discard)(self.journal_path(visit_id).resolve())

    def is_running(self, visit_id: str, plan: VisitPlan | None = None) -> bool:
        with _running_lock:
            if self.journal_path(visit_id).resolve() in _running:
                return True
        plan = plan or self.plan(visit_id)
        if plan.host is None or (plan.host, plan.pid) == recorder():
            return False  # recorded here (or by a release that did not say): not running in this process
        if plan.host == socket.gethostname() and not (plan.pid and process_alive(plan.pid)):
            return False  # this machine's other app process is gone: no need to wait for the heartbeat
        try:
            return time.time() - self.journal_path(visit_id).stat().st_mtime < HEARTBEAT_S
        except FileNotFoundError:
            return time.time() - self.plan_path(visit_id).stat().st_mtime < HEARTBEAT_S  # no audio yet

    def interrupted(self, *, by: Viewer) -> list[InterruptedVisit]:
        """Visits whose audio is on disk but that are not running here and were never finished."""
        visits = []
        for visit_id in self.store.live_visit_ids():
            try:
                plan = self.plan(visit_id)
                if self.is_running(visit_id, plan):
                    continue
            except (EncounterNotFoundError, FileNotFoundError):
                continue  # finished or discarded by another server a moment ago
            if not (by.is_admin or plan.owner == by.name):
                continue
            journal = self.journal_path(visit_id)
            size = journal.stat().st_size if journal.exists() else 0
            # About 72 bytes of framing and tag per sealed 200 ms record of 6400 PCM bytes.
            visits.append(InterruptedVisit(visit_id, plan.owner, datetime.fromisoformat(plan.started),
                                           recorded_s=size * 6400 / 6472 / 32000))
        return visits

    def remove(self, visit_id: str) -> None:
        self.store.remove_live_visit(visit_id)

    def discard(self, visit_id: str, *, by: Viewer, reason: str) -> None:
        self.checked_plan(visit_id, by)
        self.remove(visit_id)
        self.store.audit("live_visit_discarded", visit_id, actor=by.name, remote_result=f"reason={reason}")


def discard_expired_visits(store: EncounterStore, retention_hours: float, *,
                           now: datetime | None = None) -> list[str]:
    """Retention for visits never finished: discard those started more than `retention_hours` ago."""
    if retention_hours <= 0:
        return []
    files = VisitFiles(store)
    cutoff = (now or utc_now()) - timedelta(hours=retention_hours)
    expired = [v.id for v in files.interrupted(by=SYSTEM) if v.started < cutoff]
    for visit_id in expired:
        try:
            files.discard(visit_id, by=SYSTEM, reason="retention")
        except EncounterNotFoundError:
            continue  # another server's sweep took it first
    return expired
