"""What the doctor told the patient to watch for, and whom the patient is referred to, as said in the visit.

    warning_signs(transcript)   "if your symptoms worsen, just give me a call" / "call 911 if you get chest pain
                                at rest": a sign to watch for and what to do then, each citing its utterance
    instructions(transcript)    "make sure that you're getting some rest", "I would recommend staying isolated",
                                "we will just get a covid swab": what the doctor asked the patient to do, or said
                                the clinic will do
    impressions(transcript)     "it seems that you might just be having a cold": what the doctor thinks is going
                                on, hedge and all
    return_visits(transcript)   "we want to see you again in a couple weeks": when to come back, as said (the slots
                                hold intervals with a number; this also keeps "a couple of weeks", "next month")
    referrals(transcript)       "I'd like to refer you to physical therapy to strengthen that area":
                                the specialty, the reason as said, and whether it was only a possibility

Only the doctor's own sentences count, and only as they were said (cleaned of fillers): nothing here is
inferred. A call-me-if-you-have-questions line is not a warning sign; a sign needs a symptom or a change for
the worse in its condition. "We'll refer you if we need to" is kept, marked conditional, so a letter never
claims a referral the doctor only mentioned.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..model import DOCTOR, Transcript
from .visit import VisitSentence, visit_sentences

_TAG = re.compile(r"(?:,\s*|\s+)(?:okay|ok|all right|alright|right|yeah|sound good|does that sound good)\s*[?.!]?\s*$",
                  re.IGNORECASE)
_LEAD = re.compile(r"^(?:(?:and|so|but|also|now|then|okay|ok|alright|um|uh|well)\b[\s,]*)+", re.IGNORECASE)
# What the patient should do when the sign appears.
_ACT = re.compile(r"\b(?:call|give (?:me|us) a call|phone|contact|come (?:back|in|see)|return|go (?:to|straight to) "
                  r"(?:the )?(?:er|emergency|a&e|hospital|urgent care|nearest)|seek|let (?:me|us) know|"
                  r"be seen|get (?:seen|help|checked))\b", re.IGNORECASE)
_IF = re.compile(r"\b(?:if|whenever|should you|in case)\b", re.IGNORECASE)
# The sign itself: a symptom, or the illness not getting better.
_SIGN = re.compile(
    r"\b(?:worse|worsen\w*|severe|fevers?|temperature|bleed\w*|blood|short(?:ness)? of breath|breath\w*|"
    r"chest pain|pain|faint\w*|pass(?:ing)? out|dizz\w*|not (?:get(?:ting)? )?better|(?:does|do|is)n'?t "
    r"(?:get(?:ting)? )?(?:better|improv\w*|go(?:ing)? away)|no better|persist\w*|continu\w*|spread\w*|swell\w*|"
    r"numb\w*|weak\w*|vomit\w*|confus\w*|rash|red(?:ness)?|hives|go(?:es)? up|goes? down|gain\w*|drops?|"
    r"trouble|difficulty|symptoms?|stiff neck|seizure|sweat\w*|palpitations?|racing)\b", re.IGNORECASE)
_NOT_A_SIGN = re.compile(r"\b(?:questions?|concerns?|need anything|anything else|anything happens|"
                         r"any problems)\b", re.IGNORECASE)
# Advice and plans in the doctor's words ("you can get some over the counter medications like Tylenol cold").
_INSTRUCTION = re.compile(
    r"\b(?:recommend\w*|make sure|i want you to|i'd like you to|you (?:can|should|need to|may|might want to) "
    r"(?:get|take|use|try|start|keep|avoid|stay|continue|stop|drink|rest|ice|elevate|apply|call|come|go|check|"
    r"monitor|schedule|do|wear|limit|cut)|(?:we|i)(?: will|'ll| are going to|'re going to| want to| would like to| "
    r"should| can)(?: just| also| go ahead and)? (?:get|order|check|do|start|send|schedule|wait|prescribe|give|put|"
    r"refer|repeat|draw|see|obtain|increase|decrease|stop|continue|keep)|refer(?:ring)? you|wait and watch|"
    r"try to|stay(?:ing)? "
    r"(?:home|isolated|hydrated|active)|keep (?:it|your|the)|avoid\w*)\b", re.IGNORECASE)
_NOT_INSTRUCTION = re.compile(r"\b(?:questions?|does that sound|is that okay|let's (?:just )?(?:take a look|see|"
                              r"first see|examine|listen)|i'll (?:take a look|examine|listen)|before we|"
                              r"get into that|talk about that|we can go on)\b", re.IGNORECASE)
# The doctor's impression, said to the patient ("it sounds like", "I think this is", "you might have").
_IMPRESSION = re.compile(
    r"\b(?:(?:i|we) think (?:this|that|it|you)|it (?:seems|sounds|looks) like|it seems that|"
    r"this (?:is|looks|sounds) like|"
    r"you (?:might|may|probably|likely) (?:just )?(?:have|be having)|(?:most|more) likely|consistent with|"
    r"(?:your|the) (?:x-?ray|scan|mri|ct|labs?|results?|ecg|ekg|echo\w*|blood work) (?:shows?|showed|came back))\b",
    re.IGNORECASE)
_RETURN = re.compile(
    r"\b(?:see (?:you|her|him) (?:again|back)|come (?:back|in|see (?:me|us))|follow[- ]?up|check back|return|"
    r"recheck|touch base|next (?:visit|appointment))\b[^.?]{0,40}?\b(?:(?:in|after|within) (?:about |another |"
    r"around )?(?:a |an |\d+ |one |two |three |four |five |six |eight |twelve |a couple (?:of )?|a few |several )?"
    r"(?:days?|weeks?|months?|years?)|next (?:week|month|year)|in (?:the )?(?:spring|summer|fall|autumn|winter))\b",
    re.IGNORECASE)
_SPECIALTY = r"(?:a |an |the |some |our |your )?(?:(?:local|outpatient|good)\s+)?([a-z][a-z \-']{2,40}?)"
_REFER = re.compile(
    r"\b(?:refer(?:ring)?\s+(?:you|him|her|them)\s+(?:back\s+|over\s+)?to|(?:a |the )?referral\s+(?:to|for)|"
    r"send\s+(?:you|him|her)\s+(?:back\s+|over\s+)?to(?:\s+see)?|have\s+you\s+see|"
    r"get\s+you\s+in\s+(?:with|to see)|should\s+be\s+(?:evaluated|seen)\s+by)\s+"
    + _SPECIALTY + r"(?=\s*(?:[,.?;]|$)|\s+(?:for|to|so|who|because|and|about|regarding|if|once|when|today)\b)",
    re.IGNORECASE)
_REASON = re.compile(r"^\s*((?:for|to|so (?:that )?(?:they|he|she) can|who can|about|regarding)\s+"
                     r"[^,.?;]{3,120}?)\s*(?:[,.?;]|$|\s+(?:if|once|when|and then)\b)", re.IGNORECASE)
_CONDITIONAL = re.compile(r"\b(?:if|possibly|maybe|might|may|could|consider\w*|once (?:we|you|the|it|that))\b",
                          re.IGNORECASE)
_NOT_SPECIALTY = re.compile(r"^(?:you|me|him|her|it|that|this|them|see|there)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Advice:
    text: str  # the doctor's sentence as said (fillers out): "If your symptoms worsen, just give me a call."
    evidence: tuple[str, ...]  # utterance ids
    order: float


@dataclass(frozen=True)
class Referral:
    specialty: str  # "physical therapy", "gastroenterologist", "urology"
    reason: str  # "to kind of strengthen that area", "for another evaluation"; "" when none was said
    conditional: bool  # "we'll refer you to physical therapy if we need to"
    text: str  # the whole sentence as said
    evidence: tuple[str, ...]
    order: float


def said(sentence: VisitSentence) -> str:
    """The doctor's sentence without a trailing "okay?" or a leading "and so", ending with a full stop."""
    text = _LEAD.sub("", _TAG.sub("", sentence.cleaned.strip())).strip(" ,")
    text = re.sub(r"\s*-+\s*([.!?]?)$", r"\1", text)  # a word cut off mid-way ("twice a day-.")
    if not text:
        return ""
    text = text[:1].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _asked(sentence: VisitSentence) -> bool:
    """A real question, not a statement closed with "..., okay?"."""
    return sentence.is_question and not _TAG.search(sentence.cleaned.strip())


def _doctor_sentences(transcript: Transcript) -> list[VisitSentence]:
    return [s for s in visit_sentences(transcript) if s.role == DOCTOR and not s.command]


def _told(transcript: Transcript, keep: Callable[[VisitSentence, str], bool]) -> list[Advice]:
    """The doctor's statements (not questions) that `keep` accepts, each once, in visit order."""
    out: list[Advice] = []
    for s in _doctor_sentences(transcript):
        text = said(s)
        if not text or text.endswith("?") or _asked(s) or not keep(s, text):
            continue
        if all(a.text.lower() != text.lower() for a in out):
            out.append(Advice(text, (s.utterance_id,), float(s.index)))
    return out


def _a_warning_sign(_: VisitSentence, text: str) -> bool:
    condition = _IF.search(text)
    return bool(condition and _ACT.search(text) and not _NOT_A_SIGN.search(text)
                and _SIGN.search(text[condition.start():]))


def warning_signs(transcript: Transcript) -> list[Advice]:
    """Each sentence in which the doctor names a sign to watch for and what to do then, in visit order."""
    return _told(transcript, _a_warning_sign)


def instructions(transcript: Transcript) -> list[Advice]:
    """The doctor's advice and plan sentences (not warning signs, not questions), in visit order. Only the
    last half of the visit counts: advice comes after the history and examination, and "let's first see
    what's going on" early on is not a plan."""
    half = (len(transcript.utterances) - 1) / 2
    return _told(transcript, lambda s, text: s.utterance_index >= half and bool(_INSTRUCTION.search(text))
                 and not _NOT_INSTRUCTION.search(text))


def is_impression(text: str) -> bool:
    return bool(_IMPRESSION.search(text))


def is_instruction(text: str) -> bool:
    return bool(_INSTRUCTION.search(text)) and not _NOT_INSTRUCTION.search(text)


def impressions(transcript: Transcript) -> list[Advice]:
    """What the doctor told the patient they think is going on, from the second half of the visit."""
    half = (len(transcript.utterances) - 1) / 2
    return _told(transcript, lambda s, text: s.utterance_index >= half and bool(_IMPRESSION.search(text))
                 and not _INSTRUCTION.search(text) and not _a_warning_sign(s, text))


def return_visits(transcript: Transcript) -> list[Advice]:
    """The doctor's sentences saying when the patient should come back, in visit order."""
    return _told(transcript, lambda _, text: bool(_RETURN.search(text)) and not _IF.match(text))


def referrals(transcript: Transcript) -> list[Referral]:
    """Each referral the doctor spoke of, with the specialty and the reason as said."""
    out: list[Referral] = []
    for s in _doctor_sentences(transcript):
        text = said(s)
        for m in _REFER.finditer(text):
            specialty = " ".join(m.group(1).split()).strip(" '")
            if _NOT_SPECIALTY.match(specialty) or len(specialty) < 3:
                continue
            reason = _REASON.match(text[m.end():])
            before = text[:m.start()]
            conditional = bool(_CONDITIONAL.search(before) or re.match(r"\s*(?:if|once|when)\b", text[m.end():])
                               or re.search(r"\bif (?:we|you) need", text[m.end():]))
            out.append(Referral(specialty, reason.group(1).strip() if reason else "", conditional, text,
                                (s.utterance_id,), float(s.index)))
    return out


def referral_to(transcript: Transcript, specialty: str) -> Referral | None:
    """The referral to `specialty` ("Cardiology" matches "a cardiologist"), preferring a definite one."""
    wanted = _stem(specialty)
    matching = [r for r in referrals(transcript) if wanted and (wanted in _stem(r.specialty)
                                                                or _stem(r.specialty) in wanted)]
    matching.sort(key=lambda r: (r.conditional, -r.order))
    return matching[0] if matching else None


def _stem(name: str) -> str:
    """ "Cardiology", "cardiologist" and "the cardiology clinic" share "cardiolog"."""
    word = re.sub(r"\b(?:the|a|an|clinic|department|team|service|specialist|doctor|dr)\b", " ", name.lower())
    word = " ".join(word.split())
    return re.sub(r"(?:ist|ists|y|ic|ical)$", "", word)
