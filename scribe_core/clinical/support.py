"""What a note statement claims that its cited utterances must contain: numbers, drug names, negation,
and the hedge of a hedged impression (certainty.py).

Used twice: the offline writer drops any fact that fails (so nothing is invented), and the
consistency check flags a statement of any note (LLM-written or edited) that fails, with the reason.
Spoken numbers count as their digits ("forty milligrams" supports "40 mg").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..clinical_lexicon import DRUGS
from ..model import LIST_ENUMERATOR
from .certainty import dropped_hedge
from .numbers import normalise_numbers

_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_NUMBER_WORD = re.compile(r"\b(?:(" + "|".join(_TENS) + r")(?:[- ](" + "|".join(list(_UNITS)[1:10]) + r"))?|("
                          + "|".join(_UNITS) + r"))(?:\s+hundred(?:\s+and)?(?:\s+(\w+))?)?\b", re.IGNORECASE)
_AND_A_HALF = re.compile(r"\b(\d+|a|an|" + "|".join([*_UNITS, *_TENS]) + r")\s+(?:[a-z]+\s+)?and a half\b",
                         re.IGNORECASE)
_UNIT_AND_A_HALF = re.compile(r"\b(\w+)\s+(?:hour|day|week|month|year)s?\s+and a half\b", re.IGNORECASE)
# Not a digit inside a name ("SpO2", "A1c", "B12"): those are words, not numbers said.
_DIGITS = re.compile(r"(?<!\w)\d+(?:\.\d+)?")
# Drug-name endings for names missing from the list (generic stems, WHO INN suffixes).
_DRUG_SUFFIX = re.compile(r"^[a-z]{3,}(pril|sartan|olol|dipine|statin|prazole|tidine|cillin|mycin|floxacin|cycline|"
                          r"azole|vir|mab|nib|formin|gliptin|gliflozin|glutide|triptan|oxetine|pram|azepam|"
                          r"zolam|sone|olone|lukast|terol|tropium|parin|xaban|gatran|thiazide|semide|afil)$")
NEGATION = re.compile(r"\b(no|not|never|none|nothing|denies|denied|deny|negative|without|nope|nah|absent|"
                      r"free of|doesn't|don't|didn't|hasn't|haven't|isn't|aren't|wasn't|weren't|won't|can't|"
                      r"cannot|neither|nor|unremarkable|resolved)\b|n't\b", re.IGNORECASE)


def without_enumerator(text: str) -> str:
    """A statement (or each line of a note's text) without its problem-list number, before its numbers are
    checked against what was said."""
    return LIST_ENUMERATOR.sub("", text)


def spoken_numbers(text: str) -> set[str]:
    """Every number in the text, digits and words, as canonical digit strings; also as a clinician writes
    them ("one twenty seven over sixty" holds 127 and 60, numbers.py), so a note's "127/60" is found in
    what was said by every check that reads numbers."""
    normalised = normalise_numbers(text)
    return _numbers(text) | (_numbers(normalised) if normalised != text else set())


def _numbers(text: str) -> set[str]:
    out = {_canon(n) for n in _DIGITS.findall(text)}
    for m in _NUMBER_WORD.finditer(text):
        tens, unit, small = m.group(1), m.group(2), m.group(3)
        value = (_TENS[tens.lower()] + (_UNITS[unit.lower()] if unit else 0)) if tens else _UNITS[small.lower()]
        out.add(str(value))
        if "hundred" in m.group(0).lower():
            out.add(str(value * 100))
    # "one and a half weeks", "a week and a half", "half a day": 1.5 and 0.5 as a note writes them.
    for m in _AND_A_HALF.finditer(text):
        whole = m.group(1).lower()
        base = 1 if whole in ("a", "an") else int(whole) if whole.isdigit() else _UNITS.get(whole, _TENS.get(whole))
        if base is not None:
            out.add(_canon(str(base + 0.5)))
    # "for the past week and a half": one and a half, with no number said before the unit.
    for m in _UNIT_AND_A_HALF.finditer(text):
        before = m.group(1).lower()
        if not before.isdigit() and before not in _UNITS and before not in _TENS and before not in ("a", "an"):
            out.add("1.5")
    if re.search(r"(?<!and )\b(a|one) half\b|\bhalf (a|an)\b", text, re.IGNORECASE):
        out.add("0.5")
    return out


def _canon(n: str) -> str:
    if "." in n:
        n = n.rstrip("0").rstrip(".")
    return n.lstrip("0") or "0"


def drug_names(text: str) -> set[str]:
    words = set(re.findall(r"[a-z]+", text.lower()))
    return {w for w in words if w in DRUGS or _DRUG_SUFFIX.match(w)}


def negated(text: str) -> bool:
    return bool(NEGATION.search(text))


@dataclass(frozen=True)
class SupportProblem:
    kind: str  # "number", "drug", "negation", "certainty"
    detail: str

    def reason(self) -> str:
        if self.kind == "certainty":
            return f"the cited utterance is hedged ({self.detail!r}) but the statement says it as certain"
        what = {"number": "the number", "drug": "the drug", "negation": "the negation"}[self.kind]
        return f"{what} {self.detail!r} is not in the cited utterances"


def unsupported_claims(statement: str, cited_texts: list[str]) -> list[SupportProblem]:
    """Numbers, drug names and negation in the statement that its cited utterances do not contain."""
    statement = without_enumerator(statement)
    evidence = " ".join(cited_texts)
    problems: list[SupportProblem] = []
    have_numbers = spoken_numbers(evidence)
    for n in sorted(spoken_numbers(statement) - have_numbers):
        problems.append(SupportProblem("number", n))
    have_drugs = drug_names(evidence)
    for d in sorted(drug_names(statement) - have_drugs):
        problems.append(SupportProblem("drug", d))
    if negated(statement) and not negated(evidence):
        word = NEGATION.search(statement)
        problems.append(SupportProblem("negation", word.group(0) if word else "no"))
    hedge = dropped_hedge(statement, cited_texts)
    if hedge:
        problems.append(SupportProblem("certainty", hedge))
    return problems
