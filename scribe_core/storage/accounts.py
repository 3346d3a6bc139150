"""The accounts' rows: usernames, Argon2id hashes, roles, lockout counters, and how each signer is named.

A signer without an account row (the single-user install's "local", a user known by their email from
the proxy) keeps their display name and credentials in `meta`, under "signature:<name>".
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import Any

from .statements import Statements
from .store import EncounterStore

_SIGNATURE = "signature:"


@dataclass(frozen=True)
class AccountRow:
    username: str
    role: str
    password_hash: str = ""
    failed_logins: int = 0
    locked_until: str | None = None


class AccountRows:
    def __init__(self, store: EncounterStore) -> None:
        self.store = store

    def insert_new(self, username: str, password_hash: str, role: str, created: str) -> bool:
        """Add the account; False (and nothing written) when the username is taken."""
        with self.store.transaction() as db:
            if db.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
                return False
            db.execute("INSERT INTO users (username, password_hash, role, created) VALUES (?, ?, ?, ?)",
                       (username, password_hash, role, created))
        return True

    def delete(self, username: str) -> bool:
        with self.store.transaction() as db:
            return bool(db.execute("DELETE FROM users WHERE username = ?", (username,)).rowcount)

    def set_password_hash(self, username: str, password_hash: str) -> bool:
        """The new hash, with the lockout cleared; False when there is no such account."""
        with self.store.transaction() as db:
            return bool(db.execute(
                "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE username = ?",
                (password_hash, username)).rowcount)

    def all(self) -> builtins.list[AccountRow]:
        with self.store.transaction() as db:
            rows = db.execute("SELECT username, role FROM users ORDER BY username").fetchall()
        return [AccountRow(r[0], r[1]) for r in rows]

    def any(self) -> bool:
        with self.store.transaction() as db:
            return db.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None

    def find(self, username: str) -> AccountRow | None:
        with self.store.transaction() as db:
            row = db.execute("SELECT password_hash, role, failed_logins, locked_until FROM users WHERE username = ?",
                             (username,)).fetchone()
        return None if row is None else AccountRow(username, row[1], row[0], row[2], row[3])

    def record_failures(self, username: str, failures: int, locked_until: str | None) -> None:
        with self.store.transaction() as db:
            db.execute("UPDATE users SET failed_logins = ?, locked_until = ? WHERE username = ?",
                       (failures, locked_until, username))

    def signed_in(self, username: str, new_hash: str | None) -> None:
        """Clear the failure count (and store a rehashed password when the hasher's parameters changed)."""
        with self.store.transaction() as db:
            db.execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE username = ?", (username,))
            if new_hash is not None:
                db.execute("UPDATE users SET password_hash = ? WHERE username = ?", (new_hash, username))

    # -- how a signer is named ---------------------------------------------------------------------
    def signature(self, username: str) -> tuple[str, str]:
        """(display name, credentials) of `username`; ("", "") when never given."""
        with self.store.transaction() as db:
            row = db.execute("SELECT display_name, credentials FROM users WHERE username = ?", (username,)).fetchone()
            if row is not None:
                return row[0] or "", row[1] or ""
            return _split(db.execute("SELECT value FROM meta WHERE name = ?", (_SIGNATURE + username,)).fetchone())

    def set_signature(self, username: str, display_name: str, credentials: str) -> None:
        with self.store.transaction() as db:
            if db.execute("UPDATE users SET display_name = ?, credentials = ? WHERE username = ?",
                          (display_name, credentials, username)).rowcount:
                return
            _upsert_meta(db, _SIGNATURE + username, f"{display_name}\n{credentials}")


def _split(row: Any) -> tuple[str, str]:
    if row is None:
        return "", ""
    name, _, credentials = str(row[0]).partition("\n")
    return name, credentials


def _upsert_meta(db: Statements, name: str, value: str) -> None:
    if not db.execute("UPDATE meta SET value = ? WHERE name = ?", (value, name)).rowcount:
        db.execute("INSERT INTO meta (name, value) VALUES (?, ?)", (name, value))
