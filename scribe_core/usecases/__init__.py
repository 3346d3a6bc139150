"""The scribe's use cases, one module per seam, behind the `Scribe` facade (see scribe.py)."""

from .intake import AudioSource
from .processing import StoredCheckpoints
from .scribe import Scribe

__all__ = ["AudioSource", "Scribe", "StoredCheckpoints"]
