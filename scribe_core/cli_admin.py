"""Command line for setting the scribe up: the encryption key, local accounts, the access check, and
moving the store to a new database.

    python -m scribe_core keygen [--write-env .env]
    python -m scribe_core user add|remove|passwd|list [NAME] [--role clinician|admin]
                        [--display-name "Dana Smith" --credentials MD]   (how signed notes name them)
    python -m scribe_core check-access --address ADDRESS
    python -m scribe_core copy-store --to DATABASE_URL [--recordings database|directory] [--recordings-dir DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .bootstrap import build_services
from .errors import ScribeError

_HANDLED = ("keygen", "user", "check-access", "copy-store")


def register(sub: argparse._SubParsersAction) -> None:
    keygen = sub.add_parser("keygen", help="print a new SCRIBE_ENCRYPTION_KEY")
    keygen.add_argument("--write-env", type=Path, metavar="FILE",
                        help="append it to this .env file unless one is already set there")
    access = sub.add_parser("check-access", help="refuse (exit 2) to serve on ADDRESS without sign-in configured")
    access.add_argument("--address", required=True)
    access.add_argument("--secrets", type=Path, default=Path(".streamlit/secrets.toml"))
    user = sub.add_parser("user", help="manage local sign-in accounts")
    user.add_argument("action", choices=("add", "remove", "passwd", "list"))
    user.add_argument("username", nargs="?")
    user.add_argument("--role", choices=("clinician", "admin"), default="clinician")
    user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    user.add_argument("--display-name", default="", metavar="NAME", help='how signed notes name them: "Dana Smith"')
    user.add_argument("--credentials", default="", metavar="LINE", help='their credentials line: "MD"')
    copy = sub.add_parser("copy-store", help="copy everything into a new, empty database (SQLite to Postgres)")
    copy.add_argument("--to", required=True, metavar="DATABASE_URL", help="postgresql://user@host/name, new and empty")
    copy.add_argument("--recordings", choices=("database", "directory"), default="database",
                      help="where the new installation keeps recordings (SCRIBE_RECORDINGS); default: database")
    copy.add_argument("--recordings-dir", type=Path, metavar="DIR",
                      help="with --recordings directory: the directory every machine mounts (SCRIBE_RECORDINGS_DIR)")


def run(args: argparse.Namespace) -> int | None:
    if args.command not in _HANDLED:
        return None
    if args.command == "keygen":
        return _keygen(args)  # needs no key, so it runs before the services are built
    try:
        if args.command == "copy-store":
            return _copy_store(args)
        return _user(args) if args.command == "user" else _check_access(args)
    except ScribeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _keygen(args: argparse.Namespace) -> int:
    from .crypto import generate_key

    if args.write_env is None:
        print(generate_key())
        return 0
    existing = args.write_env.read_text() if args.write_env.exists() else ""
    if any(line.startswith("SCRIBE_ENCRYPTION_KEY=") and line.split("=", 1)[1].strip()
           for line in existing.splitlines()):
        return 0
    with open(args.write_env, "a") as f:
        f.write(("" if existing.endswith("\n") or not existing else "\n")
                + "# Encrypts recordings, transcripts and notes at rest.\n"
                + "# Back it up: without it the stored encounters cannot be read.\n"
                + f"SCRIBE_ENCRYPTION_KEY={generate_key()}\n")
    os.chmod(args.write_env, 0o600)
    print(f"A new encryption key was written to {args.write_env}; keep a copy of it somewhere safe.", file=sys.stderr)
    return 0


def _user(args: argparse.Namespace) -> int:
    accounts = build_services().scribe.accounts
    if args.action == "list":
        for u in accounts.list():
            print(f"{u.username}  {u.role}")
        return 0
    if not args.username:
        print("error: give a username", file=sys.stderr)
        return 2
    if args.action == "remove":
        accounts.remove(args.username)
        print(f"removed {args.username}")
        return 0
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        import getpass

        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            print("error: the passwords differ", file=sys.stderr)
            return 2
    if args.action == "add":
        accounts.add(args.username, password, args.role, display_name=args.display_name,
                     credentials=args.credentials)
        print(f"added {args.username.strip().lower()} ({args.role})")
    else:
        accounts.set_password(args.username, password)
        print(f"password changed for {args.username}")
    return 0


def _check_access(args: argparse.Namespace) -> int:
    import tomllib

    from .access import decide_access

    secrets = tomllib.loads(args.secrets.read_text()) if args.secrets.exists() else {}
    accounts = build_services().scribe.accounts
    mode = decide_access(args.address, oidc_configured="auth" in secrets, local_accounts=accounts.exist())
    print(f"access: {mode.value}", file=sys.stderr)
    return 0


def _copy_store(args: argparse.Namespace) -> int:
    """The store this installation uses (its settings), copied into the database `--to` names."""
    from dataclasses import replace

    from .config import Secret, Settings
    from .crypto import Vault
    from .errors import ConfigurationError
    from .jobs.wiring import open_store
    from .storage.copying import copy_store, open_target

    settings = Settings.from_env()
    vault = Vault(settings.encryption_key.reveal())  # the copy keeps every row sealed under the same key
    source = open_store(settings, vault)
    try:
        target = open_target(lambda: open_store(replace(settings, database_url=Secret(args.to),
                                                        recordings=args.recordings,
                                                        recordings_dir=str(args.recordings_dir or "")), vault))
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        report = copy_store(source, target)
    finally:
        source.close()
        target.close()
    print("\n".join(report.lines()))
    place = "SCRIBE_RECORDINGS=database" if args.recordings == "database" else \
        f"SCRIBE_RECORDINGS=directory, SCRIBE_RECORDINGS_DIR={target.recordings_dir}"
    print(f"Copied. Give the app servers and workers SCRIBE_DATABASE_URL (the URL given to --to), {place} and "
          "the same SCRIBE_ENCRYPTION_KEY. The old store is unchanged; purge it once the new one is in use.",
          file=sys.stderr)
    return 0
