"""The fake streaming server holds clients to the contract (usm-streaming-u3-pro.yml, CONTRACT §4)."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

GOOD = {"sample_rate": "16000", "encoding": "pcm_s16le", "speech_model": "u3-rt-pro"}
REPO = Path(__file__).resolve().parents[2]


def _close_code(url: str, *, headers: dict | None = None, send: list | None = None) -> tuple[int | None, str]:
    with connect(url, additional_headers=headers if headers is not None else {"Authorization": "test-key"}) as ws:
        try:
            for item in send or []:
                ws.send(item)
            while True:
                ws.recv(timeout=5)
        except ConnectionClosed as exc:
            return (exc.rcvd.code, exc.rcvd.reason) if exc.rcvd else (None, "")
    return None, ""


@pytest.mark.parametrize(("query", "message"), [
    ({**GOOD, "speech_model": "best"}, "speech_model"),
    ({k: v for k, v in GOOD.items() if k != "sample_rate"}, "sample_rate: required"),
    ({**GOOD, "keyterms_prompt": json.dumps([f"t{i}" for i in range(101)])}, "at most 100"),
    ({**GOOD, "keyterms_prompt": json.dumps(["y" * 51])}, "longer than 50"),
    ({**GOOD, "keyterms_prompt": "metformin"}, "JSON-encoded list"),
    ({**GOOD, "domain": "medical"}, "domain"),
    ({**GOOD, "max_speakers": "11"}, "outside 1..10"),
    ({**GOOD, "format_turns": "true"}, "not a Universal-3 Pro Streaming parameter"),
])
def test_invalid_connection_parameters_are_refused_with_3006(fake_streaming, query, message):
    code, _ = _close_code(f"{fake_streaming.url}?{urlencode(query)}")
    assert code == 3006
    assert any(message in e for e in fake_streaming.schema_errors), fake_streaming.schema_errors


def test_a_missing_key_is_refused_with_1008(fake_streaming):
    code, reason = _close_code(f"{fake_streaming.url}?{urlencode(GOOD)}", headers={})
    assert code == 1008 and "Authorization" in reason


@pytest.mark.parametrize(("frames", "code", "message"), [
    ([bytes(640)], 3007, "expected 50-1000 ms"),  # 20 ms: too short
    ([bytes(32000 * 2)], 3007, "expected 50-1000 ms"),  # 2 s: too long
    ([bytes(32000)] * 8, 3007, "Transmission Rate"),  # 8 s of audio at once
    (["not json"], 3006, "not valid JSON"),
    ([json.dumps({"type": "Finish"})], 3006, "unknown client message"),
    ([json.dumps({"type": "Terminate", "now": True})], 3006, "unexpected field"),
])
def test_bad_audio_chunks_and_messages_close_the_session(fake_streaming, frames, code, message):
    got, _ = _close_code(f"{fake_streaming.url}?{urlencode(GOOD)}", send=frames)
    assert got == code
    assert any(message in e for e in fake_streaming.schema_errors), fake_streaming.schema_errors


def test_the_fake_starts_from_the_shell_and_takes_faults_over_http(consultation_wav):
    proc = subprocess.Popen([sys.executable, "-m", "tests.fakes.assemblyai_streaming", "--port", "0",
                             "--audio", str(consultation_wav)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line.startswith("FAKE_ASSEMBLYAI_STREAMING_URL=ws://127.0.0.1:")
        url = line.split("=", 1)[1]
        http = url.replace("ws://", "http://").replace("/v3/ws", "")
        with urllib.request.urlopen(f"{http}/_fake/inject?kind=reject&code=1008", timeout=5) as r:
            assert json.load(r) == {"ok": True}
        code, reason = _close_code(f"{url}?{urlencode(GOOD)}")
        assert code == 1008 and "concurrent" in reason
        with urllib.request.urlopen(f"{http}/_fake/state", timeout=5) as r:
            assert json.load(r)["sessions"][0]["ended"] == "closed 1008"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
