"""Command line for notes from existing transcripts, with no audio.

    python -m scribe_core note TRANSCRIPT [--template T] [--json] [--redact] [--save]
    python -m scribe_core check TRANSCRIPT NOTE_JSON [--json]

TRANSCRIPT: plain text with `Doctor: ...` / `Patient: ...` lines, ACI-Bench `[doctor] ...` lines, or an
AssemblyAI transcript JSON. `note` drafts the offline note and lists what it may have left out;
nothing is stored unless --save. `check` runs the omission and consistency checks on a given note
(for example one exported from the app and edited). Exit codes as in cli.py; `check` exits 1 when
it flags anything.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .clinical import check_consistency, parse_transcript_file, possibly_missing
from .documents.summary import summarize
from .errors import ScribeError
from .model import Note, Transcript, Word
from .note_template import NoteTemplate

_HANDLED = ("note", "check")


def register(sub: argparse._SubParsersAction) -> None:
    note = sub.add_parser("note", help="draft the offline note from a transcript file (no audio, nothing stored)")
    note.add_argument("transcript", type=Path)
    note.add_argument("--template", default="soap", help="note template (see `templates list`); aci for CC/HPI/ROS/...")
    note.add_argument("--json", action="store_true", help="print utterances, note and possibly-missing facts as JSON")
    note.add_argument("--redact", action="store_true", help="redact names and other PII in the utterances first")
    note.add_argument("--save", action="store_true", help="store it as an encounter (with no recording)")
    note.add_argument("--summary", action="store_true",
                      help='add the after-visit summary for the patient ("patient_summary" in --json)')
    check = sub.add_parser("check", help="omission and consistency checks of a note against its transcript")
    check.add_argument("transcript", type=Path)
    check.add_argument("note_json", type=Path, help="the note as JSON (`show ID --json` or `note --json` output)")
    check.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> int | None:
    if args.command not in _HANDLED:
        return None
    try:
        return _note(args) if args.command == "note" else _check(args)
    except ScribeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def template_named(name: str) -> NoteTemplate:
    from .documents.templates import builtin_templates

    if name in builtin_templates():  # no store needed for a shipped template
        return builtin_templates()[name]
    from .bootstrap import template_repository

    return template_repository().get(name)  # a clinic template, or the error listing every name


def redacted(transcript: Transcript) -> Transcript:
    """The offline PII redaction, over words made from the text (an imported transcript has no timings)."""
    from .engines.offline.redact import redact_utterances

    for u in transcript.utterances:
        if not u.words:
            u.words = [Word(w, u.start_ms, u.end_ms) for w in u.text.split()]
    utterances, _ = redact_utterances(transcript.utterances)
    transcript.utterances = utterances
    transcript.redacted = True
    return transcript


def note_json(note: Note) -> dict[str, Any]:
    return {"template": note.template, "writer": note.writer, "sections": [
        {"key": s.key, "title": s.title,
         "statements": [{"text": st.text, "evidence": st.evidence, "unsupported": st.unsupported}
                        for st in s.statements]}
        for s in note.sections]}


def note_from_json(path: Path) -> Note:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScribeError(f"No such note file: {path}") from None
    except json.JSONDecodeError as exc:
        raise ScribeError(f"{path.name}, line {exc.lineno}: not valid JSON ({exc.msg}).") from None
    data = data.get("note", data) if isinstance(data, dict) else data  # `show --json` / `note --json` wrap it
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list):
        raise ScribeError(f"{path.name}: expected a note with a 'sections' list (as `note --json` prints).")
    for i, s in enumerate(data["sections"]):
        if not isinstance(s, dict) or not isinstance(s.get("statements"), list):
            raise ScribeError(f"{path.name}: sections[{i}] needs 'key', 'title' and a 'statements' list.")
        for j, st in enumerate(s["statements"]):
            if not isinstance(st, dict) or not isinstance(st.get("text"), str):
                raise ScribeError(f"{path.name}: sections[{i}].statements[{j}] needs a 'text' string.")
    return Note.from_dict({"template": data.get("template", ""), "writer": data.get("writer", ""), "sections": [
        {"key": str(s.get("key", "")), "title": str(s.get("title", s.get("key", ""))), "statements": [
            {k: st[k] for k in ("text", "evidence", "added_by_clinician") if k in st} for st in s["statements"]]}
        for s in data["sections"]]})


def _note(args: argparse.Namespace) -> int:
    from .notes.extractive import ExtractiveNoteWriter

    transcript = parse_transcript_file(args.transcript)
    if args.redact:
        transcript = redacted(transcript)
    template = template_named(args.template)
    if args.save:  # first: the core refuses a transcript it will not store before any work is done on it
        print(f"saved as encounter {_save(transcript, args.transcript.name, template.name)}", file=sys.stderr)
    note = ExtractiveNoteWriter().draft(transcript, template).note
    missing = possibly_missing(transcript, note)
    summary = summarize(note, template, transcript) if args.summary else None
    if args.json:
        print(json.dumps({"utterances": [{"id": u.id, "role": u.role, "text": u.text} for u in transcript.utterances],
                          "note": note_json(note),
                          "possibly_missing": [{"text": m.text, "evidence": m.evidence} for m in missing],
                          **({"patient_summary": asdict(summary)} if summary else {})},
                         indent=2, ensure_ascii=False))
        return 0
    print(markdown(note))
    if missing:
        print("## Possibly missing")
        for m in missing:
            print(f"- {m.label()}")
    if summary:
        print(f"\n## After-visit summary (Flesch-Kincaid grade {summary.reading_grade:.1f})\n\n{summary.text()}")
    return 0


def markdown(note: Note) -> str:
    lines = [f"# {note.template.upper()} note", "_Drafted offline, without a language model: review before use._"]
    for sec in note.sections:
        lines += ["", f"## {sec.title}"]
        if not sec.statements:
            lines.append("- No examination documented." if sec.key in ("objective", "exam") else "- (nothing recorded)")
        lines += [f"- {st.text} [{', '.join(st.evidence) or 'UNSUPPORTED: check'}]" for st in sec.statements]
    return "\n".join(lines) + "\n"


def _check(args: argparse.Namespace) -> int:
    transcript = parse_transcript_file(args.transcript)
    note = note_from_json(args.note_json)
    missing, flags = possibly_missing(transcript, note), check_consistency(transcript, note)
    if args.json:
        print(json.dumps({"possibly_missing": [{"text": m.text, "evidence": m.evidence, "section": m.section}
                                               for m in missing],
                          "flagged": [{"section": f.section, "text": f.statement, "evidence": f.evidence,
                                       "reasons": f.reasons} for f in flags]}, indent=2, ensure_ascii=False))
    else:
        print(f"Possibly missing ({len(missing)}):")
        for m in missing:
            print(f"- {m.label()}")
        print(f"Flagged statements ({len(flags)}):")
        for f in flags:
            print(f"- [{f.section}] {f.label()}")
    return 1 if missing or flags else 0


def _save(transcript: Transcript, source_name: str, template: str) -> str:
    """An encounter like any other, with no recording: its transcript stored encrypted and its note drafted by a job."""
    from .bootstrap import build_services
    from .cli_encounters import cli_runner, operator

    services = build_services()
    runner = cli_runner(services)
    encounter = services.scribe.import_transcript(transcript, source_name, by=operator(), template=template)
    runner.enqueue(encounter.id).result()  # its note is drafted by a job: wait for it before exiting
    return encounter.id
