"""Fuzz `validate` with 10,000+ generated files: it must refuse or accept each one, never crash or hang.

Inputs (hypothesis, derandomized so every run checks the same files): random bytes; real small recordings
(WAV, MP3, FLAC, OGG, WebM, M4A and the start of a real MP3) with bit flips, overwritten bytes, truncation,
inserted junk and splices of other files; audio container headers (RIFF/WAVE, ID3, fLaC, OggS, EBML, ftyp)
with random fields and payloads; and executable magic bytes with anything after them.

A crash is any exception other than InvalidAudioError, or a rejection with an empty reason; a hang is one
input taking more than HANG_S. The test prints `fuzz inputs: N crashes: C hangs: H` and requires C = H = 0.
"""

from __future__ import annotations

import hashlib
import struct
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scribe_core.audio import ACCEPTED_SUFFIXES, validate
from scribe_core.errors import InvalidAudioError
from tests.security import CODECS, signal, write_audio

EXAMPLES = 10_000
HANG_S = 5.0
REAL_MP3 = Path(__file__).resolve().parents[3] / "shared" / "data" / "fareez-osce" / "audio" / "RES0091.mp3"

EXECUTABLE_MAGIC = [b"\x7fELF", b"MZ", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
                    b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!/bin/sh\n", b"#! /usr/bin/env python\n"]
AUDIO_MAGIC = [b"RIFF\x24\x00\x00\x00WAVEfmt ", b"ID3\x03\x00\x00\x00\x00\x00\x00", b"fLaC\x00\x00\x00\x22",
               b"OggS\x00\x02", b"\x1a\x45\xdf\xa3", b"\x00\x00\x00\x20ftypM4A ", b"\xff\xfb\x90\x64",
               b"FORM\x00\x00\x10\x00AIFF", b"caff\x00\x01\x00\x00", b"\xff\xf1\x50\x80"]


def make_seeds(folder: Path) -> list[bytes]:
    """Small real recordings (1.2 s each, under 40 KB) to mutate, and the first 24 KB of a real MP3."""
    seeds = [write_audio(folder / f"seed{suffix}", signal(1.2, rate, seed=5)).read_bytes()
             for suffix, (_fmt, _codec, rate, _sf) in CODECS.items()]
    return [*seeds, REAL_MP3.read_bytes()[:24_000]]


def wav_header(fields: tuple[int, int, int, int, int, int]) -> bytes:
    fmt_tag, channels, rate, bits, data_size, riff_size = fields
    block = max(1, channels * max(bits, 8) // 8)
    fmt = struct.pack("<HHIIHH", fmt_tag, channels, rate, (rate * block) & 0xFFFFFFFF, block & 0xFFFF, bits)
    return b"RIFF" + struct.pack("<I", riff_size) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + \
        struct.pack("<I", data_size)


@st.composite
def mutated(draw, seeds: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["flip", "set", "truncate", "insert", "splice", "zero", "head"]))
        if not data:
            break
        pos = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "set":
            data[pos] = draw(st.sampled_from([0x00, 0xFF, 0x7F, 0x80, draw(st.integers(0, 255))]))
        elif op == "truncate":
            del data[pos:]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(max_size=64))
        elif op == "splice":
            other = draw(st.sampled_from(seeds))
            start = draw(st.integers(0, len(other) - 1))
            data[pos:pos + draw(st.integers(0, 4096))] = other[start:start + draw(st.integers(1, 4096))]
        elif op == "zero":
            end = pos + draw(st.integers(1, 2048))
            data[pos:end] = bytes(len(data[pos:end]))
        else:  # rewrite a header byte, where parsers are most fragile
            data[pos % 64] = draw(st.integers(0, 255))
    return bytes(data)


def inputs(seeds: list[bytes]):
    random_bytes = st.binary(max_size=4096)
    headers = st.builds(lambda magic, tail: magic + tail, st.sampled_from(AUDIO_MAGIC), st.binary(max_size=2048))
    executables = st.builds(lambda magic, tail: magic + tail, st.sampled_from(EXECUTABLE_MAGIC),
                            st.binary(max_size=1024))
    wav_fields = st.tuples(st.sampled_from([1, 3, 6, 7, 0xFFFE, 0, 0xFFFF]), st.integers(0, 300),
                           st.sampled_from([0, 1, 8000, 16000, 44100, 192000, 0xFFFFFFFF]),
                           st.sampled_from([0, 1, 8, 16, 24, 32, 64, 0xFFFF]),
                           st.sampled_from([0, 1, 100, 32000, 0x7FFFFFFF, 0xFFFFFFFF]),
                           st.sampled_from([0, 36, 1000, 0xFFFFFFFF]))
    crafted_wav = st.builds(lambda fields, body: wav_header(fields) + body, wav_fields, st.binary(max_size=4096))
    tone_wav = st.builds(lambda fields: wav_header(fields) + seeds[0][44:20_000], wav_fields)
    return st.tuples(
        st.one_of(mutated(seeds), mutated(seeds), mutated(seeds), random_bytes, headers, executables,
                  crafted_wav, tone_wav),
        st.sampled_from(ACCEPTED_SUFFIXES + (".bin", "")),
    )


@pytest.mark.timeout(900)
def test_fuzz_validate_never_crashes_or_hangs(tmp_path, capsys):
    seeds = make_seeds(tmp_path)
    assert all(0 < len(s) <= 64_000 for s in seeds)
    stats = {"inputs": 0, "crashes": 0, "hangs": 0, "accepted": 0}
    codes: dict[str, int] = {}
    failures: list[str] = []
    slowest = [0.0]

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=inputs(seeds))
    def one(case: tuple[bytes, str]) -> None:
        data, suffix = case
        path = tmp_path / f"upload{suffix}"
        path.write_bytes(data)
        stats["inputs"] += 1
        started = time.monotonic()
        try:
            validate(path)
            stats["accepted"] += 1
        except InvalidAudioError as exc:
            code = getattr(exc, "code", "?")
            codes[code] = codes.get(code, 0) + 1
            if not str(exc).strip():
                stats["crashes"] += 1
                failures.append(f"empty reason for {_name(data)}")
        except Exception as exc:  # noqa: BLE001 - any other exception is the bug being hunted
            stats["crashes"] += 1
            failures.append(f"{type(exc).__name__} for {_name(data)}")
            (tmp_path / f"crash-{_name(data)}{suffix}").write_bytes(data)
        elapsed = time.monotonic() - started
        slowest[0] = max(slowest[0], elapsed)
        if elapsed > HANG_S:
            stats["hangs"] += 1
            failures.append(f"{elapsed:.1f} s for {_name(data)}")

    one()
    line = f"fuzz inputs: {stats['inputs']} crashes: {stats['crashes']} hangs: {stats['hangs']}"
    with capsys.disabled():
        print()
        print(line)
        print(f"fuzz detail: accepted {stats['accepted']}, rejected by check {dict(sorted(codes.items()))}, "
              f"slowest input {slowest[0]:.2f} s")
    assert stats["inputs"] >= EXAMPLES, line
    assert stats["crashes"] == 0 and stats["hangs"] == 0, f"{line}: {failures[:10]}"


def _name(data: bytes) -> str:
    return f"{len(data)}B-{hashlib.sha256(data).hexdigest()[:12]}"


def test_seeds_are_valid_recordings(tmp_path):
    """The mutations start from files the validator accepts (the cut-off real MP3 aside)."""
    for i, seed in enumerate(make_seeds(tmp_path)[:-1]):
        path = tmp_path / f"check-{i}"
        path.write_bytes(seed)
        assert validate(path).duration_s > 1.0
