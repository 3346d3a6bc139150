"""The template library: built-in templates, a clinic's own files, and each clinician's default.

    scribe_core/documents/templates/builtin/*.toml     shipped: SOAP, APSO, H&P, progress, specialties
    <data dir>/templates/*.toml                         the clinic's own (Templates page or by hand)
    <data dir>/templates/defaults.json                  {"clinician": "template name"}

A clinic file is validated on every load; a broken one is left out and its problems are listed
(`problems`), never half-used. A clinic template cannot take a built-in's name: a stored encounter
that says "soap" must always mean the same sections.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

from ...errors import ConfigurationError
from ...notes.base import NoteTemplate
from .validate import TemplateError, TemplateProblem, load_template, parse_template

BUILTIN_DIR = Path(__file__).with_name("builtin")
# The order the pickers show built-ins in: general notes first, then specialties.
BUILTIN_ORDER = ("soap", "apso", "history_physical", "progress", "hpi", "cardiology_followup", "pediatrics",
                 "behavioral_dap", "behavioral_birp", "musculoskeletal", "dermatology")


@cache
def builtin_templates() -> dict[str, NoteTemplate]:
    found = {t.name: t for t in (load_template(p) for p in sorted(BUILTIN_DIR.glob("*.toml")))}
    ordered = {name: found.pop(name) for name in BUILTIN_ORDER if name in found}
    return {**ordered, **found}


def _writer_templates() -> dict[str, NoteTemplate]:
    """Templates the note writers define in code (notes/templates.py) that the library has no file for."""
    from ...notes import templates as in_code

    return {name: t for name, t in in_code.TEMPLATES.items() if name not in builtin_templates()}


def template_to_toml(template: NoteTemplate) -> str:
    """TOML for a template, readable by `parse_template` (JSON string escapes are valid TOML basic strings)."""
    def q(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = [f"name = {q(template.name)}", f"title = {q(template.title)}", f"document_loinc = {q(template.loinc)}"]
    if template.loinc_display:
        lines.append(f"document_display = {q(template.loinc_display)}")
    if template.specialty:
        lines.append(f"specialty = {q(template.specialty)}")
    if template.description:
        lines.append(f"description = {q(template.description)}")
    for s in template.sections:
        lines += ["", "[[sections]]", f"key = {q(s.key)}", f"title = {q(s.title)}"]
        if s.loinc:
            lines.append(f"loinc = {q(s.loinc)}")
        if s.role:
            lines.append(f"role = {q(s.role)}")
        lines.append(f"required = {'true' if s.required else 'false'}")
        lines.append(f"instructions = {q(s.guidance)}")
    return "\n".join(lines) + "\n"


class TemplateLibrary:
    def __init__(self, data_dir: Path) -> None:
        self.custom_dir = Path(data_dir) / "templates"
        self.defaults_file = self.custom_dir / "defaults.json"

    # -- reading --------------------------------------------------------------------------------
    def _custom(self) -> tuple[dict[str, NoteTemplate], dict[str, list[TemplateProblem]]]:
        found: dict[str, NoteTemplate] = {}
        problems: dict[str, list[TemplateProblem]] = {}
        if not self.custom_dir.is_dir():
            return found, problems
        taken = set(builtin_templates()) | set(_writer_templates())
        for path in sorted(self.custom_dir.glob("*.toml")):
            try:
                template = load_template(path)
            except TemplateError as exc:
                problems[path.name] = exc.problems
                continue
            if template.name in taken or template.name in found:
                problems[path.name] = [TemplateProblem(None, f"the name {template.name!r} is already taken; "
                                                       "give this template another name")]
                continue
            found[template.name] = template
        return found, problems

    def all(self) -> dict[str, NoteTemplate]:
        return {**builtin_templates(), **_writer_templates(), **self._custom()[0]}

    def custom_names(self) -> list[str]:
        return list(self._custom()[0])

    def problems(self) -> dict[str, list[TemplateProblem]]:
        """Clinic template files left out, with what is wrong in each (file name → problems)."""
        return self._custom()[1]

    def get(self, name: str) -> NoteTemplate:
        templates = self.all()
        if name in templates:
            return templates[name]
        broken = [f for f, _ in self.problems().items() if Path(f).stem == name]
        hint = (f" (the file {broken[0]} has errors: run `python -m scribe_core templates check` on it)"
                if broken else "")
        raise ConfigurationError(f"Unknown note template {name!r}{hint}; choose one of: {', '.join(templates)}")

    # -- writing (the Templates page) -----------------------------------------------------------
    def save_custom(self, template: NoteTemplate) -> Path:
        """Validate (by reading back the TOML) and store a clinic template; replaces one of the same name."""
        if template.name in builtin_templates() or template.name in _writer_templates():
            raise ConfigurationError(f"{template.name!r} is a built-in template; give yours another name.")
        text = template_to_toml(template)
        parse_template(text, f"{template.name}.toml")  # raises TemplateError listing every problem
        self.custom_dir.mkdir(parents=True, exist_ok=True)
        path = self.custom_dir / f"{template.name}.toml"
        tmp = path.with_suffix(".toml.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
        return path

    def delete_custom(self, name: str) -> None:
        if name not in self.custom_names():
            raise ConfigurationError(f"{name!r} is not a clinic template (built-ins cannot be deleted).")
        (self.custom_dir / f"{name}.toml").unlink(missing_ok=True)
        defaults = {who: t for who, t in self._defaults().items() if t != name}
        self._write_defaults(defaults)

    # -- each clinician's default ---------------------------------------------------------------
    def _defaults(self) -> dict[str, str]:
        try:
            data = json.loads(self.defaults_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _write_defaults(self, defaults: dict[str, str]) -> None:
        self.custom_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.defaults_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(defaults, indent=2, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.defaults_file)

    def default_for(self, clinician: str | None) -> str:
        """The clinician's chosen template if it still exists, else SOAP."""
        chosen = self._defaults().get(clinician or "")
        return chosen if chosen and chosen in self.all() else "soap"

    def set_default(self, clinician: str, name: str) -> None:
        self.get(name)  # refuses an unknown template with the list of names
        self._write_defaults({**self._defaults(), clinician: name})


def resolve_template(name: str, data_dir: Path) -> NoteTemplate:
    """The template a writer drafts with: the writers' own first (a stored "soap" always means the same
    sections), then the library's built-ins and the clinic's templates in `data_dir`."""
    from ...notes import templates as in_code

    if name in in_code.TEMPLATES:
        return in_code.TEMPLATES[name]
    return TemplateLibrary(data_dir).get(name)
