"""Load: 20 encounters submitted at once while a browser keeps the app open; renders before and during.

    python benchmarks/load.py [--encounters 20] [--samples 12] [--parallel 4]

The real app runs (`streamlit run`, loopback) against the fake AssemblyAI server; a headless Debian
Chromium keeps it open and switches between the Encounters page (which refreshes itself every second)
and the New encounter page, timing each switch from click to heading painted. First with nothing in
flight (the baseline), then while this process submits N encounters at once through the real
pipeline (Scribe + Worker on the same encrypted store). Prints render times side by side and the
pipeline's throughput. Needs /usr/bin/chromium (Debian's package).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def render_times(page, samples: int, stop: threading.Event | None = None) -> list[float]:
    """Click between two pages; seconds from click to the target page's heading being visible."""
    from playwright.sync_api import expect

    times = []
    for i in range(samples):
        if stop is not None and stop.is_set() and i >= 3:
            break
        title = "Encounters" if i % 2 == 0 else "New encounter"
        started = time.perf_counter()
        page.get_by_test_id("stSidebarNav").get_by_role("link").filter(has_text=title).click()
        expect(page.locator("h1").filter(has_text=title)).to_be_visible(timeout=60_000)
        times.append(time.perf_counter() - started)
        page.wait_for_timeout(250)
    return times


def summary(label: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return (f"{label:<34}{len(times):>6}{statistics.median(times) * 1000:>10.0f}{p95 * 1000:>10.0f}"
            f"{max(times) * 1000:>10.0f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--encounters", type=int, default=20)
    parser.add_argument("--samples", type=int, default=12)
    parser.add_argument("--parallel", type=int, default=4)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    from scribe_core.bootstrap import build_services
    from scribe_core.config import Settings
    from tests.e2e.app_server import AppServer, cut_clip
    from tests.fakes.assemblyai import FakeAssemblyAI

    with tempfile.TemporaryDirectory(prefix="scribe-load-") as tmp, \
            FakeAssemblyAI(api_key="test-key", polls_before_complete=5) as fake:
        home = Path(tmp)
        clip = cut_clip(ROOT / "assets" / "sample_consultation.mp3", home / "clip.wav", seconds=8)
        app = AppServer(home / "app", {"FAKE_ASSEMBLYAI_URL": fake.base_url, "FAKE_LLM_GATEWAY_URL": fake.gateway_url})
        app.env.update(ASSEMBLYAI_API_KEY="test-key")
        app.start()
        try:
            env = dict(app.env)
            services = build_services(Settings.from_env(env, dotenv=False), max_parallel=args.parallel)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(app.url)
                page.locator("h1").filter(has_text="New encounter").wait_for(timeout=60_000)
                idle = render_times(page, args.samples)

                started = time.perf_counter()
                ids = [services.scribe.submit(clip, f"load-{i:02d}.wav").id for i in range(args.encounters)]
                for encounter_id in ids:
                    services.worker.enqueue(encounter_id)
                done = threading.Event()

                def watch() -> None:
                    while any(services.store.get(i).state.in_flight for i in ids):
                        time.sleep(0.1)
                    done.set()

                threading.Thread(target=watch, daemon=True).start()
                loaded: list[float] = []
                while not done.is_set():
                    loaded += render_times(page, 2)
                elapsed = time.perf_counter() - started
                # The status page, once everything is ready, lists every encounter.
                page.get_by_test_id("stSidebarNav").get_by_role("link").filter(has_text="Encounters").click()
                page.get_by_text(f"load-{args.encounters - 1:02d}.wav").wait_for(timeout=30_000)
                browser.close()
            states = [services.store.get(i).state.value for i in ids]
            services.worker.shutdown()
        finally:
            app.stop()

    ready = states.count("ready")
    print(f"{args.encounters} encounters submitted at once, {args.parallel} worker threads, fake AssemblyAI on "
          "loopback, the app open in headless Chromium (2 cores shared by all of it)")
    print(f"{'page switch (click → heading painted)':<34}{'n':>6}{'median ms':>10}{'p95 ms':>10}{'max ms':>10}")
    print(summary("idle (baseline, same run)", idle))
    print(summary(f"during {args.encounters} encounters", loaded))
    print(f"throughput: {ready}/{args.encounters} ready in {elapsed:.1f} s = {ready / elapsed * 60:.1f} encounters/min")


if __name__ == "__main__":
    main()
