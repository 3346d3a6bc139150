"""Smoke run of benchmarks/scale.py: a few encounters on 1 and 2 workers, then the kill run; none lost or duplicated."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from .backends import ROOT, postgres_server

LAST_LINE = re.compile(r"encounters: (\d+) completed: (\d+) failed: (\d+) lost: (\d+) duplicated: (\d+)")


@pytest.mark.slow
def test_quick_scale_run_loses_and_duplicates_nothing(tmp_path):
    server = postgres_server()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSEMBLYAI_", "LLM_", "SCRIBE_"))}
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "scale.py"), "--encounters", "8", "--workers", "1,2",
         "--database-url", server],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=400,
    )
    lines = result.stdout.strip().splitlines()
    match = LAST_LINE.fullmatch(lines[-1]) if lines else None
    assert match, (result.stdout + result.stderr)[-3000:]
    total, completed, failed, lost, duplicated = map(int, match.groups())
    assert (total, lost, duplicated) == (8, 0, 0) and completed + failed == 8 and result.returncode == 0
    assert any(line.split()[:1] == ["2"] for line in lines)  # the 2-worker run was measured beside the baseline
