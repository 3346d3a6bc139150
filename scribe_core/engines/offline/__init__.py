"""The offline engine: transcription, diarization and PII redaction without any network.

Import `OfflineTranscriber` from `.engine`; importing this package loads no model, and not the engine's
own imports either (numpy, the ASR runtime): a fresh process drafting a note should not pay for
transcription it does not do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import OfflineTranscriber

__all__ = ["OfflineTranscriber"]


def __getattr__(name: str) -> Any:
    if name == "OfflineTranscriber":
        from .engine import OfflineTranscriber

        return OfflineTranscriber
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
