"""Command line for templates and the documents made from a note.

    python -m scribe_core templates list
    python -m scribe_core templates show NAME
    python -m scribe_core templates check FILE
    python -m scribe_core export ID --fhir FILE --patient PID | --pdf FILE | --summary FILE
                                    | --letter SPECIALTY FILE [--question TEXT] [--clinician NAME]
    python -m scribe_core sign ID --clinician NAME     mark the note final, signed as NAME ("Dana Smith, MD")
    python -m scribe_core versions ID [--diff]         signed versions, and what each amendment changed
    python -m scribe_core send ID --patient PID        send the signed note to the EHR (SCRIBE_FHIR_*)

A summary or letter FILE ending in .pdf is printed as PDF, .json as JSON (with each sentence's
sources and the reading grade), anything else as text. Both are signed with `--clinician NAME` (else the
account's display name); without a name they say "unsigned draft", never a login name.

`register(subparsers)` adds the commands to the main parser; `run(args)` answers them (None when the
command is not one of these). Exit codes as in cli.py: 0 success, 1 the check or send failed, 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from .documents.templates import check_template, load_template
from .errors import RemoteServiceError, ScribeError

if TYPE_CHECKING:
    from .access import Viewer
    from .usecases.clinic_documents import ClinicDocuments

_HANDLED = ("templates", "export", "sign", "versions", "send")


def register(sub: argparse._SubParsersAction) -> None:
    templates = sub.add_parser("templates", help="list, show or check note templates")
    actions = templates.add_subparsers(dest="templates_action", required=True)
    actions.add_parser("list", help="every template: built-in and the clinic's own")
    show = actions.add_parser("show", help="one template's sections, instructions and LOINC codes")
    show.add_argument("name")
    check = actions.add_parser("check", help="validate a template TOML file (exit 1 with every problem)")
    check.add_argument("file", type=Path)
    add = actions.add_parser("add", help="validate a template TOML file and keep it as a clinic template "
                             "(in the database: every app server and worker sees it)")
    add.add_argument("file", type=Path)
    export = sub.add_parser("export", help="write the note as FHIR or PDF, the patient summary, or a referral letter")
    export.add_argument("id")
    what = export.add_mutually_exclusive_group(required=True)
    what.add_argument("--fhir", type=Path, metavar="FILE", help="FHIR R4 document Bundle (JSON); needs --patient")
    what.add_argument("--pdf", type=Path, metavar="FILE", help="the note, printable")
    what.add_argument("--summary", type=Path, metavar="FILE", help="the after-visit summary (.pdf, .json or text)")
    what.add_argument("--letter", nargs=2, metavar=("SPECIALTY", "FILE"), help="a referral letter (.pdf or text)")
    export.add_argument("--patient", help="the patient's id in the EHR: an MRN, or Patient/<id>")
    export.add_argument("--question", default="", help="the question the referral letter asks")
    export.add_argument("--clinician", default="", metavar="NAME",
                        help='who signs the summary or letter, e.g. "Dana Smith, MD" (without it: unsigned draft)')
    sign = sub.add_parser("sign", help="mark the note final (read-only; later changes are amendments)")
    sign.add_argument("id")
    sign.add_argument("--clinician", default="", metavar="NAME",
                      help='who signs, as the signature reads, e.g. "Dana Smith, MD" (required to sign)')
    sign.add_argument("--confirm-open-items", action="store_true",
                      help="sign although statements are not backed or facts possibly missing (listed first)")
    versions = sub.add_parser("versions", help="the note's signed versions")
    versions.add_argument("id")
    versions.add_argument("--diff", action="store_true", help="show what each amendment changed")
    send = sub.add_parser("send", help="send the signed note to the EHR as a FHIR DocumentReference")
    send.add_argument("id")
    send.add_argument("--patient", required=True, help="the patient's id in the EHR: an MRN, or Patient/<id>")


def run(args: argparse.Namespace) -> int | None:
    if args.command not in _HANDLED:
        return None
    try:
        if args.command == "templates":
            return _templates(args)
        return _documents(args)
    except RemoteServiceError as exc:  # the EHR refused or could not be reached: nothing was marked sent
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ScribeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _templates(args: argparse.Namespace) -> int:
    if args.templates_action in ("check", "add"):
        if not args.file.exists():
            print(f"error: no such file: {args.file}", file=sys.stderr)
            return 2
        problems = check_template(args.file)
        for problem in problems:
            print(problem.describe(str(args.file)), file=sys.stderr)
        if problems:
            return 1
        if args.templates_action == "check":
            print(f"{args.file}: valid")
            return 0
    from .bootstrap import template_repository

    library = template_repository()
    if args.templates_action == "add":
        from .cli_encounters import operator

        template = load_template(args.file)
        library.save_custom(template, by=operator().name)
        print(f"{template.name}: saved as a clinic template")
        return 0
    if args.templates_action == "list":
        custom = set(library.custom_names())
        for name, t in library.all().items():
            origin = "clinic" if name in custom else "built-in"
            print(f"{name:<22} {origin:<9} {t.loinc:<8} {t.title}")
        for file, problems in library.problems().items():
            print(f"left out: {file} ({len(problems)} problem(s); run `templates check` on it)", file=sys.stderr)
        return 0
    t = library.get(args.name)
    print(f"{t.title} ({t.name})  document LOINC {t.loinc} {t.loinc_display}".rstrip())
    if t.description:
        print(t.description)
    for i, s in enumerate(t.sections, start=1):
        flags = ", ".join(x for x in (f"LOINC {s.loinc}" if s.loinc else "", "required" if s.required else "",
                                      f"role {s.role}" if s.role else "") if x)
        print(f"\n{i}. {s.title} [{s.key}]" + (f"  ({flags})" if flags else ""))
        print(f"   {s.guidance}")
    return 0


def _documents(args: argparse.Namespace) -> int:
    from .bootstrap import build_services
    from .cli_encounters import operator
    from .documents.ehr_settings import EhrSettings
    from .documents.fhir import PatientId
    from .documents.signoff import version_diff

    services = build_services()
    docs, by = services.documents, operator()
    if args.command == "sign":
        return _sign(docs, by, args)
    if args.command == "versions":
        versions = docs.versions_of(args.id, by=by)
        for old, new in zip([None, *versions], versions, strict=False):
            reason = f" ({new.reason})" if new.reason else ""
            print(f"version {new.version}: {new.status} by {new.signed_by} "
                  f"at {new.signed_at:%Y-%m-%d %H:%M} UTC{reason}")
            if args.diff and old is not None:
                print("\n".join(version_diff(old, new)))
        return 0
    settings = EhrSettings.from_settings(services.settings)
    if args.command == "send":
        patient = PatientId(args.patient, settings.patient_id_system)
        receipt = docs.send_to_ehr(args.id, patient, services.ehr_client(), by=by)
        print(f"sent {args.id} to the EHR: DocumentReference/{receipt.server_id} "
              f"at {receipt.sent_at:%Y-%m-%d %H:%M} UTC"
              + ("" if receipt.created else " (the EHR already had this version)"))
        return 0
    return _export(args, docs, by, settings.patient_id_system)


def _export(args: argparse.Namespace, docs: ClinicDocuments, by: Viewer, patient_system: str) -> int:
    from .documents.fhir import PatientId
    from .documents.model import UNSIGNED
    from .documents.sentence_check import failing_lines

    if args.fhir:
        if not args.patient:
            print("error: a FHIR export needs --patient (the patient's id in the EHR)", file=sys.stderr)
            return 2
        bundle = docs.fhir_bundle(args.id, PatientId(args.patient, patient_system), by=by)
        args.fhir.write_text(json.dumps(bundle, indent=2, ensure_ascii=False))
        target = args.fhir
    elif args.pdf:
        args.pdf.write_bytes(docs.note_pdf(args.id, by=by))
        target = args.pdf
    elif args.summary:
        summary = docs.summary(args.id, by=by, clinician=" ".join(args.clinician.split()))
        target = args.summary
        if target.suffix.lower() == ".pdf":
            target.write_bytes(docs.summary_pdf(args.id, summary, by=by))
        elif target.suffix.lower() == ".json":
            target.write_text(json.dumps(asdict(summary), indent=2, ensure_ascii=False))
        else:
            target.write_text(summary.text())
        if summary.whole_sentences and not failing_lines(summary.text()):
            print(f"reading level: Flesch-Kincaid grade {summary.reading_grade:.1f}", file=sys.stderr)
        _say_who_signed(summary.clinician)
    else:
        specialty, file = args.letter
        letter = docs.referral(args.id, specialty, args.question, by=by, clinician=" ".join(args.clinician.split()))
        _say_who_signed("" if letter.signature == UNSIGNED else letter.signature)
        target = Path(file)
        if target.suffix.lower() == ".pdf":
            target.write_bytes(docs.letter_pdf(args.id, letter, by=by))
        else:
            target.write_text(letter.text())
    print(f"written to {target}", file=sys.stderr)
    return 0


def _say_who_signed(clinician: str) -> None:
    print(f"signed by {clinician}" if clinician else
          "unsigned draft: pass --clinician NAME (e.g. \"Dana Smith, MD\") to sign it", file=sys.stderr)


def _sign(docs: ClinicDocuments, by: Viewer, args: argparse.Namespace) -> int:
    """Sign as the clinician named; without a name, or with open items not confirmed, the note stays a draft."""
    from .documents.open_items import OpenItemsError

    clinician = " ".join(args.clinician.split())
    if not clinician:
        print(f"{args.id}: unsigned draft. Say who signs: sign {args.id} --clinician \"Dana Smith, MD\"",
              file=sys.stderr)
        return 2
    try:
        version = docs.sign(args.id, by=by, signer=clinician, confirmed_open_items=args.confirm_open_items)
    except OpenItemsError as err:
        print(f"{args.id}: unsigned draft. {len(err.items)} open item(s) to check first:", file=sys.stderr)
        for item in err.items:
            print(f"  - {item.label()}", file=sys.stderr)
        print("Sign anyway with --confirm-open-items once they are checked.", file=sys.stderr)
        return 2
    print(f"signed {args.id}: version {version.version} by {version.signed_by} "
          f"at {version.signed_at:%Y-%m-%d %H:%M} UTC")
    return 0
