"""The visit's reason and its problem list, as the doctor names them.

Chief complaint: "...who presents for his annual exam" -> "Annual exam." Problems: the doctor's walk
through the problem list ("for your first problem, your high blood pressure, ...", "first problem, i think
you have an acute lumbar strain", "in terms of your gout", "my impression is that you have ...", "from a
back pain standpoint") -> "Hypertension.", placed before the plan sentences that follow it, and numbered
when the note is rendered (render.py). A diagnosis the doctor hedged stays hedged ("Probable acute lumbar
strain."). Only the doctor's words are used; a few lay names map to the clinical term a note uses.
"""

from __future__ import annotations

import re

from ..clinical_lexicon import ANATOMY, CONDITIONS
from ..model import DOCTOR
from .certainty import dropped_hedge, hedged
from .support import NEGATION
from .visit import VisitSentence

_REASON = re.compile(
    r"\b(?:presents?|presenting|here|in|coming in|came in|referred|seeing (?:you|him|her))\s+(?:today\s+)?"
    r"(?:for|with)\s+(?:a |an |the |his |her |your |some |their )?"
    r"((?:evaluation of |follow[- ]?up of )?[a-z][a-z \-']{2,48}?)"
    r"(?=\s*[,.?;]|\s+(?:and|so|today|who|because|that|which|as)\b|$)", re.IGNORECASE)
# "for your first problem, your high blood pressure, ...", "your next problem your type 2 diabetes we'll ...",
# "first problem of the headache i do think ...": the ordinal names the walk through the problem list.
_ORDINAL = re.compile(r"\b(?:first|second|third|fourth|fifth|next|last|final)\s+(?:problem|issue|concern)\b"
                      r"[\s,]*(?:(?:is|was)\s+)?(?:(?:for|of|with|regarding)\s+)?", re.IGNORECASE)
# What names it right after, or the diagnosis the doctor then gives ("first problem, i think you have an acute
# lumbar strain").
_END = (r"(?=\s*[,.?;:]|\s+(?:i|i'm|i'd|we|we'll|we're|you|you're|your|it|it's|that|so|is|are|has|have|let's|let|"
        r"which|because|and|but|from|at|right|now|today|seems?|looks?|again|everything|first|like|all|overall|as|in|"
        r"on|with|for|to|since|standpoint|perspective|aspect|point|consistent|continue|doing|still|was|were|be|when|if|after|before)\b|$)")
_NAME = re.compile(r"^(?:(?:your|the|his|her|their|this|that)\s+)?"
                   r"((?:newly diagnosed\s+|new\s+)?[a-z][a-z0-9 \-']{2,48}?)" + _END, re.IGNORECASE)
_DIAGNOSIS = re.compile(r"^(?:i\s+)?(?:do\s+)?(?:think|believe|feel)\s+(?:that\s+)?(?:you\s+(?:have|'ve got|"
                        r"have got|are having|re having)|you're having|this is|it's|it is)\s+(?:an?\s+|some\s+)?",
                        re.IGNORECASE)
# "in terms of your depression", "for your migraines", "regarding the kidney stones": a named condition
# introduced the way the doctor moves from one problem to the next.
_NAMED = re.compile(r"^(?:(?:and|so|now|okay|alright|um|uh)\s+)*(?:for|regarding|as for|as far as|in terms of|"
                    r"with regards? to|moving on to|now for|so for)\s+(?:your|his|her|the)\s+"
                    r"(?:(?:problem|issue|concern) of\s+)?"  # "for your problem of left shoulder pain"
                    r"([a-z][a-z0-9 \-']{2,40}?)" + _END, re.IGNORECASE)
# "my impression of you is that you have this hyperglycemia", "from a chronic back pain standpoint".
# "my impression is that you probably have a contusion" names a probable contusion.
_IMPRESSION = re.compile(r"\bmy impression[,\s]+(?:(?:of (?:you|him|her)|is that|is)[,\s]+)+"
                         r"(?:(?:(?:you|he|she|they)\s*)?(?P<hedge>(?:probably|likely|most likely|possibly)\s+)?"
                         r"(?:have had|have|has|'ve had|'ve got)\s+)?(?:this |a |an |some |that )?"
                         r"([a-z][a-z0-9 \-']{2,40}?)" + _END, re.IGNORECASE)
_STANDPOINT = re.compile(r"\bfrom (?:a|an|the|your) ([a-z][a-z0-9 \-']{2,40}?) (?:standpoint|perspective|aspect|"
                         r"point of view)\b", re.IGNORECASE)
_NOT_A_NAME = re.compile(r"^(?:problem|issue|concern|one|it|that|this|thing|i|you|we|other|most|rest|pain|"
                         r"past|next|first|last|is|at|and|of|as|in|so|your|when|if)\b", re.IGNORECASE)
# Unlike cleanup's, this takes the commas around a filler with it: "an acute lumbar , um , strain" names one
# problem. (Not in cleanup: in "any fevers , um , chills" those commas part a list.)
_FILLERS = re.compile(r"[,\s]*\b(?:um+|uh+|uhm+|you know|kind of|sort of)\b[,\s]*", re.IGNORECASE)
CLINICAL_NAMES = {
    "high blood pressure": "Hypertension", "blood pressure": "Hypertension", "hypertension": "Hypertension",
    "diabetes": "Diabetes", "type 2 diabetes": "Type 2 diabetes", "blood sugar": "Diabetes", "sugar": "Diabetes",
    "sugars": "Diabetes", "high cholesterol": "Hyperlipidemia", "cholesterol": "Hyperlipidemia",
    "heart failure": "Congestive heart failure", "congestive heart failure": "Congestive heart failure",
    "reflux": "Acid reflux", "acid reflux": "Acid reflux", "kidney stone": "Kidney stone",
    "kidney stones": "Kidney stones", "depression": "Depression", "anxiety": "Anxiety", "asthma": "Asthma",
}
_REASON_SKIP = re.compile(r"\b(you|me|i|it|that|this|a while|a bit|today|now|here)$|^(a|the)$", re.IGNORECASE)


def clinical_name(phrase: str) -> str:
    phrase = re.sub(r"\s+", " ", phrase.strip(" ,.'")).lower()
    phrase = re.sub(r"\b(of|for) (?:a|an|the|his|her|your|their|my) ", r"\1 ", phrase)
    return CLINICAL_NAMES.get(phrase, phrase[:1].upper() + phrase[1:])


def chief_complaint(sentences: list[VisitSentence]) -> tuple[str, VisitSentence] | None:
    """The reason for the visit from the doctor's opening, or None."""
    for s in sentences:
        if s.role != DOCTOR or s.context.position > 0.4:
            continue
        m = _REASON.search(s.cleaned)
        if m and not _REASON_SKIP.search(m.group(1).strip()) and len(m.group(1).split()) <= 7:
            return clinical_name(m.group(1)) + ".", s
    return None


_OPENING = re.compile(r"\b(how are you|how're you|how have you been|"
                      r"what brings you|what's going on|what is going on|how can i help|what can i do for you|"
                      r"what seems to be|what's the problem|what's been going on|reason for (your|the) visit|"
                      r"what (are you|have you been) (having|experiencing))\b", re.IGNORECASE)
_COMPLAINT = re.compile(r"\b(?:this|a|an|some|my|the|having|had|with)\s+([a-z][a-z -]{2,40}?)(?=\s*(?:[,.;]|\bfor\b|"
                        r"\bsince\b|\bthat\b|\band\b|\bbut\b|\bwhich\b|\bthe past\b|$))", re.IGNORECASE)


def opening_complaint(sentences: list[VisitSentence]) -> tuple[str | None, list[VisitSentence]]:
    """The patient's answer to the opening question ("what brings you in?"): the complaint in a few
    words when one names a finding, and the answer's sentences (the start of the history)."""
    from .questions import FINDING_WORD

    for i, s in enumerate(sentences):
        if s.context.position > 0.25:
            break
        # Speech recognition may not mark the opening as a question ("hi wayne how're you today").
        if s.role != DOCTOR or not (s.is_question or s.context.position < 0.1) or not _OPENING.search(s.cleaned):
            continue
        answer = [a for a in sentences[i + 1:] if a.utterance_index == s.utterance_index + 1 and a.role != DOCTOR]
        complaint = None
        for a in answer:
            for m in _COMPLAINT.finditer(a.cleaned):
                phrase = re.sub(r"^(?:this|that|a|an|some|my|the)\s+", "", m.group(1).strip(), flags=re.I)
                # A body part alone ("... down in my chest") is where, not what the complaint is.
                if (FINDING_WORD.search(phrase) and len(phrase.split()) <= 4
                        and not set(phrase.lower().split()) <= ANATOMY):
                    complaint = clinical_name(phrase) + "."
                    break
            if complaint:
                break
        return complaint, answer
    return None, []


# A diagnosis the lexicon does not list still reads as one by its ending ("lateral epicondylitis", "patellofemoral
# pain syndrome", "cervical radiculopathy", "right leg contusion").
_DIAGNOSIS_WORD = re.compile(r"^(?!diagnosis$|prognosis$).*(?:itis|osis|oma|pathy|emia|algia|syndrome|disease|disorder|"
                             r"contusion)$")


def _named_condition(phrase: str) -> bool:
    words = re.findall(r"[a-z0-9-]+", phrase.lower())
    return phrase.lower() in CLINICAL_NAMES or any(w in CONDITIONS and w not in ("pain", "pains", "sore") for w in
                                                   words) or (len(words) >= 2 and words[-1] == "pain") or any(
        _DIAGNOSIS_WORD.search(w) for w in words)


def _probable(name: str) -> str:
    return name if name.startswith("Probable ") else "Probable " + name[:1].lower() + name[1:]


def problem_name(sentence: str) -> str | None:
    """The problem a sentence of the assessment and plan opens, in a note's words, or None."""
    text = re.sub(r"\b(\w+)-?(?:\s*,?\s+\1\b)+", r"\1", _FILLERS.sub(" ", sentence),
                  flags=re.IGNORECASE)  # "your, your", "you- you"
    text = re.sub(r"\s{2,}", " ", text).strip()
    m = _ORDINAL.search(text)
    if m:
        rest = text[m.end():].lstrip(" ,")
        named = _NAME.match(rest)
        phrase = named.group(1) if named else None
        doubt = False
        if not phrase or _NOT_A_NAME.match(phrase):
            diagnosis = _DIAGNOSIS.match(rest)
            named = _NAME.match(rest[diagnosis.end():]) if diagnosis else None
            phrase = named.group(1) if named else None
            doubt = bool(diagnosis and hedged(diagnosis.group(0)))  # "i think you have ..."
        phrase = re.sub(r"^(?:a|an|the|some)\s+", "", phrase or "", flags=re.IGNORECASE)
        if phrase and not _NOT_A_NAME.match(phrase) and len(phrase.split()) <= 6:
            return _probable(clinical_name(phrase)) if doubt else clinical_name(phrase)
        return None
    impression = _IMPRESSION.search(text)  # says it is the diagnosis, whatever the words
    if impression and not _NOT_A_NAME.match(impression.group(2)) and len(impression.group(2).split()) <= 4:
        name = clinical_name(impression.group(2))
        return _probable(name) if impression.group("hedge") else name
    for m in (_NAMED.match(text), _STANDPOINT.search(text)):
        if m and not _NOT_A_NAME.match(m.group(1)) and len(m.group(1).split()) <= 4 and _named_condition(m.group(1)):
            return clinical_name(m.group(1))
    return None


# A one-problem visit names its problem as the doctor's impression: "i think you have a right ankle sprain",
# "it seems that you might just be having a cold", "this is consistent with plantar fasciitis", "the diagnosis
# here would be lateral epicondylitis".
_DIAGNOSED = re.compile(r"\b(?:you have|you do have|you've got|you're having|you are having|"
                        r"you (?:might|may) (?:just )?(?:be having|have)|consistent with|diagnos\w+ (?:you )?with|"
                        r"sounds like you have|looks like you have|"
                        r"(?:your|my|the) diagnosis (?:here )?(?:is|would be|will be))\s+"
                        r"(?:an?\s+|some\s+|the\s+|this\s+|that\s+)?([a-z][a-z0-9 \-']{2,40}?)" + _END,
                        re.IGNORECASE)


# What an examination finds ("you have significant tenderness") is a sign, not the visit's problem.
_SIGNS = {"tenderness", "tender", "swelling", "swollen", "soreness", "numbness", "tingling", "weakness", "edema",
          "bruising", "redness", "murmur", "rash", "fever", "effusion"}


def impression_problem(sentences: list[VisitSentence]) -> tuple[str, VisitSentence] | None:
    """The problem of a visit whose doctor names no problem as such: the first impression late in the visit
    that names a condition, hedged as the doctor hedged it."""
    for s in sentences:
        if s.role != DOCTOR or s.context.position < 0.5 or s.is_question:
            continue
        text = re.sub(r"\s{2,}", " ", _FILLERS.sub(" ", s.raw))
        at = 0
        # Matches may overlap: "so you do have that your diagnosis is uncontrolled hypertension".
        while m := _DIAGNOSED.search(text, at):
            phrase, at = m.group(1), m.start(1)
            if NEGATION.search(text[max(0, m.start() - 30):m.start()]) or re.match(r"(?:any|no)\b", phrase):
                break  # "i don't think you have any type of infection" rules a problem out
            words = phrase.lower().split()
            if (not _NOT_A_NAME.match(phrase) and len(words) <= 5 and _named_condition(phrase)
                    and not set(words) & _SIGNS and words[-1] not in ("of", "in", "on", "over", "to", "with")):
                name = clinical_name(phrase)
                lead = text[max(0, m.start() - 40):m.start(1)]  # "it seems that you might just be having a cold"
                if hedged(lead) or dropped_hedge(name, [s.raw]):
                    name = _probable(name)
                return name + ".", s
    return None


def problem_headers(sentences: list[VisitSentence]) -> list[tuple[str, VisitSentence]]:
    """(problem name, the sentence naming it) for each problem the doctor walks through, once each."""
    out: list[tuple[str, VisitSentence]] = []
    named: list[set[str]] = []
    for s in sentences:
        if s.role != DOCTOR or s.context.position < 0.3 or s.is_question:
            continue
        name = problem_name(s.raw)  # its fillers, not cleanup's commas, leave "acute lumbar, strain"
        if name and dropped_hedge(name, [s.raw]):  # a hedge the name's own words fall under
            name = _probable(name)
        words = set(re.findall(r"[a-z0-9]+", (name or "").lower())) - {"probable"}
        # "episode of chest pain" and then "chest pain" are one problem, named first as the doctor first named it.
        if name and all(not (words <= seen or seen <= words) for seen in named):
            named.append(words)
            out.append((name + ".", s))
    if not out and (one := impression_problem(sentences)):
        out.append(one)
    return out
