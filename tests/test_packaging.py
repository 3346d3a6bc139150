"""`pip install .` and `pip install -e .` give a working `scribe` command in a fresh virtual environment.

The fresh venv sees this project's installed dependencies through a .pth file (nothing is downloaded:
`--no-deps --no-build-isolation`), but the scribe itself comes only from the install under test: the
command runs from an empty directory, and the test checks where `scribe_core` was imported from and
that every declared dependency is satisfied.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What a source distribution holds: the package, its metadata and the requirements it reads.
SOURCE = ("scribe_core", "pyproject.toml", "requirements.txt", "README.md")

pytestmark = pytest.mark.slow


def _fresh_venv(where: Path) -> Path:
    venv.EnvBuilder(with_pip=True).create(where)
    python = where / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    # The project's dependencies, visible but not installed here (the scribe itself is not among them).
    (Path(site) / "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def _source_copy(where: Path) -> Path:
    for name in SOURCE:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, where / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, where / name)
    return where


@pytest.mark.parametrize("editable", [False, True], ids=["install", "editable"])
def test_pip_install_gives_a_working_scribe_command(tmp_path, editable):
    assert "scribe_core" not in {p.name for p in Path(sysconfig.get_paths()["purelib"]).iterdir()}
    python = _fresh_venv(tmp_path / "venv")
    source = _source_copy(tmp_path / "src")
    install = [python, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index",
               *(["-e"] if editable else []), str(source)]
    done = subprocess.run(install, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]

    empty = tmp_path / "elsewhere"
    empty.mkdir()
    scribe = tmp_path / "venv" / "bin" / "scribe"
    help_text = subprocess.run([scribe, "--help"], capture_output=True, text=True, cwd=empty, timeout=120)
    assert help_text.returncode == 0, help_text.stderr[-3000:]
    as_module = subprocess.run([python, "-m", "scribe_core", "--help"], capture_output=True, text=True, cwd=empty)
    assert help_text.stdout == as_module.stdout and "process" in help_text.stdout

    where = subprocess.run([python, "-c", "import scribe_core, importlib.metadata as m; print(scribe_core.__file__);"
                            "from packaging.requirements import Requirement as R;"
                            "print([str(r) for r in map(R, m.requires('ai-scribe')) "
                            "if not r.specifier.contains(m.version(r.name))])"],
                           capture_output=True, text=True, cwd=empty, check=True).stdout.splitlines()
    expected_home = source if editable else tmp_path / "venv"
    assert Path(where[0]).is_relative_to(expected_home), where[0]
    assert where[1] == "[]", f"declared dependencies not satisfied: {where[1]}"
    if not editable:  # package data ships with the wheel
        installed = Path(where[0]).parent
        assert list(installed.glob("documents/templates/builtin/*.toml")) and (installed / "py.typed").exists()
    assert sys.executable  # the test ran under the project's interpreter
