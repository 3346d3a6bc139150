"""Smoke run of benchmarks/faults.py: a few encounters through every fault phase, none lost or duplicated."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import FAREEZ_AUDIO

ROOT = Path(__file__).resolve().parents[2]
LAST_LINE = re.compile(r"encounters: (\d+) completed: (\d+) failed: (\d+) lost: (\d+) duplicated: (\d+)")


@pytest.mark.skipif(not (FAREEZ_AUDIO / "RES0091.mp3").exists(), reason="needs the Fareez OSCE audio in shared/")
def test_quick_fault_run_loses_and_duplicates_nothing(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSEMBLYAI_", "LLM_", "SCRIBE_"))}
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "faults.py"), "--encounters", "5", "--quick", "--seed", "1",
         "--audio", str(FAREEZ_AUDIO / "RES0091.mp3")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    output = result.stdout + result.stderr
    match = LAST_LINE.fullmatch(result.stdout.strip().splitlines()[-1]) if result.stdout.strip() else None
    assert match, output[-3000:]
    total, completed, failed, lost, duplicated = map(int, match.groups())
    assert total == 5 and completed + failed + lost == 5
    assert lost == 0 and duplicated == 0, output[-3000:]
    assert result.returncode == 0, output[-3000:]
    for phase in ("429 storm", "5xx bursts", "connection resets", "outage", "kill -9 + resume"):
        assert phase in result.stdout
