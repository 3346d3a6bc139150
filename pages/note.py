"""Note: the drafted note by section; edit and save it, re-draft with another template, copy or export."""

from __future__ import annotations

import json

import streamlit as st

from scribe_core.errors import ScribeError
from scribe_core.model import Note, Section
from scribe_core.usecases.note_checks import MissingFact, NoteChecks
from ui import actions
from ui.access import current_viewer
from ui.components import empty_state, flash, md_escape, redraft_with_feedback, show_flash, wait_for
from ui.labels import consent_line, writer_badge
from ui.local_time import viewer_zone
from ui.note_documents import documents_panel, note_is_signed
from ui.services import get_services
from ui.state import pick_encounter

services = get_services()
viewer = current_viewer()
TEMPLATES = services.templates.all()  # built-in, specialty and the clinic's own
queries = services.scribe.queries
st.title("Note")
encounter = pick_encounter(queries, viewer, key="note_pick")
if encounter is None:
    empty_state("No encounters yet, so there is no note to show.")
    st.stop()
if consent := consent_line(encounter, viewer_zone()):
    st.caption(consent)

note = queries.note(viewer, encounter.id)
if note is None:
    wait_for(services, viewer, encounter.id, "note", lambda: queries.note(viewer, encounter.id) is not None)
    st.stop()
if encounter.state.in_flight:  # a re-draft's job is running: its progress, then the page shows the new note
    wait_for(services, viewer, encounter.id, "new draft", lambda: False)

show_flash()
signed = note_is_signed(services, viewer, encounter.id)  # a final note is read-only: amend it below
version = actions.note_version(note)
editor_keys = {sec.key: f"note_text_{encounter.id}_{version}_{sec.key}" for sec in note.sections}


def save_edits(encounter_id: str, note: Note, keys: dict[str, str]) -> None:
    texts = {section: st.session_state[key] for section, key in keys.items() if key in st.session_state}
    try:
        services.scribe.save_note(encounter_id, actions.edited_note(note, texts), by=viewer)
        flash("Note saved.")
        st.session_state["note_edit"] = False
    except ScribeError as err:
        flash(str(err), "error")


def section_markdown(sec: Section) -> str:
    if not sec.statements:
        return ":gray[_Nothing recorded._]"
    lines = []
    for s in sec.statements:
        if s.unsupported:
            lines.append(f"- :orange-badge[:material/warning: Unsupported: check] {md_escape(s.text)}")
        elif s.added_by_clinician:
            lines.append(f"- :blue-badge[:material/edit: Added by clinician] {md_escape(s.text)}")
        elif s.edited_by_clinician:
            lines.append(f"- {md_escape(s.text)} :gray-badge[{', '.join(s.evidence)}] "
                         ":blue-badge[:material/edit: Edited by clinician]")
        elif s.heads_a_problem:  # the problem list's heading: the lines after it are its plan
            lines.append(f"- **{md_escape(s.text)}** :gray-badge[{', '.join(s.evidence)}]")
        else:
            lines.append(f"- {md_escape(s.text)} :gray-badge[{', '.join(s.evidence)}]")
    return "\n".join(lines)


def add_missing_fact(encounter_id: str, shown: Note, fact: MissingFact) -> None:
    try:
        services.scribe.add_missing_fact(encounter_id, shown, fact, by=viewer)
        flash(f"Added to the note: {fact.text}")
    except ScribeError as err:
        flash(str(err), "error")


def checks_panel(encounter_id: str, shown: Note | None) -> None:
    """What the note may have left out (one click adds it, citing its utterances), and statements whose
    citations do not back their numbers, drugs or negations. The core decides both."""
    if shown is None:
        return
    key = f"note_checks_{encounter_id}_{version}"  # once per note version, not on every rerun
    if key not in st.session_state:
        st.session_state[key] = queries.note_checks(viewer, encounter_id, shown)
    checks: NoteChecks | None = st.session_state[key]
    if checks is None:  # no transcript yet
        return
    missing, flags = checks.missing, checks.unbacked
    with st.container(border=True, key="note_checks"):
        st.markdown("##### Possibly missing")
        if not missing:
            st.caption("The note covers every clinically salient fact found in the conversation.")
        for i, fact in enumerate(missing):
            with st.container(horizontal=True, vertical_alignment="center"):
                st.markdown(f"{md_escape(fact.text)} :gray-badge[{', '.join(fact.evidence)}]", width="stretch")
                st.button("Add", key=f"note_add_missing_{i}", icon=":material/add:", disabled=signed,
                          on_click=add_missing_fact, args=(encounter_id, shown, fact))
        if flags:
            st.markdown("##### Not backed by what they cite")
            st.markdown("\n".join(f"- {md_escape(f.statement)} :gray-badge[{', '.join(f.evidence)}] "
                                  f":orange[{md_escape('; '.join(f.reasons))}]" for f in flags))


template = TEMPLATES.get(note.template)
unsupported = sum(s.unsupported for s in note.statements())
head, controls = st.columns([3, 2], gap="large", vertical_alignment="top")
with head:
    badges = st.container(horizontal=True, gap="small")
    with badges:
        st.badge(template.title if template else note.template.upper(), icon=":material/description:", color="blue")
        badge = writer_badge(note)
        st.badge(badge.text, icon=badge.icon, color=badge.color)
        if note.edited:
            st.badge("Edited by a clinician", icon=":material/edit:", color="green")
    if note.extractive:
        st.info("Each line is built only from the utterances it cites (shown beside it). Check it against "
                "them and tidy it up before use.", icon=":material/format_quote:")
    if unsupported:
        st.warning(f"**{unsupported} statement(s) have no supporting evidence** in the transcript and are marked "
                   "*Unsupported*. Check them against the recording (Review page) before you use the note.",
                   icon=":material/warning:")
with controls:
    names = list(TEMPLATES)
    chosen = st.selectbox("Template", names, key=f"note_template_{encounter.id}",
                          index=names.index(encounter.template) if encounter.template in names else 0,
                          format_func=lambda n: TEMPLATES[n].title)
    if note.edited:
        st.caption("Re-drafting replaces your edits.")
    if st.button("Re-draft with this template", key="note_redraft", icon=":material/refresh:",
                 disabled=encounter.state.in_flight or signed):
        redraft_with_feedback(lambda: services.scribe.redraft(encounter.id, by=viewer, template=chosen),
                              working="Re-drafting the note…", done=f"Re-drafted as a {TEMPLATES[chosen].title}.",
                              failed_prefix="The note could not be re-drafted")

editing = st.toggle("Edit the note", key="note_edit", disabled=signed,
                    help="Signed notes are read-only; amend them under Sign-off." if signed else None)
if editing:
    st.caption("One statement per line. Lines you keep (or reword) keep their evidence; a new line is marked "
               "*Added by clinician*.")
    for sec in note.sections:
        lines = actions.note_as_text(sec.statements)
        st.text_area(sec.title, value=lines, key=editor_keys[sec.key], height=max(100, 28 * (len(sec.statements) + 1)))
    st.button("Save note", key="note_save", type="primary", icon=":material/save:",
              on_click=save_edits, args=(encounter.id, note, editor_keys))
else:
    for sec in note.sections:
        with st.container(border=True):
            st.markdown(f"##### {sec.title}")
            st.markdown(section_markdown(sec))
    checks_panel(encounter.id, note)

st.divider()
st.subheader("Copy or export")
markdown = note.to_markdown()
st.code(markdown, language="markdown", wrap_lines=True)
exports = st.container(horizontal=True)
with exports:
    st.download_button("Download Markdown", markdown, file_name=f"note-{encounter.id}.md", mime="text/markdown",
                       key="note_download_md", icon=":material/download:", on_click="ignore")
    body = json.dumps({"encounter_id": encounter.id, "source_name": encounter.source_name,
                       "created": encounter.created.isoformat(), "note": note.to_dict()}, indent=2)
    st.download_button("Download JSON", body, file_name=f"note-{encounter.id}.json", mime="application/json",
                       key="note_download_json", icon=":material/data_object:", on_click="ignore")

st.divider()
documents_panel(services, viewer, encounter)
