"""The bundled sample's offline note in a real browser: history with pertinent negatives, an Objective
section (nothing examined: "Nothing recorded"), an Assessment and a Plan, and the omission panel."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.clinical.conftest import DATA
from tests.e2e.app_server import REPO, AppServer
from tests.e2e.test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, heading, shoot

pytestmark = pytest.mark.browser

from playwright.sync_api import expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def sample_app(tmp_path_factory):
    app = AppServer(tmp_path_factory.mktemp("sample-note"), {"FAKE_ASSEMBLYAI_URL": "", "FAKE_LLM_GATEWAY_URL": ""})
    for name in ("ASSEMBLYAI_API_KEY", "ASSEMBLYAI_BASE_URL", "LLM_GATEWAY_BASE_URL"):
        app.env.pop(name, None)
    # The sample's transcript, imported as an encounter with no recording (the CLI's `note --save`).
    done = subprocess.run([sys.executable, "-m", "scribe_core", "note", str(DATA / "RES0091.txt"), "--save"],
                          cwd=REPO, env=app.env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    app.encounter_id = done.stderr.strip().rsplit(" ", 1)[1]
    app.start()
    yield app
    app.stop()


def test_the_sample_note_reads_like_a_clinicians_draft(sample_app):
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.goto(f"{sample_app.url}/note?encounter={sample_app.encounter_id}")
        expect(heading(page, "Note")).to_be_visible(timeout=30_000)
        main = page.get_by_test_id("stMain")
        for title in ("Subjective", "Objective", "Assessment", "Plan"):
            expect(main.get_by_role("heading", name=title, exact=True)).to_be_visible()
        expect(main.get_by_text("runny nose", exact=False).first).to_be_visible()
        denies = main.get_by_text("Denies coughing", exact=False).first
        expect(denies).to_be_visible()
        for negative in ("fevers or chills", "contact with anyone that was sick", "night sweats"):
            expect(denies).to_contain_text(negative)
        expect(main.get_by_text("Nothing recorded.", exact=False).first).to_be_visible()  # no examination
        expect(main.get_by_text("covid swab", exact=False).first).to_be_visible()
        expect(main.get_by_role("heading", name="Possibly missing")).to_be_visible()
        shoot(page, "sample-offline-note")
        browser.close()
