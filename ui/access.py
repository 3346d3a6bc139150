"""Sign-in at the door of the app, and which encounters the signed-in person may see.

The mode comes from scribe_core.access.decide_access: single-user on loopback with no sign-in
configured; the clinic's identity provider when `[auth]` is in .streamlit/secrets.toml (Streamlit's
st.login, OIDC); local accounts (`python -m scribe_core user add ...`) otherwise. Listening beyond
loopback with neither refuses to start. Sessions expire after SCRIBE_SESSION_IDLE_MINUTES idle.
"""

from __future__ import annotations

import time

import streamlit as st

from scribe_core.access import SINGLE_USER, AccessMode, Viewer, decide_access
from scribe_core.accounts import SignInError, User
from scribe_core.bootstrap import Services

USER_KEY = "signed_in_user"
ACTIVE_KEY = "last_activity"


def idle_limit_s(services: Services) -> float:
    return services.settings.session_idle_minutes * 60


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def access_mode(services: Services) -> AccessMode:
    address = st.get_option("server.address") or ""
    return decide_access(address, oidc_configured=_oidc_configured(),
                         local_accounts=services.scribe.accounts.exist())


def gate(services: Services) -> Viewer:
    """Return who is using the app, or render the sign-in form and stop the script run."""
    injected = st.session_state.get(USER_KEY)
    mode = access_mode(services)
    if mode == AccessMode.SINGLE_USER:
        return Viewer(injected or SINGLE_USER)
    if mode == AccessMode.OIDC:
        if not st.user.is_logged_in:
            _sign_in_header()
            st.button("Sign in", key="oidc_sign_in", type="primary", on_click=st.login)
            st.stop()
        email = str(st.user.get("email") or st.user.get("sub") or "").lower()
        return Viewer(User(email, "admin" if email in services.settings.admin_emails else "clinician"))
    # Local accounts, with an idle timeout kept in the session.
    last = st.session_state.get(ACTIVE_KEY, 0.0)
    if injected is not None and time.monotonic() - last > idle_limit_s(services):
        sign_out(services, reason="Your session expired after a period of inactivity. Sign in again.")
        injected = None
    if injected is None:
        _local_sign_in(services)
        st.stop()
    st.session_state[ACTIVE_KEY] = time.monotonic()
    return Viewer(injected)


def idle_expired(services: Services) -> bool:
    """A signed-in local session idle past its limit. Fragments that refresh by themselves check it and
    rerun the whole page, so the door signs the session out instead of the data refreshing forever."""
    if st.session_state.get(USER_KEY) is None or ACTIVE_KEY not in st.session_state:
        return False
    return time.monotonic() - st.session_state[ACTIVE_KEY] > idle_limit_s(services)


def _sign_in_header() -> None:
    st.title("Sign in")
    st.caption("This scribe holds patient recordings, transcripts and notes: sign in to continue.")
    notice = st.session_state.pop("sign_in_notice", None)
    if notice:
        st.info(notice, icon=":material/timer_off:")


def _local_sign_in(services: Services) -> None:
    _sign_in_header()
    with st.form("sign_in", border=True):
        username = st.text_input("Username", key="sign_in_username")
        password = st.text_input("Password", type="password", key="sign_in_password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        try:
            user = services.scribe.accounts.verify(username, password)
        except SignInError as err:
            st.error(str(err), icon=":material/lock:")
            return
        st.session_state[USER_KEY] = user
        st.session_state[ACTIVE_KEY] = time.monotonic()
        st.rerun()


def sign_out(services: Services, *, reason: str = "") -> None:
    user = st.session_state.pop(USER_KEY, None)
    st.session_state.pop(ACTIVE_KEY, None)
    if user is not None:
        services.scribe.signed_out(user, reason=reason)
    if reason:
        st.session_state["sign_in_notice"] = reason


def sidebar(services: Services, viewer: Viewer, mode: AccessMode) -> None:
    if mode == AccessMode.SINGLE_USER:
        st.caption(":material/computer: Single-user mode: only this computer can open the app (localhost).")
        return
    st.caption(f":material/person: Signed in as **{viewer.user.username}** ({viewer.user.role})")
    if mode == AccessMode.OIDC:
        st.button("Sign out", key="sign_out", on_click=st.logout)
    elif st.button("Sign out", key="sign_out"):
        sign_out(services)
        st.rerun()


VIEWER_KEY = "_viewer"


def admit(viewer: Viewer) -> None:
    """The router records who this script run is for, before the page runs."""
    st.session_state[VIEWER_KEY] = viewer


def current_viewer() -> Viewer:
    """Who this script run is for. Every page asks, so every page is behind the door.

    Normally the router has admitted the viewer already. A page file can also run without the router:
    Streamlit serves pages/<name>.py on its own for a deep link that is the first request after a server
    start. Then the page runs the same door itself: sign-in (or single-user mode on loopback) decides.
    """
    viewer = st.session_state.get(VIEWER_KEY)
    if isinstance(viewer, Viewer):
        return viewer
    from .services import get_services  # the door needs the services; pages import this module first

    # The router did not run, so neither did its page settings: the same wide layout as every other run.
    st.set_page_config(page_title="AI Scribe", page_icon="🩺", layout="wide")
    viewer = gate(get_services())  # renders the sign-in form and stops the run when nobody is signed in
    admit(viewer)
    return viewer
