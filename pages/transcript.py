"""Transcript: who said what and when; correct the roles and re-draft the note; play any utterance."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from scribe_core.errors import ScribeError
from scribe_core.model import DOCTOR, PATIENT
from ui import actions
from ui.access import current_viewer
from ui.components import (
    TRANSCRIPT_TEXT_WIDTH_PX,
    empty_state,
    flash,
    play_stretch,
    redraft_with_feedback,
    show_flash,
    transcript_grid_height,
    transcript_row_height,
    wait_for,
)
from ui.labels import clock
from ui.services import get_services
from ui.state import pick_encounter

services = get_services()
viewer = current_viewer()
queries = services.scribe.queries
st.title("Transcript")
encounter = pick_encounter(queries, viewer, key="transcript_pick", show_label=False)  # room for the grid
if encounter is None:
    empty_state("No encounters yet, so there is no transcript to show.")
    st.stop()
shown_id = encounter.id  # bound once, for the callbacks below

transcript = queries.transcript(viewer, encounter.id)
if transcript is None:
    wait_for(services, viewer, shown_id, "transcript", lambda: queries.transcript(viewer, shown_id) is not None)
    st.stop()

show_flash()
editable = not encounter.state.in_flight
if not editable:
    st.caption("Corrections are available once the note has been drafted.")


def row_selected() -> None:
    picked = st.session_state["transcript_table"].selection.rows
    if picked:
        st.session_state["transcript_utterance"] = st.session_state["_transcript_row_ids"][picked[0]]


# The controls sit beside the grid rather than above it, so the grid starts high enough to show a dozen
# rows on a 1080-pixel screen.
table, panel = st.columns([5, 2], gap="large")
with panel:
    if not transcript.roles_confirmed:
        st.warning(
            "**Speaker roles are not confirmed.** The engine told the speakers apart but guessed which one is the "
            "Doctor. Check a few lines; if they are the wrong way round, swap them and the note is re-drafted.",
            icon=":material/help:",
        )
        if st.button("Roles are right", key="transcript_confirm_roles", icon=":material/check_circle:",
                     disabled=encounter.state.in_flight):
            services.scribe.confirm_roles(encounter.id, by=viewer)
            flash("Roles confirmed.")
            st.rerun()
    if st.button("Swap Doctor and Patient", key="transcript_swap", icon=":material/swap_horiz:",
                 disabled=not editable, width="stretch"):
        redraft_with_feedback(lambda: actions.swap_roles_and_redraft(services, shown_id, by=viewer),
                              working="Swapping roles and re-drafting the note…",
                              done="Roles swapped and the note re-drafted.",
                              failed_prefix="Roles swapped, but the note could not be re-drafted")
    if st.button("Re-draft the note", key="transcript_redraft", icon=":material/refresh:",
                 disabled=not editable, width="stretch",
                 help="Write the note again from this transcript, e.g. after correcting roles."):
        redraft_with_feedback(lambda: services.scribe.redraft(shown_id, by=viewer), working="Re-drafting the note…",
                              done="Note re-drafted from the corrected transcript.",
                              failed_prefix="The note could not be re-drafted")
    roles = sorted({u.role for u in transcript.utterances} | {DOCTOR, PATIENT})
    shown_role = st.segmented_control("Show", ["All", *roles], key="transcript_role_filter", default="All")
rows = [u for u in transcript.utterances if shown_role in (None, "All") or u.role == shown_role]
st.session_state["_transcript_row_ids"] = [u.id for u in rows]
with table:
    # Text last and wrapped within a fixed row height, so every column fits beside the panel at 1400 px.
    row_px = transcript_row_height([u.text for u in rows])
    frame = pd.DataFrame(
        [{"id": u.id, "role": u.role, "start": clock(u.start_ms), "end": clock(u.end_ms),
          "confidence": u.confidence, "text": u.text} for u in rows],
        columns=["id", "role", "start", "end", "confidence", "text"],
    )
    st.dataframe(
        frame, hide_index=True, key="transcript_table", on_select=row_selected, selection_mode="single-row",
        height=transcript_grid_height(len(rows), row_px), row_height=row_px,
        column_config={
            "id": st.column_config.TextColumn("#", width=40),
            "role": st.column_config.TextColumn("Role", width=64),
            "start": st.column_config.TextColumn("Start", width=56),
            "end": st.column_config.TextColumn("End", width=56),
            "confidence": st.column_config.ProgressColumn("Confidence", min_value=0.0, max_value=1.0,
                                                          format="%.2f", width=84),
            "text": st.column_config.TextColumn("Text", width=TRANSCRIPT_TEXT_WIDTH_PX),
        },
    )
    st.caption(f"{len(rows)} of {len(transcript.utterances)} utterances · select a row to read it in full and "
               "play it")

with panel:
    st.subheader("Utterance")
    by_id = {u.id: u for u in transcript.utterances}
    if st.session_state.get("transcript_utterance") not in by_id:
        st.session_state["transcript_utterance"] = transcript.utterances[0].id if transcript.utterances else None
    if by_id:
        chosen = by_id[st.selectbox(
            "Utterance", list(by_id), key="transcript_utterance", label_visibility="collapsed",
            format_func=lambda i: f"{i} · {clock(by_id[i].start_ms)} · {by_id[i].text[:60]}",
        )]
        st.markdown(f"**{chosen.role}** · {clock(chosen.start_ms)} – {clock(chosen.end_ms)}")
        st.text(chosen.text)
        play_stretch(services, viewer, encounter.id, chosen.start_ms, chosen.end_ms)
        role_options = roles if chosen.role in roles else [chosen.role, *roles]
        new_role = st.selectbox("Who said this?", role_options, index=role_options.index(chosen.role),
                                key=f"transcript_role_{chosen.id}_{chosen.role}", disabled=not editable)
        if st.button("Change role", key="transcript_set_role", disabled=not editable or new_role == chosen.role,
                     icon=":material/person_edit:"):
            try:
                services.scribe.set_role(encounter.id, chosen.id, new_role, by=viewer)
                flash(f"{chosen.id} is now {new_role}. Re-draft the note to use the correction.")
            except ScribeError as err:
                flash(str(err), "error")
            st.rerun()
