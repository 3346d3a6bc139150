"""Certainty: a hedged impression must stay hedged in the note.

"I think this is a viral bronchitis" is not "This is a viral bronchitis". The checker treats a hedge
like a negation: a statement that restates a hedged sentence of its cited utterances ("probably",
"likely", "might be", "I suspect", "rule out", "concerned about", ...) without any hedge of its own
states as certain what the clinician was not sure of, and fails. "I think we should start albuterol"
is a recommendation, not an uncertain finding, and is not counted as a hedge.
"""

from __future__ import annotations

import re

HEDGE = re.compile(
    r"\b(?:(?:think|thinks|thought|believe|believes|suspect|suspects|suspected|suspicion|suspicious|guess|suppose)"
    r"(?!\s+(?:that\s+)?(?:we|i|let's|let us)\b)(?!\s+so\b)|"
    r"probabl[ey]|(?:un)?likely|possibl[ey]|possibility|might|may be|maybe|could be|could have|perhaps|"
    r"rule (?:it |this |that )?out|ruled out|ruling out|r/o|differential|question of|questionable|"
    r"concern(?:ed|ing)? (?:about|for|that|it)|worried (?:about|that|it)|suggest(?:s|ive|ing)? of|"
    r"not (?:sure|certain)|unsure|uncertain|unclear|presum\w+|query|appears? to|seems?|seemed|sounds like|"
    r"looks like|consistent with|can't exclude|cannot exclude)\b", re.IGNORECASE)
BEFORE, AFTER = 2, 12  # words a hedge reaches on either side
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_STOP_WORDS = """a an the and or but of to in on at for with from by is are was were be been has have had it its this
that these those she he they her his their patient will would can could should any some also there just very about
as so if not no clinician you your i we our me my it's that's this's what which who"""
_STOP = set(_STOP_WORDS.split())


def hedged(text: str) -> bool:
    return bool(HEDGE.search(text))


def _terms(text: str) -> set[str]:
    return {w[:6] for w in re.findall(r"[a-z]+", HEDGE.sub(" ", text.lower())) if w not in _STOP and len(w) > 2}


def dropped_hedge(statement: str, cited_texts: list[str]) -> str | None:
    """The hedge of a cited sentence that the statement restates as certain, or None.

    A hedge reaches the words just before it and a clause after it ("shortness of breath, probably
    asthma"; "I think you are in an acute heart failure exacerbation"). The statement restates what it
    hedges when at least two of its content words, and half of them, are in that reach: a sentence
    elsewhere in the same utterance, or the problem named before "I think ...", does not bind it."""
    if hedged(statement):
        return None
    words = _terms(statement)
    if not words:
        return None
    for text in cited_texts:
        for sentence in _SENTENCE_END.split(text):
            for hedge in HEDGE.finditer(sentence):
                before = sentence[:hedge.start()].split()[-BEFORE:]
                after = sentence[hedge.end():].split()[:AFTER]
                shared = words & _terms(" ".join([*before, *after]))
                if len(shared) >= 2 and len(shared) >= 0.5 * len(words):
                    return hedge.group(0)
    return None
