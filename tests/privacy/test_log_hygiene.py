"""Patient data and secrets never reach a log: rerun the integration and browser tests at DEBUG, search it all.

The rerun uses a random API key and a consultation full of invented names, dates of birth, phone
numbers, addresses, emails and an MRN (tests/fixtures/pii_consultation.txt). Everything it prints,
everything logged through `logging` at DEBUG, the CLI subprocesses' stderr (also at DEBUG) and the
Streamlit server's log from the browser test (streamlit and scribe_core at DEBUG) is searched for
each of them and for whole transcript sentences.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "pii_consultation.txt"
PII = ["Margaret", "Thornbury", "Okonkwo", "Priya", "Venkataraman", "14th of March 1961", "617-555-0142",
       "617-555-0199", "42 Wellington Crescent", "02446", "margaret.thornbury61@examplemail.com", "00482913"]


def sentences(text: str) -> list[str]:
    turns = [line.split(":", 1)[1].strip() for line in text.splitlines() if line[:2] in ("D:", "P:")]
    return [s.strip() for t in turns for s in t.replace("?", ".").split(".") if len(s.strip()) > 25]


def test_debug_logs_of_the_whole_integration_suite_hold_no_patient_data_or_key(tmp_path):
    key = "aai-" + secrets.token_hex(16)
    log_file, sink = tmp_path / "debug.log", tmp_path / "cli-stderr.log"
    env = dict(os.environ, SCRIBE_TEST_API_KEY=key, SCRIBE_TEST_DIALOGUE=str(FIXTURE),
               SCRIBE_TEST_LOG_SINK=str(sink), SCRIBE_LOG_LEVEL="DEBUG")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/integration", "tests/e2e/test_browser.py", "-q", "-p",
         "no:cacheprovider", "-o", "log_cli=true",
         "--log-cli-level=DEBUG", f"--log-file={log_file}", "--log-file-level=DEBUG", "-x"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    haystack = "\n".join([run.stdout, run.stderr, log_file.read_text(), sink.read_text() if sink.exists() else ""])
    needles = PII + sentences(FIXTURE.read_text()) + [key]
    # Whole words only: the ZIP code "02446" is not a leak inside an object id such as "client 140244622578832".
    hits = [n for n in needles if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", haystack)]
    log_lines = haystack.count("\n")
    print(f"\nlog hygiene: {log_lines} lines of DEBUG output scanned for {len(needles)} items, "
          f"leaks found: {len(hits)}")
    assert "DEBUG" in haystack and log_lines > 200  # the scan really saw debug output
    if Path("/usr/bin/chromium").exists():  # the browser test ran and its server log was collected
        assert "Runtime state:" in sink.read_text()  # a line Streamlit logs only at debug level
    assert hits == []
