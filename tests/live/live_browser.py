"""A live visit in real headless Chromium whose microphone is a recording (Chromium's fake-media flags),
against the real app (`streamlit run`) and the fake AssemblyAI servers; shared by the browser tests and
benchmarks/live.py."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from scribe_core.crypto import Vault
from scribe_core.store import EncounterStore
from tests.e2e.app_server import AppServer

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")


def chromium_args(wav: Path) -> list[str]:
    return ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}%noloop"]


def _spawn(args: list[str], expect: int) -> tuple[subprocess.Popen, dict[str, str]]:
    proc = subprocess.Popen([sys.executable, "-m", *args], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    urls: dict[str, str] = {}
    deadline = time.monotonic() + 60
    while len(urls) < expect and time.monotonic() < deadline:
        line = proc.stdout.readline() if proc.stdout else ""
        if not line:
            break
        if match := re.match(r"(FAKE_\w+)=(\S+)", line.strip()):
            urls[match.group(1)] = match.group(2)
    if len(urls) < expect:
        proc.kill()
        raise RuntimeError(f"{args[0]} did not start")
    return proc, urls


@dataclass
class LiveStack:
    app: AppServer
    streaming_url: str | None

    def fake_state(self) -> dict:
        assert self.streaming_url
        url = self.streaming_url.replace("ws://", "http://").replace("/v3/ws", "/_fake/state")
        with urllib.request.urlopen(url, timeout=5) as response:
            return json.load(response)

    def session_audio(self, index: int) -> bytes:
        assert self.streaming_url
        url = self.streaming_url.replace("ws://", "http://").replace("/v3/ws", f"/_fake/audio?session={index}")
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read()

    def inject(self, query: str) -> None:
        assert self.streaming_url
        url = self.streaming_url.replace("ws://", "http://").replace("/v3/ws", f"/_fake/inject?{query}")
        urllib.request.urlopen(url, timeout=5).close()

    def store(self) -> EncounterStore:
        return EncounterStore.open(self.app.data_dir, Vault(self.app.env["SCRIBE_ENCRYPTION_KEY"]))


@contextmanager
def live_stack(home: Path, wav: Path, *, cloud: bool, timeline: Path | None = None,
               unanswered_offers: int = 0) -> Iterator[LiveStack]:
    """The app and its fakes; `unanswered_offers`: the WebRTC library's first answers fail as on a machine
    too busy to answer in time (tests/live/webrtc_faults)."""
    procs: list[subprocess.Popen] = []
    try:
        batch, batch_urls = _spawn(["tests.fakes.assemblyai", "--port", "0", "--api-key", "test-key"], 2)
        procs.append(batch)
        streaming_url = None
        if cloud:
            args = ["tests.fakes.assemblyai_streaming", "--port", "0", "--audio", str(wav)]
            stream, stream_urls = _spawn(args + (["--timeline", str(timeline)] if timeline else []), 1)
            procs.append(stream)
            streaming_url = stream_urls["FAKE_ASSEMBLYAI_STREAMING_URL"]
        app = AppServer(home, batch_urls)
        if streaming_url:
            app.env["ASSEMBLYAI_STREAMING_URL"] = streaming_url
        else:
            app.env.pop("ASSEMBLYAI_API_KEY", None)  # no key: the offline engine, nothing leaves the machine
        if unanswered_offers:
            app.env["PYTHONPATH"] = f"{REPO / 'tests' / 'live' / 'webrtc_faults'}{os.pathsep}{app.env['PYTHONPATH']}"
            app.env["WEBRTC_UNANSWERED_OFFERS"] = str(unanswered_offers)
        app.start()
        try:
            yield LiveStack(app, streaming_url)
        finally:
            app.stop()
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)


@dataclass
class VisitObservation:
    encounter_id: str = ""
    microphone_s: float | None = None  # from the Start click until the recorded time first moved
    first_words_s: float | None = None  # from then until the first words were shown
    shown: list[tuple[float, int]] = field(default_factory=list)  # (monotonic time, words shown so far)
    stop_clicked: float = 0.0
    recorded_at_stop_s: float = 0.0
    # The browser's side of the microphone's WebRTC connection, for the failure message: (s after Start, event)
    connection: list[tuple[float, str]] = field(default_factory=list)

    def why_slow(self) -> str:
        events = "; ".join(f"{at:.1f} s {event}" for at, event in self.connection)
        return f"microphone after {self.microphone_s} s; connection: {events}"


_CONNECTION_EVENTS = ("RTCConfiguration", "connectionstatechange", "Receive answer")


def _watch_connection(page, seen: VisitObservation, started: list[float]) -> None:
    def on_console(message) -> None:
        text = message.text
        if started and text.startswith(_CONNECTION_EVENTS):
            event = "offer made" if text.startswith("RTCConfiguration") else text.split(" {")[0]
            seen.connection.append((time.monotonic() - started[0], event))
    page.on("console", on_console)


def _shown_words(page) -> int:
    text = page.locator(".st-key-live_transcript").inner_text(timeout=2000)
    text = re.sub(r"Speaker \w+:", " ", text).replace("…", " ")
    if "Waiting for the microphone" in text or "The transcript appears here" in text:
        return 0
    return len(text.split())


def _recorded_s(page) -> float:
    value = page.get_by_test_id("stMetricValue").first.inner_text(timeout=2000)
    minutes, seconds = value.strip().split(":")
    return int(minutes) * 60 + int(seconds)


def run_visit(page, app_url: str, *, record_s: float, during=None, timeout_s: float = 240) -> VisitObservation:
    """Consent, start, let `record_s` of audio be recorded (calling `during(recorded_s)` as it goes), stop."""
    seen = VisitObservation()
    clicked: list[float] = []
    _watch_connection(page, seen, clicked)
    page.goto(f"{app_url}/live")
    page.get_by_text("The patient agreed to be recorded").click()
    page.get_by_role("button", name="Start the visit").click()
    started = time.monotonic()
    clicked.append(started)
    recording_from: float | None = None
    most = 0
    while time.monotonic() - started < timeout_s:
        try:
            count, recorded = _shown_words(page), _recorded_s(page)
        except Exception:  # the fragment is re-rendering; look again
            count, recorded = most, 0.0
        now = time.monotonic()
        if recording_from is None and recorded > 0:
            # Start to microphone is WebRTC set-up, which a loaded machine stretches: words are timed
            # from the moment audio flows, not from the click.
            recording_from = now - recorded
            seen.microphone_s = recording_from - started
        if count > most:
            most = count
            seen.shown.append((now, count))
            if seen.first_words_s is None:
                seen.first_words_s = now - (recording_from if recording_from is not None else started)
        if during is not None:
            during(recorded)
        if recorded >= record_s:
            break
        page.wait_for_timeout(100)
    seen.recorded_at_stop_s = _recorded_s(page)
    seen.stop_clicked = time.monotonic()
    page.get_by_role("button", name="Stop and draft the note").click()
    # Streamlit switches pages without a document load: watch the address instead.
    deadline = time.monotonic() + 90
    while "encounter=" not in page.url:
        if time.monotonic() > deadline:
            raise AssertionError("Stop did not open the encounter; the page says: "
                                 + page.locator("section").first.inner_text()[:800])
        page.wait_for_timeout(200)
    seen.encounter_id = re.search(r"encounter=(\w+)", page.url).group(1)  # type: ignore[union-attr]
    return seen


def wait_until_ready(stack: LiveStack, encounter_id: str, timeout_s: float = 300) -> float:
    """Seconds until the encounter is ready with a note (raises with the state otherwise)."""
    store, began = stack.store(), time.monotonic()
    while time.monotonic() - began < timeout_s:
        encounter = store.get(encounter_id)
        if encounter.state.value == "ready" and store.note(encounter_id) is not None:
            return time.monotonic() - began
        if encounter.state.value == "failed":
            raise AssertionError(f"encounter failed: {encounter.error}")
        time.sleep(0.1)
    raise AssertionError(f"not ready after {timeout_s} s: {store.get(encounter_id).state}")


def stored_pcm(stack: LiveStack, encounter_id: str) -> np.ndarray:
    data = stack.store().audio_bytes(encounter_id)
    return np.frombuffer(data[44:], dtype="<i2")


def coverage(stored: bytes, sessions: list[bytes]) -> list[tuple[int, int]]:
    """(offset in the stored recording, bytes) of each streaming session's audio, checked byte for byte:
    each session received exactly a stretch of the stored recording (its last chunk may be padded)."""
    spans = []
    for received in sessions:
        # The first 200 ms may occur more than once (silence does): take the place where the whole
        # session's audio matches, not merely its opening.
        offset = stored.find(received[:6400])
        while offset >= 0:
            tail = stored[offset: offset + len(received)]
            if received[: len(tail)] == tail and not received[len(tail):].strip(b"\0"):
                break
            offset = stored.find(received[:6400], offset + 2)
        assert offset >= 0, "a session received audio that is not in the recording"
        spans.append((offset, len(tail)))
    return spans


def alignment(stored: np.ndarray, fed: np.ndarray, block: int = 320) -> tuple[float, float, float]:
    """Where the stored recording starts in the fed file (s), and how closely its 20 ms loudness follows
    the file from there, over the whole recording and over its last 5 s (Pearson r of log energies).

    The browser's audio passes Opus and two resamplers, so samples differ, but loudness lines up: a
    gapless recording scores near 1 everywhere; a lost or repeated stretch shifts everything after it,
    and the score there collapses (about 0.2 when frames were dropped)."""
    def energy(x: np.ndarray) -> np.ndarray:
        n = len(x) // block * block
        return np.log(np.abs(x[:n].astype(np.float64)).reshape(-1, block).mean(axis=1) + 1)

    s, f = energy(stored), energy(fed)
    s = s[: len(f) - 1]
    scores = [(float(np.corrcoef(s, f[o:o + len(s)])[0, 1]), o) for o in range(len(f) - len(s) + 1)]
    whole, offset = max(scores)
    tail = 250  # 5 s
    last = float(np.corrcoef(s[-tail:], f[offset + len(s) - tail: offset + len(s)])[0, 1])
    return offset * block / 16000, whole, last
