"""Fixtures for live-visit tests: a real consultation cut, the fake streaming server, a vault."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from scribe_core.config import Secret
from scribe_core.crypto import Vault, generate_key
from scribe_core.live.assemblyai_stream import AssemblyAIStreamer
from scribe_core.live.session import LiveSession
from scribe_core.live.visits import LiveVisits
from tests.fakes.assemblyai_streaming import FakeStreamingServer, load_reference

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
RES0091 = SHARED / "fareez-osce" / "audio" / "RES0091.mp3"
CUT_S = 75


@pytest.fixture(scope="session")
def consultation_pcm() -> np.ndarray:
    """The first 75 s of a real recorded consultation (Fareez RES0091), 16 kHz mono int16."""
    if not RES0091.exists():
        pytest.skip("Fareez recordings not available")
    return load_reference(RES0091)[: CUT_S * 16000]


@pytest.fixture(scope="session")
def consultation_wav(consultation_pcm: np.ndarray, tmp_path_factory: pytest.TempPathFactory) -> Path:
    import soundfile as sf

    out = tmp_path_factory.mktemp("audio") / "res0091_75s.wav"
    sf.write(out, consultation_pcm, 16000, subtype="PCM_16")
    return out


@pytest.fixture
def vault() -> Vault:
    return Vault(generate_key())


@pytest.fixture
def fake_streaming(consultation_pcm: np.ndarray) -> Iterator[FakeStreamingServer]:
    with FakeStreamingServer(reference=consultation_pcm) as fake:
        yield fake


@pytest.fixture
def make_streamer(fake_streaming: FakeStreamingServer) -> Callable[..., AssemblyAIStreamer]:
    def make(**kwargs) -> AssemblyAIStreamer:
        kwargs.setdefault("retry_delays_s", (0.05, 0.1, 0.2))
        return AssemblyAIStreamer(url=fake_streaming.url, api_key=Secret(fake_streaming.api_key), **kwargs)

    return make


def stream(target: Callable[[bytes], None], pcm: bytes, *, speed: float = 1.0, frame_ms: int = 20,
           on_frame: Callable[[int], None] | None = None) -> None:
    """Feed `pcm` in browser-sized frames at `speed` x real time (as a microphone would)."""
    frame = 32 * frame_ms
    began = time.monotonic()
    for i in range(0, len(pcm), frame):
        target(pcm[i:i + frame])
        if on_frame is not None:
            on_frame(i + frame)
        wait = began + (i + frame) / 32000 / speed - time.monotonic()
        if wait > 0:
            time.sleep(wait)


def process_died(visits: LiveVisits, session: LiveSession) -> None:
    """What a crash or a closed app leaves: the engine gone, the visit no longer running in any process
    (a restarted process starts with no running visits), its journal and plan on disk, and the process
    the plan names as recording it gone (here: one that has already exited, as the crashed one would)."""
    import dataclasses
    import subprocess

    session.streamer.stop()
    visits.files.mark_running(session.encounter_id, False)
    exited = subprocess.Popen(["true"])
    exited.wait()
    plan = visits.files.plan(session.encounter_id)
    visits.files.save_plan(dataclasses.replace(plan, pid=exited.pid))
