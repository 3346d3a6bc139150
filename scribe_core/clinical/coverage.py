"""Whether a note's statements say a content unit (content_units.py): the omission check's matching rules.

A statement covers a unit when it holds the unit's specific terms, in any wording a note uses:
- a number: the same value, as digits or words ("forty milligrams" and "40 mg" meet);
- a drug, examination finding, test or specialty: the name (its first letters, so "x-ray" meets "xray"
  and "tenderness" meets "tender");
- a dose change: the drug and a change word;
- a follow-up interval: the number and the time unit;
- an answered question: half of what was asked (at least one word), and never the opposite answer in the
  clause that names it ("Denies fever but reports chest pain" does not cover "Denies chest pain").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Note
from .content_units import ContentUnit, stem, tokens
from .support import NEGATION, spoken_numbers, without_enumerator

_CLAUSE_SPLIT = re.compile(r";|\.\s|\b(?:but|though|although|however|except|yet|whereas|reports|endorses|admits)\b")
_CHANGE_WORD = re.compile(r"\b(start|initiat|increas|decreas|reduc|lower|stop|discontinu|switch|chang|hold|held|"
                          r"taper|titrat|refill|prescri|continu|add|resum|wean|up|dose|dosage|mg)\w*")


@dataclass(frozen=True)
class Said:
    """One statement, read once for matching."""
    text: str
    stems: frozenset[str]
    numbers: frozenset[str]
    flat: str  # letters and digits only, for names written with or without spaces and hyphens


def read(text: str) -> Said:
    low = text.lower()
    words = tokens(low)
    return Said(low, frozenset(stem(w) for w in words) | frozenset(w[:6] for w in words),
                frozenset(f"#{n}" for n in spoken_numbers(low)), re.sub(r"[^a-z0-9]", "", low))


def read_note(note: Note) -> list[Said]:
    return [read(without_enumerator(st.text)) for st in note.statements()]


def _holds(said: Said, key: str) -> bool:
    if key.startswith("#"):
        return key in said.numbers
    return key in said.stems or re.sub(r"[^a-z0-9]", "", key) in said.flat


def _denies(text: str, keys: frozenset[str]) -> bool | None:
    """Whether the clause naming the finding negates it; None when no clause names it."""
    for clause in _CLAUSE_SPLIT.split(text):
        for m in re.finditer(r"[a-z]+", clause):
            if stem(m.group(0)) in keys:
                return bool(NEGATION.search(clause[:m.start()]))
    return None


def covers(said: Said, unit: ContentUnit) -> bool:
    if unit.kind == "answer":
        named = sum(_holds(said, k) for k in unit.keys)
        if not named or named * 2 < len(unit.keys):
            return False
        denied = _denies(said.text, unit.keys)
        return denied is None or denied != unit.polarity
    if unit.kind == "number":  # the value, or the words it was said in ("past week and a half")
        return bool(unit.keys & said.numbers) or unit.text.split(" ", 1)[-1] in said.text
    if not all(_holds(said, k) for k in unit.keys):
        return False
    return unit.kind != "dose" or bool(_CHANGE_WORD.search(said.text))


def covered(unit: ContentUnit, statements: list[Said]) -> bool:
    return any(covers(s, unit) for s in statements)
