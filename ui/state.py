"""The encounter a user is looking at, shared by every page.

It lives in `st.session_state["encounter_id"]` (survives page switches) and in the `?encounter=ID`
query parameter (survives a reload, and can be bookmarked or opened in a second tab).
"""

from __future__ import annotations

import streamlit as st

from scribe_core.model import Encounter

from .labels import encounter_title

SELECTED_KEY = "encounter_id"
QUERY_PARAM = "encounter"


def selected_id() -> str | None:
    encounter_id = st.session_state.get(SELECTED_KEY) or st.query_params.get(QUERY_PARAM)
    if encounter_id and st.query_params.get(QUERY_PARAM) != encounter_id:
        st.query_params[QUERY_PARAM] = encounter_id  # page switches drop query params: put it back
    return encounter_id or None


def select(encounter_id: str | None) -> None:
    if encounter_id:
        st.session_state[SELECTED_KEY] = encounter_id
        st.query_params[QUERY_PARAM] = encounter_id
    else:
        st.session_state.pop(SELECTED_KEY, None)
        st.query_params.pop(QUERY_PARAM, None)


def pick_encounter(encounters: list[Encounter], *, key: str, label: str = "Encounter") -> Encounter | None:
    """A selectbox over `encounters` that follows and updates the shared selection.

    Falls back to the newest encounter when the shared one is not in the list.
    """
    if not encounters:
        return None
    by_id = {e.id: e for e in encounters}
    current = selected_id()
    if current not in by_id:
        current = encounters[0].id
    if st.session_state.get(key) != current:
        st.session_state[key] = current  # follow a selection made on another page

    def changed() -> None:
        select(st.session_state[key])

    chosen = st.selectbox(
        label, list(by_id), key=key, on_change=changed, format_func=lambda i: encounter_title(by_id[i])
    )
    select(chosen)
    return by_id[chosen]
