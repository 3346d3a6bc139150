"""Local accounts: who may sign in, with which role, when the app listens beyond localhost.

Passwords are hashed with Argon2id (argon2-cffi's defaults follow RFC 9106's second recommended
parameter set: memory-hard and slow on purpose). Five wrong passwords lock an account for 15
minutes. Accounts are created from the command line by whoever administers the machine:

    python -m scribe_core user add alice --role admin      (asks for the password twice)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .errors import ConfigurationError, ScribeError
from .model import utc_now
from .store import EncounterStore

ROLES = ("clinician", "admin")
MIN_PASSWORD_LENGTH = 12
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verifying against this when the user does not exist keeps the answer time the same either way,
    so response timing does not reveal which usernames exist. Made on first use, not at import: one
    Argon2id hash costs 64 MiB and most of a second."""
    return _hasher.hash("not-a-real-password")


class SignInError(ScribeError):
    pass


@dataclass(frozen=True)
class User:
    username: str
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


class Accounts:
    def __init__(self, store: EncounterStore) -> None:
        self.store = store

    def add(self, username: str, password: str, role: str = "clinician") -> User:
        username = username.strip().lower()
        if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
            raise ConfigurationError("A username may contain letters, digits, '.', '-' and '_' only.")
        if role not in ROLES:
            raise ConfigurationError(f"Role must be one of: {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ConfigurationError(f"Use a password of at least {MIN_PASSWORD_LENGTH} characters.")
        with self.store.transaction() as db:
            if db.execute("SELECT 1 FROM users WHERE username = ?", (username,)).fetchone():
                raise ConfigurationError(f"User {username!r} already exists.")
            db.execute("INSERT INTO users (username, password_hash, role, created) VALUES (?, ?, ?, ?)",
                       (username, _hasher.hash(password), role, utc_now().isoformat()))
        self.store.audit("user_added", actor=username, remote_result=f"role={role}")
        return User(username, role)

    def remove(self, username: str) -> None:
        with self.store.transaction() as db:
            if not db.execute("DELETE FROM users WHERE username = ?", (username.strip().lower(),)).rowcount:
                raise ConfigurationError(f"No user {username!r}.")
        self.store.audit("user_removed", actor=username)

    def set_password(self, username: str, password: str) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ConfigurationError(f"Use a password of at least {MIN_PASSWORD_LENGTH} characters.")
        with self.store.transaction() as db:
            changed = db.execute(
                "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE username = ?",
                (_hasher.hash(password), username.strip().lower()),
            ).rowcount
        if not changed:
            raise ConfigurationError(f"No user {username!r}.")
        self.store.audit("password_changed", actor=username)

    def list(self) -> list[User]:
        with self.store.transaction() as db:
            rows = db.execute("SELECT username, role FROM users ORDER BY username").fetchall()
        return [User(r[0], r[1]) for r in rows]

    def exist(self) -> bool:
        with self.store.transaction() as db:
            return db.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None

    def verify(self, username: str, password: str, *, now: datetime | None = None) -> User:
        """The signed-in user, or SignInError with one message for every kind of failure."""
        now = now or utc_now()
        username = username.strip().lower()
        with self.store.transaction() as db:
            row = db.execute("SELECT password_hash, role, failed_logins, locked_until FROM users WHERE username = ?",
                             (username,)).fetchone()
        if row is None:
            _safe_verify(_dummy_hash(), password)
            self.store.audit("sign_in_failed")
            raise SignInError("Wrong username or password.")
        password_hash, role, failures, locked_until = row
        if locked_until and datetime.fromisoformat(locked_until) > now:
            self.store.audit("sign_in_locked", actor=username)
            raise SignInError("Too many wrong passwords: this account is locked for 15 minutes.")
        if not _safe_verify(password_hash, password):
            failures += 1
            lock = (now + LOCKOUT).isoformat() if failures >= MAX_FAILURES else None
            with self.store.transaction() as db:
                db.execute("UPDATE users SET failed_logins = ?, locked_until = ? WHERE username = ?",
                           (0 if lock else failures, lock, username))
            self.store.audit("sign_in_failed", actor=username)
            raise SignInError("Wrong username or password.")
        with self.store.transaction() as db:
            db.execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE username = ?", (username,))
            if _hasher.check_needs_rehash(password_hash):
                db.execute("UPDATE users SET password_hash = ? WHERE username = ?", (_hasher.hash(password), username))
        self.store.audit("signed_in", actor=username)
        return User(username, role)


def _safe_verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
