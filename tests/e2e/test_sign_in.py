"""Sign-in in a real browser: wrong password refused, own encounters only, admin audit log, idle expiry.

(AppTest cannot drive this: after a run that stops at the door, its next run skips the router.)
"""

from __future__ import annotations

import io
import re
import time

import pytest

from scribe_core.access import Viewer
from scribe_core.accounts import Accounts, User
from scribe_core.crypto import Vault
from scribe_core.store import EncounterStore
from scribe_core.usecases import Scribe

from .app_server import AppServer
from .test_browser import CHROMIUM, CHROMIUM_ARGS, heading

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def server(fake_server, tmp_path_factory):
    app = AppServer(tmp_path_factory.mktemp("signin"), fake_server)
    app.env["SCRIBE_SESSION_IDLE_MINUTES"] = "0.1"  # 6 s, so the test can watch a session expire
    store = EncounterStore.open(app.data_dir, Vault(app.env["SCRIBE_ENCRYPTION_KEY"]))
    accounts = Accounts(store)
    accounts.add("alice", PASSWORD, "clinician")
    accounts.add("root", PASSWORD, "admin")
    from tests.ui.fakes import wav_bytes

    scribe = Scribe(store=store, transcribers={"assemblyai": None}, writer_for_engine=None,  # type: ignore[arg-type]
                    default_engine="assemblyai")
    alice, bob = Viewer(User("alice", "clinician")), Viewer(User("bob", "clinician"))
    app.alice_id = scribe.submit(io.BytesIO(wav_bytes()), "alices-patient.wav", by=alice).id
    app.bob_id = scribe.submit(io.BytesIO(wav_bytes()), "bobs-patient.wav", by=bob).id
    app.start()
    yield app
    app.stop()


@pytest.fixture
def page():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser.new_page(viewport={"width": 1280, "height": 900})
        browser.close()


def sign_in(page: Page, url: str, username: str, password: str) -> None:
    page.goto(url)
    expect(heading(page, "Sign in")).to_be_visible(timeout=30_000)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def go(page: Page, title: str) -> None:
    """Move within the signed-in session (a full reload starts a new session: sign in again)."""
    page.get_by_test_id("stSidebarNav").get_by_role("link").filter(has_text=title).click()


def test_wrong_password_is_refused_and_nothing_behind_the_door_shows(server, page):
    sign_in(page, server.url, "alice", "wrong password!!")
    expect(page.get_by_text("Wrong username or password.")).to_be_visible(timeout=15_000)
    expect(heading(page, "Sign in")).to_be_visible()
    assert page.get_by_test_id("stSidebarNav").count() == 0 or not page.get_by_text("Engine:").is_visible()


def test_a_clinician_sees_only_their_encounters_then_the_session_expires(server, page):
    sign_in(page, server.url, "alice", PASSWORD)
    expect(page.get_by_text(re.compile("Signed in as"))).to_be_visible(timeout=30_000)
    go(page, "Encounters")
    expect(page.get_by_text("alices-patient.wav")).to_be_visible(timeout=15_000)
    assert page.get_by_text("bobs-patient.wav").count() == 0
    go(page, "Privacy")
    expect(page.get_by_text("administrators only")).to_be_visible(timeout=15_000)
    assert page.get_by_text("bobs-patient.wav").count() == 0
    time.sleep(7)  # idle past SCRIBE_SESSION_IDLE_MINUTES
    go(page, "Encounters")
    expect(page.get_by_text(re.compile("session expired"))).to_be_visible(timeout=15_000)


def test_an_admin_sees_every_encounter_and_the_audit_log(server, page):
    sign_in(page, server.url, "root", PASSWORD)
    expect(page.get_by_text(re.compile("Signed in as"))).to_be_visible(timeout=30_000)
    go(page, "Privacy")
    expect(heading(page, "Privacy")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("Audit log")).to_be_visible()
    go(page, "Encounters")
    expect(page.get_by_text("bobs-patient.wav")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("alices-patient.wav")).to_be_visible()


def test_a_clinician_opening_another_clinicians_encounter_by_url_is_refused(server, page):
    sign_in(page, f"{server.url}/note?encounter={server.bob_id}", "alice", PASSWORD)
    expect(page.get_by_text("You do not have access to this encounter.")).to_be_visible(timeout=30_000)
    expect(heading(page, "Note")).to_be_visible()
    assert page.get_by_text("bobs-patient.wav").count() == 0
    assert page.get_by_text("alices-patient.wav").count() == 0  # and no fallback to one of her own


def test_an_idle_session_left_on_a_self_refreshing_page_is_signed_out_by_itself(server, page):
    sign_in(page, server.url, "alice", PASSWORD)
    expect(page.get_by_text(re.compile("Signed in as"))).to_be_visible(timeout=30_000)
    go(page, "Encounters")  # refreshes itself every second
    expect(page.get_by_text("alices-patient.wav")).to_be_visible(timeout=15_000)
    # No click: past SCRIBE_SESSION_IDLE_MINUTES the refresh hands over to the door.
    expect(page.get_by_text(re.compile("session expired"))).to_be_visible(timeout=20_000)
    assert page.get_by_text("alices-patient.wav").count() == 0
