"""The offline engine: transcription, diarization and PII redaction without any network.

Import `OfflineTranscriber` from `.engine`; importing this package loads no model.
"""

from .engine import OfflineTranscriber

__all__ = ["OfflineTranscriber"]
