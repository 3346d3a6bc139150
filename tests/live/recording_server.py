"""An app server recording a live visit until it is killed: `python -m tests.live.recording_server`.

Its settings come from the environment (data dir, shared recordings directory, database, key), like any
app server's. It prints the visit's id, then feeds silence-free audio (a tone) in 20 ms frames for ever,
so the journal grows as a microphone's would. The streamer does nothing: this is about who records.
"""

from __future__ import annotations

import math
import struct
import sys
import time

from scribe_core.access import User, Viewer
from scribe_core.bootstrap import build_services
from scribe_core.config import Settings
from scribe_core.live.transcript import LiveTranscript
from scribe_core.live.visits import LiveVisits

DOCTOR = Viewer(User("dr.lee", "clinician"))
FRAME = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / 16000))) for i in range(320))


class QuietStreamer:
    engine, model, error, stopped_streaming = "offline", "none", None, False

    def __init__(self) -> None:
        self.transcript, self.dropped_keyterms = LiveTranscript(), []

    def start(self) -> None: ...

    def feed(self, pcm: bytes) -> None: ...

    def stop(self, timeout_s: float = 1.0) -> LiveTranscript:
        return self.transcript


def main() -> None:
    services = build_services(Settings.from_env())
    visits = LiveVisits(services.scribe, services.settings, streamer_factory=lambda plan: QuietStreamer())
    session = visits.begin(by=DOCTOR, consent=True)
    print(session.encounter_id, flush=True)
    while True:
        session.feed_pcm(FRAME)
        time.sleep(0.02)


if __name__ == "__main__":
    sys.exit(main())
