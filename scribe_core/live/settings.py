"""Live-visit settings, read like every other setting (environment, `.env`, Streamlit secrets).

- `ASSEMBLYAI_STREAMING_MODEL` (`u3-rt-pro`): the Universal-Streaming speech model (ids change).
- `ASSEMBLYAI_STREAMING_REGION` (`edge`): `edge` = streaming.assemblyai.com (may route to Ireland),
  `us` = US data residency, `eu`; `ASSEMBLYAI_EU=true` means `eu`.
- `ASSEMBLYAI_STREAMING_URL`: a full `ws(s)://.../v3/ws` URL instead (a test server).
- `SCRIBE_LIVE_FINAL_TRANSCRIPT` (`batch`): `batch` runs the whole recording through the ordinary
  engine at stop (best accuracy, confirmed roles); `streamed` keeps the live transcript (cloud only).
- `SCRIBE_LIVE_CONSENT_REQUIRED` (`true`): the page asks for the patient's agreement first.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from ..errors import ConfigurationError

STREAMING_HOSTS = {
    "edge": "wss://streaming.assemblyai.com/v3/ws",
    "us": "wss://streaming.us.assemblyai.com/v3/ws",
    "eu": "wss://streaming.eu.assemblyai.com/v3/ws",
}
DEFAULT_STREAMING_MODEL = "u3-rt-pro"
FINAL_TRANSCRIPT_CHOICES = ("batch", "streamed")


def _flag(value: str | None, default: bool) -> bool:
    if value is None or not value.strip():
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class LiveSettings:
    streaming_url: str = STREAMING_HOSTS["edge"]
    streaming_model: str = DEFAULT_STREAMING_MODEL
    final_transcript: str = "batch"
    consent_required: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> LiveSettings:
        get = (env if env is not None else _merged_env()).get
        region = (get("ASSEMBLYAI_STREAMING_REGION") or "").strip().lower()
        if _flag(get("ASSEMBLYAI_EU"), False) and not region:
            region = "eu"
        region = region or "edge"
        if region not in STREAMING_HOSTS:
            raise ConfigurationError(f"ASSEMBLYAI_STREAMING_REGION must be one of {', '.join(STREAMING_HOSTS)}")
        final = (get("SCRIBE_LIVE_FINAL_TRANSCRIPT") or "batch").strip().lower()
        if final not in FINAL_TRANSCRIPT_CHOICES:
            raise ConfigurationError("SCRIBE_LIVE_FINAL_TRANSCRIPT must be 'batch' or 'streamed'")
        url = (get("ASSEMBLYAI_STREAMING_URL") or "").strip() or STREAMING_HOSTS[region]
        if not url.startswith(("ws://", "wss://")):
            raise ConfigurationError("ASSEMBLYAI_STREAMING_URL must start with wss:// (ws:// for a local test server)")
        return cls(streaming_url=url, streaming_model=(get("ASSEMBLYAI_STREAMING_MODEL") or "").strip()
                   or DEFAULT_STREAMING_MODEL, final_transcript=final,
                   consent_required=_flag(get("SCRIBE_LIVE_CONSENT_REQUIRED"), True))


def _merged_env() -> dict[str, str]:
    from dotenv import dotenv_values

    merged = {k: v for k, v in dotenv_values(".env").items() if v is not None}
    merged.update(os.environ)
    return merged
