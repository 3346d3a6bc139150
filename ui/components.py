"""Small rendering helpers the pages share."""

from __future__ import annotations

import html
import mimetypes
import re
from pathlib import Path

import streamlit as st

from scribe_core.errors import ScribeError
from scribe_core.model import DOCTOR, PATIENT, Encounter, Transcript, Utterance

from .labels import StepLabel, clock, step_label

_AUDIO_TYPES = {".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".mp4": "audio/mp4", ".webm": "audio/webm",
                ".ogg": "audio/ogg", ".flac": "audio/flac", ".wav": "audio/wav"}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|$~<>:])")


def md_escape(text: str) -> str:
    """Show transcript or note text literally inside st.markdown (no formatting, links, LaTeX)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def audio_format(path: Path) -> str:
    return _AUDIO_TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0] or "audio/wav"


def recording(store, encounter_id: str) -> tuple[bytes, str] | None:  # type: ignore[no-untyped-def]
    """The stored recording, decrypted, and its MIME type; None once it is gone (purged)."""
    path = store.audio_path(encounter_id)
    if path is None or not path.exists():
        return None
    data = store.audio_bytes(encounter_id) if hasattr(store, "audio_bytes") else path.read_bytes()
    return data, audio_format(Path(path.name.removesuffix(".enc")))


def play_stretch(store, encounter_id: str, start_ms: int, end_ms: int) -> None:  # type: ignore[no-untyped-def]
    """An audio player for one stretch of the stored recording."""
    audio = recording(store, encounter_id)
    if audio is None:
        st.caption("The recording is no longer stored, so this stretch cannot be played.")
        return
    start_s = max(0, start_ms) // 1000
    end_s = max(start_s + 1, -(-end_ms // 1000))  # whole seconds around the stretch
    st.audio(audio[0], format=audio[1], start_time=start_s, end_time=end_s)
    st.caption(f"Plays {clock(start_s * 1000)} – {clock(end_s * 1000)}")


def step_badge(e: Encounter) -> StepLabel:
    label = step_label(e)
    st.badge(label.text, icon=label.icon, color=label.color)  # type: ignore[arg-type]
    return label


def role_color(role: str) -> str:
    return {DOCTOR: "blue", PATIENT: "orange"}.get(role, "gray")


_TRANSCRIPT_CSS = """
<style>
.scribe-utt {padding: .45rem .7rem; margin: 0 0 .35rem 0; border-radius: .5rem; border-left: 4px solid #e2e8f0;
             line-height: 1.45; font-size: .95rem; background: #ffffff;}
.scribe-utt.doctor {border-left-color: #3b82f6;}
.scribe-utt.patient {border-left-color: #f59e0b;}
.scribe-utt.hl {background: #fef9c3; border-left-color: #ca8a04; box-shadow: 0 0 0 1px #fde047 inset;}
.scribe-utt .who {font-weight: 600; font-size: .8rem; text-transform: uppercase; letter-spacing: .03em;}
.scribe-utt.doctor .who {color: #1d4ed8;} .scribe-utt.patient .who {color: #b45309;}
.scribe-utt .meta {color: #64748b; font-size: .78rem; margin-left: .4rem;}
.scribe-utt .txt {display: block; margin-top: .1rem;}
</style>
"""


def utterance_html(u: Utterance, *, highlight: bool = False) -> str:
    classes = ["scribe-utt", u.role.lower() if u.role in (DOCTOR, PATIENT) else "other"]
    if highlight:
        classes.append("hl")
    return (
        f'<div class="{" ".join(classes)}" data-utterance="{html.escape(u.id)}">'
        f'<span class="who">{html.escape(u.role)}</span>'
        f'<span class="meta">{html.escape(u.id)} · {clock(u.start_ms)}–{clock(u.end_ms)}</span>'
        f'<span class="txt">{html.escape(u.text)}</span></div>'
    )


def transcript_html(transcript: Transcript, highlight: set[str] | frozenset[str] = frozenset()) -> str:
    return _TRANSCRIPT_CSS + "".join(utterance_html(u, highlight=u.id in highlight) for u in transcript.utterances)


def empty_state(message: str, *, link_label: str = "Start a new encounter") -> None:
    st.info(message, icon=":material/info:")
    st.page_link("pages/record.py", label=link_label, icon=":material/mic:")


_FLASH_KEY = "_flash"


def flash(message: str, kind: str = "success") -> None:
    """Keep a message for the next run (after st.rerun), e.g. 'Note saved'."""
    st.session_state[_FLASH_KEY] = (kind, message)


def show_flash() -> None:
    kind, message = st.session_state.pop(_FLASH_KEY, (None, None))
    if message:
        icons = {"success": ":material/check_circle:", "warning": ":material/warning:", "error": ":material/error:"}
        getattr(st, kind)(message, icon=icons.get(kind))


def redraft_with_feedback(redraft, *, working: str, done: str, failed_prefix: str) -> None:  # type: ignore[no-untyped-def]
    """Run a synchronous re-draft behind a spinner, keep the outcome as a flash message, rerun the page."""
    try:
        with st.spinner(working):
            result = redraft()
        if result.error:
            flash(f"{failed_prefix}: {result.error}", "error")
        else:
            flash(done)
    except ScribeError as err:
        flash(str(err), "error")
    st.rerun()


def wait_for(services, encounter_id: str, what: str, ready) -> None:  # type: ignore[no-untyped-def]
    """While an encounter is in flight, show its step and rerun the page when `ready()` becomes true."""
    encounter = services.store.get(encounter_id)
    if not encounter.state.in_flight:
        label = step_label(encounter)
        st.warning(f"There is no {what} for this encounter. {label.text}: {label.detail}".strip(),
                   icon=":material/info:")
        return

    @st.fragment(run_every=0.3)
    def poll() -> None:
        if ready():
            st.rerun()  # the whole page, now with the content
        current = services.store.get(encounter_id)
        if not current.state.in_flight:
            st.rerun()
        with st.container(border=True):
            step_badge(current)
            label = step_label(current)
            if label.progress is not None:
                st.progress(label.progress)
            st.caption(f"The {what} appears here by itself as soon as it is ready.")

    poll()


# Scrolls the transcript's own scroll box (not the page) to the first highlighted utterance. It is a
# fixed script with no data in it; the transcript itself is rendered separately, escaped, without JS.
_SCROLL_TO_HIGHLIGHT = """
<script>
setTimeout(() => {
  const hit = parent.document.querySelector('.scribe-utt.hl') || document.querySelector('.scribe-utt.hl');
  if (!hit) return;
  let box = hit.parentElement;
  while (box && !(box.scrollHeight > box.clientHeight + 4 && /(auto|scroll)/.test(getComputedStyle(box).overflowY))) {
    box = box.parentElement;
  }
  if (box) box.scrollTo({top: hit.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop - 24,
                         behavior: 'smooth'});
}, 150);
</script>
"""


def scroll_to_highlight() -> None:
    st.html(_SCROLL_TO_HIGHLIGHT, unsafe_allow_javascript=True)
