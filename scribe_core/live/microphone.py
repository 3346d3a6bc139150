"""When a live visit's microphone connection has stalled and should be opened again.

The browser's microphone reaches the server over WebRTC. On a loaded machine the first connection can
stall for good: streamlit-webrtc gives up answering the browser's offer after 10 s, or its answer never
reaches the browser, or the browser started two connections at once and the answer fits the other one.
Nothing retries until the page runs again, or for half a minute, and the visit records nothing while
the clinician talks. This rule decides when to close such a connection and open a fresh one, and when to
stop trying and ask the person to check the browser instead.

The stall clock starts at the browser's offer, not at Start: before it the browser is still asking for
the microphone (a permission prompt stands for as long as the person takes to answer), and opening a
second connection then would leave two competing for one visit. A fresh connection is asked for only
once the old one has been gone for a moment: streamlit-webrtc's frontend starts one connection for each
page update that reaches it while it starts, and the page updates itself as the old one closes.
"""

from __future__ import annotations

import time
from collections.abc import Callable

# An offered connection brings its first audio within about a second, 2-3 s on a loaded machine
# (two CPU burners beside the browser test); 6 s without any means it will not come.
STALL_S = 6.0
SETTLE_S = 1.5  # the browser closes a connection 0.5 s after it is asked to, and the page updates after
# The browser's offer (and its closing) reaches the server as a component value, which asks for a page
# run; under load that run can be lost (up to one loaded test run in four: the offer sat unanswered for
# a minute, until a click ran the page). While no audio has come, the page runs at least this often.
QUIET_S = 3.0
AUTOMATIC_RECONNECTS = 3  # then the page asks the person to check the browser and reconnect by hand


class MicrophoneWatch:
    """Kept with the visit, not in the page's session state: a page run can be cut short between any two
    Streamlit calls, and a reopening half recorded there would be lost."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._offered_at: float | None = None
        self._failed = False
        self._closing_since: float | None = None  # asked the browser to close a stalled connection
        self._closed_at: float | None = None  # and it reported the connection gone
        self._last_seen = clock()  # the page's last full run
        self.reconnects = 0  # automatic reopenings since the visit started or was reconnected by hand

    def keep_closed(self) -> bool:
        """Whether the page keeps the microphone closed now: a stalled connection is closing, or closed
        too recently for a fresh one to start cleanly (or it never closed, and waiting longer is futile)."""
        if self._closing_since is None:
            return False
        now = self._clock()
        settled = self._closed_at is not None and now - self._closed_at >= SETTLE_S
        if settled or now - self._closing_since >= STALL_S:
            self._closing_since = self._closed_at = None
            return False
        return True

    def seen(self, *, offered: bool) -> None:
        """What the page saw of the connection: whether the browser has an offer standing."""
        self._last_seen = self._clock()
        if offered:
            if self._offered_at is None:
                self._offered_at = self._clock()
            return
        self._offered_at, self._failed = None, False  # the browser closed it (and may open another)
        if self._closing_since is not None and self._closed_at is None:
            self._closed_at = self._clock()

    def failed(self) -> None:
        """The WebRTC component gave up on the offer (it waited 10 s for an answer): stalled now."""
        self._failed = True

    def stalled(self, *, audio_arrived: bool) -> bool:
        if audio_arrived or self._closing_since is not None:
            return False
        return self._failed or (self._offered_at is not None and self._clock() - self._offered_at >= STALL_S)

    def reopen_due(self, *, audio_arrived: bool) -> bool:
        """Stalled, and automatic reopenings are left: close it and open a fresh one."""
        return self.stalled(audio_arrived=audio_arrived) and not self.gave_up

    def page_run_due(self, *, recording: bool, audio_arrived: bool) -> bool:
        """The page must run to act: to close a stalled connection, to open the fresh one once the old is
        gone, or to take up an offer (or a closing) whose own page run was lost. None of these changes
        anything the page would otherwise run for."""
        if not recording or audio_arrived:
            return False
        now = self._clock()
        if self._closing_since is not None:
            if self._closed_at is not None and now - self._closed_at >= SETTLE_S:
                return True
        elif self.reopen_due(audio_arrived=False):
            return True
        return now - self._last_seen >= QUIET_S

    @property
    def gave_up(self) -> bool:
        """Automatic reopenings are spent: the person is asked to check the browser's microphone."""
        return self.reconnects >= AUTOMATIC_RECONNECTS

    def reconnecting(self, *, by_hand: bool = False) -> None:
        self.reconnects = 0 if by_hand else self.reconnects + 1
        self._offered_at, self._failed = None, False
        self._closing_since, self._closed_at = self._clock(), None
