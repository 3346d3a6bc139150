"""What "it" and "that" point to when a result is read out: the test the doctor just named.

"hey dragon, show me the echocardiogram" / "so this is the result of the echocardiogram we did last year" /
"it showed that you have that low-ish pumping function of your heart at about 45 %": a note cannot say "It
showed ...". The statement names the test instead ("The echocardiogram showed ..."), citing the utterance
that named it as well. Only a test named by the same speaker in the few sentences just before, with no other
test named in between, is taken; otherwise the statement is left for the fragment rules to judge.
"""

from __future__ import annotations

import re

from ..model import DOCTOR
from .questions import FINDING_WORD
from .visit import VisitSentence

# The doctor's name for the test -> how a note names it.
_TESTS = (
    (r"echo(?:cardiogram)?s?", "echocardiogram"),
    (r"(?:(?:chest|knee|hip|shoulder|ankle|foot|wrist|hand|spine|back|lumbar spine|abdominal|neck) )?x-?rays?",
     None),  # named as said: "chest x-ray"
    (r"ekg|ecg|electrocardiogram", "EKG"),
    (r"(?:(?:brain|knee|spine|lumbar|shoulder|hip) )?mri", None),
    (r"(?:ct|cat) scan|ct", "CT scan"),
    (r"(?:(?:abdominal|renal|pelvic|right upper quadrant) )?ultrasound", None),
    (r"lipid panel|cholesterol panel", "lipid panel"),
    (r"stress test", "stress test"),
    (r"urinalysis|urine test", "urinalysis"),
    (r"blood work|lab work|labs|lab results|blood tests?", "labs"),
)
_TEST = re.compile(r"\b(" + "|".join(pattern for pattern, _ in _TESTS) + r")\b", re.IGNORECASE)
_POINTER = re.compile(r"^(?:(?:and|so|but|now)\s+)?(?:it|that|this)\s+"
                      r"(?=(?:(?:also|just|basically|really|clearly|does|did)\s+)*(?:shows?|showed|demonstrat\w+|"
                      r"reveal\w*|came back|confirm\w*|was normal|is normal|looks? (?:good|fine|normal)|"
                      r"looked (?:good|fine|normal))\b)", re.IGNORECASE)
LOOK_BACK = 3  # sentences


def _note_name(said: str) -> str:
    for pattern, name in _TESTS:
        if re.fullmatch(pattern, said, re.IGNORECASE):
            return name or re.sub(r"\bx-?rays?\b", "x-ray", said.lower())
    return said.lower()


def named_test(sentences: list[VisitSentence], at: VisitSentence) -> tuple[str, str] | None:
    """(the test as a note names it, the utterance naming it) for the sentence `at` reading out a result."""
    for before in reversed(sentences[max(0, at.index - LOOK_BACK):at.index]):
        if before.role != at.role:
            return None
        found = _TEST.findall(before.raw)
        if found:
            names = {_note_name(f) for f in found}
            return (names.pop(), before.utterance_id) if len(names) == 1 else None
    return None


def with_test_named(text: str, evidence: list[str], sentences: list[VisitSentence],
                    at: VisitSentence) -> tuple[str, list[str]]:
    """ "It showed that the patient has ..." -> "The echocardiogram showed that the patient has ...", citing
    the utterance that named the test too; unchanged when the pointer or its test is not clear."""
    pointer = _POINTER.match(text)
    if not pointer or _TEST.search(at.raw[:40]):
        return text, evidence
    test = named_test(sentences, at)
    if test is None:
        return text, evidence
    name, utterance = test
    rest = text[pointer.end():]
    cited = list(dict.fromkeys([*evidence, utterance]))
    return f"The {name} {rest}", cited


# The patient's "it" answering a question about a finding: "when did the cough start?" / "it started about a
# week ago" -> "The cough started about a week ago.", citing the question too.
_IT_SUBJECT = re.compile(r"^(?:it|that)\s+(?=(?:\w+ly\s+)?(?:started|starts|began|begins|has been|had been|was|is|"
                         r"gets|got|comes|came|goes|went|happens|happened|hurts|hurt|lasted|lasts|feels|felt|seems|"
                         r"seemed|used to)\b)", re.IGNORECASE)


_ASKED_FINDING = re.compile(r"\b(?:the|your|this|that)\s+((?:[a-z-]+\s+){0,2}?(?:" + FINDING_WORD.pattern + r"))",
                            re.IGNORECASE)


def _asked_finding(question: str) -> str | None:
    found = {m.group(1).lower() for m in _ASKED_FINDING.finditer(question) if not re.search(r"\byou", m.group(1))}
    return found.pop() if len(found) == 1 else None  # two findings asked about: "it" is not clear


def with_asked_subject(text: str, evidence: list[str], sentences: list[VisitSentence],
                       at: VisitSentence) -> tuple[str, list[str]]:
    """ "It started about a week ago." -> "The cough started about a week ago." when the question the
    patient answers names one finding; unchanged otherwise."""
    pointer = _IT_SUBJECT.match(text)
    if not pointer or at.role == DOCTOR or at.index == 0:
        return text, evidence
    before = sentences[at.index - 1]
    if before.role != DOCTOR or not before.is_question or before.utterance_index != at.utterance_index - 1:
        return text, evidence  # only the first sentence of the answer, right after the question
    finding = _asked_finding(before.raw)
    if finding is None:
        return text, evidence
    return f"The {finding} {text[pointer.end():]}", list(dict.fromkeys([before.utterance_id, *evidence]))
