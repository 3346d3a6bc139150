"""Per-encounter locks that hold across processes: who may run an encounter's job right now.

    Postgres   a session advisory lock on a connection of its own (database.Database.exclusive)
    SQLite     an OS file lock (flock) on a small file in `<database>.locks/`, beside the database

Both are released when the block ends and also when the holder dies (the kernel drops a dead
process's flocks, Postgres ends a dead connection's session), so a killed worker never strands an
encounter. A process that is frozen but alive keeps its lock, so no one works beside it.

flock locks belong to an open file, not to a process: two holders in one process (two worker
threads, or the app's worker and a test) exclude each other exactly as two processes do.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def lock_dir(database_file: Path) -> Path:
    return database_file.with_name(database_file.name + ".locks")


@contextmanager
def file_lock(directory: Path, name: str) -> Iterator[bool]:
    """Hold the lock `name` for the block if no one else holds it; yields whether it is held.

    The file is named by a hash of `name` (an encounter id is not secret, but a file name need not
    say anything) and is left in place: deleting it while another process waits on it would let
    two processes hold "the same" lock on two different files."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / (hashlib.sha256(name.encode()).hexdigest()[:24] + ".lock")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
