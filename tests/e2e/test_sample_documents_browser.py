"""The bundled sample's drafted note and its patient documents in a real browser (headless Chromium).

The sample (Fareez RES0091: a runny nose for a week and a half, no cough, fever or night sweats, no regular
medications; the doctor suggests rest, fluids and Tylenol Cold, a covid swab and isolation until the result)
is imported as its human transcript and drafted by the offline writer, the way `note --save` does. The page
must show the chief complaint, pertinent negatives, a medication line, an assessment and a plan holding what
the doctor advised, and a "Possibly missing" list equal to what the omission check computes for the note
as stored (empty only when nothing is missing). Then the after-visit summary: its parts, the doctor's plan,
the plain "nothing was said" lines, an unsigned-draft signature until the clinician names themself, and the
reading grade; and a referral letter whose reason is no small talk. Assertions are on clinical content the
transcript holds, not on the writer's exact sentences.

    .venv/bin/python -m pytest tests/e2e/test_sample_documents_browser.py -q
"""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest

from scribe_core.clinical import parse_transcript_file
from scribe_core.clinical.omission import possibly_missing
from scribe_core.crypto import Vault
from scribe_core.store import EncounterStore
from tests.clinical.conftest import DATA

from .app_server import REPO, AppServer
from .test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, heading, shoot

pytestmark = pytest.mark.browser

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

SAMPLE = DATA / "RES0091.txt"


@pytest.fixture(scope="module")
def sample_app(tmp_path_factory):
    """An app (offline engine, no keys) holding the sample's transcript and its offline-drafted note."""
    app = AppServer(tmp_path_factory.mktemp("sample-documents"), {"FAKE_ASSEMBLYAI_URL": "",
                                                                   "FAKE_LLM_GATEWAY_URL": ""})
    for name in ("ASSEMBLYAI_API_KEY", "ASSEMBLYAI_BASE_URL", "LLM_GATEWAY_BASE_URL"):
        app.env.pop(name, None)
    done = subprocess.run([sys.executable, "-m", "scribe_core", "note", str(SAMPLE), "--save"],
                          cwd=REPO, env=app.env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    app.encounter_id = done.stderr.strip().rsplit(" ", 1)[1]
    app.start()
    yield app
    app.stop()


def stored(app: AppServer):
    store = EncounterStore.open(app.data_dir, Vault(app.env["SCRIBE_ENCRYPTION_KEY"]))
    return store.transcript(app.encounter_id), store.note(app.encounter_id)


def section_text(note, *roles: str) -> str:
    return " ".join(st.text for sec in note.sections if any(r in sec.key for r in roles) for st in sec.statements)


def test_the_samples_note_and_after_visit_summary_in_the_browser(sample_app):
    transcript, note = stored(sample_app)
    # The transcript holds what the assertions below look for (they test the page, not the data).
    said = parse_transcript_file(SAMPLE).text.lower()
    for fact in ("runny nose", "coughing", "fevers or chills", "night sweats", "regular medications",
                 "tylenol cold", "covid swab", "staying isolated"):
        assert fact in said
    missing = [fact.text for fact in possibly_missing(transcript, note)]

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.goto(f"{sample_app.url}/note?encounter={sample_app.encounter_id}")
        expect(heading(page, "Note")).to_be_visible(timeout=30_000)
        main = page.get_by_test_id("stMain")
        for title in ("Subjective", "Objective", "Assessment", "Plan"):
            expect(main.get_by_role("heading", name=title, exact=True)).to_be_visible()
        expect(main.get_by_text("Nothing recorded.", exact=False).first).to_be_visible()  # nothing examined
        shown = settled_text(page, main)
        _the_note_shows_the_visit(note, shown)
        _possibly_missing_is_what_the_omission_check_computes(page, missing)
        shoot(page, "sample-documents-note")
        _the_after_visit_summary_is_built_from_what_was_said(page)
        shoot(page, "sample-documents-summary")
        _the_referral_letter_gives_no_small_talk_as_its_reason(page)
        browser.close()


def settled_text(page: Page, main) -> str:
    """The main area's text once the page has finished rendering it (two reads half a second apart agree):
    Streamlit sends a page's elements as its script runs, so a first read can hold half a note."""
    shown, deadline = "", time.monotonic() + 30
    while time.monotonic() < deadline:
        page.wait_for_timeout(500)
        now = " ".join(main.inner_text().split())
        if now == shown:
            break
        shown = now
    return shown


def _the_note_shows_the_visit(note, shown: str) -> None:
    low = shown.lower()
    # Chief complaint: the runny nose, in the history.
    assert "runny nose" in section_text(note, "subjective", "hpi", "history").lower()
    assert "runny nose" in low
    # Pertinent negatives: what the patient said they do not have, as negatives.
    for negative in ("cough", "fever", "night sweats"):
        assert re.search(rf"\b(?:denies|no|not|without)\b[^.]*\b{negative}", low), negative
    # A medication line: no regular medications, or the over-the-counter medicine the doctor suggested.
    assert re.search(r"\b(?:tylenol|medications?)\b", low)
    # An assessment and a plan, the plan holding what the doctor advised.
    headings = {sec.title for sec in note.sections if sec.statements}
    assert any("assessment" in h.lower() for h in headings) and any("plan" in h.lower() for h in headings)
    plan = section_text(note, "plan", "assessment").lower()
    assert "covid" in plan and re.search(r"\b(?:rest|hydrat\w*|isolat\w*|tylenol)\b", plan)
    for line in ("covid",):
        assert line in low


def _possibly_missing_is_what_the_omission_check_computes(page: Page, missing: list[str]) -> None:
    panel = page.locator(".st-key-note_checks")
    expect(panel.get_by_text("Possibly missing", exact=True)).to_be_visible(timeout=15_000)
    adds = panel.get_by_role("button", name=re.compile(r"^\S*\s*Add$"))
    expect(adds).to_have_count(len(missing))
    listed = " ".join(panel.inner_text().split())  # read once the panel has rendered every item
    for fact in missing:
        assert " ".join(fact.split()) in listed, fact
    covered = panel.get_by_text("The note covers every clinically salient fact found in the conversation.")
    expect(covered).to_have_count(0 if missing else 1)


def _the_after_visit_summary_is_built_from_what_was_said(page: Page) -> None:
    page.get_by_role("tab", name="After-visit summary").click()
    page.get_by_role("button", name=re.compile("Write the after-visit summary")).click()
    area = page.get_by_role("textbox", name=re.compile("After-visit summary"))
    expect(area).to_be_visible(timeout=30_000)
    text = area.input_value()
    for heading_text in ("What to do", "Your medicines", "When to come back", "Get help right away if"):
        assert heading_text in text
    todo = text.split("What to do", 1)[1].split("Your medicines", 1)[0].lower()
    assert "covid swab" in todo and "isolated" in todo and "rest" in todo
    # Nothing was said about these: the parts say so, rather than being blank or invented.
    assert "No time to come back was set at this visit." in text
    assert "No warning signs were talked about at this visit." in text
    assert text.rstrip().endswith("Unsigned draft: no clinician named yet.")  # never "local"
    for defect in ("We want.", "Your clinician doesn't think it does anything.", "but for."):
        assert defect not in text
    expect(page.get_by_text("Reading level (Flesch-Kincaid grade)")).to_be_visible()


def _the_referral_letter_gives_no_small_talk_as_its_reason(page: Page) -> None:
    page.get_by_role("tab", name="Referral letter").click()
    specialty = page.get_by_role("textbox", name="Refer to (specialty)")
    specialty.fill("Infectious disease")
    specialty.press("Enter")
    page.get_by_role("button", name=re.compile("Draft the referral letter")).click()
    area = page.get_by_role("textbox", name=re.compile("Referral letter"))
    expect(area).to_be_visible(timeout=30_000)
    letter = area.input_value()
    assert letter.startswith("Dear Infectious disease colleague,")
    reason = letter.split("Reason for referral", 1)[1].split("History", 1)[0]
    assert "worried" not in reason and "take care" not in reason.lower()
    assert letter.rstrip().endswith("Unsigned draft: no clinician named yet.")
