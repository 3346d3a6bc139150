"""The clinical keep-list: what PII redaction must never remove, for every engine.

Identity goes; clinical content stays. Ten categories are kept, each with the AssemblyAI PII
policies that would erase it (so those policies are never requested, `pii_policy`) and, for the
offline redactor, the words and patterns that protect spans of a transcript (`protected_spans`):

    drugs                  generic and brand names, drug classes, the -pril/-statin/-cillin... stems
    recreational           marijuana, cocaine, heroin, meth, ecstasy, ketamine... and their street names
    alcohol_tobacco        beer, wine, vodka, cigarettes, vaping, pack-years...
    conditions             diabetes, asthma, eponymous diseases (Crohn's, Bell's palsy), -itis/-osis/-emia...
    procedures             surgery, colonoscopy, X-ray, MRI, -ectomy/-scopy/-plasty...
    anatomy                chest, left knee, abdomen...
    doses                  "500 mg", "two puffs", "24 units", "1 gram IV"
    durations              "for 7 days", "twice a day", "every 72 hours", "28 weeks", "18 months"
    vital_signs            "150 over 95", "pulse 88", "temperature 38.2", "91 percent", "BMI 31", "A1c 8.1"
    care_roles             "Dr." and "Nurse" before a (redacted) name, "the clinic"

Case matters for words that are also names or everyday words ("Crystal", "Molly", "Bell"): they
are kept only in lower case, or as part of a clinical phrase ("Bell's palsy", "crystal meth").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import clinical_lexicon as lex


@dataclass(frozen=True)
class KeepCategory:
    name: str
    what: str
    erased_by: tuple[str, ...]  # AssemblyAI PiiPolicy values that would remove this content


CATEGORIES: tuple[KeepCategory, ...] = (
    KeepCategory("drugs", "prescription and over-the-counter drugs", ("drug",)),
    KeepCategory("recreational", "recreational substances", ("drug",)),
    KeepCategory("alcohol_tobacco", "alcohol and tobacco use", ("drug",)),
    KeepCategory("conditions", "conditions, symptoms and injuries", ("medical_condition", "injury")),
    KeepCategory("procedures", "procedures and tests", ("medical_process",)),
    KeepCategory("anatomy", "anatomy", ("injury", "physical_attribute")),
    KeepCategory("doses", "doses and amounts", ("number_sequence", "statistics", "money_amount")),
    KeepCategory("durations", "durations and frequencies", ("duration", "date_interval", "time")),
    KeepCategory("vital_signs", "vital signs and lab values", ("statistics", "number_sequence", "blood_type")),
    KeepCategory("care_roles", "who gives care: doctor, nurse, clinic", ("occupation",)),
)
ERASING_POLICIES: frozenset[str] = frozenset(p for c in CATEGORIES for p in c.erased_by)

_NUM = (r"(?:\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
        r"thirty|forty|fifty|sixty|a|an|half(?:\s+a)?|a\s+few|several|couple(?:\s+of)?)")
_UNIT = (r"(?:mg|milligrams?|mcg|micrograms?|µg|g|grams?|kg|kilograms?|kilos?|lbs?|pounds?|ml|millilit(?:er|re)s?|"
         r"l|lit(?:er|re)s?|units?|iu|puffs?|tablets?|tabs?|pills?|capsules?|caps|drops?|sprays?|patch(?:es)?|"
         r"doses?|injections?|shots?|sachets?|teaspoons?|tablespoons?|cc|mmol|mmhg|percent|%|beers?|drinks?|"
         r"glasses|glass|bottles?|cans?|pints?|packs?|cigarettes?|joints?|lines?|grams?)")
_PERIOD = r"(?:seconds?|minutes?|mins?|hours?|hrs?|days?|nights?|weeks?|wks?|months?|years?|yrs?|decades?)"
_MEASURE = "|".join(sorted((re.escape(m).replace("\\-", "[- ]") for m in lex.MEASURES), key=len, reverse=True))

PATTERNS: dict[str, re.Pattern[str]] = {
    "doses": re.compile(rf"\b{_NUM}\s*-?\s*{_UNIT}\b(?:\s+(?:iv|im|po|sc|subcut|daily|a\s+day|a\s+night))?",
                        re.IGNORECASE),
    "durations": re.compile(
        rf"\b(?:(?:for|in|over|past|last|every|each|within|after|since|about|around|nearly|almost)\s+)?"
        rf"(?:the\s+)?(?:{_NUM}\s+(?:or\s+{_NUM}\s+)?)?{_PERIOD}(?:\s+(?:ago|a\s+day|old))?\b|"
        r"\b(?:once|twice|three\s+times|four\s+times|\d+\s+times)\s+(?:a|per|each|every)\s+\w+\b|"
        r"\b(?:daily|nightly|weekly|monthly|yearly|bedtime|as\s+needed|prn|bid|tid|qid|qd|weekends?|"
        r"today|tonight|yesterday|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
        r"morning|evening|afternoon)\b",
        re.IGNORECASE),
    "vital_signs": re.compile(
        rf"\b(?:{_MEASURE})\b(?:\s+(?:is|was|of|at|reading|level|today|this\s+morning|now)){{0,3}}\s*:?\s*"
        r"\d+(?:[.,]\d+)?(?:\s*(?:/|over)\s*\d+)?\b|"
        r"(?<![\d/.-])\b\d{2,3}\s*(?:/|over)\s*\d{2,3}\b(?![/.-]\d)|\b\d+(?:\.\d+)?\s*(?:percent|%|degrees?|°[cf]?)|"
        r"\b\d+\s*pack[- ]years?\b",
        re.IGNORECASE),
}

# Words ending like drugs, conditions and procedures (WHO INN stems, Greek/Latin suffixes): kept
# even when missing from the lists. At least 7 letters, so short names ("Roma", "Paloma") are not.
SUFFIXES = re.compile(
    r"^[a-z][a-z-]{3,}(?:pril|sartan|olol|dipine|statin|prazole|tidine|cillin|mycin|micin|floxacin|cycline|"
    r"azole|vir|mab|nib|formin|gliptin|gliflozin|glutide|triptan|oxetine|pram|azepam|zolam|sone|olone|lukast|"
    r"terol|tropium|parin|xaban|gatran|thiazide|semide|afil|caine|phine|codone|morphone|itis|osis|emia|aemia|"
    r"algia|pathy|oma|plegia|penia|megaly|rrhea|rrhoea|uria|ectomy|otomy|ostomy|plasty|scopy|graphy|gram|"
    r"centesis|therapy|logy|logist)$")

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*")
# A sentence starts at the text's start or after . ? ! that does not end a title ("Mr.", "Dr.").
_SENTENCE_START = re.compile(r"(?:^|(?<!\bmr)(?<!\bmrs)(?<!\bms)(?<!\bdr)(?<!\bst)(?<!\bprof)[.?!]\s+|\n)[\"'(]?$",
                             re.IGNORECASE)
_ALWAYS = lex.DRUGS | lex.DRUG_CLASSES | lex.RECREATIONAL | lex.ALCOHOL_TOBACCO | lex.CONDITIONS | \
    lex.PROCEDURES | lex.ANATOMY | lex.MEASURES | lex.CARE_ROLES
# Later entries win where a word is in two lists (a drug name that is also a condition word is a drug).
_CATEGORY_OF = {**{w: "care_roles" for w in lex.CARE_ROLES}, **{w: "anatomy" for w in lex.ANATOMY},
                **{w: "procedures" for w in lex.PROCEDURES},
                **{w: "conditions" for w in lex.CONDITIONS}, **{w: "vital_signs" for w in lex.MEASURES},
                **{w: "alcohol_tobacco" for w in lex.ALCOHOL_TOBACCO},
                **{w: "recreational" for w in lex.RECREATIONAL | lex.AMBIGUOUS},
                **{w: "drugs" for w in lex.DRUGS | lex.DRUG_CLASSES}}
_EPONYM = re.compile(
    r"\b(?:" + "|".join(sorted(lex.EPONYMS)) + r")(?:(?:['’]s|s?['’])(?=\W|$)|(?=\W+(?:"
    + "|".join(sorted(lex.EPONYM_NOUNS)) + r")\b))(?:\W+(?:" + "|".join(sorted(lex.EPONYM_NOUNS)) + r"))?",
    re.IGNORECASE)
_PHRASE = re.compile(r"\b(?:" + "|".join(re.escape(p).replace("\\ ", r"\s+")
                                         for p in sorted(lex.RECREATIONAL_PHRASES, key=len, reverse=True)) + r")\b",
                     re.IGNORECASE)


_DRUG_STEM = re.compile(r"(?:pril|sartan|olol|dipine|statin|prazole|tidine|cillin|mycin|floxacin|cycline|azole|"
                        r"vir|mab|nib|formin|gliptin|gliflozin|glutide|triptan|oxetine|azepam|zolam|parin|xaban)$")


def word_category(word: str, sentence_start: bool = False) -> str | None:
    """The keep-list category of one word as written, or None.

    Case decides, because names are capitalised: a capitalised word inside a sentence is kept only
    when it is a drug (brand names are capitalised too); other clinical words are kept in lower
    case, in capitals (MRI, COPD), with a digit (A1c), or at the start of a sentence. Words that are
    also names or everyday words ("crystal", "molly", "bell") are kept in lower case only.
    """
    low = word.lower().rstrip(".,;:!?")
    base = re.sub(r"['’]s$|s['’]$", "", low)
    lower_case = word[:1].islower()
    any_case = lower_case or sentence_start or (word.isupper() and len(word) > 1) or any(c.isdigit() for c in word)
    for candidate in (low, base):
        if candidate in lex.AMBIGUOUS:
            return _CATEGORY_OF.get(candidate, "recreational") if lower_case else None
        if candidate in lex.DRUGS or candidate in lex.DRUG_CLASSES:
            return "drugs"
        if candidate in _ALWAYS and any_case:
            return _CATEGORY_OF[candidate]
    if len(base) >= 7 and SUFFIXES.match(base) and (any_case or _DRUG_STEM.search(base)):
        return "drugs" if _DRUG_STEM.search(base) else "conditions"
    return None


@dataclass(frozen=True)
class KeptSpan:
    start: int
    end: int
    category: str


def protected_spans(text: str) -> list[KeptSpan]:
    """Every stretch of `text` the keep-list protects (may overlap)."""
    spans = [KeptSpan(m.start(), m.end(), name) for name, pattern in PATTERNS.items() for m in pattern.finditer(text)]
    spans += [KeptSpan(m.start(), m.end(), "conditions") for m in _EPONYM.finditer(text)]
    for m in _PHRASE.finditer(text):
        ambiguous = any(w in lex.AMBIGUOUS for w in m.group(0).lower().split())
        if not ambiguous or m.group(0)[:1].islower():
            spans.append(KeptSpan(m.start(), m.end(), "recreational"))
    for m in _WORD.finditer(text):
        category = word_category(m.group(0), _SENTENCE_START.search(text, 0, m.start()) is not None)
        if category:
            spans.append(KeptSpan(m.start(), m.end(), category))
    return spans


def subtract(start: int, end: int, kept: list[KeptSpan], text: str) -> list[tuple[int, int]]:
    """The parts of [start, end) outside every kept span that still hold a letter or digit."""
    pieces = [(start, end)]
    for k in kept:
        if k.end <= start or k.start >= end:
            continue
        pieces = [p for a, b in pieces for p in ((a, min(b, k.start)), (max(a, k.end), b)) if p[0] < p[1]]
    return [(a, b) for a, b in pieces if re.search(r"[A-Za-z0-9]", text[a:b])]
