"""Note-quality measures against a clinician's reference note (benchmarks/note_quality.py): key facts,
junk statements, an empty assessment or plan, and the speech-recognition form of a dialogue.

- Key facts: the numbers and drug names a reference note records that were also said in the dialogue
  (as digits or words). A draft states one when it holds the same number or name; the omission check
  lists one when a line it lists does.
- Junk: a statement no clinician would sign as written: fillers, a question mark, the first or second
  person, under 3 or over 55 words, or "the patient" three or more times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..clinical.content_units import NOT_DRUGS
from ..clinical.support import drug_names, spoken_numbers, without_enumerator
from ..model import LIST_ENUMERATOR

# "the ER" / "an ER visit" is the emergency room, not the filler "er".
FILLER = re.compile(r"\b(um+|uh+|uhm+|erm|(?<!\bthe )(?<!\ban )er|hmm+|mhm|you know|i mean|kind of like|"
                    r"sort of like)\b", re.IGNORECASE)
PERSON = re.compile(r"\b(i|i'm|i've|i'd|i'll|me|my|mine|myself|we|we're|we've|we'll|we'd|us|our|ours|ourselves|"
                    r"you|you're|you've|you'll|you'd|your|yours|yourself)\b", re.IGNORECASE)
# "C5-6" or "T2" names a level, not a number the dialogue said (list enumerators: support.py).
_LEVEL = re.compile(r"\b[a-z]\d+(?:-\d+)?\b")
_PLAN_HEADING = re.compile(r"^\s*(assessment and plan|assessment|plan|impression and plan|impression)\s*:?\s*$",
                           re.IGNORECASE | re.MULTILINE)


def key_facts(reference: str, dialogue: str) -> set[str]:
    """Numbers ("#40") and drug names ("metformin") the reference note records and the dialogue said."""
    said_numbers, said_drugs = spoken_numbers(dialogue.lower()), drug_names(dialogue) - NOT_DRUGS
    recorded = _LEVEL.sub(" ", without_enumerator(reference.lower()))
    return ({f"#{n}" for n in spoken_numbers(recorded) & said_numbers}
            | (drug_names(reference) & said_drugs))


def holds(text: str, fact: str) -> bool:
    if fact.startswith("#"):
        return fact[1:] in spoken_numbers(without_enumerator(text.lower()))
    return fact in drug_names(text)


@dataclass
class KeyFactTally:
    facts: int = 0
    stated: int = 0
    lacking: int = 0
    listed: int = 0  # of the lacking, those a listed line holds

    def add(self, facts: set[str], draft: str, listed: str) -> None:
        for fact in facts:
            self.facts += 1
            if holds(draft, fact):
                self.stated += 1
            else:
                self.lacking += 1
                self.listed += holds(listed, fact)

    @property
    def stated_pct(self) -> float:
        return 100 * self.stated / max(1, self.facts)

    @property
    def listed_pct(self) -> float:
        return 100 * self.listed / max(1, self.lacking)

    @property
    def stated_or_listed_pct(self) -> float:
        return 100 * (self.stated + self.listed) / max(1, self.facts)


def junk_reasons(statement: str) -> list[str]:
    words = without_enumerator(statement).split()
    reasons = []
    if FILLER.search(statement):
        reasons.append("filler")
    if "?" in statement:
        reasons.append("question mark")
    if PERSON.search(statement):
        reasons.append("first or second person")
    # A numbered problem ("2. Hypertension.") heads the problem list: short by design, not a fragment.
    if len(words) < 3 and not LIST_ENUMERATOR.match(statement):
        reasons.append("under 3 words")
    if len(words) > 55:
        reasons.append("over 55 words")
    if len(re.findall(r"\bthe patient\b", statement, re.IGNORECASE)) >= 3:
        reasons.append("'the patient' 3 or more times")
    return reasons


def reference_has_plan(reference: str) -> bool:
    """Whether the reference note has an assessment or plan heading with text under it."""
    m = _PLAN_HEADING.search(reference)
    return bool(m and reference[m.end():].strip())


def speech_recognition_style(dialogue: str) -> str:
    """The dialogue as raw speech recognition gives it: lower case, no punctuation (a decimal point, a
    ratio's slash and a word's apostrophe or hyphen stay: they are spoken), speaker tags kept."""
    lines = []
    for line in dialogue.splitlines():
        m = re.match(r"^(\s*\[[^\]]+\]\s*)(.*)$", line)
        tag, text = (m.group(1), m.group(2)) if m else ("", line)
        text = re.sub(r"(?<=\d),(?=\d{3})", "", text.lower())  # "1,000" is said as one number
        text = re.sub(r"[.,](?!\d)|(?<!\d)[.,]|[?!;:\"()]", " ", text)
        lines.append(tag + " ".join(text.split()))
    return "\n".join(lines)
