"""Scribe.import_transcript: an existing transcript becomes an encounter (drafted by a job) with no recording, owned and
audited by the one who imported it, readable only by them, re-draftable, and purged like any other."""

from __future__ import annotations

import pytest

from scribe_core.access import Viewer
from scribe_core.accounts import User
from scribe_core.bootstrap import build_services
from scribe_core.clinical import parse_transcript_text
from scribe_core.config import Settings
from scribe_core.errors import AccessDeniedError, ScribeError
from scribe_core.model import EncounterState, Transcript
from tests.clinical.conftest import VISIT

ANNA, BEN = Viewer(User("anna", "clinician")), Viewer(User("ben", "clinician"))


@pytest.fixture
def scribe(clean_scribe_env):
    services = build_services(Settings.from_env())  # the real store and the real writer choice
    yield services.scribe
    services.worker.shutdown(wait=True)


def drafted(scribe, encounter_id):
    """Wait for the encounter's draft job (the import and the re-draft only queue it)."""
    return scribe.jobs.enqueue(encounter_id).result(timeout=60)


def test_an_imported_transcript_is_a_ready_encounter_with_the_offline_note(scribe):
    encounter = scribe.import_transcript(parse_transcript_text(VISIT), "martha.txt", by=ANNA, template="aci")
    assert encounter.state == EncounterState.TRANSCRIBED  # queued: the page's request drafts nothing
    drafted(scribe, encounter.id)
    stored = scribe.queries.encounter(ANNA, encounter.id)
    assert (stored.state, stored.engine, stored.owner, stored.template) == (EncounterState.READY, "import", "anna",
                                                                            "aci")
    assert not stored.has_recording and scribe.queries.recording(ANNA, encounter.id) is None
    note = scribe.queries.note(ANNA, encounter.id)
    assert note.extractive and [s.key for s in note.sections][:2] == ["cc", "hpi"]
    assert "increase the lisinopril to 40 mg once daily" in " ".join(st.text for st in note.statements())
    assert len(scribe.queries.transcript(ANNA, encounter.id).utterances) == 15
    audit = [r for r in scribe.store.audit_log() if r["encounter_id"] == encounter.id]
    assert [(r["action"], r["actor"]) for r in reversed(audit)] == [("imported_transcript", "anna"),
                                                                    ("note_drafted", "system")]


def test_only_its_owner_sees_it_and_it_can_be_redrafted_and_purged(scribe):
    encounter = scribe.import_transcript(parse_transcript_text(VISIT), "martha.txt", by=ANNA)
    with pytest.raises(AccessDeniedError):
        scribe.queries.note(BEN, encounter.id)
    assert scribe.queries.encounters(BEN) == []
    drafted(scribe, encounter.id)
    assert scribe.redraft(encounter.id, by=ANNA, template="apso").state == EncounterState.TRANSCRIBED
    assert drafted(scribe, encounter.id).state == EncounterState.READY
    assert scribe.queries.note(ANNA, encounter.id).template == "apso"
    tombstone = scribe.purge(encounter.id, by=ANNA)
    assert sorted(tombstone.deleted) == ["note", "transcript"]
    assert scribe.queries.tombstones(ANNA)[0].encounter_id == encounter.id


def test_an_empty_transcript_or_an_unknown_template_is_refused_and_nothing_is_stored(scribe):
    with pytest.raises(ScribeError, match="no utterances"):
        scribe.import_transcript(Transcript(utterances=[]), "empty.txt", by=ANNA)
    with pytest.raises(ScribeError, match="soap"):
        scribe.import_transcript(parse_transcript_text(VISIT), "martha.txt", by=ANNA, template="nonsense")
    assert scribe.store.list() == []
