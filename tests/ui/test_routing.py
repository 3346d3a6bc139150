"""Every page is reachable by its own URL, and an unknown ?encounter= is said on every page."""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _pages_in_router() -> list[dict[str, object]]:
    """The st.Page(...) calls of streamlit_app.py, read from its source: script, url_path, default."""
    found = []
    for node in ast.walk(ast.parse((REPO / "streamlit_app.py").read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page":
            entry: dict[str, object] = {"script": ast.literal_eval(node.args[0])}
            entry.update({k.arg: ast.literal_eval(k.value) for k in node.keywords if k.arg in ("url_path", "default")})
            found.append(entry)
    return found


def test_every_page_has_a_url_path_that_streamlit_serves():
    """The default page is served at / only (its own url_path is not), so it needs a second, hidden entry
    under the name people link to; every other page is served at its url_path."""
    pages = _pages_in_router()
    served = {p["url_path"] for p in pages if not p.get("default")}
    for script in sorted((REPO / "pages").glob("*.py")):
        assert script.stem in served, f"/{script.stem} shows 'Page not found'"


def test_an_unknown_encounter_in_the_address_is_said_on_the_home_page(app):
    """AppTest runs a page reached by switch_page without the address; Encounters and Live are checked
    opened by their own URL in the browser (tests/e2e/test_review_and_routes.py)."""
    at = app(encounter="E-does-not-exist")
    assert any("No encounter with this id" in e.value for e in at.error), [e.value for e in at.error]


def test_a_known_encounter_in_the_address_raises_no_alarm(app, ready_id):
    at = app(encounter=ready_id)
    assert not any("No encounter with this id" in e.value for e in at.error)
