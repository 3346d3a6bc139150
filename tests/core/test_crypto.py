"""Encryption at rest: streamed files and sealed fields round-trip; tampering and wrong keys are caught."""

import io

import pytest

from scribe_core.crypto import CHUNK, DecryptionError, Vault, generate_key
from scribe_core.errors import ConfigurationError


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17])
def test_files_round_trip_at_chunk_boundaries(size):
    vault = Vault(generate_key())
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    sealed = io.BytesIO()
    assert vault.encrypt_stream(io.BytesIO(data), sealed) == size
    assert data[:64] not in sealed.getvalue() or size < 64
    assert b"".join(vault.decrypt_chunks(io.BytesIO(sealed.getvalue()))) == data


def test_truncated_or_reordered_files_are_detected():
    vault = Vault(generate_key())
    sealed = io.BytesIO()
    vault.encrypt_stream(io.BytesIO(b"a" * (2 * CHUNK + 5)), sealed)
    blob = sealed.getvalue()
    header = len(blob) - (2 * CHUNK + 5) - 3 * 16
    first, second = blob[header:header + CHUNK + 16], blob[header + CHUNK + 16:header + 2 * (CHUNK + 16)]
    truncated = blob[:header + 2 * (CHUNK + 16)]  # final chunk dropped: the new last chunk is not marked final
    swapped = blob[:header] + second + first + blob[header + 2 * (CHUNK + 16):]
    for bad in (truncated, swapped):
        with pytest.raises(DecryptionError):
            b"".join(vault.decrypt_chunks(io.BytesIO(bad)))


def test_fields_are_bound_to_their_context_and_key():
    vault = Vault(generate_key())
    token = vault.seal("I take metformin 500 mg", context="e1:transcript")
    assert "metformin" not in token
    assert vault.open(token, context="e1:transcript") == "I take metformin 500 mg"
    with pytest.raises(DecryptionError):
        vault.open(token, context="e2:transcript")  # a body copied onto another encounter
    with pytest.raises(DecryptionError):
        Vault(generate_key()).open(token, context="e1:transcript")


@pytest.mark.parametrize("key", ["", "not-base64!!", "c2hvcnQ="])
def test_missing_or_malformed_keys_are_refused_with_the_setting_named(key):
    with pytest.raises(ConfigurationError, match="SCRIBE_ENCRYPTION_KEY"):
        Vault(key)
