"""Key terms (drug names, conditions) a clinician gives an engine to listen for, read one way everywhere."""

from __future__ import annotations

import re
from collections.abc import Iterable

_SEPARATORS = re.compile(r"[,\n;]")


def parse_keyterms(text: str | Iterable[str]) -> list[str]:
    """Terms typed one per line or comma- or semicolon-separated (or given as a list, each possibly holding
    several); spaces collapsed, blanks and repeats (in any case) dropped, order kept."""
    pieces = [text] if isinstance(text, str) else list(text)
    seen: dict[str, str] = {}
    for piece in pieces:
        for term in _SEPARATORS.split(piece or ""):
            term = " ".join(term.split())
            if term and term.lower() not in seen:
                seen[term.lower()] = term
    return list(seen.values())
