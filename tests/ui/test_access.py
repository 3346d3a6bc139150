"""Sign-in at the door: local accounts, roles, idle expiry, and refusing the network without sign-in."""

from __future__ import annotations

import io

from streamlit import config
from streamlit.testing.v1 import AppTest

from scribe_core.access import Viewer
from scribe_core.accounts import Accounts, User

from .conftest import APP
from .fakes import wav_bytes

PASSWORD = "correct horse battery"


def open_app(services) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["services"] = services
    return at.run()


def sign_in(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key="sign_in_username").input(username)
    at.text_input(key="sign_in_password").input(password)
    return at.button[0].click().run()


def test_with_accounts_the_app_opens_on_the_sign_in_form_and_shows_nothing_else(services):
    Accounts(services.store).add("alice", PASSWORD, "clinician")
    services.scribe.submit(io.BytesIO(wav_bytes()), "alices-patient.wav", by=Viewer(User("alice", "clinician")))
    at = open_app(services)
    assert at.title[0].value == "Sign in" and [t.value for t in at.title] == ["Sign in"]
    assert len(at.sidebar.markdown) == 0 and "alices-patient" not in str(at.main)
    # The rest of sign-in runs in a real browser (tests/e2e/test_sign_in.py).


def test_listening_beyond_loopback_without_sign_in_is_refused(services):
    config.set_option("server.address", "0.0.0.0")
    at = open_app(services)
    assert at.title[0].value == "Set up the scribe"
    assert any("no sign-in is configured" in e.value for e in at.error)
