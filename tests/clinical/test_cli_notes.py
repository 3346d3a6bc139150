"""`python -m scribe_core note` and `check`: notes from transcript files, with no audio."""

from __future__ import annotations

import json

from scribe_core.cli import main
from tests.clinical.conftest import DATA, VISIT


def _visit_file(tmp_path):
    path = tmp_path / "visit.txt"
    path.write_text(VISIT)
    return path


def test_note_prints_markdown_with_citations_and_no_examination_line(capsys):
    assert main(["note", str(DATA / "RES0091.txt")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# SOAP note\n_Drafted offline, without a language model")
    assert "## Objective\n- No examination documented." in out
    assert "Denies coughing" in out and "[U9, U10" in out


def test_note_json_has_utterances_note_and_possibly_missing(tmp_path, capsys):
    assert main(["note", str(_visit_file(tmp_path)), "--template", "aci", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["utterances"][0] == {"id": "U1", "role": "Doctor", "text": "hi , martha . how are you ?"}
    assert data["note"]["template"] == "aci"
    assert [s["key"] for s in data["note"]["sections"]] == ["cc", "hpi", "ros", "exam", "results", "assessment_plan"]
    statement = data["note"]["sections"][2]["statements"][0]
    assert set(statement) == {"text", "evidence", "unsupported"} and statement["evidence"]
    assert data["possibly_missing"] == []


def test_nothing_is_stored_without_save_and_an_encounter_with_save(tmp_path, capsys, clean_scribe_env):
    path = _visit_file(tmp_path)
    assert main(["note", str(path)]) == 0
    assert not clean_scribe_env.exists()  # no store was even opened
    capsys.readouterr()
    assert main(["list"]) == 0
    assert capsys.readouterr().out.strip() == ""
    assert main(["note", str(path), "--save"]) == 0
    saved = capsys.readouterr().err.strip().rsplit(" ", 1)[1]
    assert main(["show", saved, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["state"] == "ready" and shown["engine"] == "import" and shown["source_name"] == "visit.txt"
    assert len(shown["utterances"]) == 15 and shown["note"]["writer"] == "extractive"


def test_redact_replaces_names_before_drafting(tmp_path, capsys):
    path = tmp_path / "named.txt"
    path.write_text("Doctor: Hello Mrs. Jennifer Alvarez, what brings you in today?\n"
                    "Patient: I've had a bad cough for three days.\nDoctor: Any fever?\nPatient: No.\n")
    assert main(["note", str(path), "--json", "--redact"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "Alvarez" not in json.dumps(data)
    assert "[" in data["utterances"][0]["text"]


def test_a_malformed_transcript_is_refused_naming_the_line(tmp_path, capsys):
    path = tmp_path / "bad.txt"
    path.write_text("just some words\nDoctor: Hi.\n")
    assert main(["note", str(path)]) == 2
    assert "Line 1: no speaker" in capsys.readouterr().err


def test_check_lists_missing_facts_and_flags_with_utterance_ids(tmp_path, capsys):
    transcript = _visit_file(tmp_path)
    note = {"template": "soap", "sections": [
        {"key": "subjective", "title": "Subjective", "statements": [
            {"text": "Takes lisinopril 10 mg daily.", "evidence": ["U9", "U10"]},
            {"text": "Reports chest pain.", "evidence": ["U5", "U6"]}]}]}
    note_path = tmp_path / "note.json"
    note_path.write_text(json.dumps({"note": note}))
    assert main(["check", str(transcript), str(note_path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert {f["text"]: f["reasons"] for f in data["flagged"]} == {
        "Takes lisinopril 10 mg daily.": ["the number '10' is not in the cited utterances"],
        "Reports chest pain.": ["the patient answered no about 'chest pain', but the statement does not say so"]}
    assert {"text": "Denies chest pain.", "evidence": ["U5", "U6"], "section": "ros"} in data["possibly_missing"]
    assert main(["check", str(transcript), str(note_path)]) == 1
    assert "- [subjective] Takes lisinopril 10 mg daily. [U9, U10]: the number '10'" in capsys.readouterr().out


def test_check_refuses_a_note_that_is_not_a_note(tmp_path, capsys):
    transcript = _visit_file(tmp_path)
    bad = tmp_path / "note.json"
    bad.write_text('{"sections": [{"key": "s", "statements": [{"evidence": []}]}]}')
    assert main(["check", str(transcript), str(bad)]) == 2
    assert "sections[0].statements[0] needs a 'text' string" in capsys.readouterr().err
