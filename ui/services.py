"""How a page gets the scribe's services: one composition seam, explicit and testable.

Real app
    `process_services()` calls `scribe_core.bootstrap.server_services()` once per server process
    (`st.cache_resource`; settings from the environment, `.env`, then Streamlit secrets) and resumes
    whatever a crash or restart left in flight, so every browser tab shares one store and one worker.

Tests (the seam)
    Put a `Services` object in `st.session_state["services"]` before the first run
    (`at.session_state["services"] = services` with AppTest). `get_services()` checks that key first
    and never builds the process-wide services for that session.

Patient data never goes through `st.cache_data`: it is shared by every user of the server. Pages
ask `services.scribe.queries` on each run instead (checked for the viewer; one SQLite query each).
"""

from __future__ import annotations

import logging
import os

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from scribe_core.bootstrap import Services, server_services
from scribe_core.config import Settings

SERVICES_KEY = "services"


def _streamlit_secrets() -> dict[str, object]:
    """Flat keys from .streamlit/secrets.toml (same names as the environment variables), if any."""
    try:
        return st.secrets.to_dict()
    except StreamlitSecretNotFoundError:
        return {}


@st.cache_resource(show_spinner="Starting the scribe…")
def process_services() -> Services:
    """Build the real services once per process and resume unfinished encounters."""
    level = os.environ.get("SCRIBE_LOG_LEVEL")
    if level:  # our loggers only; Streamlit's own follow its --logger.level
        logging.getLogger("scribe_core").setLevel(level.upper())
        if not logging.getLogger().handlers:
            logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
    services = server_services(Settings.from_env(secrets=_streamlit_secrets()))
    services.worker.resume_unfinished()
    services.worker.start_retention(services.settings.retention_hours)
    services.live_visits.discard_expired(services.settings.retention_hours)  # visits never finished
    return services


def get_services() -> Services:
    injected = st.session_state.get(SERVICES_KEY)
    if injected is not None:
        return injected
    return process_services()
