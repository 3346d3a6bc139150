"""AI medical scribe: the Streamlit entry point. A router only; the pages live in pages/.

Streamlit serves a deep link (e.g. /note) that is the first request after a start by running
pages/note.py on its own, without this router. So the router is not the only door: every page asks
ui.access.current_viewer() first, which runs the same sign-in gate when the router has not.

Run with `streamlit run streamlit_app.py`. Services (store, scribe, background worker) are built once
per process in ui.services; tests inject their own through st.session_state["services"].
"""

from __future__ import annotations

import streamlit as st

from scribe_core.errors import ScribeError
from ui import access
from ui.engine import engine_info, settings_rows
from ui.services import get_services
from ui.state import tell_if_unavailable

# Pages that pick an encounter themselves and already say when the requested one cannot be shown.
_PICKS_ITS_OWN = {"note", "transcript", "review", "privacy"}

st.set_page_config(page_title="AI Scribe", page_icon="🩺", layout="wide")

# The default page is served at the root and its own url_path is not served at all, so /record (a link
# people bookmark) gets a hidden second entry for the same page.
PAGES = [
    st.Page("pages/record.py", title="New encounter", icon=":material/mic:", url_path="home", default=True),
    st.Page("pages/record.py", title="New encounter", icon=":material/mic:", url_path="record",
            visibility="hidden"),
    st.Page("pages/live.py", title="Live visit", icon=":material/settings_voice:", url_path="live"),
    st.Page("pages/status.py", title="Encounters", icon=":material/monitor_heart:", url_path="status"),
    st.Page("pages/transcript.py", title="Transcript", icon=":material/record_voice_over:", url_path="transcript"),
    st.Page("pages/note.py", title="Note", icon=":material/description:", url_path="note"),
    st.Page("pages/review.py", title="Review", icon=":material/fact_check:", url_path="review"),
    st.Page("pages/privacy.py", title="Privacy", icon=":material/shield_lock:", url_path="privacy"),
    st.Page("pages/templates.py", title="Templates", icon=":material/view_agenda:", url_path="templates"),
]

page = st.navigation(PAGES)

try:
    services = get_services()
    mode = access.access_mode(services)
except ScribeError as err:  # a setting is missing or wrong: say which, and how to fix it
    st.title("Set up the scribe")
    st.error(f"The scribe cannot start yet. {err}", icon=":material/settings_alert:")
    st.markdown(
        "Settings come from the environment, a `.env` file in the folder you start the app from, or "
        "Streamlit secrets. After changing them, restart the app (`streamlit run streamlit_app.py`)."
    )
    st.code("python -m scribe_core keygen      # prints a new SCRIBE_ENCRYPTION_KEY\n"
            "echo 'SCRIBE_ENCRYPTION_KEY=<the key>' >> .env", language="bash")
    st.stop()

viewer = access.gate(services)  # signs people in, or stops here
access.admit(viewer)  # pages read it with ui.access.current_viewer()

with st.sidebar:
    access.sidebar(services, viewer, mode)
    info = engine_info(services)
    st.markdown(f"**Engine:** {info.label}")
    if info.audio_leaves:
        st.badge(f"Audio sent to {info.audio_goes_to}", icon=":material/cloud_upload:", color="orange")
    else:
        st.badge("Audio stays on this machine", icon=":material/lock:", color="green")
    st.markdown(f"**Note writer:** {info.writer_label}")
    if info.text_leaves:
        st.badge(f"Text sent to {info.text_goes_to}", icon=":material/cloud_upload:", color="orange")
    else:
        st.badge("Text stays on this machine", icon=":material/lock:", color="green")
    with st.expander("Settings", icon=":material/tune:"):
        st.caption("Set in the environment or a `.env` file. Keys are never shown, only whether they are set.")
        lines = []
        for row in settings_rows(services.settings):
            if row["status"] == "✓ configured":
                shown = ":green[✓] `" + row["value"].replace("`", "'") + "`"
            else:
                shown = {"✓ set": ":green[✓ set]", "✗ not set": ":orange[not set]"}.get(row["status"], ":gray[default]")
            lines.append(f"- `{row['setting']}` {shown}")
        st.markdown("\n".join(lines))

if page.url_path not in _PICKS_ITS_OWN:
    tell_if_unavailable(services.scribe.queries, viewer)
page.run()
