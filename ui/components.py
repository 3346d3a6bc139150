"""Small rendering helpers the pages share."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable

import streamlit as st

from scribe_core.access import Viewer
from scribe_core.bootstrap import Services
from scribe_core.errors import EncounterUnavailableError, ScribeError
from scribe_core.model import DOCTOR, PATIENT, Encounter, Transcript, Utterance
from scribe_core.usecases.queries import EncounterQueries

from .access import idle_expired
from .labels import StepLabel, clock, step_label, time_left
from .local_time import viewer_zone

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|$~<>:])")


def md_escape(text: str) -> str:
    """Show transcript or note text literally inside st.markdown (no formatting, links, LaTeX)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def play_stretch(services: Services, viewer: Viewer, encounter_id: str, start_ms: int, end_ms: int) -> None:
    """An audio player for one stretch of the stored recording; nothing for an imported transcript (no recording)."""
    if not services.scribe.queries.encounter(viewer, encounter_id).has_recording:
        return
    audio = services.scribe.queries.recording(viewer, encounter_id)
    if audio is None:
        st.caption("The recording is no longer stored, so this stretch cannot be played.")
        return
    start_s = max(0, start_ms) // 1000
    end_s = max(start_s + 1, -(-end_ms // 1000))  # whole seconds around the stretch
    st.audio(audio.data, format=audio.mime, start_time=start_s, end_time=end_s)
    st.caption(f"Plays {clock(start_s * 1000)} – {clock(end_s * 1000)}")


# The transcript table's text column: narrow enough that every column (and the row-selection
# checkbox) fits beside the utterance panel in a 1400 px window, ~36 characters a line; rows grow to
# show the wrapped text, and the grid widens the column in a wider window.
TRANSCRIPT_TEXT_WIDTH_PX = 270
# Every row of the transcript grid is the same height: two wrapped lines, so a visit's rows stay
# readable side by side (a row as tall as the longest utterance left three rows in view). The full text of
# a longer utterance shows on selection, in the panel beside the grid.
TRANSCRIPT_ROW_PX = 65  # Streamlit wraps a text cell only in rows taller than 4rem (64 px)
_HEADER_PX = 36
_ROWS_SHOWN = 13


def transcript_row_height(texts: list[str]) -> int | None:
    """The fixed row height when any utterance needs wrapping; None keeps Streamlit's single-line rows."""
    return TRANSCRIPT_ROW_PX if any(len(t) > 40 for t in texts) else None


def transcript_grid_height(rows: int, row_px: int | None) -> int:
    """Tall enough for up to 13 rows, so about 12 are in view below the page's controls at 1080 px."""
    return _HEADER_PX + (row_px or 35) * max(1, min(rows, _ROWS_SHOWN)) + 2


def step_badge(e: Encounter) -> StepLabel:
    label = step_label(e, viewer_zone())
    st.badge(label.text, icon=label.icon, color=label.color)
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


def redraft_with_feedback(redraft: Callable[[], Encounter], *, working: str, done: str, failed_prefix: str) -> None:
    """Queue a re-draft (a job drafts it; the page never does), keep the outcome as a flash message, rerun
    the page, which follows the job's progress (`wait_for`)."""
    try:
        result = redraft()
        if result.error:
            flash(f"{failed_prefix}: {result.error}", "error")
        elif result.state.in_flight:
            flash(f"{working} The new draft appears by itself when it is ready.")
        else:
            flash(done)
    except ScribeError as err:
        flash(str(err), "error")
    st.rerun()


def job_progress(queries: EncounterQueries, viewer: Viewer, label: StepLabel, e: Encounter) -> None:
    """A job's progress bar and, for an offline job, its time left. The bar spans the whole offline job
    (every step, from the core's shares), so it moves as each step finishes; a remote job shows its
    step's own progress (an upload's share sent) when it has one."""
    done = queries.share_done(viewer, e)
    shown = done if done is not None else label.progress
    if shown is not None:
        st.progress(shown)
    left = queries.time_left_s(viewer, e)
    if left is not None:
        st.caption(f":material/timer: {time_left(left).capitalize()} (estimated from this machine's speed)")


def wait_for(services: Services, viewer: Viewer, encounter_id: str, what: str, ready: Callable[[], object]) -> None:
    """While an encounter is in flight, show its step and rerun the page when `ready()` becomes true."""
    queries = services.scribe.queries
    encounter = queries.encounter(viewer, encounter_id)
    if not encounter.state.in_flight:
        label = step_label(encounter, viewer_zone())
        st.warning(f"There is no {what} for this encounter. {label.text}: {label.detail}".strip(),
                   icon=":material/info:")
        return

    # Once a second: each poll is a page-fragment run on the server that every other tab shares.
    @st.fragment(run_every=1.0)
    def poll() -> None:
        if ready() or idle_expired(services):  # idle: the whole page reruns and the door signs out
            st.rerun()  # the whole page, now with the content
        try:
            current = queries.encounter(viewer, encounter_id)
        except EncounterUnavailableError:
            st.rerun()  # purged meanwhile: the page says so
        if not current.state.in_flight:
            st.rerun()
        with st.container(border=True):
            job_progress(queries, viewer, step_badge(current), current)
            st.caption(f"The {what} appears here by itself as soon as it is ready.")

    poll()


# Scrolls the transcript's own scroll box (not the page) to the first evidence utterance. The script
# names only the utterance id (like "U37", never its words), and differs for each pick: Streamlit leaves an
# unchanged st.html element in place, so a fixed script ran once and later picks never scrolled. It waits
# for the transcript to be drawn (it may arrive after the script) rather than trusting one fixed delay.
_SCROLL_TO_UTTERANCE = """
<script>
(() => {
  const wanted = %s;
  let tries = 0;
  const go = () => {
    const doc = parent.document || document;
    const hit = [...doc.querySelectorAll('.scribe-utt.hl')].find(el => el.dataset.utterance === wanted);
    if (!hit) { if (++tries < 40) setTimeout(go, 100); return; }
    let box = hit.parentElement;
    while (box && !(box.scrollHeight > box.clientHeight + 4 && /(auto|scroll)/.test(getComputedStyle(box).overflowY))) {
      box = box.parentElement;
    }
    if (box) box.scrollTop = hit.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop - 24;
    hit.scrollIntoView({block: 'nearest'});
  };
  setTimeout(go, 50);
})();
</script>
"""


def scroll_to_utterance(utterance_id: str) -> None:
    """Bring the utterance (highlighted in transcript_html) into view within its scroll box."""
    st.html(_SCROLL_TO_UTTERANCE % json.dumps(utterance_id), unsafe_allow_javascript=True)
