"""Pages and ui/ go through the core's queries and use cases: never the store, and every action says who acts."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP_FILES = [ROOT / "streamlit_app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "ui").glob("*.py"))]
# Use cases a user triggers from a page: each must be told who acts (`by=`), which it checks and audits.
USER_ACTIONS = {"submit", "retry", "cancel", "swap_roles", "confirm_roles", "set_role", "redraft", "save_note",
                "purge", "purge_all", "start_encounter", "start_sample", "swap_roles_and_redraft",
                "import_transcript", "import_transcript_file", "add_missing_fact",
                # live visits (scribe_core/live/visits.py)
                "begin", "stop", "finish", "discard"}
# Streamlit's own calls that share a use case's name: `st.stop()` ends the script run, it acts on nothing.
STREAMLIT_MODULE = "st"
FORBIDDEN_NAMES = {"EncounterStore", "Accounts"}
# Core packages a page reaches only through use cases and queries: the clinical rules and the store.
CORE_INSIDES = ("scribe_core.clinical", "scribe_core.storage")


def _reaches_inside(node: ast.ImportFrom) -> bool:
    module = node.module or ""
    if module == "scribe_core.store" or module.startswith(CORE_INSIDES):
        return True
    return module == "scribe_core.accounts" and any(a.name in FORBIDDEN_NAMES for a in node.names)


def violations(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "store":
            found.append(f"line {node.lineno}: reads .store")
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            found.append(f"line {node.lineno}: uses {node.id}")
        elif isinstance(node, ast.ImportFrom) and _reaches_inside(node):
            found.append(f"line {node.lineno}: imports from {node.module}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in USER_ACTIONS
              and not (isinstance(node.func.value, ast.Name) and node.func.value.id == STREAMLIT_MODULE)
              and not any(k.arg == "by" for k in node.keywords)):
            found.append(f"line {node.lineno}: {node.func.attr}() without by=")
    return found


def test_the_scan_catches_each_kind_of_shortcut():
    planted = ("from scribe_core.store import EncounterStore\n"
               "x = services.store.note('e1')\n"
               "services.scribe.purge('e1')\n"
               "services.scribe.purge('e1', by=viewer)\n"
               "visits.stop(visit_id)\n"
               "visits.finish(visit_id, by=viewer)\n"
               "st.stop()\n"
               "visits.discard(visit_id)\n"
               "visits.begin(consent=True)\n")
    assert sorted(violations(planted)) == ["line 1: imports from scribe_core.store", "line 2: reads .store",
                                           "line 3: purge() without by=", "line 5: stop() without by=",
                                           "line 8: discard() without by=", "line 9: begin() without by="]

def door_violations(source: str) -> list[str]:
    """A page must ask who is looking (ui.access.current_viewer runs the sign-in door) at module level
    before it touches the scribe: Streamlit may run pages/<name>.py without the router (a deep link that
    is the first request after a start), so the page itself is the door."""
    tree = ast.parse(source)
    door = next((n.lineno for n in tree.body for c in ast.walk(n)
                 if isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id == "current_viewer"), None)
    if door is None:
        return ["never calls current_viewer() at module level"]
    return [f"line {n.lineno}: uses .{n.attr} before current_viewer()" for n in ast.walk(tree)
            if isinstance(n, ast.Attribute) and n.attr in ("scribe", "queries") and n.lineno < door]


def test_the_door_scan_catches_a_page_that_reads_before_asking_who_is_looking():
    assert door_violations("x = services.scribe.queries.note(v, 'e1')\nviewer = current_viewer()\n") == [
        "line 1: uses .queries before current_viewer()", "line 1: uses .scribe before current_viewer()"]
    assert door_violations("import streamlit as st\n") == ["never calls current_viewer() at module level"]


def test_every_page_runs_the_door_before_it_reads_anything():
    pages = sorted((ROOT / "pages").glob("*.py"))
    assert len(pages) >= 8
    found = {p.name: v for p in pages if (v := door_violations(p.read_text()))}
    assert found == {}


def test_the_scan_catches_a_page_calling_the_clinical_rules_or_the_storage_package():
    planted = ("from scribe_core.clinical import possibly_missing\n"
               "from scribe_core.clinical.transcript_import import MAX_BYTES\n"
               "from scribe_core.storage.records import NoteVersion\n"
               "from scribe_core.documents.templates import TemplateError\n")
    assert violations(planted) == ["line 1: imports from scribe_core.clinical",
                                   "line 2: imports from scribe_core.clinical.transcript_import",
                                   "line 3: imports from scribe_core.storage.records"]


def test_pages_and_ui_never_touch_the_store_and_always_say_who_acts():
    assert len(APP_FILES) >= 12
    found = {str(p.relative_to(ROOT)): v for p in APP_FILES if (v := violations(p.read_text()))}
    assert found == {}
