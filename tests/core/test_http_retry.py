"""Retry rules on plain data: backoff bounds, Retry-After parsing."""

import random
from datetime import UTC, datetime
from email.utils import format_datetime

from scribe_core.http import RetryPolicy, parse_retry_after


def test_backoff_is_jittered_and_bounded():
    policy = RetryPolicy(base_delay_s=0.5, max_delay_s=4.0)
    rng = random.Random(1)
    delays = [[policy.backoff_s(a, rng) for _ in range(200)] for a in range(1, 8)]
    for attempt, ds in enumerate(delays, start=1):
        assert min(ds) >= 0 and max(ds) <= min(4.0, 0.5 * 2 ** (attempt - 1))
        assert len(set(ds)) > 150  # jittered, not a fixed schedule


def test_retry_after_seconds_and_http_date():
    assert parse_retry_after("7", now=0) == 7.0
    now = 1_700_000_000.0
    date = format_datetime(datetime.fromtimestamp(now + 30, UTC), usegmt=True)
    assert abs(parse_retry_after(date, now=now) - 30) < 1.01
    assert parse_retry_after("soon", now=0) is None and parse_retry_after(None, now=0) is None
