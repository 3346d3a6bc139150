"""Copying a store into a new, empty database: a clinic moving from the embedded SQLite file to Postgres
when it outgrows one machine (or to another server).

Rows are copied as stored, still sealed: nothing is decrypted, so the target is opened with the same
encryption key (its key check proves it). Encounters, transcripts, notes, signed versions, edited
documents, EHR sends, pending remote deletions, the audit log (ids kept), tombstones and accounts all go,
in one transaction on the target: a failure leaves it empty and removes the recording files it copied.
Recordings kept in a directory go into the target's database (nothing to share between machines) or
into its recordings directory, still encrypted.

The copy refuses, and changes nothing, while an encounter is still being processed or a live visit is
unfinished: they carry work in progress (a job, an open journal) that belongs to the old installation.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Table, func, select, text, update
from sqlalchemy.exc import OperationalError

from ..errors import ConfigurationError, InvalidStateError
from . import schema as t
from .recordings import IN_DATABASE, rows_from_encrypted
from .store import EncounterStore

# Parents before the rows that refer to them. `meta` is copied apart (_copy_meta): the target keeps its own
# key check.
TABLES: tuple[Table, ...] = (t.encounters, t.transcripts, t.notes, t.note_versions, t.edited_documents, t.ehr_sends,
                             t.remote_requests, t.audit, t.tombstones, t.users, t.recording_chunks)
_BATCH = 500


@dataclass
class CopyReport:
    rows: Counter[str] = field(default_factory=Counter)  # table -> rows copied
    recordings_into_database: int = 0
    recordings_into_directory: int = 0

    def lines(self) -> list[str]:
        out = [f"{name}: {n}" for name, n in self.rows.items()]
        if self.recordings_into_database:
            out.append(f"recordings moved into the database: {self.recordings_into_database}")
        if self.recordings_into_directory:
            out.append(f"recordings copied into the recordings directory: {self.recordings_into_directory}")
        return out


def open_target(open_store: Callable[[], EncounterStore]) -> EncounterStore:
    """The copy's target store, or a ConfigurationError with the driver's reason (it names the host and
    user, never the password)."""
    try:
        return open_store()
    except OperationalError as exc:
        raise ConfigurationError(f"could not open the target database: {exc.orig}") from None


def copy_store(source: EncounterStore, target: EncounterStore) -> CopyReport:
    """Copy every row of `source` into `target`, which must be empty and opened with the same key."""
    if source.db.engine.url == target.db.engine.url:
        raise ConfigurationError("The target is the database the scribe already uses; name a new, empty one.")
    _refuse_work_in_progress(source)
    report, copied = CopyReport(), []
    try:
        with target.db.transaction() as dst:
            _refuse_non_empty(dst)
            with source.db.transaction() as src:  # on SQLite: BEGIN IMMEDIATE, so nothing writes meanwhile
                for table in TABLES:
                    result = src.execute(select(table).execution_options(yield_per=_BATCH)).mappings()
                    for rows in result.partitions():
                        dst.execute(table.insert(), [dict(r) for r in rows])
                        report.rows[table.name] += len(rows)
                _copy_meta(src, dst, report)
                files = src.execute(select(t.encounters.c.id, t.encounters.c.audio_file)
                                    .where(t.encounters.c.audio_file.is_not(None))).all()
            for encounter_id, audio_file in files:
                if not audio_file.startswith(IN_DATABASE):
                    copied += _copy_recording_file(source.recordings_dir / audio_file, encounter_id, audio_file,
                                                   dst, target, report)
            if not target.db.is_sqlite:  # audit ids were copied as they were: the sequence continues after them
                dst.execute(text("SELECT setval(pg_get_serial_sequence('audit', 'id'), "
                                 "COALESCE((SELECT MAX(id) FROM audit), 0) + 1, false)"))
    except BaseException:
        for path in copied:  # the database rolled back; the recording files copied so far go too
            path.unlink(missing_ok=True)
        raise
    return report


def _copy_meta(src: Connection, dst: Connection, report: CopyReport) -> None:
    """The store's settings rows (a single-user install's signature, ...), but none the target already
    holds: its key check was written when it was opened."""
    held = set(dst.execute(select(t.meta.c.name)).scalars())
    rows = [dict(r) for r in src.execute(select(t.meta)).mappings() if r["name"] not in held]
    if rows:
        dst.execute(t.meta.insert(), rows)
        report.rows[t.meta.name] += len(rows)


def _refuse_work_in_progress(source: EncounterStore) -> None:
    busy = [e.id for e in source.list(include_purged=False) if e.state.in_flight]
    if busy:
        raise InvalidStateError(
            f"{len(busy)} encounter(s) are still being processed ({', '.join(busy[:5])}). Let them finish in the "
            "app, or run `python -m scribe_core resume`, then copy with the app and workers stopped.")
    live = sorted({*source.live_dir.glob("*.journal"), *(source.data_dir / "live").glob("*.journal")})
    if live:
        raise InvalidStateError(
            f"{len(live)} live visit(s) are unfinished. Finish or discard them on the Live visit or Encounters "
            "page, then copy with the app stopped.")


def _refuse_non_empty(dst: Connection) -> None:
    for table in TABLES:
        if dst.execute(select(func.count()).select_from(table)).scalar():
            raise ConfigurationError(
                f"The target database already holds data (table {table.name}). Copy only into a new, empty "
                "database: nothing was changed.")


def _copy_recording_file(path: Path, encounter_id: str, name: str, dst: Connection, target: EncounterStore,
                         report: CopyReport) -> list[Path]:
    """An encrypted recording file, as it is, into the target's database or its recordings directory;
    returns the files it wrote."""
    if not path.exists():
        raise ConfigurationError(f"The recording of encounter {encounter_id} is missing from {path.parent}; "
                                 "nothing was copied.")
    if target.recordings_in_database:
        with open(path, "rb") as f:
            rows_from_encrypted(dst, encounter_id, f)
        dst.execute(update(t.encounters).where(t.encounters.c.id == encounter_id)
                    .values(audio_file=IN_DATABASE + name))
        report.recordings_into_database += 1
        return []
    copy = target.recordings_dir / name
    if path.resolve() == copy.resolve():
        return []  # the target reads the same directory
    shutil.copyfile(path, copy)
    report.recordings_into_directory += 1
    return [copy]
