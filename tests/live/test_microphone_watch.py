"""When the Live visit page reopens a stalled microphone connection (scribe_core/live/microphone.py)."""

from __future__ import annotations

from scribe_core.live.microphone import AUTOMATIC_RECONNECTS, QUIET_S, SETTLE_S, STALL_S, MicrophoneWatch


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _watch() -> tuple[MicrophoneWatch, Clock]:
    clock = Clock()
    return MicrophoneWatch(clock), clock


def test_a_permission_prompt_never_counts_as_a_stall_only_an_offer_without_audio_does():
    watch, clock = _watch()
    watch.seen(offered=False)  # the browser is still asking the person for the microphone
    clock.now += 60
    assert not watch.stalled(audio_arrived=False)
    watch.seen(offered=True)  # the person allowed it: the clock starts at the offer
    clock.now += STALL_S - 0.1
    assert not watch.stalled(audio_arrived=False)
    clock.now += 0.2
    assert watch.stalled(audio_arrived=False)
    assert not watch.stalled(audio_arrived=True)  # audio flows: nothing to reopen, however long it took


def test_a_failed_answer_is_stalled_at_once_and_a_closed_offer_restarts_the_clock():
    watch, clock = _watch()
    watch.seen(offered=True)
    watch.failed()
    assert watch.stalled(audio_arrived=False)
    watch.seen(offered=False)  # the browser closed it on its own and will offer again
    assert not watch.stalled(audio_arrived=False)
    watch.seen(offered=True)
    clock.now += STALL_S / 2
    assert not watch.stalled(audio_arrived=False)


def test_reopening_keeps_the_microphone_closed_until_the_old_connection_has_been_gone_a_moment():
    watch, clock = _watch()
    watch.seen(offered=True)
    clock.now += STALL_S
    assert watch.page_run_due(recording=True, audio_arrived=False)
    watch.reconnecting()
    assert watch.keep_closed() and not watch.stalled(audio_arrived=False)
    watch.seen(offered=True)  # the page run that asked the browser to close it
    assert not watch.page_run_due(recording=True, audio_arrived=False)
    clock.now += 0.5
    watch.seen(offered=False)  # gone at both ends
    assert watch.keep_closed()
    clock.now += SETTLE_S
    assert watch.page_run_due(recording=True, audio_arrived=False)  # a run to ask for the fresh one
    assert not watch.keep_closed()
    assert not watch.page_run_due(recording=True, audio_arrived=False)


def test_a_connection_that_never_reports_closed_is_not_waited_for_forever():
    watch, clock = _watch()
    watch.reconnecting()
    watch.seen(offered=True)
    clock.now += STALL_S
    assert not watch.keep_closed()


def test_automatic_reopenings_are_bounded_and_a_reconnect_by_hand_restores_them():
    watch, clock = _watch()
    for _ in range(AUTOMATIC_RECONNECTS):
        assert not watch.gave_up
        watch.reconnecting()
        clock.now += STALL_S
        watch.keep_closed()
    assert watch.gave_up
    watch.seen(offered=True)
    clock.now += STALL_S
    assert watch.stalled(audio_arrived=False)
    watch.seen(offered=True)  # a page run, which leaves it be: the page asks the person instead
    assert not watch.page_run_due(recording=True, audio_arrived=False)
    watch.reconnecting(by_hand=True)
    assert watch.reconnects == 0 and not watch.gave_up


def test_while_no_audio_has_come_the_page_runs_at_least_every_few_seconds():
    watch, clock = _watch()
    watch.seen(offered=False)
    clock.now += QUIET_S - 0.1
    assert not watch.page_run_due(recording=True, audio_arrived=False)
    clock.now += 0.2
    assert watch.page_run_due(recording=True, audio_arrived=False)  # an offer's own run may have been lost
    assert not watch.page_run_due(recording=True, audio_arrived=True)
    assert not watch.page_run_due(recording=False, audio_arrived=False)  # paused: nothing is expected
    watch.seen(offered=False)  # the page ran
    assert not watch.page_run_due(recording=True, audio_arrived=False)


def test_a_closing_the_browser_never_heard_of_is_asked_again_and_then_abandoned():
    watch, clock = _watch()
    watch.seen(offered=True)
    watch.failed()
    watch.reconnecting()  # the page run that would tell the browser to close was lost
    clock.now += QUIET_S
    assert watch.page_run_due(recording=True, audio_arrived=False)
    assert watch.keep_closed()
    watch.seen(offered=True)
    clock.now += STALL_S
    assert not watch.keep_closed()  # closed or not, a fresh start is asked for
