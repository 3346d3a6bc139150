"""A visit as sentences: each spoken sentence with its utterance, speaker, cleaned text and context."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Transcript
from .cleanup import clean, is_command
from .section_model import SentenceContext
from .segment import segment_many


@dataclass(frozen=True)
class VisitSentence:
    index: int  # order in the visit
    utterance_index: int
    utterance_id: str
    role: str
    raw: str  # as spoken (as transcribed)
    cleaned: str  # fillers and stutters removed, still in the speaker's own words
    context: SentenceContext
    command: bool  # addressed to the recording system

    @property
    def is_question(self) -> bool:
        return self.context.is_question


def visit_sentences(transcript: Transcript) -> list[VisitSentence]:
    utterances = transcript.utterances
    per_utterance = segment_many([u.text for u in utterances])
    total = max(1, len(utterances) - 1)
    out: list[VisitSentence] = []
    previous_question = False
    previous_role = ""
    for ui, (u, sents) in enumerate(zip(utterances, per_utterance, strict=True)):
        after_question = previous_question and previous_role != u.role
        for s in sents:
            cleaned = clean(s)
            question = s.rstrip().endswith("?")
            ctx = SentenceContext(text=cleaned, role=u.role, position=ui / total, is_question=question,
                                  after_question=after_question)
            out.append(VisitSentence(len(out), ui, u.id, u.role, s, cleaned, ctx, is_command(s)))
        previous_question = bool(sents) and sents[-1].rstrip().endswith("?")
        previous_role = u.role
    return out
