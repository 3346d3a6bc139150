"""The command line in real subprocesses: process, show, list, purge, and a kill -9 mid-job."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from scribe_core.model import EncounterState
from tests.conftest import TEST_KEY

from .conftest import API_KEY, FAREEZ_AUDIO, configured_store

ROOT = Path(__file__).resolve().parents[2]


def cli_env(fake, data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSEMBLYAI_", "LLM_", "SCRIBE_"))}
    env.update(ASSEMBLYAI_API_KEY=API_KEY, SCRIBE_LOG_LEVEL="DEBUG", ASSEMBLYAI_BASE_URL=fake.base_url,
               LLM_GATEWAY_BASE_URL=fake.gateway_url,
               SCRIBE_DATA_DIR=str(data_dir), SCRIBE_POLL_INTERVAL_S="0.05", PYTHONPATH=str(ROOT),
               SCRIBE_ENCRYPTION_KEY=TEST_KEY)
    if os.environ.get("SCRIBE_DATABASE_URL"):  # this test's Postgres database (conftest.database_backend)
        env["SCRIBE_DATABASE_URL"] = os.environ["SCRIBE_DATABASE_URL"]
    return env


def cli(env, *args, check=True):
    result = subprocess.run([sys.executable, "-m", "scribe_core", *args], env=env, capture_output=True,
                            text=True, timeout=120)
    sink = os.environ.get("SCRIBE_TEST_LOG_SINK")
    if sink:  # the log-hygiene scan collects what the CLI logged (stderr); stdout is the user's own output
        with open(sink, "a") as f:
            f.write(result.stderr)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_process_show_list_purge_on_a_real_consultation(fake, clean_scribe_env, tmp_path):
    env = cli_env(fake, clean_scribe_env)
    note_out = tmp_path / "note.md"
    result = cli(env, "process", str(FAREEZ_AUDIO / "RES0091.mp3"), "--note-out", str(note_out))
    encounter_id = result.stdout.strip().splitlines()[-1]
    assert "engine: assemblyai" in result.stderr

    note_md = note_out.read_text()
    assert "## Subjective" in note_md and "## Plan" in note_md
    assert "[U" in note_md  # statements cite utterances

    shown = json.loads(cli(env, "show", encounter_id, "--json").stdout)
    assert shown["state"] == "ready" and shown["utterances"][0]["role"] in ("Doctor", "Patient")
    assert set(shown["utterances"][0]) == {"id", "role", "start_ms", "end_ms", "text"}
    ids = {u["id"] for u in shown["utterances"]}
    cited = [e for s in shown["note"]["sections"] for st in s["statements"] for e in st["evidence"]]
    assert cited and set(cited) <= ids
    assert encounter_id in cli(env, "list").stdout

    purged = cli(env, "purge", encounter_id).stdout
    assert "transcript confirmed" in purged
    assert list((clean_scribe_env / "audio").iterdir()) == []
    store = configured_store(clean_scribe_env)
    assert store.get(encounter_id).state == EncounterState.PURGED
    assert [t.encounter_id for t in store.tombstones()] == [encounter_id]
    assert encounter_id not in cli(env, "list").stdout


def test_failure_exits_nonzero_with_a_clear_message(fake, clean_scribe_env):
    env = cli_env(fake, clean_scribe_env) | {"ASSEMBLYAI_API_KEY": "not-the-key"}
    result = cli(env, "process", str(FAREEZ_AUDIO / "RES0091.mp3"), check=False)
    assert result.returncode == 1
    assert "ASSEMBLYAI_API_KEY" in result.stderr and "not-the-key" not in result.stderr + result.stdout
    missing = cli(env, "process", "no-such-file.mp3", check=False)
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_process_killed_mid_transcription_resumes_without_a_second_upload(fake, clean_scribe_env):
    fake.polls_before_complete = 10**6  # the transcript stays "processing" until we say so
    env = cli_env(fake, clean_scribe_env)
    job = subprocess.Popen([sys.executable, "-m", "scribe_core", "process", str(FAREEZ_AUDIO / "RES0091.mp3")],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 60
        in_flight = []
        while time.time() < deadline and not in_flight:
            time.sleep(0.1)
            if (clean_scribe_env / "scribe.sqlite3").exists() or os.environ.get("SCRIBE_DATABASE_URL"):
                store = configured_store(clean_scribe_env)
                in_flight = [e for e in store.list() if e.remote_transcript_id]
        assert in_flight, "the job never reached the transcribing step"
    finally:
        job.send_signal(signal.SIGKILL)
        job.wait()
    stuck = configured_store(clean_scribe_env).get(in_flight[0].id)
    assert stuck.state == EncounterState.TRANSCRIBING

    fake.polls_before_complete = 0
    resumed = cli(env, "resume").stdout
    assert f"{stuck.id}: ready" in resumed
    uploads = [r for r in fake.received if r.method == "POST" and r.path == "/v2/upload"]
    creates = [r for r in fake.received if r.method == "POST" and r.path == "/v2/transcript"]
    assert len(uploads) == 1 and len(creates) == 1 and len(fake.transcripts) == 1


def test_retention_from_the_command_line_deletes_a_remote_transcript_a_purge_left_pending(
    fake, clean_scribe_env, short_wav
):
    from scribe_core.access import SYSTEM

    from .conftest import FakeClock, services_against

    services = services_against(fake, clean_scribe_env, FakeClock(), poll_deadline_s=1e12)
    fake.polls_before_complete = 10**6
    encounter = services.scribe.submit(short_wav, "visit.wav")
    running = services.worker.enqueue(encounter.id)
    fake.wait_for_request("GET", "/v2/transcript/")
    services.scribe.cancel(encounter.id, by=SYSTEM)
    running.result(timeout=60)
    services.worker.shutdown()
    job_id = services.store.get(encounter.id).remote_transcript_id
    services.scribe.purge(encounter.id, by=SYSTEM)  # refused: the job is still processing
    fake.polls_before_complete = 0

    result = cli(cli_env(fake, clean_scribe_env), "retention")
    assert "remote transcripts a purge left pending: 1 deleted, 0 still pending" in result.stdout
    assert fake.transcripts[job_id]["text"] == "Deleted by user."
    [tombstone] = services.store.tombstones()
    assert {r.what: r for r in tombstone.remote}["transcript"].confirmed


def test_resume_leaves_an_encounter_a_worker_holds_to_that_worker(fake, clean_scribe_env, short_wav):
    """Another process (the app's worker on SQLite, a worker process on Postgres) may be working on an
    unfinished encounter: the command line takes the same per-encounter lock and leaves a held one alone
    (no second upload)."""
    url = os.environ.get("SCRIBE_DATABASE_URL", "")
    from .conftest import FakeClock, services_against

    services = services_against(fake, clean_scribe_env, FakeClock())
    encounter = services.scribe.submit(short_wav, "visit.wav")  # submitted, not started
    services.worker.shutdown()
    holder = subprocess.Popen(  # a worker elsewhere, working on it
        [sys.executable, "-c", "import sys, time\n"
         "from scribe_core.storage.database import Database, database_url\n"
         "db = Database(database_url(sys.argv[1], sys.argv[3]))\n"
         "with db.exclusive('encounter:' + sys.argv[2]) as held:\n"
         "    print(held, flush=True)\n"
         "    time.sleep(600)\n", url, encounter.id, str(clean_scribe_env)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "True"
        env = cli_env(fake, clean_scribe_env)
        assert f"{encounter.id}: left to the worker processing it" in cli(env, "resume").stdout
        assert not [r for r in fake.received if r.path == "/v2/upload"]
        assert configured_store(clean_scribe_env).get(encounter.id).state == EncounterState.UPLOADED
    finally:
        holder.kill()
        holder.wait(timeout=10)
    assert f"{encounter.id}: ready" in cli(cli_env(fake, clean_scribe_env), "resume").stdout
    assert len([r for r in fake.received if r.path == "/v2/upload"]) == 1
