"""A long transcript import is drafted by a job, not inside the page's run: the New encounter page returns
at once, and another tab's Encounters page keeps loading quickly while the draft runs (in the app's
worker process, at a lower CPU priority). Real headless Chromium against `streamlit run` on the offline
engine. The bound is 2 s, or twice the same run's baseline with no job running where this machine is too
slow for 2 s even at rest (a shared 2-core CI box): the figures are printed either way."""

from __future__ import annotations

import re
import time

import pytest

from .app_server import AppServer
from .test_browser import CHROMIUM, CHROMIUM_ARGS, heading

pytestmark = pytest.mark.browser

from playwright.sync_api import expect, sync_playwright  # noqa: E402

LINES = 4_000
BOUND_S = 2.0
BASELINE_FACTOR = 2.0  # where the page takes over 1 s at rest, this machine cannot show the 2 s bound


@pytest.fixture(scope="module")
def offline_app(tmp_path_factory):
    app = AppServer(tmp_path_factory.mktemp("import"), {"FAKE_ASSEMBLYAI_URL": "", "FAKE_LLM_GATEWAY_URL": ""})
    for name in ("ASSEMBLYAI_API_KEY", "ASSEMBLYAI_BASE_URL", "LLM_GATEWAY_BASE_URL"):
        app.env.pop(name, None)
    app.start()
    yield app
    app.stop()


def test_a_4000_line_import_is_drafted_while_another_tab_s_encounters_page_loads_quickly(offline_app, tmp_path):
    transcript = tmp_path / "long-visit.txt"
    transcript.write_text("\n".join(
        f"{'Doctor' if n % 2 else 'Patient'}: I take {n % 90 + 10} mg of lisinopril every day, visit line {n}."
        for n in range(LINES)))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        baseline_s = encounters_load_s(browser, offline_app.url, None)  # the same page with no job running
        importing = browser.new_page(viewport={"width": 1440, "height": 1000})
        importing.goto(offline_app.url)
        expect(heading(importing, "New encounter")).to_be_visible(timeout=30_000)
        importing.get_by_role("tab", name="Import a transcript").click()
        importing.locator("[data-testid=stFileUploaderDropzoneInput][accept*=\".txt\"]").set_input_files(
            str(transcript))
        expect(importing.get_by_text("long-visit.txt")).to_be_visible()
        importing.get_by_role("button", name=re.compile("Import and draft note")).click()
        expect(heading(importing, "Note")).to_be_visible(timeout=30_000)

        loaded_s = encounters_load_s(browser, offline_app.url, "long-visit.txt")
        drafting = importing.locator("h5").filter(has_text="Subjective").count() == 0

        # The Note page follows the job and shows the note by itself once it is drafted.
        expect(importing.locator("h5").filter(has_text="Subjective").first).to_be_visible(timeout=120_000)
        importing.close()
        after_s = encounters_load_s(browser, offline_app.url, "long-visit.txt")  # no job running again
        browser.close()
    print(f"Encounters page in a new tab: {loaded_s:.2f} s while the {LINES}-line import was "
          f"{'drafting' if drafting else 'already drafted'}; with no job running {baseline_s:.2f} s before, "
          f"{after_s:.2f} s after")
    # The machine's other load varies over the run: the slower of the two figures with no job is the baseline.
    bound_s = max(BOUND_S, BASELINE_FACTOR * max(baseline_s, after_s))
    assert drafting, "the draft finished before the other tab loaded: the test measured nothing"
    assert loaded_s < bound_s, f"the Encounters page took {loaded_s:.2f} s (baseline {baseline_s:.2f} s)"


def encounters_load_s(browser, url: str, expected: str | None) -> float:
    """Seconds from opening the Encounters page in a new tab to its list (or `expected`) being shown."""
    other = browser.new_page(viewport={"width": 1440, "height": 1000})
    started = time.monotonic()
    other.goto(f"{url}/status")
    expect(heading(other, "Encounters")).to_be_visible(timeout=60_000)
    if expected:
        expect(other.get_by_text(expected).first).to_be_visible(timeout=60_000)
    loaded = time.monotonic() - started
    other.close()
    return loaded
