"""The browser's microphone on the Live visit page (streamlit-webrtc over aiortc), opened again when its
connection stalls before any audio arrived (the rule is scribe_core/live/microphone.py).

Reopening uses the component's own controls: the page asks it to stop, which closes the browser's peer
connection and the server's worker, and once both are gone, to play again, which starts a fresh one.
Only one connection ever feeds a visit.
"""

from __future__ import annotations

import logging

import streamlit as st
from streamlit_webrtc import WebRtcMode, webrtc_streamer

from scribe_core.live.session import LiveSession

logger = logging.getLogger(__name__)


def microphone(visit: LiveSession | None) -> None:
    """Mounted before the visit too, at the same place on the page, so that Start only flips it to playing:
    mounting it already playing lets streamlit-webrtc's frontend start several peer connections at once
    (it starts on every render until signalling begins), and the browser then waits out a failed one
    (about 15 s) before the microphone comes up."""

    async def on_frames(frames):  # every frame that arrived since the last call (20 ms each), in order
        # Not `audio_frame_callback`: when the machine is busy it hands over only the newest of the
        # queued frames and drops the rest, which would cut holes in the recording.
        if visit is not None:
            for frame in frames:
                visit.feed_frame(frame)
        return frames

    closing = visit is not None and visit.microphone.keep_closed()
    try:
        context = webrtc_streamer(
            key="live_mic", mode=WebRtcMode.SENDONLY, queued_audio_frames_callback=on_frames,
            media_stream_constraints={"audio": {"echoCancellation": False, "noiseSuppression": False,
                                                "autoGainControl": False}, "video": False},
            rtc_configuration={"iceServers": []}, desired_playing_state=visit is not None and not closing,
        )
        offered = context.state.signalling or context.state.playing
    except Exception as err:  # noqa: BLE001 - the page must stay usable (Stop, Pause) whatever the widget does
        # streamlit-webrtc waits 10 s for the server's answer to the browser's offer, then raises
        # (SignallingTimeoutError): that offer is dead, and the connection is reopened at once.
        logger.warning("The microphone's connection failed (%s); reopening it", type(err).__name__)
        if visit is None:
            return
        offered = True
        if not closing:
            visit.microphone.failed()
    if visit is None:
        return
    visit.microphone.seen(offered=offered)
    if visit.microphone_reopen_due:
        reopen(visit)


def reopen(visit: LiveSession, *, by_hand: bool = False) -> None:
    """Close the visit's microphone connection and open a new one (the page runs again)."""
    visit.microphone.reconnecting(by_hand=by_hand)
    st.rerun(scope="app")


def nudge(visit: LiveSession) -> None:
    """From the live view's fragment, which runs every half second: closing a stalled connection, or
    opening the fresh one once the old is gone, needs the whole page to run, and nothing else would run it."""
    if visit.microphone_page_run_due:
        st.rerun(scope="app")
