"""Where the store lives: SQLite in the data dir (default) or Postgres (SCRIBE_DATABASE_URL).

One engine per store. Every operation is one transaction on a connection from it:

* SQLite: a fresh connection per transaction (no pool), WAL mode, `BEGIN IMMEDIATE` so writers queue
  instead of failing, foreign keys on, and secure_delete so a purge overwrites the freed pages.
* Postgres (psycopg 3): a small pool with pre-ping, so an app server or worker survives a database
  restart; transactions are READ COMMITTED and the jobs table (Procrastinate) is in the same database,
  which is what lets a job be enqueued in the same transaction as the state change that needs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from ..errors import ConfigurationError
from .locks import file_lock, lock_dir

SQLITE_FILE = "scribe.sqlite3"


def database_url(configured: str, data_dir: Path) -> str:
    """The SQLAlchemy URL: the configured one (postgresql://… or sqlite:///…), else the data dir's file."""
    configured = configured.strip()
    if not configured:
        return f"sqlite:///{Path(data_dir) / SQLITE_FILE}"
    try:
        url = make_url(configured)
    except Exception as exc:  # SQLAlchemy raises ArgumentError; keep the URL (it may hold a password) out
        raise ConfigurationError(
            "SCRIBE_DATABASE_URL is not a database URL: use postgresql://user:password@host:5432/scribe "
            "or leave it empty for the SQLite file in the data directory."
        ) from exc
    if url.get_backend_name() not in ("postgresql", "sqlite"):
        raise ConfigurationError(
            f"SCRIBE_DATABASE_URL names a {url.get_backend_name()!r} database; the scribe runs on "
            "postgresql:// or sqlite:///."
        )
    if url.get_backend_name() == "postgresql" and url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")  # psycopg 3, which Procrastinate uses too
    return url.render_as_string(hide_password=False)


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = _engine(url)
        # The connection of the unit of work open in this thread (or asyncio task), if any.
        self._unit: ContextVar[Connection | None] = ContextVar(f"unit_of_work_{id(self)}", default=None)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        database = self.engine.url.database
        return Path(database) if self.is_sqlite and database else None

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One transaction; inside a unit of work, that unit's (it commits, or not, with the rest)."""
        joined = self._unit.get()
        if joined is not None:
            yield joined
            return
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def unit_of_work(self) -> Iterator[Connection]:
        """Every transaction opened in this thread inside the block is this one: all commit at the end, or
        none if the block raises. A unit opened inside another joins it."""
        if self._unit.get() is not None:
            with self.transaction() as connection:
                yield connection
            return
        with self.engine.begin() as connection:
            token = self._unit.set(connection)
            try:
                yield connection
            finally:
                self._unit.reset(token)

    @property
    def in_unit_of_work(self) -> bool:
        return self._unit.get() is not None

    @contextmanager
    def exclusive(self, name: str) -> Iterator[bool]:
        """Hold the cluster-wide lock `name` for the block, if no one else holds it; yields whether held.

        Postgres: a session advisory lock on a connection of its own. It is released when the block
        ends, and also when the holder's connection drops, so a killed process frees it at once. A
        process that is frozen but alive keeps it. SQLite: an OS file lock beside the database file
        (storage/locks.py), so the app's worker and `scribe resume` on the same machine exclude each other.
        """
        if self.is_sqlite:
            path = self.sqlite_path
            if path is None:  # an in-memory database is one process's own
                yield True
                return
            with file_lock(lock_dir(path), name) as held:
                yield held
            return
        with self.engine.connect() as connection:
            key = {"name": name}
            held = bool(connection.execute(text("SELECT pg_try_advisory_lock(hashtext(:name))"), key).scalar())
            connection.commit()  # the lock belongs to the session, not to this transaction
            try:
                yield held
            finally:
                if held:
                    connection.execute(text("SELECT pg_advisory_unlock(hashtext(:name))"), key)
                    connection.commit()

    def checkpoint(self) -> None:
        """SQLite: fold the write-ahead log into the database and truncate it, so old page copies of
        purged rows go too. Postgres reclaims dead rows itself (autovacuum); they hold only ciphertext."""
        if not self.is_sqlite or self.in_unit_of_work:  # a checkpoint inside an open write would wait on it
            return
        raw = self.engine.raw_connection()  # outside any transaction, which a checkpoint needs
        try:
            raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()

    def dispose(self) -> None:
        self.engine.dispose()


def _engine(url: str) -> Engine:
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling is switched off so that BEGIN IMMEDIATE below is ours.
        dbapi_connection.isolation_level = None
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "secure_delete=ON"):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
