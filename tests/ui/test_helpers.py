"""The pages' pure helpers: labels, key terms, note editing, settings shown in the sidebar."""

from __future__ import annotations

from datetime import UTC, datetime

from scribe_core.config import Secret, Settings
from scribe_core.model import Encounter, EncounterState, Statement
from ui.actions import edited_statements, parse_keyterms
from ui.components import md_escape
from ui.engine import settings_rows
from ui.labels import clock, step_label

S = EncounterState


def encounter(state: EncounterState, step: str | None = None, progress: float | None = None, error=None):
    return Encounter(id="e1", created=datetime.now(UTC), source_name="a.wav", engine="assemblyai",
                     state=state, step=step, progress=progress, error=error)


def test_steps_read_as_plain_words():
    assert step_label(encounter(S.TRANSCRIBING, "uploading", 0.5)).text == "Uploading 50%"
    assert step_label(encounter(S.TRANSCRIBING, "uploading", 0.5)).progress == 0.5
    assert step_label(encounter(S.TRANSCRIBING, "queued")).text == "Queued"
    assert step_label(encounter(S.TRANSCRIBING, "processing")).text == "Processing"
    assert step_label(encounter(S.DRAFTING, "drafting")).text == "Drafting the note"
    assert step_label(encounter(S.READY, "ready")).text == "Ready"
    failed = step_label(encounter(S.FAILED, "failed", error="The key is wrong: check ASSEMBLYAI_API_KEY."))
    assert (failed.text, failed.detail) == ("Failed", "The key is wrong: check ASSEMBLYAI_API_KEY.")
    assert step_label(encounter(S.FAILED, "cancelled", error="Cancelled by the user.")).text == "Cancelled"


def test_clock_shows_minutes_seconds_and_tenths():
    assert clock(0) == "0:00.0"
    assert clock(12_345) == "0:12.3"
    assert clock(754_900) == "12:34.9"


def test_key_terms_split_on_lines_and_commas_without_blanks_or_repeats():
    assert parse_keyterms("salbutamol, Montelukast\n\n  beclometasone dipropionate ;montelukast,") == [
        "salbutamol", "Montelukast", "beclometasone dipropionate"]
    assert parse_keyterms("") == []


def test_edited_lines_keep_evidence_when_kept_or_reworded_and_new_lines_are_marked_as_the_clinicians():
    old = [Statement("Dry cough for ten days.", ["U2"]), Statement("Uses salbutamol when wheezy.", ["U4"])]
    new = edited_statements(old, "Dry cough for ten days.\nUses salbutamol 2 puffs when wheezy.\nHay fever.")
    assert [(s.text, s.evidence, s.unsupported, s.added_by_clinician) for s in new] == [
        ("Dry cough for ten days.", ["U2"], False, False),
        ("Uses salbutamol 2 puffs when wheezy.", ["U4"], False, False),
        ("Hay fever.", [], False, True),
    ]
    assert [s.text for s in edited_statements(old, "- Uses salbutamol when wheezy.\n")] == [
        "Uses salbutamol when wheezy."]
    assert edited_statements(old, "Uses salbutamol when wheezy.")[0].evidence == ["U4"]


def test_settings_rows_say_whether_a_secret_is_set_and_never_show_it(tmp_path):
    settings = Settings(assemblyai_api_key=Secret("sk-live-123"), data_dir=tmp_path, poll_interval_s=0.2)
    rows = {r["setting"]: r for r in settings_rows(settings)}
    assert rows["ASSEMBLYAI_API_KEY"]["status"] == "✓ set" and rows["ASSEMBLYAI_API_KEY"]["value"] == ""
    assert rows["LLM_API_KEY"]["status"] == "✗ not set"
    assert rows["SCRIBE_POLL_INTERVAL_S"] == {"setting": "SCRIBE_POLL_INTERVAL_S", "status": "✓ configured",
                                              "value": "0.2"}
    assert rows["LLM_MODEL"]["status"] == "default"
    assert "sk-live-123" not in repr(rows)


def test_markdown_escaping_keeps_transcript_text_literal():
    assert md_escape("*BP* 120/80 [link](x) $5 :red[x]") == (
        "\\*BP\\* 120/80 \\[link\\]\\(x\\) \\$5 \\:red\\[x\\]")


def test_a_transient_failure_reads_as_waiting_to_retry_with_its_reason():
    from datetime import timedelta

    from scribe_core.model import Encounter, EncounterState, utc_now
    from ui.labels import step_label

    e = Encounter(id="e1", created=utc_now(), source_name="a.wav", engine="assemblyai",
                  state=EncounterState.TRANSCRIBING, step="waiting to retry", attempts=1,
                  retry_at=utc_now() + timedelta(seconds=30), error="Could not reach AssemblyAI after 6 attempt(s).")
    label = step_label(e)
    assert label.text.startswith("Waiting to retry (try 2 at") and "Could not reach" in label.detail


def test_transcript_rows_have_one_fixed_height_that_wraps_two_lines_whatever_the_longest_text():
    from ui.components import TRANSCRIPT_ROW_PX, transcript_grid_height, transcript_row_height

    assert transcript_row_height([]) is None and transcript_row_height(["Any fever?", "No."]) is None
    assert TRANSCRIPT_ROW_PX > 64  # Streamlit wraps text only in rows taller than 4rem
    # One very long utterance no longer makes every row as tall as itself.
    assert transcript_row_height(["x" * 50]) == transcript_row_height(["x" * 5000, "short"]) == TRANSCRIPT_ROW_PX
    assert transcript_grid_height(40, TRANSCRIPT_ROW_PX) >= 36 + 12 * TRANSCRIPT_ROW_PX
    assert transcript_grid_height(3, TRANSCRIPT_ROW_PX) < transcript_grid_height(40, TRANSCRIPT_ROW_PX)


class LabelledEngine:
    """An engine class registered for the test below: only its declared capabilities are read."""

    name = "labelled"
    label = "Labelled engine (test)"
    sends_audio_off_device = False


def test_engine_names_are_the_labels_the_providers_declare(monkeypatch):
    from scribe_core import providers
    from ui.labels import engine_name

    for name, provider in providers.ENGINES.items():
        assert engine_name(name) == provider.capability("label")
    monkeypatch.setitem(providers.ENGINES, "labelled",
                        providers.Provider("labelled", "tests.ui.test_helpers:LabelledEngine", lambda _s: None))
    assert engine_name("labelled") == "Labelled engine (test)"  # a new engine needs no second list
    assert engine_name("unregistered") == "unregistered"


def test_times_show_in_the_viewers_zone_and_name_it():
    from zoneinfo import ZoneInfo

    from ui.labels import when

    t = datetime(2026, 11, 30, 22, 5, 7, tzinfo=UTC)
    assert when(t, ZoneInfo("America/New_York")) == "30 Nov 2026, 17:05 EST"
    assert when(t, ZoneInfo("Europe/Berlin"), seconds=True) == "30 Nov 2026, 23:05:07 CET"
    assert when(t, UTC) == "30 Nov 2026, 22:05 UTC"
    assert when(None) == ""
    from scribe_core.errors import EncounterPurgedError

    assert EncounterPurgedError.gone(t, ZoneInfo("America/Chicago")).startswith(
        "This encounter was purged on 30 Nov 2026 at 16:05 CST:")
    assert "22:05 UTC" in EncounterPurgedError.gone(t)  # the command line and logs: UTC, named
