"""End to end, as a new user would: headless Chromium drives the real app against the fake AssemblyAI.

Starts `python -m tests.fakes.assemblyai` and `streamlit run streamlit_app.py` as subprocesses (fresh
data dir), uploads a real 60 s cut of a recorded consultation, waits for the transcript and note,
swaps the roles, reviews a statement, purges, and checks that nothing is left. Saves a screenshot of
every page and the timings to test-artifacts/ (run pytest with -s to see the figures).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from .app_server import AppServer, cut_clip

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
SOURCE_AUDIO = REPO / "assets" / "sample_consultation.mp3"  # RES0091 (Fareez et al. 2022)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not CHROMIUM.exists():
    pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)",
                allow_module_level=True)

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def app_server(fake_server, tmp_path_factory):
    server = AppServer(tmp_path_factory.mktemp("app"), fake_server).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def page():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        yield context.new_page()
        context.close()
        browser.close()


def heading(page: Page, title: str):
    return page.locator("h1").filter(has_text=re.compile(rf"^{re.escape(title)}$"))


def open_from_sidebar(page: Page, title: str, timings: dict) -> None:
    """Click the page's link in the sidebar; record the time until its heading is painted."""
    started = time.perf_counter()
    page.get_by_test_id("stSidebarNav").get_by_role("link").filter(has_text=title).click()
    expect(heading(page, title)).to_be_visible(timeout=15_000)
    timings.setdefault(title, round(time.perf_counter() - started, 3))


def shoot(page: Page, name: str) -> None:
    page.wait_for_timeout(300)  # let fonts and icons settle
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_a_new_user_records_reviews_and_purges_an_encounter(app_server, page, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    clip = cut_clip(SOURCE_AUDIO, tmp_path / "consultation.wav")
    first_paint: dict[str, float] = {}
    fake_state = app_server.fake_state

    # 1. The start page, cold.
    started = time.perf_counter()
    page.goto(app_server.url)
    expect(heading(page, "New encounter")).to_be_visible(timeout=30_000)
    cold_load_s = round(time.perf_counter() - started, 3)
    expect(page.get_by_text("Welcome to the AI medical scribe")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Try the sample consultation"))).to_be_visible()
    shoot(page, "01-new-encounter-first-visit")
    page.get_by_test_id("stSidebar").get_by_text("Settings", exact=True).click()
    expect(page.get_by_test_id("stSidebar").get_by_text("ASSEMBLYAI_API_KEY")).to_be_visible()
    shoot(page, "01b-sidebar-settings")
    page.get_by_test_id("stSidebar").get_by_text("Settings", exact=True).click()

    # 2. Upload a recording with a key term; the app moves to the status page.
    page.locator("[data-testid=stFileUploaderDropzoneInput][accept*=\".wav\"]").set_input_files(str(clip))
    expect(page.get_by_text("consultation.wav")).to_be_visible()
    keyterms = page.get_by_role("textbox", name="Key terms (optional)")
    keyterms.fill("salbutamol")
    keyterms.press("Control+Enter")  # commits a text area's value
    page.get_by_role("button", name=re.compile("Transcribe and draft note")).first.click()
    expect(heading(page, "Encounters")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("consultation.wav").first).to_be_visible()
    shoot(page, "02-encounters-in-progress")

    # 3. Watch the transcript page until the transcript appears; time it against the fake's clock.
    open_from_sidebar(page, "Transcript", first_paint)
    waiting_since = time.time()
    table = page.get_by_test_id("stDataFrame")
    expect(table.first).to_be_visible(timeout=60_000)
    visible_at = time.time()
    [(transcript_id, remote)] = fake_state()["transcripts"].items()
    completed_at = remote["completed_at"]
    assert completed_at, "the fake never completed the transcript"
    transcript_latency_s = round(visible_at - completed_at, 3)
    watched = completed_at > waiting_since
    counts = page.get_by_text(re.compile(r"\d+ of \d+ utterances")).inner_text()
    shown, total = map(int, re.findall(r"\d+", counts)[:2])
    assert shown == total > 3
    shoot(page, "03-transcript")

    # 4. The note becomes ready; its sections are there.
    open_from_sidebar(page, "Encounters", first_paint)
    expect(page.get_by_role("button", name=re.compile("Open note"))).to_be_visible(timeout=60_000)
    shoot(page, "04-encounters-ready")
    page.reload()  # a new session: the encounter and the selection (?encounter=) are still there
    expect(page.get_by_role("button", name=re.compile("Open note"))).to_be_visible(timeout=30_000)
    expect(page.get_by_text("selected", exact=True)).to_be_visible()
    open_from_sidebar(page, "Note", first_paint)
    for section in ("Subjective", "Objective", "Assessment", "Plan"):
        expect(page.locator("h5").filter(has_text=section).first).to_be_visible()
    note_before = page.get_by_test_id("stCode").inner_text()
    shoot(page, "05-note")
    page.get_by_text("Edit the note").click()
    expect(page.get_by_role("button", name=re.compile("Save note"))).to_be_visible()
    shoot(page, "05b-note-editing")
    page.get_by_text("Edit the note").click()

    # 5. Swap the roles: the note is re-drafted from the corrected transcript, by a job (the page only queues it).
    open_from_sidebar(page, "Transcript", first_paint)
    page.get_by_role("button", name=re.compile("Swap Doctor and Patient")).click()
    expect(page.get_by_text(re.compile(r"Roles swapped and the note re-drafted\.|Swapping roles and re-drafting"))
           ).to_be_visible(timeout=30_000)
    shoot(page, "06-transcript-roles-swapped")
    open_from_sidebar(page, "Note", first_paint)
    expect(page.get_by_test_id("stCode")).not_to_have_text(note_before, timeout=60_000)

    # 6. Review: pick a statement; its evidence is highlighted and its audio stretch loaded.
    open_from_sidebar(page, "Review", first_paint)
    expect(page.get_by_test_id("stRadioOption").nth(2)).to_be_visible(timeout=15_000)
    cited = re.findall(r"U\d+", page.get_by_test_id("stRadioCaption").nth(1).inner_text())
    assert cited, "the second statement cites utterances"
    page.get_by_test_id("stRadioOption").nth(1).click()
    expect(page.locator(f'.scribe-utt.hl[data-utterance="{cited[0]}"]')).to_be_visible(timeout=10_000)
    expect(page.locator("audio").first).to_be_attached()
    shoot(page, "07-review")

    # 7. Purge it, with confirmation; then nothing is left, here or at the fake.
    open_from_sidebar(page, "Privacy", first_paint)
    page.get_by_text("Yes, delete this encounter's recording, transcript and note everywhere").click()
    page.get_by_role("button", name=re.compile("Purge encounter")).click()
    expect(page.get_by_text("Purged 1 encounter(s).")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Just deleted")).to_be_visible()
    shoot(page, "08-privacy-purged")
    open_from_sidebar(page, "Encounters", first_paint)
    expect(page.get_by_text("No encounters yet")).to_be_visible(timeout=10_000)
    leftovers = [p for p in (app_server.data_dir / "audio").rglob("*") if p.is_file()]
    leftovers += [p for p in (app_server.data_dir / "tmp").rglob("*") if p.is_file()]
    assert leftovers == []
    state = fake_state()
    assert state["transcripts"][transcript_id]["deleted"]
    assert state["gateway_requests"] and all(r["deleted"] for r in state["gateway_requests"].values())

    timings = {
        "transcript_visible_after_remote_completed_s": transcript_latency_s,
        "transcript_page_was_waiting_when_it_completed": watched,
        "cold_load_start_page_s": cold_load_s,
        "first_paint_s": first_paint,
    }
    (ARTIFACTS / "browser_timings.json").write_text(json.dumps(timings, indent=2))
    print("\nbrowser timings:")
    print(f"  transcript visible {transcript_latency_s:.2f} s after the fake marked it completed (target 2 s)"
          f"{'' if watched else ' (it had completed before the page was watching)'}")
    print(f"  cold load of the start page: {cold_load_s:.2f} s")
    for title, seconds in first_paint.items():
        print(f"  first paint, {title}: {seconds:.2f} s")
    if watched:  # target 2 s; the bound leaves room for a busy 2-core CI machine
        assert transcript_latency_s <= 3.0, f"transcript took {transcript_latency_s} s to show"


def test_a_server_restart_resumes_work_in_flight(fake_server, tmp_path_factory, page, tmp_path):
    """Kill the app mid-transcription; after a restart the same encounter finishes without a new upload."""
    server = AppServer(tmp_path_factory.mktemp("restart"), fake_server).start()
    try:
        clip = cut_clip(SOURCE_AUDIO, tmp_path / "restart.wav", seconds=20)
        uploads_before = server.fake_state()["uploads"]
        page.goto(server.url)
        expect(heading(page, "New encounter")).to_be_visible(timeout=30_000)
        page.locator("[data-testid=stFileUploaderDropzoneInput][accept*=\".wav\"]").set_input_files(str(clip))
        page.get_by_role("button", name=re.compile("Transcribe and draft note")).first.click()
        expect(heading(page, "Encounters")).to_be_visible(timeout=30_000)
        step = page.locator(".stMarkdownBadge", has_text=re.compile("Queued|Processing")).first
        expect(step).to_be_visible(timeout=30_000)
        server.stop(kill=True)
        server.start()
        page.goto(f"{server.url}/status")
        expect(page.get_by_role("button", name=re.compile("Open note"))).to_be_visible(timeout=60_000)
        expect(page.get_by_text("restart.wav")).to_be_visible()
        assert server.fake_state()["uploads"] == uploads_before + 1  # resumed by polling, not re-uploaded
    finally:
        server.stop()
