"""One HTTP edge for every remote call: timeouts, bounded retries, backoff with jitter, Retry-After.

This is the only retry loop around a request; callers never wrap it in another. How often a request
may be sent depends on what a repeat could do (`Resend`):

    ANY_FAILURE   reads, deletes, uploads: up to `max_attempts` sends on 429, 5xx, timeouts, broken connections
    IF_REFUSED    chat completions: resent only when the server answered 429/5xx or never got the request
    NEVER         transcript creation: sent once; after an ambiguous failure the caller reconciles
                  through the transcript list, and a later job attempt creates again if it must

Low-level `requests` errors and unreadable bodies are translated here, once, into the scribe's own
exceptions naming the service. Nothing here logs bodies or headers: both may carry patient text or
the API key.
"""

from __future__ import annotations

import enum
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
    MalformedResponseError,
    RateLimitedError,
    RemoteServiceError,
    ServiceUnavailableError,
)

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


class Resend(enum.Enum):
    """When a request may be sent again after a failure (see the module docstring)."""

    ANY_FAILURE = "any failure"
    IF_REFUSED = "if refused"
    NEVER = "never"


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
        resend: Resend = Resend.ANY_FAILURE,
        body_factory: Callable[[], Any] | None = None,
        ok_statuses: tuple[int, ...] = (200,),
        timeout_s: tuple[float, float] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """Send, resending as `resend` allows, at most `retry.max_attempts` times in all.

        A streamed body is rebuilt per attempt by `body_factory`.
        """
        attempts = 1 if resend is Resend.NEVER else self.retry.max_attempts
        attempt = 0
        while True:
            attempt += 1
            if body_factory is not None:
                kwargs["data"] = body_factory()
            try:
                response = self.session.request(method, url, timeout=timeout_s or self.timeout_s, **kwargs)
            except requests.ConnectionError as exc:
                sent = not isinstance(exc, requests.exceptions.ConnectTimeout) and _request_was_sent(exc)
                if attempt >= attempts or (sent and resend is not Resend.ANY_FAILURE):
                    raise ServiceUnavailableError(
                        f"Could not reach {self.service} after {attempt} attempt(s): the connection "
                        "failed. Check the network and try again; nothing was lost.",
                        service=self.service,
                    ) from exc
                self._wait(self.retry.backoff_s(attempt, self.rng), f"connection error ({type(exc).__name__})")
                continue
            except requests.Timeout as exc:
                if attempt >= attempts or resend is not Resend.ANY_FAILURE:
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
            retry_after = None
            if status == 429:
                retry_after = parse_retry_after(response.headers.get("Retry-After"), self.clock())
            if status in RETRYABLE_STATUS and attempt < attempts:
                delay = self.retry.backoff_s(attempt, self.rng)
                if retry_after is not None:
                    delay = min(retry_after, self.retry.max_retry_after_s)
                self._wait(delay, f"HTTP {status}")
                continue
            if status == 429:
                raise RateLimitedError(
                    f"{self.service} is rate-limiting requests (HTTP 429) and still was after "
                    f"{attempt} attempt(s). The scribe tries again later; nothing was lost.",
                    status_code=status,
                    service=self.service,
                    retry_after_s=retry_after,
                )
            if status >= 500:
                raise ServiceUnavailableError(
                    f"{self.service} had a server error (HTTP {status}) after {attempt} attempt(s). "
                    "The scribe tries again later; nothing was lost.",
                    status_code=status,
                    service=self.service,
                )
            raise RemoteServiceError(
                f"{self.service} refused the request (HTTP {status}): {error_text(response)}",
                status_code=status,
                service=self.service,
            )

    def json_object(self, response: requests.Response, what: str) -> dict[str, Any]:
        """The body as a JSON object, or a MalformedResponseError naming the service and the call."""
        try:
            body = response.json()
        except ValueError as exc:
            raise self.malformed(what, "the body is not JSON") from exc
        if not isinstance(body, dict):
            raise self.malformed(what, f"expected a JSON object, got {type(body).__name__}")
        return body

    def required(self, body: dict[str, Any], key: str, kind: type | tuple[type, ...], what: str) -> Any:
        """`body[key]` when it has the expected type, else a MalformedResponseError."""
        value = body.get(key)
        if not isinstance(value, kind) or (isinstance(value, str) and not value):
            raise self.malformed(what, f"'{key}' is missing or not {_kind_words(kind)}")
        return value

    def malformed(self, what: str, why: str) -> MalformedResponseError:
        """An error for an answer the scribe cannot read. `why` names fields and types, never values."""
        return MalformedResponseError(
            f"{self.service} sent an answer the scribe cannot read ({what}: {why}). This is usually "
            "temporary: retry the encounter; nothing was lost.",
            service=self.service,
        )

    def _wait(self, delay_s: float, why: str) -> None:
        log.info("%s: retrying after %s in %.2f s", self.service, why, delay_s)
        self.sleep(delay_s)


def _kind_words(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join({"str": "a non-empty string", "dict": "an object", "list": "a list"}.get(k.__name__, k.__name__)
                       for k in kinds)


def _request_was_sent(exc: requests.ConnectionError) -> bool:
    """Best effort: did the failure happen after the request left? (then the server may have acted)."""
    text = repr(exc)
    never_sent = ("NewConnectionError", "Connection refused", "Name or service not known", "ConnectTimeout")
    return not any(marker in text for marker in never_sent)
