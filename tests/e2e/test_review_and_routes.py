"""A normal visit in the real app in Chromium: Review brings the picked statement's evidence into view, the
transcript grid shows a dozen rows on a 1080-pixel screen, and every page opens by its own URL.

A store is seeded with one ready encounter of 40 utterances of everyday length (a note drafted by the test
writer cites each one), then the app is opened at 1920x1080.
"""

from __future__ import annotations

import pytest

from scribe_core.model import Transcript, Utterance

from .app_server import app_with_one_ready_encounter
from .test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, heading

pytestmark = pytest.mark.browser

from playwright.sync_api import expect, sync_playwright  # noqa: E402

LINES = [
    "What brings you in today?",
    "I've had a dry cough for about ten days, worse at night and first thing in the morning.",
    "Any fever, chills or night sweats with it?",
    "A bit warm the first two days, nothing since, and no sweats that I noticed.",
    "Are you bringing anything up when you cough, any colour to it, or any blood at all?",
    "No, it's dry, just this tickle at the back of my throat that sets it off, especially when I lie down.",
]
LAST = "One more thing: my left ankle still swells by the evening since I started the new tablets last month."
VIEWPORT = {"width": 1920, "height": 1080}


class NormalVisit:
    name = "fake"
    sends_audio_off_device = True

    def submit(self, audio, request, progress) -> str:  # type: ignore[no-untyped-def]
        return "job-1"

    def wait(self, job_id, audio, request, progress) -> Transcript:  # type: ignore[no-untyped-def]
        roles = ["Doctor", "Patient"]
        texts = [LINES[i % len(LINES)] for i in range(39)] + [LAST]
        return Transcript(utterances=[Utterance(f"U{i + 1}", roles[i % 2], i * 6000, i * 6000 + 5500, text, 0.9)
                                      for i, text in enumerate(texts)], duration_s=240.0)

    def delete(self, job_id):  # type: ignore[no-untyped-def]
        return None


@pytest.fixture(scope="module")
def server(fake_server, tmp_path_factory):
    app = app_with_one_ready_encounter(tmp_path_factory.mktemp("review"), fake_server,
                                       NormalVisit(), "normal-visit.wav")
    app.start()
    yield app
    app.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _in_view(locator) -> bool:  # type: ignore[no-untyped-def]
    """Inside the window and inside every scroll box around it."""
    return locator.evaluate("""el => {
        const r = el.getBoundingClientRect();
        if (r.top < 0 || r.bottom > window.innerHeight) return false;
        for (let box = el.parentElement; box; box = box.parentElement) {
            if (!/(auto|scroll)/.test(getComputedStyle(box).overflowY)) continue;
            const b = box.getBoundingClientRect();
            if (r.top < b.top - 1 || r.bottom > b.bottom + 1) return false;
        }
        return true;
    }""")


def test_picking_a_statement_brings_its_first_evidence_utterance_into_view(server, browser):
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(f"{server.url}/review?encounter={server.encounter_id}")
    expect(heading(page, "Review")).to_be_visible(timeout=30_000)
    last = page.locator('.scribe-utt[data-utterance="U40"]')
    expect(last).to_be_attached(timeout=30_000)
    assert not _in_view(last)  # the fortieth utterance starts far below the transcript box's fold
    page.get_by_text(LAST).first.click()  # the note statement drafted from it
    expect(page.locator('.scribe-utt.hl[data-utterance="U40"]')).to_be_attached(timeout=30_000)
    page.wait_for_function("""() => {
        const el = document.querySelector('.scribe-utt.hl[data-utterance="U40"]');
        if (!el) return false;
        const r = el.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= window.innerHeight;
    }""", timeout=15_000)
    page.wait_for_timeout(300)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "31-review-evidence-in-view.png"))
    assert _in_view(page.locator('.scribe-utt.hl[data-utterance="U40"]'))
    page.close()


def test_the_transcript_grid_shows_at_least_twelve_rows_of_a_visit_at_1080_px(server, browser):
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(f"{server.url}/transcript?encounter={server.encounter_id}")
    expect(heading(page, "Transcript")).to_be_visible(timeout=30_000)
    table = page.get_by_test_id("stDataFrame").first
    expect(table).to_be_visible(timeout=30_000)
    page.wait_for_timeout(800)  # the grid sizes its rows after the first paint
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "32-transcript-1080px.png"))
    # Glide draws on a canvas: its scroller is as tall as the header plus every row, so the row height
    # is measured from it, and the rows in view are what of the grid lies inside the window.
    scroller = table.locator(".dvn-scroller").first
    content_px = scroller.evaluate("el => el.scrollHeight")
    box = table.bounding_box()
    header_px = 36
    row_px = (content_px - header_px) / 40
    visible_px = min(box["y"] + box["height"], VIEWPORT["height"]) - max(box["y"], 0) - header_px
    rows_in_view = visible_px / row_px
    assert rows_in_view >= 12, f"{rows_in_view:.1f} rows in view (rows {row_px:.0f} px, grid top {box['y']:.0f})"
    # Selecting a row (its checkbox, first column) shows its full text beside the grid.
    page.mouse.click(box["x"] + 12, box["y"] + header_px + row_px * 5.5)  # the sixth row, U6
    expect(page.get_by_test_id("stText").filter(has_text=LINES[5])).to_be_visible(timeout=15_000)
    page.close()


@pytest.mark.parametrize(("path", "title"), [
    ("record", "New encounter"), ("live", "Live visit"), ("status", "Encounters"), ("transcript", "Transcript"),
    ("note", "Note"), ("review", "Review"), ("privacy", "Privacy"), ("templates", "Templates"),
])
def test_every_page_opens_by_its_own_url(server, browser, path, title):
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(f"{server.url}/{path}")
    expect(heading(page, title)).to_be_visible(timeout=30_000)
    page.wait_for_timeout(500)
    assert page.get_by_text("Page not found").count() == 0
    page.close()


@pytest.mark.parametrize(("path", "title"), [("", "New encounter"), ("status", "Encounters"), ("live", "Live visit")])
def test_an_unknown_encounter_in_the_address_is_said_on_pages_that_show_no_encounter(server, browser, path, title):
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(f"{server.url}/{path}?encounter=E-no-such-visit")
    expect(heading(page, title)).to_be_visible(timeout=30_000)
    expect(page.get_by_text("No encounter with this id.")).to_be_visible(timeout=15_000)
    page.close()
