"""Encryption at rest for recordings, transcripts and notes (AES-256-GCM, `cryptography`).

The key is SCRIBE_ENCRYPTION_KEY: 32 random bytes in url-safe base64, the format
`Fernet.generate_key()` prints (`python -m scribe_core keygen` makes one). There is no plaintext
mode: a missing key, a malformed key or the wrong key is an error at start.

Small values (database fields) are sealed whole: `b"S1" + nonce(12) + ciphertext+tag`, base64 text.
Files are sealed in 1 MiB chunks so a 2 GB recording never sits in memory: each chunk is its own
GCM message whose nonce is the file's random 8-byte prefix plus the chunk counter, and whose
associated data marks the final chunk, so reordering, dropping or truncating chunks is detected
(the STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár, 2015).
"""

from __future__ import annotations

import base64
import binascii
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import ConfigurationError, ScribeError

FIELD_MAGIC = b"S1"
FILE_MAGIC = b"SCRIBE-AUDIO-1\n"
CHUNK = 1 << 20
_TAG = 16


class DecryptionError(ScribeError):
    pass


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


class Vault:
    def __init__(self, key: str) -> None:
        if not key:
            raise ConfigurationError(
                "SCRIBE_ENCRYPTION_KEY is not set. Patient data is always encrypted at rest: create a key "
                "with `python -m scribe_core keygen` and put it in your environment, .env or Streamlit secrets. "
                "Keep a copy somewhere safe: without it the stored encounters cannot be read."
            )
        try:
            raw = base64.urlsafe_b64decode(key.strip().encode())
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 32:
            raise ConfigurationError(
                "SCRIBE_ENCRYPTION_KEY is not a valid key (it must be 32 bytes in url-safe base64, as "
                "`python -m scribe_core keygen` prints)."
            )
        self._aead = AESGCM(raw)

    # -- fields ---------------------------------------------------------------------------------
    def seal(self, plaintext: str, *, context: str = "") -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), context.encode())
        return base64.b64encode(FIELD_MAGIC + nonce + sealed).decode()

    def open(self, token: str, *, context: str = "") -> str:
        try:
            blob = base64.b64decode(token.encode(), validate=True)
            if not blob.startswith(FIELD_MAGIC):
                raise ValueError("not sealed")
            nonce, sealed = blob[2:14], blob[14:]
            return self._aead.decrypt(nonce, sealed, context.encode()).decode()
        except (InvalidTag, ValueError, binascii.Error) as exc:
            raise DecryptionError(
                "Stored data could not be decrypted: SCRIBE_ENCRYPTION_KEY is not the key it was written with."
            ) from exc

    # -- files ----------------------------------------------------------------------------------
    def encrypt_stream(self, source: BinaryIO, target: BinaryIO) -> int:
        """Encrypt `source` into `target` chunk by chunk; returns plaintext bytes written."""
        prefix = os.urandom(8)
        target.write(FILE_MAGIC + prefix)
        total, index = 0, 0
        chunk = source.read(CHUNK)
        while True:
            following = source.read(CHUNK) if chunk else b""
            final = not following
            nonce = prefix + struct.pack(">I", index)
            target.write(self._aead.encrypt(nonce, chunk, b"final" if final else b"more"))
            total += len(chunk)
            if final:
                return total
            chunk, index = following, index + 1

    def decrypt_chunks(self, source: BinaryIO) -> Iterator[bytes]:
        header = source.read(len(FILE_MAGIC) + 8)
        if not header.startswith(FILE_MAGIC) or len(header) != len(FILE_MAGIC) + 8:
            raise DecryptionError("The stored recording is not an encrypted scribe file (damaged or replaced).")
        prefix = header[len(FILE_MAGIC):]
        index = 0
        block = source.read(CHUNK + _TAG)
        while True:
            following = source.read(CHUNK + _TAG)
            final = not following
            nonce = prefix + struct.pack(">I", index)
            try:
                yield self._aead.decrypt(nonce, block, b"final" if final else b"more")
            except InvalidTag as exc:
                raise DecryptionError(
                    "The stored recording could not be decrypted: wrong SCRIBE_ENCRYPTION_KEY, or the file "
                    "was damaged or truncated."
                ) from exc
            if final:
                return
            block, index = following, index + 1

    def decrypt_file(self, source: Path, target: Path) -> None:
        with open(source, "rb") as src, open(target, "wb") as out:
            for chunk in self.decrypt_chunks(src):
                out.write(chunk)
