"""Read a note template from TOML and say exactly what is wrong with it, line by line.

    name = "cardiology"                 # lower-case letters, digits, - and _
    title = "Cardiology follow-up"
    document_loinc = "34124-8"          # optional; "11506-3" (Progress note) when absent
    document_display = "Cardiology Outpatient Progress note"
    specialty = "cardiology"            # optional
    description = "..."                 # optional

    [[sections]]                        # one per section, in the order the note shows them
    key = "interval_history"
    title = "Interval history"
    instructions = "Symptoms since the last visit ..."
    loinc = "10164-2"                   # optional LOINC section code (check digit verified)
    role = "subjective"                 # optional when loinc is a known section code
    required = true                     # optional, default false

Every problem found is reported, each with the line it is on, so a clinic fixes its file in one go.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import ConfigurationError
from ...loinc import DOCUMENT_DISPLAYS, loinc_problem, section_role
from ...note_template import PROGRESS_NOTE_LOINC, NoteTemplate, SectionSpec

ROLES = ("subjective", "objective", "assessment", "plan", "medications", "allergies")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_TOP_KEYS = {"name", "title", "document_loinc", "document_display", "specialty", "description", "sections"}
_SECTION_KEYS = {"key", "title", "instructions", "loinc", "role", "required"}
_LINE_COL = re.compile(r"\(at line (\d+), column \d+\)")
# Longest text a field may hold: what the pages, the note and the EHR document can show in full.
MAX_TITLE = 80  # the template's own title, as pickers list it
MAX_SECTION_TITLE = 120
MAX_INSTRUCTIONS = 2000


@dataclass(frozen=True)
class TemplateProblem:
    line: int | None
    message: str

    def describe(self, source: str) -> str:
        return f"{source}, line {self.line}: {self.message}" if self.line else f"{source}: {self.message}"


class TemplateError(ConfigurationError):
    """A template file is not valid; `problems` lists every issue with its line."""

    def __init__(self, source: str, problems: list[TemplateProblem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("; ".join(p.describe(source) for p in problems))


class _Lines:
    """Where a key sits in the file: tomllib gives values, not positions, so look them up in the text."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.section_starts = [i for i, line in enumerate(self.lines) if line.strip().startswith("[[sections]]")]
        first_table = next((i for i, line in enumerate(self.lines) if line.strip().startswith("[")), len(self.lines))
        self.top_end = first_table

    def _find(self, key: str, start: int, end: int) -> int | None:
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for i in range(start, min(end, len(self.lines))):
            if pattern.match(self.lines[i]):
                return i + 1
        return None

    def top(self, key: str) -> int | None:
        return self._find(key, 0, self.top_end)

    def section(self, index: int, key: str | None = None) -> int | None:
        if index >= len(self.section_starts):
            return self.top("sections")  # sections given inline: the best we can say is where they start
        start = self.section_starts[index]
        if key is None:
            return start + 1
        end = self.section_starts[index + 1] if index + 1 < len(self.section_starts) else len(self.lines)
        return self._find(key, start + 1, end) or start + 1


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _too_long(field: str, value: str, limit: int) -> str:
    """'' when `value` fits in `limit` characters, else what to do about it."""
    length = len(value.strip())
    if length <= limit:
        return ""
    return f"{field!r} is {length} characters long; keep it to {limit} or fewer"


def _check_section(i: int, raw: Any, lines: _Lines, seen: set[str], problems: list[TemplateProblem]) -> SectionSpec:
    where = f"section {i + 1}"
    if not isinstance(raw, dict):
        problems.append(TemplateProblem(lines.section(i), f"{where} must be a table ([[sections]])"))
        return SectionSpec("", "", "")
    for unknown in sorted(set(raw) - _SECTION_KEYS):
        allowed = ", ".join(sorted(_SECTION_KEYS))
        problems.append(TemplateProblem(lines.section(i, unknown),
                                        f"{where}: unknown field {unknown!r} (allowed: {allowed})"))
    key = raw.get("key")
    if not isinstance(key, str) or not _NAME.match(key):
        problems.append(TemplateProblem(lines.section(i, "key"), f"{where}: 'key' must be lower-case letters, "
                                        "digits, - or _ (like \"interval_history\")"))
    elif key in seen:
        problems.append(TemplateProblem(lines.section(i, "key"), f"{where}: key {key!r} is used twice"))
    else:
        seen.add(key)
    for field, limit in (("title", MAX_SECTION_TITLE), ("instructions", MAX_INSTRUCTIONS)):
        if not _text(raw.get(field)):
            problems.append(TemplateProblem(lines.section(i, field), f"{where}: {field!r} is missing or empty"))
        elif (overlong := _too_long(field, raw[field], limit)):
            problems.append(TemplateProblem(lines.section(i, field), f"{where}: {overlong}"))
    loinc = raw.get("loinc")
    if loinc is not None:
        problem = loinc_problem(loinc) if isinstance(loinc, str) else "'loinc' must be a string like \"10164-2\""
        if problem:
            problems.append(TemplateProblem(lines.section(i, "loinc"), f"{where}: {problem}"))
    role = raw.get("role", "")
    if role and role not in ROLES:
        problems.append(TemplateProblem(lines.section(i, "role"), f"{where}: role {role!r} is not one of "
                                        f"{', '.join(ROLES)}"))
    elif not role and not section_role(loinc if isinstance(loinc, str) else None):
        problems.append(TemplateProblem(lines.section(i), f"{where}: give a 'role' ({', '.join(ROLES)}) or a "
                                        "known LOINC section code, so the offline writer knows what goes here"))
    required = raw.get("required", False)
    if not isinstance(required, bool):
        problems.append(TemplateProblem(lines.section(i, "required"), f"{where}: 'required' must be true or false"))
    return SectionSpec(
        key=key if isinstance(key, str) else "",
        title=str(raw.get("title", "")).strip(),
        guidance=" ".join(str(raw.get("instructions", "")).split()),
        loinc=loinc if isinstance(loinc, str) else None,
        required=required is True,
        role=role if isinstance(role, str) else "",
    )


def parse_template(text: str, source: str = "template") -> NoteTemplate:
    """The template in `text`, or TemplateError listing every problem with its line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _LINE_COL.search(str(exc))
        message = _LINE_COL.sub("", str(exc)).strip()
        raise TemplateError(source, [TemplateProblem(int(found.group(1)) if found else None,
                                                     f"not valid TOML: {message}")]) from None
    lines = _Lines(text)
    problems: list[TemplateProblem] = []
    for unknown in sorted(set(data) - _TOP_KEYS):
        problems.append(TemplateProblem(lines.top(unknown), f"unknown field {unknown!r} "
                                        f"(allowed: {', '.join(sorted(_TOP_KEYS))})"))
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        problems.append(TemplateProblem(lines.top("name"), "'name' must be 1-40 lower-case letters, digits, - or _"))
    if not _text(data.get("title")):
        problems.append(TemplateProblem(lines.top("title"), "'title' is missing or empty"))
    elif (overlong := _too_long("title", data["title"], MAX_TITLE)):
        problems.append(TemplateProblem(lines.top("title"), overlong))
    doc_code = data.get("document_loinc", PROGRESS_NOTE_LOINC)
    problem = loinc_problem(doc_code) if isinstance(doc_code, str) else "'document_loinc' must be a string"
    if problem:
        problems.append(TemplateProblem(lines.top("document_loinc"), problem))
    for field in ("document_display", "specialty", "description"):
        if field in data and not isinstance(data[field], str):
            problems.append(TemplateProblem(lines.top(field), f"{field!r} must be a string"))
    raw_sections = data.get("sections")
    sections: list[SectionSpec] = []
    if not isinstance(raw_sections, list) or not raw_sections:
        problems.append(TemplateProblem(lines.top("sections"), "a template needs at least one [[sections]] table"))
    else:
        seen: set[str] = set()
        sections = [_check_section(i, raw, lines, seen, problems) for i, raw in enumerate(raw_sections)]
    if problems or not isinstance(name, str):
        raise TemplateError(source, problems)
    display = data.get("document_display") or DOCUMENT_DISPLAYS.get(doc_code, "")
    return NoteTemplate(
        name=name, title=data["title"].strip(), sections=tuple(sections), loinc=doc_code, loinc_display=display,
        specialty=data.get("specialty", ""), description=" ".join(data.get("description", "").split()),
    )


def load_template(path: Path) -> NoteTemplate:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(str(path), [TemplateProblem(None, f"cannot be read ({exc.__class__.__name__})")]) from exc
    return parse_template(text, str(path))


def check_template(path: Path) -> list[TemplateProblem]:
    """Every problem in the file at `path` (empty when the template is valid)."""
    try:
        load_template(path)
    except TemplateError as exc:
        return exc.problems
    return []
