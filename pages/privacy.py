"""Privacy: purge one encounter or all of them, see what was deleted where, and read the audit log."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from scribe_core.errors import ScribeError
from scribe_core.model import Encounter, Tombstone
from ui.access import current_viewer
from ui.components import flash, show_flash
from ui.engine import engine_info
from ui.labels import engine_name, when
from ui.local_time import viewer_zone
from ui.services import get_services
from ui.state import pick_encounter, select, selected_id

services = get_services()
viewer = current_viewer()
queries = services.scribe.queries
zone = viewer_zone()  # times in the browser's time zone, named

LAST_PURGE_KEY = "privacy_last_purge"
REMOTE_WHAT = {"transcript": "Remote transcript", "upload": "Uploaded audio", "llm_request": "LLM Gateway request",
               "ehr_document": "Copy sent to the EHR", "streaming session": "AssemblyAI streaming session"}
REMOTE_HELD = {"transcript": "the remote transcript", "upload": "the uploaded audio",
               "llm_request": "the LLM Gateway request(s)"}

st.title("Privacy")
info = engine_info(services)
st.markdown(
    f"Recordings, transcripts and notes are kept on this server in `{services.settings.data_dir}`. "
    + (f"With **{info.label}**, audio is also sent to **{info.audio_goes_to}**"
       if info.audio_leaves else f"With **{info.label}**, audio stays on this machine")
    + (f" and transcript text to **{info.text_goes_to}**." if info.text_leaves else "; transcript text stays here.")
    + (" Purging deletes the remote copies (and checks they are gone), then every local file, and keeps a "
       "tombstone that records what was deleted." if info.audio_leaves or info.text_leaves else
       " Purging deletes every file of the encounter on this server and keeps a tombstone that records what "
       "was deleted.")
)
show_flash()


def deletion_rows(tombstone: Tombstone) -> list[dict[str, str]]:
    rows = [{"where": "This server", "what": item, "id": tombstone.encounter_id, "result": "deleted"}
            for item in tombstone.deleted]
    for r in tombstone.remote:
        result = "✓ deleted, confirmed" if r.confirmed else "✗ NOT confirmed"
        if r.what == "streaming session":  # nothing was held remotely, so nothing was deleted
            result = "✓ nothing kept"
        rows.append({"where": "Remote", "what": REMOTE_WHAT.get(r.what, r.what), "id": r.remote_id,
                     "result": result + (f" ({r.detail})" if r.detail else "")})
    return rows or [{"where": "-", "what": "nothing was stored", "id": tombstone.encounter_id, "result": ""}]


def purge(ids: list[str], *, unsent_signed_ok: bool = False) -> None:
    tombstones: list[Tombstone] = []
    for encounter_id in ids:
        try:
            tombstones.append(services.scribe.purge(encounter_id, by=viewer, unsent_signed_ok=unsent_signed_ok))
        except ScribeError as err:
            flash(str(err), "error")
    if selected_id() in ids:
        select(None)
    st.session_state[LAST_PURGE_KEY] = [t.encounter_id for t in tombstones]
    if tombstones:
        unconfirmed = sum(not r.confirmed for t in tombstones for r in t.remote)
        flash(f"Purged {len(tombstones)} encounter(s)." + (
            f" {unconfirmed} remote deletion(s) could not be confirmed: see below." if unconfirmed else ""),
            "warning" if unconfirmed else "success")


def what_purging_deletes(encounter: Encounter) -> str:
    """In this encounter's own terms: remote copies are promised only where some exist."""
    held = [REMOTE_HELD[kind] for kind in queries.remote_copies(viewer, encounter.id)]
    here = "its recording, transcript and note on this server"
    sent = services.documents.ehr_copies(encounter.id, by=viewer)
    ehr = (f" The note sent to the EHR ({', '.join(f'DocumentReference/{c.server_id}' for c in sent)}) is not "
           "deleted: the EHR keeps it." if sent else "")
    if not held:
        return (f"Purging deletes {here}. No copy of it is held anywhere else ({engine_name(encounter.engine)})."
                if not sent else f"Purging deletes {here}.{ehr}")
    return f"Purging deletes {', '.join(held)} (and checks they are gone), then {here}.{ehr}"


encounters = queries.encounters(viewer)
one, everything = st.columns(2, gap="large")
with one, st.container(border=True):
    st.markdown("#### Purge one encounter")
    encounter = pick_encounter(queries, viewer, key="privacy_pick", stop_if_unavailable=False)
    if encounter is None:
        if selected_id() is None:
            st.caption("There are no encounters to purge.")
    else:
        st.caption(what_purging_deletes(encounter))
        warnings = services.scribe.purge_warnings(encounter.id, by=viewer)  # the core says what to confirm
        for warning in warnings:
            st.warning(warning, icon=":material/report:")
        sure = st.checkbox("Yes, delete this encounter's recording, transcript and note everywhere"
                           + (", including the signed note that was never sent" if warnings else ""),
                           key=f"privacy_confirm_{encounter.id}")
        if st.button("Purge encounter", key="privacy_purge_one", type="primary", disabled=not sure,
                     icon=":material/delete_forever:"):
            purge([encounter.id], unsent_signed_ok=bool(warnings))
            st.rerun()
with everything, st.container(border=True):
    st.markdown("#### Purge everything")
    st.caption(f"{len(encounters)} encounter(s) stored.")
    unsent = [e for e in encounters if services.scribe.purge_warnings(e.id, by=viewer)]
    if unsent:
        st.warning(f"{len(unsent)} of them hold a signed note never sent to the EHR: purging deletes the only copy "
                   "of each signed record.", icon=":material/report:")
    sure_all = st.checkbox("Yes, delete every encounter permanently"
                           + (", including the signed notes never sent" if unsent else ""),
                           key="privacy_confirm_all", disabled=not encounters)
    if st.button("Purge all encounters", key="privacy_purge_all", type="primary",
                 disabled=not (sure_all and encounters), icon=":material/delete_sweep:"):
        purge([e.id for e in encounters], unsent_signed_ok=bool(unsent))
        st.rerun()

tombstones = queries.tombstones(viewer)
last = set(st.session_state.get(LAST_PURGE_KEY, []))
recent = [t for t in tombstones if t.encounter_id in last]
if recent:
    st.subheader("Just deleted")
    st.dataframe(pd.DataFrame([r for t in recent for r in deletion_rows(t)]), hide_index=True,
                 key="privacy_just_deleted")

st.subheader("Tombstones")
if not viewer.is_admin:
    st.caption("The encounters you purged, and those of yours purged by retention.")
if tombstones:
    st.dataframe(
        pd.DataFrame([{
            "encounter": t.encounter_id, "created": when(t.created, zone), "purged": when(t.purged, zone),
            "reason": t.reason,
            "deleted here": ", ".join(t.deleted) or "-",
            "deleted remotely": "; ".join(f"{REMOTE_WHAT.get(r.what, r.what)} {r.remote_id}: "
                                          + ("confirmed" if r.confirmed else "NOT confirmed") for r in t.remote) or "-",
        } for t in tombstones]),
        hide_index=True, key="privacy_tombstones",
    )
else:
    st.caption("Nothing has been purged yet.")

st.subheader("Audit log")
if not viewer.is_admin:
    st.caption("The audit log is shown to administrators only.")
    st.stop()
st.caption("Actions, ids and remote results only; never patient text.")
log = queries.audit_log(viewer)
if log:
    frame = pd.DataFrame(log)[["at", "action", "encounter_id", "actor", "remote_result"]]
    frame["at"] = [when(at.to_pydatetime(), zone, seconds=True) for at in pd.to_datetime(frame["at"])]
    st.dataframe(frame, hide_index=True, key="privacy_audit", height=360)
else:
    st.caption("The audit log is empty.")
