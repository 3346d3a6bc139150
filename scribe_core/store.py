"""SQLite store under SCRIBE_DATA_DIR, with numbered migrations and audio files beside it.

    <data_dir>/scribe.sqlite3           encounters, transcripts, notes, remote requests, audit, tombstones
    <data_dir>/audio/<id><ext>.enc      the recordings, encrypted
    <data_dir>/tmp/                     short-lived decrypted copies for an engine (0700; swept at start)

Everything a patient said or could be identified by (recordings, transcripts, notes, file names,
visit context, key terms) is encrypted with the Vault (crypto.py); ids, states, times and the audit
log are not, so the status page and retention work without decrypting anything.

One short-lived connection per operation (WAL mode) keeps it safe across the worker thread, the
Streamlit script threads and the CLI process. The audit log holds actions, ids and remote results,
never patient text.
"""

from __future__ import annotations

import builtins  # `list` is also a method here: annotations after it name the builtin
import contextlib
import json
import os
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from .crypto import DecryptionError, Vault
from .errors import ConfigurationError, EncounterNotFoundError
from .model import Encounter, EncounterState, Note, RecordingConsent, RemoteDeletion, Tombstone, Transcript, utc_now

MIGRATIONS: list[str] = [
    # 1: the initial schema
    """
    CREATE TABLE encounters (
        id TEXT PRIMARY KEY, created TEXT NOT NULL, updated TEXT, source_name TEXT NOT NULL,
        audio_file TEXT, duration_s REAL, engine TEXT NOT NULL, state TEXT NOT NULL, error TEXT,
        step TEXT, progress REAL, remote_transcript_id TEXT, owner TEXT, context TEXT NOT NULL DEFAULT '',
        keyterms TEXT NOT NULL DEFAULT '[]', template TEXT NOT NULL DEFAULT 'soap',
        cancel_requested INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE transcripts (encounter_id TEXT PRIMARY KEY REFERENCES encounters(id), body TEXT NOT NULL);
    CREATE TABLE notes (encounter_id TEXT PRIMARY KEY REFERENCES encounters(id), body TEXT NOT NULL,
                        updated TEXT NOT NULL);
    CREATE TABLE remote_requests (encounter_id TEXT NOT NULL, kind TEXT NOT NULL, remote_id TEXT NOT NULL,
                                  deleted INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (kind, remote_id));
    CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, action TEXT NOT NULL,
                        encounter_id TEXT, actor TEXT, remote_result TEXT);
    CREATE TABLE tombstones (encounter_id TEXT PRIMARY KEY, created TEXT NOT NULL, purged TEXT NOT NULL,
                             reason TEXT NOT NULL, deleted TEXT NOT NULL, remote TEXT NOT NULL);
    """,
    # 2: a sealed known value, so a wrong SCRIBE_ENCRYPTION_KEY is caught at start, not mid-visit
    """
    CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 3: local accounts for sign-in when the app listens beyond localhost
    """
    CREATE TABLE users (username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL,
                        created TEXT NOT NULL, failed_logins INTEGER NOT NULL DEFAULT 0, locked_until TEXT);
    """,
    # 4: transient failures are retried later instead of failing the encounter
    """
    ALTER TABLE encounters ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE encounters ADD COLUMN retry_at TEXT;
    """,
    # 5: signed note versions (sign-off, amendments) and copies sent to an EHR (documents/versions.py)
    """
    CREATE TABLE note_versions (encounter_id TEXT NOT NULL REFERENCES encounters(id), version INTEGER NOT NULL,
                                status TEXT NOT NULL, signed_by TEXT NOT NULL, signed_at TEXT NOT NULL,
                                reason TEXT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (encounter_id, version));
    CREATE TABLE ehr_sends (encounter_id TEXT NOT NULL, version INTEGER NOT NULL, server_id TEXT NOT NULL,
                            location TEXT NOT NULL, sent_at TEXT NOT NULL, sent_by TEXT);
    """,
    # 6: who recorded the patient's consent to a live visit being recorded, and when
    """
    ALTER TABLE encounters ADD COLUMN consent_by TEXT;
    ALTER TABLE encounters ADD COLUMN consent_at TEXT;
    """,
]
_KEY_CHECK = "scribe-key-check"
_SEALED_COLUMNS = ("source_name", "context", "keyterms")

_ENCOUNTER_COLUMNS = (
    "id", "created", "updated", "source_name", "duration_s", "engine", "state", "error", "step",
    "progress", "remote_transcript_id", "owner", "context", "keyterms", "template", "attempts", "retry_at",
    "consent",  # stored as consent_by and consent_at
)


class EncounterStore:
    def __init__(self, data_dir: Path, vault: Vault) -> None:
        self.data_dir = Path(data_dir)
        self.vault = vault
        self.audio_dir = self.data_dir / "audio"
        self.tmp_dir = self.data_dir / "tmp"
        self.db_path = self.data_dir / "scribe.sqlite3"
        for d in (self.data_dir, self.audio_dir, self.tmp_dir):
            d.mkdir(parents=True, exist_ok=True)
            os.chmod(d, 0o700)
        self._migrate()
        self._check_key()

    def _check_key(self) -> None:
        with self._db() as db:
            row = db.execute("SELECT value FROM meta WHERE name = 'key_check'").fetchone()
            if row is None:
                db.execute("INSERT INTO meta VALUES ('key_check', ?)", (self.vault.seal(_KEY_CHECK),))
                return
        try:
            ok = self.vault.open(row[0]) == _KEY_CHECK
        except DecryptionError:
            ok = False
        if not ok:
            raise ConfigurationError(
                f"SCRIBE_ENCRYPTION_KEY is not the key the data in {self.data_dir} was encrypted with. "
                "Set the original key (nothing was changed or lost)."
            )

    def sweep_tmp(self) -> None:
        """Remove decrypted copies a crashed process left behind; a live process's files are kept.

        Every temp name starts with the owning process id, so the CLI starting beside a running app
        never deletes a recording the app is uploading right now.
        """
        for leftover in self.tmp_dir.iterdir():
            owner = leftover.name.split("-", 1)[0]
            if not (owner.isdigit() and _process_alive(int(owner))):
                leftover.unlink(missing_ok=True)

    # -- plumbing -------------------------------------------------------------------------------
    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
        conn.row_factory = sqlite3.Row
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            # Deleted rows are overwritten with zeros, so a purge leaves no readable text behind.
            conn.execute("PRAGMA secure_delete=ON")
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.close()

    def transaction(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        """One immediate transaction on a fresh connection (for the accounts table, which lives here too)."""
        return self._db()

    def _migrate(self) -> None:
        with self._db() as db:
            db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied TEXT)")
            done = {r[0] for r in db.execute("SELECT version FROM schema_migrations")}
            for version, script in enumerate(MIGRATIONS, start=1):
                if version in done:
                    continue
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (version, utc_now().isoformat()))

    @property
    def schema_version(self) -> int:
        with self._db() as db:
            return db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]

    # -- encounters -----------------------------------------------------------------------------
    def add(self, encounter: Encounter, audio: BinaryIO | None, suffix: str = "") -> Encounter:
        """Store the recording (encrypted, streamed in 1 MiB chunks) and its encounter row. With no audio
        (an imported transcript) the row alone: the encounter has no recording."""
        audio_file = f"{encounter.id}{suffix.lower()}.enc" if audio is not None else None
        if audio is not None and audio_file is not None:
            with open(self.audio_dir / audio_file, "wb") as out:
                self.vault.encrypt_stream(audio, out)
        encounter.updated = encounter.created
        row = self._seal_row(_encounter_row(encounter), encounter.id)
        with self._db() as db:
            db.execute(
                f"INSERT INTO encounters ({', '.join(row)}, audio_file) VALUES ({', '.join('?' * len(row))}, ?)",
                (*row.values(), audio_file),
            )
        return encounter

    def get(self, encounter_id: str) -> Encounter:
        with self._db() as db:
            row = db.execute("SELECT * FROM encounters WHERE id = ?", (encounter_id,)).fetchone()
        if row is None:
            raise EncounterNotFoundError(f"No encounter {encounter_id!r}: it may have been purged.")
        return self._encounter_from_row(row)

    def list(self, *, owner: str | None = None, include_purged: bool = False) -> list[Encounter]:
        query, args = "SELECT * FROM encounters WHERE 1=1", []
        if owner is not None:
            query += " AND owner = ?"
            args.append(owner)
        if not include_purged:
            query += " AND state != 'purged'"
        with self._db() as db:
            rows = db.execute(query + " ORDER BY created DESC", args).fetchall()
        return [self._encounter_from_row(r) for r in rows]

    def lengths(self) -> dict[str, tuple[str, float | None]]:
        """Every encounter's engine and recording length (purged ones too), read without decrypting."""
        with self._db() as db:
            rows = db.execute("SELECT id, engine, duration_s FROM encounters").fetchall()
        return {r[0]: (r[1], r[2]) for r in rows}

    def update(self, encounter_id: str, **changes: object) -> Encounter:
        allowed = {f.name for f in fields(Encounter)} - {"id", "created"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValueError(f"cannot update {sorted(unknown)}")
        changes["updated"] = utc_now()
        row = self._seal_row(_encounter_row_values(changes), encounter_id)
        with self._db() as db:
            # A purged encounter stays purged: a worker finishing late cannot bring it back.
            cursor = db.execute(
                f"UPDATE encounters SET {', '.join(f'{k} = ?' for k in row)} WHERE id = ? AND state != 'purged'",
                (*row.values(), encounter_id),
            )
            if cursor.rowcount == 0:
                raise EncounterNotFoundError(f"No encounter {encounter_id!r}: it may have been purged.")
        return self.get(encounter_id)

    def _seal_row(self, row: dict, encounter_id: str) -> dict:
        return {k: (self.vault.seal(v, context=f"{encounter_id}:{k}") if k in _SEALED_COLUMNS else v)
                for k, v in row.items()}

    def _encounter_from_row(self, row: sqlite3.Row) -> Encounter:
        values = dict(row)
        for k in _SEALED_COLUMNS:
            if values[k]:  # purged stubs hold '' here
                values[k] = self.vault.open(values[k], context=f"{values['id']}:{k}")
        values["keyterms"] = values["keyterms"] or "[]"
        return _encounter_from_values(values)

    @contextmanager
    def plain_audio(self, encounter_id: str) -> Iterator[Path]:
        """A decrypted copy of the recording for an engine, deleted as soon as the block ends."""
        stored = self.audio_path(encounter_id)
        if stored is None or not stored.exists():
            raise EncounterNotFoundError(f"The recording of encounter {encounter_id} is gone (purged?).")
        suffix = stored.name.removesuffix(".enc")[len(encounter_id):]
        plain = self.tmp_dir / f"{os.getpid()}-{encounter_id}-{uuid.uuid4().hex[:8]}{suffix}"
        try:
            self.vault.decrypt_file(stored, plain)
            yield plain
        finally:
            plain.unlink(missing_ok=True)

    def audio_bytes(self, encounter_id: str) -> bytes:
        """The decrypted recording, for playing it in the browser."""
        stored = self.audio_path(encounter_id)
        if stored is None or not stored.exists():
            raise EncounterNotFoundError(f"The recording of encounter {encounter_id} is gone (purged?).")
        with open(stored, "rb") as f:
            return b"".join(self.vault.decrypt_chunks(f))

    def staging_file(self, suffix: str) -> Path:
        """A private temp path for an incoming upload, checked before it is encrypted into the store."""
        fd, name = tempfile.mkstemp(prefix=f"{os.getpid()}-", suffix=suffix, dir=self.tmp_dir)
        os.close(fd)
        return Path(name)

    def audio_path(self, encounter_id: str) -> Path | None:
        with self._db() as db:
            row = db.execute("SELECT audio_file FROM encounters WHERE id = ?", (encounter_id,)).fetchone()
        if row is None or not row[0]:
            return None
        return self.audio_dir / row[0]

    def request_cancel(self, encounter_id: str) -> None:
        with self._db() as db:
            db.execute("UPDATE encounters SET cancel_requested = 1 WHERE id = ?", (encounter_id,))

    def clear_cancel(self, encounter_id: str) -> None:
        with self._db() as db:
            db.execute("UPDATE encounters SET cancel_requested = 0 WHERE id = ?", (encounter_id,))

    def cancel_requested(self, encounter_id: str) -> bool:
        with self._db() as db:
            row = db.execute("SELECT cancel_requested FROM encounters WHERE id = ?", (encounter_id,)).fetchone()
        return bool(row and row[0])

    # -- transcripts and notes ------------------------------------------------------------------
    def _live(self, db: sqlite3.Connection, encounter_id: str) -> None:
        row = db.execute("SELECT state FROM encounters WHERE id = ?", (encounter_id,)).fetchone()
        if row is None or row[0] == "purged":
            raise EncounterNotFoundError(f"No encounter {encounter_id!r}: it may have been purged.")

    def save_transcript(self, encounter_id: str, transcript: Transcript) -> None:
        body = self.vault.seal(json.dumps(transcript.to_dict()), context=f"{encounter_id}:transcript")
        with self._db() as db:
            self._live(db, encounter_id)  # never write patient text under a tombstone
            db.execute("INSERT OR REPLACE INTO transcripts VALUES (?, ?)", (encounter_id, body))

    def transcript(self, encounter_id: str) -> Transcript | None:
        with self._db() as db:
            row = db.execute("SELECT body FROM transcripts WHERE encounter_id = ?", (encounter_id,)).fetchone()
        if row is None:
            return None
        return Transcript.from_dict(json.loads(self.vault.open(row[0], context=f"{encounter_id}:transcript")))

    def save_note(self, encounter_id: str, note: Note) -> None:
        body = self.vault.seal(json.dumps(note.to_dict()), context=f"{encounter_id}:note")
        with self._db() as db:
            self._live(db, encounter_id)
            db.execute("INSERT OR REPLACE INTO notes VALUES (?, ?, ?)", (encounter_id, body, utc_now().isoformat()))

    def note(self, encounter_id: str) -> Note | None:
        with self._db() as db:
            row = db.execute("SELECT body FROM notes WHERE encounter_id = ?", (encounter_id,)).fetchone()
        if row is None:
            return None
        return Note.from_dict(json.loads(self.vault.open(row[0], context=f"{encounter_id}:note")))

    # -- remote requests that hold copies of patient data ---------------------------------------
    def add_remote_request(self, encounter_id: str, kind: str, remote_id: str, *, deleted: bool = False) -> None:
        with self._db() as db:
            db.execute("INSERT OR REPLACE INTO remote_requests VALUES (?, ?, ?, ?)",
                       (encounter_id, kind, remote_id, int(deleted)))

    def remote_requests(self, encounter_id: str) -> builtins.list[tuple[str, str, bool]]:
        with self._db() as db:
            rows = db.execute("SELECT kind, remote_id, deleted FROM remote_requests WHERE encounter_id = ?",
                              (encounter_id,)).fetchall()
        return [(r[0], r[1], bool(r[2])) for r in rows]

    # -- audit and tombstones -------------------------------------------------------------------
    def audit(self, action: str, encounter_id: str | None = None, *, actor: str | None = None,
              remote_result: str | None = None) -> None:
        with self._db() as db:
            db.execute("INSERT INTO audit (at, action, encounter_id, actor, remote_result) VALUES (?, ?, ?, ?, ?)",
                       (utc_now().isoformat(), action, encounter_id, actor, remote_result))

    def audit_log(self, limit: int = 500) -> builtins.list[dict]:
        with self._db() as db:
            rows = db.execute("SELECT * FROM audit ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
        return [dict(r) for r in rows]

    def erase(self, encounter_id: str, tombstone: Tombstone) -> builtins.list[str]:
        """Remove every local trace of the encounter's content and leave a tombstone. Returns what went."""
        deleted = []
        audio = self.audio_path(encounter_id)
        if audio is not None and audio.exists():
            audio.unlink()
            deleted.append("audio")
        with self._db() as db:
            if db.execute("DELETE FROM transcripts WHERE encounter_id = ?", (encounter_id,)).rowcount:
                deleted.append("transcript")
            if db.execute("DELETE FROM notes WHERE encounter_id = ?", (encounter_id,)).rowcount:
                deleted.append("note")
            # Signed versions hold the note's text too; copies sent to an EHR (ehr_sends) are outside our reach.
            if db.execute("DELETE FROM note_versions WHERE encounter_id = ?", (encounter_id,)).rowcount:
                deleted.append("signed note versions")
            db.execute("DELETE FROM remote_requests WHERE encounter_id = ?", (encounter_id,))
            # The row stays as a purged stub without its source name, context or key terms.
            db.execute(
                "UPDATE encounters SET state = 'purged', source_name = '', context = '', keyterms = '', "
                "audio_file = NULL, error = NULL, step = NULL, updated = ? WHERE id = ?",
                (utc_now().isoformat(), encounter_id),
            )
            tombstone.deleted = deleted
            db.execute(
                "INSERT OR REPLACE INTO tombstones VALUES (?, ?, ?, ?, ?, ?)",
                (encounter_id, tombstone.created.isoformat(), tombstone.purged.isoformat(), tombstone.reason,
                 json.dumps(deleted), json.dumps([vars(r) for r in tombstone.remote])),
            )
        self._checkpoint()
        return deleted

    def _checkpoint(self) -> None:
        """Fold the write-ahead log into the database and truncate it: old page copies go too."""
        conn = sqlite3.connect(self.db_path, timeout=30)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()

    def amend_tombstone(self, encounter_id: str, deletion: RemoteDeletion) -> None:
        """Record how a remote deletion went after the purge (e.g. once a job stopped running).

        A confirmed deletion is never replaced by a later unconfirmed one: the purge and the worker may
        both try, in either order, and the one that saw the copy gone is the one that is right.
        """
        with self._db() as db:
            row = db.execute("SELECT remote FROM tombstones WHERE encounter_id = ?", (encounter_id,)).fetchone()
            if row is None:
                return
            earlier = json.loads(row[0])
            if not deletion.confirmed and any(r["remote_id"] == deletion.remote_id and r["confirmed"] for r in earlier):
                return
            remote = [r for r in earlier if r["remote_id"] != deletion.remote_id] + [vars(deletion)]
            db.execute("UPDATE tombstones SET remote = ? WHERE encounter_id = ?", (json.dumps(remote), encounter_id))

    def tombstones(self, *, owner: str | None = None) -> builtins.list[Tombstone]:
        """Every tombstone, or those of `owner`'s encounters (the purged stub keeps its owner)."""
        query, args = "SELECT t.* FROM tombstones t", []
        if owner is not None:
            query += " JOIN encounters e ON e.id = t.encounter_id WHERE e.owner = ?"
            args.append(owner)
        with self._db() as db:
            rows = db.execute(query + " ORDER BY t.purged DESC", args).fetchall()
        return [
            Tombstone(
                encounter_id=r["encounter_id"],
                created=datetime.fromisoformat(r["created"]),
                purged=datetime.fromisoformat(r["purged"]),
                reason=r["reason"],
                deleted=json.loads(r["deleted"]),
                remote=[RemoteDeletion(**d) for d in json.loads(r["remote"])],
            )
            for r in rows
        ]


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def _encounter_row_values(values: dict) -> dict:
    out = {}
    for key, value in values.items():
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, EncounterState):
            value = value.value
        elif key == "keyterms":
            value = json.dumps(list(value))  # type: ignore[call-overload]
        elif key == "consent":
            consent = value if isinstance(value, RecordingConsent) else None
            out["consent_by"] = consent.by if consent else None
            out["consent_at"] = consent.at.isoformat() if consent else None
            continue
        out[key] = value
    return out


def _encounter_row(e: Encounter) -> dict:
    return _encounter_row_values({k: getattr(e, k) for k in _ENCOUNTER_COLUMNS})


def _encounter_from_values(row: dict) -> Encounter:
    return Encounter(
        id=row["id"],
        created=datetime.fromisoformat(row["created"]),
        updated=datetime.fromisoformat(row["updated"]) if row["updated"] else None,
        source_name=row["source_name"],
        duration_s=row["duration_s"],
        engine=row["engine"],
        state=EncounterState(row["state"]),
        error=row["error"],
        step=row["step"],
        progress=row["progress"],
        remote_transcript_id=row["remote_transcript_id"],
        owner=row["owner"],
        context=row["context"],
        keyterms=json.loads(row["keyterms"]),
        template=row["template"],
        attempts=row["attempts"],
        retry_at=datetime.fromisoformat(row["retry_at"]) if row["retry_at"] else None,
        consent=RecordingConsent(row["consent_by"], datetime.fromisoformat(row["consent_at"]))
        if row.get("consent_by") and row.get("consent_at") else None,
    )
