"""The clinic's note templates and each clinician's default, in the database (one set for every machine).

The rows hold TOML text; reading it into a template, and refusing a broken one, is the template
repository's job (documents/templates/library.py). Before the database held them they were files in each
machine's data dir: `import_template_files` copies those in once, explicitly at start (bootstrap), and
renames the folder so the files are left alone afterwards and never imported twice.

    <data_dir>/templates/*.toml            → clinic_templates (keyed by the file's name, without .toml)
    <data_dir>/templates/defaults.json     → template_defaults
    <data_dir>/templates.imported/         the folder, renamed once its files are in the database

A name already in the database is kept as the database has it (another machine imported it first); the
file stays in the renamed folder for the clinic to compare.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from sqlalchemy import delete, select

from ..model import utc_now
from . import schema as t
from .base import StoreBase, upsert

log = logging.getLogger(__name__)
TEMPLATE_FILES_DIR = "templates"
IMPORTED_DIR = "templates.imported"
IMPORTED_BY = "imported from the data dir"


class ClinicTemplateRows(StoreBase):
    def clinic_template_texts(self) -> dict[str, str]:
        """Every clinic template's TOML, by name, in name order."""
        c = t.clinic_templates.c
        with self.db.transaction() as db:
            return {r[0]: r[1] for r in db.execute(select(c.name, c.body).order_by(c.name))}

    def save_clinic_template(self, name: str, body: str, *, by: str) -> None:
        with self.db.transaction() as db:
            upsert(db, t.clinic_templates, {"name": name, "body": body, "saved_at": utc_now().isoformat(),
                                            "saved_by": by}, ["name"])

    def delete_clinic_template(self, name: str) -> None:
        """The template and every clinician's choice of it, in one transaction."""
        with self.db.transaction() as db:
            db.execute(delete(t.clinic_templates).where(t.clinic_templates.c.name == name))
            db.execute(delete(t.template_defaults).where(t.template_defaults.c.template == name))

    def template_defaults(self) -> dict[str, str]:
        c = t.template_defaults.c
        with self.db.transaction() as db:
            return {r[0]: r[1] for r in db.execute(select(c.clinician, c.template))}

    def set_template_default(self, clinician: str, name: str) -> None:
        with self.db.transaction() as db:
            upsert(db, t.template_defaults, {"clinician": clinician, "template": name}, ["clinician"])

    def import_template_files(self) -> list[str]:
        """Copy the data dir's template files into the database, once; returns the names imported."""
        folder = self.data_dir / TEMPLATE_FILES_DIR
        if not folder.is_dir():
            return []
        files = {p.stem: p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.glob("*.toml"))}
        defaults = _read_defaults(folder / "defaults.json")
        imported: list[str] = []
        with self.db.transaction() as db:
            have = set(db.execute(select(t.clinic_templates.c.name)).scalars())
            chosen = set(db.execute(select(t.template_defaults.c.clinician)).scalars())
            for name, body in files.items():
                if name in have:
                    continue
                db.execute(t.clinic_templates.insert().values(name=name, body=body, saved_at=utc_now().isoformat(),
                                                              saved_by=IMPORTED_BY))
                imported.append(name)
            for clinician, name in defaults.items():
                if clinician not in chosen:
                    db.execute(t.template_defaults.insert().values(clinician=clinician, template=name))
        target = self.data_dir / IMPORTED_DIR
        if target.exists():  # an earlier import's folder: keep both, the newer under a numbered name
            target = next(p for i in range(2, 10_000) if not (p := self.data_dir / f"{IMPORTED_DIR}.{i}").exists())
        folder.rename(target)
        skipped = sorted(set(files) - set(imported))
        log.info("clinic templates imported into the database: %d (kept the database's copy of %d); files "
                 "moved to %s", len(imported), len(skipped), target.name)
        return imported


def _read_defaults(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
