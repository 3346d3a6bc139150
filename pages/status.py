"""Encounters: every encounter and its step, refreshed by itself about once a second.

Progress lives in the store (the worker writes it), so a reload, a second tab or a server restart
shows the same thing.
"""

from __future__ import annotations

from datetime import UTC

import streamlit as st

from scribe_core.encounter_list import STATE_CHOICES, EncounterFilter, EncounterRow
from scribe_core.errors import ScribeError
from scribe_core.model import Encounter, EncounterState
from ui import actions
from ui.access import current_viewer, idle_expired
from ui.components import empty_state, job_progress, md_escape, step_badge
from ui.labels import consent_line, duration, engine_name, when
from ui.live_visits import get_live_visits
from ui.local_time import viewer_zone
from ui.services import get_services
from ui.state import select, selected_id

REFRESH_S = 1.0
S = EncounterState
services = get_services()
viewer = current_viewer()
queries = services.scribe.queries
zone = viewer_zone()

st.title("Encounters")
st.caption("Processing runs in the background: you can leave this page, open another tab or reload.")


def open_page(encounter: Encounter, page: str) -> None:
    select(encounter.id)
    st.switch_page(page, query_params={"encounter": encounter.id})


def card(row: EncounterRow, highlighted: bool) -> None:
    e = row.encounter
    with st.container(border=True, key=f"status_card_{e.id}"):
        info, state, buttons = st.columns([5, 4, 3], vertical_alignment="center")
        with info:
            who = md_escape(e.patient_label) if e.patient_label else "Patient not identified"
            name = f"**{who}**"
            st.markdown(f":primary[{name}] :primary-badge[selected]" if highlighted else name)
            color = "green" if row.sent else "blue" if row.signed else "gray"
            st.markdown(f":{color}-badge[{row.note_label}] · {md_escape(row.template)}"
                        + (f" · {md_escape(row.clinician)}" if row.clinician else ""))
            st.caption(f"{when(e.created, zone)} · {md_escape(e.source_name or '(purged)')} · "
                       f"{duration(e.duration_s)} · {engine_name(e.engine)} · `{e.id}`")
            consent = consent_line(e, zone)
            if consent:
                st.caption(f":material/verified_user: {consent}")
        with state:
            label = step_badge(e)
            job_progress(queries, viewer, label, e)
            if label.detail:
                st.markdown(f":red[{label.detail}]" if label.text == "Failed" else label.detail)
        with buttons, st.container(horizontal=True, horizontal_alignment="right"):
            if e.state.in_flight and st.button("Cancel", key=f"cancel_{e.id}", icon=":material/stop_circle:"):
                try:
                    services.scribe.cancel(e.id, by=viewer)
                    st.toast("Cancelling…", icon=":material/stop_circle:")
                except ScribeError as err:
                    st.error(str(err))
            if e.state == S.FAILED and st.button("Retry", key=f"retry_{e.id}", icon=":material/replay:",
                                                 help="Continue from where it stopped (no second upload)."):
                try:
                    actions.retry(services, e.id, by=viewer)
                    st.toast("Trying again…", icon=":material/replay:")
                except ScribeError as err:
                    st.error(str(err))
            if e.state == EncounterState.READY and st.button(
                "Open note", key=f"open_{e.id}", type="primary", icon=":material/description:"
            ):
                open_page(e, "pages/note.py")
            has_transcript = e.state in (S.TRANSCRIBED, S.DRAFTING, S.READY) or (
                e.state == S.FAILED and queries.transcript(viewer, e.id) is not None)
            if has_transcript and st.button("Transcript", key=f"transcript_{e.id}",
                                            icon=":material/record_voice_over:"):
                open_page(e, "pages/transcript.py")


def interrupted_visits() -> None:
    """Live visits a closed tab, crash or restart left unfinished: all their audio is kept until the
    clinician finishes (transcribe and draft) or discards them, or retention discards them."""
    visits = get_live_visits(services)
    for visit in visits.interrupted(by=viewer):
        with st.container(border=True, key=f"interrupted_{visit.id}"):
            info, buttons = st.columns([7, 5], vertical_alignment="center")
            info.markdown(f"**Interrupted live visit** started {when(visit.started, zone)}, "
                          f"about {duration(visit.recorded_s)} recorded · `{visit.id}`")
            with buttons, st.container(horizontal=True, horizontal_alignment="right"):
                if st.button("Finish", key=f"visit_finish_{visit.id}", icon=":material/task_alt:", type="primary",
                             help="Transcribe all the audio recorded up to the interruption and draft the note."):
                    try:
                        encounter = visits.finish(visit.id, by=viewer)
                        services.worker.enqueue(encounter.id)
                        select(encounter.id)
                        st.rerun()
                    except ScribeError as err:
                        st.error(str(err))
                if st.button("Discard", key=f"visit_discard_{visit.id}", icon=":material/delete:",
                             help="Delete this visit's audio for good."):
                    try:
                        visits.discard(visit.id, by=viewer)
                        st.rerun()
                    except ScribeError as err:
                        st.error(str(err))


def filters() -> EncounterFilter:
    """Search and filter widgets; the core's EncounterFilter does the filtering."""
    search, days, state = st.columns([3, 2, 2], vertical_alignment="bottom")
    patient = search.text_input("Patient", key="status_patient", placeholder="Name or record number",
                                icon=":material/search:")
    chosen = days.date_input("Visit day", value=(), key="status_days", format="YYYY-MM-DD",
                             help="One day, or a first and last day.")
    picked = [d for d in (chosen if isinstance(chosen, tuple | list) else [chosen]) if d]
    which = state.selectbox("State", STATE_CHOICES, key="status_state", format_func=str.capitalize)
    return EncounterFilter(patient=patient, on_or_after=picked[0] if picked else None,
                           on_or_before=picked[-1] if picked else None, state=which, zone=zone or UTC)


@st.fragment(run_every=REFRESH_S)
def live_list(wanted: EncounterFilter) -> None:
    if idle_expired(services):
        st.rerun()  # the whole page: the door signs the idle session out
    if not queries.encounters(viewer):
        empty_state("No encounters yet. Upload or record a consultation to start.")
        return
    rows = queries.listing(viewer, wanted)
    if not rows:
        empty_state("No encounter matches this search.")
        return
    busy = sum(r.encounter.state.in_flight for r in rows)
    ready = sum(r.encounter.state == EncounterState.READY for r in rows)
    signed = sum(r.signed for r in rows)
    st.caption(f"{len(rows)} encounter(s) · {busy} in progress · {ready} ready · {signed} signed")
    current = selected_id()
    for row in rows:
        card(row, row.encounter.id == current)


interrupted_visits()
live_list(filters())
