"""Extra Presidio recognisers for what clinic conversations contain and Presidio misses.

Measured gaps of the stock recognisers on transcripts: street addresses, ZIP codes after a state,
phone numbers as ASR writes them ("555213-4876", "555 213 4876"), spoken email addresses
("john dot smith at gmail dot com") and medical record numbers, which are only PII next to a
keyword ("MRN", "record number"), in digits or read out one digit at a time. The keyword
recogniser tags the number alone, so the note keeps "MRN [HEALTHCARE_NUMBER]" rather than losing
the sentence.

spaCy's small model also misses names and places it has not seen ("my husband Tomasz", "the Leeds
address"). Context recognisers catch a capitalised word where only a name or a place can stand:
after a title or a family word, and before "address"/after "live in". The clinical keep-list still
cuts every finding, so "my son's Ventolin" stays.
"""

from __future__ import annotations

import re
from typing import Any

_STREET_TYPES = (
    r"street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|"
    r"crescent|circle|highway|hwy|parkway|pkwy|square|trail|close|grove|mews|gardens"
)
_STATES = (
    r"alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida|georgia|hawaii|"
    r"idaho|illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|michigan|"
    r"minnesota|mississippi|missouri|montana|nebraska|nevada|new hampshire|new jersey|new mexico|"
    r"new york|north carolina|north dakota|ohio|oklahoma|oregon|pennsylvania|rhode island|"
    r"south carolina|south dakota|tennessee|texas|utah|vermont|virginia|washington|west virginia|"
    r"wisconsin|wyoming|ontario|quebec|[A-Z]{2}"
)


def _pattern(entity: str, name: str, regex: str, score: float, *, case_sensitive: bool = False) -> Any:
    """A Presidio pattern recogniser (Presidio matches with the `regex` module: variable lookbehinds work)."""
    import regex as regex_module
    from presidio_analyzer import Pattern, PatternRecognizer

    flags = regex_module.DOTALL | regex_module.MULTILINE | (0 if case_sensitive else regex_module.IGNORECASE)
    return PatternRecognizer(supported_entity=entity, name=name, global_regex_flags=flags,
                             patterns=[Pattern(name=name, regex=regex, score=score)])


# Words that may sit between "record number" and the number itself.
_FILLER = (r"here|there|on|in|at|file|the|our|your|his|her|their|my|system|chart|records?|is|was|it's|its|it|"
           r"that|we|have|has|for|you|reads|says|should|be|still|just|so|ok|okay|um|uh|and")
# A number read out digit by digit ("four four seven one nine zero two"): at least five digit words,
# so "one or two" or "two three times" never qualify.
_DIGIT_WORD = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|double|triple)"
_SPOKEN_DIGITS = rf"{_DIGIT_WORD}(?:[\s-]+{_DIGIT_WORD}){{4,}}"


def _keyword_number_recognizer() -> Any:
    from presidio_analyzer import EntityRecognizer, RecognizerResult

    keyword = re.compile(
        r"\b(mrn|medical record(?: number)?|record number|chart number|patient id|health card(?: number)?|"
        r"insurance(?: id| number)?|member id|account number)\b\W{0,3}"
        # A few words may stand between the keyword and the number, but only words that cannot be a
        # dose, a reading or a date: "your medical record number here is 4471902".
        rf"(?:(?:{_FILLER})\W{{1,3}}){{0,5}}"
        r"(?:is\s+|number\s+|#\s*|no\.?\s*)?"
        rf"(?P<id>[A-Z]{{0,3}}[- ]?\d[\d -]{{3,18}}\d|{_SPOKEN_DIGITS})",
        re.IGNORECASE,
    )

    class KeywordNumberRecognizer(EntityRecognizer):
        """An identifier number directly after a keyword that says what it is."""

        def load(self) -> None:
            pass

        def analyze(self, text, entities, nlp_artifacts=None):
            results = []
            for match in keyword.finditer(text):
                kind = match.group(1).lower()
                entity = "ACCOUNT_NUMBER" if kind.startswith(("account", "insurance", "member")) \
                    else "MEDICAL_RECORD_NUMBER"
                if entity in entities:
                    results.append(RecognizerResult(entity, match.start("id"), match.end("id"), 0.85))
            return results

    return KeywordNumberRecognizer(supported_entities=["MEDICAL_RECORD_NUMBER", "ACCOUNT_NUMBER"],
                                   name="KeywordNumberRecognizer", supported_language="en")


_NAME = r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?"
_TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Doctor|Nurse|Sister|Father|Professor)\.?"
_FAMILY = (r"(?:husband|wife|partner|boyfriend|girlfriend|fianc[eé]e?|son|daughter|mother|father|mom|mum|dad|"
           r"brother|sister|grandmother|grandfather|grandma|grandpa|granddaughter|grandson|aunt|uncle|"
           r"niece|nephew|cousin|friend|neighbou?r|carer|caregiver|colleague|roommate|flatmate)")


def custom_recognizers() -> list[Any]:
    return [
        _pattern("NAMED_PERSON", "titled_name", rf"(?<=\b{_TITLES} ){_NAME}(?: {_NAME})?", 0.7,
                 case_sensitive=True),
        _pattern("NAMED_PERSON", "family_name", rf"(?<=\b(?i:{_FAMILY})(?:,)? ){_NAME}(?: {_NAME})?", 0.6,
                 case_sensitive=True),
        _pattern("NAMED_PERSON", "addressed_name",
                 rf"(?<=\b(?i:call|ask|tell|text|phone|email|contact|thanks|thank you|hi|hello|bye|goodbye|"
                 rf"dear|this is|my name is|i'm|i am|speak to|talk to)(?:,)? ){_NAME}(?: {_NAME})?", 0.5,
                 case_sensitive=True),
        _pattern("PLACE", "place_before_address",
                 rf"\b{_NAME}(?= (?:address|home address|flat|apartment|house|postcode)\b)", 0.5, case_sensitive=True),
        _pattern("PLACE", "place_after_living",
                 rf"(?<=\b(?i:live|lives|lived|living|moved|staying|stay|based|born|grew up) (?:in|at|from|near|to) )"
                 rf"{_NAME}(?: {_NAME})?", 0.5, case_sensitive=True),
        _pattern("STREET_ADDRESS", "street_name",
                 rf"\b(?:{_NAME} ){{1,3}}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Drive|Court|Way|Place|"
                 r"Terrace|Crescent|Circle|Highway|Parkway|Square|Trail|Close|Grove|Mews|Gardens)\b\.?", 0.6,
                 case_sensitive=True),
        _pattern("STREET_ADDRESS", "street_address",
                 rf"\b\d{{1,6}}\s+(?:[A-Za-z][A-Za-z'-]*\s+){{1,4}}(?:{_STREET_TYPES})\b\.?"
                 r"(?:,?\s*(?:apartment|apt|unit|suite)\s*#?\s*\w+)?", 0.7),
        _pattern("POSTAL_CODE", "state_zip", rf"\b(?:{_STATES}),?\s+\d{{5}}(?:-\d{{4}})?\b", 0.7),
        _pattern("POSTAL_CODE", "zip_keyword", r"(?<=zip code )\d{5}(?:-\d{4})?\b|(?<=zip )\d{5}\b", 0.7),
        _pattern("POSTAL_CODE", "canadian_postal", r"\b[A-Z]\d[A-Z][ -]?\d[A-Z]\d\b", 0.6),
        _pattern("LOOSE_PHONE", "loose_phone",
                 r"(?<!\d)(?:\+?1[-. ]?)?\(?\d{3}\)?[-. ]?\d{3}[-. ]?\d{4}(?!\d)", 0.6),
        _pattern("SPOKEN_EMAIL", "spoken_email",
                 r"\b[\w.]+(?:\s+dot\s+\w+)*\s+at\s+\w+(?:\s+dot\s+\w+)*\s+dot\s+(?:com|org|net|edu|gov|ca|uk|io)\b",
                 0.7),
        _keyword_number_recognizer(),
    ]
