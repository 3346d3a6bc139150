"""Running the real app for browser tests and benchmarks: `streamlit run` in a clean folder, on loopback."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import wave
from pathlib import Path

from scribe_core.crypto import generate_key

REPO = Path(__file__).resolve().parents[2]
# The log-hygiene scan (tests/privacy) reruns the browser test with a random key, a dialogue full of
# invented PII and DEBUG logging, and collects the app's log in SCRIBE_TEST_LOG_SINK.
API_KEY = os.environ.get("SCRIBE_TEST_API_KEY", "test-key")
DIALOGUE = os.environ.get("SCRIBE_TEST_DIALOGUE")
LOG_SINK = os.environ.get("SCRIBE_TEST_LOG_SINK")


class AppNotStarted(RuntimeError):
    pass


def cut_clip(source: Path, target: Path, seconds: float = 60.0, rate: int = 16000) -> Path:
    """The first `seconds` of a recording as 16 kHz mono WAV (PyAV decodes, the wave module writes)."""
    import av

    pcm = bytearray()
    needed = int(seconds * rate) * 2
    with av.open(str(source)) as container:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
        for frame in container.decode(audio=0):
            for out in resampler.resample(frame):
                pcm += bytes(out.planes[0])[: out.samples * 2]
            if len(pcm) >= needed:
                break
    with wave.open(str(target), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(bytes(pcm[:needed]))
    return target


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.load(response)


class AppServer:
    """`streamlit run streamlit_app.py` in a clean folder, pointed at the fake; can be restarted."""

    def __init__(self, home: Path, fake_urls: dict[str, str]) -> None:
        self.home = home
        self.data_dir = home / "scribe-data"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.fake = fake_urls["FAKE_ASSEMBLYAI_URL"].split("/v2")[0]
        # No developer .env here; the app's own Streamlit config (theme, upload limit) comes along.
        shutil.copytree(REPO / ".streamlit", home / ".streamlit", ignore=shutil.ignore_patterns("secrets.toml"))
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSEMBLYAI_", "LLM_", "SCRIBE_"))}
        self.env.update(
            ASSEMBLYAI_API_KEY=API_KEY,
            SCRIBE_LOG_LEVEL="DEBUG" if LOG_SINK else "WARNING",
            ASSEMBLYAI_BASE_URL=fake_urls["FAKE_ASSEMBLYAI_URL"],
            LLM_GATEWAY_BASE_URL=fake_urls["FAKE_LLM_GATEWAY_URL"],
            SCRIBE_POLL_INTERVAL_S="0.2",
            SCRIBE_DATA_DIR=str(self.data_dir),
            SCRIBE_ENCRYPTION_KEY=generate_key(),
            PYTHONPATH=str(REPO),
        )
        self.proc: subprocess.Popen | None = None

    def start(self) -> AppServer:
        log = open(self.home / "streamlit.log", "a")  # noqa: SIM115 (the child process holds it)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(REPO / "streamlit_app.py"),
             "--server.address", "127.0.0.1", "--server.port", str(self.port), "--server.headless", "true",
             "--logger.level", "debug" if LOG_SINK else "info"],
            cwd=self.home, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        return self
            except OSError:
                time.sleep(0.2)
        raise AppNotStarted("streamlit did not start: " + (self.home / "streamlit.log").read_text()[-2000:])

    def stop(self, *, kill: bool = False) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill() if kill else self.proc.terminate()
            self.proc.wait(timeout=15)
        if LOG_SINK:
            with open(LOG_SINK, "a") as sink:
                sink.write((self.home / "streamlit.log").read_text())

    def fake_state(self) -> dict:
        return get_json(f"{self.fake}/_fake/state")




def app_with_one_ready_encounter(folder: Path, fake_server, engine, source_name: str) -> AppServer:  # type: ignore[no-untyped-def]
    """An app (not yet started) whose store holds one encounter, transcribed by `engine` (a fake transcriber)
    and drafted by the fake note writer before the app starts; its id in `app.encounter_id`."""
    import io

    from scribe_core.access import SINGLE_USER, Viewer
    from scribe_core.crypto import Vault
    from scribe_core.store import EncounterStore
    from scribe_core.usecases import Scribe
    from tests.ui.fakes import FakeNoteWriter, wav_bytes

    app = AppServer(folder, fake_server)
    store = EncounterStore.open(app.data_dir, Vault(app.env["SCRIBE_ENCRYPTION_KEY"]))
    writer = FakeNoteWriter()
    scribe = Scribe(store=store, transcribers={"fake": lambda: engine}, writer_for_engine=lambda e: writer,
                    default_engine="fake")
    encounter = scribe.submit(io.BytesIO(wav_bytes()), source_name, by=Viewer(SINGLE_USER))
    assert scribe.process(encounter.id).state.value == "ready"
    app.encounter_id = encounter.id
    return app
