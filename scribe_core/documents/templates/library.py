"""The one template repository: built-in templates and the clinic's own, and each clinician's default.

    scribe_core/documents/templates/builtin/*.toml     shipped: SOAP, APSO, ACI, H&P, progress, specialties
                                                       (the only definition of a built-in template)
    the database's clinic_templates table              the clinic's own (Templates page, `templates` CLI)
    the database's template_defaults table             {clinician: template name}

Bootstrap builds one repository over the store; the pages, the Live page, the CLI and the workers all
read it, so a worker on another machine drafts with the same clinic templates as the app server.

A clinic template is validated each time it is read; a broken one is left out and its problems are listed
(`problems`), never half-used. A clinic template cannot take a built-in's name: a stored encounter that
says "soap" must always mean the same sections.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Protocol

from ...errors import ConfigurationError
from ...note_template import NoteTemplate
from .validate import TemplateError, TemplateProblem, load_template, parse_template

BUILTIN_DIR = Path(__file__).with_name("builtin")
# The order the pickers show built-ins in: general notes first, then specialties.
BUILTIN_ORDER = ("soap", "apso", "history_physical", "progress", "hpi", "aci", "cardiology_followup", "pediatrics",
                 "behavioral_dap", "behavioral_birp", "musculoskeletal", "dermatology")
DEFAULT_TEMPLATE = "soap"


@cache
def builtin_templates() -> dict[str, NoteTemplate]:
    found = {t.name: t for t in (load_template(p) for p in sorted(BUILTIN_DIR.glob("*.toml")))}
    ordered = {name: found.pop(name) for name in BUILTIN_ORDER if name in found}
    return {**ordered, **found}


def builtin_template(name: str) -> NoteTemplate:
    """A shipped template by name (benchmarks and evaluation draft with these, no store needed)."""
    templates = builtin_templates()
    if name not in templates:
        raise ConfigurationError(f"Unknown note template {name!r}; choose one of: {', '.join(templates)}")
    return templates[name]


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


class ClinicTemplateStore(Protocol):
    """Where the clinic's templates are kept (storage/templates.py, on the EncounterStore)."""

    def clinic_template_texts(self) -> dict[str, str]: ...
    def save_clinic_template(self, name: str, body: str, *, by: str) -> None: ...
    def delete_clinic_template(self, name: str) -> None: ...
    def template_defaults(self) -> dict[str, str]: ...
    def set_template_default(self, clinician: str, name: str) -> None: ...


class TemplateRepository:
    """Every note template by name. Holds the store only: reading happens on each call, so a template one
    app server saves is seen at once by the others and by the workers."""

    def __init__(self, store: ClinicTemplateStore) -> None:
        self.store = store

    # -- reading --------------------------------------------------------------------------------
    def _clinic(self) -> tuple[dict[str, NoteTemplate], dict[str, list[TemplateProblem]]]:
        found: dict[str, NoteTemplate] = {}
        problems: dict[str, list[TemplateProblem]] = {}
        taken = set(builtin_templates())
        for row_name, body in self.store.clinic_template_texts().items():
            try:
                template = parse_template(body, row_name)
            except TemplateError as exc:
                problems[row_name] = exc.problems
                continue
            if template.name in taken or template.name in found:
                problems[row_name] = [TemplateProblem(None, f"the name {template.name!r} is already taken; "
                                                      "give this template another name")]
                continue
            found[template.name] = template
        return found, problems

    def all(self) -> dict[str, NoteTemplate]:
        return {**builtin_templates(), **self._clinic()[0]}

    def custom_names(self) -> list[str]:
        return list(self._clinic()[0])

    def problems(self) -> dict[str, list[TemplateProblem]]:
        """Clinic templates left out, with what is wrong in each (name → problems)."""
        return self._clinic()[1]

    def get(self, name: str) -> NoteTemplate:
        """The template a writer drafts with; refuses an unknown name, listing the known ones."""
        if name in builtin_templates():  # without reading the database: the common case, and always the same
            return builtin_templates()[name]
        templates = self.all()
        if name in templates:
            return templates[name]
        hint = (f" (the clinic template {name!r} has errors: run `python -m scribe_core templates check` on it)"
                if name in self.problems() else "")
        raise ConfigurationError(f"Unknown note template {name!r}{hint}; choose one of: {', '.join(templates)}")

    # -- writing (the Templates page, the CLI) --------------------------------------------------
    def save_custom(self, template: NoteTemplate, *, by: str = "clinic") -> None:
        """Validate (by reading back the TOML) and store a clinic template; replaces one of the same name."""
        if template.name in builtin_templates():
            raise ConfigurationError(f"{template.name!r} is a built-in template; give yours another name.")
        text = template_to_toml(template)
        parse_template(text, f"{template.name}.toml")  # raises TemplateError listing every problem
        self.store.save_clinic_template(template.name, text, by=by)

    def delete_custom(self, name: str) -> None:
        if name not in self.store.clinic_template_texts():
            raise ConfigurationError(f"{name!r} is not a clinic template (built-ins cannot be deleted).")
        self.store.delete_clinic_template(name)

    # -- each clinician's default ---------------------------------------------------------------
    def default_for(self, clinician: str | None) -> str:
        """The clinician's chosen template if it still exists, else SOAP."""
        chosen = self.store.template_defaults().get(clinician or "")
        return chosen if chosen and chosen in self.all() else DEFAULT_TEMPLATE

    def set_default(self, clinician: str, name: str) -> None:
        self.get(name)  # refuses an unknown template with the list of names
        self.store.set_template_default(clinician, name)
