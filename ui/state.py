"""The encounter a user is looking at, shared by every page.

It lives in `st.session_state["encounter_id"]` (survives page switches) and in the `?encounter=ID`
query parameter (survives a reload, and can be bookmarked or opened in a second tab).

Whether the viewer may open it is the core's decision (`scribe.queries.encounter`): an unknown,
purged or forbidden id shows the core's message in place of the encounter, and never another one.
"""

from __future__ import annotations

import streamlit as st

from scribe_core.access import Viewer
from scribe_core.errors import AccessDeniedError, EncounterPurgedError, EncounterUnavailableError
from scribe_core.model import Encounter
from scribe_core.usecases.queries import EncounterQueries

from .components import md_escape
from .labels import encounter_title
from .local_time import viewer_zone

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


def show_unavailable(err: EncounterUnavailableError, *, key: str) -> None:
    """The core's reason in place of the encounter, and a way to choose another one deliberately."""
    icon = (":material/delete:" if isinstance(err, EncounterPurgedError)
            else ":material/lock:" if isinstance(err, AccessDeniedError) else ":material/search_off:")
    told = EncounterPurgedError.gone(err.purged_at, viewer_zone()) if isinstance(err, EncounterPurgedError) and \
        err.purged_at else str(err)
    st.error(told, icon=icon)
    st.button("Choose another encounter", key=f"{key}_choose_another", icon=":material/list:",
              on_click=select, args=(None,))


def pick_encounter(queries: EncounterQueries, viewer: Viewer, *, key: str, label: str = "Encounter",
                   stop_if_unavailable: bool = True, show_label: bool = True) -> Encounter | None:
    """A selectbox over the encounters the viewer may open, following and updating the shared selection.

    With nothing selected it starts on the newest one. A selected id the core refuses (unknown,
    purged, someone else's) shows the refusal instead, and stops the page unless told otherwise.
    """
    current = selected_id()
    if current is not None:
        try:
            queries.encounter(viewer, current)
        except EncounterUnavailableError as err:
            show_unavailable(err, key=key)
            if stop_if_unavailable:
                st.stop()
            return None
    encounters = queries.encounters(viewer)
    if not encounters:
        return None
    by_id = {e.id: e for e in encounters}
    if current is None:
        current = encounters[0].id
    elif current not in by_id:  # opened a moment ago, gone since (purged in another tab)
        show_unavailable(EncounterUnavailableError("This encounter is no longer available."), key=key)
        if stop_if_unavailable:
            st.stop()
        return None
    if st.session_state.get(key) != current:
        st.session_state[key] = current  # follow a selection made on another page

    def changed() -> None:
        select(st.session_state[key])

    zone = viewer_zone()
    # A page short of height (the transcript grid) hides the label and names the patient beside the picker.
    picker, who = (st.container(), st.container()) if show_label else \
        st.columns([3, 2], vertical_alignment="center")
    with picker:
        chosen = st.selectbox(
            label, list(by_id), key=key, on_change=changed, format_func=lambda i: encounter_title(by_id[i], zone),
            label_visibility="visible" if show_label else "collapsed",
        )
    select(chosen)
    with who:
        patient_header(by_id[chosen])
    return by_id[chosen]


def patient_header(encounter: Encounter) -> None:
    """Whose visit this page shows, under its title: every page that shows one encounter says so."""
    who = encounter.patient_label
    with st.container(key="patient_header"):
        if who:
            st.markdown(f":material/person: **Patient:** {md_escape(who)}")
        else:
            st.caption(":material/person_off: Patient not identified at intake (no name or record number given).")


def tell_if_unavailable(queries: EncounterQueries, viewer: Viewer) -> None:
    """On a page that shows no single encounter (Home, Encounters, Live…): a requested ?encounter= the core
    refuses is said, as the encounter pages say it, rather than silently ignored."""
    current = selected_id()
    if current is None:
        return
    try:
        queries.encounter(viewer, current)
    except EncounterUnavailableError as err:
        show_unavailable(err, key="requested_encounter")
