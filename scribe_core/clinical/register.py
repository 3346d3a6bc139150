"""Clinical register: a spoken sentence rewritten in the third person, as a clinician writes it.

The patient's "I've had a cough" becomes "The patient has had a cough"; the doctor's "you have a
sprain" becomes "She has a sprain", "I'm going to order an x-ray" becomes "Will order an x-ray" and
"I want you to rest" becomes "The patient is advised to rest". Only pronouns, auxiliaries and the
verb right after a pronoun change: numbers, drug names and negations are carried over untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import PATIENT


def _words(text: str) -> list[str]:
    return text.split()

FIRST_OR_SECOND_PERSON = re.compile(
    r"\b(i|i'm|i've|i'd|i'll|me|my|mine|myself|we|we're|we've|we'll|we'd|us|our|ours|ourselves|"
    r"you|you're|you've|you'll|you'd|your|yours|yourself)\b", re.IGNORECASE)

_MODALS = {"can", "could", "will", "would", "should", "might", "must", "may", "did", "was", "had", "used",
           "didn't", "can't", "couldn't", "won't", "wouldn't", "shouldn't", "wasn't", "hadn't", "cannot"}
_ADVERBS = {"just", "also", "really", "still", "never", "always", "usually", "only", "actually", "definitely",
            "even", "sometimes", "often", "mostly", "probably", "certainly", "already", "generally", "kind",
            "sort", "recently", "finally", "normally", "occasionally", "typically", "rarely", "barely"}
_IRREGULAR_PAST = set(_words("""went got felt took had thought saw came gave ate fell hurt broke ran did was
were told said made
left kept began found put heard knew slept lost bought brought caught sat stood woke wore drank drove rode threw paid
quit hit cut let read set spent sent won tore forgot became understood meant grew"""))
_ED_BASE = {"need", "feed", "bleed", "proceed", "succeed", "exceed", "seed", "speed", "breed", "heed"}
_NOT_VERBS = {"on", "in", "at", "to", "the", "a", "an", "that", "this", "and", "or", "but", "for", "with", "of", "so",
              "not", "as", "if", "too", "both", "all", "guys", "know", "there", "here", "then"}
# Words after which the doctor's "you" is an object ("have you on", "refer you"), not a subject.
_OBJECT_AFTER = set(_words("""to for with at told give gave tell help call see let make get show send about on from by
ask asked advised patient has keep put start want prescribe of have had got bring examine check saw seen place refer
follow"""))
_TAKES_AN_OBJECT = set(_words("gives makes keeps wakes bothers lets helps tells takes hurts woke kept made gets"))
_IRREGULAR_PRESENT = {"have": "has", "do": "does", "am": "is", "are": "is", "be": "is", "go": "goes",
                      "don't": "doesn't", "haven't": "hasn't", "aren't": "isn't", "were": "was", "weren't": "wasn't"}


def third_person_verb(verb: str) -> str:
    """The third-person singular of a present-tense verb; past tenses and modals unchanged."""
    low = verb.lower()
    if low in _IRREGULAR_PRESENT:
        return _IRREGULAR_PRESENT[low]
    if low in _MODALS or low in _IRREGULAR_PAST or (low.endswith("ed") and low not in _ED_BASE) or "'" in low:
        return verb
    if not low.isalpha() or len(low) < 2 or low.endswith("ly"):
        return verb
    if re.search(r"(s|sh|ch|x|z|o)$", low):
        return verb + "es"
    if re.search(r"[^aeiou]y$", low):
        return verb[:-1] + "ies"
    return verb + "s"


@dataclass(frozen=True)
class Pronouns:
    subject: str  # "she", "he" or "the patient"
    object: str
    possessive: str
    reflexive: str

    @classmethod
    def for_sex(cls, sex: str | None) -> Pronouns:
        if sex == "female":
            return cls("she", "her", "her", "herself")
        if sex == "male":
            return cls("he", "him", "his", "himself")
        return cls("the patient", "the patient", "the patient's", "themselves")


def _subject_verb(words: list[str], i: int, subject: str) -> tuple[list[str], int]:
    """Rewrite a subject pronoun at words[i] and the verb after it (skipping adverbs)."""
    out = [subject]
    j = i + 1
    while (j < len(words) and (words[j].lower() in _ADVERBS or words[j].lower().endswith("ly"))
           and j + 1 < len(words) and words[j + 1].isalpha()):
        out.append(words[j])
        j += 1
    # "know" is no verb in the filler "you know", but is one in "you know how to use it".
    knows = (j + 1 < len(words) and words[j].lower() == "know"
             and words[j + 1].lower() in ("how", "what", "that", "about", "where", "when", "if", "why"))
    if j < len(words) and re.fullmatch(r"[A-Za-z']+", words[j]) and (words[j].lower() not in _NOT_VERBS or knows):
        out.append(third_person_verb(words[j]))
        j += 1
    return out, j


_CONTRACTIONS = [
    (r"\bi'm\b", "I am"), (r"\bi've\b", "I have"), (r"\bi'd\b", "I would"), (r"\bi'll\b", "I will"),
    (r"\byou're\b", "you are"), (r"\byou've\b", "you have"), (r"\byou'll\b", "you will"), (r"\byou'd\b", "you would"),
    (r"\bwe're\b", "we are"), (r"\bwe've\b", "we have"), (r"\bwe'll\b", "we will"), (r"\bwe'd\b", "we would"),
    (r"\blet's\b", "we will"),
]
# Doctor's lead-ins that announce a plan: the clinician's "we" and "I" disappear, the action stays.
_PLAN_LEAD = re.compile(
    r"\b(?:i|we) (?:am|are) (?:going to|gonna)\b|\b(?:i|we) will\b|\b(?:i|we) would like to\b|"
    r"\b(?:i|we) (?:do )?want to\b|\b(?:i|we) (?:need|have) to\b|\b(?:i|we) should\b", re.IGNORECASE)
# An option stays an option: "we could do an EGD" is not "will do an EGD" (the patient may choose otherwise).
_OPTION_LEAD = re.compile(r"\b(?:i|we) (can|could|might|may)\b", re.IGNORECASE)
_ADVICE = re.compile(r"\b(?:i|we) (?:want|would like|need|recommend|suggest|advise|encourage)(?: that)? you(?: to)?\b",
                     re.IGNORECASE)
# "I don't think we need to do any more workup" is a decision against, and stays the clinician's view (its
# "think" is a hedge the support check keeps): "does not think there is a need to do any more workup".
_NO_NEED = re.compile(r"\b(?:i|we) (?:do not|don't|dont) (?:really )?think (?:that )?(?:we|you|he|she|they) "
                      r"(?:really )?(?:need|have) to\b", re.IGNORECASE)
# Lead-ins that add nothing ("I know you've had...", "I see that..."): dropped.
_LEAD_IN = re.compile(r"\b(?:i|we) (?:do )?(?:know|understand|remember|see|noticed|heard|hear)(?: that)?,?\s*(?=[a-z])",
                      re.IGNORECASE)
# "I think we should start..." is a recommendation: the plan rule below states it ("Will start...").
_RECOMMENDING = re.compile(r"\b(?:i|we) (?:do )?(?:think|believe|feel like|guess|suppose|would say)(?: that)?,?\s*"
                           r"(?=(?:we|i)\b)", re.IGNORECASE)
# "we'll say you have some mild tenderness", "I'd say it's about the same": the frame carries nothing.
# Kept before a bare "it" ("I would say it's about an eight"): what "it" is would be lost with the frame.
_SAY_FRAME = re.compile(r"\b(?:i|we) (?:will|would|can|could|want to|wanna) (?:just )?say(?: that)?,?\s+(?=[a-z])"
                        r"(?!it\b|it's\b|that's\b)", re.IGNORECASE)
# A hedged impression stays hedged: "I think this is a viral bronchitis" -> "Probably a viral bronchitis",
# "I think this is most likely strep" -> "Most likely strep";
# any other "I think/suspect ..." keeps its verb ("The clinician suspects a fracture").
_HEDGED_IMPRESSION = re.compile(
    r"\b(?:i|we) (?:do )?(?:think|believe|suspect|feel like|guess|suppose)(?: that)?,?\s*"
    r"(?:this|it|that|what (?:you|she|he) (?:have|has|had))\s*(?:is|'s|was|(might|may|could) be)\s+"
    r"(probably\s+|(?:most\s+)?likely\s+|possibly\s+)?(?=[a-z])",
    re.IGNORECASE)
_FINDING = re.compile(r"\b(?:i|we) (?:do |can )?(?:appreciate|note|notice|hear|feel)(?! that)\b", re.IGNORECASE)
_REVIEW = re.compile(r"\b(?:i|we) (reviewed|looked at|discussed|talked about|went over|examined|checked)\b",
                     re.IGNORECASE)


# The patient's "you" is the person they speak to only where the words say so ("like you said", "I told you",
# "your office"); elsewhere it is the generic "you" of "it hurts when you bend over", which is the patient.
_ADDRESSED_CLINICIAN = re.compile(
    r"\b(?:(?P<verb>see|saw|told|tell|asked|ask|called|call)\s+you\b|"
    r"your(?=\s+(?:office|clinic|nurse|first available|appointment|staff|schedule)\b)|"
    r"you\s+(?P<said>said|mentioned|mention|asked|told|recommended|prescribed|gave)\b)", re.IGNORECASE)


def _the_clinician(m: re.Match[str]) -> str:
    if m.group("verb"):
        return m.group("verb") + " the clinician"
    if m.group("said"):
        return "the clinician " + third_person_verb(m.group("said"))
    return "the clinician's"


def to_third_person(sentence: str, role: str, pronouns: Pronouns) -> str:
    """The sentence in the third person. The patient is the subject of the patient's "I" and the
    doctor's "you"; the doctor's own "I"/"we" is dropped from plans and findings."""
    text = sentence
    for pattern, repl in _CONTRACTIONS:
        text = re.sub(pattern, repl, text, flags=re.IGNORECASE)
    text = _SAY_FRAME.sub("", text)
    if role == PATIENT:  # "since you mention anxiety", "I needed to see you": the clinician, not the patient
        text = _ADDRESSED_CLINICIAN.sub(_the_clinician, text)
    if role != PATIENT:
        text = _NO_NEED.sub("the clinician does not think there is a need to", text)
        text = _ADVICE.sub("advised the patient to", text)
        text = _LEAD_IN.sub("", text)
        text = _RECOMMENDING.sub("", text)
        # The doctor's own hedge word when there is one ("most likely strep"), not a second one before it.
        text = _HEDGED_IMPRESSION.sub(lambda m: m.group(2) or ("possibly " if m.group(1) else "probably "), text)
        text = _FINDING.sub("there is", text)
        text = _REVIEW.sub(lambda m: m.group(1), text)
        text = _PLAN_LEAD.sub("will", text)
        text = _OPTION_LEAD.sub(lambda m: m.group(1).lower(), text)
    words = re.findall(r"[A-Za-z'][A-Za-z'0-9]*|[^\sA-Za-z']+", text)  # "spo2", "a1c": one word
    me = "i" if role == PATIENT else "you"
    out: list[str] = []
    i = 0
    subject_said = False
    while i < len(words):
        w, low = words[i], words[i].lower()
        if low == "i" and role != PATIENT:
            chunk, i = _subject_verb(words, i, "the clinician")
            out.extend(chunk)
            continue
        if low == me:
            prev = out[-1].lower() if out else ""
            object_position = prev in _OBJECT_AFTER
            if object_position and role != PATIENT:
                out.append(pronouns.object)
                i += 1
                continue
            subject = pronouns.subject if subject_said or pronouns.subject != "the patient" else "the patient"
            subject_said = True
            chunk, i = _subject_verb(words, i, subject)
            out.extend(chunk)
            continue
        if role == PATIENT and low == "you":  # the generic "you" ("it hurts when you bend over") is the patient
            prev = out[-1].lower() if out else ""
            if prev in _OBJECT_AFTER or prev in _TAKES_AN_OBJECT:  # "it gives you a headache"
                out.append(pronouns.object)
                i += 1
            else:
                chunk, i = _subject_verb(words, i, pronouns.subject)
                out.extend(chunk)
            continue
        if role == PATIENT:
            mapped = {"my": pronouns.possessive, "me": pronouns.object, "myself": pronouns.reflexive,
                      "mine": pronouns.possessive}.get(low)
        else:
            mapped = {"your": pronouns.possessive, "yourself": pronouns.reflexive, "yours": pronouns.possessive,
                      "i": "the clinician", "me": "the clinic", "my": "the", "we": "", "us": "the clinic",
                      "our": "the"}.get(low)
        out.append(w if mapped is None else mapped)
        i += 1
    result = "".join(_join(out))
    # Anything still in the first or second person gets a neutral stand-in.
    result = re.sub(r"\b(?:you|i|we)\b", pronouns.subject if role == PATIENT else "the patient", result,
                    flags=re.IGNORECASE)
    result = re.sub(r"\b(?:your)\b", pronouns.possessive, result, flags=re.IGNORECASE)
    result = re.sub(r"\b(?:my|our)\b", "the", result, flags=re.IGNORECASE)
    result = re.sub(r"\b(?:me|us)\b", pronouns.object if role == PATIENT else "the clinic", result,
                    flags=re.IGNORECASE)
    return re.sub(r"\s{2,}", " ", result).strip()


def _join(tokens: list[str]) -> list[str]:
    """Tokens back into text: a space between words, after punctuation, and between a word and a number."""
    out: list[str] = []
    for t in tokens:
        if not t:
            continue
        word_after_word = re.match(r"[A-Za-z']", t) and re.search(r"[A-Za-z'0-9]$", out[-1]) if out else False
        after_punct = re.match(r"[A-Za-z'0-9]", t) and re.search(r"[,;:.!?]$", out[-1]) if out else False
        number_after_word = re.match(r"\d", t) and re.search(r"[A-Za-z']$", out[-1]) if out else False
        out.append(" " + t if word_after_word or after_punct or number_after_word else t)
    return out


_UNIT_WORDS = [(r"\bmilligrams?\b", "mg"), (r"\bmicrograms?\b", "mcg"), (r"\bmilliliters?\b", "mL"),
               (r"\bonce a day\b", "once daily"), (r"\btwice a day\b", "twice daily"),
               (r"\bthree times a day\b", "three times daily"), (r"\b(\d+) over (\d+)\b", r"\1/\2"),
               (r"\b(\d+) percent\b", r"\1%")]
_SMALL_NUMBERS = {w: str(i) for i, w in enumerate(
    _words("zero one two three four five six seven eight nine ten eleven twelve"))}
# "six to eight weeks": the first number of a range is a count of the same unit.
_SPOKEN_COUNT = re.compile(r"\b(" + "|".join(list(_SMALL_NUMBERS)[2:]) + r")\s+(?=(?:(?:to|or)\s+(?:\d+|"
                           + "|".join(list(_SMALL_NUMBERS)[2:]) + r")\s+)?(?:more\s+)?(?:days?|weeks?|months?|"
                           r"years?|hours?|minutes?|times|mg|milligrams?|pounds?|tablets?|pills?|units?)\b)",
                           re.IGNORECASE)


# Abbreviations a note writes in capitals; "er" only as a place ("the er", "an er visit").
_ABBREVIATIONS = re.compile(r"\b(?:egd|ekg|ecg|mri|ct|gerd|gi|copd|uti|bmp|cbc|cmp|tsh|psa|ent|icu|ibs|hiv|dvt|"
                            r"nsaids?)\b|(?<=\bthe )er\b|(?<=\ban )er\b", re.IGNORECASE)


def clinical_units(text: str) -> str:
    """Units, counts and abbreviations as a note writes them: "40 milligrams once a day" -> "40 mg once daily",
    "four weeks" -> "4 weeks", "150 over 90" -> "150/90", "an egd" -> "an EGD". Only the form changes; the
    values stay."""
    text = _SPOKEN_COUNT.sub(lambda m: _SMALL_NUMBERS[m.group(1).lower()] + " ", text)
    for pattern, repl in _UNIT_WORDS:
        text = re.sub(pattern, repl, text, flags=re.IGNORECASE)
    return _ABBREVIATIONS.sub(lambda m: m.group(0).upper().replace("NSAIDS", "NSAIDs"), text)
