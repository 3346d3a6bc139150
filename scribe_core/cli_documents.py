"""Command line for templates and the documents made from a note.

    python -m scribe_core templates list
    python -m scribe_core templates show NAME
    python -m scribe_core templates check FILE

`register(subparsers)` adds the commands to the main parser; `run(args)` answers them (None when the
command is not one of these). Exit codes as in cli.py: 0 success, 1 the check or send failed, 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .config import Settings
from .documents.templates import TemplateLibrary, check_template
from .errors import ScribeError

_HANDLED = ("templates",)


def register(sub: argparse._SubParsersAction) -> None:
    templates = sub.add_parser("templates", help="list, show or check note templates")
    actions = templates.add_subparsers(dest="templates_action", required=True)
    actions.add_parser("list", help="every template: built-in and the clinic's own")
    show = actions.add_parser("show", help="one template's sections, instructions and LOINC codes")
    show.add_argument("name")
    check = actions.add_parser("check", help="validate a template TOML file (exit 1 with every problem)")
    check.add_argument("file", type=Path)


def run(args: argparse.Namespace) -> int | None:
    if args.command not in _HANDLED:
        return None
    try:
        return _templates(args)
    except ScribeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _templates(args: argparse.Namespace) -> int:
    if args.templates_action == "check":
        if not args.file.exists():
            print(f"error: no such file: {args.file}", file=sys.stderr)
            return 2
        problems = check_template(args.file)
        for problem in problems:
            print(problem.describe(str(args.file)), file=sys.stderr)
        if problems:
            return 1
        print(f"{args.file}: valid")
        return 0
    library = TemplateLibrary(Settings.from_env().data_dir)
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
