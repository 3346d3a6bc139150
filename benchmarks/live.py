"""Live visits: how long after a word is spoken it is on screen, CPU during a local live visit, audio
lost across a forced reconnect, and (with --note) stop -> note ready.

    python benchmarks/live.py [--seconds 60] [--skip-offline] [--browser]

A real recorded consultation (the first --seconds of Fareez RES0091) is fed at real time, in 20 ms
frames of 48 kHz stereo as the browser sends them, into a LiveSession:
- cloud: the real AssemblyAI client against the fake Universal-Streaming server on loopback
  (tests/fakes/assemblyai_streaming.py; its recogniser latency is --fake-latency-ms, default 150);
- offline: faster-whisper (tiny.en, the default when installed, and base) over a rolling window with
  LocalAgreement-2, on this machine's cores.
A word's lag is the time from its end in the fed audio to its first appearance in the session's
transcript (what the page shows; the page adds its own refresh interval, 0.5 s).
With --browser the cloud visit is also run for real: headless Chromium plays the recording as its
microphone into the Live visit page (`streamlit run`, WebRTC), against the fake streaming server replaying
faster-whisper's word times of that very audio; a word's lag there is from its end in the audio (the
first audio the fake received marks the audio's clock; the browser-to-server hop, tens of ms, is not
counted) to its appearance in the page. Then stop -> note ready, and a run with the connection dropped
mid-visit: bytes of the recording the streaming service never received. Baseline measured in the
same run: record first, transcribe after stop (today's upload path), where a word's lag is the time
left in the visit after it plus the transcription time of the whole clip (the fake's batch-equivalent
is not timed; for offline the bare faster-whisper decode of the clip is).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from scribe_core.config import Secret  # noqa: E402
from scribe_core.crypto import Vault, generate_key  # noqa: E402
from scribe_core.live.assemblyai_stream import AssemblyAIStreamer  # noqa: E402
from scribe_core.live.session import LiveSession  # noqa: E402
from scribe_core.storage.live_journal import LiveRecordingWriter  # noqa: E402
from tests.fakes.assemblyai_streaming import BYTES_PER_MS, FakeStreamingServer, load_reference  # noqa: E402

SOURCE = REPO.parent / "shared" / "data" / "fareez-osce" / "audio" / "RES0091.mp3"


def browser_frames(pcm: np.ndarray) -> list:
    import av

    up = np.repeat(pcm, 3)
    frames = []
    for start in range(0, len(up), 960):
        block = np.repeat(up[start:start + 960], 2).reshape(1, -1)
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(block), format="s16", layout="stereo")
        frame.sample_rate = 48000
        frames.append(frame)
    return frames


Seen = dict[tuple[int, int], float]  # (start ms, end ms) of a word -> seconds into the visit it appeared


def run_visit(session: LiveSession, frames: list) -> tuple[Seen, float, float]:
    """Feed frames at real time; returns when each word appeared, the CPU share and the wall time."""
    seen: Seen = {}
    done = threading.Event()

    def watch(began: float) -> None:
        while not done.is_set():
            now = time.monotonic() - began
            for word in session.streamer.transcript.words():
                seen.setdefault((word.start_ms, word.end_ms), now)
            time.sleep(0.02)

    session.start()
    began = time.monotonic()
    cpu0 = time.process_time()
    watcher = threading.Thread(target=watch, args=(began,), daemon=True)
    watcher.start()
    for i, frame in enumerate(frames, start=1):
        session.feed_frame(frame)
        wait = began + i * 0.02 - time.monotonic()
        if wait > 0:
            time.sleep(wait)
    wall = time.monotonic() - began
    cpu = (time.process_time() - cpu0) / wall
    session.stop()
    done.set()
    watcher.join()
    final_now = time.monotonic() - began
    for word in session.streamer.transcript.words():  # words that only appeared at stop
        seen.setdefault((word.start_ms, word.end_ms), final_now)
    return seen, cpu, wall


def lags(seen: Seen) -> list[float]:
    return sorted(t - end_ms / 1000 for (_, end_ms), t in seen.items())


def summary(name: str, values: list[float]) -> str:
    if not values:
        return f"{name:<44} no words"
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return f"{name:<44} median {statistics.median(values):6.2f} s   p95 {p95:6.2f} s   words {len(values)}"


def baseline(seen: Seen, duration_s: float, transcribe_s: float) -> list[float]:
    return sorted(duration_s - end_ms / 1000 + transcribe_s for _, end_ms in seen)


def cloud(pcm: np.ndarray, tmp: Path, latency_ms: int, drop_at_ms: int | None) -> None:
    vault = Vault(generate_key())
    with FakeStreamingServer(reference=pcm, latency_ms=latency_ms) as fake:
        if drop_at_ms is not None:
            fake.inject("drop", at_audio_ms=drop_at_ms)
        streamer = AssemblyAIStreamer(url=fake.url, api_key=Secret(fake.api_key))
        session = LiveSession(encounter_id="bench", streamer=streamer,
                              recording=LiveRecordingWriter(vault, tmp / f"cloud-{drop_at_ms}.journal", "bench"))
        seen, cpu, wall = run_visit(session, browser_frames(pcm))
        label = "cloud (fake), forced reconnect" if drop_at_ms is not None else "cloud (fake)"
        print(summary(f"{label}: word lag", lags(seen)))
        print(summary("  baseline: upload after stop (+0 s transcribe)", baseline(seen, len(pcm) / 16000, 0.0)))
        sent = session.recording.bytes_recorded
        covered, gaps = 0, 0
        for record, (_, start) in zip(fake.sessions, streamer.session_starts, strict=False):
            gaps += max(0, start - covered)
            covered = max(covered, start + len(record.audio))
        lost = max(0, sent - covered) + gaps
        print(f"  sessions {len(fake.sessions)}   audio sent {sent / BYTES_PER_MS / 1000:.2f} s   "
              f"audio lost {lost / BYTES_PER_MS / 1000:.3f} s   client CPU {cpu * 100:.0f} % of one core")


def offline(pcm: np.ndarray, tmp: Path, live_model: str = "", settle_s: float = 4.0) -> None:
    from scribe_core.config import Settings
    from scribe_core.engines.offline import asr, models
    from scribe_core.live.offline_stream import OfflineStreamer
    from scribe_core.live.settings import live_whisper_model_dir

    live_dir, name = live_whisper_model_dir(Settings.from_env({"SCRIBE_DATA_DIR": str(tmp / "data"),
                                                               "SCRIBE_LIVE_WHISPER_MODEL": live_model}))
    model = asr.load_model(live_dir)
    vault = Vault(generate_key())
    streamer = OfflineStreamer(model_loader=lambda: model, settle_s=settle_s)
    journal = tmp / f"offline-{live_model or 'default'}.journal"
    session = LiveSession(encounter_id="bench", streamer=streamer,
                          recording=LiveRecordingWriter(vault, journal, "bench"))
    load_before = os.getloadavg()[0]
    seen, cpu, wall = run_visit(session, browser_frames(pcm))
    decodes = streamer.decode_seconds
    print(summary(f"offline ({name}, settle {settle_s:g} s): word lag", lags(seen)))
    began = time.monotonic()
    base = asr.load_model(models.whisper_model_dir(tmp / "data"))
    asr.transcribe(base, pcm.astype(np.float32) / 32768, asr.AsrSettings(beam_size=1, vad_filter=False))
    batch_s = time.monotonic() - began
    label = f"  baseline: upload after stop (+{batch_s:.1f} s whisper-base decode)"
    print(summary(label, baseline(seen, len(pcm) / 16000, batch_s)))
    print(f"  CPU during the visit {cpu * 100:.0f} % of one core ({cpu * 50:.0f} % of 2 cores)   "
          f"decodes {len(decodes)} (+{streamer.skipped_quiet} skipped: quiet), "
          f"median {statistics.median(decodes):.2f} s   machine load before {load_before:.1f}, "
          f"after {os.getloadavg()[0]:.1f} (other processes share these cores)")


def browser(seconds: int, tmp: Path) -> None:
    from playwright.sync_api import sync_playwright

    from tests.e2e.app_server import cut_clip
    from tests.fakes.assemblyai_streaming_timeline import timeline_from_json
    from tests.live.live_browser import (
        CHROMIUM,
        chromium_args,
        coverage,
        live_stack,
        run_visit,
        stored_pcm,
        wait_until_ready,
    )
    from tests.live.timeline import derive_timeline

    wav = cut_clip(SOURCE, tmp / "mic.wav", seconds)
    timeline = timeline_from_json(derive_timeline(wav, tmp / "models"))
    for drop in (False, True):
        with live_stack(tmp / f"app-{drop}", wav, cloud=True, timeline=tmp / "mic.timeline.json") as stack:
            if drop:
                stack.inject(f"kind=drop&at_audio_ms={seconds * 1000 // 3}")
            clock: list[tuple[float, int]] = []

            def during(_: float, stack=stack, clock=clock) -> None:
                sessions = stack.fake_state()["sessions"]
                if sessions and sessions[0]["audio_ms"] > 0 and len(clock) < 50:
                    clock.append((time.monotonic(), sessions[0]["audio_ms"]))  # pins down when audio began

            with sync_playwright() as p:
                chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=chromium_args(wav))
                seen = run_visit(chromium.new_page(), stack.app.url, record_s=seconds * 2 // 3, during=during)
                chromium.close()
            ready_s = (time.monotonic() - seen.stop_clicked)
            ready_s = wait_until_ready(stack, seen.encounter_id) + ready_s
            sessions = stack.fake_state()["sessions"]
            stored = stored_pcm(stack, seen.encounter_id).tobytes()
            spans = coverage(stored, [stack.session_audio(i) for i in range(len(sessions))])
        covered, lost = 0, 0
        for at, length in spans:
            lost += max(0, at - covered)
            covered = max(covered, at + length)
        lost += max(0, len(stored) - covered)
        label = "browser, cloud (fake), dropped connection" if drop else "browser, cloud (fake)"
        if not drop:
            audio_clock = min(t - ms / 1000 for t, ms in clock if ms > 0)  # when the fake's audio began
            start_ms = sessions[0]["start_ms"]
            spoken = [w.end_ms for w in timeline if (w.start_ms + w.end_ms) // 2 >= start_ms]
            values = sorted(t - (audio_clock + (spoken[k - 1] - start_ms) / 1000)
                            for t, count in seen.shown for k in [count] if k <= len(spoken))
            print(summary(f"{label}: word lag in the page", values))
        print(f"  {label}: stop -> note ready {ready_s:.2f} s   sessions {len(sessions)}   "
              f"recording {len(stored) / 32000:.1f} s   audio the service never received {lost / 32000:.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--fake-latency-ms", type=int, default=150)
    parser.add_argument("--skip-offline", action="store_true")
    parser.add_argument("--skip-cloud", action="store_true")
    parser.add_argument("--settle-s", type=float, default=4.0, help="OfflineStreamer settle_s")
    parser.add_argument("--offline-models", default="tiny.en,base",
                        help="SCRIBE_LIVE_WHISPER_MODEL values to measure (tiny.en, base; '' = the default)")
    parser.add_argument("--browser", action="store_true", help="also run visits in headless Chromium")
    args = parser.parse_args()
    pcm = load_reference(SOURCE)[: args.seconds * 16000]
    print(f"live visit: first {args.seconds} s of {SOURCE.name}, fed at real time in 20 ms 48 kHz stereo frames; "
          f"{os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        if not args.skip_cloud:
            cloud(pcm, tmp, args.fake_latency_ms, None)
            cloud(pcm, tmp, args.fake_latency_ms, args.seconds * 1000 // 2)
        if not args.skip_offline:
            for live_model in args.offline_models.split(","):
                offline(pcm, tmp, live_model.strip(), args.settle_s)
        if args.browser:
            browser(args.seconds, tmp)


if __name__ == "__main__":
    main()
