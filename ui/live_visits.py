"""How a page gets the live-visit use cases: one LiveVisits per services object, so a visit running on
the Live visit page outlives reruns and the Encounters page sees the same running visits.

Tests put their own LiveVisits in `st.session_state["live_visits"]`, as they do the services.
"""

from __future__ import annotations

import streamlit as st

from scribe_core.bootstrap import Services
from scribe_core.live.visits import LiveVisits

LIVE_VISITS_KEY = "live_visits"


def get_live_visits(services: Services) -> LiveVisits:
    injected = st.session_state.get(LIVE_VISITS_KEY)
    if injected is not None:
        return injected
    return services.live_visits  # built once with the services (scribe_core/bootstrap.py)
