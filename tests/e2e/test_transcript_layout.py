"""The transcript table at 1400 px: every column in view (confidence included) and long utterances wrapped.

A store is seeded with one ready encounter whose transcript has long utterances, then the real app is
opened on it in Chromium. The grid draws on a canvas, so wrapping is checked by the row height the page
asks for (tests/ui/test_helpers.py) and seen in test-artifacts/30-transcript-1400px.png.
"""

from __future__ import annotations

import pytest

from scribe_core.model import Transcript, Utterance

from .app_server import app_with_one_ready_encounter
from .test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, heading

pytestmark = pytest.mark.browser

from playwright.sync_api import expect, sync_playwright  # noqa: E402

LONG = ("I've had this dry cough for about ten days now, it is worse at night and first thing in the morning, "
        "and I get a bit short of breath when I climb the stairs at work, which never used to happen before.")


class LongUtterances:
    name = "fake"
    sends_audio_off_device = True

    def submit(self, audio, request, progress) -> str:  # type: ignore[no-untyped-def]
        return "job-1"

    def wait(self, job_id, audio, request, progress) -> Transcript:  # type: ignore[no-untyped-def]
        roles = ["Doctor", "Patient"]
        return Transcript(utterances=[Utterance(f"U{i}", roles[i % 2], i * 5000, i * 5000 + 4800, f"{LONG} ({i})",
                                                0.5 + i / 40) for i in range(1, 13)], duration_s=65.0)

    def delete(self, job_id):  # type: ignore[no-untyped-def]
        return None


@pytest.fixture(scope="module")
def server(fake_server, tmp_path_factory):
    app = app_with_one_ready_encounter(tmp_path_factory.mktemp("layout"), fake_server,
                                       LongUtterances(), "long-visit.wav")
    app.start()
    yield app
    app.stop()


def test_every_column_fits_and_long_text_wraps_at_1400_px(server):
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{server.url}/transcript?encounter={server.encounter_id}")
        expect(heading(page, "Transcript")).to_be_visible(timeout=30_000)
        table = page.get_by_test_id("stDataFrame").first
        expect(table).to_be_visible(timeout=30_000)
        page.wait_for_timeout(800)  # the grid sizes its columns after the first paint
        page.screenshot(path=str(ARTIFACTS / "30-transcript-1400px.png"), full_page=True)
        # Glide's scroller is wider than its viewport when a column is pushed off-screen.
        overflow = table.locator(".dvn-scroller").first.evaluate("el => el.scrollWidth - el.clientWidth")
        headers = table.locator("[role=columnheader]").all_inner_texts()
        browser.close()
    assert overflow <= 1, f"{overflow}px of columns are off-screen"
    assert any("Confidence" in h for h in headers) and any("Text" in h for h in headers)
