"""The PCM every live engine and the live recording use: 16 kHz mono 16-bit, and its WAV header."""

from __future__ import annotations

import struct

SAMPLE_RATE = 16000
BYTES_PER_SAMPLE = 2
BYTES_PER_MS = SAMPLE_RATE * BYTES_PER_SAMPLE // 1000


def wav_bytes_header(n_bytes: int) -> bytes:
    """A 44-byte RIFF header for `n_bytes` of 16 kHz mono s16 PCM."""
    return (b"RIFF" + struct.pack("<I", 36 + n_bytes) + b"WAVEfmt " +
            struct.pack("<IHHIIHH", 16, 1, 1, SAMPLE_RATE, SAMPLE_RATE * 2, 2, 16) +
            b"data" + struct.pack("<I", n_bytes))
