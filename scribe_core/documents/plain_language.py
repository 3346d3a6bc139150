"""A note statement said again to the patient: second person, everyday words, short sentences.

Only pronouns, the verb right after a changed subject, a short list of clinical abbreviations and
jargon, and sentence breaks change. Numbers, doses, drug names and negations are carried over as
written: a summary never says a dose the note does not.

    "The patient has had chest tightness for 3 weeks."   → "You have had chest tightness for 3 weeks."
    "I'll order a stress echo."  (the doctor, quoted)    → "We'll order a stress echo."
    "I take amlodipine 5 mg."    (the patient, quoted)   → "You take amlodipine 5 mg."
    "Will start lisinopril 10 mg PO daily."              → "We will start lisinopril 10 mg by mouth daily."
"""

from __future__ import annotations

import functools
import re

from ..model import DOCTOR, PATIENT

# Everyday words for terms a patient may not know; each keeps the meaning exactly.
PLAIN_WORDS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.IGNORECASE), w) for p, w in (
    (r"\bhypertension\b", "high blood pressure"),
    (r"\bhyperlipid(a)?emia\b", "high cholesterol"),
    (r"\bdyspn(o)?ea\b", "shortness of breath"),
    (r"\b(o)?edema\b", "swelling"),
    (r"\bmyocardial infarction\b", "heart attack"),
    (r"\bb\.?i\.?d\.?(?=\W|$)|\btwice daily\b", "twice a day"),
    (r"\bt\.?i\.?d\.?(?=\W|$)", "three times a day"),
    (r"\bq\.?d\.?(?=\W|$)|\bonce daily\b", "once a day"),
    (r"\bq\.?h\.?s\.?(?=\W|$)", "at bedtime"),
    (r"\bp\.?r\.?n\.?(?=\W|$)", "when needed"),
    (r"\bp\.o\.|\bPO\b", "by mouth"),
    (r"\bbilateral(ly)?\b", "on both sides"),
    (r"\bnsaids?\b", "anti-inflammatory painkillers"),
    (r"\bf/u\b", "follow-up"),
))
_PATIENT_FIRST = {"i": "you", "i'm": "you're", "i've": "you've", "i'd": "you'd", "i'll": "you'll", "me": "you",
                  "my": "your", "mine": "yours", "myself": "yourself", "am": "are"}
_DOCTOR_FIRST = {"i": "we", "i'm": "we're", "i've": "we've", "i'd": "we'd", "i'll": "we'll", "me": "us",
                 "my": "our", "mine": "ours", "myself": "ourselves", "am": "are"}
# Longest first: "i" alone would match the start of "i'm" and leave "we'm".
_FIRST = re.compile(r"\b(i'm|i've|i'd|i'll|i|me|my|mine|myself)\b|(?<=\bi )am\b|(?<=\bI )am\b", re.IGNORECASE)
# The subject, an optional hedge or adverb ("she likely has"), and the verb that follows it.
_THIRD_SUBJECT = re.compile(r"\b(the patient|patient|she|he)\b(\s+(?:(?:likely|probably|possibly|also|still|now|"
                            r"usually|often|never|already|may|might|could)\s+)?)([a-z']+)", re.IGNORECASE)
_VERB_BACK = {"has": "have", "is": "are", "was": "were", "does": "do", "doesn't": "don't", "isn't": "aren't",
              "wasn't": "weren't", "hasn't": "haven't", "goes": "go"}
_HER = re.compile(r"\bher\b(?=\s*(?:[.,;:!?)]|$|\s(?:to|with|about|for|and|a|an|the|some|that|if|when|at|in|on)\b))",
                  re.IGNORECASE)
_OTHER_THIRD = ((re.compile(r"\bthe patient's\b", re.IGNORECASE), "your"),
                (re.compile(r"\bthe clinician\b", re.IGNORECASE), "your clinician"),
                (re.compile(r"\b(his|her)\b", re.IGNORECASE), "your"), (re.compile(r"\bhim\b", re.IGNORECASE), "you"),
                (re.compile(r"\b(himself|herself)\b", re.IGNORECASE), "yourself"))
_DENIES = re.compile(r"\b(?:you )?den(?:y|ies)\b", re.IGNORECASE)
_ENDORSES = re.compile(r"\b(?:you )?endorses?\b", re.IGNORECASE)
_WILL_START = re.compile(r"^(will|plan to|plans to)\b", re.IGNORECASE)
# A clinician's order or action written without a subject ("Order an x-ray.", "Advised rest.").
_ORDER_START = re.compile(r"^(order|ordered|advised|recommended|prescribed|referred|started|continued|discussed|"
                          r"counseled|counselled|instructed|encouraged)\b", re.IGNORECASE)
_ABBREVIATION_END = r"(?<!\bdr\.)(?<!\bmr\.)(?<!\bms\.)(?<!\bmrs\.)(?<!\bst\.)(?<!\bvs\.)(?<!\be\.g\.)(?<!\bi\.e\.)"
_SPLIT = re.compile(_ABBREVIATION_END + r"(?<=[.!?])\s+(?=[A-Z0-9])|;\s+|"
                    r",?\s+and\s+(?=(?:come back|return|follow up|call|go to|see us)\b)|"
                    r",\s+(?:and|but|so)\s+(?=(?:you|we|i|it|this|that|your|the)\b)", re.IGNORECASE)
# A run-on sentence (speech transcribed without full stops) also breaks before "and/but/so/then" + a subject.
RUN_ON_WORDS = 25
_LEAD = re.compile(r"^(for|about|regarding|as for|with|in terms of)\b", re.IGNORECASE)
_RUN_ON_SPLIT = re.compile(
    r",?\s+(?:and|but|so|then|okay|alright|now|mkay)\s+(?=(?:you|we|i|it|this|that|your|the|there|we'll|you'll|"
    r"we're|you're|if|will|for)\b)|"
    # Speech with no full stops: a new clause starts at the clinician's next action or finding, or a new problem.
    r",?\s+(?=(?:(?:we )?will (?:order|start|check|get|go|give|put|have|see|refer|send|continue|talk|review|prescribe|"
    r"schedule|increase|decrease|stop|recommend)|your clinician|for your (?:first|second|third|next|last|other) "
    r"problem|it looks like|it sounds like|you (?:are|have|do|will|should|can) )\b)", re.IGNORECASE)


def _keep_case(original: str, replacement: str) -> str:
    return replacement[:1].upper() + replacement[1:] if original[:1].isupper() else replacement


def _first_person(match: re.Match[str], table: dict[str, str]) -> str:
    """ "I" is always capitalised; its replacement is only at the start of a sentence ("..., we would")."""
    word = table[match.group(0).lower()]
    starts = re.search(r"(^|[.!?]\s+)$", match.string[:match.start()]) is not None
    return word[:1].upper() + word[1:] if starts else word


def _replace_keeping_case(word: str, match: re.Match[str]) -> str:
    return _keep_case(match.group(0), word)


def _verb_for_you(verb: str) -> str:
    low = verb.lower()
    if low in _VERB_BACK:
        return _keep_case(verb, _VERB_BACK[low])
    if low.endswith("ies") and len(low) > 4:
        return verb[:-3] + "y"
    if re.search(r"(ss|sh|ch|x|z|o)es$", low):
        return verb[:-2]
    if low.endswith("s") and not low.endswith("ss") and len(low) > 3 and low.isalpha():
        return verb[:-1]
    return verb


def second_person(text: str, speaker: str = "") -> str:
    """`text` addressed to the patient. `speaker` is DOCTOR or PATIENT when the text is a quote."""
    if speaker in (DOCTOR, PATIENT):
        table = _PATIENT_FIRST if speaker == PATIENT else _DOCTOR_FIRST
        text = _FIRST.sub(lambda m: _first_person(m, table), text)
    text = _THIRD_SUBJECT.sub(lambda m: f"{_keep_case(m.group(1), 'you')}{m.group(2)}{_verb_for_you(m.group(3))}",
                              text)
    text = _HER.sub(lambda m: _keep_case(m.group(0), "you"), text)
    for pattern, word in _OTHER_THIRD:
        text = pattern.sub(functools.partial(_replace_keeping_case, word), text)
    text = _DENIES.sub(lambda m: _keep_case(m.group(0), "you told us you have no"), text)
    text = _ENDORSES.sub(lambda m: _keep_case(m.group(0), "you told us you have"), text)
    return _with_subject(text)


def _with_subject(text: str) -> str:
    """A clause that starts with the clinician's action and no subject gets one: "Will start …" → "We will start …"."""
    text = _WILL_START.sub(lambda m: "We " + m.group(1).lower().replace("plans to", "plan to"), text)
    return _ORDER_START.sub(lambda m: "We will order" if m.group(1).lower() == "order" else "We " + m.group(1).lower(),
                            text)


def plain_words(text: str) -> str:
    for pattern, word in PLAIN_WORDS:
        text = pattern.sub(word, text)
    return text


def short_sentences(text: str) -> list[str]:
    """Split at sentence ends, semicolons and ", and you/we ..." joins; each piece ends with a full stop."""
    out = []
    pieces = []
    for piece in _SPLIT.split(" ".join(text.split())):
        pieces += _RUN_ON_SPLIT.split(piece) if len(piece.split()) > RUN_ON_WORDS else [piece]
    lead = ""  # a piece too short to stand alone ("for your asthma") opens the next one
    for piece in pieces:
        piece = _with_subject(piece.strip(" ,;"))
        if len(re.findall(r"[A-Za-z]+", piece)) < 2:
            continue
        if lead:
            piece, lead = f"{lead}, {piece[:1].lower()}{piece[1:]}", ""
        if len(piece.split()) < 5 and _LEAD.match(piece) and piece[-1] not in ".!?":
            lead = piece
            continue
        piece = piece[:1].upper() + piece[1:]
        out.append(piece if piece[-1] in ".!?" else piece + ".")
    if lead:
        out.append(lead[:1].upper() + lead[1:] + ".")
    return out


def for_patient(text: str, speaker: str = "") -> list[str]:
    """A note statement as short, second-person, plain sentences."""
    return short_sentences(plain_words(second_person(text, speaker)))
