"""A slot item: one thing a visit's slots hold, as the note writes it, with the utterances it came from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SlotItem:
    text: str  # as the note writes it
    evidence: tuple[str, ...]  # utterance ids
    order: float  # place in the visit
