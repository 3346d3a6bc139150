"""One HTTP edge for every remote call: timeouts, bounded retries, backoff with jitter, Retry-After.

Low-level `requests` errors are translated here, once, into the scribe's own exceptions. Nothing
here logs bodies or headers: both may carry patient text or the API key.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from .errors import (
    AuthenticationError,
    RateLimitedError,
    RemoteServiceError,
    ServiceUnavailableError,
)

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0
    # Retry-After values above this are clamped: a server asking for an hour would stall a visit.
    max_retry_after_s: float = 120.0

    def backoff_s(self, attempt: int, rng: random.Random) -> float:
        """Full-jitter exponential backoff (AWS architecture blog): spreads retrying clients apart."""
        ceiling = min(self.max_delay_s, self.base_delay_s * (2 ** (attempt - 1)))
        return rng.uniform(0, ceiling)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None


def error_text(response: requests.Response) -> str:
    """The service's own error message from either envelope (/v2: {"error": str}, gateway: {"error": {...}})."""
    try:
        body = response.json()
    except ValueError:
        return (response.text or "").strip()[:300]
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict):
            return str(err.get("message") or err)
        if err:
            return str(err)
        if "detail" in body:
            return str(body["detail"])[:300]
    return str(body)[:300]


@dataclass
class HttpClient:
    """A `requests.Session` with the scribe's retry rules. `sleep`/`clock` are injectable for tests."""

    service: str  # "AssemblyAI", "LLM Gateway": used in messages
    key_setting: str  # the setting that holds the key, named in authentication errors
    timeout_s: tuple[float, float] = (10.0, 60.0)  # (connect, read)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    session: requests.Session = field(default_factory=requests.Session)
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    rng: random.Random = field(default_factory=random.Random)

    def request(
        self,
        method: str,
        url: str,
        *,
        idempotent: bool = True,
        body_factory: Callable[[], Any] | None = None,
        ok_statuses: tuple[int, ...] = (200,),
        timeout_s: tuple[float, float] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """Send with retries. A streamed body is rebuilt per attempt by `body_factory`.

        Non-idempotent requests (POST create) are retried only when the server answered with a
        retryable status, or the connection failed before the request was sent: a timeout after
        sending may mean the server acted, and a blind retry could create a second transcript.
        """
        attempt = 0
        while True:
            attempt += 1
            if body_factory is not None:
                kwargs["data"] = body_factory()
            try:
                response = self.session.request(method, url, timeout=timeout_s or self.timeout_s, **kwargs)
            except requests.ConnectionError as exc:
                sent = not isinstance(exc, requests.exceptions.ConnectTimeout) and _request_was_sent(exc)
                if attempt >= self.retry.max_attempts or (sent and not idempotent):
                    raise ServiceUnavailableError(
                        f"Could not reach {self.service} after {attempt} attempt(s): the connection "
                        "failed. Check the network and try again; nothing was lost.",
                        service=self.service,
                    ) from exc
                self._wait(self.retry.backoff_s(attempt, self.rng), f"connection error ({type(exc).__name__})")
                continue
            except requests.Timeout as exc:
                if attempt >= self.retry.max_attempts or not idempotent:
                    raise ServiceUnavailableError(
                        f"{self.service} did not answer in time after {attempt} attempt(s); try again later.",
                        service=self.service,
                    ) from exc
                self._wait(self.retry.backoff_s(attempt, self.rng), "timeout")
                continue

            status = response.status_code
            if status in ok_statuses:
                return response
            if status in (401, 403):
                raise AuthenticationError(
                    f"{self.service} rejected the API key (HTTP {status}: {error_text(response)}). "
                    f"Check {self.key_setting} in your environment, .env file or Streamlit secrets.",
                    status_code=status,
                    service=self.service,
                )
            if status in RETRYABLE_STATUS and attempt < self.retry.max_attempts:
                delay = self.retry.backoff_s(attempt, self.rng)
                if status == 429:
                    retry_after = parse_retry_after(response.headers.get("Retry-After"), self.clock())
                    if retry_after is not None:
                        delay = min(retry_after, self.retry.max_retry_after_s)
                self._wait(delay, f"HTTP {status}")
                continue
            if status == 429:
                raise RateLimitedError(
                    f"{self.service} is rate-limiting requests (HTTP 429) and still was after "
                    f"{attempt} attempts. Wait a few minutes and retry; nothing was lost.",
                    status_code=status,
                    service=self.service,
                )
            if status >= 500:
                raise ServiceUnavailableError(
                    f"{self.service} had a server error (HTTP {status}) after {attempt} attempts. "
                    "Retry later; nothing was lost.",
                    status_code=status,
                    service=self.service,
                )
            raise RemoteServiceError(
                f"{self.service} refused the request (HTTP {status}): {error_text(response)}",
                status_code=status,
                service=self.service,
            )

    def _wait(self, delay_s: float, why: str) -> None:
        log.info("%s: retrying after %s in %.2f s", self.service, why, delay_s)
        self.sleep(delay_s)


def _request_was_sent(exc: requests.ConnectionError) -> bool:
    """Best effort: did the failure happen after the request left? (then the server may have acted)."""
    text = repr(exc)
    never_sent = ("NewConnectionError", "Connection refused", "Name or service not known", "ConnectTimeout")
    return not any(marker in text for marker in never_sent)
