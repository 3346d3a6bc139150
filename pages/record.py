"""New encounter: upload or record a consultation, import an existing transcript, or try the bundled sample."""

from __future__ import annotations

import streamlit as st

from scribe_core.errors import ScribeError
from scribe_core.patient import PatientIdentity
from scribe_core.usecases import AudioSource
from ui import actions
from ui.access import current_viewer
from ui.engine import engine_info, usable_engines
from ui.labels import engine_name
from ui.services import get_services
from ui.state import select

services = get_services()
viewer = current_viewer()
first_visit = not services.scribe.queries.encounters(viewer)
info = engine_info(services)
templates = services.templates
TEMPLATES = templates.all()  # built-in, specialty and the clinic's own (Templates page)

st.title("New encounter")
errors = st.empty()
clicked: str | None = None

if first_visit:
    with st.container(border=True):
        st.markdown("#### Welcome to the AI medical scribe")
        st.markdown(
            "Give it a recorded consultation and it writes the **transcript** (who said what, Doctor or "
            "Patient) and drafts a **clinical note** (SOAP by default). Every statement in the note links "
            "to the words it came from, so you can check it against the recording before you use it."
        )
        where = (f"audio is sent to **{info.audio_goes_to}**" if info.audio_leaves
                 else "audio stays **on this machine**")
        st.markdown(f"Engine in use: **{info.label}**: {where}.")
        if not services.settings.assemblyai_api_key:
            st.caption("No `ASSEMBLYAI_API_KEY` is set, so the offline engine is used. "
                       "Set the key in the environment or `.env` to use AssemblyAI.")
        if st.button("Try the sample consultation", key="welcome_sample", type="primary",
                     icon=":material/play_circle:"):
            clicked = "sample"
        st.caption("A 7-minute simulated respiratory consultation: Fareez et al., *Scientific Data* 9:313 "
                   "(2022), CC BY 4.0.")

left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader("Recording")
    upload_tab, record_tab, import_tab = st.tabs(["Upload a file", "Record here", "Import a transcript"])
    with upload_tab:
        uploaded = st.file_uploader(
            "Consultation recording", type=actions.UPLOAD_TYPES, key="record_file",
            help="WAV, MP3, M4A, MP4, WebM, OGG or FLAC. The file is checked by its content, not its name.",
        )
        if st.button("Transcribe and draft note", key="record_submit_file", type="primary",
                     disabled=uploaded is None, icon=":material/upload:"):
            clicked = "file"
    with record_tab:
        recording = st.audio_input("Record the consultation", key="record_mic", sample_rate=16000)
        if st.button("Transcribe and draft note", key="record_submit_mic", type="primary",
                     disabled=recording is None, icon=":material/graphic_eq:"):
            clicked = "mic"
    with import_tab:
        transcript_file = st.file_uploader(
            "Transcript file", type=["txt", "json"], key="record_transcript_file",
            help="Plain text with 'Doctor: …' / 'Patient: …' lines, ACI-Bench '[doctor] …' / '[patient] …' lines, "
                 "or an AssemblyAI transcript JSON. The note is drafted on this machine; there is no recording.",
        )
        if st.button("Import and draft note", key="record_submit_transcript", type="primary",
                     disabled=transcript_file is None, icon=":material/description:"):
            clicked = "transcript"
    if not first_visit:
        st.caption("No recording at hand?")
        if st.button("Try the sample consultation", key="record_sample", icon=":material/play_circle:"):
            clicked = "sample"

with right:
    st.subheader("Patient")
    patient_name = st.text_input("Patient name (optional)", key="record_patient_name",
                                 placeholder="e.g. Ana Diaz",
                                 help="Shown on every page and in the encounter list so you can tell visits "
                                      "apart. Kept encrypted on this machine.")
    patient_mrn = st.text_input("Record number / MRN (optional)", key="record_patient_mrn",
                                placeholder="e.g. 4471902",
                                help="Letters, digits, dashes and dots, as in the clinic's records. Used as the "
                                     "patient identifier when the note is sent to the EHR.")
    st.subheader("Options")
    names = list(TEMPLATES)
    template = st.selectbox("Note template", names, key="record_template",
                            index=names.index(templates.default_for(viewer.name)),
                            format_func=lambda name: TEMPLATES[name].title)
    keyterms = st.text_area(
        "Key terms (optional)", key="record_keyterms", height=100,
        placeholder="Drug names, conditions, people's names…\none per line or comma-separated",
        help="Words the transcriber should expect, e.g. salbutamol, montelukast.",
    )
    context = st.text_input("Visit type or context (optional)", key="record_context",
                            placeholder="e.g. follow-up, asthma review")
    engines = usable_engines(services)
    engine = engines[0] if engines else None
    if len(engines) > 1:
        engine = st.radio("Engine", engines, key="record_engine", format_func=engine_name, horizontal=True)

if clicked:
    patient = PatientIdentity(patient_name, patient_mrn)  # checked by the core before anything is stored
    try:
        if clicked == "sample":
            encounter = actions.start_sample(services, by=viewer, template=template, engine=engine, patient=patient)
        elif clicked == "transcript":
            if transcript_file is None:
                st.stop()
            encounter = services.scribe.import_transcript_file(transcript_file.name, transcript_file.getvalue(),
                                                               by=viewer, template=template, patient=patient)
            select(encounter.id)
            st.switch_page("pages/note.py", query_params={"encounter": encounter.id})
        else:
            audio = uploaded if clicked == "file" else recording
            if audio is None:  # the button is disabled until there is one; a stale click finds none
                st.stop()
            name = audio.name if clicked == "file" else "recording.wav"
            source = AudioSource.FILE if clicked == "file" else AudioSource.MICROPHONE
            encounter = actions.start_encounter(services, audio, name, by=viewer, source=source,
                                                keyterms_text=keyterms, context=context, template=template,
                                                engine=engine, patient=patient)
    except ScribeError as err:
        errors.error(str(err), icon=":material/error:")
    else:
        select(encounter.id)
        st.switch_page("pages/status.py", query_params={"encounter": encounter.id})
