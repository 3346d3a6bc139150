"""The store: encounters, recordings, audit and tombstones, remote requests, accounts and signed notes,
on SQLite (default, in the data dir) or Postgres (SCRIBE_DATABASE_URL), one schema for both.

    <data_dir>/scribe.sqlite3           the database when SCRIBE_DATABASE_URL is empty
    <recordings dir>/<id><ext>.enc      the recordings, encrypted (or in the database: recordings.py)
    <data_dir>/tmp/                     short-lived decrypted copies for an engine (0700; swept at start)

Everything a patient said or could be identified by (recordings, transcripts, notes, file names,
visit context, key terms) is encrypted with the Vault (crypto.py) before it reaches either database;
ids, states, times and the audit log are not, so the status page and retention work without
decrypting anything. A wrong key is refused at start (the sealed known value in `meta`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select

from ..crypto import DecryptionError, Vault
from ..errors import ConfigurationError
from ..model import Encounter
from . import schema as t
from .audit import AuditAndPurge
from .base import JobQueue
from .database import Database, database_url
from .edited_documents import EditedDocumentRows
from .encounters import EncounterRows
from .jobs import JobRows
from .live_visits import LiveVisitFiles
from .migrations import migrate, schema_version
from .remote import RemoteRequests
from .signed_notes import SignedNoteRows
from .statements import Statements
from .templates import ClinicTemplateRows

_KEY_CHECK = "scribe-key-check"


class EncounterStore(EncounterRows, AuditAndPurge, RemoteRequests, SignedNoteRows, EditedDocumentRows,
                     ClinicTemplateRows, JobRows, LiveVisitFiles):
    def __init__(self, data_dir: Path, vault: Vault, *, database_url_setting: str = "",
                 recordings_dir: Path | None = None, recordings_in_database: bool = False,
                 jobs: JobQueue | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.vault = vault
        self.recordings_dir = Path(recordings_dir) if recordings_dir else self.data_dir / "audio"
        self.audio_dir = self.recordings_dir
        self.tmp_dir = self.data_dir / "tmp"
        # Unfinished live visits sit beside the recordings when those are shared between machines, so that
        # any app server can list and finish a visit another one was recording when it went down.
        self.live_dir = (self.recordings_dir if recordings_dir else self.data_dir) / "live"
        self.recordings_in_database = recordings_in_database
        self._shared_recordings = recordings_dir is not None
        self.jobs = jobs
        self.db = Database(database_url(database_url_setting, self.data_dir))
        self.db_path = self.db.sqlite_path

    @classmethod
    def open(cls, data_dir: Path, vault: Vault, *, database_url_setting: str = "",
             recordings_dir: Path | None = None, recordings_in_database: bool = False,
             jobs: JobQueue | None = None) -> EncounterStore:
        """A store ready to use: building one touches nothing; this makes its directories, brings the
        schema up to date and refuses a wrong key (`prepare`)."""
        store = cls(data_dir, vault, database_url_setting=database_url_setting, recordings_dir=recordings_dir,
                    recordings_in_database=recordings_in_database, jobs=jobs)
        store.prepare()
        return store

    def prepare(self) -> None:
        for d in (self.data_dir, self.recordings_dir, self.tmp_dir):
            d.mkdir(parents=True, exist_ok=True)
            if d != self.recordings_dir or not self._shared_recordings:
                os.chmod(d, 0o700)  # a shared recordings dir keeps the permissions its admin gave it
        migrate(self.db)
        self._check_key()

    def _check_key(self) -> None:
        c = t.meta.c
        with self.db.transaction() as db:
            sealed = db.execute(select(c.value).where(c.name == "key_check")).scalar()
            if sealed is None:
                db.execute(t.meta.insert().values(name="key_check", value=self.vault.seal(_KEY_CHECK)))
                return
        try:
            ok = self.vault.open(sealed) == _KEY_CHECK
        except DecryptionError:
            ok = False
        if not ok:
            where = self.data_dir if self.db.is_sqlite else "the database"
            raise ConfigurationError(
                f"SCRIBE_ENCRYPTION_KEY is not the key the data in {where} was encrypted with. "
                "Set the original key (nothing was changed or lost)."
            )

    @property
    def schema_version(self) -> int:
        return schema_version(self.db)

    def add(self, encounter: Encounter, audio: BinaryIO | None, suffix: str = "") -> Encounter:
        """Store the recording (encrypted, streamed in 1 MiB chunks) and its encounter row; on Postgres
        with workers, the encounter's job is enqueued in the same transaction. With no audio (an imported
        transcript) the row alone: the encounter has no recording."""
        encounter.updated = encounter.created
        with self.db.transaction() as db:
            audio_file = self._store_recording(db, encounter, audio, suffix) if audio is not None else None
            self.insert_encounter(db, encounter, audio_file)
        return encounter

    @contextlib.contextmanager
    def unit_of_work(self) -> Iterator[EncounterStore]:
        """One transaction for a use case's writes: every store method called in this thread inside the
        block (audit entries and enqueued jobs included) commits at the end, or nothing does if the block
        raises. Yields the store itself:

            with store.unit_of_work() as uow:
                uow.save_note(encounter_id, note)
                uow.audit("note_edited", encounter_id, actor=by.name)

        A unit opened inside another joins it. Keep slow work (engines, HTTP) outside the block: it holds
        the database's write lock (SQLite) or the rows it wrote (Postgres) until it ends."""
        with self.db.unit_of_work():
            yield self

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Statements]:
        """One transaction taking sqlite3-style SQL (the accounts and signed-note tables live here too)."""
        with self.db.transaction() as connection:
            yield Statements(connection)

    def close(self) -> None:
        self.db.dispose()
