"""What both live streamers share: one daemon thread turning fed audio into a LiveTranscript, a
condition the feeding side and that thread wait on together, and a stop that wakes the thread and waits
for it (bounded) before handing back the transcript."""

from __future__ import annotations

import threading

from .errors import LiveStreamError
from .transcript import LiveTranscript


class StreamThread:
    thread_name = "live-stream"
    stop_timeout_s = 10.0  # how long stop() waits for the thread to finish its last work

    def __init__(self) -> None:
        self.transcript = LiveTranscript()
        self.error: LiveStreamError | None = None  # the last failure, for the page
        self.stopped_streaming = False  # True once a failure ended the live transcript for good
        self._lock = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float | None = None) -> LiveTranscript:
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
        if self._thread is not None:
            self._thread.join(self.stop_timeout_s if timeout_s is None else timeout_s)
        return self.transcript

    def _run(self) -> None:
        raise NotImplementedError
