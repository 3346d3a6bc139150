"""Recordings, always encrypted (crypto.Vault's chunked STREAM format), kept in one of two places:

    directory   <recordings dir>/<id><ext>.enc: the data dir's audio/ by default, or a directory every
                app server and worker mounts (SCRIBE_RECORDINGS_DIR) when they run on several machines
    database    rows of recording_chunks in the same database, the encrypted file in 1 MiB slices
                (SCRIBE_RECORDINGS=database): nothing to share but the database

The encounter row names where its recording is: a bare file name for the directory, `db:<name>` for
the database, so changing the setting later leaves earlier recordings readable.
A decrypted copy exists only in the data dir's private tmp/ for the length of an engine's run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from sqlalchemy import Connection, delete, exists, select

from ..crypto import CHUNK
from ..errors import EncounterNotFoundError
from ..model import Encounter
from . import schema as t
from .base import StoreBase

IN_DATABASE = "db:"
_SLICE = CHUNK + 16  # rows the size of one encrypted chunk with its GCM tag


@dataclass(frozen=True)
class DatabaseRecording:
    """Where a recording kept in the database is: its name (the suffix tells the format) and whether it is there."""

    name: str
    encounter_id: str
    store: RecordingStore

    def exists(self) -> bool:
        with self.store.db.transaction() as db:
            return bool(db.execute(select(exists().where(t.recording_chunks.c.encounter_id == self.encounter_id)))
                        .scalar())


class _ChunkWriter:
    """Receives the vault's encrypted stream and stores it as rows, one slice at a time."""

    def __init__(self, db: Connection, encounter_id: str) -> None:
        self.db, self.encounter_id, self.seq, self.buffer = db, encounter_id, 0, bytearray()

    def write(self, data: bytes) -> int:
        self.buffer += data
        while len(self.buffer) >= _SLICE:
            self._flush(bytes(self.buffer[:_SLICE]))
            del self.buffer[:_SLICE]
        return len(data)

    def finish(self) -> None:
        if self.buffer:
            self._flush(bytes(self.buffer))
            self.buffer.clear()

    def _flush(self, data: bytes) -> None:
        self.db.execute(t.recording_chunks.insert().values(encounter_id=self.encounter_id, seq=self.seq, data=data))
        self.seq += 1


def rows_from_encrypted(db: Connection, encounter_id: str, encrypted: BinaryIO) -> None:
    """A recording already encrypted (a file of the directory layout) into rows of the database, as it is:
    how a store copied to another database keeps its recordings without decrypting them."""
    writer = _ChunkWriter(db, encounter_id)
    shutil.copyfileobj(encrypted, cast(BinaryIO, writer), _SLICE)
    writer.finish()


class _ChunkReader:
    """Reads a recording kept in the database row by row, so a long one never sits in memory whole."""

    def __init__(self, store: RecordingStore, encounter_id: str) -> None:
        self.store, self.encounter_id, self.seq, self.buffer = store, encounter_id, 0, b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self.buffer) < size:
            c = t.recording_chunks.c
            with self.store.db.transaction() as db:
                data = db.execute(select(c.data).where(c.encounter_id == self.encounter_id, c.seq == self.seq)).scalar()
            if data is None:
                break
            self.buffer += bytes(data)
            self.seq += 1
        if size < 0:
            size = len(self.buffer)
        out, self.buffer = self.buffer[:size], self.buffer[size:]
        return out


class RecordingStore(StoreBase):
    recordings_dir: Path
    tmp_dir: Path
    recordings_in_database: bool

    def _store_recording(self, db: Connection, encounter: Encounter, audio: BinaryIO, suffix: str) -> str:
        """Encrypt the recording into its place; returns what the encounter row records."""
        name = f"{encounter.id}{suffix.lower()}.enc"
        if self.recordings_in_database:
            writer = _ChunkWriter(db, encounter.id)
            # The vault only calls write(bytes) on its target, which is all _ChunkWriter offers.
            self.vault.encrypt_stream(audio, cast(BinaryIO, writer))
            writer.finish()
            return IN_DATABASE + name
        with open(self.recordings_dir / name, "wb") as out:
            self.vault.encrypt_stream(audio, out)
        return name

    def audio_path(self, encounter_id: str) -> Path | DatabaseRecording | None:
        c = t.encounters.c
        with self.db.transaction() as db:
            audio_file = db.execute(select(c.audio_file).where(c.id == encounter_id)).scalar()
        if not audio_file:
            return None
        if audio_file.startswith(IN_DATABASE):
            return DatabaseRecording(audio_file.removeprefix(IN_DATABASE), encounter_id, self)
        return self.recordings_dir / audio_file

    @contextmanager
    def _encrypted(self, encounter_id: str) -> Iterator[BinaryIO]:
        stored = self.audio_path(encounter_id)
        if stored is None or not stored.exists():
            raise EncounterNotFoundError(f"The recording of encounter {encounter_id} is gone (purged?).")
        if isinstance(stored, DatabaseRecording):
            yield cast(BinaryIO, _ChunkReader(self, encounter_id))  # the vault only calls read(n)
            return
        with open(stored, "rb") as f:
            yield f

    @contextmanager
    def plain_audio(self, encounter_id: str) -> Iterator[Path]:
        """A decrypted copy of the recording for an engine, deleted as soon as the block ends."""
        stored = self.audio_path(encounter_id)
        suffix = stored.name.removesuffix(".enc")[len(encounter_id):] if stored is not None else ""
        plain = self.tmp_dir / f"{os.getpid()}-{encounter_id}-{uuid.uuid4().hex[:8]}{suffix}"
        try:
            with self._encrypted(encounter_id) as source, open(plain, "wb") as out:
                for chunk in self.vault.decrypt_chunks(source):
                    out.write(chunk)
            yield plain
        finally:
            plain.unlink(missing_ok=True)

    def audio_bytes(self, encounter_id: str) -> bytes:
        """The decrypted recording, for playing it in the browser."""
        with self._encrypted(encounter_id) as source:
            return b"".join(self.vault.decrypt_chunks(source))

    def staging_file(self, suffix: str) -> Path:
        """A private temp path for an incoming upload, checked before it is encrypted into the store."""
        fd, name = tempfile.mkstemp(prefix=f"{os.getpid()}-", suffix=suffix, dir=self.tmp_dir)
        os.close(fd)
        return Path(name)

    def _delete_recording(self, db: Connection, encounter_id: str, stored: Path | DatabaseRecording | None) -> bool:
        """Delete the recording `audio_path` named (looked up before `db`'s transaction began: on SQLite a
        second transaction inside it would wait for the first)."""
        if isinstance(stored, DatabaseRecording):
            return bool(db.execute(delete(t.recording_chunks)
                                   .where(t.recording_chunks.c.encounter_id == encounter_id)).rowcount)
        if stored is not None and stored.exists():
            stored.unlink()
            return True
        return False

    def sweep_tmp(self) -> None:
        """Remove decrypted copies a crashed process left behind; a live process's files are kept.

        Every temp name starts with the owning process id, so the CLI starting beside a running app
        never deletes a recording the app is uploading right now.
        """
        for leftover in self.tmp_dir.iterdir():
            owner = leftover.name.split("-", 1)[0]
            if not (owner.isdigit() and process_alive(int(owner))):
                leftover.unlink(missing_ok=True)


def process_alive(pid: int) -> bool:
    """Whether a process of this machine is still there (this one always is)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True
