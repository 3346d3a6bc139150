"""Opening an encounter by URL: the core decides, and a refused id never shows another encounter."""

from __future__ import annotations

import io

import pytest
from streamlit.testing.v1 import AppTest

from scribe_core.access import Viewer
from scribe_core.accounts import User
from scribe_core.model import EncounterState

from .conftest import APP
from .fakes import LINES, wav_bytes

ALICE = User("alice", "clinician")
BOB = User("bob", "clinician")
PAGES = ["pages/note.py", "pages/transcript.py", "pages/review.py"]


def open_as(services, user: User, page: str, encounter_id: str) -> AppTest:
    """Open `page?encounter=<id>` as `user`, the way a bookmarked or pasted URL opens it."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["services"] = services
    at.session_state["signed_in_user"] = user
    at.run()
    at.query_params["encounter"] = encounter_id
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown_text(at: AppTest) -> str:
    parts = [*at.markdown, *at.caption, *at.error, *at.warning, *at.info, *at.code, *at.selectbox]
    parts += [*at.get("html"), *at.dataframe, *at.text_area]
    return "\n".join(str(getattr(p, "value", "")) + str(getattr(p, "proto", "")) for p in parts)


def ready(services, user: User, name: str) -> str:
    encounter = services.scribe.submit(io.BytesIO(wav_bytes()), name, by=Viewer(user))
    assert services.scribe.process(encounter.id).state == EncounterState.READY
    return encounter.id


@pytest.mark.parametrize("page", PAGES)
def test_a_clinician_opening_another_clinicians_encounter_by_url_is_refused(services, page):
    mine = ready(services, ALICE, "alices-visit.wav")
    theirs = ready(services, BOB, "bobs-visit.wav")
    at = open_as(services, ALICE, page, theirs)
    assert [e.value for e in at.error] == ["You do not have access to this encounter."]
    text = shown_text(at)
    assert "bobs-visit" not in text and "alices-visit" not in text and mine not in text
    assert not any(line in text for _, line, _, _ in LINES)  # no transcript or note text of anyone
    assert at.get("audio") == []


@pytest.mark.parametrize("page", PAGES)
def test_a_purged_id_shows_purged_and_nothing_else(services, page):
    other = ready(services, ALICE, "still-here.wav")
    purged = ready(services, ALICE, "purged-visit.wav")
    services.scribe.purge(purged, by=Viewer(ALICE))
    at = open_as(services, ALICE, page, purged)
    [error] = at.error
    assert error.value.startswith("This encounter was purged on ")
    text = shown_text(at)
    assert "still-here" not in text and other not in text
    assert not any(line in text for _, line, _, _ in LINES)
    assert at.selectbox == [] and at.dataframe == [] and at.get("audio") == []


def test_an_unknown_id_says_so_and_choosing_another_is_a_deliberate_step(services):
    ready(services, ALICE, "alices-visit.wav")
    at = open_as(services, ALICE, "pages/note.py", "0123456789ab")
    assert [e.value for e in at.error] == ["No encounter with this id."]
    assert "alices-visit" not in shown_text(at)
    at.button(key="note_pick_choose_another").click().run()
    assert not at.error and "alices-visit" in shown_text(at)


def test_clinicians_see_only_their_tombstones_and_no_audit_log(services):
    mine, theirs = ready(services, ALICE, "mine.wav"), ready(services, BOB, "theirs.wav")
    services.scribe.purge(mine, by=Viewer(ALICE))
    services.scribe.purge(theirs, by=Viewer(BOB))
    at = open_as(services, ALICE, "pages/privacy.py", mine)
    assert "This encounter was purged on" in at.error[0].value  # the selected one, inline
    tombstones = next(d.value for d in at.dataframe if "purged" in d.value.columns)
    assert list(tombstones["encounter"]) == [mine]
    assert not any("action" in d.value.columns for d in at.dataframe)
    assert "administrators only" in shown_text(at)


def test_the_privacy_page_promises_remote_deletion_only_where_remote_copies_exist(services):
    encounter_id = ready(services, ALICE, "visit.wav")
    at = open_as(services, ALICE, "pages/privacy.py", encounter_id)
    [caption] = [c.value for c in at.caption if c.value.startswith("Purging deletes")]
    assert "the remote transcript" in caption and "checks they are gone" in caption
