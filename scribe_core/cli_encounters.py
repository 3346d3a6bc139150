"""Command line for encounters: process a recording, list, show, purge, resume, retention.

    python -m scribe_core process AUDIO [--engine NAME] [--note-out FILE] [--keyterm T] [--context C]
    python -m scribe_core list
    python -m scribe_core show ID [--json]
    python -m scribe_core purge ID | --all
    python -m scribe_core resume
    python -m scribe_core retention

The CLI acts as the machine's operator (an admin, named `cli:<login>` in the audit log): whoever can
run it can read the data directory and its key anyway.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from concurrent.futures import CancelledError
from pathlib import Path
from typing import Any

from .access import Viewer
from .accounts import User
from .bootstrap import Services, build_services
from .errors import ScribeError
from .model import Encounter, EncounterState
from .worker import Worker

_HANDLED = ("process", "list", "show", "purge", "resume", "retention")


def register(sub: argparse._SubParsersAction) -> None:
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
    purge.add_argument("--include-unsent-signed", action="store_true",
                       help="also purge a signed note never sent to the EHR (refused otherwise, with a warning)")
    sub.add_parser("resume", help="finish encounters a crash or restart left in progress")
    sub.add_parser("retention", help="purge encounters older than SCRIBE_RETENTION_HOURS (run from cron)")


def operator() -> Viewer:
    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (some containers)
        login = "operator"
    return Viewer(User(f"cli:{login}", "admin"))


def run(args: argparse.Namespace) -> int | None:
    if args.command not in _HANDLED:
        return None
    try:
        services = build_services()
        handler = {"process": _process, "list": _list, "show": _show, "purge": _purge, "resume": _resume,
                   "retention": _retention}[args.command]
        return handler(services, args, operator())
    except ScribeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def encounter_json(services: Services, viewer: Viewer, encounter_id: str) -> dict[str, Any]:
    queries = services.scribe.queries
    encounter = queries.encounter(viewer, encounter_id)
    transcript = queries.transcript(viewer, encounter_id)
    note = queries.note(viewer, encounter_id)
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
    sign_off = queries.sign_off(viewer, encounter_id)
    latest = sign_off.latest
    out["sign_off"] = {
        "status": sign_off.status,
        "version": latest.version if latest else None,
        "signed_by": latest.signed_by if latest else None,
        "signed_at": latest.signed_at.isoformat() if latest else None,
    }
    out["ehr_sends"] = [
        {"version": c.version, "server_id": c.server_id, "location": c.location, "sent_at": c.sent_at.isoformat(),
         "sent_by": c.sent_by}
        for c in queries.ehr_sends(viewer, encounter_id)
    ]
    return out


def cli_runner(services: Services) -> Worker:
    """The CLI's own job runner, on this process's threads and on either store: it runs an encounter only
    while holding its lock, like the app's worker and the worker processes, and leaves one another process
    holds to that process. Use cases the CLI calls enqueue here."""
    runner = Worker(services.scribe, recheck_held_s=None)
    services.scribe.jobs = runner
    return runner


def _run_to_end(runner: Worker, encounter_id: str) -> Encounter | None:
    """Enqueue and wait until the encounter is out of flight, its scheduled retries included; None when
    another process (the app's worker, a worker process) holds it and so does the work."""
    try:
        return runner.enqueue(encounter_id).result()
    except CancelledError:  # the runner stopped (Ctrl-C); the stored state resumes later
        return None


def _process(services: Services, args: argparse.Namespace, by: Viewer) -> int:
    if not args.audio.exists():
        print(f"error: no such file: {args.audio}", file=sys.stderr)
        return 2
    engine = args.engine or services.settings.default_engine
    print(f"engine: {engine}" + (" (audio stays on this machine)" if not services.scribe.sends_audio_off(engine)
                                 else " (audio is sent to AssemblyAI)"), file=sys.stderr)
    encounter = services.scribe.submit(args.audio, args.audio.name, by=by, engine=engine, keyterms=args.keyterm,
                                       context=args.context, template=args.template)
    print(f"encounter {encounter.id}: {encounter.duration_s:.0f} s of audio", file=sys.stderr)
    finished = _run_to_end(cli_runner(services), encounter.id)
    if finished is None:
        print(f"encounter {encounter.id} is being processed by a worker; `scribe show {encounter.id}` follows it",
              file=sys.stderr)
        print(encounter.id)
        return 0
    encounter = finished
    if encounter.state != EncounterState.READY:
        print(f"error: {encounter.error}", file=sys.stderr)
        print(encounter.id)
        return 1
    note = services.scribe.queries.note(by, encounter.id)
    if args.note_out and note is not None:
        if args.note_out.suffix.lower() == ".json":
            args.note_out.write_text(json.dumps(note.to_dict(), indent=2))
        else:
            args.note_out.write_text(note.to_markdown())
        print(f"note written to {args.note_out}", file=sys.stderr)
    print(encounter.id)
    return 0


def _list(services: Services, args: argparse.Namespace, by: Viewer) -> int:
    for e in services.scribe.queries.encounters(by):
        print(f"{e.id}  {e.created:%Y-%m-%d %H:%M}  {e.state.value:<12} {e.engine:<10} {e.source_name}")
    return 0


def _show(services: Services, args: argparse.Namespace, by: Viewer) -> int:
    data = encounter_json(services, by, args.id)
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(f"{data['id']}  {data['state']}  engine={data['engine']}  {data['source_name']}")
    if data["error"]:
        print(f"error: {data['error']}")
    for u in data["utterances"]:
        print(f"[{u['id']}] {u['start_ms'] / 1000:7.1f}s {u['role']}: {u['text']}")
    note = services.scribe.queries.note(by, args.id)
    if note:
        print()
        print(note.to_markdown())
    return 0


def _purge(services: Services, args: argparse.Namespace, by: Viewer) -> int:
    ok = args.include_unsent_signed
    tombstones = (services.scribe.purge_all(by=by, unsent_signed_ok=ok) if args.all
                  else [services.scribe.purge(args.id, by=by, unsent_signed_ok=ok)])
    for t in tombstones:
        remote = "; ".join(f"{r.what} {'confirmed' if r.confirmed else 'NOT confirmed'}" for r in t.remote)
        print(f"purged {t.encounter_id}: local {', '.join(t.deleted) or 'nothing'}; remote {remote or 'none'}")
        for kept in (r for r in t.remote if r.what == "ehr_document"):
            print(f"  the copy sent to the EHR ({kept.remote_id}) is {kept.detail}")
    return 0


def _resume(services: Services, args: argparse.Namespace, by: Viewer) -> int:
    runner = cli_runner(services)
    for encounter_id in services.scribe.unfinished():
        e = _run_to_end(runner, encounter_id)
        if e is None:
            print(f"{encounter_id}: left to the worker processing it")
            continue
        print(f"{e.id}: {e.state.value}" + (f" ({e.error})" if e.error else ""))
    return 0


def _retention(services: Services, args: argparse.Namespace, by: Viewer) -> int:
    purged = services.scribe.purge_expired(services.settings.retention_hours)
    print(f"retention {services.settings.retention_hours:g} h: purged {len(purged)} encounter(s)")
    # The CLI has no worker: a scheduled `retention` is also what retries remote deletions a purge left pending.
    swept = services.scribe.delete_pending_transcripts()
    if swept:
        deleted = sum(d.confirmed for d in swept)
        print(f"remote transcripts a purge left pending: {deleted} deleted, {len(swept) - deleted} still pending")
    return 0
