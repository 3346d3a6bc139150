"""Clinical content units of a visit, read straight from the raw transcript: the omission check's own eyes.

Independent of the note writer (no sentence splitter, section model or fact extractor): a unit is found in
an utterance's words, so it works the same on punctuated text and on lower-case, unpunctuated speech
recognition with long turns. Kinds:

- "answer": a doctor's yes/no question and the patient's answer ("any fevers or chills" / "no") ->
  "Denies fevers or chills."; "do you take any regular medications" / "uh no" -> "Denies regular medications."
- "number": a number with a unit, a measure or a drug beside it ("40 milligrams", "150 over 90", "a1c of 7",
  "four weeks", "50-year-old"); counting ("one of", "number two") is not a unit.
- "drug": a drug name (the offline engine's drug list and INN stems); "dose": a drug with a change word
  (start, increase, stop, refill ...).
- "exam", "result", "order", "referral", "follow_up": a doctor's finding, test result, ordered test or
  treatment, referral to a specialty, or follow-up interval.

Each unit carries the terms a note statement must hold to cover it (`keys`), matched by coverage.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..clinical_lexicon import ALCOHOL_TOBACCO, CONDITIONS, MEASURES, PROCEDURES, RECREATIONAL
from ..model import DOCTOR, Transcript, Utterance
from .support import drug_names, spoken_numbers


def _words(text: str) -> list[str]:
    return text.split()


_NUMBER_WORDS = _words("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
                       "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
                       "hundred half")
_TOKEN = re.compile(r"[a-z0-9]+(?:[./'][a-z0-9]+)*%?")
_DIGIT = re.compile(r"^\d+(?:\.\d+)?(?:%|'?s|st|nd|rd|th)?$|^\d+/\d+$")  # "7.2", "300's", "10th", "150/90"
# What follows a measured number: doses, durations, frequencies, vital-sign and scale units.
_UNIT = re.compile(r"^(mg|milligrams?|mcg|micrograms?|grams?|g|units?|ml|milliliters?|cc|liters?|weeks?|days?|months?|"
                   r"years?|year-old|hours?|minutes?|times?|percent|%|pounds?|lbs?|kilos?|kilograms?|kg|degrees?|over|"
                   r"out|beats?|breaths?|inches|feet|foot|centimeters?|cm|millimeters?|mm|puffs?|tablets?|pills?|"
                   r"doses?|drinks?|packs?|cigarettes?|glasses|beers|cups|nights?|per|bpm|millimoles|mmol|mmhg|"
                   r"milliequivalents|meq|ounces?|oz|servings?|sets?|reps?|blocks?|miles?|steps|stairs|flights?|"
                   r"episodes?|tabs?|caps?|capsules?|injections?|shots?|sprays?|drops?)$")
_MEASURE = MEASURES | set(_words("""
pressure rate level levels fraction score count sugar sugars weight weigh weighs temperature oxygen a1c bmi pulse
scale ten stage grade size ejection saturation vitamin d dose dosage respirations respiration respiratory sats
satting sat alt ast pain rated labs lab came numbers number reading readings running gained lost hemoglobin
platelets white cholesterol glucose creatinine type age aged turned turns"""))
# A second number of a reading ("one sixty nine over seventy four", "eighty or ninety", "six out of ten").
_HALF = re.compile(r"\ban? (?:day|week|month|year|hour) and a half\b")
_JOINS = {"over", "to", "or", "out", "and"}
# Digits are what speech recognition writes for a measured value; set on train + valid (omission_tuning.py).
ALL_DIGITS = True
_CHANGE = re.compile(r"\b(start\w*|initiat\w*|increas\w*|decreas\w*|reduc\w*|lower\w*|stop\w*|discontinu\w*|switch\w*|"
                     r"chang\w*|hold\w*|taper\w*|titrat\w*|refill\w*|prescrib\w*|bump\w*|double|add\w*|wean\w*|"
                     r"come off|go up|go down)\b")
EXAM = re.compile(r"\b(tender\w*|edema|swelling|swollen|erythema\w*|murmurs?|wheez\w*|crackles|rales|rhonchi|bruits?|"
                  r"effusion|rash|lesions?|reflexes|range of motion|strength|sensation|pulses|lymphadenopathy|"
                  r"clear to auscultation|regular rate|gallops?|rubs?|distended|distension|guarding|ecchymosis|"
                  r"bruising|laceration|abrasion|warmth|deformity|crepitus|spasm|atrophy|nystagmus|jvd|"
                  r"clubbing|cyanosis|pallor|jaundice|ulcer\w*|drainage|discharge|scar|mass|nodules?|"
                  r"lachman|drawer|mcmurray|phalen|tinel|straight leg raise|spurling|neer|hawkins)\b")
TEST = re.compile(r"\b(x-?rays?|mri|cat scan|ct scan|ct|ultrasound|echocardiograms?|echo|ekg|ecg|electrocardiogram|"
                  r"a1c|hemoglobin|cholesterol|lipid panel|lipids|ldl|urinalysis|urine|biopsy|culture|blood work|"
                  r"bloodwork|labs?|lab work|cbc|cmp|bmp|metabolic panel|creatinine|egfr|tsh|thyroid|potassium|"
                  r"sodium|glucose|psa|troponin|ejection fraction|stress test|mammogram|colonoscopy|endoscopy|"
                  r"pft|spirometry|sleep study|holter|nerve conduction|emg|eeg|dexa|bone density|swab|covid test|"
                  r"pap smear|vitamin d|b12|inr|ferritin|d-dimer|angiogram|cath\w*)\b")
# "your labs were ...": the result is in the analyte or value that follows, not in the word "labs".
_GENERIC_TEST = re.compile(r"^(labs?|lab work|blood work|bloodwork|urine)$")
_RESULT = re.compile(r"\b(show\w*|reveal\w*|came back|come back|normal|abnormal|elevated|high|low|results?|"
                     r"negative|positive|was|were|is|looked|looks|demonstrat\w*|consistent|evidence)\b")
_ORDER = re.compile(r"\b(order\w*|get(?:ting)?|schedul\w*|send\w*|obtain\w*|check\w*|recommend\w*|repeat\w*|"
                    r"prescrib\w*|start\w*|arrange\w*|book\w*|do a|go ahead)\b")
SPECIALTY = re.compile(r"\b(\w+ologists?|\w+ology|\w+iatrist|physical therapy|occupational therapy|therapy|"
                       r"specialist|surgeons?|orthopedi\w*|podiatr\w*|nutritionist|dietitian|dietician|"
                       r"counsel\w*|chiropract\w*|optometrist|audiolog\w*|physiotherap\w*|rehab\w*)\b")
_REFER = re.compile(r"\b(refer\w*|consult\w*|see (?:a|an|the|our|my)|send you to|set you up with)\b")
_FOLLOW = re.compile(r"\b(follow[- ]?up|follow you|come back|see you|return|check back|recheck|back in|touch base)\b")
NOT_DRUGS = frozenset({"cholesterol"})  # ends like a drug (-terol) but is an analyte
_ASKING = re.compile(r"\b(any|do you|are you|have you|did you|how about|what about|was it|is it|does it)\b")
_EXAM_CONTEXT = re.compile(r"\b(exam\w*|palpat\w*|inspect\w*|auscultat\w*|there is|there's|i see|i feel|i notice|"
                           r"i hear|noted|notice|appreciat\w*|shows?|looks?|on your|you have|you've got)\b")
_TIME_UNIT = re.compile(r"^(days?|weeks?|months?|years?|hours?)$")
_ENUMERATION = re.compile(r"\b(?:number|problem|issue|item)\s+\S+|\bone of\b|\bone (?:more|other|thing|question|"
                          r"second|minute|day|time)\b|\bthe other one\b|\bthis one\b|\bthat one\b")


@dataclass(frozen=True)
class ContentUnit:
    kind: str  # answer, number, drug, dose, exam, result, order, referral, follow_up
    keys: frozenset[str]  # what a covering statement must hold: "#40", drug or term stems
    text: str  # the line a clinician could add ("Denies chest pain.") or the words it was said in
    evidence: tuple[str, ...]  # utterance ids
    section: str  # hpi, ros, exam, results, assessment_plan
    polarity: bool | None = None  # for answers: False when the patient said no
    clinical: bool = True  # an answer whose topic names a clinical word (symptom, drug, habit ...)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("-year-old", " year-old").replace("-", " "))


def stem(word: str) -> str:
    """A word's first five letters after a plural or verb ending: "smoking", "smoker" and "smoked" meet."""
    if len(word) > 5:
        word = re.sub(r"(ing|ed|ers?|es|s)$", "", word)
    elif len(word) > 3 and word.endswith("s"):
        word = word[:-1]
    return word[:5]


def number_key(phrase: str) -> set[str]:
    """The values a statement must repeat: both of "150/90" and of "seven eight", the whole of "five hundred"
    (not its "five")."""
    values = spoken_numbers(phrase)
    if values and re.search(r"hundred|thousand|ty\b|and a half", phrase):  # one number in several words
        values = {max(values, key=float)}
    return {f"#{n}" for n in values}


def _is_number(tok: str) -> bool:
    return bool(_DIGIT.match(tok)) or tok in _NUMBER_WORDS


def _snippet(words: list[str], lo: int, hi: int) -> str:
    return " ".join(words[max(0, lo):hi])


def _numbers(u: Utterance, words: list[str], section: str) -> list[ContentUnit]:
    """Numbers with a unit after them or a measure or drug just before them."""
    out, i = [], 0
    joined = " ".join(words)
    skip = {m.start() for m in _ENUMERATION.finditer(joined)}
    offsets, pos = [], 0
    for w in words:
        offsets.append(pos)
        pos += len(w) + 1
    while i < len(words):
        if not _is_number(words[i]):
            i += 1
            continue
        j = i
        while j + 1 < len(words) and (_is_number(words[j + 1]) or (words[j + 1] == "and" and j + 2 < len(words)
                                                                   and _is_number(words[j + 2]))):
            j += 1
        if words[j + 1:j + 4] == ["and", "a", "half"]:  # "one and a half week" is 1.5, not 1
            j += 3
        phrase = " ".join(words[i:j + 1])
        phrase = re.sub(r"(\d)(?:'?s|st|nd|rd|th)\b", r"\1", "one " + phrase if words[i] == "hundred" else phrase)
        after = words[j + 1:j + 3]
        before = words[max(0, i - 6):i]
        bare_one = phrase in ("one", "a half", "half")
        unit = any(_UNIT.match(w) for w in after[:1]) or (after[:1] == ["and"] and after[1:] == ["a"])
        measured = bool(set(before) & _MEASURE) or bool(drug_names(" ".join(before)))
        joined_reading = ((bool(before) and before[-1] in _JOINS and i >= 2 and _is_number(words[i - 2]))
                          or (len(after) > 1 and after[0] in _JOINS and _is_number(after[1])))
        rating = before[-1:] == ["a"] and words[i] in _NUMBER_WORDS[1:11]  # "it's like a six", "like a one"
        digits = ALL_DIGITS and bool(_DIGIT.match(words[i]))
        if offsets[i] not in skip and not (bare_one and not (unit or joined_reading or rating)) and (
                unit or measured or joined_reading or rating or digits
                or "/" in phrase):
            keys = number_key(phrase)
            if keys:
                out.append(ContentUnit("number", frozenset(keys), _snippet(words, i - 5, j + 5), (u.id,), section))
        i = j + 1
    for m in _HALF.finditer(joined):
        out.append(ContentUnit("number", frozenset(number_key(m.group(0))), m.group(0), (u.id,), section))
    return out


def _terms(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    return list(pattern.finditer(text))


def _doctor_units(u: Utterance, low: str, words: list[str]) -> list[ContentUnit]:
    out = []
    for m in _terms(EXAM, low):
        if _ASKING.search(low[max(0, m.start() - 60):m.start()]) or not _EXAM_CONTEXT.search(low[:m.start()]):
            continue  # "are you having any discharge" asks; "help you with that swelling" plans
        out.append(ContentUnit("exam", frozenset({stem(m.group(0))}), _window(low, m), (u.id,), "exam"))
    for m in _terms(TEST, low):
        before, after = low[max(0, m.start() - 40):m.start()], low[m.end():m.end() + 40]
        kind = "order" if _ORDER.search(before) else "result" if _RESULT.search(after) and not _GENERIC_TEST.match(
            m.group(0)) else ""
        if kind:
            section = "assessment_plan" if kind == "order" else "results"
            out.append(ContentUnit(kind, frozenset({stem(m.group(0).replace(" ", ""))}), _window(low, m), (u.id,),
                                   section))
    for m in _terms(SPECIALTY, low):
        if _REFER.search(low[max(0, m.start() - 40):m.start()]):
            out.append(ContentUnit("referral", frozenset({stem(m.group(0))}), _window(low, m), (u.id,),
                                   "assessment_plan"))
    for m in _terms(_FOLLOW, low):
        tail = tokens(low[m.end():m.end() + 40])
        for k, w in enumerate(tail[:6]):
            if _TIME_UNIT.match(w) and k and _is_number(tail[k - 1]):
                keys = number_key(tail[k - 1]) | {stem(w.rstrip("s"))}
                out.append(ContentUnit("follow_up", frozenset(keys), _window(low, m, 10), (u.id,), "assessment_plan"))
                break
    return out


def _window(low: str, m: re.Match[str], width: int = 8) -> str:
    """The words around a match: `width` whole words either side."""
    before, after = tokens(low[:m.start()])[-width:], tokens(low[m.end():])[:width]
    return " ".join([*before, *tokens(m.group(0)), *after])


def _drugs(u: Utterance, low: str) -> list[ContentUnit]:
    out = []
    for d in sorted(drug_names(low) - NOT_DRUGS):
        m = re.search(rf"\b{re.escape(d)}\b", low)
        assert m is not None
        changed = _CHANGE.search(low[max(0, m.start() - 60):m.end() + 40])
        kind, section = ("dose", "assessment_plan") if changed and u.role == DOCTOR else ("drug", "hpi")
        out.append(ContentUnit(kind, frozenset({d[:6]}), _window(low, m), (u.id,), section))
    return out


def detect(transcript: Transcript) -> list[ContentUnit]:
    """Every content unit of the visit, in the order said (answers from answers.py)."""
    from .answers import answered_questions

    units: list[ContentUnit] = []
    for u in transcript.utterances:
        low = u.text.lower()
        words = tokens(low)
        section = "exam" if u.role == DOCTOR and EXAM.search(low) else "hpi"
        units += _numbers(u, words, section)
        units += _drugs(u, low)
        if u.role == DOCTOR:
            units += _doctor_units(u, low, words)
    units += answered_questions(transcript)
    order = {u.id: i for i, u in enumerate(transcript.utterances)}
    return sorted(units, key=lambda c: order.get(c.evidence[0], 0))


CLINICAL_WORDS = (CONDITIONS | PROCEDURES | ALCOHOL_TOBACCO | RECREATIONAL | MEASURES
                  | {"medication", "medications", "medicine", "medicines", "allergy", "allergies", "vitamins",
                     "sick", "contact", "contacts", "travel", "traveled", "taste", "smell", "appetite", "sleep",
                     "weight", "urinary", "urine", "urination", "bowel", "stool", "stools", "vision", "hearing",
                     "chest", "breath", "sputum", "phlegm", "blood", "surgery", "surgeries", "hospitalizations",
                     "hospitalized", "drugs", "numb", "tingly", "swollen", "tired", "dizzy", "lightheaded",
                     "sweats", "rashes", "lumps", "mood", "stress", "falls", "fall", "injury", "pain", "cough",
                     "coughing", "vomit", "vomiting", "diarrhea", "constipation", "headache", "headaches"})
