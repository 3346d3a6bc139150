"""Fixtures for the offline engine tests: a shared model data dir and a socket guard."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
SYNTH_WAV = SHARED / "synth" / "synth_doctor_patient_30s.wav"
FAREEZ_AUDIO = SHARED / "fareez-osce" / "audio"


class SocketGuard:
    """Fails every socket connect and name lookup (loopback included) and records the attempt.

    Libraries that swallow connection errors and fall back quietly (tldextract does) would pass
    a test that only checks for exceptions, so the test asserts on `attempts` as well.
    """

    def __init__(self) -> None:
        self.attempts: list[object] = []

    def install(self, monkeypatch: pytest.MonkeyPatch) -> SocketGuard:
        def refuse(sock, address, *args, **kwargs):
            self.attempts.append(address)
            raise OSError(f"network access blocked by the test guard: {address!r}")

        monkeypatch.setattr(socket.socket, "connect", refuse)
        monkeypatch.setattr(socket.socket, "connect_ex", refuse)
        monkeypatch.setattr(socket.socket, "sendto", refuse)
        monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: refuse(None, address))
        # A name lookup is network access too (and fails first when there is no network at all).
        monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *a, **k: refuse(None, (host, port)))
        return self


@pytest.fixture
def socket_guard(monkeypatch: pytest.MonkeyPatch) -> SocketGuard:
    return SocketGuard().install(monkeypatch)


@pytest.fixture(scope="session")
def model_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data dir per test session, so the Whisper model is assembled once (about 1 s)."""
    return tmp_path_factory.mktemp("scribe-data")


@pytest.fixture(scope="session")
def res0091_excerpt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 45 s of a real recorded consultation, as a wav."""
    import soundfile as sf
    from faster_whisper import decode_audio

    source = FAREEZ_AUDIO / "RES0091.mp3"
    if not source.exists():
        pytest.skip("Fareez recordings not available")
    audio = decode_audio(str(source), sampling_rate=16000)[: 45 * 16000]
    out = tmp_path_factory.mktemp("audio") / "res0091_45s.wav"
    sf.write(out, audio, 16000, subtype="PCM_16")
    return out
