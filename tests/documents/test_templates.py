"""Built-in templates with valid LOINC codes, clinic TOML checked line by line, the CLI (the repository over the
database is tested in tests/storage/test_clinic_templates.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scribe_core.documents.templates import (
    TemplateError,
    builtin_templates,
    parse_template,
    template_to_toml,
)
from scribe_core.loinc import SECTION_ROLES, check_digit, loinc_problem

REPO = Path(__file__).resolve().parents[2]
SPECIALTIES = {"cardiology_followup", "pediatrics", "behavioral_dap", "behavioral_birp", "musculoskeletal",
               "dermatology"}

GOOD = """\
name = "sports"
title = "Sports medicine"
document_loinc = "11506-3"

[[sections]]
key = "injury"
title = "Injury"
instructions = "How and when it happened."
loinc = "10164-2"
required = true

[[sections]]
key = "return_to_play"
title = "Return to play"
instructions = "When and how the athlete may return."
role = "plan"
"""


def test_loinc_check_digits_follow_the_mod10_rule():
    assert check_digit("11506") == 3 and check_digit("34117") == 2 and check_digit("10164") == 2
    assert loinc_problem("11506-3") is None
    assert "check digit" in loinc_problem("11506-4")
    assert "not a LOINC code" in loinc_problem("SOAP")


def test_the_library_has_the_general_notes_and_five_specialties_all_with_valid_codes():
    templates = builtin_templates()
    assert {"soap", "apso", "history_physical", "progress", "hpi"} <= set(templates)
    assert set(templates) >= SPECIALTIES
    assert templates["history_physical"].loinc == "34117-2"
    assert templates["cardiology_followup"].loinc == "34124-8"
    for t in templates.values():
        assert loinc_problem(t.loinc) is None, t.name
        assert any(s.required for s in t.sections), t.name
        for s in t.sections:
            assert s.guidance and s.title
            assert s.loinc is None or loinc_problem(s.loinc) is None, (t.name, s.key)
            assert s.role or s.loinc in SECTION_ROLES, (t.name, s.key)


def test_builtins_keep_the_keys_of_the_existing_templates():
    """Stored encounters say "soap", "apso" or "hpi": the library must mean the same sections."""
    from scribe_core.documents.templates import builtin_templates
    TEMPLATES = builtin_templates()

    for name in ("soap", "apso", "hpi"):
        assert [s.key for s in builtin_templates()[name].sections] == [s.key for s in TEMPLATES[name].sections]


def test_a_valid_clinic_file_parses_with_its_order_codes_and_required_flags():
    t = parse_template(GOOD, "sports.toml")
    assert [s.key for s in t.sections] == ["injury", "return_to_play"]
    assert t.sections[0].loinc == "10164-2" and t.sections[0].required
    assert t.sections[1].role == "plan" and not t.sections[1].required


def test_every_problem_is_reported_with_its_line():
    bad = GOOD.replace('loinc = "10164-2"', 'loinc = "10164-3"').replace('role = "plan"', 'role = "later"')
    bad = bad.replace('title = "Injury"\n', "") + '\n[[sections]]\nkey = "injury"\ntitle = "Again"\nnotes = 1\n'
    with pytest.raises(TemplateError) as caught:
        parse_template(bad, "sports.toml")
    found = {(p.line, p.message.split(":")[0]) for p in caught.value.problems}
    lines = bad.splitlines()

    def line_of(text: str, nth: int = 0) -> int:
        return [i for i, line in enumerate(lines, start=1) if line.startswith(text)][nth]

    assert (line_of('loinc = "10164-3"'), "section 1") in found
    assert (line_of("[[sections]]"), "section 1") in found  # the missing title: the section's header line
    assert (line_of('role = "later"'), "section 2") in found
    assert (line_of('key = "injury"', 1), "section 3") in found  # duplicate key
    assert (line_of("notes = 1"), "section 3") in found  # unknown field
    assert "sports.toml, line" in str(caught.value)


def test_a_toml_syntax_error_names_its_line():
    with pytest.raises(TemplateError) as caught:
        parse_template('name = "x"\ntitle = "X"\n[[sections]\nkey = "a"\n', "x.toml")
    assert caught.value.problems[0].line == 3
    assert "not valid TOML" in caught.value.problems[0].message


def test_builtins_survive_a_round_trip_through_toml():
    for t in builtin_templates().values():
        assert parse_template(template_to_toml(t), t.name) == t


def _cli(*args: str, env_dir: Path) -> subprocess.CompletedProcess:
    import os

    env = {**os.environ, "SCRIBE_DATA_DIR": str(env_dir)}
    return subprocess.run([sys.executable, "-m", "scribe_core", *args], capture_output=True, text=True, cwd=REPO,
                          env=env, timeout=60)


def test_cli_lists_shows_and_checks_templates(tmp_path):
    listed = _cli("templates", "list", env_dir=tmp_path)
    assert listed.returncode == 0 and "cardiology_followup" in listed.stdout and "34124-8" in listed.stdout
    shown = _cli("templates", "show", "dermatology", env_dir=tmp_path)
    assert shown.returncode == 0 and "Skin examination" in shown.stdout and "LOINC 29545-1" in shown.stdout
    good, bad = tmp_path / "good.toml", tmp_path / "bad.toml"
    good.write_text(GOOD)
    bad.write_text(GOOD.replace('"10164-2"', '"10164-9"'))
    assert _cli("templates", "check", str(good), env_dir=tmp_path).returncode == 0
    checked = _cli("templates", "check", str(bad), env_dir=tmp_path)
    assert checked.returncode == 1 and f"{bad}, line 9: section 1:" in checked.stderr
    assert _cli("templates", "show", "nope", env_dir=tmp_path).returncode == 2
    assert _cli("templates", "add", str(bad), env_dir=tmp_path).returncode == 1
    added = _cli("templates", "add", str(good), env_dir=tmp_path)
    assert added.returncode == 0 and "sports: saved as a clinic template" in added.stdout
    listed = _cli("templates", "list", env_dir=tmp_path)
    assert "sports" in listed.stdout and "clinic" in listed.stdout


def test_titles_and_instructions_over_their_limits_are_refused_with_the_limit_named():
    from scribe_core.documents.templates.validate import MAX_INSTRUCTIONS, MAX_SECTION_TITLE, MAX_TITLE
    assert (MAX_TITLE, MAX_SECTION_TITLE, MAX_INSTRUCTIONS) == (80, 120, 2000)
    at_limit = GOOD.replace('"Sports medicine"', '"' + "S" * 80 + '"').replace(
        'title = "Injury"', 'title = "' + "I" * 120 + '"').replace(
        '"How and when it happened."', '"' + "h" * 2000 + '"')
    assert parse_template(at_limit).title == "S" * 80
    too_long = GOOD.replace('"Sports medicine"', '"' + "S" * 81 + '"').replace(
        'title = "Injury"', 'title = "' + "I" * 121 + '"').replace(
        '"How and when it happened."', '"' + "h" * 2001 + '"')
    with pytest.raises(TemplateError) as err:
        parse_template(too_long)
    found = {(p.line, p.message) for p in err.value.problems}
    assert found == {(2, "'title' is 81 characters long; keep it to 80 or fewer"),
                     (7, "section 1: 'title' is 121 characters long; keep it to 120 or fewer"),
                     (8, "section 1: 'instructions' is 2001 characters long; keep it to 2000 or fewer")}


def test_cli_check_applies_the_length_limits(tmp_path):
    long_file = tmp_path / "long.toml"
    long_file.write_text(GOOD.replace('"How and when it happened."', '"' + "h" * 2001 + '"'))
    checked = _cli("templates", "check", str(long_file), env_dir=tmp_path)
    assert checked.returncode == 1
    assert f"{long_file}, line 8: section 1: 'instructions' is 2001 characters long" in checked.stderr
