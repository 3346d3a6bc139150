"""The document commands end to end in a subprocess: a real store, the fake EHR over HTTP."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader

from scribe_core.bootstrap import build_services
from scribe_core.model import Encounter, EncounterState
from tests.documents.conftest import make_note, make_transcript
from tests.fakes.fhir_server import FakeEhr, make_key_pair

REPO = Path(__file__).resolve().parents[2]


def _stored_encounter() -> None:
    store = build_services(transcribers={"offline": lambda: None}).store  # type: ignore[dict-item]  # never built
    store.add(Encounter(id="enc-1", created=datetime(2026, 3, 4, 9, 30, tzinfo=UTC), source_name="visit.wav",
                        engine="offline", owner="ada"), io.BytesIO(b"audio"), ".wav")
    store.save_transcript("enc-1", make_transcript())
    store.save_note("enc-1", make_note())
    store.update("enc-1", state=EncounterState.READY)


def cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scribe_core", *args], capture_output=True, text=True, cwd=REPO,
                          env={**os.environ, **env}, timeout=120)


def test_export_sign_versions_and_send_from_the_command_line(tmp_path):
    _stored_encounter()
    fhir, pdf, summary, letter = (tmp_path / n for n in ("note.json", "note.pdf", "summary.json", "letter.txt"))
    assert cli("export", "enc-1", "--fhir", str(fhir)).returncode == 2  # no --patient
    assert cli("export", "enc-1", "--fhir", str(fhir), "--patient", "MRN-1").returncode == 0
    assert Bundle.model_validate(json.loads(fhir.read_text())).entry[0].resource.status == "preliminary"
    assert cli("export", "enc-1", "--pdf", str(pdf)).returncode == 0
    assert "DRAFT - not signed" in PdfReader(pdf).pages[0].extract_text()
    done = cli("export", "enc-1", "--summary", str(summary))
    assert done.returncode == 0 and "Flesch-Kincaid grade" in done.stderr
    assert any(p["sentences"] for p in json.loads(summary.read_text())["parts"])
    assert cli("export", "enc-1", "--letter", "Cardiology", str(letter), "--question", "Angiography?").returncode == 0
    assert "Dear Cardiology colleague," in letter.read_text() and "Angiography?" in letter.read_text()

    refused = cli("send", "enc-1", "--patient", "MRN-1")
    assert refused.returncode == 2 and "SCRIBE_FHIR_BASE_URL" in refused.stderr
    unnamed = cli("sign", "enc-1")
    assert unnamed.returncode == 2 and "unsigned draft" in unnamed.stderr and "--clinician" in unnamed.stderr
    signed = cli("sign", "enc-1", "--clinician", "Dana  Smith, MD")
    assert signed.returncode == 0 and "version 1 by Dana Smith, MD" in signed.stdout
    assert "version 1: final" in cli("versions", "enc-1").stdout

    private, public = make_key_pair(tmp_path / "keys")
    with FakeEhr(public_keys={"scribe": public.read_bytes()}, known_patients={"MRN-1"}) as ehr:
        env = {"SCRIBE_FHIR_BASE_URL": ehr.base_url, "SCRIBE_FHIR_CLIENT_ID": "scribe",
               "SCRIBE_FHIR_PRIVATE_KEY_FILE": str(private)}
        unknown = cli("send", "enc-1", "--patient", "MRN-2", **env)
        assert unknown.returncode == 1 and "Unknown patient" in unknown.stderr and "Nothing was sent" in unknown.stderr
        sent = cli("send", "enc-1", "--patient", "MRN-1", **env)
        assert sent.returncode == 0 and "DocumentReference/1001" in sent.stdout
        assert list(ehr.documents) == ["1001"]
    purged = cli("purge", "enc-1")  # sent: nothing to warn about
    assert purged.returncode == 0
    assert "the copy sent to the EHR (DocumentReference/1001) is kept in the EHR: a purge here does not delete it" \
        in purged.stdout


def test_the_cli_lists_open_items_and_refuses_to_purge_a_signed_note_never_sent(tmp_path):
    _stored_encounter()
    store = build_services(transcribers={"offline": lambda: None}).store  # type: ignore[dict-item]  # never built
    note = make_note()
    note.sections[0].statements[1].text = "Takes amlodipine 20 mg once a day and atorvastatin 40 mg at night."
    store.save_note("enc-1", note)
    listed = cli("sign", "enc-1", "--clinician", "Dana Smith, MD")
    assert listed.returncode == 2 and "unsigned draft" in listed.stderr and "Not backed: Takes amlodipine 20 mg" \
        in listed.stderr
    assert cli("sign", "enc-1", "--clinician", "Dana Smith, MD", "--confirm-open-items").returncode == 0
    refused = cli("purge", "enc-1")
    assert refused.returncode != 0 and "never sent to the EHR" in refused.stderr
    assert cli("purge", "enc-1", "--include-unsent-signed").returncode == 0


def test_the_summary_and_letter_are_signed_by_the_clinician_named_or_say_unsigned_draft(tmp_path):
    _stored_encounter()
    summary, letter = tmp_path / "summary.txt", tmp_path / "letter.txt"
    unnamed = cli("export", "enc-1", "--summary", str(summary))
    assert unnamed.returncode == 0 and "unsigned draft" in unnamed.stderr and "--clinician" in unnamed.stderr
    assert summary.read_text().rstrip().endswith("Unsigned draft: no clinician named yet.")
    assert cli("export", "enc-1", "--letter", "Cardiology", str(letter)).returncode == 0
    assert letter.read_text().rstrip().endswith("Unsigned draft: no clinician named yet.")
    for text in (summary.read_text(), letter.read_text()):
        assert "cli:" not in text and "local" not in text.split()  # a login name never signs a document
    named = cli("export", "enc-1", "--summary", str(summary), "--clinician", "Dana  Smith, MD")
    assert named.returncode == 0 and "signed by Dana Smith, MD" in named.stderr
    assert summary.read_text().rstrip().endswith("Your clinician: Dana Smith, MD")
    signed = cli("export", "enc-1", "--letter", "Cardiology", str(letter), "--clinician", "Dana Smith, MD")
    assert signed.returncode == 0
    assert letter.read_text().rstrip().endswith("Yours sincerely,\n\nDana Smith, MD")
    # Medicines, follow-up and the warning sign come from what was said, with the doses as said.
    text = summary.read_text()
    for line in ("- Change your amlodipine to 10 mg once a day.", "- Start aspirin 75 mg daily.",
                 "- Come back for a follow-up visit in 4 weeks.",
                 "- If you get chest pain at rest or pain lasting more than 15 minutes, call 911."):
        assert line in text
    pdf = tmp_path / "summary.pdf"
    assert cli("export", "enc-1", "--summary", str(pdf), "--clinician", "Dana Smith, MD").returncode == 0
    assert "Your clinician: Dana Smith, MD" in " ".join(page.extract_text() for page in PdfReader(pdf).pages)
