"""Local accounts on a real SQLite file: Argon2id hashes, uniform failures, lockout, CLI creation."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import timedelta

import pytest

from scribe_core.accounts import MAX_FAILURES, Accounts, SignInError
from scribe_core.crypto import Vault
from scribe_core.errors import ConfigurationError
from scribe_core.model import utc_now
from scribe_core.store import EncounterStore
from tests.conftest import TEST_KEY

from .conftest import configured_store
from .test_cli_and_restart import ROOT

PASSWORD = "correct horse battery"


@pytest.fixture
def accounts(clean_scribe_env):
    return Accounts(EncounterStore.open(clean_scribe_env, Vault(TEST_KEY)))


def test_passwords_are_stored_as_argon2id_hashes_only(accounts, clean_scribe_env):
    accounts.add("Alice", PASSWORD, "admin")
    with sqlite3.connect(clean_scribe_env / "scribe.sqlite3") as db:
        (stored,) = db.execute("SELECT password_hash FROM users WHERE username = 'alice'").fetchone()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert accounts.verify("alice", PASSWORD).is_admin
    assert [u.username for u in accounts.list()] == ["alice"]


def test_unknown_user_and_wrong_password_get_the_same_answer(accounts):
    accounts.add("bob", PASSWORD)
    with pytest.raises(SignInError) as unknown:
        accounts.verify("mallory", PASSWORD)
    with pytest.raises(SignInError) as wrong:
        accounts.verify("bob", "wrong password!!")
    assert str(unknown.value) == str(wrong.value)


def test_repeated_failures_lock_the_account_for_a_while(accounts):
    accounts.add("carol", PASSWORD)
    for _ in range(MAX_FAILURES):
        with pytest.raises(SignInError):
            accounts.verify("carol", "guess guess guess")
    with pytest.raises(SignInError, match="locked"):
        accounts.verify("carol", PASSWORD)
    assert accounts.verify("carol", PASSWORD, now=utc_now() + timedelta(minutes=16)).username == "carol"


def test_weak_passwords_and_bad_names_are_refused(accounts):
    with pytest.raises(ConfigurationError, match="12"):
        accounts.add("dave", "short")
    with pytest.raises(ConfigurationError, match="letters"):
        accounts.add("da ve; drop", PASSWORD)
    with pytest.raises(ConfigurationError, match="Role"):
        accounts.add("dave", PASSWORD, "superuser")


def test_accounts_are_created_from_the_command_line(clean_scribe_env):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "SCRIBE_DATA_DIR": str(clean_scribe_env),
           "SCRIBE_ENCRYPTION_KEY": TEST_KEY, "SCRIBE_DATABASE_URL": os.environ.get("SCRIBE_DATABASE_URL", "")}
    added = subprocess.run([sys.executable, "-m", "scribe_core", "user", "add", "erin", "--role", "admin",
                            "--password-stdin", "--display-name", "Erin Ode", "--credentials", "DO"],
                           input=PASSWORD + "\n", env=env, capture_output=True, text=True)
    assert added.returncode == 0, added.stderr
    assert PASSWORD not in added.stdout + added.stderr
    listed = subprocess.run([sys.executable, "-m", "scribe_core", "user", "list"], env=env, capture_output=True,
                            text=True)
    assert "erin  admin" in listed.stdout
    accounts = Accounts(configured_store(clean_scribe_env))  # the database the CLI just wrote to
    assert accounts.verify("erin", PASSWORD).is_admin
    assert accounts.signature("erin") == "Erin Ode, DO"


def test_serving_beyond_loopback_is_refused_until_an_account_exists(clean_scribe_env):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "SCRIBE_DATA_DIR": str(clean_scribe_env),
           "SCRIBE_ENCRYPTION_KEY": TEST_KEY}

    def check(address):
        return subprocess.run([sys.executable, "-m", "scribe_core", "check-access", "--address", address],
                              env=env, capture_output=True, text=True)

    assert check("127.0.0.1").returncode == 0
    refused = check("0.0.0.0")
    assert refused.returncode == 2 and "no sign-in is configured" in refused.stderr
    subprocess.run([sys.executable, "-m", "scribe_core", "user", "add", "admin", "--role", "admin",
                    "--password-stdin"], input=PASSWORD + "\n", env=env, check=True, capture_output=True, text=True)
    allowed = check("0.0.0.0")
    assert allowed.returncode == 0 and "local accounts" in allowed.stderr


def test_a_signers_display_name_is_kept_for_an_account_and_for_the_single_user(accounts):
    """On both stores: in the user's row for an account, in `meta` for a signer without one ("local")."""
    accounts.add("dana", PASSWORD, display_name="Dana Smith", credentials="MD")
    assert accounts.signature("dana") == "Dana Smith, MD"
    assert accounts.signature("local") == ""
    assert accounts.set_signature("local", "Lee  Park", "") == "Lee Park"
    assert accounts.set_signature("local", "Lee Park", "NP") == "Lee Park, NP"  # changed, not added twice
    assert accounts.signature("local") == "Lee Park, NP" and accounts.signature("dana") == "Dana Smith, MD"
    with pytest.raises(ConfigurationError, match="name to sign with"):
        accounts.set_signature("dana", "   ", "MD")
    with pytest.raises(ConfigurationError, match="may not contain"):
        accounts.set_signature("dana", "<script>", "MD")
