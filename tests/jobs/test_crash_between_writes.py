"""Import and re-draft write in as few transactions as there are states: a crash between any two writes
leaves either the old state or the new one, never a ready encounter without its note. The crash is a
wrapper around the store's database that dies (a BaseException, like a kill) before the Nth write
commits; the use cases and the runner are the real ones."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from scribe_core.access import SYSTEM
from scribe_core.bootstrap import build_services
from scribe_core.clinical import parse_transcript_text
from scribe_core.config import Settings
from scribe_core.crypto import Vault
from scribe_core.errors import ScribeError
from scribe_core.model import EncounterState
from scribe_core.storage import EncounterStore
from scribe_core.worker import Worker
from tests.conftest import TEST_KEY
from tests.storage.cluster import wait_until

VISIT = "\n".join(["Doctor: What brings you in today?", "Patient: I have had a cough for ten days.",
                   "Doctor: Any fever?", "Patient: No fever, but I am taking ibuprofen 400 mg twice a day.",
                   "Doctor: I think this is a viral bronchitis; I recommend rest and fluids."])


class Crash(BaseException):
    """The process dies here: nothing after it runs, and the open transaction is never committed."""


class DiesOnWrite:
    """The store's Database, dying before the commit of its Nth transaction that writes."""

    def __init__(self, database, crash_at: int) -> None:
        self._database, self.crash_at, self.writes = database, crash_at, 0
        event.listen(database.engine, "before_cursor_execute", self._saw)

    @staticmethod
    def _saw(connection, _cursor, statement, *_args) -> None:
        if statement.lstrip().split(" ", 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            connection.info["wrote"] = True

    @contextmanager
    def transaction(self):
        with self._database.transaction() as connection:
            connection.info["wrote"] = False
            yield connection
            if connection.info.pop("wrote", False):
                self.writes += 1
                if self.writes == self.crash_at:
                    raise Crash(f"killed before write {self.writes} committed")

    def __getattr__(self, name):
        return getattr(self._database, name)


def scribe_on(data_dir, database_url: str):
    settings = Settings.from_env({"SCRIBE_DATA_DIR": str(data_dir), "SCRIBE_ENCRYPTION_KEY": TEST_KEY,
                                  "SCRIBE_DATABASE_URL": database_url, "SCRIBE_ENGINE": "offline"}, dotenv=False)
    store = EncounterStore.open(data_dir, Vault(TEST_KEY), database_url_setting=database_url)
    services = build_services(settings, store=store, transcribers={"offline": lambda: None})  # never built
    services.worker.shutdown()  # the test runs each job on its own thread, to see the crash
    runner = Worker(services.scribe, recheck_held_s=None)
    services.scribe.jobs = _Recorder()
    return services.scribe, runner


class _Recorder:
    """Stands in for the runner's queue so the test runs the job itself (runner.run_now) and sees the crash."""

    def __init__(self) -> None:
        self.queued: list[str] = []

    def enqueue(self, encounter_id, at=None):
        self.queued.append(encounter_id)


def consistent(store) -> None:
    """Old or new, never between: a stored import has its transcript; a ready one has a note in its template."""
    for encounter in store.list():
        assert store.transcript(encounter.id) is not None, "an encounter without its transcript"
        note = store.note(encounter.id)
        if encounter.state == EncounterState.READY:
            assert note is not None and note.template == encounter.template, "ready without the note it asked for"


def test_a_crash_at_any_write_of_an_import_and_its_draft_leaves_old_or_new(tmp_path, database_url):
    for crash_at in range(1, 8):
        data_dir = tmp_path / f"crash-{crash_at}"
        scribe, runner = scribe_on(data_dir, database_url)
        scribe.store.db = DiesOnWrite(scribe.store.db, crash_at)
        try:
            encounter = scribe.import_transcript(parse_transcript_text(VISIT), "visit.txt", by=SYSTEM)
            runner.run_now(encounter.id)
        except Crash:
            pass
        else:
            assert scribe.store.db.writes < crash_at, "every write was made and none crashed: raise the range"
            break
        finally:
            scribe.store.db = scribe.store.db._database
        consistent(scribe.store)
        for encounter_id in scribe.unfinished():  # the restart resumes it
            runner.run_now(encounter_id)
        consistent(scribe.store)
        assert all(e.state == EncounterState.READY for e in scribe.store.list())
        scribe.store.close()
    else:
        pytest.fail("the import never completed without a crash")


def test_a_crash_at_any_write_of_a_redraft_leaves_old_or_new(tmp_path, database_url):
    for crash_at in range(1, 8):
        scribe, runner = scribe_on(tmp_path / f"crash-{crash_at}", database_url)
        encounter = scribe.import_transcript(parse_transcript_text(VISIT), "visit.txt", by=SYSTEM)
        runner.run_now(encounter.id)
        scribe.store.db = DiesOnWrite(scribe.store.db, crash_at)
        try:
            scribe.redraft(encounter.id, by=SYSTEM, template="apso")
            runner.run_now(encounter.id)
        except Crash:
            pass
        else:
            break
        finally:
            scribe.store.db = scribe.store.db._database
        consistent(scribe.store)
        for encounter_id in scribe.unfinished():
            runner.run_now(encounter_id)
        consistent(scribe.store)
        scribe.store.close()
    else:
        pytest.fail("the re-draft never completed without a crash")
    assert scribe.store.note(encounter.id).template == "apso"


def test_a_transcript_over_the_limit_is_refused_with_the_limit_named_and_nothing_stored(tmp_path, database_url):
    scribe, _ = scribe_on(tmp_path / "data", database_url)
    lines = "\n".join(f"{'Doctor' if n % 2 else 'Patient'}: line {n} of the visit." for n in range(20_000))
    with pytest.raises(ScribeError, match=r"This transcript has 20,000 utterances; the limit is 5,000 "
                                          r"\(SCRIBE_MAX_TRANSCRIPT_UTTERANCES\)"):
        scribe.import_transcript(parse_transcript_text(lines), "long.txt", by=SYSTEM)
    assert scribe.store.list() == []


def test_a_4000_utterance_import_returns_at_once_and_is_drafted_by_a_job(tmp_path, database_url):
    settings = Settings.from_env({"SCRIBE_DATA_DIR": str(tmp_path / "data"), "SCRIBE_ENCRYPTION_KEY": TEST_KEY,
                                  "SCRIBE_DATABASE_URL": database_url, "SCRIBE_ENGINE": "offline"}, dotenv=False)
    store = EncounterStore.open(settings.data_dir, Vault(TEST_KEY), database_url_setting=database_url)
    services = build_services(settings, store=store, transcribers={"offline": lambda: None})
    lines = "\n".join(f"{'Doctor' if n % 2 else 'Patient'}: I take {n % 90 + 10} mg of lisinopril daily."
                      for n in range(4_000))
    try:
        encounter = services.scribe.import_transcript(parse_transcript_text(lines), "long.txt", by=SYSTEM)
        assert encounter.state == EncounterState.TRANSCRIBED  # queued, not drafted in the caller's request
        wait_until(lambda: store.get(encounter.id).state == EncounterState.READY, 120, "the import's draft job")
        assert len(store.transcript(encounter.id).utterances) == 4_000 and store.note(encounter.id) is not None
    finally:
        services.worker.shutdown()
        store.close()


def test_the_command_line_refuses_a_transcript_over_the_limit_before_drafting_it(tmp_path):
    import subprocess
    import sys

    from tests.storage.backends import ROOT

    long = tmp_path / "long.txt"
    long.write_text("\n".join(f"{'Doctor' if n % 2 else 'Patient'}: line {n} of the visit." for n in range(20_000)))
    done = subprocess.run([sys.executable, "-m", "scribe_core", "note", str(long), "--save"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120,
                          env={"SCRIBE_ENCRYPTION_KEY": TEST_KEY, "SCRIBE_DATA_DIR": str(tmp_path / "d"),
                               "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2
    assert "This transcript has 20,000 utterances; the limit is 5,000 (SCRIBE_MAX_TRANSCRIPT_UTTERANCES)" in done.stderr
    assert done.stdout == ""  # no note drafted or printed
