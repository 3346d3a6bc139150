"""The two databases the store runs on, for tests: SQLite in the test's data dir, and a fresh Postgres
database per test on the throwaway server `scripts/postgres` starts.

Postgres tests are skipped only when no postgres binaries are installed, and never under CI (CI=true):
there a missing Postgres is a failure, so CI cannot pass without testing it.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
NO_BINARIES = 3  # scripts/postgres's exit code when Debian's postgresql is not installed
BACKENDS = ("sqlite", "postgres")

_server_url: list[str] = []


def postgres_server() -> str:
    """The URL of a running test Postgres (started once per test session when none is given)."""
    if _server_url:
        return _server_url[0]
    url = os.environ.get("TEST_POSTGRES_URL", "")
    if not url:
        done = subprocess.run(["bash", str(ROOT / "scripts" / "postgres"), "start"], capture_output=True, text=True)
        if done.returncode == NO_BINARIES and os.environ.get("CI", "").lower() != "true":
            pytest.skip("no postgres binaries installed (bash scripts/setup.sh --dev installs Debian's postgresql)")
        if done.returncode != 0:
            pytest.fail(f"scripts/postgres could not start a test server:\n{done.stderr}")
        url = done.stdout.strip().split("=", 1)[1]
        os.environ["TEST_POSTGRES_URL"] = url
    _server_url.append(url)
    return url


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty database on the test server; dropped afterwards (with any connection still open)."""
    server = make_url(postgres_server()).set(drivername="postgresql+psycopg")
    name = f"scribe_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False).replace("+psycopg", "")
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def database_url_for(backend: str) -> Iterator[str]:
    """SCRIBE_DATABASE_URL for a backend: empty (the data dir's SQLite file) or a fresh Postgres database."""
    if backend == "sqlite":
        yield ""
        return
    with fresh_postgres_database() as url:
        yield url
