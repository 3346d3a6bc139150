"""At rest nothing is readable without the key; with it, everything is. Old encounters expire."""

from __future__ import annotations

import json
from datetime import timedelta

from scribe_core.model import EncounterState
from tests.conftest import TEST_KEY

from .conftest import FAREEZ_AUDIO
from .test_cli_and_restart import cli, cli_env


def raw_bytes_under(directory) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file())


def test_raw_files_and_database_hold_no_transcript_text_while_show_returns_it(fake, clean_scribe_env):
    env = cli_env(fake, clean_scribe_env)
    result = cli(env, "process", str(FAREEZ_AUDIO / "RES0091.mp3"), "--context", "respiratory follow-up")
    encounter_id = result.stdout.strip().splitlines()[-1]
    shown = json.loads(cli(env, "show", encounter_id, "--json").stdout)
    sentences = [u["text"] for u in shown["utterances"] if len(u["text"]) > 30]
    statements = [st["text"] for s in shown["note"]["sections"] for st in s["statements"]]
    assert len(sentences) > 10 and statements and shown["source_name"] == "RES0091.mp3"

    raw = raw_bytes_under(clean_scribe_env)
    leaks = [s for s in sentences + statements + ["RES0091", "respiratory follow-up"] if s.encode() in raw]
    audio = (FAREEZ_AUDIO / "RES0091.mp3").read_bytes()
    print(f"\nat rest: {len(sentences) + len(statements)} sentences checked, {len(leaks)} found in raw files")
    assert leaks == []
    assert audio[4096:4096 + 256] not in raw  # the recording is not stored in the clear either


def test_missing_or_wrong_key_stops_the_cli_with_a_clear_message(fake, clean_scribe_env):
    env = cli_env(fake, clean_scribe_env)
    cli(env, "list")  # creates the store under TEST_KEY
    missing = cli({k: v for k, v in env.items() if k != "SCRIBE_ENCRYPTION_KEY"}, "list", check=False)
    assert missing.returncode == 2 and "SCRIBE_ENCRYPTION_KEY is not set" in missing.stderr
    wrong_key = cli(env | {"SCRIBE_ENCRYPTION_KEY": cli(env, "keygen").stdout.strip()}, "list", check=False)
    assert wrong_key.returncode == 2 and "not the key the data" in wrong_key.stderr
    assert TEST_KEY not in missing.stderr + wrong_key.stderr


def test_keygen_writes_a_key_to_env_once(tmp_path):
    from tests.integration.test_cli_and_restart import ROOT  # noqa: F401  (same subprocess helpers)

    env_file = tmp_path / ".env"
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    cli(env, "keygen", "--write-env", str(env_file))
    first = env_file.read_text()
    cli(env, "keygen", "--write-env", str(env_file))
    assert env_file.read_text() == first and first.count("SCRIBE_ENCRYPTION_KEY=") == 1
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"


def test_encounters_older_than_the_retention_time_are_purged_locally_and_remotely(fake, services, short_wav):
    old = services.scribe.submit(short_wav, "old.wav")
    services.scribe.process(old.id)
    fresh = services.scribe.submit(short_wav, "fresh.wav")
    services.scribe.process(fresh.id)
    remote_id = services.store.get(old.id).remote_transcript_id

    between = old.created + (fresh.created - old.created) / 2
    tombstones = services.scribe.purge_expired(72, now=between + timedelta(hours=72))

    assert [t.encounter_id for t in tombstones] == [old.id] and tombstones[0].reason == "retention"
    assert fake.transcripts[remote_id]["text"] == "Deleted by user."
    assert services.store.get(old.id).state == EncounterState.PURGED
    assert services.store.get(fresh.id).state == EncounterState.READY
    assert services.scribe.purge_expired(0) == []  # 0 disables retention


def test_purging_an_offline_encounter_lists_no_remote_transcript(clean_scribe_env):
    import io

    from scribe_core.access import SYSTEM
    from scribe_core.bootstrap import build_services
    from scribe_core.model import Encounter, utc_now

    # The offline engine's job id ("local-…") names nothing stored elsewhere; the engine is never built.
    services = build_services(transcribers={"offline": lambda: None})  # type: ignore[dict-item]
    services.store.add(Encounter(id="off-1", created=utc_now(), source_name="visit.wav", engine="offline",
                                 remote_transcript_id="local-0123"), io.BytesIO(b"audio"), ".wav")
    services.store.update("off-1", state=EncounterState.READY)
    tombstone = services.scribe.purge("off-1", by=SYSTEM)
    assert [r for r in tombstone.remote if r.what == "transcript"] == []
    assert services.scribe.delete_pending_transcripts() == []
