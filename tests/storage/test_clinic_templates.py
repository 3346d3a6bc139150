"""The one template repository over the database: clinic templates every machine sees, each clinician's
default, and the one-time import of the template files an older data dir held. SQLite and Postgres."""

from __future__ import annotations

import pytest

from scribe_core.crypto import Vault
from scribe_core.documents.templates import TemplateRepository, builtin_templates
from scribe_core.errors import ConfigurationError
from scribe_core.note_template import NoteTemplate, SectionSpec
from scribe_core.storage import EncounterStore
from tests.conftest import TEST_KEY
from tests.documents.test_templates import GOOD  # a valid clinic template's TOML


def test_clinic_templates_load_beside_builtins_and_broken_ones_are_left_out(store):
    templates = TemplateRepository(store)
    store.save_clinic_template("sports", GOOD, by="admin")
    store.save_clinic_template("broken", 'name = "broken"\n', by="admin")
    store.save_clinic_template("soap-copy", GOOD.replace('"sports"', '"soap"'), by="admin")
    assert templates.get("sports").title == "Sports medicine"
    assert set(templates.problems()) == {"broken", "soap-copy"}
    assert templates.get("soap") == builtin_templates()["soap"]
    assert list(templates.all())[:len(builtin_templates())] == list(builtin_templates())
    with pytest.raises(ConfigurationError, match="'broken' has errors"):
        templates.get("broken")


def test_saved_templates_read_back_identically_and_defaults_are_per_clinician(store):
    templates = TemplateRepository(store)
    template = NoteTemplate("wound", "Wound care", (
        SectionSpec("wound", "Wound", 'Size, depth and "appearance".', "29545-1", True),
        SectionSpec("dressing", "Dressing", "What was applied.", None, False, "plan"),
    ), specialty="nursing")
    templates.save_custom(template, by="admin")
    assert templates.get("wound") == NoteTemplate(**{**template.__dict__, "loinc_display": "Progress note"})
    templates.set_default("ada", "wound")
    assert templates.default_for("ada") == "wound" and templates.default_for("grace") == "soap"
    with pytest.raises(ConfigurationError):
        templates.set_default("ada", "no-such-template")
    with pytest.raises(ConfigurationError, match="built-in"):
        templates.save_custom(builtin_templates()["soap"])
    with pytest.raises(ConfigurationError, match="not a clinic template"):
        templates.delete_custom("soap")
    templates.delete_custom("wound")
    assert templates.default_for("ada") == "soap" and store.template_defaults() == {}


def test_a_template_saved_on_one_machine_is_drafted_with_on_another(tmp_path, database_url, backend):
    """Two data dirs over one database (on SQLite: the same file), as an app server and a worker."""
    if backend == "sqlite":
        database_url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    app = EncounterStore.open(tmp_path / "app", Vault(TEST_KEY), database_url_setting=database_url)
    worker = EncounterStore.open(tmp_path / "worker", Vault(TEST_KEY), database_url_setting=database_url)
    try:
        TemplateRepository(app).save_custom(NoteTemplate(
            "sports", "Sports medicine", builtin_templates()["soap"].sections), by="admin")
        assert TemplateRepository(worker).get("sports").title == "Sports medicine"
    finally:
        app.close()
        worker.close()


def test_an_older_data_dirs_template_files_are_imported_once_then_left_alone(tmp_path, database_url):
    data = tmp_path / "data"
    folder = data / "templates"
    folder.mkdir(parents=True)
    (folder / "sports.toml").write_text(GOOD)
    (folder / "broken.toml").write_text('name = "broken"\n')
    (folder / "defaults.json").write_text('{"ada": "sports"}')
    store = EncounterStore.open(data, Vault(TEST_KEY), database_url_setting=database_url)
    try:
        assert folder.is_dir(), "opening the store moves no files: the import is an explicit call"
        assert sorted(store.import_template_files()) == ["broken", "sports"]
        templates = TemplateRepository(store)
        assert templates.get("sports").title == "Sports medicine" and set(templates.problems()) == {"broken"}
        assert templates.default_for("ada") == "sports"
        assert not folder.exists() and (data / "templates.imported" / "sports.toml").read_text() == GOOD
        assert store.import_template_files() == []  # nothing left to import
        # A second machine's older folder: a name the database already has keeps the database's copy.
        folder.mkdir()
        (folder / "sports.toml").write_text(GOOD.replace("Sports medicine", "Other sports"))
        assert store.import_template_files() == []
        assert templates.get("sports").title == "Sports medicine"
        assert (data / "templates.imported.2" / "sports.toml").exists()
    finally:
        store.close()
