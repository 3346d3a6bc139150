"""Vital signs as a clinician writes them: a spoken sentence that only reads out a vital sign ("on physical
examination, the patient's blood pressure today is 152/94.") is written as the slot's line ("BP 152/94."),
citing the same utterance. A sentence that says more about it ("blood pressure is a little elevated today at
156/94") keeps its words: what the doctor made of the reading is the clinician's, not layout."""

from __future__ import annotations

import re

from .slot_types import SlotItem
from .support import spoken_numbers

# Words that only carry the reading: the sign's name, when and where it was taken, its unit, and glue.
_CARRIER = frozenset(re.findall(r"\S+",
    "on the a an and of at is was are were in physical examination exam vital signs vitals blood pressure heart "
    "rate pulse temperature oxygen saturation ox respiratory weight weighs pounds kilograms percent today here "
    "office clinic looks looked reading measured came back patient patient's their his her over your so okay now "
    "let's let me see take look"))


def only_reads_out(statement: str, evidence: list[str], vitals: list[SlotItem]) -> list[SlotItem]:
    """The vital signs a statement does nothing but read out (their lines replace it), or [] to keep it."""
    numbers = spoken_numbers(statement)
    said = [v for v in vitals if set(v.evidence) == set(evidence) and spoken_numbers(v.text) & numbers]
    if not said or not numbers <= set().union(*(spoken_numbers(v.text) for v in said)):
        return []
    words = re.findall(r"[a-z']+", re.sub(r"\d+(?:[./]\d+)*%?", " ", statement.lower()))
    return said if all(w in _CARRIER for w in words) else []
