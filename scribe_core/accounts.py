"""Local accounts: who may sign in, with which role, when the app listens beyond localhost.

Passwords are hashed with Argon2id (argon2-cffi's defaults follow RFC 9106's second recommended
parameter set: memory-hard and slow on purpose). Five wrong passwords lock an account for 15
minutes. Accounts are created from the command line by whoever administers the machine:

    python -m scribe_core user add alice --role admin      (asks for the password twice)

A signer's display name and credentials line ("Dana Smith", "MD") are what a signed note shows;
the rows themselves are kept by scribe_core.storage.accounts.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .errors import ConfigurationError, ScribeError
from .model import utc_now
from .storage.accounts import AccountRows
from .store import EncounterStore

ROLES = ("clinician", "admin")
MIN_PASSWORD_LENGTH = 12
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MAX_SIGNATURE = 80

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
    """The rules of accounts (names, roles, passwords, lockout, signatures); the rows live in storage."""

    def __init__(self, store: EncounterStore) -> None:
        self.store = store
        self.rows = AccountRows(store)

    def add(self, username: str, password: str, role: str = "clinician", *, display_name: str = "",
            credentials: str = "") -> User:
        username = username.strip().lower()
        if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
            raise ConfigurationError("A username may contain letters, digits, '.', '-' and '_' only.")
        if role not in ROLES:
            raise ConfigurationError(f"Role must be one of: {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ConfigurationError(f"Use a password of at least {MIN_PASSWORD_LENGTH} characters.")
        if not self.rows.insert_new(username, _hasher.hash(password), role, utc_now().isoformat()):
            raise ConfigurationError(f"User {username!r} already exists.")
        if display_name.strip():
            self.set_signature(username, display_name, credentials)
        self.store.audit("user_added", actor=username, remote_result=f"role={role}")
        return User(username, role)

    def remove(self, username: str) -> None:
        if not self.rows.delete(username.strip().lower()):
            raise ConfigurationError(f"No user {username!r}.")
        self.store.audit("user_removed", actor=username)

    def set_password(self, username: str, password: str) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise ConfigurationError(f"Use a password of at least {MIN_PASSWORD_LENGTH} characters.")
        if not self.rows.set_password_hash(username.strip().lower(), _hasher.hash(password)):
            raise ConfigurationError(f"No user {username!r}.")
        self.store.audit("password_changed", actor=username)

    def list(self) -> list[User]:
        return [User(r.username, r.role) for r in self.rows.all()]

    def exist(self) -> bool:
        return self.rows.any()

    def verify(self, username: str, password: str, *, now: datetime | None = None) -> User:
        """The signed-in user, or SignInError with one message for every kind of failure."""
        now = now or utc_now()
        username = username.strip().lower()
        row = self.rows.find(username)
        if row is None:
            _safe_verify(_dummy_hash(), password)
            self.store.audit("sign_in_failed")
            raise SignInError("Wrong username or password.")
        if row.locked_until and datetime.fromisoformat(row.locked_until) > now:
            self.store.audit("sign_in_locked", actor=username)
            raise SignInError("Too many wrong passwords: this account is locked for 15 minutes.")
        if not _safe_verify(row.password_hash, password):
            failures = row.failed_logins + 1
            lock = (now + LOCKOUT).isoformat() if failures >= MAX_FAILURES else None
            self.rows.record_failures(username, 0 if lock else failures, lock)
            self.store.audit("sign_in_failed", actor=username)
            raise SignInError("Wrong username or password.")
        rehash = _hasher.hash(password) if _hasher.check_needs_rehash(row.password_hash) else None
        self.rows.signed_in(username, rehash)
        self.store.audit("signed_in", actor=username)
        return User(username, row.role)

    # -- how a signer is named on a signed note --------------------------------------------------
    def signature(self, username: str) -> str:
        """"Dana Smith, MD" for a signer who gave a display name; "" when none was given yet."""
        name, credentials = self.rows.signature(username)
        return f"{name}, {credentials}" if name and credentials else name

    def set_signature(self, username: str, display_name: str, credentials: str = "") -> str:
        """Name the signer (asked once on a single-user install); returns the signature as it will read."""
        display_name, credentials = " ".join(display_name.split()), " ".join(credentials.split())
        if not display_name or len(display_name) > MAX_SIGNATURE or len(credentials) > MAX_SIGNATURE:
            raise ConfigurationError(f"Type the name to sign with (at most {MAX_SIGNATURE} characters), "
                                     "e.g. Dana Smith, and a credentials line such as MD.")
        if any(c in display_name + credentials for c in "<>{}\n"):
            raise ConfigurationError("A signature may not contain <, >, { or }.")
        self.rows.set_signature(username, display_name, credentials)
        self.store.audit("signature_set", actor=username)
        return self.signature(username)


def _safe_verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
