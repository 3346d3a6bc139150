"""Command line for headless and batch use.

    python -m scribe_core process AUDIO [--engine NAME] [--note-out FILE]
    python -m scribe_core list
    python -m scribe_core show ID [--json]
    python -m scribe_core purge ID | --all
    python -m scribe_core resume

Exit codes: 0 success, 1 the job failed (the reason is printed), 2 bad usage or configuration.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

from .bootstrap import Services, build_services
from .errors import ScribeError
from .model import Encounter, EncounterState, utc_now


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m scribe_core", description="AI medical scribe, headless.")
    sub = p.add_subparsers(dest="command", required=True)
    proc = sub.add_parser("process", help="transcribe a recording and draft its note; prints the encounter id last")
    proc.add_argument("audio", type=Path)
    proc.add_argument("--engine", help="assemblyai or offline (default: assemblyai with a key, else offline)")
    proc.add_argument("--note-out", type=Path, help="write the note as Markdown (.md) or JSON (.json)")
    proc.add_argument("--keyterm", action="append", default=[], help="a drug name or term to recognise (repeatable)")
    proc.add_argument("--context", default="", help="visit context, e.g. 'follow-up, hypertension'")
    proc.add_argument("--template", default="soap", help="note template: soap, apso, hpi")
    sub.add_parser("list", help="list encounters")
    show = sub.add_parser("show", help="show one encounter")
    show.add_argument("id")
    show.add_argument("--json", action="store_true", help="print state, utterances and note as JSON")
    purge = sub.add_parser("purge", help="delete an encounter here and at the remote services")
    target = purge.add_mutually_exclusive_group(required=True)
    target.add_argument("id", nargs="?")
    target.add_argument("--all", action="store_true")
    sub.add_parser("resume", help="finish encounters a crash or restart left in progress")
    keygen = sub.add_parser("keygen", help="print a new SCRIBE_ENCRYPTION_KEY")
    keygen.add_argument("--write-env", type=Path, metavar="FILE",
                        help="append it to this .env file unless one is already set there")
    sub.add_parser("retention", help="purge encounters older than SCRIBE_RETENTION_HOURS (run from cron)")
    access = sub.add_parser("check-access", help="refuse (exit 2) to serve on ADDRESS without sign-in configured")
    access.add_argument("--address", required=True)
    access.add_argument("--secrets", type=Path, default=Path(".streamlit/secrets.toml"))
    user = sub.add_parser("user", help="manage local sign-in accounts")
    user.add_argument("action", choices=("add", "remove", "passwd", "list"))
    user.add_argument("username", nargs="?")
    user.add_argument("--role", choices=("clinician", "admin"), default="clinician")
    user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    return p


def _user(services: Services, args: argparse.Namespace) -> int:
    from .accounts import Accounts

    accounts = Accounts(services.store)
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
        accounts.add(args.username, password, args.role)
        print(f"added {args.username.strip().lower()} ({args.role})")
    else:
        accounts.set_password(args.username, password)
        print(f"password changed for {args.username}")
    return 0


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


def encounter_json(services: Services, encounter_id: str) -> dict:
    encounter = services.store.get(encounter_id)
    transcript = services.store.transcript(encounter_id)
    note = services.store.note(encounter_id)
    out = encounter.to_dict()
    out["roles_confirmed"] = transcript.roles_confirmed if transcript else None
    out["utterances"] = [
        {"id": u.id, "role": u.role, "start_ms": u.start_ms, "end_ms": u.end_ms, "text": u.text}
        for u in (transcript.utterances if transcript else [])
    ]
    out["note"] = None if note is None else {
        "template": note.template,
        "writer": note.writer,
        "extractive": note.extractive,
        "sections": [
            {"key": s.key, "title": s.title,
             "statements": [{"text": st.text, "evidence": st.evidence, "unsupported": st.unsupported}
                            for st in s.statements]}
            for s in note.sections
        ],
    }
    return out


def _run_to_end(services: Services, encounter_id: str) -> Encounter:
    """Process, waiting out scheduled retries (the CLI has no background worker)."""
    encounter = services.scribe.process(encounter_id)
    while encounter.state.in_flight and encounter.retry_at is not None:
        wait_s = max(0.0, (encounter.retry_at - utc_now()).total_seconds())
        print(f"{encounter.error} Trying again in {wait_s:.0f} s.", file=sys.stderr)
        time.sleep(wait_s)
        encounter = services.scribe.process(encounter_id)
    return encounter


def _process(services: Services, args: argparse.Namespace) -> int:
    if not args.audio.exists():
        print(f"error: no such file: {args.audio}", file=sys.stderr)
        return 2
    engine = args.engine or services.settings.default_engine
    print(f"engine: {engine}" + (" (audio stays on this machine)" if engine == "offline" else
                                 " (audio is sent to AssemblyAI)"), file=sys.stderr)
    encounter = services.scribe.submit(args.audio, args.audio.name, engine=engine, keyterms=args.keyterm,
                                       context=args.context, template=args.template)
    print(f"encounter {encounter.id}: {encounter.duration_s:.0f} s of audio", file=sys.stderr)
    encounter = _run_to_end(services, encounter.id)
    if encounter.state != EncounterState.READY:
        print(f"error: {encounter.error}", file=sys.stderr)
        print(encounter.id)
        return 1
    note = services.store.note(encounter.id)
    if args.note_out and note is not None:
        if args.note_out.suffix.lower() == ".json":
            args.note_out.write_text(json.dumps(note.to_dict(), indent=2))
        else:
            args.note_out.write_text(note.to_markdown())
        print(f"note written to {args.note_out}", file=sys.stderr)
    print(encounter.id)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=os.environ.get("SCRIBE_LOG_LEVEL", "WARNING").upper(), stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.command == "keygen":
        return _keygen(args)
    try:
        services = build_services()
        if args.command == "process":
            return _process(services, args)
        if args.command == "list":
            for e in services.store.list():
                print(f"{e.id}  {e.created:%Y-%m-%d %H:%M}  {e.state.value:<12} {e.engine:<10} {e.source_name}")
            return 0
        if args.command == "show":
            data = encounter_json(services, args.id)
            if args.json:
                print(json.dumps(data, indent=2, ensure_ascii=False))
            else:
                print(f"{data['id']}  {data['state']}  engine={data['engine']}  {data['source_name']}")
                if data["error"]:
                    print(f"error: {data['error']}")
                for u in data["utterances"]:
                    print(f"[{u['id']}] {u['start_ms'] / 1000:7.1f}s {u['role']}: {u['text']}")
                note = services.store.note(args.id)
                if note:
                    print()
                    print(note.to_markdown())
            return 0
        if args.command == "purge":
            tombstones = (services.scribe.purge_all() if args.all else [services.scribe.purge(args.id)])
            for t in tombstones:
                remote = "; ".join(f"{r.what} {'confirmed' if r.confirmed else 'NOT confirmed'}" for r in t.remote)
                print(f"purged {t.encounter_id}: local {', '.join(t.deleted) or 'nothing'}; remote {remote or 'none'}")
            return 0
        if args.command == "user":
            return _user(services, args)
        if args.command == "check-access":
            import tomllib

            from .access import decide_access
            from .accounts import Accounts

            secrets = tomllib.loads(args.secrets.read_text()) if args.secrets.exists() else {}
            mode = decide_access(args.address, oidc_configured="auth" in secrets,
                                 local_accounts=Accounts(services.store).exist())
            print(f"access: {mode.value}", file=sys.stderr)
            return 0
        if args.command == "retention":
            purged = services.scribe.purge_expired(services.settings.retention_hours)
            print(f"retention {services.settings.retention_hours:g} h: purged {len(purged)} encounter(s)")
            return 0
        if args.command == "resume":
            for encounter_id in services.scribe.unfinished():
                e = _run_to_end(services, encounter_id)
                print(f"{e.id}: {e.state.value}" + (f" ({e.error})" if e.error else ""))
            return 0
    except ScribeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 2
