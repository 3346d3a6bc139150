"""Spoken numbers written as a clinician writes them, only where the words are unambiguous.

"one twenty seven over sixty" -> "127/60" (a blood pressure: "over" between two readings), "a one c" /
"a1c" -> "A1c", "seven point two" -> "7.2", "point three" -> "0.3", "three out of six" -> "3/6",
"twenty five" -> "25" before a unit or dose word. A lone "one twenty" (a time? a count?) is left as said.
The support check (support.py) applies the same function to the cited utterances, so a normalised
number is always matched against the same normalisation of what was said.
"""

from __future__ import annotations

import re

_UNITS = {"zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_U = "|".join(k for k in _UNITS if k != "oh")
_T = "|".join(_TENS)
_TEEN = "|".join(_TEENS)
# Below one hundred: "seven", "fifteen", "twenty", "twenty seven", "twenty-seven", or digits.
_TWO = rf"(?:(?:{_T})(?:[- ](?:{_U}))?|{_TEEN}|{_U}|\d{{1,3}})"
# A reading up to 299: "one twenty seven", "one hundred (and) twenty seven", "ninety", "127".
READING = (rf"(?:(?:one|two)\s+hundred(?:\s+and)?(?:\s+{_TWO})?"
            rf"|(?:one|two)\s+(?:(?:{_T})(?:[- ](?:{_U}))?|{_TEEN}|oh\s+(?:{_U}))|{_TWO})")
_OVER = re.compile(rf"\b({READING})\s+over\s+({READING})\b", re.IGNORECASE)
_OUT_OF = re.compile(rf"\b({_TWO})\s+out\s+of\s+({_TWO})\b", re.IGNORECASE)
_POINT = re.compile(rf"(?<![\w.])(?:({_TWO})\s+)?point\s+((?:{_U}|\d)(?:\s+(?:{_U}|\d))?)\b", re.IGNORECASE)
_A1C = re.compile(r"\b(?:hemoglobin\s+)?a\s*(?:one|1)\s*-?\s*c\b", re.IGNORECASE)
# A compound number before a unit or measurement word ("twenty five milligrams", "eighty two percent").
_BEFORE_UNIT = re.compile(rf"\b((?:{_U}|a)\s+(?:hundred|thousand)(?:\s+and)?(?:\s+{_TWO})?"
                          rf"|(?:{_T})[- ](?:{_U})|(?:{_T})|{_TEEN})\s+(?=(?:milligrams?|mg|micrograms?|mcg|units?|"
                          r"percent|pounds?|kilograms?|beats|breaths|degrees|milliliters?|weeks?|days?|months?|years?|"
                          r"hours?|minutes?|times)\b)", re.IGNORECASE)


def value(words: str) -> int | None:
    """The value of a spoken reading ("one twenty seven" 127, "one hundred and five" 105, "sixty" 60)."""
    w = re.sub(r"\s+and\s+", " ", words.lower().replace("-", " ")).split()
    if not w:
        return None
    if len(w) == 1 and w[0].isdigit():
        return int(w[0])
    if w[0] == "a":
        w = ["one", *w[1:]]
    if "thousand" in w and len(w) == 2:
        head = _small(w[:1])
        return None if head is None else head * 1000
    if "hundred" in w:
        i = w.index("hundred")
        head = _small(w[:i])
        rest = _small(w[i + 1:]) if w[i + 1:] else 0
        return None if head is None or rest is None else head * 100 + rest
    if len(w) >= 2 and w[0] in ("one", "two") and (w[1] in _TENS or w[1] in _TEENS or w[1] == "oh"):
        rest = _small(w[1:]) if w[1] != "oh" else _small(w[2:])
        return None if rest is None else _UNITS[w[0]] * 100 + rest
    return _small(w)


def _small(w: list[str]) -> int | None:
    if len(w) == 1:
        x = w[0]
        if x.isdigit():
            return int(x)
        return _UNITS.get(x, _TEENS.get(x, _TENS.get(x)))
    if len(w) == 2 and w[0] in _TENS and w[1] in _UNITS and w[1] != "oh":
        return _TENS[w[0]] + _UNITS[w[1]]
    return None


def _digits(words: str) -> str:
    return "".join(str(_UNITS[x]) if x in _UNITS else x for x in words.lower().split())


def _over(m: re.Match[str]) -> str:
    top, bottom = value(m.group(1)), value(m.group(2))
    # Only a pair that reads as a blood pressure (or a similar ratio) becomes digits.
    if top is None or bottom is None or not (50 <= top <= 260 and 20 <= bottom <= 160):
        return m.group(0)
    return f"{top}/{bottom}"


def _out_of(m: re.Match[str]) -> str:
    a, b = value(m.group(1)), value(m.group(2))
    return m.group(0) if a is None or b is None or a > b else f"{a}/{b}"


def _point(m: re.Match[str]) -> str:
    whole = value(m.group(1)) if m.group(1) else 0
    if whole is None:
        return m.group(0)
    return f"{whole}.{_digits(m.group(2))}"


def _before_unit(m: re.Match[str]) -> str:
    v = value(m.group(1))
    return m.group(0) if v is None else f"{v} "


# A reading said after a vital sign ("heart rate is eighty eight", "respiratory rate of sixteen").
_AFTER_VITAL = re.compile(rf"\b((?:heart rate|pulse|respiratory rate|temperature|oxygen(?: saturation)?|sats?)\s+"
                          rf"(?:[a-z]+\s+){{0,3}}?(?:is|of|was|at)\s+)({READING})\b(?!\s+(?:over|point|out of))",
                          re.IGNORECASE)


def _after_vital(m: re.Match[str]) -> str:
    v = value(m.group(2))
    # A lone "one" or "two" after a vital sign is a word ("pulse is one of ..."), not a reading.
    return m.group(0) if v is None or v < 10 or m.group(2).isdigit() else f"{m.group(1)}{v}"


def normalise_numbers(text: str) -> str:
    """The text with unambiguous spoken numbers in a clinician's digits; everything else as said."""
    text = _A1C.sub(lambda m: ("hemoglobin " if m.group(0).lower().startswith("hemo") else "") + "A1c", text)
    text = _OVER.sub(_over, text)
    text = _OUT_OF.sub(_out_of, text)
    text = _POINT.sub(_point, text)
    text = _AFTER_VITAL.sub(_after_vital, text)
    return _BEFORE_UNIT.sub(_before_unit, text)
