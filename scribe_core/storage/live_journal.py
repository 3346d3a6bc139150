"""The live visit's audio, encrypted to disk chunk by chunk as it arrives.

A recording made in one go is sealed with the Vault's STREAM format (crypto.py), whose last chunk
is marked final; a live visit cannot know its last chunk in advance, and a crash must leave every
chunk written so far readable. So the live recording is a journal of records, each one sealed on its
own with the same Vault (`encrypt_stream` of one chunk, AES-256-GCM):

    b"SCRIBE-LIVE-1\\n"  then per record:  u32 length | sealed(u64 index | u64 byte offset | id | pcm)

The index, offset and encounter id sit inside the sealed plaintext, so a reordered, dropped, or
moved record is detected on reading; a record cut short by a crash ends the journal there (it held
at most `record_ms` of audio). Records hold `record_ms` of PCM (default 200 ms); the file is synced to
disk about once a second. At stop the journal becomes an ordinary encrypted recording.
"""

from __future__ import annotations

import io
import os
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from ..crypto import DecryptionError, Vault
from ..pcm_format import BYTES_PER_MS, wav_bytes_header

JOURNAL_MAGIC = b"SCRIBE-LIVE-1\n"
_HEADER = struct.Struct(">QQ")
_LENGTH = struct.Struct(">I")


class LiveRecordingWriter:
    def __init__(self, vault: Vault, path: Path, encounter_id: str, *, record_ms: int = 200,
                 sync_interval_s: float = 1.0) -> None:
        self.vault, self.path, self.encounter_id = vault, Path(path), encounter_id
        self._record_bytes = record_ms * BYTES_PER_MS
        self._sync_interval_s = sync_interval_s
        self._pending = bytearray()
        self._lock = threading.Lock()
        self._index = 0
        self._written = 0  # PCM bytes sealed into the journal so far
        self._last_sync = time.monotonic()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        existing = self.path.exists() and self.path.stat().st_size > 0
        if existing:  # resuming after a restart: continue the same journal after its last whole record
            self._index, self._written, end = _journal_end(vault, self.path, encounter_id)
            with open(self.path, "r+b") as f:
                f.truncate(end)  # drop a record a crash cut short
        self._file = open(self.path, "ab")  # noqa: SIM115 - kept open for the whole visit
        os.chmod(self.path, 0o600)
        if not existing:
            self._file.write(JOURNAL_MAGIC)
            self._file.flush()

    @property
    def bytes_recorded(self) -> int:
        with self._lock:
            return self._written + len(self._pending)

    def append(self, pcm: bytes) -> None:
        with self._lock:
            self._pending += pcm
            while len(self._pending) >= self._record_bytes:
                self._seal(bytes(self._pending[: self._record_bytes]))
                del self._pending[: self._record_bytes]
            if time.monotonic() - self._last_sync >= self._sync_interval_s:
                os.fsync(self._file.fileno())
                self._last_sync = time.monotonic()

    def close(self) -> int:
        """Seal what is pending, sync, close; returns the PCM bytes recorded."""
        with self._lock:
            if self._file.closed:
                return self._written
            if self._pending:
                self._seal(bytes(self._pending))
                self._pending.clear()
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
            return self._written

    def _seal(self, pcm: bytes) -> None:
        ident = self.encounter_id.encode()
        plain = _HEADER.pack(self._index, self._written) + bytes([len(ident)]) + ident + pcm
        sealed = io.BytesIO()
        self.vault.encrypt_stream(io.BytesIO(plain), sealed)
        self._file.write(_LENGTH.pack(len(sealed.getvalue())) + sealed.getvalue())
        self._file.flush()  # in the kernel now: a crash of this process loses nothing written
        self._index += 1
        self._written += len(pcm)


def read_journal(vault: Vault, path: Path, encounter_id: str) -> Iterator[bytes]:
    """The PCM chunks of a journal in order; stops quietly at a record a crash cut short."""
    for pcm, _ in _records(vault, path, encounter_id):
        yield pcm


def _journal_end(vault: Vault, path: Path, encounter_id: str) -> tuple[int, int, int]:
    """(records, PCM bytes, file position after the last whole record)."""
    count, total, end = 0, 0, len(JOURNAL_MAGIC)
    for pcm, position in _records(vault, path, encounter_id):
        count, total, end = count + 1, total + len(pcm), position
    return count, total, end


def _records(vault: Vault, path: Path, encounter_id: str) -> Iterator[tuple[bytes, int]]:
    with open(path, "rb") as f:
        if f.read(len(JOURNAL_MAGIC)) != JOURNAL_MAGIC:
            raise DecryptionError("The live recording is not a scribe journal (damaged or replaced).")
        index, offset = 0, 0
        while True:
            head = f.read(_LENGTH.size)
            if len(head) < _LENGTH.size:
                return
            size = _LENGTH.unpack(head)[0]
            sealed = f.read(size)
            if len(sealed) < size:
                return  # the record being written when the process died
            plain = b"".join(vault.decrypt_chunks(io.BytesIO(sealed)))
            got_index, got_offset = _HEADER.unpack_from(plain)
            id_len = plain[_HEADER.size]
            ident = plain[_HEADER.size + 1: _HEADER.size + 1 + id_len].decode()
            if (got_index, got_offset, ident) != (index, offset, encounter_id):
                raise DecryptionError("The live recording's chunks are out of order or belong to another visit.")
            pcm = plain[_HEADER.size + 1 + id_len:]
            index, offset = index + 1, offset + len(pcm)
            yield pcm, f.tell()


def journal_to_wav(vault: Vault, path: Path, encounter_id: str, target: Path) -> int:
    """Write the journal's audio as a 16 kHz mono WAV file; returns the PCM bytes."""
    with open(target, "wb") as out:
        out.write(wav_bytes_header(0))
        total = 0
        for pcm in read_journal(vault, path, encounter_id):
            out.write(pcm)
            total += len(pcm)
        out.seek(0)
        out.write(wav_bytes_header(total))
    return total
