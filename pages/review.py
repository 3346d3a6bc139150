"""Review: transcript and note side by side; pick a statement to see and hear its evidence."""

from __future__ import annotations

import streamlit as st

from ui.access import current_viewer
from ui.actions import note_version
from ui.components import empty_state, md_escape, play_stretch, scroll_to_utterance, transcript_html, wait_for
from ui.labels import clock
from ui.services import get_services
from ui.state import pick_encounter

services = get_services()
viewer = current_viewer()
queries = services.scribe.queries
st.title("Review")
encounter = pick_encounter(queries, viewer, key="review_pick")
if encounter is None:
    empty_state("No encounters yet, so there is nothing to review.")
    st.stop()

transcript = queries.transcript(viewer, encounter.id)
note = queries.note(viewer, encounter.id)
if transcript is None or note is None:
    shown_id = encounter.id
    wait_for(services, viewer, shown_id, "note",
             lambda: queries.note(viewer, shown_id) is not None and queries.transcript(viewer, shown_id) is not None)
    st.stop()

st.caption("Pick a statement of the note: the words it came from are highlighted in the transcript and the "
           "player plays that stretch of the recording.")
statements = {f"{sec.key}:{i}": (sec, s) for sec in note.sections for i, s in enumerate(sec.statements)}
note_col, transcript_col = st.columns([2, 3], gap="large")

with note_col:
    st.subheader("Note")
    evidence_box = st.container()
    if not statements:
        st.info("The note has no statements.")
        picked = None
    else:
        key = f"review_statement_{encounter.id}"
        if st.session_state.get(key) not in statements:
            st.session_state[key] = next(iter(statements))
        with st.container(height=420, border=False):
            picked = st.radio(
                "Statement", list(statements), key=key, label_visibility="collapsed",
                format_func=lambda k: ("⚠ " if statements[k][1].unsupported else "") + statements[k][1].text,
                captions=[sec.title + (" · no evidence" if s.unsupported else f" · {', '.join(s.evidence)}")
                          for sec, s in statements.values()],
            )

    version = note_version(note)
    missing_key = f"review_missing_{encounter.id}_{version}"
    if missing_key not in st.session_state:  # the omission check, once per note version
        checks = queries.note_checks(viewer, encounter.id, note, consistency=False)
        st.session_state[missing_key] = checks.missing if checks else []
    if st.session_state[missing_key]:
        with st.container(border=True, key="review_missing"):
            st.markdown("**Possibly missing** (add them on the Note page)")
            st.markdown("\n".join(f"- {md_escape(m.text)} :gray-badge[{', '.join(m.evidence)}]"
                                   for m in st.session_state[missing_key]))

evidence = []
if picked:
    section, statement = statements[picked]
    evidence = [u for u in transcript.utterances if u.id in set(statement.evidence)]
    with evidence_box, st.container(border=True):
        st.markdown(f"**{section.title}:** {md_escape(statement.text)}")
        if evidence:
            start, end = min(u.start_ms for u in evidence), max(u.end_ms for u in evidence)
            st.caption(f"Evidence: {', '.join(u.id for u in evidence)} · {clock(start)} – {clock(end)}")
            play_stretch(services, viewer, encounter.id, start, end)
        else:
            st.warning("No utterance supports this statement. Check it against the recording.",
                       icon=":material/warning:")

with transcript_col:
    st.subheader("Transcript")
    with st.container(height=560, border=False, key="review_transcript"):
        st.html(transcript_html(transcript, {u.id for u in evidence}))
    if evidence:
        scroll_to_utterance(min(evidence, key=lambda u: u.start_ms).id)
