"""Live visit: the browser's microphone streamed while the doctor and patient talk.

Consent (when the clinic requires it), key terms and context first; then start / pause / resume / stop,
a level meter, a timer and the transcript as it is spoken. The microphone reaches this server over
WebRTC (streamlit-webrtc and aiortc; no STUN/TURN server on loopback); the server records every chunk
encrypted and streams it to the live engine, so the browser never holds an API key. Stop turns the
visit into an ordinary encounter and opens Encounters. Visits a closed tab or a restart interrupted are
listed at the top, with all their audio, to be finished or discarded.
"""

from __future__ import annotations

import streamlit as st

from scribe_core.errors import ScribeError
from scribe_core.live.session import LiveState
from scribe_core.live.visits import LiveVisits
from scribe_core.providers import live_audio_leaves
from ui import actions
from ui.access import current_viewer
from ui.engine import engine_info, usable_engines
from ui.labels import engine_name, when
from ui.live_visits import get_live_visits
from ui.local_time import viewer_zone
from ui.microphone import microphone, nudge, reopen
from ui.services import get_services
from ui.state import select

VISIT_KEY = "live_visit_id"
REFRESH_S = 0.5

services = get_services()
viewer = current_viewer()
visits: LiveVisits = get_live_visits(services)  # one per process: running sessions outlive reruns
st.title("Live visit")
errors = st.empty()


def _open_encounter(encounter_id: str) -> None:
    services.worker.enqueue(encounter_id)
    st.session_state.pop(VISIT_KEY, None)
    select(encounter_id)
    st.switch_page("pages/status.py", query_params={"encounter": encounter_id})


visit_id = st.session_state.get(VISIT_KEY)
session = None
if visit_id:
    try:
        session = visits.session(visit_id, by=viewer)
    except ScribeError:
        st.session_state.pop(VISIT_KEY, None)  # stopped elsewhere, or the app restarted (listed below)


# AppTest cannot host the WebRTC component (it needs a live server session); page tests turn it off
# and feed the session themselves. The browser tests run it for real.
if st.session_state.get("live_microphone", True):
    microphone(session)

# -- visits a closed tab, crash or restart interrupted ------------------------------------------------
for visit in visits.interrupted(by=viewer):
    if visit.id == st.session_state.get(VISIT_KEY):
        continue
    with st.container(border=True):
        st.markdown(f"**Interrupted live visit** started {when(visit.started, viewer_zone())}, "
                    f"about {visit.recorded_s / 60:.1f} min recorded.")
        finish_col, discard_col = st.columns(2)
        if finish_col.button("Finish: transcribe and draft the note", key=f"live_finish_{visit.id}",
                             icon=":material/task_alt:"):
            try:
                _open_encounter(visits.finish(visit.id, by=viewer).id)
            except ScribeError as err:
                errors.error(str(err), icon=":material/error:")
        if discard_col.button("Discard its audio", key=f"live_discard_{visit.id}", icon=":material/delete:"):
            visits.discard(visit.id, by=viewer)
            st.rerun()

# -- before the visit ----------------------------------------------------------------------------------
if session is None:
    engines = usable_engines(services)
    engine = engines[0] if engines else None
    if len(engines) > 1:
        engine = st.radio("Engine", engines, key="live_engine", format_func=engine_name, horizontal=True)
    info = engine_info(services, engine)
    if live_audio_leaves(engine or services.settings.default_engine):
        st.caption(f"Audio is streamed to {info.audio_goes_to} while you talk (and sent again after the visit "
                   "for the final transcript). The API key stays on this server.")
    else:
        st.caption("Audio stays on this machine: the live transcript is made here, and again over the "
                   "whole recording after the visit.")
    templates = services.templates.all()  # built-in, specialty and the clinic's own (Templates page)
    names = list(templates)
    template = st.selectbox("Note template", names, key="live_template",
                            index=names.index(services.templates.default_for(viewer.name)),
                            format_func=lambda name: templates[name].title)
    keyterms = st.text_area("Key terms (optional)", key="live_keyterms", height=80,
                            placeholder="Drug names, conditions…  one per line or comma-separated")
    context = st.text_input("Visit type or context (optional)", key="live_context")
    required = services.settings.live_consent_required
    consent = st.checkbox("The patient agreed to be recorded", key="live_consent",
                          help="Recorded on the encounter's audit trail." + (" Required by this clinic."
                                                                              if required else ""))
    if st.button("Start the visit", key="live_start", type="primary", icon=":material/mic:",
                 disabled=required and not consent):
        try:
            started = visits.begin(by=viewer, consent=consent, keyterms=actions.parse_keyterms(keyterms),
                                   context=context, template=template, engine=engine)
        except ScribeError as err:
            errors.error(str(err), icon=":material/error:")
        else:
            st.session_state[VISIT_KEY] = started.encounter_id
            st.rerun()
    st.stop()

# -- during the visit ----------------------------------------------------------------------------------
live = session


pause_col, stop_col = st.columns(2)
if live.state == LiveState.RECORDING:
    if pause_col.button("Pause", key="live_pause", icon=":material/pause:"):
        live.pause()
        st.rerun()
elif pause_col.button("Resume", key="live_resume", icon=":material/play_arrow:"):
    live.resume()
    st.rerun()
if stop_col.button("Stop and draft the note", key="live_stop", type="primary", icon=":material/stop:"):
    try:
        _open_encounter(visits.stop(live.encounter_id, by=viewer).id)
    except ScribeError as err:
        errors.error(str(err), icon=":material/error:")


def _waiting_words(visit) -> str:
    if visit.microphone.reconnects and not visit.microphone.gave_up:
        return (f"Waiting for the microphone… its connection stalled and is being opened again "
                f"(try {visit.microphone.reconnects + 1}).")
    return "Waiting for the microphone… If the browser asks, allow it to use the microphone."


@st.fragment(run_every=REFRESH_S)
def _live_view() -> None:
    minutes, seconds = divmod(int(live.elapsed_s), 60)
    paused = live.state == LiveState.PAUSED
    timer_col, level_col = st.columns(2)
    timer_col.metric("Recorded" + (" (paused)" if paused else ""), f"{minutes:02d}:{seconds:02d}")
    level = max(0.0, min(1.0, (live.level_dbfs + 60) / 60))  # -60 dBFS .. 0 dBFS
    level_col.progress(level, text=f"Input level {live.level_dbfs:.0f} dBFS")
    if live.notice:
        st.warning(live.notice, icon=":material/wifi_off:")
    if live.elapsed_s == 0 and live.microphone.gave_up:
        st.warning("The microphone has not connected. Check that this browser may use the microphone (the "
                   "icon at the left of the address bar) and that no other tab holds it, then reconnect.",
                   icon=":material/mic_off:")
        if st.button("Reconnect the microphone", key="live_mic_reconnect", icon=":material/refresh:"):
            reopen(live, by_hand=True)
    nudge(live)
    dropped = live.streamer.dropped_keyterms
    if dropped:
        st.caption(f"Left out of the live transcript's key terms (at most 100, each at most 50 characters): "
                   f"{len(dropped)}. The transcript made after the visit still gets them.")
    turns = live.turns()
    with st.container(key="live_transcript"):
        if not turns:
            st.caption(_waiting_words(live) if live.elapsed_s == 0 else "The transcript appears here as you talk.")
        for turn in turns:
            text = turn.text if turn.final else f"_{turn.text}…_"
            # The live engine tells speakers apart, not who is who: Doctor and Patient are assigned
            # from the whole recording after the visit.
            st.markdown(f"**Speaker {turn.speaker}:** {text}" if turn.speaker else text)


_live_view()
