"""Importing the scribe does no heavy work: no password hash, no model library."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, sys, time
started = time.perf_counter()
import scribe_core.cli, ui.access
seconds = time.perf_counter() - started
from scribe_core import accounts
heavy = sorted(m for m in ("faster_whisper", "presidio_analyzer", "spacy", "ctranslate2") if m in sys.modules)
print(json.dumps({"hashes": accounts._dummy_hash.cache_info().currsize, "heavy": heavy, "seconds": seconds}))
"""


def test_importing_the_cli_and_the_sign_in_page_computes_no_password_hash():
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True)
    found = json.loads(out.stdout.splitlines()[-1])
    print(f"\nimport scribe_core.cli + ui.access: {found['seconds']:.2f} s")
    assert found["hashes"] == 0  # the 64 MiB Argon2 dummy hash is made on the first sign-in, not at import
    assert found["heavy"] == []  # no model library is loaded by importing the CLI or the sign-in page
