"""Every scribe_core module imports on its own, first, in a fresh interpreter: no import cycles."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The modules a caller is likely to import first; each in its own interpreter, since the order matters.
ENTRY_MODULES = ["scribe_core.usecases.queries", "scribe_core.usecases", "scribe_core.usecases.scribe",
                 "scribe_core.bootstrap", "scribe_core.cli", "scribe_core.access", "scribe_core.documents"]


@pytest.mark.parametrize("module", ENTRY_MODULES)
def test_module_imports_first_in_a_fresh_interpreter(module):
    done = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
