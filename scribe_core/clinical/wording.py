"""One spoken clause as note sentences: third person, clinical units and numbers, no noise.

A clause becomes zero, one or a few statements. It becomes none when what is left is noise: fewer
than three content words, still in the first or second person, a question, or the clinician's small
talk. A run-on (over RUN_ON_WORDS) is cut at its coordinating "and"/"but"/";" into sentences that
each stand. Pronoun soup ("the patient's heart on the patient's heart exam") keeps the first
"the patient's" and writes "the" after it.
"""

from __future__ import annotations

import re

from .cleanup import sentence_case
from .numbers import normalise_numbers
from .register import FIRST_OR_SECOND_PERSON, Pronouns, clinical_units, to_third_person

RUN_ON_WORDS = 40
MIN_CONTENT_WORDS = 3


def _words(text: str) -> list[str]:
    return text.split()


_FUNCTION = set(_words("""a an the and or but of to in on at for with from by is are was were be been has have had
it its this that these those she he they her his him their patient patient's clinician will would can could should
any some also there just very about as so if then than do does did not going get got okay yeah alright well
really right now"""))
_CUT = re.compile(r"\s*;\s*|,?\s+(?=(?:and|but)\s+(?:the patient|she|he|will|there|it|her|his|the)\b)", re.IGNORECASE)
# The clinician's remarks about themself, consent and device talk, and chit-chat that no note records.
_NOISE = re.compile(
    r"\b(?:recording|microphone|the app|consent|my (?:wife|husband|kids|son|daughter|weekend|vacation)|"
    r"the clinician (?:was|went|had|love|like)\w*|weather|traffic|parking|football|baseball|basketball|"
    r"nice to (?:meet|see)|how are you|how's it going|good to see|thank)\b", re.IGNORECASE)


def content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9/.'%-]+", text.lower()) if w not in _FUNCTION and w.strip(".")]


def _tidy(text: str) -> str:
    first = text.lower().find("the patient's")
    if first >= 0:
        head, tail = text[:first + 13], text[first + 13:]
        text = head + re.sub(r"\bthe patient's\b", "the", tail, flags=re.IGNORECASE)
    # A clause cut before "now" or "so" may end on its conjunction ("..., but").
    text = re.sub(r"(?:[\s,]+(?:but|and|or|so|because|which|that|then|well))+\s*[.,]?\s*$", "", text,
                  flags=re.IGNORECASE)
    return re.sub(r"\s{2,}", " ", text).strip(" ,;")


def _acceptable(text: str) -> bool:
    return (len(content_words(text)) >= MIN_CONTENT_WORDS and not FIRST_OR_SECOND_PERSON.search(text)
            and "?" not in text and not _NOISE.search(text))


def note_sentences(cleaned: str, role: str, pronouns: Pronouns) -> list[str]:
    """The clause in clinical register, as note sentences that each pass the noise rules."""
    text = _tidy(clinical_units(normalise_numbers(to_third_person(cleaned, role, pronouns))))
    parts = [text]
    if len(text.split()) > RUN_ON_WORDS:
        parts = [p for p in _CUT.split(text) if p and p.strip()]
        parts = [re.sub(r"^(?:and|but)\s+", "", p.strip(), flags=re.IGNORECASE) for p in parts]
    return [sentence_case(p) for p in parts if _acceptable(p)]
