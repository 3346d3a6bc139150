"""Every page renders without an exception, with an empty store and with a ready encounter."""

from __future__ import annotations

import pytest

TITLES = {"pages/record.py": "New encounter", "pages/status.py": "Encounters",
          "pages/transcript.py": "Transcript", "pages/note.py": "Note", "pages/review.py": "Review",
          "pages/privacy.py": "Privacy"}
PAGES = list(TITLES)


@pytest.mark.parametrize("page", PAGES)
def test_each_page_renders_for_an_empty_store(app, page):
    at = app(page)
    assert at.title[0].value == TITLES[page]
    assert not at.error


@pytest.mark.parametrize("page", PAGES)
def test_each_page_renders_a_ready_encounter(app, ready_id, page):
    at = app(page, encounter=ready_id)
    assert at.title[0].value == TITLES[page]
    assert not at.error, [e.value for e in at.error]
