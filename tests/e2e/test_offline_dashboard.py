"""With no API key the dashboard runs a whole encounter on the offline engine, in a real browser."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from .app_server import AppServer, cut_clip
from .test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, SOURCE_AUDIO, heading, shoot

pytestmark = pytest.mark.browser

from playwright.sync_api import expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def offline_app(tmp_path_factory):
    app = AppServer(tmp_path_factory.mktemp("offline"), {"FAKE_ASSEMBLYAI_URL": "", "FAKE_LLM_GATEWAY_URL": ""})
    for name in ("ASSEMBLYAI_API_KEY", "ASSEMBLYAI_BASE_URL", "LLM_GATEWAY_BASE_URL"):
        app.env.pop(name, None)
    app.start()
    yield app
    app.stop()


def test_an_offline_encounter_runs_from_upload_to_an_extractive_note(offline_app, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    clip = cut_clip(SOURCE_AUDIO, tmp_path / "offline-visit.wav", seconds=45)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        # The clinic's browser is in New York, the server in UTC: times show in the clinic's zone, named.
        page = browser.new_page(viewport={"width": 1440, "height": 1000}, timezone_id="America/New_York")
        requested: list[str] = []
        page.context.on("request", lambda request: requested.append(request.url))
        page.goto(offline_app.url)
        expect(heading(page, "New encounter")).to_be_visible(timeout=30_000)
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text("Audio stays on this machine")).to_be_visible()
        expect(sidebar.get_by_text("Text stays on this machine")).to_be_visible()

        page.locator("[data-testid=stFileUploaderDropzoneInput][accept*=\".wav\"]").set_input_files(str(clip))
        expect(page.get_by_text("offline-visit.wav")).to_be_visible()
        page.get_by_role("button", name=re.compile("Transcribe and draft note")).first.click()
        expect(heading(page, "Encounters")).to_be_visible(timeout=30_000)
        # An offline job says how long it still needs, from this machine's measured speed.
        expect(page.get_by_text(re.compile(r"(About \d+ min left|Under a minute left|Almost done)"))).to_be_visible(
            timeout=30_000)
        expect(page.get_by_text(re.compile(r"\d\d \w{3} \d{4}, \d\d:\d\d E[SD]T · ")).first).to_be_visible()
        # The bar spans the whole job and moves as it goes (it stayed empty while a step had no fraction).
        page.wait_for_function("""() => [...document.querySelectorAll('[data-testid=stProgress] [role=progressbar]')]
            .some(bar => Number(bar.getAttribute('aria-valuenow')) > 0)""", timeout=240_000)
        # Model loading (first use in this server) plus ~45 s of audio on 2 cores.
        expect(page.get_by_role("button", name=re.compile("Open note"))).to_be_visible(timeout=240_000)
        page.get_by_role("button", name=re.compile("Open note")).click()
        expect(heading(page, "Note")).to_be_visible(timeout=30_000)
        expect(page.get_by_text("Drafted without a language model — every line comes from the transcript")
               ).to_be_visible(timeout=15_000)
        expect(page.locator("h5").filter(has_text="Subjective").first).to_be_visible()
        shoot(page, "20-offline-note")
        page.get_by_test_id("stSidebarNav").get_by_role("link").filter(has_text="Transcript").click()
        expect(heading(page, "Transcript")).to_be_visible(timeout=30_000)
        expect(page.get_by_text(re.compile(r"\d+ of \d+ utterances"))).to_be_visible(timeout=30_000)
        shoot(page, "21-offline-transcript")
        browser.close()
    # Offline means the browser too: no icon, font or script fetched from anywhere but this server.
    elsewhere = {urlsplit(url).netloc for url in requested if urlsplit(url).scheme in ("http", "https", "ws", "wss")}
    assert elsewhere == {urlsplit(offline_app.url).netloc}, elsewhere
