"""In headless Chromium, as a new user would: name the patient at intake, sign a note with an open flag (the
confirmation is shown first), read the PDF's provenance line, see the list mark the visit signed, and get the
purge warning for a signed note never sent to the EHR. Real app (`streamlit run`), real browser."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest

from .app_server import AppServer
from .test_browser import CHROMIUM, CHROMIUM_ARGS, heading, open_from_sidebar

pytestmark = pytest.mark.browser

from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

# An invented consultation, imported as a transcript: drafted on this machine, nothing to wait for.
TRANSCRIPT = """Doctor: Hello, what brings you in today?
Patient: I have had a sore throat and a fever for four days.
Doctor: Your temperature is 38.4 and your tonsils are swollen with exudate.
Doctor: I think this is most likely strep pharyngitis, a bacterial infection.
Doctor: Take amoxicillin 500 mg three times a day for ten days.
Patient: Okay, thank you.
"""


@pytest.fixture(scope="module")
def app_server(fake_server, tmp_path_factory):
    server = AppServer(tmp_path_factory.mktemp("patient"), fake_server).start()
    yield server
    server.stop()


def test_a_patient_is_named_signed_for_with_confirmation_and_warned_about_before_purge(app_server, tmp_path):
    visit = tmp_path / "visit.txt"
    visit.write_text(TRANSCRIPT)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
        page = context.new_page()
        timings: dict[str, float] = {}
        try:
            _walk(page, app_server, visit, tmp_path, timings)
        finally:
            context.close()
            browser.close()


def button(page, name: str):
    """The one button of that name, once a re-run has replaced the previous run's elements."""
    found = page.get_by_role("button", name=re.compile(re.escape(name)))
    expect(found).to_have_count(1, timeout=15_000)
    return found


def click(page, name: str) -> None:
    """Click the one button of that name. While Streamlit re-runs a page (after Enter in a text box, say) the
    previous run's tabs can stand beside the new ones for a moment, so the one button seen now can be two when
    the click comes: nothing was clicked then, and the click is tried again once the re-run has settled."""
    deadline = time.monotonic() + 15
    while True:
        try:
            button(page, name).click(timeout=5_000)
            return
        except PlaywrightError as err:
            if "strict mode violation" not in str(err) or time.monotonic() > deadline:
                raise
            page.wait_for_timeout(300)


def click_until(page, name: str, shown) -> None:  # type: ignore[no-untyped-def]
    """Click the button and wait for what it shows. A click that lands while a re-run replaces the page is
    lost (the button still stands, nothing happened): it is clicked again, at most twice. A click that took
    leaves no button to click again, so nothing is done twice."""
    for attempt in range(3):
        click(page, name)
        try:
            expect(shown).to_be_visible(timeout=15_000)
            return
        except AssertionError:
            if attempt == 2 or page.get_by_role("button", name=re.compile(re.escape(name))).count() == 0:
                raise


def _choose_file(page, path: Path) -> None:
    """Give the transcript uploader the file. The re-run that Enter in the MRN box started can still be
    rendering the page: a file given then is kept by the input but never taken up (nothing uploads, no name
    shows), and a tab chosen then can be shown unselected again when the re-run ends. So the tab is chosen
    again if it is not selected, and the file given again (the input emptied first) if its name does not show,
    at most twice: what a person would do."""
    tab = page.get_by_role("tab", name="Import a transcript")
    chooser = page.locator("[data-testid=stFileUploaderDropzoneInput][accept*=\".txt\"]")
    for attempt in range(3):
        if tab.get_attribute("aria-selected") != "true":
            tab.click()
        if attempt == 0:
            chooser.set_input_files(str(path))
        elif not page.get_by_text(path.name).is_visible():
            chooser.set_input_files([])
            page.wait_for_timeout(500)
            chooser.set_input_files(str(path))
        try:
            expect(page.get_by_text(path.name)).to_be_visible(timeout=8_000)
            return
        except AssertionError:
            if attempt == 2:
                raise


def _walk(page, app_server: AppServer, visit: Path, tmp_path: Path, timings: dict) -> None:
    # 1. Intake: the patient's name and record number, then import the transcript.
    page.goto(app_server.url)
    expect(heading(page, "New encounter")).to_be_visible(timeout=30_000)
    page.get_by_role("textbox", name="Patient name (optional)").fill("Ana Diaz")
    mrn = page.get_by_role("textbox", name="Record number / MRN (optional)")
    mrn.fill("4471902")
    mrn.press("Enter")
    page.get_by_role("tab", name="Import a transcript").click()
    _choose_file(page, visit)
    page.get_by_role("button", name=re.compile("Import and draft note")).click()
    expect(heading(page, "Note")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Patient: Ana Diaz · MRN 4471902")).to_be_visible()

    # 2. The clinician changes the dose in a drafted line: it keeps its citation, which no longer backs it.
    page.get_by_text("Edit the note").click()
    # The dose may stand in more than one section (the plan and the medication list): the first is edited.
    expect(page.locator("textarea").filter(has_text="amoxicillin 500 mg").first).to_be_visible(timeout=15_000)
    expect(button(page, "Save note")).to_be_visible()
    areas = page.locator("textarea")
    area = next(areas.nth(i) for i in range(areas.count()) if "amoxicillin 500 mg" in areas.nth(i).input_value())
    area.fill(area.input_value().replace("500 mg", "875 mg"))
    area.press("Control+Enter")
    click(page, "Save note")
    expect(page.get_by_text("Note saved.")).to_be_visible(timeout=15_000)

    # 3. Sign: the single-user install asks once for the signer's name, then the open items are listed first.
    page.get_by_role("textbox", name="Your name").fill("Dana Smith")
    credentials = page.get_by_role("textbox", name="Credentials")
    credentials.fill("MD")
    credentials.press("Enter")
    click(page, "Save my signature")
    expect(page.get_by_text("You sign as")).to_be_visible(timeout=15_000)
    click_until(page, "Sign as final", page.get_by_text(re.compile(r"Before you sign: \d+ open item")))
    expect(page.get_by_text(re.compile("amoxicillin 875 mg")).last).to_be_visible()
    click_until(page, "Confirm and sign", page.get_by_text("Signed: version 1, as Dana Smith, MD."))

    # 4. The PDF says which lines the clinician changed, and who signed.
    page.get_by_role("tab", name="Export").click()
    with page.expect_download() as download:
        click(page, "Download note PDF")
    pdf = tmp_path / "note.pdf"
    download.value.save_as(pdf)
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert re.search(r"\d+ lines? drafted from cited utterances, 1 edited by the clinician\.", text), text[:400]
    assert "signed by Dana Smith, MD" in text

    # 5. The list names the patient and marks the note signed.
    open_from_sidebar(page, "Encounters", timings)
    card = page.locator("[class*=st-key-status_card_]").first
    expect(card.get_by_text("Ana Diaz · MRN 4471902")).to_be_visible(timeout=15_000)
    expect(card.get_by_text("Signed", exact=True)).to_be_visible()

    # 6. Purging warns that the signed note was never sent to the EHR.
    open_from_sidebar(page, "Privacy", timings)
    expect(page.get_by_text(re.compile("signed but was never sent to the EHR"))).to_be_visible(timeout=15_000)
    page.get_by_text(re.compile("including the signed note that was never sent")).click()
    click(page, "Purge encounter")
    expect(page.get_by_text("Purged 1 encounter(s).")).to_be_visible(timeout=30_000)
