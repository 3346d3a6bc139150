"""The scribe's use cases, one module per seam, behind the `Scribe` facade (see scribe.py).

The facade's names load on first use, so the read side can import the pure decisions
(`usecases.decisions`) without importing the facade that in turn holds the read side.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .intake import AudioSource
    from .processing import StoredCheckpoints
    from .scribe import Scribe

__all__ = ["AudioSource", "Scribe", "StoredCheckpoints"]
_HOMES = {"AudioSource": ".intake", "StoredCheckpoints": ".processing", "Scribe": ".scribe"}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_HOMES[name], __name__), name)
