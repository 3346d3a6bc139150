"""A deep link that is the very first request after a server start still meets the sign-in door.

Streamlit serves pages/<name>.py on its own (without the router) until st.navigation has run once in the
server process; every page therefore runs the door itself (ui.access.current_viewer).
"""

from __future__ import annotations

import io
import re

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

from playwright.sync_api import expect, sync_playwright  # noqa: E402


@pytest.fixture
def fresh_server(fake_server, tmp_path):
    app = AppServer(tmp_path, fake_server)
    store = EncounterStore.open(app.data_dir, Vault(app.env["SCRIBE_ENCRYPTION_KEY"]))
    Accounts(store).add("alice", PASSWORD, "clinician")
    from tests.ui.fakes import wav_bytes

    scribe = Scribe(store=store, transcribers={"assemblyai": None}, writer_for_engine=None,  # type: ignore[arg-type]
                    default_engine="assemblyai")
    app.bob_id = scribe.submit(io.BytesIO(wav_bytes()), "bobs-patient.wav", by=Viewer(User("bob", "clinician"))).id
    app.start()  # no request has reached it yet
    yield app
    app.stop()


@pytest.mark.parametrize("path", ["note", "transcript", "privacy"])
def test_the_first_request_after_a_start_being_a_deep_link_asks_who_you_are(fresh_server, path):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{fresh_server.url}/{path}?encounter={fresh_server.bob_id}")
        expect(heading(page, "Sign in")).to_be_visible(timeout=30_000)
        assert page.get_by_text("bobs-patient.wav").count() == 0
        page.get_by_role("textbox", name="Username").fill("alice")
        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        if path != "privacy":
            expect(page.get_by_text("You do not have access to this encounter.")).to_be_visible(timeout=30_000)
        else:
            expect(page.get_by_text(re.compile("Signed in as|administrators only"))).to_be_visible(timeout=30_000)
        assert page.get_by_text("bobs-patient.wav").count() == 0
        browser.close()
