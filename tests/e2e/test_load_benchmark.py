"""Smoke run of benchmarks/load.py: a few encounters at once while the browser keeps the app open."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium", allow_module_level=True)


def test_load_benchmark_reports_renders_under_load_and_throughput():
    run = subprocess.run([sys.executable, "benchmarks/load.py", "--encounters", "4", "--samples", "4"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    print(run.stdout)
    assert re.search(r"during 4 encounters\s+\d+\s+\d+", run.stdout)
    assert re.search(r"throughput: 4/4 ready in", run.stdout)
