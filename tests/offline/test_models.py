"""The Whisper model is assembled from the registry parts once and re-assembled when corrupt."""

from __future__ import annotations

import hashlib
import json

import pytest

from scribe_core.engines.offline import models
from scribe_core.errors import ConfigurationError


def _sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


@pytest.fixture
def fresh(tmp_path):
    models.forget_verification()
    yield tmp_path
    models.forget_verification()


def test_assembly_records_the_sha256_of_the_concatenated_parts(fresh):
    model_dir = models.whisper_model_dir(fresh)
    manifest = json.loads((model_dir / models.MANIFEST).read_text())
    h = hashlib.sha256()
    for part in models.model_parts():
        h.update(part.read_bytes())
    assert manifest["sha256"] == h.hexdigest() == _sha256(model_dir / "model.bin")
    assert {"config.json", "tokenizer.json", "vocabulary.txt"} <= {p.name for p in model_dir.iterdir()}


def test_a_second_call_reuses_the_assembled_model(fresh):
    first = models.whisper_model_dir(fresh)
    mtime = (first / "model.bin").stat().st_mtime_ns
    models.forget_verification()
    assert models.whisper_model_dir(fresh) == first
    assert (first / "model.bin").stat().st_mtime_ns == mtime


@pytest.mark.parametrize("damage", ["flip_byte", "truncate", "delete_side_file"])
def test_a_corrupt_model_is_reassembled(fresh, damage):
    model_dir = models.whisper_model_dir(fresh)
    good = json.loads((model_dir / models.MANIFEST).read_text())["sha256"]
    model_bin = model_dir / "model.bin"
    if damage == "flip_byte":
        with open(model_bin, "r+b") as fh:
            fh.seek(1_000_000)
            byte = fh.read(1)
            fh.seek(1_000_000)
            fh.write(bytes([byte[0] ^ 0xFF]))
    elif damage == "truncate":
        with open(model_bin, "r+b") as fh:
            fh.truncate(1000)
    else:
        (model_dir / "tokenizer.json").unlink()
    assert not models.is_intact(model_dir)

    models.forget_verification()
    assert models.whisper_model_dir(fresh) == model_dir
    assert models.is_intact(model_dir)
    assert _sha256(model_bin) == good


def test_an_override_dir_is_used_as_is(fresh, tmp_path_factory):
    other = tmp_path_factory.mktemp("my-model")
    (other / "model.bin").write_bytes(b"any ct2 model")
    assert models.whisper_model_dir(fresh, str(other)) == other
    assert not (fresh / "models").exists()


def test_an_override_without_a_model_is_a_configuration_error(fresh, tmp_path_factory):
    with pytest.raises(ConfigurationError, match="SCRIBE_WHISPER_MODEL_DIR"):
        models.whisper_model_dir(fresh, str(tmp_path_factory.mktemp("empty")))
