"""Shared browser-test fixtures: the fake AssemblyAI server as a subprocess."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .app_server import API_KEY, DIALOGUE

REPO = Path(__file__).resolve().parents[2]
# The fake answers "queued", then "processing" for this many polls (0.2 s apart), then "completed":
# long enough for the test to be watching the transcript page when the transcript completes.
POLLS_BEFORE_COMPLETE = 20


@pytest.fixture(scope="module")
def fake_server():
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.assemblyai", "--port", "0", "--api-key", API_KEY,
         "--polls-before-complete", str(POLLS_BEFORE_COMPLETE), *(["--dialogue", DIALOGUE] if DIALOGUE else [])],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    urls: dict[str, str] = {}
    deadline = time.monotonic() + 20
    while len(urls) < 2 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if match := re.match(r"(FAKE_ASSEMBLYAI_URL|FAKE_LLM_GATEWAY_URL)=(\S+)", line.strip()):
            urls[match.group(1)] = match.group(2)
    assert len(urls) == 2, "the fake AssemblyAI server did not start"
    yield urls
    proc.terminate()
    proc.wait(timeout=10)
